import ClaimsCore
@testable import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// Fuzzes the rule-file loader (Yams, `YAMLNodeReader`, `RuleParser`, `RuleBookLoader`) and the clinic
/// profile loader with mutated YAML (docs/testing.md, "Fuzz tests"). Properties: nothing traps or
/// hangs; a refused file is refused with at least one diagnostic, each naming a file that was given,
/// a line inside that file, a column and a message; the same files give the same diagnostics twice.
///
/// Excluded for now (hardening items owned elsewhere): YAML alias bombs — no `&anchor`/`*alias`
/// tokens are added beyond those the corpus has, and inputs with more than 8 aliases are skipped.
@Suite struct RuleFileFuzzTests {
    static let root = Fixtures.repositoryRoot
    static let payerFiles = FuzzHarness.repositoryFiles(in: "Payers", suffix: ".yaml")
    static let common = RuleBookLoader.Source(path: "Payers/common.yaml", text: text(FuzzHarness.repositoryFiles(["Payers/common.yaml"])[0]))
    static let bcbs = RuleBookLoader.Source(path: "Payers/bcbs-il.yaml", text: text(FuzzHarness.repositoryFiles(["Payers/bcbs-il.yaml"])[0]))

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static let ruleCorpus: [[UInt8]] = FuzzHarness.repositoryFiles(payerFiles)
        + FuzzHarness.repositoryFiles(["Samples/rule-updates/2025/common.yaml", "Samples/rule-updates/2026/common.yaml"])
        + FuzzHarness.corpus(folder: "rules").map(\.bytes)
    static let clinicCorpus: [[UInt8]] = FuzzHarness.repositoryFiles(["Samples/clinic.yaml"]) + FuzzHarness.corpus(folder: "clinic").map(\.bytes)

    static let dictionary = [
        "kind: shared\n", "kind: payer\n", "schemaVersion: 1\n", "rules:\n", "  - id: x\n    kind: hold\n    codes: [J0013]\n",
        "when: {not: {not: {ref: trd}}}", "{all: [{age: {min: 18}}]}", "{fact: phq9, atLeast: 1e999999}", "{fact: x, equals: -2}",
        "effective: {from: 2026-01-01, to: 2025-01-01}", "days: 9223372036854775807", "warningDays: -1", "- ", ": ", "? ", "{", "}", "[",
        "]", ",", "'", "\"", "|", ">", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!!binary ", "!!int ", "!!str ", "!foo ",
        "<<: ", "#", "~", ".inf", ".nan", "0x1F", "0o17", "2026-02-30", "\t", "  ", "\n  ", "\u{0}", "\u{FEFF}", "\\x00",
        "label: ", "codes: [", "services: [", "requirements:\n  - id: r\n    description: d\n    condition: {ref: nope}\n",
        "npi: 1245319599", "zip: 62901321", "usage: P", "admins: [", "senderId: ",
    ]

    @Test func ruleFilesSurviveMutation() {
        let configuration = FuzzConfiguration.fromEnvironment(seconds: 12, iterations: 20_000)
        let mutator = FuzzMutator(corpus: Self.ruleCorpus, dictionary: Self.dictionary)
        let report = FuzzHarness.run(target: "rules", corpus: Self.ruleCorpus, mutator: mutator, configuration: configuration,
                                     property: Self.checkRuleFile)
        print(report)
        for failure in report.failures { Issue.record("\(failure)") }
        if configuration.replay == nil && configuration.onlyIteration == nil {
            #expect(report.counters["loaded", default: 0] > 0, "\(report)")
            #expect(report.counters["refused", default: 0] > 0, "\(report)")
        }
    }

    @Test func clinicProfileSurvivesMutation() {
        let configuration = FuzzConfiguration.fromEnvironment(seconds: 6, iterations: 20_000)
        let mutator = FuzzMutator(corpus: Self.clinicCorpus, dictionary: Self.dictionary)
        let report = FuzzHarness.run(target: "clinic", corpus: Self.clinicCorpus, mutator: mutator, configuration: configuration,
                                     property: Self.checkClinicProfile)
        print(report)
        for failure in report.failures { Issue.record("\(failure)") }
        if configuration.replay == nil && configuration.onlyIteration == nil {
            #expect(report.counters["loaded", default: 0] > 0, "\(report)")
            #expect(report.counters["refused", default: 0] > 0, "\(report)")
        }
    }

    /// Found by fuzzing: 950 nested `{` (flow mappings as keys) took Yams over 10 seconds; such nesting
    /// is now refused before Yams reads it, with its position.
    @Test func deeplyNestedFlowCollectionsAreRefusedBeforeYAMLReadsThem() throws {
        let url = Self.root.appendingPathComponent("Tests/Fixtures/fuzz/clinic/regression-deep-flow-mapping-keys.yaml")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        var refusal: [String] = []
        do { _ = try ClinicProfileLoader.parse(text, file: "clinic.yaml") } catch { refusal = error.diagnostics.map { $0.description } }
        #expect(refusal == ["clinic.yaml:1:65: lists and mappings are nested more than 64 levels deep ({ } or [ ]); no rule file or clinic profile needs that many — check the brackets here"])
        let found = Self.diagnostics([Self.common, RuleBookLoader.Source(path: "Payers/fuzz.yaml", text: "rules: " + text)]) ?? []
        let descriptions = found.map { $0.description }
        #expect(descriptions == ["Payers/fuzz.yaml:1:72: lists and mappings are nested more than 64 levels deep ({ } or [ ]); no rule file or clinic profile needs that many — check the brackets here"])
    }

