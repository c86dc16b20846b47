import ClaimsCore
import ClaimsStore
import Foundation
import Testing

/// The store's side of a crash-consistent rule update: pending → installed (with its version) or abandoned.
@Suite struct RuleInstallTests {
    static func begin(_ store: ClaimsStore, content: String = "new", previous: String? = "old") throws -> Int64 {
        try store.beginRuleInstall(slug: "cigna", previousContent: previous, previousHash: previous.map { SHA256.hex(Array($0.utf8)) },
                                   content: content, contentHash: SHA256.hex(Array(content.utf8)),
                                   author: "alice", reason: "shorter limit", diff: "[]", action: "apply")
    }

    @Test func aPendingUpdateBecomesAVersionOnlyWhenConfirmed() throws {
        let (store, _) = try StoreTestSupport.makeStore("rule-install")
        let id = try Self.begin(store)
        #expect(try store.ruleVersions(slug: "cigna").isEmpty, "nothing is a version while pending")
        #expect(try store.ruleInstalls(pendingOnly: true).map(\.id) == [id])
        #expect(try store.confirmRuleInstall(id: id) == 2)
        #expect(try store.ruleVersions(slug: "cigna").map(\.action) == ["baseline", "apply"])
        #expect(try store.ruleInstalls(pendingOnly: true).isEmpty)
        #expect(try store.ruleInstalls().first?.version == 2)
        // A confirmed update cannot be confirmed (or abandoned) again.
        #expect(throws: StoreError.self) { try store.confirmRuleInstall(id: id) }
        try store.abandonRuleInstall(id: id, note: "late")
        #expect(try store.ruleInstalls().map(\.status) == ["installed"])
    }

    @Test func oneUpdatePerFileAtATimeAndAnAbandonedOneLeavesNoVersion() throws {
        let (store, _) = try StoreTestSupport.makeStore("rule-install-conflict")
        let first = try Self.begin(store)
        #expect { _ = try Self.begin(store, content: "other") } throws: { ($0 as? StoreError)?.code == .conflict }
        try store.abandonRuleInstall(id: first, note: "the file was not installed")
        #expect(try store.ruleVersions().isEmpty)
        let second = try Self.begin(store, content: "other")
        #expect(try store.confirmRuleInstall(id: second) == 2)
        #expect(try store.ruleInstalls().map(\.status) == ["abandoned", "installed"])
        #expect(try store.ruleInstalls().first?.note == "the file was not installed")
    }
}
