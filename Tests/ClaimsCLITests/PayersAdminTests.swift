import ClaimsCore
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// `claims payers apply / history / show / rollback / status` end to end, on a copy of Payers/.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct PayersAdminTests {
    struct Admin {
        let root: URL
        var payers: URL { root.appendingPathComponent("Payers") }
        var db: URL { root.appendingPathComponent("store/claims.sqlite") }
        var environment: [String: String] {
            ["CLAIMS_PAYERS": payers.path, "CLAIMS_CLINIC": Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path,
             "CLAIMS_AS_OF": "2026-11-20", "CLAIMS_DB": db.path, "CLAIMS_NOW": "2026-11-20T17:30",
             // Debug builds only: the OS account the command believes it runs as (tests often run as root).
             "CLAIMS_TEST_OS_USER": "alice"]
        }

        /// A copy of Payers/ and a store holding the sample encounters (from a batch run).
        static func make(_ label: String) throws -> Admin {
            let admin = Admin(root: try Fixtures.temporaryDirectory(label))
            try FileManager.default.createDirectory(at: admin.db.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Fixtures.repositoryRoot.appendingPathComponent("Payers"), to: admin.payers)
            let batch = try admin.run(["batch", "Samples/encounters.json", "--out", admin.root.appendingPathComponent("out").path, "--no-pdf"])
            #expect(batch.status == 0, "\(batch.stderr)")
            return admin
        }

        func run(_ arguments: [String], as account: String? = "alice", extra: [String: String] = [:]) throws -> CLIRunner.Result {
            var environment = environment.merging(extra) { _, new in new }
            environment["CLAIMS_TEST_OS_USER"] = account
            return try CLIRunner.run(arguments, environment: environment)
        }

        func text(_ name: String) throws -> String { try String(contentsOf: payers.appendingPathComponent(name), encoding: .utf8) }

        func history(_ slug: String) throws -> [[String: Any]] {
            let result = try run(["payers", "history", slug, "--format", "json"])
            return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        }

        func store() throws -> ClaimsStore { try ClaimsStore(path: db.path, configuration: .init(clock: { Date() })) }

        /// A changed cigna.yaml: timely filing 60 days instead of 90.
        func editedCigna() throws -> URL {
            let original = try String(contentsOf: payers.appendingPathComponent("cigna.yaml"), encoding: .utf8)
            let edited = root.appendingPathComponent("edits/cigna.yaml")
            try FileManager.default.createDirectory(at: edited.deletingLastPathComponent(), withIntermediateDirectories: true)
            try original.replacingOccurrences(of: "days: 90", with: "days: 60").write(to: edited, atomically: true, encoding: .utf8)
            return edited
        }

        func fingerprint(_ directory: URL) throws -> [String: String] { try Fixtures.fingerprint(directory) }
    }

    @Test func aNonAdminIsRefusedAndTheRefusalRecorded() throws {
        let admin = try Admin.make("nonadmin")
        let before = try admin.fingerprint(admin.payers)
        let result = try admin.run(["payers", "apply", try admin.editedCigna().path, "--reason", "shorter limit"], as: "mallory")
        #expect(result.status == 77)
        #expect(result.stderr.contains("the OS account 'mallory' is not an admin"), "\(result.stderr)")
        #expect(try admin.fingerprint(admin.payers) == before)
        let store = try admin.store()
        #expect(try store.ruleChangeRefusals().map(\.attemptedBy) == ["mallory"])
        #expect(try store.ruleVersions().isEmpty)
    }

    /// Typing an admin's name is not enough: the account running the command is who applies.
    @Test func byNamingAnotherAccountIsRefusedAndRecorded() throws {
        let admin = try Admin.make("impersonate")
        let before = try admin.fingerprint(admin.payers)
        let result = try admin.run(["payers", "apply", try admin.editedCigna().path, "--by", "alice", "--reason", "shorter limit"], as: "mallory")
        #expect(result.status == 77)
        #expect(result.stderr.contains("--by 'alice' is not the account running this command ('mallory')"), "\(result.stderr)")
        #expect(try admin.fingerprint(admin.payers) == before)
        let refusals = try admin.store().ruleChangeRefusals()
        #expect(refusals.map(\.attemptedBy) == ["mallory"])
        #expect(refusals.first?.reason.contains("--by alice") == true)
        #expect(try admin.store().ruleVersions().isEmpty)
        // An admin may name herself.
        let own = try admin.run(["payers", "apply", try admin.editedCigna().path, "--by", "alice", "--reason", "shorter limit"], as: "alice")
        #expect(own.status == 0, "\(own.stderr)")
    }

    /// Without the debug-build hook the real account (getpwuid of the effective uid) is used, whatever `--by` or `$USER` say.
    @Test func theRealOSAccountIsUsedWithoutTheTestHook() throws {
        let admin = try Admin.make("real-account")
        let real = try #require(getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) })
        let claimed = real == "alice" ? "billing-admin" : "alice"
        let result = try admin.run(["payers", "apply", try admin.editedCigna().path, "--by", claimed, "--reason", "shorter limit"],
                                   as: nil, extra: ["USER": claimed, "LOGNAME": claimed])
        #expect(result.status == 77, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("('\(real)')"), "\(result.stderr)")
        #expect(try admin.store().ruleChangeRefusals().map(\.attemptedBy) == [real])
    }

    @Test func theAuthorIsTheOSAccountWhenByIsLeftOut() throws {
        let admin = try Admin.make("author")
        let applied = try admin.run(["payers", "apply", try admin.editedCigna().path, "--reason", "shorter limit"], as: "billing-admin")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try admin.history("cigna").last?["author"] as? String == "billing-admin")
    }

    @Test func anInvalidFileLeavesPayersAndTheStoreByteForByteUnchanged() throws {
        let admin = try Admin.make("invalid")
        let broken = admin.root.appendingPathComponent("edits/cigna.yaml")
        try FileManager.default.createDirectory(at: broken.deletingLastPathComponent(), withIntermediateDirectories: true)
        let original = try String(contentsOf: admin.payers.appendingPathComponent("cigna.yaml"), encoding: .utf8)
        try (original + "  - id: oops\n    kind: hold\n    codes: [Q9999]\n").write(to: broken, atomically: true, encoding: .utf8)
        let payersBefore = try admin.fingerprint(admin.payers)
        let storeBefore = try admin.fingerprint(admin.db.deletingLastPathComponent())
        let result = try admin.run(["payers", "apply", broken.path, "--by", "alice", "--reason", "typo"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("cigna.yaml:"))
        #expect(result.stderr.contains("unknown code 'Q9999'"))
        #expect(try admin.fingerprint(admin.payers) == payersBefore)
        #expect(try admin.fingerprint(admin.db.deletingLastPathComponent()) == storeBefore)
    }

    @Test func aDryRunShowsTheChangeAndTheImpactAndChangesNothing() throws {
        let admin = try Admin.make("dryrun")
        let before = try admin.fingerprint(admin.payers)
        let result = try admin.run(["payers", "apply", try admin.editedCigna().path, "--by", "alice", "--reason", "shorter limit",
                                    "--dry-run", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let preview = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let changes = preview["changes"] as? [[String: Any]] ?? []
        #expect(changes.map { $0["item"] as? String } == ["rules/timely-filing"])
        let impact = preview["impact"] as? [[String: Any]] ?? []
        #expect(impact.contains { $0["encounter"] as? String == "ENC-2026-0030" && $0["before"] as? String == "bill" && $0["after"] as? String == "hold" })
        // Every encounter the store keeps from the 90 days before --as-of, none older (the samples have older ones).
        let store = try ClaimsStore(path: admin.db.path, configuration: .init(clock: { Date() }))
        let window = try #require(LocalDate(iso: "2026-11-20")).adding(days: -90)
        let inWindow = try store.encounters(since: window).count
        let stored = try store.encounters(since: #require(LocalDate(year: 2000, month: 1, day: 1))).count
        #expect(inWindow > 0 && inWindow < stored)
        #expect(preview["encountersReevaluated"] as? Int == inWindow)
        #expect(try admin.fingerprint(admin.payers) == before)
    }

    @Test func applyRecordsAVersionInstallsTheFileAndRollbackRestoresIt() throws {
        let admin = try Admin.make("apply")
        let originalText = try String(contentsOf: admin.payers.appendingPathComponent("cigna.yaml"), encoding: .utf8)
        let edited = try admin.editedCigna()
        let applied = try admin.run(["payers", "apply", edited.path, "--by", "alice", "--reason", "Cigna shortened timely filing"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("installed cigna.yaml as version 2"))
        #expect(try String(contentsOf: admin.payers.appendingPathComponent("cigna.yaml"), encoding: .utf8) == (try String(contentsOf: edited, encoding: .utf8)))
        let check = try admin.run(["check", "Samples/encounters.json", "--format", "json"])
        #expect(check.stdout.contains("timely filing limit of 60 days"))

        let history = try admin.run(["payers", "history", "cigna", "--format", "json"])
        let versions = try #require(JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(versions.map { $0["action"] as? String } == ["baseline", "apply"])
        #expect(versions.last?["author"] as? String == "alice")
        #expect(versions.last?["reason"] as? String == "Cigna shortened timely filing")
        #expect(versions.last?["contentHash"] as? String == SHA256.hex(Array((try String(contentsOf: edited, encoding: .utf8)).utf8)))

        #expect(try admin.run(["payers", "status"]).stdout.contains("cigna.yaml: ok (version 2)"))
        let rollback = try admin.run(["payers", "rollback", "cigna", "--to", "1", "--by", "alice", "--reason", "limit confirmed at 90"])
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try String(contentsOf: admin.payers.appendingPathComponent("cigna.yaml"), encoding: .utf8) == originalText)
        let after = try admin.run(["payers", "history", "cigna"])
        #expect(after.stdout.contains("cigna v3"))
        #expect(after.stdout.contains("rollback by alice"))
        let refused = try admin.run(["payers", "rollback", "cigna", "--to", "1", "--by", "bob", "--reason", "x"])
        #expect(refused.status == 77)
    }

    @Test func aHandEditIsReportedAsDriftAndWarnedAbout() throws {
        let admin = try Admin.make("drift")
        let applied = try admin.run(["payers", "apply", try admin.editedCigna().path, "--by", "alice", "--reason", "shorter limit"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let file = admin.payers.appendingPathComponent("cigna.yaml")
        try (try String(contentsOf: file, encoding: .utf8) + "# edited by hand\n").write(to: file, atomically: true, encoding: .utf8)
        let status = try admin.run(["payers", "status"])
        #expect(status.status == 65)
        #expect(status.stdout.contains("cigna.yaml: DRIFT"))
        let check = try admin.run(["check", "Samples/encounters.json"])
        #expect(check.stderr.contains("warning: cigna.yaml: DRIFT"))
    }

    /// `kill -9` at each step of an apply: the next command finishes or abandons it, so the store
    /// and Payers/ agree (no DRIFT) and the history holds exactly the versions that were installed.
    @Test(arguments: [("pending-recorded", false), ("temporary-written", false), ("installed", true), ("confirmed", true)])
    func aKilledApplyIsRecoveredByTheNextCommand(_ stage: String, _ installed: Bool) throws {
        let admin = try Admin.make("kill-apply-\(stage)")
        let original = try admin.text("cigna.yaml")
        let edited = try admin.editedCigna()
        let editedText = try String(contentsOf: edited, encoding: .utf8)
        let killed = try admin.run(["payers", "apply", edited.path, "--reason", "shorter limit"], extra: ["CLAIMS_TEST_KILL_AT": stage])
        #expect(killed.status == 9, "killed with SIGKILL at \(stage): \(killed.stdout)\(killed.stderr)")
        #expect(try admin.text("cigna.yaml") == (installed ? editedText : original))

        let status = try admin.run(["payers", "status"])
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        #expect(!status.stdout.contains("DRIFT"), "\(status.stdout)")
        if stage != "confirmed" {
            #expect(status.stderr.contains("recovered: an interrupted `payers apply` of cigna.yaml by alice"), "\(status.stderr)")
            #expect(status.stderr.contains(installed ? "recorded it as version 2" : "the update was abandoned"), "\(status.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: admin.payers.appendingPathComponent(".cigna.yaml.installing").path))
        let history = try admin.history("cigna")
        if installed {
            #expect(status.stdout.contains("cigna.yaml: ok (version 2)"), "\(status.stdout)")
            #expect(history.map { $0["action"] as? String } == ["baseline", "apply"])
            #expect(history.last?["contentHash"] as? String == SHA256.hex(Array(editedText.utf8)))
        } else {
            #expect(status.stdout.contains("cigna.yaml: untracked"), "\(status.stdout)")
            #expect(history.isEmpty)
        }
        #expect(try admin.store().ruleInstalls(pendingOnly: true).isEmpty)

        // Applying again completes the change exactly once.
        let again = try admin.run(["payers", "apply", edited.path, "--reason", "shorter limit"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try admin.text("cigna.yaml") == editedText)
        #expect(try admin.history("cigna").map { $0["action"] as? String } == ["baseline", "apply"])
        #expect(try admin.run(["payers", "status"]).stdout.contains("cigna.yaml: ok (version 2)"))
        let outcomes = try admin.store().ruleInstalls().map(\.status)
        #expect(outcomes == (installed ? ["installed"] : ["abandoned", "installed"]))
    }

    /// An update that is still running holds the lock on Payers/: other commands neither recover it
    /// nor call its half-way state DRIFT; once the lock is gone, the next command finishes it.
    @Test func aRunningUpdateIsLeftAloneAndNotReportedAsDrift() throws {
        let admin = try Admin.make("running-update")
        let original = try admin.text("cigna.yaml")
        let editedText = try String(contentsOf: try admin.editedCigna(), encoding: .utf8)
        let store = try admin.store()
        let id = try store.beginRuleInstall(slug: "cigna", previousContent: original, previousHash: SHA256.hex(Array(original.utf8)),
                                            content: editedText, contentHash: SHA256.hex(Array(editedText.utf8)),
                                            author: "alice", reason: "shorter limit", diff: "[]", action: "apply")
        try editedText.write(to: admin.payers.appendingPathComponent("cigna.yaml"), atomically: true, encoding: .utf8)
        let directory = open(admin.payers.path, O_RDONLY | O_DIRECTORY)
        #expect(flock(directory, LOCK_EX) == 0)
        let during = try admin.run(["payers", "status"])
        flock(directory, LOCK_UN)
        close(directory)
        #expect(during.status == 0, "\(during.stdout)\(during.stderr)")
        #expect(during.stdout.contains("cigna.yaml: being installed (apply by alice"), "\(during.stdout)")
        #expect(!during.stderr.contains("recovered"))
        #expect(try store.ruleInstalls(pendingOnly: true).map(\.id) == [id])

        let after = try admin.run(["payers", "status"])
        #expect(after.stderr.contains("recorded it as version 2"), "\(after.stderr)")
        #expect(after.stdout.contains("cigna.yaml: ok (version 2)"), "\(after.stdout)")
    }

    @Test func showListsTheRulesInForceOnADate() throws {
        let admin = try Admin.make("show")
        let before = try admin.run(["payers", "show", "ny-medicaid", "--as-of", "2025-10-01", "--format", "json"])
        #expect(before.stdout.contains("ny-medicaid/tms/not-covered-before-2025-11"))
        #expect(!before.stdout.contains("ny-medicaid/tms/criteria"))
        let after = try admin.run(["payers", "show", "ny-medicaid", "--as-of", "2026-11-20"])
        #expect(!after.stdout.contains("not-covered-before-2025-11"))
        #expect(after.stdout.contains("ny-medicaid/tms/criteria"))
    }
}