    @Test func bracketsInQuotesAndCommentsDoNotCountAsNesting() {
        let brackets = String(repeating: "{[", count: 50)
        let quotedAndCommented = "a: '\(brackets)'\nb: \"\(brackets)\\\"\"\n# \(brackets)\nd: [[x]]\n"
        #expect(YAMLNestingLimit.problem(in: quotedAndCommented, file: "f.yaml") == nil)
        #expect(YAMLNestingLimit.problem(in: "d: " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64), file: "f.yaml") == nil)
        #expect(YAMLNestingLimit.problem(in: "d: " + String(repeating: "[", count: 65), file: "f.yaml")?.column == 68)
        // An apostrophe inside a word opens no quoted scalar: the brackets after it still count.
        #expect(YAMLNestingLimit.problem(in: "c: it's\nd: " + String(repeating: "[", count: 65), file: "f.yaml")?.line == 2)
    }

    /// YAML alias bombs are another hardening item (alias limits); skip inputs that could be one.
    static func mayBeAliasBomb(_ text: String) -> Bool { text.utf8.filter { $0 == UInt8(ascii: "*") }.count > 8 && text.contains("&") }

    /// An upper bound of the lines YAML sees: besides LF, CR, NEL, U+2028 and U+2029 break lines too.
    static func lineCount(_ text: String) -> Int {
        text.unicodeScalars.reduce(2) { $0 + (["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($1) ? 1 : 0) }
    }

    /// The mutated file, with the shared file or a payer file beside it; a payer file is named after
    /// its slug so the loader reads past the name check.
    static func sources(for text: String) -> [RuleBookLoader.Source] {
        if text.contains("kind: shared") { return [RuleBookLoader.Source(path: "Payers/common.yaml", text: text), bcbs] }
        var name = "fuzz"
        if let range = text.range(of: "slug: ") {
            let slug = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if !slug.isEmpty { name = String(slug) }
        }
        return [common, RuleBookLoader.Source(path: "Payers/\(name).yaml", text: text)]
    }

    /// The installed shared file, parsed once: most inputs are checked against it without re-reading it.
    /// `nonisolated(unsafe)`: written once by the lazy initializer, only read afterwards (it holds
    /// Yams nodes, which are not `Sendable`).
    nonisolated(unsafe) static let sharedPart: SharedPart = {
        guard case .success(let root?) = GuardedYAML.compose(common.text, file: common.path) else { return SharedPart() }
        var parser = SharedFileParser(source: common, root: root)
        return parser.parse()
    }()

    static func checkRuleFile(_ bytes: [UInt8], _ probe: inout FuzzProbe) {
        let text = text(bytes)
        guard !mayBeAliasBomb(text) else { probe.count("skipped: aliases"); return }
        let sources = sources(for: text)
        // One input in four goes through `combine` (the shared file read again, every check); the others
        // through the file's own parser with the installed shared file read once (four times as many inputs).
        let first = probe.random.oneIn(4) ? diagnostics(sources) : RuleBookLoader.diagnostics(of: sources.first { $0.text == text }!, shared: sharedPart)
        switch first {
        case nil:
            probe.count("loaded")
        case let diagnostics?:
            probe.count("refused")
            probe.check(!diagnostics.isEmpty, "refused without a diagnostic")
            var lineCounts: [String: Int] = [:]
            for source in sources { lineCounts[source.path] = lineCount(source.text) }
            for diagnostic in diagnostics {
                probe.check(lineCounts[diagnostic.file] != nil || diagnostic.file == "Payers", "a diagnostic names a file that was not given: \(diagnostic)")
                let lines = lineCounts[diagnostic.file] ?? 1
                probe.check(diagnostic.line >= 1 && diagnostic.line <= lines && diagnostic.column >= 1 && !diagnostic.message.isEmpty,
                            "a diagnostic outside its file (\(lines) lines) or without a message: \(diagnostic)")
            }
        }
        if probe.random.oneIn(8) {
            probe.check(diagnostics(sources) == diagnostics(sources), "the same files gave different diagnostics on a second load")
        }
    }

    static func diagnostics(_ sources: [RuleBookLoader.Source]) -> [RuleFileDiagnostic]? {
        do {
            _ = try RuleBookLoader.combine(sources)
            return nil
        } catch {
            return error.diagnostics
        }
    }

    static func checkClinicProfile(_ bytes: [UInt8], _ probe: inout FuzzProbe) {
        let text = text(bytes)
        guard !mayBeAliasBomb(text) else { probe.count("skipped: aliases"); return }
        do {
            _ = try ClinicProfileLoader.parse(text, file: "clinic.yaml")
            probe.count("loaded")
        } catch {
            probe.count("refused")
            probe.check(!error.diagnostics.isEmpty, "refused without a diagnostic")
            let lines = lineCount(text)
            for diagnostic in error.diagnostics {
                probe.check(diagnostic.file == "clinic.yaml" && diagnostic.line >= 1 && diagnostic.line <= lines && diagnostic.column >= 1
                                && !diagnostic.message.isEmpty,
                            "a diagnostic outside the file (\(lines) lines) or without a message: \(diagnostic)")
            }
        }
    }
}
