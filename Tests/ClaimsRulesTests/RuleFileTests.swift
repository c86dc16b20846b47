import ClaimsCore
@testable import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

@Suite struct RuleFileTests {
    static let payersDirectory = Fixtures.repositoryRoot.appendingPathComponent("Payers").path

    static func installed() throws -> [RuleBookLoader.Source] { try RuleBookLoader.sources(inDirectory: payersDirectory) }

    /// The installed files with `text` in place of the file `name`.
    static func diagnostics(replacing name: String, with text: String) throws -> [RuleFileDiagnostic] {
        let sources = try installed().filter { $0.fileName != name } + [RuleBookLoader.Source(path: name, text: text)]
        do {
            _ = try RuleBookLoader.combine(sources)
            return []
        } catch { return error.diagnostics }
    }

    @Test func everyInstalledFileIsValid() throws {
        let book = try RuleBookLoader.combine(try Self.installed())
        #expect(book.payers.count == 9)
        #expect(book.codes.codes.count == 29)
        #expect(book.commonRules.count == 16)
    }

    @Test func ruleIdsAreStableAndQualified() throws {
        let book = try RuleBookLoader.combine(try Self.installed())
        let ids = book.payers.values.flatMap { $0.rules.map(\.qualifiedId) } + book.commonRules.map(\.qualifiedId)
        #expect(Set(ids).count == ids.count)
        #expect(ids.contains("bcbs-il/spravato/prior-auth"))
        #expect(ids.contains("common/iv-ketamine/off-label"))
    }

    static let header = """
    schemaVersion: 1
    kind: payer
    payer:
      slug: cigna
      name: Cigna
      claimFilingIndicator: CI
    rules:

    """

