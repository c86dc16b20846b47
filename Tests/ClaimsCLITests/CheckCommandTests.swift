import ClaimsTestSupport
import Foundation
import Testing

/// `claims check` end to end: the real binary, the real Payers/ and Samples/.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct CheckCommandTests {
    static let common = ["--payers", "Payers", "--as-of", "2026-11-20", "--clinic", "Samples/clinic.yaml"]

    func check(_ file: String, _ extra: [String] = [], db: URL? = nil) throws -> CLIRunner.Result {
        let store = try db ?? Fixtures.temporaryDirectory("check").appendingPathComponent("none.sqlite")
        return try CLIRunner.run(["check", file] + Self.common + ["--db", store.path] + extra)
    }

    func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func decisions(_ report: [String: Any]) -> [String: [String]] {
        var map: [String: [String]] = [:]
        for result in report["results"] as? [[String: Any]] ?? [] {
            map[result["encounter"] as? String ?? ""] = (result["lines"] as? [[String: Any]] ?? []).map { $0["decision"] as? String ?? "" }
        }
        return map
    }

    @Test func samplesGiveThePolicyDecisions() throws {
        let result = try check("Samples/encounters.json", ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result)
        #expect(report["asOf"] as? String == "2026-11-20")
        let map = decisions(report)
        #expect(map.count == 59)
        #expect(map["ENC-2026-0002"] == ["criteria-not-met"])
        #expect(map["ENC-2026-0006"] == ["bill", "bill"])
        #expect(map["ENC-2026-0007"] == ["hold"])
        #expect(map["ENC-2026-0011"] == ["not-covered"])
        #expect(map["ENC-2026-0019"] == ["superbill", "superbill", "superbill", "superbill"])
        #expect(map["ENC-2026-0021"] == ["superbill", "superbill", "superbill"])
        #expect(map["ENC-2026-0060"] == ["superbill", "superbill", "superbill"])
        #expect(map["ENC-2026-0061"] == ["superbill", "superbill"])
        #expect(map["ENC-2026-0023"] == ["bill", "bill", "bill"])
        #expect(map["ENC-2026-0026"] == ["hold"])
        #expect(map["ENC-2026-0029"] == ["hold"])
        #expect(map["ENC-2026-0036"] == ["hold", "hold"], "POLICY §5.1: G2082 waits for the visit")
        #expect(map["ENC-2026-0034"] == ["hold", "hold"])
        #expect(map["ENC-2026-0041"] == ["hold", "hold"])
        #expect(map["ENC-2026-0042"] == ["hold", "hold"])
        #expect(map["ENC-2026-0043"] == ["hold", "hold"])
        #expect(map["ENC-2026-0044"] == ["hold", "hold"])
        #expect(map["ENC-2026-0045"] == ["hold", "hold"], "POLICY §5.3: no ABN on file")
        #expect(map["ENC-2026-0046"] == ["hold"])
        #expect(map["ENC-2026-0047"] == ["bill", "bill"], "at the Marion site")
        #expect(map["ENC-2026-0028"] == ["bill"], "telehealth with GT")
        #expect(map["ENC-2026-0050"] == ["bill", "bill"])
        #expect(map["ENC-2026-0051"] == ["hold"], "POLICY §5.2: the patient's second G2083 of 2026-11-12")
        #expect(map["ENC-2026-0052"] == ["bill", "bill"], "an unknown rendering provider is a warning only")
        #expect(map["ENC-2026-0070"] == ["bill", "bill"], "ABN option 1: billed with GA")
        #expect(map["ENC-2026-0071"] == ["superbill", "superbill", "superbill", "superbill"], "ABN option 2: a receipt")
        #expect(map["ENC-2026-0072"] == ["hold", "hold"], "an ABN signed after the service counts as none")
        #expect(map["ENC-2026-0073"] == ["superbill"], "a Medicaid private-pay agreement")
        #expect(map["ENC-2026-0074"] == ["bill"])
    }

    /// CONTRACT §6 `providers`: a rendering NPI the clinic profile does not list is a warning, in JSON
    /// (CONTRACT §3's `warnings`: rule and message) and in the text table; it does not block billing.
    @Test func anUnknownRenderingProviderIsAWarningInJSONAndText() throws {
        let results = try json(check("Samples/encounters.json", ["--format", "json"]))["results"] as? [[String: Any]] ?? []
        let flagged = results.filter { !($0["warnings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "clinic/unknown-rendering-provider" }.isEmpty }
        // ENC-2026-0061 (self-pay, a superbill) has a rendering provider the profile does not list too.
        #expect(flagged.compactMap { $0["encounter"] as? String } == ["ENC-2026-0052", "ENC-2026-0061"])
        let warning = (flagged.first?["warnings"] as? [[String: Any]])?.first
        #expect(warning?["message"] as? String
                == "rendering provider Jordan Lee (NPI 1667432102) is not among the clinic profile's providers; add them under providers in the clinic profile (credentials and license) or correct renderingProvider.npi")
        let text = try check("Samples/encounters.json")
        #expect(text.status == 0)
        #expect(text.stdout.contains("warning: ENC-2026-0052: rendering provider Jordan Lee (NPI 1667432102) is not among the clinic profile's providers"))
        #expect(text.stdout.contains("[clinic/unknown-rendering-provider]"))
    }

    @Test func everyNonBillDecisionCarriesAReasonNamingItsRule() throws {
        let report = try json(check("Samples/encounters.json", ["--format", "json"]))
        for result in report["results"] as? [[String: Any]] ?? [] {
            for line in result["lines"] as? [[String: Any]] ?? [] where line["decision"] as? String != "bill" {
                let reasons = line["reasons"] as? [[String: Any]] ?? []
                #expect(!reasons.isEmpty)
                for reason in reasons {
                    let rule = reason["rule"] as? String ?? ""
                    #expect(rule.contains("/") && !(reason["message"] as? String ?? "").isEmpty)
                }
            }
        }
    }

    @Test func invalidEncountersAreReportedWithFieldsAndTheOthersStillEvaluated() throws {
        let result = try check("Samples/invalid-encounters.jsonl", ["--format", "json"])
        #expect(result.status == 3)
        let results = try json(result)["results"] as? [[String: Any]] ?? []
        #expect(results.count == 20)
        let rejected = results.filter { !($0["errors"] as? [Any] ?? []).isEmpty }
        #expect(rejected.count == 19)
        for item in rejected {
            #expect((item["lines"] as? [Any])?.isEmpty == true)
            for error in item["errors"] as? [[String: Any]] ?? [] {
                #expect(error["field"] is String && error["message"] is String)
            }
        }
        let syntax = rejected.first { ($0["errors"] as? [[String: Any]])?.first?["field"] as? String == "json" }
        #expect((syntax?["errors"] as? [[String: Any]])?.first?["message"] as? String == #"line 17, column 82: expected ',' or '}' after the value of "code""#)
    }

    /// CONTRACT §6: `location` names one of the clinic profile's sites; another id is an input error
    /// (found where the documents are drafted, as `batch` would).
    @Test func anUnknownLocationIsAnInputError() throws {
        let samples = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        var encounter = try #require((try JSONSerialization.jsonObject(with: samples) as? [[String: Any]])?.first { $0["id"] as? String == "ENC-2026-0047" })
        #expect(encounter["location"] as? String == "marion")
        encounter["location"] = "nowhere"
        let file = try Fixtures.temporaryDirectory("location").appendingPathComponent("one.json")
        try JSONSerialization.data(withJSONObject: [encounter]).write(to: file)
        let result = try check(file.path, ["--format", "json"])
        #expect(result.status == 3)
        let errors = ((try json(result)["results"] as? [[String: Any]])?.first?["errors"] as? [[String: Any]]) ?? []
        #expect(errors.first?["field"] as? String == "location")
        #expect((errors.first?["message"] as? String)?.contains("ids: marion") == true)
    }

    @Test func textOutputIsATableForAPerson() throws {
        let result = try check("Samples/encounters.json")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ENCOUNTER"))
        #expect(result.stdout.contains("ENC-2026-0011  1     90868  tms            not-covered"))
        #expect(result.stdout.contains("ENC-2026-0070  1     64510  sgb            bill +GA          billed with modifier GA (ABN option 1, signed 2026-11-13)"))
        #expect(result.stdout.contains("as of 2026-11-20: 22 bill, 44 hold, 21 superbill, 3 not-covered, 5 criteria-not-met, 0 rejected"))
    }

    @Test func exitCodesAreDistinct() throws {
        #expect(try CLIRunner.run(["check"]).status == 64)
        #expect(try CLIRunner.run(["check", "Samples/encounters.json", "--format", "xml"]).status == 64)
        #expect(try check("does-not-exist.json").status == 66)
        let badAsOf = try CLIRunner.run(["check", "Samples/encounters.json", "--as-of", "2026-02-30", "--payers", "Payers"])
        #expect(badAsOf.status == 64)
        #expect(badAsOf.stderr.contains("YYYY-MM-DD"))
        #expect(!badAsOf.stderr.contains("Fatal error"))
    }

    @Test func refusesToRunOnAnInvalidRuleFile() throws {
        let payers = try Fixtures.temporaryDirectory("payers")
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.repositoryRoot.appendingPathComponent("Payers").path) {
            try FileManager.default.copyItem(at: Fixtures.repositoryRoot.appendingPathComponent("Payers/\(name)"), to: payers.appendingPathComponent(name))
        }
        let broken = payers.appendingPathComponent("cigna.yaml")
        try (String(contentsOf: broken, encoding: .utf8) + "  - id: extra\n    kind: hold\n    codes: [ZZZZZ]\n").write(to: broken, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["check", "Samples/encounters.json", "--payers", payers.path, "--as-of", "2026-11-20"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("cigna.yaml:"))
        #expect(result.stderr.contains("unknown code 'ZZZZZ'"))
        #expect(result.stdout.isEmpty)
        let validate = try CLIRunner.run(["payers", "validate", "--payers", payers.path])
        #expect(validate.status == 65)
        #expect(validate.stdout.contains("cigna.yaml:"))
    }

    @Test func environmentVariablesStandInForOptions() throws {
        let result = try CLIRunner.run(["check", "Samples/encounters.json", "--format", "json"],
                                       environment: ["CLAIMS_PAYERS": "Payers", "CLAIMS_AS_OF": "2026-11-20", "CLAIMS_DB": "/nonexistent/x.sqlite"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try json(result)["asOf"] as? String == "2026-11-20")
    }

    @Test func checkWritesNothing() throws {
        let directory = try Fixtures.temporaryDirectory("nowrite")
        let db = directory.appendingPathComponent("claims.sqlite")
        let result = try check("Samples/encounters.json", db: db)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db.path))
    }
}
