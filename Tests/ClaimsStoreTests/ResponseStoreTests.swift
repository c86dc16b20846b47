import ClaimsCore
@testable import ClaimsStore
import ClaimsTestSupport
import Foundation
import GRDB
import Testing

@Suite("Payer responses in the store (v6)")
struct ResponseStoreTests {
    static func claim(_ id: String) -> StoredClaim {
        StoredClaim(encounterId: id, patientId: "PT-1", payer: "bcbs-il", dateOfService: "2026-11-03", x12File: "bcbs-il-000000007.x12",
                    fhirFile: "bcbs-il-000000007.xml", interchangeControlNumber: "000000007", groupControlNumber: "7",
                    transactionSetControlNumber: "0001", totalCents: 21_000, authNumber: nil, ruleVersion: "test",
                    lines: [StoredClaim.BilledLine(line: 1, code: "99214", chargeCents: 21_000)])
    }

    /// A store written by the version before v6 gets a `sent` event for each claim it already holds;
    /// claims recorded afterwards get theirs from the trigger, in the batch's own transaction.
    @Test func sentEventsForOldAndNewClaims() throws {
        let directory = try Fixtures.temporaryDirectory("v5")
        let path = directory.appendingPathComponent("claims.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v5-rule-installs")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO batch_run (number, status, output_directory, plan, prepared_at) VALUES (1, 'committed', '/o', '{}', '2026-11-20T10:00:00.000Z')")
            try db.execute(sql: """
                INSERT INTO claim (run, encounter_id, patient_id, payer, date_of_service, x12_file, fhir_file, isa13, gs06, st02, total_cents, rule_version, created_at)
                VALUES (1, 'ENC-OLD', 'PT-1', 'bcbs-il', '2026-11-01', 'old.x12', 'old.xml', '000000001', '1', '0001', 100, 'r', '2026-11-20T10:00:00.000Z')
                """)
        }
        try queue.close()

        let store = try ClaimsStore(path: path, configuration: .init(clock: { Date(timeIntervalSince1970: 1_795_000_000) }))
        try store.recordPreparedRun(number: 2, outputDirectory: directory.path, plan: "{}", claims: [Self.claim("ENC-NEW")], superbills: [], uses: [])
        let histories = try store.claimHistories()
        #expect(histories.map(\.claim.encounterId) == ["ENC-OLD", "ENC-NEW"])
        #expect(histories.map { $0.events.map(\.record.kind) } == [["sent"], ["sent"]])
        #expect(histories[0].events[0].record.date == "2026-11-20" && histories[0].events[0].record.message == "old.x12")
        #expect(histories[1].events[0].record.source == "837P")
        #expect(try store.claimHistories(encounterId: "enc-new").map(\.claim.encounterId) == ["ENC-NEW"])
    }

    @Test func responseRowsAreAppendOnly() throws {
        let (store, url) = try StoreTestSupport.makeStore("append-only")
        try store.recordPreparedRun(number: 1, outputDirectory: "/o", plan: "{}", claims: [Self.claim("ENC-1")], superbills: [], uses: [])
        let claimId = try #require(try store.sentClaims().first?.claimId)
        try store.recordResponses(ResponsePosting(file: ResponseFileRecord(contentHash: "h", name: "a.x12", importedAt: ""), transactions: [
            .init(record: ResponseTransactionRecord(kind: "999", identity: "i", sender: "s", isa13: "1", gs06: "7", st02: "1"),
                  events: [ClaimEventRecord(claimId: claimId, kind: "accepted", source: "999", date: nil, message: "ok")]),
        ]))
        let queue = try DatabaseQueue(path: url.path)
        for sql in ["UPDATE claim_event SET kind = 'paid'", "DELETE FROM claim_event", "DELETE FROM response_file", "UPDATE response_transaction SET st02 = '2'"] {
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: sql) } }
        }
        #expect(try store.claimHistories()[0].events.map(\.record.kind) == ["sent", "accepted"])
        // The same file (content hash) or transaction (identity) cannot be recorded twice.
        #expect {
            try store.recordResponses(ResponsePosting(file: ResponseFileRecord(contentHash: "h", name: "b.x12", importedAt: ""), transactions: []))
        } throws: { error in
            (error as? StoreError)?.code == .conflict && (error as? StoreError)?.message.contains("imported by another process meanwhile") == true
        }
        #expect(try store.importedResponseFile(contentHash: "h")?.name == "a.x12")
        #expect(try store.knownResponseTransactions(["i", "j"]) == ["i"])
    }
}
