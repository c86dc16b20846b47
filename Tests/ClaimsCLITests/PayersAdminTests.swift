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
             "CLAIMS_AS_OF": "2026-11-20", "CLAIMS_DB": db.path, "CLAIMS_NOW": "2026-11-20T17:30"]
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

        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: environment) }

        /// A changed cigna.yaml: timely filing 60 days instead of 90.
        func editedCigna() throws -> URL {
            let original = try String(contentsOf: payers.appendingPathComponent("cigna.yaml"), encoding: .utf8)
            let edited = root.appendingPathComponent("edits/cigna.yaml")
            try FileManager.default.createDirectory(at: edited.deletingLastPathComponent(), withIntermediateDirectories: true)
            try original.replacingOccurrences(of: "days: 90", with: "days: 60").write(to: edited, atomically: true, encoding: .utf8)
            return edited
        }

        /// SHA-256 of every file under `directory` (byte-for-byte comparisons).
        func fingerprint(_ directory: URL) throws -> [String: String] {
            var result: [String: String] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                result[name] = SHA256.hex(Array(data))
            }
            return result
        }
    }

    @Test func aNonAdminIsRefusedAndTheRefusalRecorded() throws {
        let admin = try Admin.make("nonadmin")
        let before = try admin.fingerprint(admin.payers)
        let result = try admin.run(["payers", "apply", try admin.editedCigna().path, "--by", "mallory", "--reason", "shorter limit"])
        #expect(result.status == 77)
        #expect(result.stderr.contains("not an admin"))
        #expect(try admin.fingerprint(admin.payers) == before)
        let store = try ClaimsStore(path: admin.db.path, configuration: .init(clock: { Date() }))
        #expect(try store.ruleChangeRefusals().map(\.attemptedBy) == ["mallory"])
        #expect(try store.ruleVersions().isEmpty)
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
        #expect(preview["encountersReevaluated"] as? Int == 38, "the 40 samples less the two dated over 90 days ago")
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
