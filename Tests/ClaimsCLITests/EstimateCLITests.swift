import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// `claims estimate` end to end (real processes, a real SQLite store, real files): the estimates are
/// written and recorded; the checklist then shows them given; a later self-pay bill $400 or more above
/// the estimate is a batch warning (`estimate/exceeded`).
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct EstimateCLITests {
    typealias Workspace = BatchCommandTests.Workspace
    static let schedule = Fixtures.repositoryRoot.appendingPathComponent("Samples/estimates/schedule.json").path

    @Test func estimatesAreWrittenRecordedAndShownInTheChecklist() throws {
        let workspace = try Workspace.make("estimate-cli")
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let before = try CLIRunner.run(["preauth", "checklist", Self.schedule, "--format", "json"], environment: workspace.environment)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("\"kind\" : \"good-faith-estimate\""))

        let result = try CLIRunner.run(["estimate", Self.schedule, "--out", workspace.out.path, "--format", "json"], environment: workspace.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(summary.map { $0["number"] as? String } == ["GFE-PT-1020-20261120", "GFE-PT-1021-20261120"])
        #expect(summary.first?["total"] as? String == "2410.00")
        #expect(!result.stdout.contains("Ortega"), "no patient name on the terminal")
        #expect(workspace.files("estimates") == ["GFE-PT-1020-20261120.html", "GFE-PT-1020-20261120.pdf",
                                                 "GFE-PT-1021-20261120.html", "GFE-PT-1021-20261120.pdf"])
        let pdf = try Data(contentsOf: workspace.out.appendingPathComponent("estimates/GFE-PT-1020-20261120.pdf"))
        #expect(pdf.starts(with: Data("%PDF-1.4".utf8)) && pdf.count > 2_000)
        #expect(try workspace.counts()["good_faith_estimate"] == 2)

        let after = try CLIRunner.run(["preauth", "checklist", Self.schedule], environment: workspace.environment)
        #expect(after.stdout.contains("Good Faith Estimate of expected charges (No Surprises Act, 45 CFR 149.610) for 96365, 96366, J3490: given 2026-11-20 (on file)"))
    }

    /// The infusion of 2026-11-27 was estimated at 695.00; billed at 1,200.00 it is 505.00 above.
    @Test func aBillAboveTheEstimateIsABatchWarning() throws {
        let workspace = try Workspace.make("estimate-batch")
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        #expect(try CLIRunner.run(["estimate", Self.schedule, "--out", workspace.out.path, "--no-pdf"], environment: workspace.environment).status == 0)
        let scheduled = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.schedule))) as? [[String: Any]])
        var visit = scheduled[1]
        visit["id"] = "ENC-2026-0900"
        var services = try #require(visit["services"] as? [[String: Any]])
        services[0]["charge"] = "955.00"   // 955 + 150 + 95 = 1,200.00
        visit["services"] = services
        let input = workspace.root.appendingPathComponent("billed.json")
        try JSONSerialization.data(withJSONObject: [visit]).write(to: input)
        var environment = workspace.environment
        environment["CLAIMS_AS_OF"] = "2026-12-01"
        let result = try CLIRunner.run(["batch", input.path, "--out", workspace.out.appendingPathComponent("batch").path, "--no-pdf"],
                                       environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: workspace.out.appendingPathComponent("batch/report.json"))
        let report = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        let exceeded = warnings.filter { $0["rule"] as? String == "estimate/exceeded" }
        #expect(exceeded.count == 1)
        #expect((exceeded.first?["message"] as? String)?.hasPrefix(
            "self-pay charges of 1200.00 on 2026-11-27 exceed Good Faith Estimate GFE-PT-1020-20261120 (issued 2026-11-20: 695.00 for that date) by 505.00") == true)
    }
}
