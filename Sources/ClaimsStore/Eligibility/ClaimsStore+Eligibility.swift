import ClaimsCore
import Foundation
import GRDB

/// `eligibility_request`: one 270 interchange written.
public struct EligibilityRequestRecord: ResponseRecord {
    public static let databaseTableName = "eligibility_request"
    public var id: Int64?
    public var payer: String
    public var file: String
    public var isa13: String, gs06: String
    public var createdAt: String
    public init(id: Int64? = nil, payer: String, file: String, isa13: String, gs06: String, createdAt: String = "") {
        self.id = id; self.payer = payer; self.file = file; self.isa13 = isa13; self.gs06 = gs06; self.createdAt = createdAt
    }
}

/// `eligibility_inquiry`: one subscriber inquiry of a 270.
public struct EligibilityInquiryRecord: ResponseRecord {
    public static let databaseTableName = "eligibility_inquiry"
    public var id: Int64?
    public var requestId: Int64
    /// ST02 of the inquiry's transaction set (a 999 names it in AK202).
    public var st02: String
    public var traceNumber: String
    public var patientId: String
    public var payer: String
    public var memberId: String
    public var dateOfService: String
    /// EQ01 as sent, `^`-joined.
    public var serviceTypes: String
    public var encounterId: String
    public init(id: Int64? = nil, requestId: Int64 = 0, st02: String, traceNumber: String, patientId: String, payer: String, memberId: String,
                dateOfService: String, serviceTypes: String, encounterId: String) {
        self.id = id; self.requestId = requestId; self.st02 = st02; self.traceNumber = traceNumber; self.patientId = patientId; self.payer = payer
        self.memberId = memberId; self.dateOfService = dateOfService; self.serviceTypes = serviceTypes; self.encounterId = encounterId
    }
}

/// `eligibility_file`: one imported 271/999 file.
public struct EligibilityFileRecord: ResponseRecord {
    public static let databaseTableName = "eligibility_file"
    public var id: Int64?
    public var contentHash: String
    public var name: String
    public var importedAt: String
    public init(id: Int64? = nil, contentHash: String, name: String, importedAt: String = "") {
        self.id = id; self.contentHash = contentHash; self.name = name; self.importedAt = importedAt
    }
}

/// `eligibility_answer`: one answer (a 271 subscriber/dependent loop, or a 999 verdict on a 270).
public struct EligibilityAnswerRecord: ResponseRecord {
    public static let databaseTableName = "eligibility_answer"
    public var id: Int64?
    public var fileId: Int64
    public var inquiryId: Int64?
    public var kind: String
    public var identity: String
    public var traceNumber: String?
    public var patientId: String?
    public var payer: String?
    public var dateOfService: String?
    public var checked: String
    public var status: String
    public var unmatchedReason: String?
    /// The `EligibilityAnswer` as JSON (benefits, other payers, messages, rejections).
    public var answer: String
    public var recordedAt: String
    public init(id: Int64? = nil, fileId: Int64 = 0, inquiryId: Int64?, kind: String, identity: String, traceNumber: String?,
                patientId: String?, payer: String?, dateOfService: String?, checked: String, status: String, unmatchedReason: String?,
                answer: String, recordedAt: String = "") {
        self.id = id; self.fileId = fileId; self.inquiryId = inquiryId; self.kind = kind; self.identity = identity; self.traceNumber = traceNumber
        self.patientId = patientId; self.payer = payer; self.dateOfService = dateOfService; self.checked = checked; self.status = status
        self.unmatchedReason = unmatchedReason; self.answer = answer; self.recordedAt = recordedAt
    }

    /// The stored answer as the core value (a damaged row is a damaged store, never shown).
    public func value() throws(StoreError) -> EligibilityAnswer {
        do {
            var value = try JSONDecoder().decode(EligibilityAnswer.self, from: Data(answer.utf8))
            value.id = id
            return value
        } catch {
            throw StoreError(.corrupt, "eligibility_answer \(id ?? 0) cannot be read; restore the store from a backup")
        }
    }
}

extension StoreTransaction {
    /// Records one 270 interchange and its inquiries (in the caller's transaction, with the control numbers it allocated).
    public func recordEligibilityRequest(_ request: EligibilityRequestRecord, inquiries: [EligibilityInquiryRecord]) throws {
        var request = request
        request.createdAt = timestamp
        try request.insert(db)
        for var inquiry in inquiries {
            inquiry.requestId = request.id!
            try inquiry.insert(db)
        }
    }
}

extension ClaimsStore {
    /// Every inquiry we sent, with its request (answers are matched against these in memory).
    public func eligibilityInquiries() throws(StoreError) -> [(inquiry: EligibilityInquiryRecord, request: EligibilityRequestRecord)] {
        try read { db in
            let requests = Dictionary(uniqueKeysWithValues: try EligibilityRequestRecord.fetchAll(db).map { ($0.id!, $0) })
            return try EligibilityInquiryRecord.order(Column("id")).fetchAll(db).compactMap { inquiry in
                requests[inquiry.requestId].map { (inquiry, $0) }
            }
        }
    }

    public func importedEligibilityFile(contentHash: String) throws(StoreError) -> EligibilityFileRecord? {
        try read { db in try EligibilityFileRecord.filter(Column("content_hash") == contentHash).fetchOne(db) }
    }

    /// Which of these answer identities are already recorded (from any file).
    public func knownEligibilityAnswers(_ identities: [String]) throws(StoreError) -> Set<String> {
        guard !identities.isEmpty else { return [] }
        return try read { db in
            Set(try String.fetchAll(db, EligibilityAnswerRecord.select(Column("identity")).filter(identities.contains(Column("identity")))))
        }
    }

    /// Records one imported file and its answers in one transaction (all or nothing). A file or answer
    /// recorded meanwhile by another process makes the UNIQUE constraints refuse the whole file.
    public func recordEligibilityAnswers(file: EligibilityFileRecord, answers: [EligibilityAnswerRecord]) throws(StoreError) {
        try write { tx in
            do {
                var file = file
                file.importedAt = tx.timestamp
                try file.insert(tx.db)
                for var answer in answers {
                    answer.fileId = file.id!
                    answer.recordedAt = tx.timestamp
                    try answer.insert(tx.db)
                }
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError(.conflict, "\(file.name) (or one of its answers) was imported by another process meanwhile; "
                                 + "run the import again to see what is left")
            }
        }
    }

    /// Stored answers matched to an inquiry, oldest first; of one patient (and payer) when given.
    public func eligibilityAnswers(patientId: String? = nil, payer: String? = nil) throws(StoreError) -> [EligibilityAnswer] {
        let records: [EligibilityAnswerRecord] = try read { db in
            var request = EligibilityAnswerRecord.filter(Column("inquiry_id") != nil)
            if let patientId { request = request.filter(Column("patient_id") == patientId) }
            if let payer { request = request.filter(Column("payer") == payer) }
            return try request.order(Column("id")).fetchAll(db)
        }
        return try records.map { record throws(StoreError) in try record.value() }
    }

    /// Answers that matched no inquiry, oldest first.
    public func unmatchedEligibilityAnswers() throws(StoreError) -> [EligibilityAnswerRecord] {
        try read { db in try EligibilityAnswerRecord.filter(Column("inquiry_id") == nil).order(Column("id")).fetchAll(db) }
    }
}
