import GRDB

/// A claim we sent, as responses are matched against it.
public struct SentClaim: Sendable, Hashable {
    public var claimId: Int64
    public var encounterId: String
    public var patientId: String
    public var payer: String
    public var dateOfService: String
    public var x12File: String
    public var interchangeControlNumber: String, groupControlNumber: String, transactionSetControlNumber: String
    public var totalCents: Int64
    public var lines: [StoredClaim.BilledLine]
    /// Original, replacement, void, or a claim to the secondary payer (migration v9).
    public var submission = ClaimSubmission()
}

/// Everything one response file adds, written in one transaction (`recordResponses`).
public struct ResponsePosting: Sendable {
    public struct Transaction: Sendable {
        public var record: ResponseTransactionRecord
        public var events: [ClaimEventRecord]
        public var payments: [Payment]
        public var providerAdjustments: [ProviderAdjustmentRecord]
        public var unmatched: [UnmatchedResponseRecord]
        public init(record: ResponseTransactionRecord, events: [ClaimEventRecord] = [], payments: [Payment] = [],
                    providerAdjustments: [ProviderAdjustmentRecord] = [], unmatched: [UnmatchedResponseRecord] = []) {
            self.record = record; self.events = events; self.payments = payments
            self.providerAdjustments = providerAdjustments; self.unmatched = unmatched
        }
    }

    /// One 835 claim with its lines, adjustments and remarks.
    public struct Payment: Sendable {
        public var record: ClaimPaymentRecord
        public var adjustments: [PaymentAdjustmentRecord]
        public var remarks: [PaymentRemarkRecord]
        public var lines: [Line]
        public init(record: ClaimPaymentRecord, adjustments: [PaymentAdjustmentRecord], remarks: [PaymentRemarkRecord], lines: [Line]) {
            self.record = record; self.adjustments = adjustments; self.remarks = remarks; self.lines = lines
        }
    }

    public struct Line: Sendable {
        public var record: LinePaymentRecord
        public var adjustments: [PaymentAdjustmentRecord]
        public var remarks: [PaymentRemarkRecord]
        public init(record: LinePaymentRecord, adjustments: [PaymentAdjustmentRecord], remarks: [PaymentRemarkRecord]) {
            self.record = record; self.adjustments = adjustments; self.remarks = remarks
        }
    }

    public var file: ResponseFileRecord
    public var transactions: [Transaction]
    public init(file: ResponseFileRecord, transactions: [Transaction]) { self.file = file; self.transactions = transactions }
}

/// One claim's whole story: what we sent, every event, every 835 claim payment posted to it.
public struct ClaimHistory: Sendable, Hashable {
    public struct Event: Sendable, Hashable {
        public var record: ClaimEventRecord
        /// The name of the response file the event came from (nil for `sent`).
        public var file: String?
    }
    public struct Payment: Sendable, Hashable {
        public var record: ClaimPaymentRecord
        /// BPR16 of its 835 and the file it came in.
        public var date: String?, file: String
        public var lines: [LinePaymentRecord]
        public var adjustments: [PaymentAdjustmentRecord]
        public var remarks: [PaymentRemarkRecord]
    }
    public var claim: SentClaim
    public var events: [Event]
    public var payments: [Payment]
}

extension ClaimsStore {
    /// Every claim we sent, with its billed lines (responses are matched against these in memory).
    public func sentClaims() throws(StoreError) -> [SentClaim] {
        try read { db in try Self.sentClaims(db, where: "1 = 1", []) }
    }

