import ClaimsCore
@testable import ClaimsEngine
import ClaimsRules
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// The engine's rule administration called directly, on a copy of Payers/ and a real SQLite store
/// holding the sample encounters (the CLI's end-to-end tests are PayersAdminTests).
@Suite struct RuleAdministrationTests {
    static let asOf = LocalDate(iso: "2026-11-20")!

    struct Setup {
        let root: URL
        let administration: RuleAdministration
        /// Dates of service of the stored sample encounters (the preview re-evaluates those in its window).
        var storedDates: [LocalDate] = []
        var payers: String { administration.payersDirectory }
        var store: ClaimsStore { get throws { try ClaimsStore(path: administration.storePath, configuration: .init(clock: { Date() })) } }

        /// A copy of Payers/ and a store holding every valid sample encounter.
        static func make(_ label: String) throws -> Setup {
            let root = try Fixtures.temporaryDirectory("rule-admin-\(label)")
            let payers = root.appendingPathComponent("Payers")
            try FileManager.default.copyItem(at: Fixtures.repositoryRoot.appendingPathComponent("Payers"), to: payers)
            let administration = RuleAdministration(payersDirectory: payers.path, storePath: root.appendingPathComponent("claims.sqlite").path,
                                                    storeConfiguration: .init(clock: { StoreTimestamp.parse("2026-11-20T17:30:00.000Z")! }))
            var setup = Setup(root: root, administration: administration)
            let rules = try RuleBookLoader.load(directory: payers.path)
            let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: RuleAdministrationTests.asOf)
            let samples = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"), encoding: .utf8)
            guard case .array(let values) = try JSONParser.parse(samples) else { throw CocoaError(.fileReadCorruptFile) }
            let records = values.compactMap { value in
                decoder.decode(value).encounter.map { (id: $0.id, dateOfService: $0.dateOfService, payer: $0.coverage?.payer ?? "self-pay", json: value.jsonText) }
            }
            #expect(records.count > 40)
            try setup.store.saveEncounters(records)
            setup.storedDates = records.map(\.dateOfService)
            return setup
        }

        func request(_ operation: RuleUpdateOperation, account: String = "alice", by: String? = nil, reason: String = "shorter limit") -> RuleUpdateRequest {
            RuleUpdateRequest(operation: operation, account: account, claimedAuthor: by, admins: ["alice", "billing-admin"],
                              clinicProfilePath: "clinic.yaml", reason: reason, asOf: RuleAdministrationTests.asOf, impactDays: 90)
        }

        func installed(_ name: String) throws -> String {
            try String(contentsOfFile: (payers as NSString).appendingPathComponent(name), encoding: .utf8)
        }

        /// cigna.yaml with timely filing 60 days instead of 90, as a file outside Payers/.
        func editedCigna() throws -> RuleBookLoader.Source {
            RuleBookLoader.Source(path: root.appendingPathComponent("edits/cigna.yaml").path,
                                  text: try installed("cigna.yaml").replacingOccurrences(of: "days: 90", with: "days: 60"))
        }

