import GRDB

// The v6 tables as GRDB records: Codable, one type per table, snake_case columns.
// Money is in cents (Int64) as everywhere in the store.

/// Shared record conventions: snake_case columns, the row id set on insert.
public protocol ResponseRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    var id: Int64? { get set }
}

extension ResponseRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// `response_file`: one imported file.
public struct ResponseFileRecord: ResponseRecord {
    public static let databaseTableName = "response_file"
    public var id: Int64?
    public var contentHash: String
    public var name: String
    public var importedAt: String
    public init(id: Int64? = nil, contentHash: String, name: String, importedAt: String) {
        self.id = id; self.contentHash = contentHash; self.name = name; self.importedAt = importedAt
    }
}

/// `response_transaction`: one 999, 277CA or 835 transaction set.
public struct ResponseTransactionRecord: ResponseRecord {
    public static let databaseTableName = "response_transaction"
    public var id: Int64?
    public var fileId: Int64
    public var kind: String
    public var identity: String
    public var sender: String
    public var isa13: String
    public var gs06: String
    public var st02: String
    public var reference: String?
    public var amountCents: Int64?
    public var date: String?
    public init(id: Int64? = nil, fileId: Int64 = 0, kind: String, identity: String, sender: String, isa13: String, gs06: String,
                st02: String, reference: String? = nil, amountCents: Int64? = nil, date: String? = nil) {
        self.id = id; self.fileId = fileId; self.kind = kind; self.identity = identity; self.sender = sender; self.isa13 = isa13
        self.gs06 = gs06; self.st02 = st02; self.reference = reference; self.amountCents = amountCents; self.date = date
    }
}

/// `claim_event`: one step of a claim's history.
public struct ClaimEventRecord: ResponseRecord {
    public static let databaseTableName = "claim_event"
    public var id: Int64?
    public var claimId: Int64
    public var kind: String
    public var source: String
    public var transactionId: Int64?
    public var date: String?
    public var message: String?
    public var recordedAt: String
    public init(id: Int64? = nil, claimId: Int64, kind: String, source: String, transactionId: Int64? = nil, date: String?,
                message: String?, recordedAt: String = "") {
        self.id = id; self.claimId = claimId; self.kind = kind; self.source = source; self.transactionId = transactionId
        self.date = date; self.message = message; self.recordedAt = recordedAt
    }
}

/// `claim_payment`: one 835 claim (2100 CLP); `claimId` nil when unmatched.
public struct ClaimPaymentRecord: ResponseRecord {
    public static let databaseTableName = "claim_payment"
    public var id: Int64?
    public var transactionId: Int64
    public var claimId: Int64?
    public var patientControlNumber: String
    public var statusCode: String
    public var chargeCents: Int64
    public var paidCents: Int64
    public var patientResponsibilityCents: Int64?
    public var payerClaimNumber: String?
    public var frequency: String?
    public var segment: Int
    /// NM1*TT: the payer the claim was crossed over to (migration v9).
    public var crossoverCarrier: String?
    public init(id: Int64? = nil, transactionId: Int64 = 0, claimId: Int64?, patientControlNumber: String, statusCode: String,
                chargeCents: Int64, paidCents: Int64, patientResponsibilityCents: Int64?, payerClaimNumber: String?, frequency: String?,
                segment: Int, crossoverCarrier: String? = nil) {
        self.crossoverCarrier = crossoverCarrier
        self.id = id; self.transactionId = transactionId; self.claimId = claimId; self.patientControlNumber = patientControlNumber
        self.statusCode = statusCode; self.chargeCents = chargeCents; self.paidCents = paidCents
        self.patientResponsibilityCents = patientResponsibilityCents; self.payerClaimNumber = payerClaimNumber
        self.frequency = frequency; self.segment = segment
    }
}

/// `line_payment`: one 835 service line (2110 SVC); `line` nil when unmatched.
public struct LinePaymentRecord: ResponseRecord {
    public static let databaseTableName = "line_payment"
    public var id: Int64?
    public var claimPaymentId: Int64
    public var line: Int?
    public var matchedBy: String?
    public var controlNumber: String?
    public var procedureCode: String
    /// Modifiers joined with `:`.
    public var modifiers: String
    public var serviceDate: String?
    public var chargeCents: Int64
    public var paidCents: Int64
    public var units: String?
    public init(id: Int64? = nil, claimPaymentId: Int64 = 0, line: Int?, matchedBy: String?, controlNumber: String?, procedureCode: String,
                modifiers: String, serviceDate: String?, chargeCents: Int64, paidCents: Int64, units: String?) {
        self.id = id; self.claimPaymentId = claimPaymentId; self.line = line; self.matchedBy = matchedBy; self.controlNumber = controlNumber
        self.procedureCode = procedureCode; self.modifiers = modifiers; self.serviceDate = serviceDate; self.chargeCents = chargeCents
        self.paidCents = paidCents; self.units = units
    }
}

/// `payment_adjustment`: one CAS reason/amount; `linePaymentId` nil at claim level.
public struct PaymentAdjustmentRecord: ResponseRecord {
    public static let databaseTableName = "payment_adjustment"
    public var id: Int64?
    public var claimPaymentId: Int64
    public var linePaymentId: Int64?
    public var groupCode: String
    public var reason: String
    public var amountCents: Int64
    public var quantity: String?
    public init(id: Int64? = nil, claimPaymentId: Int64 = 0, linePaymentId: Int64? = nil, groupCode: String, reason: String,
                amountCents: Int64, quantity: String?) {
        self.id = id; self.claimPaymentId = claimPaymentId; self.linePaymentId = linePaymentId; self.groupCode = groupCode
        self.reason = reason; self.amountCents = amountCents; self.quantity = quantity
    }
}

/// `payment_remark`: one RARC (MOA or LQ*HE).
public struct PaymentRemarkRecord: ResponseRecord {
    public static let databaseTableName = "payment_remark"
    public var id: Int64?
    public var claimPaymentId: Int64
    public var linePaymentId: Int64?
    public var code: String
    public init(id: Int64? = nil, claimPaymentId: Int64 = 0, linePaymentId: Int64? = nil, code: String) {
        self.id = id; self.claimPaymentId = claimPaymentId; self.linePaymentId = linePaymentId; self.code = code
    }
}

/// `provider_adjustment`: one PLB adjustment.
public struct ProviderAdjustmentRecord: ResponseRecord {
    public static let databaseTableName = "provider_adjustment"
    public var id: Int64?
    public var transactionId: Int64
    public var provider: String
    public var fiscalDate: String?
    public var reason: String
    public var reference: String?
    public var amountCents: Int64
    public init(id: Int64? = nil, transactionId: Int64 = 0, provider: String, fiscalDate: String?, reason: String, reference: String?,
                amountCents: Int64) {
        self.id = id; self.transactionId = transactionId; self.provider = provider; self.fiscalDate = fiscalDate; self.reason = reason
        self.reference = reference; self.amountCents = amountCents
    }
}

/// `unmatched_response`: a 999 or 277CA item that matches nothing we sent.
public struct UnmatchedResponseRecord: ResponseRecord {
    public static let databaseTableName = "unmatched_response"
    public var id: Int64?
    public var transactionId: Int64
    public var reference: String
    public var message: String
    public init(id: Int64? = nil, transactionId: Int64 = 0, reference: String, message: String) {
        self.id = id; self.transactionId = transactionId; self.reference = reference; self.message = message
    }
}
