import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hardening, end to end with the real binary: what an attacker or an unlucky billing office can do
/// to a batch or a check never deletes outside the output, mis-bills, crashes or hangs.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct HardeningCLITests {
    typealias Workspace = BatchCommandTests.Workspace

    /// The sample encounters as JSON Lines, with `change` applied to the first one.
    static func samples(changingFirst change: (inout [String: Any]) -> Void) throws -> [String] {
        let data = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        var encounters = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        change(&encounters[0])
        return try encounters.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
    }

    static func write(_ lines: [String], in workspace: Workspace, name: String = "input.jsonl") throws -> String {
        let url = workspace.root.appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func settingCharge(_ charge: String) -> (inout [String: Any]) -> Void {
        { encounter in
            var services = encounter["services"] as! [[String: Any]]
            services[0]["charge"] = charge
            encounter["services"] = services
        }
    }

    // Item 1: `OUT/.claims-work` as a link to another folder made the batch delete that folder's files.
    @Test(arguments: [".claims-work", "x12", "superbills"])
    func aLinkInsideTheOutputIsRefusedAndNothingOutsideIsTouched(folder: String) throws {
        let workspace = try Workspace.make("symlink")
        let precious = workspace.root.appendingPathComponent("precious")
        try FileManager.default.createDirectory(at: precious.appendingPathComponent("run-7"), withIntermediateDirectories: true)
        try "keep me".write(to: precious.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: workspace.out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: workspace.out.appendingPathComponent(folder).path, withDestinationPath: precious.path)

        let result = try workspace.batch()
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("is a symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: precious.path).sorted() == ["notes.txt", "run-7"])
        #expect(try workspace.counts()["claim"] ?? 0 == 0)
    }

    // Items 2 and 3: an over-range charge was billed as 210.00, or failed the whole batch in the FHIR writer.
    @Test(arguments: ["184467440737095726.16", "99999999999999999.99"])
    func anOverRangeChargeRejectsOnlyItsEncounter(charge: String) throws {
        let workspace = try Workspace.make("big-charge")
        let input = try Self.write(try Self.samples(changingFirst: Self.settingCharge(charge)), in: workspace)

        let check = try CLIRunner.run(["check", input, "--format", "json"], environment: workspace.environment)
        #expect(check.status == 3, "\(check.stderr)")
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let results = try #require(checked["results"] as? [[String: Any]])
        #expect(results.filter { !($0["errors"] as? [Any] ?? []).isEmpty }.map { $0["encounter"] as? String } == ["ENC-2026-0001"])

        let batch = try workspace.batch(input)
        #expect(batch.status == 3, "\(batch.stderr)")
        let report = try workspace.report()
        let rejected = try #require(report["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["encounter"] as? String } == ["ENC-2026-0001"])
        #expect(try workspace.claimIds().count == 18, "the sample claims (19) less the rejected ENC-2026-0001")
        #expect(try workspace.claimIds().contains("ENC-2026-0001") == false)
    }

    // Item 3: `check` and `batch` disagreed (check accepted what the 837P encoder then refused).
    @Test func checkRefusesWhatTheBatchWouldRefuse() throws {
        let workspace = try Workspace.make("same-path")
        let input = try Self.write(try Self.samples { encounter in
            var patient = encounter["patient"] as! [String: Any]
            patient["firstName"] = "中文"
            encounter["patient"] = patient
        }, in: workspace)
        let check = try CLIRunner.run(["check", input, "--format", "json"], environment: workspace.environment)
        #expect(check.status == 3)
        #expect(check.stdout.contains("patient.firstName"))
        let batch = try workspace.batch(input)
        #expect(batch.status == 3)
        let rejected = try #require(try workspace.report()["rejected"] as? [[String: Any]])
        let errors = try #require(rejected.first?["errors"] as? [[String: Any]])
        #expect(errors.map { $0["field"] as? String } == ["patient.firstName"])
    }

    // Item 4: `claims check /dev/zero` never ended.
    @Test func aDeviceIsRefusedAtOnce() throws {
        let workspace = try Workspace.make("devzero")
        let result = try CLIRunner.run(["check", "/dev/zero"], environment: workspace.environment)
        #expect(result.status == 74)
        #expect(result.stderr.contains("not a regular file"))
    }

    // Item 4: one record with millions of unknown keys took 2 GB and printed 500 MB.
    @Test func aHugeRecordIsOneBoundedError() throws {
        let workspace = try Workspace.make("huge-record")
        var record = "{"
        for index in 0..<200_000 { record += "\"k\(index)\":0," }
        record += "\"id\":\"X\"}"
        let input = try Self.write([record, #"{"id": "ENC-B"}"#], in: workspace)
        let result = try CLIRunner.run(["check", input, "--format", "json"], environment: workspace.environment)
        #expect(result.status == 3)
        #expect(result.stdout.utf8.count < 100_000, "printed \(result.stdout.utf8.count) bytes")
        #expect(result.stdout.contains("larger than 256 KiB"))
        #expect(result.stdout.contains("ENC-B"))
    }

    // Item 5: `--expiring-within 9223372036854775807` crashed with SIGILL.
    @Test func aHugeDayCountIsAUsageError() throws {
        let workspace = try Workspace.make("huge-days")
        let result = try CLIRunner.run(["preauth", "list", "--expiring-within", "9223372036854775807"], environment: workspace.environment)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--expiring-within"))
    }

    // Item 9: two batches on one store failed with a UNIQUE constraint or a confusing error.
    @Test func aSecondBatchOnTheSameStoreIsRefusedClearly() throws {
        let workspace = try Workspace.make("lock")
        let descriptor = open(workspace.db.path + ".lock", O_RDWR | O_CREAT, 0o600)
        #expect(descriptor >= 0)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let refused = try workspace.batch()
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("another `claims batch`"))
        #expect(try workspace.counts()["claim"] ?? 0 == 0)
        close(descriptor)
        let later = try workspace.batch()
        #expect(later.status == 0, "\(later.stderr)")
    }

    @Test func batchesStartedTogetherNeverCorruptTheStore() throws {
        let workspace = try Workspace.make("together")
        let results = try [0, 1, 2].map { _ in
            try CLIRunnerAsync.start(["batch", "Samples/encounters.json", "--out", workspace.out.path, "--no-pdf"], environment: workspace.environment)
        }.map { try $0.wait() }
        let statuses = results.map(\.status)
        #expect(statuses.allSatisfy { $0 == 0 || $0 == 75 }, "\(results.map(\.stderr))")
        #expect(statuses.contains(0))
        #expect(results.allSatisfy { !$0.stderr.contains("UNIQUE") })
        // Whichever ran first billed everything once; the others billed nothing or were refused.
        let again = try workspace.batch()
        #expect(again.status == 0)
        #expect(try workspace.counts()["claim"] == 19, "every sample claim once")
    }

    // Item 9: a failure after the run was recorded said "nothing was recorded" and blocked later runs silently.
    @Test func aRecordedRunThatCannotMoveItsFilesSaysHowToRecover() throws {
        let workspace = try Workspace.make("late-failure")
        let killed = try workspace.batch(extra: ["CLAIMS_TEST_KILL_AT": "after-commit"])
        #expect(killed.status == 9)
        // Something in the way of one of the files the run must move into place.
        let x12 = workspace.out.appendingPathComponent("x12")
        let staged = try FileManager.default.contentsOfDirectory(atPath: workspace.out.appendingPathComponent(".claims-work").path)
        #expect(staged.count == 1)
        try FileManager.default.removeItem(at: x12)
        try "in the way".write(to: x12, atomically: true, encoding: .utf8)
        let blocked = try workspace.batch()
        #expect(blocked.status == 74)
        #expect(blocked.stderr.contains("is recorded in the store"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("run `claims batch` again"))
        #expect(!blocked.stderr.contains("nothing was recorded"))
        try FileManager.default.removeItem(at: x12)
        let completed = try workspace.batch()
        #expect(completed.status == 0, "\(completed.stderr)")
        #expect(try workspace.claimIds().count == 19)
    }

    // Item 10: ESC and BEL in input reached the terminal raw.
    @Test func controlCharactersNeverReachTheTerminalOrTheReport() throws {
        let workspace = try Workspace.make("escape")
        let input = try Self.write(try Self.samples { encounter in
            encounter["id"] = "ENC\u{1B}[2J\u{07}"
        }, in: workspace)
        let check = try CLIRunner.run(["check", input], environment: workspace.environment)
        #expect(check.status == 3)
        #expect(!check.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(check.stdout.contains("\\u{1B}[2J"))
        let batch = try workspace.batch(input)
        #expect(batch.status == 3)
        let html = try String(contentsOf: workspace.out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(!batch.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    // Item 10: past a file-size limit the process died silently of SIGXFSZ.
    @Test func aFileSizeLimitEndsWithAMessage() throws {
        let workspace = try Workspace.make("xfsz")
        let executable = try #require(CLIRunner.executable)
        let result = try CLIRunner.runShell("ulimit -f 8; exec \"$0\" batch Samples/encounters.json --out \"$1\" --no-pdf",
                                            arguments: [executable.path, workspace.out.path], environment: workspace.environment)
        #expect(result.signal == nil, "ended by signal \(result.signal ?? 0)")
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("error:"))
        #expect(try workspace.counts()["claim"] ?? 0 == 0)
    }

    // Item 10: store damage became an internal error with raw SQL.
    @Test func aDamagedStoreIsTheStoresExitCodeWithoutSQL() throws {
        let workspace = try Workspace.make("damaged")
        var bytes = try Data(contentsOf: workspace.db)
        for offset in stride(from: 100, to: min(bytes.count, 60_000), by: 7) { bytes[offset] = 0xA5 }
        try bytes.write(to: workspace.db)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.db.path + suffix) }
        let result = try workspace.batch()
        #expect(result.status == 74, "\(result.status): \(result.stderr)")
        for keyword in ["SELECT", "INSERT", "CREATE TABLE", "internal error"] {
            #expect(!result.stderr.contains(keyword), "\(result.stderr)")
        }
    }
}
