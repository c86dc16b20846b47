import ClaimsCore
@testable import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// Hostile or mistaken rule files: aliases, huge numbers, reference cycles, links out of Payers/.
/// Every one is a `file:line:column` diagnostic, never a crash or a runaway.
@Suite struct RuleFileLimitsTests {
    static func diagnostics(replacing name: String, with text: String) throws -> [RuleFileDiagnostic] {
        try RuleFileTests.diagnostics(replacing: name, with: text)
    }

    static func cigna(_ rules: String, conditions: String = "") -> String {
        RuleFileTests.header.replacingOccurrences(of: "rules:\n", with: conditions + "rules:\n") + rules
    }

    static let holdJ0013 = "  - id: a\n    kind: hold\n    codes: [J0013]\n"

    // MARK: 1. YAML anchors and aliases

    @Test func anAliasIsRefusedWhereItIsWritten() throws {
        let text = Self.cigna("  - id: a\n    kind: hold\n    codes: &drugs [J0013]\n  - id: b\n    kind: ndc\n    codes: *drugs\n")
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: text)
        let anchor = try #require(found.first { $0.message.contains("anchor") }, "got \(found)")
        #expect(anchor.description.hasPrefix("cigna.yaml:10:12: "), "got \(anchor)")
        #expect(anchor.message.contains("&drugs"))
    }

    @Test func aBareAliasIsRefusedAtItsPosition() throws {
        // An alias to an undefined anchor is refused as an alias, not as a YAML internal error.
        let text = Self.cigna("  - id: a\n    kind: hold\n    codes: *drugs\n")
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: text)
        #expect(found.contains { $0.description.hasPrefix("cigna.yaml:10:12: ") && $0.message.contains("*drugs") }, "got \(found)")
    }

    /// The 2 KB "billion laughs": ten levels of ten aliases each, 10^9 conditions once expanded.
    /// Refused at once, without expanding anything.
    @Test(.timeLimit(.minutes(1))) func theBillionLaughsIsRefusedQuickly() throws {
        var conditions = "conditions:\n  c0: &a0 {any: [" + Array(repeating: "{age: {min: 18}}", count: 10).joined(separator: ", ") + "]}\n"
        for level in 1...9 {
            conditions += "  c\(level): &a\(level) {any: [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]}\n"
        }
        let bomb = Self.cigna(Self.holdJ0013, conditions: conditions)
        #expect(bomb.utf8.count < 2_500)
        let started = Date()
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: bomb)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(found.count == 1, "one problem for the file, got \(found)")
        #expect(found.first?.description.hasPrefix("cigna.yaml:8:7: ") == true, "got \(found)")
        // The clinic profile and the rule diff read YAML the same guarded way.
        #expect(throws: RuleFilesInvalid.self) { try ClinicProfileLoader.parse(bomb, file: "clinic.yaml") }
        #expect(RuleDiff.sections(of: bomb) == nil)
    }

    @Test func tooDeepNestingIsRefused() throws {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(Self.holdJ0013) + "note: \(deep)\n")
        #expect(found.contains { $0.message.contains("nested more than") }, "got \(found)")
    }

    @Test func aFileLargerThanTheLimitIsRefusedBeforeItIsParsed() throws {
        let padding = String(repeating: "# padding\n", count: YAMLLimits.maximumBytes / 10 + 1)
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(Self.holdJ0013) + padding)
        #expect(found.contains { $0.description.hasPrefix("cigna.yaml:1:1: ") && $0.message.contains("at most") }, "got \(found)")
    }

    // MARK: 2. Numbers out of range

    @Test(arguments: [
        ("  - id: t\n    kind: timely-filing\n    days: 9223372036854775807\n", 10, 11, "days must be a whole number from 1 to 3650"),
        ("  - id: t\n    kind: timely-filing\n    days: 99999999999999999999999\n", 10, 11, "days must be a whole number from 1 to 3650"),
        ("  - id: t\n    kind: timely-filing\n    days: 0\n", 10, 11, "from 1 to 3650"),
        ("  - id: t\n    kind: timely-filing\n    days: 90\n    warningDays: -9223372036854775808\n", 11, 18, "warningDays must be a whole number from 0 to 3650"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    when: {age: {min: 9223372036854775807}}\n", 11, 23, "age.min must be a whole number from 0 to 150"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    when: {fact: phq9, atLeast: 99999999999999999999999999999999999999999}\n", 11, 33, "atLeast must be a number from -1000000 to 1000000"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    effective: {from: 2300-01-01}\n", 11, 23, "between 1900-01-01 and 2199-12-31"),
    ])
    func numbersOutOfRangeAreRefusedWithTheRange(_ rules: String, _ line: Int, _ column: Int, _ fragment: String) throws {
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(rules))
        let match = found.first { $0.message.contains(fragment) }
        #expect(match != nil, "got \(found)")
        #expect(match?.description.hasPrefix("cigna.yaml:\(line):\(column): ") == true, "got \(found)")
    }

    @Test func priorAuthorizationDecisionDaysAndNDCUnitsHaveRanges() throws {
        let payer = RuleFileTests.header.replacingOccurrences(of: "  claimFilingIndicator: CI\n",
                                                                 with: "  claimFilingIndicator: CI\n  priorAuthorizationDecisionDays: 9223372036854775807\n")
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: payer + Self.holdJ0013)
        #expect(found.contains { $0.description.hasPrefix("cigna.yaml:7:35: ") && $0.message.contains("from 1 to 365") }, "got \(found)")

        let common = try String(contentsOfFile: RuleFileTests.payersDirectory + "/common.yaml", encoding: .utf8)
            .replacingOccurrences(of: "units: 84,", with: "units: 1e400,")
        let units = try Self.diagnostics(replacing: "common.yaml", with: common)
        #expect(units.contains { $0.message.contains("units must be a number from") }, "got \(units)")
    }

    // MARK: 3. Cycles of named conditions

    @Test func aCycleThroughSeveralConditionsIsRefusedAtTheReferenceThatClosesIt() throws {
        let conditions = "conditions:\n  a1:\n    any: [{ref: b1}, {ref: trd}]\n  b1:\n    all:\n      - {ref: c1}\n  c1:\n    not: {ref: a1}\n"
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(Self.holdJ0013, conditions: conditions))
        let cycle = try #require(found.first { $0.message.contains("cycle") }, "got \(found)")
        #expect(cycle.description.hasPrefix("cigna.yaml:14:16: "), "got \(cycle)")
        #expect(cycle.message.contains("a1 → b1 → c1 → a1"), "got \(cycle)")
        #expect(found.count == 1, "the cycle is reported once, got \(found)")
    }

    @Test func aSelfReferenceIsReportedWhereItIsWritten() throws {
        let conditions = "conditions:\n  a1:\n    all:\n      - {age: {min: 18}}\n      - {ref: a1}\n"
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(Self.holdJ0013, conditions: conditions))
        let match = try #require(found.first { $0.message.contains("itself") }, "got \(found)")
        #expect(match.description.hasPrefix("cigna.yaml:11:15: "), "got \(match)")
    }

    @Test func anUnknownReferenceInANamedConditionIsLocated() throws {
        let conditions = "conditions:\n  a1: {ref: nope}\n"
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(Self.holdJ0013, conditions: conditions))
        #expect(found.contains { $0.description.hasPrefix("cigna.yaml:8:13: ") && $0.message.contains("unknown condition 'nope'") }, "got \(found)")
    }

    /// A payer condition that shadows a shared one can close a cycle through the shared file.
    @Test func aCycleThroughASharedConditionIsReportedInThePayerFile() throws {
        // common.yaml: nothing refers to another condition; make trd refer to mdsi, and the payer's mdsi to trd.
        let common = try String(contentsOfFile: RuleFileTests.payersDirectory + "/common.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  trd:\n    label: TRD\n    all:\n", with: "  trd:\n    label: TRD\n    all:\n      - ref: mdsi\n")
        let payer = Self.cigna(Self.holdJ0013, conditions: "conditions:\n  mdsi: {ref: trd}\n")
        let sources = try RuleFileTests.installed().filter { !["cigna.yaml", "common.yaml"].contains($0.fileName) }
            + [.init(path: "common.yaml", text: common), .init(path: "cigna.yaml", text: payer)]
        var found: [RuleFileDiagnostic] = []
        do { _ = try RuleBookLoader.combine(sources) } catch { found = error.diagnostics }
        #expect(found.contains { $0.file == "cigna.yaml" && $0.line == 8 && $0.message.contains("cycle") }, "got \(found)")
        #expect(!found.contains { $0.file == "common.yaml" }, "the shared file alone has no cycle, got \(found)")
    }

    @Test func aChainOfReferencesDeeperThanTheEvaluatorFollowsIsRefused() throws {
        var conditions = "conditions:\n"
        for index in 0..<40 { conditions += "  c\(index): {ref: c\(index + 1)}\n" }
        conditions += "  c40: {age: {min: 18}}\n"
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.cigna(Self.holdJ0013, conditions: conditions))
        #expect(found.contains { $0.message.contains("references deep") }, "got \(found)")
    }

    // MARK: 4. Links out of Payers/

    @Test func aPayerFileThatLinksOutsidePayersIsRefused() throws {
        let root = try Fixtures.temporaryDirectory("symlink")
        let payers = root.appendingPathComponent("Payers")
        try FileManager.default.copyItem(atPath: RuleFileTests.payersDirectory, toPath: payers.path)
        let outside = root.appendingPathComponent("elsewhere/cigna.yaml")
        try FileManager.default.createDirectory(at: outside.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: payers.appendingPathComponent("cigna.yaml"), to: outside)
        try FileManager.default.createSymbolicLink(atPath: payers.appendingPathComponent("cigna.yaml").path, withDestinationPath: outside.path)
        do {
            _ = try RuleBookLoader.load(directory: payers.path)
            Issue.record("a link out of Payers/ was accepted")
        } catch let invalid as RuleFilesInvalid {
            let problem = try #require(invalid.diagnostics.first)
            #expect(problem.description.hasPrefix(payers.appendingPathComponent("cigna.yaml").path + ":1:1: "), "got \(problem)")
            #expect(problem.message.contains("symbolic link") && problem.message.contains(outside.path), "got \(problem)")
        }
        // A link to a file inside Payers/ (e.g. kept under a subfolder) is accepted.
        try FileManager.default.createDirectory(at: payers.appendingPathComponent("files"), withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: payers.appendingPathComponent("cigna.yaml"))
        try FileManager.default.moveItem(at: outside, to: payers.appendingPathComponent("files/cigna.yaml"))
        try FileManager.default.createSymbolicLink(atPath: payers.appendingPathComponent("cigna.yaml").path, withDestinationPath: "files/cigna.yaml")
        #expect(try RuleBookLoader.load(directory: payers.path).payers["cigna"] != nil)
    }

    @Test(.timeLimit(.minutes(1))) func aPayerFileThatIsNotARegularFileIsRefused() throws {
        let root = try Fixtures.temporaryDirectory("fifo")
        let payers = root.appendingPathComponent("Payers")
        try FileManager.default.copyItem(atPath: RuleFileTests.payersDirectory, toPath: payers.path)
        #expect(mkfifo(payers.appendingPathComponent("uhc2.yaml").path, 0o600) == 0)
        do {
            _ = try RuleBookLoader.load(directory: payers.path)
            Issue.record("a FIFO was accepted")
        } catch let invalid as RuleFilesInvalid {
            #expect(invalid.diagnostics.contains { $0.message.contains("not a regular file") }, "got \(invalid.diagnostics)")
        }
    }
}
