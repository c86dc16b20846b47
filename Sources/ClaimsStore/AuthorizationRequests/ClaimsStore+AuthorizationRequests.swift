import ClaimsCore
import Foundation
import GRDB

/// A request written for an authorization (278 or PAS) and what it quotes back.
public struct AuthorizationRequestRecord: Sendable, Hashable {
    public var id: Int64
    public var authorizationId: Int64
    public var format: String
    public var trace: String
    public var file: String
    public var encounterId: String?
    public var createdAt: String
}

/// A payer's answer to a request, as read from a 278 response or a PAS ClaimResponse.
public struct AuthorizationDecision: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// 278 HCR01 A1; PAS reviewAction A1.
        case certified
        /// A3.
        case denied
        /// A4: the payer needs more information.
        case pended
        /// A6: approved with other units or dates than asked.
        case modified

        /// The stored status the outcome moves the authorization to.
        public var status: AuthorizationStatus {
            switch self {
            case .certified, .modified: .approved
            case .denied: .denied
            case .pended: .pending
            }
        }
    }

    public var trace: String
    public var outcome: Outcome
    public var authNumber: String?
    public var units: Int?
    public var start: LocalDate?
    public var end: LocalDate?
    /// Why (a denial or pend reason), for the authorization's note.
    public var reason: String?

    public init(trace: String, outcome: Outcome, authNumber: String? = nil, units: Int? = nil, start: LocalDate? = nil,
                end: LocalDate? = nil, reason: String? = nil) {
        self.trace = trace; self.outcome = outcome; self.authNumber = authNumber; self.units = units
        self.start = start; self.end = end; self.reason = reason
    }

    /// What makes two answers the same answer: the trace and every decided field.
    public var identity: String {
        [trace, outcome.rawValue, authNumber ?? "", units.map(String.init) ?? "", start?.iso ?? "", end?.iso ?? ""]
            .joined(separator: "|")
    }
}

/// What importing one answer did.
public enum AuthorizationDecisionResult: Sendable, Hashable {
    case applied(request: AuthorizationRequestRecord, update: AuthorizationUpdate)
    /// The same answer was imported before: nothing changed.
    case alreadyImported(request: AuthorizationRequestRecord)
    /// No request with that trace: nothing changed.
    case unknownRequest
}

extension ClaimsStore {
    /// Records a request written to `file` and moves the authorization to `submitted` (with history),
    /// in one transaction. Refused (nothing stored) when the authorization cannot become `submitted`
    /// (approved, denied, cancelled) or the trace was used before.
    public func recordAuthorizationRequest(authorizationId: Int64, format: String, trace: String, file: String,
                                           encounterId: String?, submittedOn: LocalDate, by user: String) throws(StoreError) -> AuthorizationUpdate {
        try write { tx in
            let update = try tx.update(.id(authorizationId), with: AuthorizationChanges(status: .submitted, submittedOn: submittedOn), by: user)
            try tx.db.execute(sql: """
                INSERT INTO authorization_request (authorization_id, format, trace, file, encounter_id, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [authorizationId, format, trace, file, encounterId, tx.timestamp, user])
            return update
        }
    }

    /// The requests written for an authorization, oldest first.
    public func authorizationRequests(of authorizationId: Int64) throws(StoreError) -> [AuthorizationRequestRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM authorization_request WHERE authorization_id = ? ORDER BY id", arguments: [authorizationId])
                .map(Self.requestRecord)
        }
    }

    /// Applies a payer's answer to the authorization its trace names, with history, in one
    /// transaction: status, auth number, units and dates. An unknown trace or an answer imported
    /// before changes nothing. A refused status change (an approval turned into a denial) throws.
    public func applyAuthorizationDecision(_ decision: AuthorizationDecision, file: String,
                                           by user: String) throws(StoreError) -> AuthorizationDecisionResult {
        try write { tx in
            guard let row = try Row.fetchOne(tx.db, sql: "SELECT * FROM authorization_request WHERE trace = ?", arguments: [decision.trace]) else {
                return .unknownRequest
            }
            let request = Self.requestRecord(row)
            if try Bool.fetchOne(tx.db, sql: "SELECT 1 FROM authorization_response WHERE identity = ?", arguments: [decision.identity]) ?? false {
                return .alreadyImported(request: request)
            }
            var changes = AuthorizationChanges(status: decision.outcome.status, authNumber: decision.authNumber, units: decision.units,
                                               start: decision.start, end: decision.end)
            if let reason = decision.reason, decision.outcome == .denied || decision.outcome == .pended {
                changes.note = String(reason.prefix(2000))
            }
            let update = try tx.update(.id(request.authorizationId), with: changes, by: user)
            try tx.db.execute(sql: """
                INSERT INTO authorization_response (request_id, identity, outcome, auth_number, units, start, "end", file, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [request.id, decision.identity, decision.outcome.rawValue, decision.authNumber, decision.units,
                                 decision.start?.iso, decision.end?.iso, file, tx.timestamp])
            return .applied(request: request, update: update)
        }
    }

    private static func requestRecord(_ row: Row) -> AuthorizationRequestRecord {
        AuthorizationRequestRecord(id: row["id"], authorizationId: row["authorization_id"], format: row["format"], trace: row["trace"],
                                   file: row["file"], encounterId: row["encounter_id"], createdAt: row["created_at"])
    }
}
