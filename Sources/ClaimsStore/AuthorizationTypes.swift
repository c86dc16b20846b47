import ClaimsCore
import Foundation
import GRDB

/// The payer slugs and services an authorization may name: the caller passes them from the
/// rule book, so a typo (`bcbs`, `ketamine`) is refused instead of stored.
public struct AuthorizationVocabulary: Sendable, Hashable {
    public var payers: Set<PayerSlug>
    public var services: Set<ServiceName>
    public init(payers: Set<PayerSlug>, services: Set<ServiceName>) { self.payers = payers; self.services = services }
}

/// How a command names an authorization: the id `preauth add` printed, or the payer's auth number.
public enum AuthorizationReference: Sendable, Hashable, CustomStringConvertible {
    case id(Int64)
    case authNumber(String)
    /// Text typed by a person: an id when it is one, otherwise (or also) an auth number.
    case idOrAuthNumber(String)

    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .authNumber(let number): "auth number \(number)"
        case .idOrAuthNumber(let text): "id or auth number \(text)"
        }
    }
}

/// Fields an update may change. A nil field is left as it is; `clearing` empties optional fields.
public struct AuthorizationChanges: Sendable, Hashable {
    public enum ClearableField: String, Sendable, Hashable, CaseIterable {
        case authNumber, units, start, end, note, submittedOn
    }

    public var status: AuthorizationStatus?
    public var authNumber: String?
    public var units: Int?
    public var start: LocalDate?
    public var end: LocalDate?
    public var note: String?
    /// Day the request was (re)submitted; when nil and the status moves to `submitted`, the store uses today.
    public var submittedOn: LocalDate?
    public var clearing: Set<ClearableField>

    public init(status: AuthorizationStatus? = nil, authNumber: String? = nil, units: Int? = nil, start: LocalDate? = nil,
                end: LocalDate? = nil, note: String? = nil, submittedOn: LocalDate? = nil, clearing: Set<ClearableField> = []) {
        self.status = status; self.authNumber = authNumber; self.units = units; self.start = start; self.end = end
        self.note = note; self.submittedOn = submittedOn; self.clearing = clearing
    }
}

/// What `update` did: the authorization after the change and the fields that changed (empty = nothing to do).
public struct AuthorizationUpdate: Sendable, Hashable {
    public var authorization: PriorAuthorization
    public var changes: [String: FieldChange]
    public var changed: Bool { !changes.isEmpty }
}

/// Filters for `list`; every nil filter matches everything. States are derived on `asOf`.
public struct AuthorizationFilter: Sendable, Hashable {
    public var asOf: LocalDate
    public var patientId: String?
    public var payer: PayerSlug?
    public var service: ServiceName?
    /// A stored status or a derived state: matches the state shown on `asOf`
    /// (`approved` lists only usable approvals; `expired` and `exhausted` list the others).
    public var state: AuthorizationState?
    /// Approved, not expired, and ending within this many days of `asOf`.
    public var expiringWithinDays: Int?

    public init(asOf: LocalDate, patientId: String? = nil, payer: PayerSlug? = nil, service: ServiceName? = nil,
                state: AuthorizationState? = nil, expiringWithinDays: Int? = nil) {
        self.asOf = asOf; self.patientId = patientId; self.payer = payer; self.service = service
        self.state = state; self.expiringWithinDays = expiringWithinDays
    }

    func matches(_ auth: PriorAuthorization) -> Bool {
        if let patientId, auth.patientId != patientId { return false }
        if let payer, auth.payer != payer { return false }
        if let service, auth.service != service { return false }
        let current = auth.state(asOf: asOf)
        if let state, current != state { return false }
        if let days = expiringWithinDays {
            guard current == .approved, let end = auth.end, end <= asOf.adding(days: days) else { return false }
        }
        return true
    }
}

/// A value in a history row: text, a whole number, or (as nil) nothing.
public enum HistoryValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case integer(Int)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) { self = .integer(number) } else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        }
    }

    public var description: String {
        switch self {
        case .text(let text): text
        case .integer(let number): String(number)
        }
    }
}

/// One field's change; nil means "not set".
public struct FieldChange: Sendable, Hashable, Codable {
    public var from: HistoryValue?
    public var to: HistoryValue?
    public init(from: HistoryValue?, to: HistoryValue?) { self.from = from; self.to = to }

    private enum CodingKeys: String, CodingKey { case from, to }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try container.decodeIfPresent(HistoryValue.self, forKey: .from)
        to = try container.decodeIfPresent(HistoryValue.self, forKey: .to)
    }
    /// Writes explicit nulls, so a reader sees `{"from": null, "to": "A123"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
    }
}

public enum HistoryAction: String, Sendable, Hashable, Codable, CaseIterable {
    case created, updated
    /// A billed encounter used one unit (the `authorization_use` row holds the encounter).
    case used
}

/// One row of an authorization's audit trail (table `prior_authorization_history`; append-only).
public struct AuthorizationHistoryEntry: Sendable, Hashable, Codable {
    public var authorizationId: Int64
    public var at: Date
    public var by: String
    public var action: HistoryAction
    public var changes: [String: FieldChange]
}

/// One unit used by one encounter (table `authorization_use`; append-only).
public struct AuthorizationUseRecord: Sendable, Hashable, Codable {
    public var authorizationId: Int64
    public var encounterId: String
    public var dateOfService: LocalDate
    public var recordedAt: Date
}

extension AuthorizationHistoryEntry: StoreRecord { public static let databaseTableName = "prior_authorization_history" }
extension AuthorizationUseRecord: StoreRecord { public static let databaseTableName = "authorization_use" }
