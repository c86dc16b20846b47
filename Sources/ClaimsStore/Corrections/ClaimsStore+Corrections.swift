import GRDB

/// What kind of claim a `claim` row is (migration v9, CONTRACT §9): its columns beside the batch's.
public struct ClaimSubmission: Codable, Sendable, Hashable {
    public enum Coverage: String, Codable, Sendable, Hashable { case primary, secondary }
    /// CLM05-3: `1` original, `7` replacement of a prior claim, `8` void of a prior claim.
    public var frequency: String
    /// Which of the encounter's plans the claim goes to.
    public var coverage: Coverage
    /// The claim a replacement or void replaces (7/8).
    public var replacesClaimId: Int64?
    /// The primary claim a secondary claim carries the adjudication of.
    public var followsClaimId: Int64?
    /// REF*F8: the payer's claim number of the claim replaced or voided.
    public var payerClaimNumber: String?
    /// The `claims correct` / `claims void` request this claim carries (consumed by the claim's insert).
    public var intentId: Int64?

    public init(frequency: String = "1", coverage: Coverage = .primary, replacesClaimId: Int64? = nil, followsClaimId: Int64? = nil,
                payerClaimNumber: String? = nil, intentId: Int64? = nil) {
        self.frequency = frequency; self.coverage = coverage; self.replacesClaimId = replacesClaimId
        self.followsClaimId = followsClaimId; self.payerClaimNumber = payerClaimNumber; self.intentId = intentId
    }

    public static let original = ClaimSubmission()
    public var isOriginal: Bool { frequency == "1" && coverage == .primary }
}

/// A `claims correct` or `claims void` request (table `claim_intent`): who asked, why, for which
/// claim and with which payer claim number; `sentClaimId` is set by the claim that carries it.
public struct ClaimIntentRecord: StoreRecord, Sendable, Hashable {
    public static let databaseTableName = "claim_intent"
    public enum Kind: String, Codable, Sendable, Hashable { case correct, void }
    public var id: Int64?
    public var encounterId: String
    public var kind: Kind
    public var claimId: Int64
    public var payerClaimNumber: String
    public var reason: String
    public var requestedBy: String
    public var recordedAt: String
    public var sentClaimId: Int64?
}

extension ClaimsStore {
    /// SQL condition on `claim c`: the latest claim of its encounter to the primary payer, not a void —
    /// the one whose lines count as billed for units per day (a replacement's, not the replaced claim's;
    /// never a secondary claim's).
    static let currentClaimAtPrimary = """
        c.coverage = 'primary' AND c.frequency <> '8'
        AND c.id = (SELECT MAX(x.id) FROM claim x WHERE x.encounter_id = c.encounter_id AND x.coverage = 'primary')
        """

