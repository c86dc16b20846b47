import ClaimsCore
@testable import ClaimsStore
import ClaimsTestSupport
import Foundation
import GRDB
import Testing

/// The batch run's store work as it was made cheaper (issue 18): the same rows and answers as the
/// plain way of asking.
@Suite("A run's statements")
struct RunStatementTests {
    static func claim(_ encounter: String, line: Int = 1) -> StoredClaim {
        StoredClaim(encounterId: encounter, patientId: "PT-\(encounter)", payer: "bcbs-il", dateOfService: "2026-11-03",
                    x12File: "bcbs-il-000000007.x12", fhirFile: "bcbs-il-000000007.xml", interchangeControlNumber: "000000007",
                    groupControlNumber: "7", transactionSetControlNumber: "0001", totalCents: 21_000, authNumber: nil, ruleVersion: "test",
                    lines: [StoredClaim.BilledLine(line: line, code: "99214", chargeCents: 21_000)])
    }

    /// The query as it was before it started from the paid claims: an independent reference.
    static let candidatesByScan = """
        SELECT c.encounter_id, c.id, e.record FROM claim c JOIN encounter e ON e.id = c.encounter_id
        WHERE c.coverage = 'primary' AND c.frequency <> '8'
          AND c.id = (SELECT MAX(x.id) FROM claim x WHERE x.encounter_id = c.encounter_id AND x.coverage = 'primary')
          AND EXISTS (SELECT 1 FROM claim_payment p WHERE p.claim_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM claim s WHERE s.follows_claim_id = c.id)
          AND json_extract(e.record, '$.secondaryCoverage') IS NOT NULL
        ORDER BY c.id
        """

    static func paymentFile(_ db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO response_file (content_hash, name, imported_at) VALUES ('h', 'a.835', '2026-11-20T10:00:00.000Z')")
        try db.execute(sql: """
            INSERT INTO response_transaction (file_id, kind, identity, sender, isa13, gs06, st02)
            VALUES (\(db.lastInsertedRowID), '835', 'i', 's', '1', '7', '1')
            """)
        return db.lastInsertedRowID
    }