        /// Every file of Payers/ by name, and every row count of the store: what a change would touch.
        func snapshot() throws -> [String: String] {
            var result = try Fixtures.fingerprint(URL(fileURLWithPath: payers))
            for (table, count) in try store.rowCounts() { result["table \(table)"] = String(count) }
            return result
        }
    }

    @Test func aPreviewShowsTheDiffAndTheImpactAndChangesNothing() throws {
        let setup = try Setup.make("preview")
        let before = try setup.snapshot()
        let edited = try setup.editedCigna()
        let preview = try setup.administration.preview(setup.request(.apply(edited)))
        #expect(preview.slug == "cigna")
        #expect(preview.author == "alice")
        #expect(preview.previous?.text == (try setup.installed("cigna.yaml")))
        #expect(preview.candidate == edited)
        #expect(!preview.nothingToApply)
        #expect(preview.changes.map(\.item) == ["rules/timely-filing"])
        #expect(preview.impact.contains { $0.encounter == "ENC-2026-0030" && $0.before == "bill" && $0.after == "hold" })
        let request = setup.request(.apply(edited))
        let window = request.asOf.adding(days: -request.impactDays)
        let inWindow = setup.storedDates.filter { $0 >= window }.count
        #expect(inWindow < setup.storedDates.count, "the samples include encounters dated before the impact window")
        #expect(preview.encountersReevaluated == inWindow, "every stored encounter in the window, none before it")
        // A dry run is a preview not applied: the files and the store are as they were.
        #expect(try setup.snapshot() == before)
    }

    @Test func applyInstallsTheFileAndRecordsAVersionWithItsAuthorAndReason() throws {
        let setup = try Setup.make("apply")
        let original = try setup.installed("cigna.yaml")
        let edited = try setup.editedCigna()
        let preview = try setup.administration.preview(setup.request(.apply(edited), reason: "  Cigna shortened timely filing \n"))
        let version = try setup.administration.apply(preview)
        #expect(version == 2)
        #expect(try setup.installed("cigna.yaml") == edited.text)
        let versions = try setup.store.ruleVersions(slug: "cigna")
        #expect(versions.map(\.action) == ["baseline", "apply"])
        #expect(versions.map(\.contentHash) == [SHA256.hex(Array(original.utf8)), SHA256.hex(Array(edited.text.utf8))])
        #expect(versions.last?.author == "alice")
        #expect(versions.last?.reason == "Cigna shortened timely filing")
        #expect(try setup.store.ruleInstalls().map(\.status) == ["installed"])
        #expect(try setup.administration.status().first { $0.fileName == "cigna.yaml" }?.state == .recorded(version: 2))
        #expect(!FileManager.default.fileExists(atPath: RuleInstallRecovery.temporaryPath(for: "cigna.yaml", in: setup.payers)))
        // The same file again: nothing to apply, and nothing recorded.
        let again = try setup.administration.preview(setup.request(.apply(edited)))
        #expect(again.nothingToApply)
        #expect(throws: RuleAdministrationError.self) { try setup.administration.apply(again) }
        #expect(try setup.store.ruleVersions(slug: "cigna").count == 2)
    }

    @Test func rollbackReinstallsARecordedVersionAsANewVersion() throws {
        let setup = try Setup.make("rollback")
        let original = try setup.installed("cigna.yaml")
        _ = try setup.administration.apply(try setup.administration.preview(setup.request(.apply(try setup.editedCigna()))))
        let preview = try setup.administration.preview(setup.request(.rollback(slug: "cigna", to: 1), reason: "limit confirmed at 90"))
        #expect(preview.candidate.text == original)
        #expect(preview.changes.map(\.item) == ["rules/timely-filing"])
        #expect(preview.impact.contains { $0.encounter == "ENC-2026-0030" && $0.before == "hold" && $0.after == "bill" })
        #expect(try setup.administration.apply(preview) == 3)
        #expect(try setup.installed("cigna.yaml") == original)
        let versions = try setup.store.ruleVersions(slug: "cigna")
        #expect(versions.map(\.action) == ["baseline", "apply", "rollback"])
        #expect(versions.last?.contentHash == versions.first?.contentHash)

        let unknown = #expect(throws: RuleAdministrationError.self) {
            try setup.administration.preview(setup.request(.rollback(slug: "cigna", to: 9)))
        }
        #expect(unknown?.kind == .invalidData)
        #expect(unknown?.message == "cigna has no version 9; recorded versions: 1, 2, 3")
    }

    @Test(arguments: [("mallory", nil as String?, "the OS account 'mallory' is not an admin"),
                      ("mallory", "alice", "--by 'alice' is not the account running this command ('mallory')")])
    func anUpdateByANonAdminIsRefusedAndRecordedAndChangesNothing(_ account: String, _ by: String?, _ message: String) throws {
        let setup = try Setup.make("refused")
        let before = try setup.snapshot()
        let refusal = #expect(throws: RuleAdministrationError.self) {
            try setup.administration.preview(setup.request(.apply(try setup.editedCigna()), account: account, by: by))
        }
        #expect(refusal?.kind == .notPermitted)
        #expect(refusal?.message.contains(message) == true, "\(refusal?.message ?? "")")
        let refusals = try setup.store.ruleChangeRefusals()
        #expect(refusals.map(\.attemptedBy) == [account])
        #expect(refusals.map(\.slug) == ["cigna"])
        // Only the refusal is new.
        var expected = before
        expected["table rule_change_refusal"] = "1"
        #expect(try setup.snapshot() == expected)
    }

    @Test func anInvalidCandidateOrABlankReasonIsRefusedBeforeAnythingIsOpened() throws {
        let setup = try Setup.make("invalid")
        let before = try setup.snapshot()
        var broken = try setup.editedCigna()
        broken.text += "  - id: oops\n    kind: hold\n    codes: [Q9999]\n"
        let invalid = #expect(throws: RuleAdministrationError.self) { try setup.administration.preview(setup.request(.apply(broken))) }
        #expect(invalid?.kind == .invalidData)
        #expect(invalid?.message.contains("unknown code 'Q9999'") == true, "\(invalid?.message ?? "")")
        let blank = #expect(throws: RuleAdministrationError.self) {
            try setup.administration.preview(setup.request(.apply(try setup.editedCigna()), reason: "  \n"))
        }
        #expect(blank?.kind == .usage)
        #expect(try setup.snapshot() == before)
    }

    /// A preview describes the files as they were; installing it over a file changed since is refused.
    @Test func aPreviewOfAFileChangedSinceIsNotApplied() throws {
        let setup = try Setup.make("stale")
        let preview = try setup.administration.preview(setup.request(.apply(try setup.editedCigna())))
        let handEdited = try setup.installed("cigna.yaml") + "# edited by hand\n"
        try handEdited.write(toFile: (setup.payers as NSString).appendingPathComponent("cigna.yaml"), atomically: true, encoding: .utf8)
        let stale = #expect(throws: RuleAdministrationError.self) { try setup.administration.apply(preview) }
        #expect(stale?.kind == .invalidData)
        #expect(try setup.installed("cigna.yaml") == handEdited)
        #expect(try setup.store.ruleVersions().isEmpty)
        #expect(try setup.store.ruleInstalls().isEmpty)
    }

    @Test func anInterruptedInstallIsFinishedByTheNextRecovery() throws {
        let setup = try Setup.make("recover")
        let edited = try setup.editedCigna()
        let original = try setup.installed("cigna.yaml")
        // As if killed after the rename: pending row, new file in place.
        _ = try setup.store.beginRuleInstall(slug: "cigna", previousContent: original, previousHash: SHA256.hex(Array(original.utf8)),
                                             content: edited.text, contentHash: SHA256.hex(Array(edited.text.utf8)),
                                             author: "alice", reason: "shorter limit", diff: "[]", action: "apply")
        try edited.text.write(toFile: (setup.payers as NSString).appendingPathComponent("cigna.yaml"), atomically: true, encoding: .utf8)
        let started = try #require(try setup.store.ruleInstalls(pendingOnly: true).first?.startedAt)
        #expect(try setup.administration.status().first { $0.fileName == "cigna.yaml" }?.state
                == .beingInstalled(action: "apply", author: "alice", startedAt: started))
        let report = setup.administration.recoverInterruptedUpdates()
        #expect(report.count == 1)
        #expect(report.first?.hasPrefix("recovered: an interrupted `payers apply` of cigna.yaml by alice") == true, "\(report)")
        #expect(try setup.store.ruleVersions(slug: "cigna").map(\.action) == ["baseline", "apply"])
        #expect(try setup.administration.status().first { $0.fileName == "cigna.yaml" }?.state == .recorded(version: 2))
        #expect(setup.administration.recoverInterruptedUpdates().isEmpty)
    }
}
