import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// `claims batch` end to end with real processes, a real SQLite store and real files.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct BatchCommandTests {
    struct Workspace {
        let root: URL
        var db: URL { root.appendingPathComponent("claims.sqlite") }
        var out: URL { root.appendingPathComponent("out") }
        var environment: [String: String] {
            ["CLAIMS_PAYERS": Fixtures.repositoryRoot.appendingPathComponent("Payers").path,
             "CLAIMS_CLINIC": Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path,
             "CLAIMS_AS_OF": "2026-11-20", "CLAIMS_DB": db.path, "CLAIMS_NOW": "2026-11-20T17:30"]
        }

        static func make(_ label: String) throws -> Workspace {
            let workspace = Workspace(root: try Fixtures.temporaryDirectory(label))
            try workspace.seed()
            return workspace
        }

        /// The sample authorizations, recorded through the CLI as the front desk would.
        func seed() throws {
            for words in SampleAuthorizations.addArguments() {
                let arguments = ["preauth", "add", "--by", "front-desk"] + words
                let result = try CLIRunner.run(arguments, environment: environment)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            }
        }

        func batch(_ file: String = "Samples/encounters.json", extra: [String: String] = [:]) throws -> CLIRunner.Result {
            try CLIRunner.run(["batch", file, "--out", out.path, "--no-pdf"], environment: environment.merging(extra) { _, new in new })
        }

        func files(_ folder: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(folder).path)) ?? []).sorted()
        }

        func report() throws -> [String: Any] {
            let data = try Data(contentsOf: out.appendingPathComponent("report.json"))
            return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        func counts() throws -> [String: Int] {
            let store = try ClaimsStore(path: db.path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
            defer { try? store.close() }
            return try store.rowCounts()
        }

        /// Every CLM01 in the 837P files: the claims a clearinghouse would receive.
        func claimIds() throws -> [String] {
            var ids: [String] = []
            for name in files("x12") {
                let text = try String(contentsOf: out.appendingPathComponent("x12/\(name)"), encoding: .utf8)
                for segment in text.split(separator: "~") {
                    let trimmed = segment.trimmingCharacters(in: .whitespacesAndNewlines)
                    if trimmed.hasPrefix("CLM*") { ids.append(String(trimmed.split(separator: "*")[1])) }
                }
            }
            return ids.sorted()
        }
    }

    @Test func writesEveryDocumentKindAndAReport() throws {
        let workspace = try Workspace.make("batch")
        let result = try workspace.batch()
        #expect(result.status == 0, "\(result.stderr)")
        // POLICY §5.1/§5.2 changed the samples' outcomes: ENC-2026-0018/0034/0036 now wait whole (no uhc
        // claim left), six new encounters show the coding edits; ENC-2026-0047 (Medicare, at the Marion
        // site) bills; ENC-2026-0060/0061 add two superbills (provider, site, details). POLICY §5.3–§5.4:
        // ENC-2026-0045 (no ABN) is held; ENC-2026-0070 (ABN option 1) bills with GA; ENC-2026-0071 (ABN
        // option 2) and ENC-2026-0073 (private-pay) are receipts; ENC-2026-0074 bills Illinois Medicaid
        // (a seventh payer) with a refund warning.
        #expect(workspace.files("x12").count == 7)
        #expect(workspace.files("fhir").count == 7)
        #expect(workspace.files("superbills").filter { $0.hasSuffix(".html") }.count == 8)
        #expect(result.stdout.contains("PAYER"))
        let report = try workspace.report()
        #expect((report["counts"] as? [String: Int])?["bill"] == 32)
        #expect((report["held"] as? [[String: Any]])?.count == 34)
        #expect((report["files"] as? [String])?.contains("report.json") == true)
        #expect(FileManager.default.fileExists(atPath: workspace.out.appendingPathComponent("report.html").path))
        #expect(try workspace.claimIds().count == 19)
        // CONTRACT §6 `providers`: the unknown rendering provider is a warning of the report; it still bills.
        let warnings = (report["warnings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "clinic/unknown-rendering-provider" }
        #expect(warnings.compactMap { $0["encounter"] as? String } == ["ENC-2026-0052", "ENC-2026-0061"])
        #expect(try workspace.claimIds().contains("ENC-2026-0052"))
        let refunds = (report["warnings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "il-medicaid/private-pay" }
        #expect(refunds.compactMap { $0["encounter"] as? String } == ["ENC-2026-0074"])
        let medicare = try String(contentsOf: workspace.out.appendingPathComponent("x12/\(try #require(workspace.files("x12").first { $0.hasPrefix("medicare-j6") }))"), encoding: .utf8)
        #expect(medicare.contains("SV1*HC:64510:LT:GA*640*UN*1***1"), "ABN option 1: GA after the line's own LT")
    }

    @Test func twoCleanRunsWriteTheSameBytes() throws {
        let first = try Workspace.make("same-a"), second = try Workspace.make("same-b")
        let firstRun = try first.batch(), secondRun = try second.batch()
        #expect(firstRun.status == 0, "\(firstRun.stderr)")
        #expect(secondRun.status == 0, "\(secondRun.stderr)")
        #expect(first.files("x12").count == 7, "both runs wrote their documents")
        for folder in ["x12", "fhir", "superbills"] {
            #expect(first.files(folder) == second.files(folder))
            for name in first.files(folder) {
                let a = try Data(contentsOf: first.out.appendingPathComponent("\(folder)/\(name)"))
                let b = try Data(contentsOf: second.out.appendingPathComponent("\(folder)/\(name)"))
                #expect(a == b, "\(folder)/\(name) differs between two clean runs")
            }
        }
    }

    /// POLICY §5.6: one processing date per run. The clock (here CLAIMS_NOW, three days later) gives
    /// only the time of day; ISA09, GS04, BHT04, FHIR `created` and the superbills carry `--as-of`.
    @Test func everyDocumentCarriesTheProcessingDateNotTheClocksDay() throws {
        let workspace = try Workspace.make("one-date")
        let result = try workspace.batch(extra: ["CLAIMS_NOW": "2026-11-23T08:15"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!workspace.files("x12").isEmpty)
        for name in workspace.files("x12") {
            let text = try String(contentsOf: workspace.out.appendingPathComponent("x12/\(name)"), encoding: .utf8)
            let segments = text.split(separator: "~").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            func elements(_ id: String) -> [Substring] {
                segments.first { $0.hasPrefix(id + "*") }?.split(separator: "*", omittingEmptySubsequences: false) ?? []
            }
            #expect(elements("ISA")[9] == "261120", "\(name) ISA09")
            #expect(elements("ISA")[10] == "0815", "\(name) ISA10 keeps the clock's time")
            #expect(elements("GS")[4] == "20261120", "\(name) GS04")
            #expect(elements("BHT")[4] == "20261120", "\(name) BHT04")
            #expect(!text.contains("20261123") && !text.contains("261123"), "\(name) carries the clock's day")
        }
        for name in workspace.files("fhir") {
            let text = try String(contentsOf: workspace.out.appendingPathComponent("fhir/\(name)"), encoding: .utf8)
            #expect(text.contains("<created value=\"2026-11-20\"/>"), "\(name)")
            #expect(!text.contains("2026-11-23"), "\(name)")
        }
        for name in workspace.files("superbills") {
            let text = try String(contentsOf: workspace.out.appendingPathComponent("superbills/\(name)"), encoding: .utf8)
            #expect(!text.contains("2026-11-23") && !text.contains("11/23/2026"), "\(name)")
        }
    }

    @Test func reRunningBillsNothingTwice() throws {
        let workspace = try Workspace.make("rerun")
        let first = try workspace.batch()
        #expect(first.status == 0, "\(first.stderr)")
        let firstIds = try workspace.claimIds()
        let firstCounts = try workspace.counts()
        let second = try workspace.batch()
        #expect(second.status == 0)
        #expect(try workspace.claimIds() == firstIds, "no new claim file")
        let after = try workspace.counts()
        #expect(after["claim"] == firstCounts["claim"])
        #expect(after["billed_line"] == firstCounts["billed_line"])
        #expect(after["authorization_use"] == firstCounts["authorization_use"])
        let already = try workspace.report()["alreadyBilled"] as? [[String: Any]] ?? []
        #expect(already.filter { $0["what"] as? String == "claim" }.count == 19)
        #expect(already.filter { $0["what"] as? String == "superbill" }.count == 8)
    }

    /// POLICY §5.1: an encounter already on a claim is never sent again as an original. Unchanged lines
    /// are "already billed"; a changed line and a new line are held for a corrected claim; its CLM01
    /// stays on exactly one claim.
    @Test func newOrChangedContentOfABilledEncounterIsHeldNeverASecondOriginal() throws {
        let workspace = try Workspace.make("billed-changed")
        let samples = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        var encounter = try #require((try JSONSerialization.jsonObject(with: samples) as? [[String: Any]])?.first { $0["id"] as? String == "ENC-2026-0025" })
        func write(_ name: String) throws -> String {
            let url = workspace.root.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: [encounter]).write(to: url)
            return url.path
        }
        let first = try workspace.batch(try write("first.json"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try workspace.claimIds() == ["ENC-2026-0025"])
        var services = try #require(encounter["services"] as? [[String: Any]])
        services[1]["charge"] = "99.00"
        services.append(["code": "90832", "modifiers": [String](), "units": 1, "charge": "90.00", "diagnosisPointers": [1]])
        encounter["services"] = services
        let second = try workspace.batch(try write("second.json"))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try workspace.claimIds() == ["ENC-2026-0025"], "no second original claim with the same CLM01")
        let report = try workspace.report()
        let already = report["alreadyBilled"] as? [[String: Any]] ?? []
        #expect(already.first?["lines"] as? [Int] == [1])
        let held = report["held"] as? [[String: Any]] ?? []
        #expect(held.compactMap { $0["line"] as? Int } == [2, 3])
        for line in held {
            let reason = (line["reasons"] as? [[String: Any]])?.first
            #expect(reason?["rule"] as? String == "batch/encounter-already-billed")
            #expect((reason?["message"] as? String)?.contains("encounter ENC-2026-0025 already billed on a claim; to send this content, run claims correct ENC-2026-0025 --reason TEXT") == true)
        }
        #expect(try workspace.counts()["claim"] == 1)
    }

    /// The sample encounters with these ids, as a file of their own in the workspace.
    func write(_ ids: [String], to name: String, in workspace: Workspace, change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let samples = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        let all = try #require(try JSONSerialization.jsonObject(with: samples) as? [[String: Any]])
        var chosen = try ids.map { id in try #require(all.first { $0["id"] as? String == id }) }
        for index in chosen.indices { change(&chosen[index]) }
        let url = workspace.root.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: chosen).write(to: url)
        return url.path
    }

    /// POLICY §5.2 across runs: ENC-2026-0050 (G2083 on 2026-11-12) is billed by a first run; a second
    /// run holds ENC-2026-0051 (the same patient's G2083 that day) naming it, and `check` against the
    /// store says the same. Re-running the first file bills nothing twice and holds nothing for units:
    /// an encounter never counts against itself.
    @Test func unitsPerDayCountClaimsOfAnEarlierBatch() throws {
        let workspace = try Workspace.make("units-per-day")
        let first = try workspace.batch(try write(["ENC-2026-0050"], to: "first.json", in: workspace))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try workspace.claimIds() == ["ENC-2026-0050"])
        let expected = "G2083 allows at most 1 unit per date of service; found 2, with ENC-2026-0050 (1 unit, billed in an earlier run) on 2026-11-12"

        let second = try workspace.batch(try write(["ENC-2026-0051"], to: "second.json", in: workspace))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try workspace.claimIds() == ["ENC-2026-0050"], "no claim for the second G2083")
        let held = try workspace.report()["held"] as? [[String: Any]] ?? []
        #expect(held.compactMap { $0["encounter"] as? String } == ["ENC-2026-0051"])
        let reason = (held.first?["reasons"] as? [[String: Any]])?.first
        #expect(reason?["rule"] as? String == "common/units/one-per-date-of-service")
        #expect(reason?["message"] as? String == expected)

        let check = try CLIRunner.run(["check", workspace.root.appendingPathComponent("second.json").path, "--format", "json"], environment: workspace.environment)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains(expected), "check reads the same store: \(check.stdout)")

        let rerun = try workspace.batch(try write(["ENC-2026-0050"], to: "first.json", in: workspace))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try workspace.report()
        #expect((report["held"] as? [[String: Any]] ?? []).isEmpty, "ENC-2026-0050 is not held against its own claim")
        #expect((report["alreadyBilled"] as? [[String: Any]])?.first?["lines"] as? [Int] == [1, 2])
        #expect(try workspace.counts()["claim"] == 1)
    }

    /// POLICY §5.1: a billed encounter re-sent without one of its billed lines is held, naming the
    /// missing line (Samples/resent-encounters.json); no second original claim is written.
    @Test func aBilledLineMissingFromAReSentEncounterHoldsIt() throws {
        let workspace = try Workspace.make("vanished-line")
        let first = try workspace.batch(try write(["ENC-2026-0050"], to: "first.json", in: workspace))
        #expect(first.status == 0, "\(first.stderr)")
        let second = try workspace.batch("Samples/resent-encounters.json")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try workspace.claimIds() == ["ENC-2026-0050"], "no second original claim")
        let report = try workspace.report()
        #expect((report["alreadyBilled"] as? [[String: Any]] ?? []).isEmpty)
        let held = report["held"] as? [[String: Any]] ?? []
        #expect(held.compactMap { $0["line"] as? Int } == [1])
        let reason = (held.first?["reasons"] as? [[String: Any]])?.first
        #expect(reason?["rule"] as? String == "batch/encounter-already-billed")
        #expect(reason?["message"] as? String
                == "billed line 2 (G2083, 2026-11-12) is missing from the re-sent encounter: encounter ENC-2026-0050 already billed on a claim; to send this content, run claims correct ENC-2026-0050 --reason TEXT, then the batch again")
        #expect(second.stdout.contains("ENC-2026-0050 line 1 99214: billed line 2 (G2083, 2026-11-12) is missing"))
        #expect(try workspace.counts()["claim"] == 1)
        #expect(try workspace.counts()["billed_line"] == 2)
    }

    @Test func aHeldEncounterIsBilledByALaterRunOnceItsAuthorizationIsApproved() throws {
        let workspace = try Workspace.make("later")
        let first = try workspace.batch()
        #expect(first.status == 0, "\(first.stderr)")
        // ENC-2026-0031 (uhc Spravato) was held: its authorization was pending.
        #expect(!(try workspace.claimIds()).contains("ENC-2026-0031"))
        let update = try CLIRunner.run(["preauth", "update", "7", "--status", "approved", "--auth-number", "UHC-9", "--units", "6",
                                        "--start", "2026-11-01", "--end", "2027-01-31", "--by", "front-desk"], environment: workspace.environment)
        #expect(update.status == 0, "\(update.stderr)")
        let second = try workspace.batch()
        #expect(second.status == 0, "\(second.stderr)")
        let ids = try workspace.claimIds()
        #expect(ids.filter { $0 == "ENC-2026-0031" }.count == 1)
        #expect(ids.count == 20 && Set(ids).count == ids.count, "every other claim still appears once: \(ids)")
    }

    @Test(arguments: ["reading", "documents-written", "before-commit", "after-commit", "moving"])
    func aKilledRunIsCompletedExactlyOnceByTheNext(_ stage: String) throws {
        let clean = try Workspace.make("clean-\(stage)")
        let cleanRun = try clean.batch()
        #expect(cleanRun.status == 0, "\(cleanRun.stderr)")
        let workspace = try Workspace.make("kill-\(stage)")
        let killed = try workspace.batch(extra: ["CLAIMS_TEST_KILL_AT": stage])
        #expect(killed.status == 9, "killed with SIGKILL at \(stage): \(killed.stderr)")
        // No half-written file under a final name; no claim recorded without its file.
        for folder in ["x12", "fhir", "superbills"] {
            for name in workspace.files(folder) {
                #expect(!name.hasPrefix("."), "\(folder)/\(name)")
            }
        }
        let again = try workspace.batch()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try workspace.claimIds() == (try clean.claimIds()))
        let counts = try workspace.counts(), cleanCounts = try clean.counts()
        for table in ["claim", "billed_line", "superbill", "authorization_use"] {
            #expect(counts[table] == cleanCounts[table], "\(table) after a kill at \(stage)")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.out.appendingPathComponent(".claims-work").path))
        let third = try workspace.batch()
        #expect(try workspace.claimIds() == (try clean.claimIds()), "a third run adds nothing")
        #expect(third.status == 0)
    }

    @Test func rejectedEncountersAreReportedAndTheRestProcessed() throws {
        let workspace = try Workspace.make("rejected")
        let result = try workspace.batch("Samples/invalid-encounters.jsonl")
        #expect(result.status == 3)
        let rejected = try workspace.report()["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.count == 19)
        #expect(rejected.contains { $0["encounter"] as? String == "BAD-RENDERING-NPI" }, "the billing NPI as rendering NPI (POLICY §5.2)")
        #expect(rejected.allSatisfy { ($0["sourceLine"] as? Int ?? 0) > 0 && !($0["errors"] as? [Any] ?? []).isEmpty })
        #expect(try workspace.claimIds() == ["ENC-2026-0001"])
        #expect(!result.stdout.contains("Dana") && !result.stderr.contains("Dana"), "no patient names in output")
    }

    /// The 837P encoder rejects a record when its block is recorded, after the validator rejected
    /// the records of the next block: the report still lists them in file order.
    @Test func rejectionsAreReportedInFileOrder() throws {
        let workspace = try Workspace.make("rejected-order")
        let samples = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        var first = try #require((try JSONSerialization.jsonObject(with: samples) as? [[String: Any]])?.first)
        var patient = try #require(first["patient"] as? [String: Any])
        patient["lastName"] = String(repeating: "Reyes-", count: 14)   // 84 characters: valid input, too long for NM103
        first["patient"] = patient
        let lines = [String(decoding: try JSONSerialization.data(withJSONObject: first), as: UTF8.self),
                     #"{"id": "BROKEN-1", "dateOfService": "not a date"}"#]
        let input = workspace.root.appendingPathComponent("order.jsonl")
        try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let result = try workspace.batch(input.path)
        #expect(result.status == 3)
        let rejected = try workspace.report()["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.compactMap { $0["encounter"] as? String } == ["ENC-2026-0001", "BROKEN-1"])
        #expect(rejected.compactMap { $0["record"] as? Int } == [1, 2])
    }

    @Test func phaseTimingsOnlyWhenAskedFor() throws {
        let quiet = try Workspace.make("timings-off")
        #expect(!(try quiet.batch()).stderr.contains("timing:"))
        let timed = try Workspace.make("timings-on")
        let result = try timed.batch(extra: ["CLAIMS_BATCH_TIMINGS": "1"])
        #expect(result.status == 0)
        let phases = result.stderr.split(separator: "\n").filter { $0.hasPrefix("timing: ") }
        for phase in ["decide (in order)", "wait for drafts (parallel)", "write and record (in order)", "sync", "move into place"] {
            #expect(phases.contains { $0.hasPrefix("timing: \(phase): ") && $0.hasSuffix(" s") }, "\(phase) in \(phases)")
        }
    }

    @Test func documentsAreOwnerOnly() throws {
        let workspace = try Workspace.make("private")
        let result = try workspace.batch()
        #expect(result.status == 0, "\(result.stderr)")
        func mode(_ url: URL) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(workspace.out) == 0o700)
        #expect(try mode(workspace.out.appendingPathComponent("x12")) == 0o700)
        #expect(try mode(workspace.out.appendingPathComponent("report.json")) == 0o600)
        for name in workspace.files("x12") { #expect(try mode(workspace.out.appendingPathComponent("x12/\(name)")) == 0o600) }
        #expect(try mode(workspace.db) == 0o600)
    }

    @Test func anUnwritableOutputDirectoryIsAClearErrorAndRecordsNothing() throws {
        let workspace = try Workspace.make("unwritable")
        let blocker = workspace.root.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let result = try CLIRunner.run(["batch", "Samples/encounters.json", "--out", blocker.appendingPathComponent("out").path, "--no-pdf"],
                                       environment: workspace.environment)
        #expect(result.status == 74)
        #expect(result.stderr.contains("cannot create the directory"))
        #expect(try workspace.counts()["claim"] == 0)
        let missing = try workspace.batch("Samples/nope.json")
        #expect(missing.status == 66)
    }
}
