import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// As a new user would: batch the sample encounters, import the sample responses (Samples/responses),
/// read the AR and a claim's history; import again and nothing changes. Real processes, a real store.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct ResponsesCLITests {
    static let responses = Fixtures.repositoryRoot.appendingPathComponent("Samples/responses")
    static var responseFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: responses.path)) ?? []).filter { $0.hasSuffix(".x12") }.sorted()
            .map { responses.appendingPathComponent($0).path }
    }

    func workspace() throws -> BatchCommandTests.Workspace {
        let workspace = try BatchCommandTests.Workspace.make("responses-cli")
        let batch = try workspace.batch()
        #expect(batch.status == 0, "\(batch.stderr)")
        return workspace
    }

    func run(_ arguments: [String], _ workspace: BatchCommandTests.Workspace) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, environment: workspace.environment)
    }

    func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func batchThenResponsesThenAccountsReceivable() throws {
        let workspace = try workspace()
        #expect(Self.responseFiles.count == 9)
        let imported = try run(["responses", "import"] + Self.responseFiles, workspace)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("9 file(s): 9 imported, 0 already imported, 0 refused"))
        #expect(imported.stdout.contains("unmatched (kept): 835 claim ENC-2025-0999 (CLP01) is none we sent"))

        let ar = try json(run(["ar", "--as-of", "2026-12-15", "--format", "json"], workspace))
        let payers = try #require(ar["payers"] as? [[String: Any]])
        // The later samples' claims have no answer among the sample responses — ENC-2026-0052 (bcbs-il,
        // 305.00), ENC-2026-0074 (il-medicaid, 150.00), ENC-2026-0050 (1499.82) and ENC-2026-0070 (the
        // GA line, 750.00) to medicare-j6: sent and not yet paid, they stay outstanding beside the rest.
        #expect(payers.map { "\($0["payer"]!) \($0["outstanding"]!)" }
            == ["bcbs-il 1635.00", "il-medicaid 150.00", "medicare-j6 3749.64", "meridian-il 180.00", "ny-medicaid 600.00"])
        let buckets = try #require(payers.last?["buckets"] as? [String: String])
        #expect(buckets == ["0-30": "300.00", "31-60": "300.00", "61-90": "0.00", "91+": "0.00"])
        // ENC-2026-0080's copay and coinsurance (50.00, Samples/responses/08) count until its secondary claim
        // goes out; ENC-2026-0081's went to Medicaid with Medicare's crossover (09): not the patient's.
        #expect(ar["patientBalance"] as? String == "579.58" && ar["asOf"] as? String == "2026-12-15")
        let denials = try #require(ar["denials"] as? [[String: Any]])
        #expect(denials.map { "\($0["encounter"]!) \($0["line"]!) \($0["group"]!)-\($0["reason"]!) \($0["action"]!)" }
            == ["ENC-2026-0027 1 CO-50 appeal", "ENC-2026-0025 2 CO-97 write off", "ENC-2026-0003 2 CO-197 appeal"])
        #expect(denials[0]["description"] as? String == "These are non-covered services because this is not deemed a 'medical necessity' by the payer.")
        let rejections = try #require(ar["rejections"] as? [[String: Any]])
        #expect(rejections.map { "\($0["encounter"]!) \($0["source"]!)" } == ["ENC-2026-0028 277CA", "ENC-2026-0014 999", "ENC-2026-0038 999"])
        #expect((rejections[1]["message"] as? String)?.contains("NM109: Invalid Code Value (value 'NYMCD')") == true)

        // The same report as a page beside the batch's report.html.
        let page = workspace.out.appendingPathComponent("ar.html")
        let html = try run(["ar", "--as-of", "2026-12-15", "--html", page.path], workspace)
        #expect(html.status == 0, "\(html.stderr)")
        let pageText = try String(contentsOf: page, encoding: .utf8)
        #expect(pageText.hasPrefix("<!DOCTYPE html>") && pageText.contains("<h2>Patient balances: 579.58</h2>"))
        #expect(pageText.contains("not deemed a &#39;medical necessity&#39;"))

        // CONTRACT §8's example claim, as the sample bcbs-il 835 pays it.
        let claim = try json(run(["claim", "show", "ENC-2026-0001", "--format", "json"], workspace))
        #expect(claim["status"] as? String == "paid" && claim["billed"] as? String == "1330.00" && claim["paid"] as? String == "1010.00")
        #expect(claim["patientResponsibility"] as? String == "40.00" && claim["payerClaimNumber"] as? String == "2026311000123")
        #expect(claim["frequency"] as? String == "1" && claim["payer"] as? String == "bcbs-il")
        let adjustments = try #require(claim["adjustments"] as? [[String: Any]])
        #expect(adjustments.map { "\($0["line"]!) \($0["group"]!) \($0["reason"]!) \($0["amount"]!)" } == ["1 PR 3 40.00", "2 CO 45 280.00"])
        let events = try #require(claim["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["sent", "accepted", "accepted", "paid"])
        #expect(events.map { $0["source"] as? String } == ["837P", "999", "277CA", "835"])
        #expect(events[0]["file"] as? String == "x12/bcbs-il-000000002.x12" && events[3]["date"] as? String == "2026-12-04")

        // Importing again changes nothing: same AR, every file recognized.
        let before = try workspace.counts()
        let again = try run(["responses", "import"] + Self.responseFiles, workspace)
        #expect(again.status == 0 && again.stdout.contains("9 file(s): 0 imported, 9 already imported, 0 refused"))
        #expect(try workspace.counts() == before)
        #expect(try json(run(["ar", "--as-of", "2026-12-15", "--format", "json"], workspace)) as NSDictionary == ar as NSDictionary)
    }

    @Test func exitCodesAndMessages() throws {
        let workspace = try workspace()
        let fixtures = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/responses")
        let missing = try run(["responses", "import", Self.responseFiles[0], "/nonexistent/835.x12"], workspace)
        #expect(missing.status == 66 && missing.stderr == "error: /nonexistent/835.x12: no such file; nothing was imported\n")
        #expect(try workspace.counts()["response_file"] == 0)

        let unbalanced = try run(["responses", "import", fixtures.appendingPathComponent("835-unbalanced.x12").path, Self.responseFiles[0]], workspace)
        #expect(unbalanced.status == 3)
        #expect(unbalanced.stdout.contains("835-unbalanced.x12: error: 835 transaction set 0001 does not balance"))
        #expect(try workspace.counts()["response_file"] == 1)

        let unknown = try run(["claim", "show", "ENC-NOPE"], workspace)
        #expect(unknown.status == 65 && unknown.stderr.hasPrefix("error: no claim was sent for encounter 'ENC-NOPE'"))

        let text = try run(["claim", "show", "enc-2026-0014"], workspace)
        #expect(text.status == 0 && text.stdout.hasPrefix("claim ENC-2026-0014 to ny-medicaid, date of service 2026-11-12: rejected\n"))
        #expect(text.stdout.contains("rejected (999, 01-999-availity.x12): 999: transaction set 0007 rejected"))

        // A malformed code list stops the command before anything is read (65).
        let payers = try Fixtures.temporaryDirectory("payers")
        try FileManager.default.createDirectory(at: payers.appendingPathComponent("codes"), withIntermediateDirectories: true)
        try "45\tno version line\n".write(to: payers.appendingPathComponent("codes/carc.tsv"), atomically: true, encoding: .utf8)
        let badCodes = try CLIRunner.run(["ar"], environment: workspace.environment.merging(["CLAIMS_PAYERS": payers.path]) { $1 })
        #expect(badCodes.status == 65 && badCodes.stderr.contains("carc.tsv:1: no '# version: …' line"))
    }

    /// Killed inside a file's transaction after every insert: the store holds nothing of the file, and
    /// the next import records it exactly once.
    @Test func aKilledImportLeavesNothingAndTheNextCompletesIt() throws {
        let workspace = try workspace()
        let before = try workspace.counts()
        let killed = try CLIRunner.run(["responses", "import"] + Self.responseFiles,
                                       environment: workspace.environment.merging(["CLAIMS_TEST_KILL_AT": "before-commit"]) { $1 })
        #expect(killed.status == 9, "killed with SIGKILL: \(killed.stderr)")
        #expect(try workspace.counts() == before)
        let again = try run(["responses", "import"] + Self.responseFiles, workspace)
        #expect(again.status == 0 && again.stdout.contains("9 file(s): 9 imported"))
        let counts = try workspace.counts()
        #expect(counts["response_file"] == 9 && counts["response_transaction"] == 15 && counts["provider_adjustment"] == 1)
    }
}
