import ClaimsCore
import ClaimsStore
import ClaimsTestSupport
import Foundation
import GRDB
import Testing

/// Migration v11: requests and the answers applied to them (docs/prior-auth-requests.md).
@Suite struct AuthorizationRequestStoreTests {
    func storeWithRequest(_ label: String) throws -> (ClaimsStore, URL, Int64) {
        let (store, url) = try StoreTestSupport.makeStore(label)
        let auth = try store.add(StoreTestSupport.auth(status: .pending, start: nil, end: nil), by: "desk", vocabulary: StoreTestSupport.vocabulary)
        let update = try store.recordAuthorizationRequest(authorizationId: auth.id!, format: "x12", trace: "PA1-1", file: "out/a.x12",
                                                          encounterId: "ENC-1", submittedOn: StoreTestSupport.date("2026-11-20"), by: "desk")
        #expect(update.changes["status"] == FieldChange(from: .text("pending"), to: .text("submitted")))
        return (store, url, auth.id!)
    }

    @Test func aRequestMovesTheAuthorizationToSubmittedWithHistory() throws {
        let (store, _, id) = try storeWithRequest("request-submitted")
        #expect(try store.authorization(.id(id)).status == .submitted)
        #expect(try store.authorization(.id(id)).submittedOn == StoreTestSupport.date("2026-11-20"))
        #expect(try store.history(of: id).map(\.action) == [.created, .updated])
        #expect(try store.authorizationRequests(of: id).map(\.trace) == ["PA1-1"])
    }

    @Test func anAnswerUpdatesStatusNumberUnitsAndDatesOnce() throws {
        let (store, _, id) = try storeWithRequest("request-answer")
        let decision = AuthorizationDecision(trace: "PA1-1", outcome: .certified, authNumber: "CERT-1", units: 8,
                                             start: StoreTestSupport.date("2026-11-01"), end: StoreTestSupport.date("2027-04-30"))
        guard case .applied(_, let update) = try store.applyAuthorizationDecision(decision, file: "r.x12", by: "desk") else {
            Issue.record("not applied"); return
        }
        #expect(update.authorization.status == .approved)
        #expect(update.authorization.authNumber == "CERT-1")
        #expect(update.authorization.units == 8)
        #expect(update.authorization.end == StoreTestSupport.date("2027-04-30"))
        let historyCount = try store.history(of: id).count
        #expect(try store.applyAuthorizationDecision(decision, file: "again.x12", by: "desk") == .alreadyImported(request: store.authorizationRequests(of: id)[0]))
        #expect(try store.history(of: id).count == historyCount)
    }

    @Test func anAnswerToAnUnknownRequestChangesNothing() throws {
        let (store, _, id) = try storeWithRequest("request-unknown")
        let before = try store.authorization(.id(id))
        #expect(try store.applyAuthorizationDecision(AuthorizationDecision(trace: "PA9-9", outcome: .denied), file: "r", by: "desk") == .unknownRequest)
        #expect(try store.authorization(.id(id)) == before)
    }

    @Test func aRefusedTransitionStoresNoAnswer() throws {
        let (store, _, id) = try storeWithRequest("request-refused")
        _ = try store.applyAuthorizationDecision(AuthorizationDecision(trace: "PA1-1", outcome: .certified, authNumber: "C-1"), file: "a", by: "desk")
        #expect(throws: StoreError.self) {
            try store.applyAuthorizationDecision(AuthorizationDecision(trace: "PA1-1", outcome: .denied, reason: "late"), file: "b", by: "desk")
        }
        #expect(try store.authorization(.id(id)).status == .approved)
        // The refused denial was not recorded as imported: the same file read again is refused again, not skipped.
        #expect(throws: StoreError.self) {
            try store.applyAuthorizationDecision(AuthorizationDecision(trace: "PA1-1", outcome: .denied, reason: "late"), file: "b", by: "desk")
        }
    }

    @Test func requestRowsAreAppendOnly() throws {
        let (_, url, _) = try storeWithRequest("request-append-only")
        let queue = try DatabaseQueue(path: url.path)
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "UPDATE authorization_request SET trace = 'X'") } }
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "DELETE FROM authorization_request") } }
    }
}
