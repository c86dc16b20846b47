/// Stored statuses of a prior authorization (CONTRACT §1). `expired` and `exhausted` are derived, never stored.
public enum AuthorizationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case submitted, pending, approved, denied, appealed, cancelled

    /// Which stored statuses may follow this one (docs/prior-authorizations.md).
    public var allowedNext: Set<AuthorizationStatus> {
        switch self {
        case .submitted: [.submitted, .pending, .approved, .denied, .cancelled]
        case .pending: [.pending, .submitted, .approved, .denied, .cancelled]
        case .approved: [.approved, .cancelled]
        case .denied: [.denied, .appealed, .cancelled]
        case .appealed: [.appealed, .pending, .approved, .denied, .cancelled]
        case .cancelled: [.cancelled]
        }
    }

    public func canMove(to next: AuthorizationStatus) -> Bool { allowedNext.contains(next) }
}

/// The state shown to people: a stored status, or a derived `expired`/`exhausted`.
public enum AuthorizationState: String, Sendable, Hashable, Codable, CaseIterable {
    case submitted, pending, approved, denied, appealed, cancelled, expired, exhausted
}

public struct PriorAuthorization: Sendable, Hashable {
    /// Store row id; nil before it is stored.
    public var id: Int64?
    public var patientId: String
    public var payer: PayerSlug
    public var service: ServiceName
    public var status: AuthorizationStatus
    public var authNumber: String?
    /// Units approved; nil = unlimited.
    public var units: Int?
    /// Units already used by billed encounters.
    public var unitsUsed: Int
    public var start: LocalDate?
    public var end: LocalDate?
    public var note: String?
    /// Day the request was last submitted (for the payer's decision deadline).
    public var submittedOn: LocalDate?

    public init(id: Int64? = nil, patientId: String, payer: PayerSlug, service: ServiceName, status: AuthorizationStatus,
                authNumber: String? = nil, units: Int? = nil, unitsUsed: Int = 0, start: LocalDate? = nil,
                end: LocalDate? = nil, note: String? = nil, submittedOn: LocalDate? = nil) {
        self.id = id; self.patientId = patientId; self.payer = payer; self.service = service; self.status = status
        self.authNumber = authNumber; self.units = units; self.unitsUsed = unitsUsed; self.start = start; self.end = end
        self.note = note; self.submittedOn = submittedOn
    }

    /// nil = unlimited.
    public var unitsRemaining: Int? { units.map { max(0, $0 - unitsUsed) } }

    /// Derived state on a processing date: an approved authorization past its end is `expired`,
    /// one with no units left is `exhausted`.
    public func state(asOf date: LocalDate) -> AuthorizationState {
        guard status == .approved else { return AuthorizationState(rawValue: status.rawValue)! }
        if let end, end < date { return .expired }
        if let remaining = unitsRemaining, remaining <= 0 { return .exhausted }
        return .approved
    }

    /// Whether it covers a date of service with units left.
    public func covers(_ date: LocalDate) -> Bool {
        status == .approved && DateWindow(from: start, to: end).contains(date) && (unitsRemaining ?? 1) > 0
    }
}