    /// The encounter's claim at the primary payer as it stands: the latest primary claim whose latest
    /// response is not a rejection (a rejected claim never entered adjudication; POLICY §5.1).
    static func currentPrimaryClaim(_ db: Database, encounterId: String) throws -> Int64? {
        // A cached statement: the batch asks once per encounter with history, and preparing the
        // statement each time cost SQLite ~270,000 instructions (parsing and planning), the query ~5,000.
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT c.id FROM claim c WHERE c.encounter_id = ? AND c.coverage = 'primary'
              AND COALESCE((SELECT e.kind FROM claim_event e WHERE e.claim_id = c.id AND e.kind <> 'sent' ORDER BY e.id DESC LIMIT 1), '')
                  <> 'rejected'
            ORDER BY c.id DESC LIMIT 1
            """), arguments: [encounterId])
    }

    /// Records `claims correct` / `claims void` for the encounter's current claim at the primary payer.
    /// Refused (nothing recorded) when no claim was sent, the claim stands rejected (send it again as an
    /// original), it was voided, no 835 has given the payer's claim number yet (REF*F8 needs it), or a
    /// request is already waiting for the next batch.
    public func recordClaimIntent(_ kind: ClaimIntentRecord.Kind, encounterId: String, reason: String, by: String)
        throws(StoreError) -> ClaimIntentRecord {
        let verb = kind == .correct ? "correct" : "void"
        let trimmedReason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedReason.isEmpty else { throw StoreError.invalid("reason", "is empty; say why the claim is \(kind == .correct ? "corrected" : "voided")") }
        return try write { tx in
            let db = tx.db
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM claim WHERE encounter_id = ? AND coverage = 'primary' ORDER BY id",
                                         arguments: [encounterId])
            guard let last = ids.last else {
                throw StoreError(.notFound, field: "encounter",
                                 "no claim was sent for encounter '\(encounterId)'; nothing to \(verb) (an encounter not yet billed goes out with the next batch)")
            }
            guard let current = try Self.currentPrimaryClaim(db, encounterId: encounterId) else {
                throw StoreError(.transitionRefused, field: "encounter",
                                 "claim \(last) of encounter \(encounterId) was rejected (999/277CA) and never entered adjudication: fix the encounter and run the batch; it goes again as an original (frequency 1), never as a \(kind == .correct ? "replacement" : "void")")
            }
            if try String.fetchOne(db, sql: "SELECT frequency FROM claim WHERE id = ?", arguments: [current]) == "8" {
                throw StoreError(.transitionRefused, field: "encounter", "the claim of encounter \(encounterId) was voided (claim \(current)); nothing left to \(verb)")
            }
            if let pending = try ClaimIntentRecord.fetchOne(db, sql: "SELECT * FROM claim_intent WHERE encounter_id = ? AND sent_claim_id IS NULL",
                                                            arguments: [encounterId]) {
                throw StoreError(.conflict, field: "encounter",
                                 "a \(pending.kind.rawValue) of encounter \(encounterId) is already waiting for the next batch (recorded \(pending.recordedAt) by \(pending.requestedBy)); run the batch first")
            }
            let number = try String.fetchOne(db, sql: """
                SELECT p.payer_claim_number FROM claim_payment p JOIN claim c ON c.id = p.claim_id
                WHERE c.encounter_id = ? AND c.coverage = 'primary' AND p.payer_claim_number IS NOT NULL ORDER BY p.id DESC LIMIT 1
                """, arguments: [encounterId])
            guard let number else {
                throw StoreError(.transitionRefused, field: "encounter",
                                 "no payer claim number for encounter \(encounterId) yet: a \(kind == .correct ? "replacement" : "void") must name the payer's claim number (REF*F8), which comes with the payer's 835 (CLP07); import it with claims responses import, then run claims \(verb) again. Nothing was queued")
            }
            var record = ClaimIntentRecord(id: nil, encounterId: encounterId, kind: kind, claimId: current, payerClaimNumber: number,
                                           reason: trimmedReason, requestedBy: by, recordedAt: tx.timestamp, sentClaimId: nil)
            try record.insert(db)
            record.id = db.lastInsertedRowID
            return record
        }
    }

    /// Every correction and void waiting for the next batch, oldest first.
    public func pendingClaimIntents() throws(StoreError) -> [ClaimIntentRecord] {
        try read { db in try ClaimIntentRecord.fetchAll(db, sql: "SELECT * FROM claim_intent WHERE sent_claim_id IS NULL ORDER BY id") }
    }

    /// Every correction and void of an encounter (for `claim show`).
    public func claimIntents(encounterId: String) throws(StoreError) -> [ClaimIntentRecord] {
        try read { db in
            try ClaimIntentRecord.fetchAll(db, sql: "SELECT * FROM claim_intent WHERE upper(encounter_id) = upper(?) ORDER BY id", arguments: [encounterId])
        }
    }

    /// Encounters whose current primary claim has an 835 posted, no secondary claim yet, and a stored
    /// record with `secondaryCoverage`: the candidates for a secondary claim (the engine decides).
    public func secondaryClaimCandidates() throws(StoreError) -> [(encounterId: String, primaryClaimId: Int64, record: String)] {
        try read { db in try Self.secondaryClaimCandidates(db) }
    }

    static func secondaryClaimCandidates(_ db: Database) throws -> [(encounterId: String, primaryClaimId: Int64, record: String)] {
            try Row.fetchAll(db, sql: secondaryClaimCandidatesSQL).map { ($0[0], $0[1], $0[2]) }
    }

    /// Only a claim with a payment can be a candidate, so the query starts from the paid claims
    /// (`c.id IN (… claim_payment)`: a rowid lookup each) rather than scanning every claim ever
    /// recorded and running the correlated subqueries on each: a batch asks inside its own run, with
    /// its own claims inserted, and the scan took ~4,700 instructions per encounter at 10,000
    /// (issue 18). Same rows as `EXISTS (SELECT 1 FROM claim_payment p WHERE p.claim_id = c.id)`
    /// (test: `secondaryClaimCandidatesMatchTheQueryByScan`).
    static let secondaryClaimCandidatesSQL = """
        SELECT c.encounter_id, c.id, e.record FROM claim c JOIN encounter e ON e.id = c.encounter_id
        WHERE c.id IN (SELECT p.claim_id FROM claim_payment p)
          AND c.coverage = 'primary' AND c.frequency <> '8'
          AND c.id = (SELECT MAX(x.id) FROM claim x WHERE x.encounter_id = c.encounter_id AND x.coverage = 'primary')
          AND NOT EXISTS (SELECT 1 FROM claim s WHERE s.follows_claim_id = c.id)
          AND json_extract(e.record, '$.secondaryCoverage') IS NOT NULL
        ORDER BY c.id
        """

    /// The stored record (JSON) of one encounter, as the latest batch read it.
    public func encounterRecord(_ id: String) throws(StoreError) -> String? {
        try read { db in try Self.encounterRecord(id, db) }
    }

    static func encounterRecord(_ id: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT record FROM encounter WHERE id = ?", arguments: [id])
    }
}