    static func pay(_ claimId: Int64?, transaction: Int64, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO claim_payment (transaction_id, claim_id, patient_control_number, status_code, charge_cents, paid_cents, segment)
            VALUES (?, ?, 'PCN', '1', 100, 80, 1)
            """, arguments: [transaction, claimId])
    }

    /// Primary and secondary claims, corrections and voids, claims followed by a secondary one, paid
    /// and unpaid (and a payment matched to no claim), records with and without a second coverage:
    /// the candidates are those of the query that scans every claim.
    @Test func secondaryClaimCandidatesMatchTheQueryByScan() throws {
        let (store, url) = try StoreTestSupport.makeStore("secondary-candidates")
        let queue = try DatabaseQueue(path: url.path)
        var random = FuzzRandom(seed: 1218)   // seeded: a failure repeats
        let claims = 120
        try queue.write { db in
            try db.execute(sql: "INSERT INTO batch_run (number, status, output_directory, plan, prepared_at) VALUES (1, 'committed', '/o', '{}', '2026-11-20T10:00:00.000Z')")
            for encounter in 0..<25 {
                let record = random.oneIn(3) ? #"{"id":"E\#(encounter)"}"# : #"{"id":"E\#(encounter)","secondaryCoverage":{"payer":"aetna"}}"#
                try db.execute(sql: "INSERT INTO encounter (id, date_of_service, payer, record, updated_at) VALUES (?, '2026-11-03', 'bcbs-il', ?, 't')",
                               arguments: ["E\(encounter)", record])
            }
            for id in 1...claims {
                let secondary = random.oneIn(4)
                let follows: Int? = secondary && id > 1 ? 1 + random.below(id - 1) : nil
                try db.execute(sql: """
                    INSERT INTO claim (run, encounter_id, patient_id, payer, date_of_service, x12_file, fhir_file, isa13, gs06, st02,
                                       total_cents, rule_version, created_at, frequency, coverage, follows_claim_id)
                    VALUES (1, ?, 'PT-1', 'bcbs-il', '2026-11-03', 'f.x12', 'f.xml', '1', '1', '1', 100, 'r', '2026-11-20T10:00:00.000Z', ?, ?, ?)
                    """, arguments: ["E\(random.below(27))", random.element(["1", "1", "7", "8"]), secondary ? "secondary" : "primary", follows])
            }
            let transaction = try Self.paymentFile(db)
            for id in 1...claims where random.oneIn(2) { try Self.pay(Int64(id), transaction: transaction, db) }
            try Self.pay(nil, transaction: transaction, db)
        }
        try queue.close()
        let reference = try store.read { db in
            try Row.fetchAll(db, sql: Self.candidatesByScan).map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as String)" }
        }
        let candidates = try store.secondaryClaimCandidates().map { "\($0.encounterId) \($0.primaryClaimId) \($0.record)" }
        #expect(reference.count > 3 && reference.count < 25, "a sample that tells the queries apart: \(reference.count)")
        #expect(candidates == reference)
    }

    /// Claims wait for a full statement, and whatever reads inside the run's transaction sees them:
    /// a new primary claim of a paid encounter takes it off the secondary candidates at once.
    @Test func claimsWaitingForAStatementAreSeenInsideTheRun() throws {
        let (store, url) = try StoreTestSupport.makeStore("waiting-claims")
        try store.recordPreparedRun(number: 1, outputDirectory: "/o", plan: "{}", claims: [Self.claim("E1")], superbills: [], uses: [])
        try store.saveEncounters([(id: "E1", dateOfService: LocalDate(iso: "2026-11-03")!, payer: "bcbs-il",
                                   json: #"{"id":"E1","secondaryCoverage":{"payer":"aetna"}}"#)])
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in try Self.pay(1, transaction: try Self.paymentFile(db), db) }
        try queue.close()
        #expect(try store.secondaryClaimCandidates().map(\.encounterId) == ["E1"])

        let transaction = try store.openRun(number: 2, outputDirectory: "/o")
        // Fewer than a statement's worth after a full one: the last ones wait.
        let more = (0..<(RunTransaction.rowsPerStatement + 3)).map { Self.claim("N\($0)") }
        transaction.insert(more)
        transaction.insert([Self.claim("E1", line: 2)])
        #expect(try transaction.secondaryClaimCandidates().isEmpty)
        #expect(try store.secondaryClaimCandidates().map(\.encounterId) == ["E1"], "nothing shows outside the run before it commits")
        transaction.finish(plan: "{}", superbills: [], uses: [], controlNumbers: []) {}
        #expect(transaction.waitForEnd() == nil)
        let stored = try store.claimHistories()
        #expect(stored.count == more.count + 2)
        #expect(try store.secondaryClaimCandidates().isEmpty)
    }

    /// A statement runs only with every parameter given a value, in order (a row short of a value
    /// would otherwise keep the last statement's, bound in place in a buffer since freed).
    @Test func aStatementRunsOnlyWithEveryParameterBound() throws {
        let (store, _) = try StoreTestSupport.makeStore("row-binder")
        try store.write { tx in
            let inserter = try RowInserter(tx.db, sql: "INSERT INTO control_number (name, last_value) VALUES (?, ?), (?, ?)")
            #expect(throws: DatabaseError.self) { try inserter.insert(.text("a"), .integer(1), .text("b")) }
            #expect(throws: DatabaseError.self) { try inserter.insert(.text("a"), .integer(1), .text("b"), .integer(2), .integer(3)) }
            try inserter.insert { row in
                row.text("Zoë"); row.integer(Int64?.some(7))
                row.text(""); row.integer(Int64(2))
            }
            let rows = try Row.fetchAll(tx.db, sql: "SELECT name, last_value FROM control_number ORDER BY rowid").map { "\($0[0] as String)=\($0[1] as Int)" }
            #expect(rows == ["Zoë=7", "=2"])
        }
    }
}