    @Test(arguments: [
        ("  - id: a\n    kind: prior-auth\n    services: [spravto]\n", 10, 15, "unknown service 'spravto'"),
        ("  - id: a\n    kind: hold\n    codes: [J9999]\n", 10, 12, "unknown code 'J9999'"),
        ("  - id: a\n    kind: frobnicate\n    codes: [J0013]\n", 9, 11, "unknown rule kind"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    colour: red\n", 11, 5, "unknown key 'colour'"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n  - id: a\n    kind: hold\n    codes: [J0013]\n", 11, 5, "duplicate rule id 'a'"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    effective: {from: 2026-02-30}\n", 11, 23, "not a real date"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    effective: {from: 2026-03-01, to: 2026-02-01}\n", 11, 16, "ends (2026-02-01) before it starts"),
        ("  - id: a\n    kind: criteria\n    services: [tms]\n    requirements:\n      - id: r\n        description: d\n        condition: {ref: nope}\n", 14, 20, "unknown condition 'nope'"),
        ("  - id: a\n    kind: timely-filing\n", 8, 5, "needs 'days'"),
        ("  - id: a\n    kind: hold\n    codes: [J0013\n", 11, 1, "YAML syntax error"),
        ("  - id: a\n    kind: max-units\n    codes: [G2082]\n", 8, 5, "needs 'units'"),
        ("  - id: a\n    kind: max-units\n    codes: [G2082]\n    units: 0\n", 11, 12, "units must be a number from"),
        ("  - id: a\n    kind: max-units\n", 8, 5, "must say which lines"),
        ("  - id: a\n    kind: modifier-required\n    codes: [\"64510\"]\n", 8, 5, "needs 'modifier'"),
        ("  - id: a\n    kind: modifier-required\n    codes: [\"64510\"]\n    modifier: RT\n    modifiers: [LT]\n", 12, 5, "not both"),
        ("  - id: a\n    kind: modifier-required\n    codes: [\"64510\"]\n    modifiers: [RT, left]\n", 11, 16, "modifier 'left' must be 2"),
        ("  - id: a\n    kind: hold\n    codes: [J0013]\n    when: {placeOfService: [\"2\"]}\n", 11, 28, "not a place-of-service code"),
        ("  - id: a\n    kind: one-claim-per-encounter\n    days: 3\n", 10, 5, "unknown key 'days'"),
        ("  - id: a\n    kind: abn\n", 8, 5, "needs 'modifier'"),
        ("  - id: a\n    kind: abn\n    modifier: ga\n", 10, 15, "modifier 'ga' must be 2 digits or capitals"),
        ("  - id: a\n    kind: private-pay\n    modifier: GA\n", 10, 5, "unknown key 'modifier'"),
    ])
    func reportsProblemsWithTheirPosition(_ rules: String, _ line: Int, _ column: Int, _ fragment: String) throws {
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.header + rules)
        let match = found.first { $0.message.contains(fragment) }
        #expect(match != nil, "got \(found)")
        #expect(match?.line == line, "got \(found)")
        #expect(match?.column == column, "got \(found)")
        #expect(match?.description.hasPrefix("cigna.yaml:\(line):\(column): ") == true)
    }

    /// The code table admits only CPT/HCPCS shapes: a billed code always has the shape the FHIR
    /// schema requires, so the writer's once-per-structure validation cannot depend on which claim
    /// came first (docs/fhir.md).
    @Test(arguments: [("G2O83", false), ("99-14", false), ("ABCDE", false), ("1234", false), ("0575T", true), ("1234F", true), ("G2083", true), ("99214", true)])
    func codeTableEntriesMustBeShapedLikeCPTOrHCPCS(code: String, accepted: Bool) throws {
        let common = try #require(try Self.installed().first { $0.fileName == "common.yaml" })
        let text = common.text.replacingOccurrences(of: "codes:\n", with: "codes:\n  - {code: \"\(code)\", service: spravato, description: test}\n")
        let found = try Self.diagnostics(replacing: "common.yaml", with: text).filter { $0.message.contains("is not a CPT/HCPCS code") }
        #expect(found.isEmpty == accepted, "got \(found)")
        #expect(ProcedureCode.isWellFormed(code) == accepted)
    }

    /// `equals` compares with a number only when the whole value is one.
    @Test(arguments: [("-2", ClinicalFact.number(-2)), ("1.5", .number(Decimal(string: "1.5")!)), ("2abc", .text("2abc")),
                      ("1.2.3", .text("1.2.3")), ("yes", .text("yes")), ("true", .bool(true))])
    func equalsReadsNumbersWhole(_ written: String, _ expected: ClinicalFact) throws {
        let rules = "  - id: a\n    kind: hold\n    codes: [J0013]\n    when: {fact: score, equals: \"\(written)\"}\n"
        let sources = try Self.installed().filter { $0.fileName != "cigna.yaml" } + [RuleBookLoader.Source(path: "cigna.yaml", text: Self.header + rules)]
        let book = try RuleBookLoader.combine(sources)
        let rule = try #require(book.payers["cigna"]?.rules.first { $0.id == "a" })
        #expect(rule.when == .fact(name: "score", test: .equals(expected)))
    }

    @Test func theSlugMustMatchTheFileName() throws {
        let found = try Self.diagnostics(replacing: "cigna2.yaml", with: Self.header + "  - id: a\n    kind: hold\n    codes: [J0013]\n")
        #expect(found.contains { $0.message.contains("must match the file name") })
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let found = try Self.diagnostics(replacing: "cigna.yaml", with: Self.header
            + "  - id: a\n    kind: hold\n    codes: [J9999]\n  - id: b\n    kind: not-covered\n    services: [nothing]\n")
        #expect(found.count == 2)
    }

    /// CONTRACT §6: service sites, rendering providers and network status, each checked where written.
    @Test func clinicProfileLocationsProvidersAndNetwork() throws {
        let sample = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml"), encoding: .utf8)
        let profile = try ClinicProfileLoader.parse(sample, file: "clinic.yaml")
        #expect(profile.locations.map(\.id) == ["marion"])
        #expect(profile.location("marion")?.npi == "1386719441")
        #expect(profile.serviceFacility("marion")?.name == "SIIP Marion Treatment Center")
        #expect(profile.serviceFacility(nil) == nil)
        #expect(profile.providers.map(\.npi) == ["1234567893", "1457392011"])
        #expect(profile.providers.first?.licenseState == "IL")
        let atHome = sample + "network:\n  bcbs-il: in\n"
        #expect(try ClinicProfileLoader.parse(atHome, file: "clinic.yaml").network == ["bcbs-il": .in])
        func problems(_ text: String) -> [String] {
            do { _ = try ClinicProfileLoader.parse(text, file: "clinic.yaml"); return [] } catch { return error.diagnostics.map(\.message) }
        }
        #expect(problems(sample.replacingOccurrences(of: "npi: \"1386719441\"", with: "npi: \"1386719442\"")).contains { $0.contains("locations[0].npi '1386719442' is not a valid NPI") })
        #expect(problems(sample.replacingOccurrences(of: "zip: \"629591234\"", with: "zip: \"62959\"")).contains { $0.contains("locations[0].address.zip") })
        #expect(problems(sample + "network:\n  bcbs-il: maybe\n").contains { $0.contains("network.bcbs-il must be in or out") })
        #expect(problems(sample.replacingOccurrences(of: "{npi: \"1234567893\"", with: "{npi: \"1245319599\"")).contains { $0.contains("billing provider's NPI") })
    }

    @Test func theClinicProfileSampleLoadsAndBadValuesAreLocated() throws {
        let profile = try ClinicProfileLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path)
        #expect(profile.billingProvider.address.zip.count == 9)
        #expect(profile.admins.contains("alice"))
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "\"629013210\"", with: "\"62901\"")
        #expect(throws: RuleFilesInvalid.self) { try ClinicProfileLoader.parse(text, file: "clinic.yaml") }
        do { _ = try ClinicProfileLoader.parse(text, file: "clinic.yaml") } catch {
            #expect(error.diagnostics.first?.message.contains("9 digits") == true)
            #expect(error.diagnostics.first?.line == 13)
        }
    }
}
