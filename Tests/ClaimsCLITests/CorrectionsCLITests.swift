import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// Corrected, voided and secondary claims end to end, as a billing office would (docs/corrections.md):
/// the sample batch, the sample responses (Samples/responses, with the 835s of the patient with two
/// plans), `claims correct` / `claims void`, the next batch (replacement, void, secondary claim, a
/// Medicare crossover skipped), the payer's answer to the replacement — each 837P through our checker
/// and, when the repository's pyx12 venv is set up (scripts/validate-837p.sh), through pyx12 4.0.0;
/// `claim show` and `ar` after each step. Real processes, a real SQLite store.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct CorrectionsCLITests {
    let workspace: BatchCommandTests.Workspace
    var environment: [String: String] { workspace.environment.merging(["CLAIMS_TEST_OS_USER": "billing-clerk"]) { _, new in new } }

    init() throws {
        workspace = try BatchCommandTests.Workspace.make("corrections-cli")
        let batch = try workspace.batch()
        #expect(batch.status == 0, "\(batch.stderr)")
        let imported = try CLIRunner.run(["responses", "import"] + ResponsesCLITests.responseFiles, environment: workspace.environment)
        #expect(imported.status == 0, "\(imported.stderr)")
    }

    func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: environment) }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments + ["--format", "json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Sample encounters by id, as JSON objects (to write changed versions).
    static func samples() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        let all = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: all.map { ($0["id"] as! String, $0) })
    }

    /// ENC-2026-0001 with line 1's charge changed from 210.00 to 220.00.
    func changedInput() throws -> URL {
        var encounter = try #require(Self.samples()["ENC-2026-0001"])
        var services = try #require(encounter["services"] as? [[String: Any]])
        services[0]["charge"] = "220.00"
        encounter["services"] = services
        let url = workspace.root.appendingPathComponent("changed.json")
        try JSONSerialization.data(withJSONObject: [encounter]).write(to: url)
        return url
    }

    func batch(_ input: URL, into folder: String) throws -> (result: CLIRunner.Result, report: [String: Any], x12: [URL]) {
        let out = workspace.root.appendingPathComponent(folder)
        let result = try run(["batch", input.path, "--out", out.path, "--no-pdf"])
        let report = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let x12 = ((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("x12").path)) ?? []).sorted()
            .map { out.appendingPathComponent("x12/\($0)") }
        return (result, report, x12)
    }

    /// Our 837P checker always; pyx12 4.0.0 when the repository's venv has it (scripts/validate-837p.sh sets it up).
    func expectValid(_ files: [URL]) throws {
        #expect(!files.isEmpty)
        let checked = try run(["x12", "validate"] + files.map(\.path))
        #expect(checked.status == 0, "\(checked.stdout)")
        let venv = Fixtures.repositoryRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venv.path) else { return }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/validate-837p.sh").path
        let pyx12 = try CLIRunner.runShell("bash \"$0\" \"$@\"", arguments: [script] + files.map(\.path))
        #expect(pyx12.status == 0, "\(pyx12.stdout)\(pyx12.stderr)")
    }

    func segments(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "~").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    func payers(_ ar: [String: Any]) throws -> [String: (outstanding: String, secondary: String)] {
        let payers = try #require(ar["payers"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: payers.map { ($0["payer"] as! String, ($0["outstanding"] as! String, $0["secondary"] as! String)) })
    }

    @Test func correctVoidAndSecondaryClaimsGoOutWithTheNextBatch() throws {
        let arBefore = try json(["ar", "--as-of", "2026-12-31"])
        let bcbsBefore = try #require(payers(arBefore)["bcbs-il"]).outstanding

        // The first batch after the 835s: changed content of a billed encounter is held until it is
        // corrected, pointing to `claims correct`; the patient with two plans is billed to the secondary
        // payer with the primary's adjudication; Medicare's crossover is not billed again.
        let changed = try changedInput()
        let held = try batch(changed, into: "held")
        #expect(held.result.status == 0, "\(held.result.stderr)")
        let heldLines = try #require(held.report["held"] as? [[String: Any]])
        let reasons = try #require(heldLines.first?["reasons"] as? [[String: Any]])
        #expect((reasons.first?["message"] as? String)?.contains("run claims correct ENC-2026-0001 --reason TEXT") == true)
        let secondary = try #require(held.report["corrections"] as? [[String: Any]])
        #expect(secondary.map { "\($0["encounter"]!) \($0["kind"]!) \($0["payer"]!) \($0["frequency"]!)" } == ["ENC-2026-0080 secondary aetna 1"])
        let warnings = try #require(held.report["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["encounter"] as? String) == "ENC-2026-0081"
            && ($0["message"] as? String)?.contains("crossed the claim over to ILLINOIS MEDICAID (835 CLP02 19)") == true })
        #expect(held.x12.map(\.lastPathComponent).allSatisfy { $0.hasPrefix("aetna") })
        try expectValid(held.x12)
        let aetna = try segments(try #require(held.x12.first))
        #expect(aetna.contains("SBR*S**AET-4420******CI") && aetna.contains("PAT*01") && aetna.contains("NM1*QC*1*WEBB*MARCUS"))
        let cob = try #require(aetna.firstIndex(of: "SBR*P*18*G-7310******BL"))
        #expect(Array(aetna[cob + 1...cob + 6]) == ["AMT*D*210", "AMT*EAF*50", "OI***Y***Y", "NM1*IL*1*WEBB*MARCUS****MI*XOF555000111",
                                                  "NM1*PR*2*BLUE CROSS AND BLUE SHIELD OF ILLINOIS*****PI*00621", "REF*F8*2026345000801"])
        #expect(aetna.contains("SVD*00621*150*HC:99214**1") && aetna.contains("SVD*00621*60*HC:90833**1"))
        #expect(aetna.filter { $0 == "DTP*573*D8*20261211" }.count == 2 && aetna.contains("CAS*PR*2*20"))

        // Refusals: nothing is queued.
        let noNumber = try run(["correct", "ENC-2026-0052", "--reason", "wrong units"])
        #expect(noNumber.status == 65 && noNumber.stderr.contains("no payer claim number for encounter ENC-2026-0052"), "\(noNumber.stderr)")
        #expect(noNumber.stderr.contains("Nothing was queued"))
        let rejected = try run(["void", "ENC-2026-0028", "--reason", "x"])
        #expect(rejected.status == 65 && rejected.stderr.contains("goes again as an original (frequency 1)"), "\(rejected.stderr)")
        let unknown = try run(["correct", "ENC-2099-0001", "--reason", "x"])
        #expect(unknown.status == 65 && unknown.stderr.contains("no claim was sent for encounter 'ENC-2099-0001'"))
        #expect(try workspace.counts()["claim_intent"] == 0)

        let correct = try run(["correct", "ENC-2026-0001", "--reason", "line 1 charge was wrong"])
        #expect(correct.status == 0 && correct.stdout.contains("REF*F8 2026311000123"), "\(correct.stderr)")
        let void = try run(["void", "ENC-2026-0025", "--reason", "billed to the wrong payer"])
        #expect(void.status == 0, "\(void.stderr)")
        let twice = try run(["void", "ENC-2026-0025", "--reason", "again"])
        #expect(twice.status == 65 && twice.stderr.contains("already waiting for the next batch"))

        // The next batch: the replacement (whole current content) and the void.
        let next = try batch(changed, into: "next")
        #expect(next.result.status == 0, "\(next.result.stderr)")
        let corrections = try #require(next.report["corrections"] as? [[String: Any]])
        #expect(corrections.map { "\($0["encounter"]!) \($0["kind"]!) \($0["payer"]!) \($0["frequency"]!)" }
            == ["ENC-2026-0001 replacement bcbs-il 7", "ENC-2026-0025 void bcbs-il 8"])
        try expectValid(next.x12)
        let bcbs = try segments(try #require(next.x12.first { $0.lastPathComponent.hasPrefix("bcbs-il") }))
        let replacement = try #require(bcbs.firstIndex(of: "CLM*ENC-2026-0001*1340***11:B:7*Y*A*Y*Y"))
        #expect(bcbs[replacement...].contains("REF*F8*2026311000123"))
        let voidClaim = try #require(bcbs.firstIndex(of: "CLM*ENC-2026-0025*305***11:B:8*Y*A*Y*Y"))
        #expect(bcbs[voidClaim + 1] == "REF*F8*2026318000456")

        // Sent exactly once: the same batch again sends none of them.
        let again = try batch(changed, into: "again")
        #expect(again.result.status == 0 && again.report["corrections"] == nil && again.x12.isEmpty)
        let counts = try workspace.counts()
        #expect(counts["claim_intent"] == 2)

        // Status and history.
        let first = try json(["claim", "show", "ENC-2026-0001"])
        let claims = try #require(first["claims"] as? [[String: Any]])
        #expect(claims.map { "\($0["status"]!) \($0["frequency"]!)" } == ["corrected 1", "sent 7"])
        #expect(claims[0]["replacedBy"] as? Int64 == claims[1]["claim"] as? Int64 && claims[1]["replaces"] as? Int64 == claims[0]["claim"] as? Int64)
        #expect(first["frequency"] as? String == "7" && first["sentPayerClaimNumber"] as? String == "2026311000123")
        let requests = try #require(first["requests"] as? [[String: Any]])
        #expect(requests.map { "\($0["kind"]!) \($0["by"]!) \($0["reason"]!)" } == ["correct billing-clerk line 1 charge was wrong"])
        #expect(requests[0]["sentAs"] as? Int64 == claims[1]["claim"] as? Int64)
        let voided = try json(["claim", "show", "ENC-2026-0025"])
        #expect(voided["status"] as? String == "void" && voided["frequency"] as? String == "8")
        #expect((voided["claims"] as? [[String: Any]])?.map { $0["status"] as! String } == ["void", "void"])
        let cobClaims = try #require(json(["claim", "show", "ENC-2026-0080"])["claims"] as? [[String: Any]])
        #expect(cobClaims.map { "\($0["payer"]!) \($0["coverage"]!) \($0["status"]!)" } == ["bcbs-il primary paid", "aetna secondary sent"])
        #expect(cobClaims[1]["follows"] as? Int64 == cobClaims[0]["claim"] as? Int64)
        let text = try run(["claim", "show", "ENC-2026-0001"])
        #expect(text.stdout.contains("replaced by claim") && text.stdout.contains("by billing-clerk: line 1 charge was wrong — sent as claim"))

        // AR: the void leaves it (its denial too), the replacement owes the difference until the payer
        // answers, the secondary's balance is apart, and the patient owes nothing of what went to it.
        let arAfter = try json(["ar", "--as-of", "2026-12-31"])
        let after = try payers(arAfter)
        #expect(after["bcbs-il"]?.outstanding == CentsTestText.plus(bcbsBefore, "10.00"))
        #expect(after["aetna"]?.secondary == "50.00" && after["bcbs-il"]?.secondary == "0.00")
        let denials = try #require(arAfter["denials"] as? [[String: Any]])
        #expect(!denials.contains { $0["encounter"] as? String == "ENC-2026-0025" })
        let patients = try #require(arAfter["patients"] as? [[String: Any]])
        #expect(!patients.contains { $0["patient"] as? String == "PT-1020" })
        #expect(patients.contains { $0["patient"] as? String == "PT-1001" })

        // The payer reverses the original payment and pays the replacement (one 835).
        let answer = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/responses/835-replacement-reversal.x12")
        let imported = try run(["responses", "import", answer.path])
        #expect(imported.status == 0 && imported.stdout.contains("claims: 1 paid, 1 reversed"), "\(imported.stdout)")
        let paid = try json(["claim", "show", "ENC-2026-0001"])
        #expect(paid["status"] as? String == "paid" && paid["payerClaimNumber"] as? String == "2026352000777")
        let settled = try json(["ar", "--as-of", "2026-12-31"])
        #expect(try payers(settled)["bcbs-il"]?.outstanding == bcbsBefore)
        let copay = try #require((settled["patients"] as? [[String: Any]])?.first { $0["patient"] as? String == "PT-1001" })
        #expect(copay["balance"] as? String == "40.00")
    }

    @Test func aRejectedClaimIsSentAgainAsAnOriginal() throws {
        // ENC-2026-0028 (meridian-il) was rejected by the sample 277CA: the same encounter in the next
        // batch goes again as an original, never as a replacement; then it is billed and not again.
        let encounter = try #require(Self.samples()["ENC-2026-0028"])
        let input = workspace.root.appendingPathComponent("resend.json")
        try JSONSerialization.data(withJSONObject: [encounter]).write(to: input)
        let resent = try batch(input, into: "resend")
        #expect(resent.result.status == 0, "\(resent.result.stderr)")
        try expectValid(resent.x12)
        let claim = try segments(try #require(resent.x12.first { $0.lastPathComponent.hasPrefix("meridian-il") }))
        #expect(claim.contains { $0.hasPrefix("CLM*ENC-2026-0028*") && $0.contains("*10:B:1*") } && !claim.contains { $0.hasPrefix("REF*F8") })
        let shown = try json(["claim", "show", "ENC-2026-0028"])
        #expect((shown["claims"] as? [[String: Any]])?.map { "\($0["status"]!) \($0["frequency"]!)" } == ["rejected 1", "sent 1"])
        let again = try batch(input, into: "resend-again")
        #expect(again.x12.isEmpty && (again.report["alreadyBilled"] as? [[String: Any]])?.first?["encounter"] as? String == "ENC-2026-0028")
    }
}

/// Money text arithmetic for expectations (two decimals, as `ar` prints).
enum CentsTestText {
    static func plus(_ a: String, _ b: String) -> String {
        let cents = Int((Decimal(string: a)! * 100 as NSDecimalNumber).int64Value + (Decimal(string: b)! * 100 as NSDecimalNumber).int64Value)
        return String(format: "%d.%02d", cents / 100, cents % 100)
    }
}