    static func sentClaims(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [SentClaim] {
        var claims: [SentClaim] = []
        var index: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT id, encounter_id, patient_id, payer, date_of_service, x12_file, isa13, gs06, st02, total_cents,
                   frequency, coverage, replaces_claim_id, follows_claim_id, payer_claim_number
            FROM claim WHERE \(condition) ORDER BY id
            """, arguments: arguments) {
            index[row["id"]] = claims.count
            claims.append(SentClaim(claimId: row["id"], encounterId: row["encounter_id"], patientId: row["patient_id"], payer: row["payer"],
                                    dateOfService: row["date_of_service"], x12File: row["x12_file"], interchangeControlNumber: row["isa13"],
                                    groupControlNumber: row["gs06"], transactionSetControlNumber: row["st02"],
                                    totalCents: row["total_cents"], lines: [],
                                    submission: ClaimSubmission(frequency: row["frequency"],
                                                                coverage: ClaimSubmission.Coverage(rawValue: row["coverage"]) ?? .primary,
                                                                replacesClaimId: row["replaces_claim_id"], followsClaimId: row["follows_claim_id"],
                                                                payerClaimNumber: row["payer_claim_number"])))
        }
        let lineCondition = condition == "1 = 1" ? "1 = 1" : "claim_id IN (SELECT id FROM claim WHERE \(condition))"
        for row in try Row.fetchAll(db, sql: "SELECT claim_id, line, code, charge_cents FROM billed_line WHERE \(lineCondition) ORDER BY line",
                                       arguments: arguments) {
            guard let position = index[row["claim_id"]] else { continue }
            claims[position].lines.append(StoredClaim.BilledLine(line: row["line"], code: row["code"], chargeCents: row["charge_cents"]))
        }
        return claims
    }

    /// The file with these bytes, when it was imported before.
    public func importedResponseFile(contentHash: String) throws(StoreError) -> ResponseFileRecord? {
        try read { db in try ResponseFileRecord.filter(Column("content_hash") == contentHash).fetchOne(db) }
    }

    /// Which of these transaction identities are already recorded (from any file).
    public func knownResponseTransactions(_ identities: [String]) throws(StoreError) -> Set<String> {
        guard !identities.isEmpty else { return [] }
        return try read { db in
            Set(try String.fetchAll(db, ResponseTransactionRecord.select(Column("identity")).filter(identities.contains(Column("identity")))))
        }
    }

    /// Records one response file and everything it posts, in one transaction: all of it or nothing
    /// (a kill -9 part-way leaves no trace). A file or transaction recorded meanwhile by another
    /// process makes the UNIQUE constraints refuse the whole file (`conflict`): import it again.
    /// `beforeCommit` runs inside the transaction after every insert (the crash-safety test dies there).
    public func recordResponses(_ posting: ResponsePosting, beforeCommit: () throws -> Void = {}) throws(StoreError) {
        try write { tx in
            do {
                let db = tx.db
                var file = posting.file
                file.importedAt = tx.timestamp
                try file.insert(db)
                for transaction in posting.transactions {
                    var record = transaction.record
                    record.fileId = file.id!
                    try record.insert(db)
                    let transactionId = record.id!
                    for var event in transaction.events {
                        event.transactionId = transactionId; event.recordedAt = tx.timestamp
                        try event.insert(db)
                    }
                    for payment in transaction.payments {
                        var claim = payment.record
                        claim.transactionId = transactionId
                        try claim.insert(db)
                        try Self.insert(payment.adjustments, payment.remarks, claimPaymentId: claim.id!, linePaymentId: nil, db)
                        for line in payment.lines {
                            var lineRecord = line.record
                            lineRecord.claimPaymentId = claim.id!
                            try lineRecord.insert(db)
                            try Self.insert(line.adjustments, line.remarks, claimPaymentId: claim.id!, linePaymentId: lineRecord.id, db)
                        }
                    }
                    for var adjustment in transaction.providerAdjustments {
                        adjustment.transactionId = transactionId
                        try adjustment.insert(db)
                    }
                    for var unmatched in transaction.unmatched {
                        unmatched.transactionId = transactionId
                        try unmatched.insert(db)
                    }
                }
                try beforeCommit()
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                // The UNIQUE content hash or transaction identity: another process recorded it meanwhile.
                throw StoreError(.conflict, "\(posting.file.name) (or one of its transactions) was imported by another process meanwhile; "
                                 + "run the import again to see what is left")
            }
        }
    }

    private static func insert(_ adjustments: [PaymentAdjustmentRecord], _ remarks: [PaymentRemarkRecord], claimPaymentId: Int64,
                               linePaymentId: Int64?, _ db: Database) throws {
        for var adjustment in adjustments {
            adjustment.claimPaymentId = claimPaymentId; adjustment.linePaymentId = linePaymentId
            try adjustment.insert(db)
        }
        for var remark in remarks {
            remark.claimPaymentId = claimPaymentId; remark.linePaymentId = linePaymentId
            try remark.insert(db)
        }
    }

    /// The history of every claim (or of one encounter's claims), oldest claim first.
    public func claimHistories(encounterId: String? = nil) throws(StoreError) -> [ClaimHistory] {
        try read { db in
            let claims = if let encounterId {
                try Self.sentClaims(db, where: "upper(encounter_id) = upper(?)", [encounterId])
            } else {
                try Self.sentClaims(db, where: "1 = 1", [])
            }
            guard !claims.isEmpty else { return [] }
            let ids = Set(claims.map(\.claimId))
            let scoped = encounterId != nil
            func keep(_ claimId: Int64?) -> Bool { claimId.map { !scoped || ids.contains($0) } ?? false }

            var events: [Int64: [ClaimHistory.Event]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT e.*, f.name AS file_name FROM claim_event e
                LEFT JOIN response_transaction t ON t.id = e.transaction_id LEFT JOIN response_file f ON f.id = t.file_id
                ORDER BY e.id
                """) {
                let record = try ClaimEventRecord(row: row)
                guard keep(record.claimId) else { continue }
                events[record.claimId, default: []].append(ClaimHistory.Event(record: record, file: row["file_name"]))
            }
            var payments: [Int64: [ClaimHistory.Payment]] = [:]
            var paymentIndex: [Int64: (claim: Int64, position: Int)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT p.*, t.date AS payment_date, f.name AS file_name FROM claim_payment p
                JOIN response_transaction t ON t.id = p.transaction_id JOIN response_file f ON f.id = t.file_id
                WHERE p.claim_id IS NOT NULL ORDER BY p.id
                """) {
                let record = try ClaimPaymentRecord(row: row)
                guard let claimId = record.claimId, keep(claimId) else { continue }
                paymentIndex[record.id!] = (claimId, payments[claimId, default: []].count)
                payments[claimId, default: []].append(ClaimHistory.Payment(record: record, date: row["payment_date"], file: row["file_name"],
                                                                           lines: [], adjustments: [], remarks: []))
            }
            for line in try LinePaymentRecord.order(Column("id")).fetchAll(db) {
                guard let at = paymentIndex[line.claimPaymentId] else { continue }
                payments[at.claim]![at.position].lines.append(line)
            }
            for adjustment in try PaymentAdjustmentRecord.order(Column("id")).fetchAll(db) {
                guard let at = paymentIndex[adjustment.claimPaymentId] else { continue }
                payments[at.claim]![at.position].adjustments.append(adjustment)
            }
            for remark in try PaymentRemarkRecord.order(Column("id")).fetchAll(db) {
                guard let at = paymentIndex[remark.claimPaymentId] else { continue }
                payments[at.claim]![at.position].remarks.append(remark)
            }
            return claims.map { ClaimHistory(claim: $0, events: events[$0.claimId] ?? [], payments: payments[$0.claimId] ?? []) }
        }
    }

    /// Items of imported responses that match nothing we sent: 835 claims without a claim, and 999/277CA items.
    public func unmatchedResponses() throws(StoreError) -> [(file: String, kind: String, reference: String, message: String)] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.name AS file, t.kind AS kind, u.reference AS reference, u.message AS message, u.id AS ord, 0 AS part
                FROM unmatched_response u JOIN response_transaction t ON t.id = u.transaction_id JOIN response_file f ON f.id = t.file_id
                UNION ALL
                SELECT f.name, t.kind, p.patient_control_number, 'no claim we sent has this patient control number (CLP01)', p.id, 1
                FROM claim_payment p JOIN response_transaction t ON t.id = p.transaction_id JOIN response_file f ON f.id = t.file_id
                WHERE p.claim_id IS NULL
                ORDER BY part, ord
                """)
            return rows.map { ($0["file"], $0["kind"], $0["reference"], $0["message"]) }
        }
    }

    /// Every PLB adjustment recorded, with its 835's payer trace.
    public func providerAdjustments() throws(StoreError) -> [ProviderAdjustmentRecord] {
        try read { db in try ProviderAdjustmentRecord.order(Column("id")).fetchAll(db) }
    }

    /// The stored JSON of these encounters (the patient's payments are read from it).
    public func encounterRecords(_ ids: Set<String>) throws(StoreError) -> [String: String] {
        try read { db in
            var records: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, record FROM encounter") where ids.contains(row["id"]) {
                records[row["id"]] = row["record"]
            }
            return records
        }
    }
}
