import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// As a new user would (issue 14): 270s for the week's schedule → the payers' sample 271s → the checklist
/// shows coverage and cost share, the inactive patient's encounter is held; importing again changes nothing.
/// Real processes, a real store.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct EligibilityCLITests {
    static let samples = Fixtures.repositoryRoot.appendingPathComponent("Samples/eligibility")
    static let fixtures = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/eligibility")
    static var sampleFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []).filter { $0.hasSuffix(".x12") }.sorted()
            .map { samples.appendingPathComponent($0).path }
    }
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    func run(_ arguments: [String], _ workspace: BatchCommandTests.Workspace) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, environment: workspace.environment)
    }

    func json(_ result: CLIRunner.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// A fresh store with the schedule's 270s written: trace numbers 1…9 in payer order (as the samples expect).
    func requested() throws -> BatchCommandTests.Workspace {
        let workspace = BatchCommandTests.Workspace(root: try Fixtures.temporaryDirectory("eligibility-cli"))
        let request = try run(["eligibility", "request", "Samples/schedule.json", "--out", workspace.out.path], workspace)
        #expect(request.status == 0, "\(request.stderr)")
        return workspace
    }

    @Test func requestWritesOne270PerPayerAndNoneForSelfPay() throws {
        let workspace = try requested()
        let files = workspace.files("")
        #expect(files == ["aetna-000000001.270.x12", "bcbs-il-000000002.270.x12", "cigna-000000003.270.x12", "il-medicaid-000000004.270.x12",
                          "medicare-j6-000000005.270.x12", "ny-medicaid-000000006.270.x12", "uhc-000000007.270.x12"])
        let bcbs = try String(contentsOf: workspace.out.appendingPathComponent(files[1]), encoding: .utf8)
        // PT-1001 twice (two dates) and PT-1002: three inquiries, one transaction set each, traces 2–4.
        #expect(bcbs.components(separatedBy: "ST*270*").count - 1 == 3)
        #expect(bcbs.contains("GS*HS*SIIP01*030240928*20261120*1730*2*X*005010X279A1~"))
        #expect(bcbs.contains("TRN*1*2*1371234567~") && bcbs.contains("TRN*1*4*1371234567~"))
        #expect(bcbs.contains("DTP*291*D8*20261126~") && bcbs.contains("EQ*30^MH^A8~"))
        #expect(!bcbs.contains("PENA"), "the self-pay patient gets no inquiry")

        // A second request never reuses a control or trace number.
        let again = try run(["eligibility", "request", "Samples/schedule.json", "--out", workspace.out.path, "--format", "json"], workspace)
        #expect(again.status == 0, "\(again.stderr)")
        let outcome = try #require(try json(again) as? [String: Any])
        let written = try #require(outcome["files"] as? [[String: Any]])
        #expect(written.map { $0["interchangeControlNumber"] as? String } == (8...14).map { String(format: "%09d", $0) })
        #expect(outcome["selfPay"] as? [String] == ["SCH-0009"])
        let aetna = try String(contentsOfFile: try #require(written.first?["path"] as? String), encoding: .utf8)
        #expect(aetna.contains("TRN*1*10*1371234567~"), "traces continue after the first run's nine")
    }

    @Test func importMatchesByTraceHoldsTheInactivePatientAndShowsCostShare() throws {
        let workspace = try requested()
        let imported = try run(["eligibility", "import"] + Self.sampleFiles, workspace)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("stored PT-1005 medicare-j6 2026-11-27: inactive (trace 7)"))
        #expect(imported.stdout.contains("stored PT-1012 uhc 2026-11-25: active (trace 9)"))
        #expect(imported.stdout.components(separatedBy: "\n  stored ").count - 1 == 7)

        // The checklist: CONTRACT §7's object, exactly its keys.
        let checklist = try #require(try json(run(["preauth", "checklist", "Samples/schedule.json", "--format", "json"], workspace)) as? [String: Any])
        let items = try #require(checklist["items"] as? [[String: Any]])
        func eligibility(_ patient: String) throws -> [String: Any] {
            try #require(items.first { $0["patient"] as? String == patient }?["eligibility"] as? [String: Any])
        }
        let reyes = try eligibility("PT-1001")
        #expect(Set(reyes.keys) == ["status", "checked", "planEnd", "copay", "coinsurancePercent", "deductibleRemaining",
                                    "authorizationRequired", "otherPayer", "messages"])
        // The sample clinic is out of network with every payer: the out-of-network benefits.
        #expect(reyes["status"] as? String == "active" && reyes["checked"] as? String == "2026-11-20" && reyes["planEnd"] as? String == "2026-12-31")
        #expect(reyes["copay"] as? String == "80.00" && reyes["coinsurancePercent"] as? String == "40" && reyes["deductibleRemaining"] as? String == "2100.00")
        #expect(reyes["authorizationRequired"] as? Bool == true && reyes["otherPayer"] is NSNull)
        let raman = try eligibility("PT-1012")
        #expect(raman["otherPayer"] as? String == "OPTUM BEHAVIORAL HEALTH")
        let ramanItem = try #require(items.first { $0["patient"] as? String == "PT-1012" })
        #expect(ramanItem["ready"] as? Bool == false)
        #expect((ramanItem["nextSteps"] as? [String])?.first?.hasPrefix("bill OPTUM BEHAVIORAL HEALTH instead") == true)
        let nguyen = try eligibility("PT-1007")
        #expect(nguyen["status"] as? String == "unknown" && nguyen["checked"] is NSNull, "no answer stored: unknown")

        // On the day (2026-11-27), check holds the inactive Medicare patient's billable lines, with the reason.
        let check = try #require(try json(run(["check", "Samples/schedule.json", "--as-of", "2026-11-27", "--format", "json"], workspace)) as? [String: Any])
        let results = try #require(check["results"] as? [[String: Any]])
        let simmons = try #require(results.first { $0["encounter"] as? String == "SCH-0008" }?["lines"] as? [[String: Any]])
        #expect(simmons.map { $0["decision"] as? String } == ["hold", "hold"])
        let reason = try #require((simmons[0]["reasons"] as? [[String: Any]])?.first)
        #expect(reason["rule"] as? String == "eligibility/inactive")
        #expect((reason["message"] as? String)?.contains("coverage is inactive on 2026-11-27") == true)
        // The carved-out patient's line would be held too if it billed; it waits for its authorization first.
        let delgado = try #require(results.first { $0["encounter"] as? String == "SCH-0004" }?["lines"] as? [[String: Any]])
        #expect(delgado.map { $0["decision"] as? String } == ["criteria-not-met"])

        // Importing again changes nothing.
        let before = try workspace.counts()
        let again = try run(["eligibility", "import"] + Self.sampleFiles, workspace)
        #expect(again.status == 0 && again.stdout.components(separatedBy: "already-imported").count - 1 == Self.sampleFiles.count)
        #expect(try workspace.counts() == before)
        #expect(before["eligibility_answer"] == 7)
    }

    @Test func rejectionsUnmatchedAnswersAndHistory() throws {
        let workspace = try requested()
        let imported = try run(["eligibility", "import", Self.fixture("aaa-rejection.271"), Self.fixture("999-rejects-270.x12"),
                                Self.fixture("unmatched-trace.271")], workspace)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("stored PT-1005 medicare-j6 2026-11-27: error: invalid/missing subscriber/insured ID; please correct and resubmit (trace 7)"))
        #expect(imported.stdout.contains("stored PT-1007 ny-medicaid 2026-11-25: error: the clearinghouse rejected the 270 (group 6, transaction set 0008)"))
        #expect(imported.stdout.contains("unmatched (kept): 271: trace number 777 (segment 9) is no inquiry of ours"))
        #expect(try workspace.counts()["eligibility_answer"] == 3, "the unmatched answer is kept")

        // The same answer re-sent in another file (a new interchange around it) is recognized.
        let copy = workspace.root.appendingPathComponent("resent.271")
        let text = try String(contentsOfFile: Self.fixture("aaa-rejection.271"), encoding: .utf8)
        try text.replacingOccurrences(of: "000000914", with: "000000999").write(to: copy, atomically: true, encoding: .utf8)
        let resent = try run(["eligibility", "import", copy.path], workspace)
        #expect(resent.status == 0 && resent.stdout.contains("nothing-new"))

        // A newer answer is added to the history; show gives the latest first.
        let active = try run(["eligibility", "import", Self.fixture("active-mental-health-network.271"), Self.fixture("inactive.271")], workspace)
        #expect(active.status == 0, "\(active.stderr)")
        let shown = try #require(try json(run(["eligibility", "show", "PT-1005", "--format", "json"], workspace)) as? [String: Any])
        let payers = try #require(shown["payers"] as? [[String: Any]])
        let latest = try #require(payers.first?["latest"] as? [String: Any])
        #expect(latest["status"] as? String == "error")
        #expect((latest["messages"] as? [String]) == ["invalid/missing subscriber/insured ID; please correct and resubmit"])
        let text2 = try run(["eligibility", "show", "PT-1006"], workspace)
        #expect(text2.stdout.contains("aetna: inactive (checked 2026-11-20); plan ends 2026-10-31; COVERAGE TERMINATED 10/31/2026 - NO COBRA ELECTION ON FILE"))

        // A file that is not a 271 or a 999 is refused with its transaction set named (exit 3); a missing one is 66.
        let wrong = try run(["eligibility", "import", Fixtures.repositoryRoot.appendingPathComponent("Samples/responses/03-835-bcbs-il.x12").path], workspace)
        #expect(wrong.status == 3 && wrong.stdout.contains("is an 835 (GS01 HP)"))
        let missing = try run(["eligibility", "import", "/nonexistent.271"], workspace)
        #expect(missing.status == 66 && missing.stderr.contains("/nonexistent.271: no such file"))
    }

    @Test func aDependentsAnswerMatchesThroughThe2000DLoop() throws {
        let workspace = BatchCommandTests.Workspace(root: try Fixtures.temporaryDirectory("eligibility-dependent"))
        let encounters = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))) as? [[String: Any]])
        let brooks = try #require(encounters.first { $0["id"] as? String == "ENC-2026-0005" })
        let file = workspace.root.appendingPathComponent("brooks.json")
        try JSONSerialization.data(withJSONObject: [brooks]).write(to: file)
        let request = try run(["eligibility", "request", file.path, "--out", workspace.out.path], workspace)
        #expect(request.status == 0, "\(request.stderr)")
        let text = try String(contentsOf: workspace.out.appendingPathComponent("uhc-000000001.270.x12"), encoding: .utf8)
        #expect(text.contains("HL*3*2*22*1~\nNM1*IL*1*BROOKS*KAREN****MI*UHC5523109~"))
        #expect(text.contains("HL*4*3*23*0~\nTRN*1*1*1371234567~\nNM1*03*1*BROOKS*TYLER~"))

        let imported = try run(["eligibility", "import", Self.fixture("dependent.271")], workspace)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("stored PT-1004 uhc 2026-11-06: active (trace 1)") && !imported.stdout.contains("unmatched"))
        let shown = try #require(try json(run(["eligibility", "show", "PT-1004", "--payer", "uhc", "--format", "json"], workspace)) as? [String: Any])
        let latest = try #require((shown["payers"] as? [[String: Any]])?.first?["latest"] as? [String: Any])
        #expect(latest["copay"] as? String == "25.00" && latest["coinsurancePercent"] as? String == "50")
    }
}
