import ClaimsCore
import Foundation
import GRDB

/// The operations of one write transaction (see `ClaimsStore.write`). Do not keep it beyond the closure.
public struct StoreTransaction {
    let db: Database
    /// One clock reading per transaction: every row it writes carries the same time.
    public let now: Date
    /// `now` as a day in the clinic's time zone.
    public let today: LocalDate

    var timestamp: String { StoreTimestamp.format(now) }

    // MARK: Authorizations

    /// Validates and stores a new authorization, with a `created` history row; returns it with its id.
    /// `submittedOn` defaults to today when the status is `submitted`.
    public func add(_ authorization: PriorAuthorization, by user: String,
                    vocabulary: AuthorizationVocabulary) throws -> PriorAuthorization {
        var auth = authorization
        auth.id = nil
        guard auth.unitsUsed == 0 else {
            throw StoreError.invalid("unitsUsed", "is counted from recorded uses; a new authorization starts at 0")
        }
        if auth.status == .submitted, auth.submittedOn == nil { auth.submittedOn = today }
        try AuthorizationInput.validate(auth, vocabulary: vocabulary)
        try checkUser(user)
        if let number = auth.authNumber, let other = try AuthorizationRecord.ids(db, authNumber: number, payer: auth.payer).first {
            throw StoreError.invalid("auth-number", "\(number) is already recorded for \(auth.payer) as authorization \(other); update that one instead (claims preauth update \(other) …)")
        }
        try AuthorizationRecord(auth, timestamp: timestamp).insert(db)
        auth.id = db.lastInsertedRowID
        let empty = PriorAuthorization(patientId: "", payer: "", service: "", status: auth.status)
        var changes = AuthorizationRecord.differences(from: empty, to: auth)
        changes["status"] = FieldChange(from: nil, to: .text(auth.status.rawValue))
        try writeHistory(auth.id!, user: user, action: .created, changes: changes)
        return auth
    }

    /// Applies `changes` to one authorization. A refused status change or invalid value throws and
    /// changes nothing; a change that alters no field writes no history row.
    public func update(_ reference: AuthorizationReference, with changes: AuthorizationChanges,
                       by user: String) throws -> AuthorizationUpdate {
        try checkUser(user)
        let before = try resolve(reference)
        var after = before
        if let status = changes.status {
            guard before.status.canMove(to: status) else {
                let allowed = AuthorizationStatus.allCases.filter { before.status.canMove(to: $0) && $0 != before.status }
                let options = allowed.isEmpty ? "it cannot change any more (record a new authorization instead)"
                    : "it can move to \(allowed.map(\.rawValue).joined(separator: " or "))"
                throw StoreError(.transitionRefused, field: "status",
                                 "authorization \(before.id!) is \(before.status.rawValue); \(options), not \(status.rawValue)")
            }
            after.status = status
            if status == .submitted, before.status != .submitted, changes.submittedOn == nil { after.submittedOn = today }
        }
        for field in changes.clearing {
            switch field {
            case .authNumber: after.authNumber = nil
            case .units: after.units = nil
            case .start: after.start = nil
            case .end: after.end = nil
            case .note: after.note = nil
            case .submittedOn: after.submittedOn = nil
            }
        }
        if let number = changes.authNumber { after.authNumber = number }
        if let units = changes.units { after.units = units }
        if let start = changes.start { after.start = start }
        if let end = changes.end { after.end = end }
        if let note = changes.note { after.note = note }
        if let submittedOn = changes.submittedOn { after.submittedOn = submittedOn }
        try AuthorizationInput.validate(after, vocabulary: nil)
        if let number = after.authNumber, number != before.authNumber,
           let other = try AuthorizationRecord.ids(db, authNumber: number, payer: after.payer).first(where: { $0 != before.id }) {
            throw StoreError.invalid("auth-number", "\(number) is already recorded for \(after.payer) as authorization \(other); check the number")
        }
        let differences = AuthorizationRecord.differences(from: before, to: after)
        guard !differences.isEmpty else { return AuthorizationUpdate(authorization: before, changes: [:]) }
        guard var record = try AuthorizationRecord.fetchOne(db, key: before.id) else {
            throw StoreError(.notFound, "no authorization with \(reference); run `claims preauth list` to find its id")
        }
        record.take(after, at: timestamp)
        try record.update(db)
        try writeHistory(before.id!, user: user, action: .updated, changes: differences)
        return AuthorizationUpdate(authorization: after, changes: differences)
    }

    /// Records that an encounter used one unit. Idempotent: recording the same encounter again
    /// returns false and changes nothing. A new use is refused (`.authorizationUnusable`) unless the
    /// authorization, as stored now, covers the date with a unit left: two batch runs that both
    /// evaluated against the last unit cannot both spend it.
    @discardableResult
    public func recordUse(authorizationId: Int64, encounterId: String, date: LocalDate, by user: String = "claims") throws -> Bool {
        guard !encounterId.isEmpty else { throw StoreError.invalid("encounterId", "is empty; pass the encounter id") }
        let auth = try resolve(.id(authorizationId))
        let recorded = try Bool.fetchOne(db, sql: "SELECT 1 FROM authorization_use WHERE authorization_id = ? AND encounter_id = ?",
                                         arguments: [authorizationId, encounterId]) ?? false
        if recorded { return false }
        guard auth.covers(date) else {
            let reason: String
            if auth.status != .approved {
                reason = "it is \(auth.status.rawValue)"
            } else if let remaining = auth.unitsRemaining, remaining <= 0 {
                reason = "all \(auth.units ?? 0) units are used"
            } else {
                reason = "\(date.iso) is outside \(auth.start?.iso ?? "…")–\(auth.end?.iso ?? "…")"
            }
            throw StoreError(.authorizationUnusable, field: "authorization",
                             "authorization \(authorizationId) cannot be used for encounter \(encounterId): \(reason); hold the line and re-check the authorization")
        }
        try AuthorizationUseRecord(authorizationId: authorizationId, encounterId: encounterId, dateOfService: date, recordedAt: now).insert(db)
        try writeHistory(authorizationId, user: user, action: .used,
                         changes: ["unitsUsed": FieldChange(from: .integer(auth.unitsUsed), to: .integer(auth.unitsUsed + 1))])
        return true
    }

    /// Finds one authorization, with its units used.
    public func resolve(_ reference: AuthorizationReference) throws -> PriorAuthorization {
        try AuthorizationRecord.resolve(db, reference)
    }

    // MARK: Control numbers

    /// Hands out `count` consecutive numbers of the counter `name` (1, 2, 3, … shared by all processes).
    /// Committed numbers are never handed out again. The allocation belongs to this transaction: if it
    /// rolls back, so does the allocation, and nothing was written with those numbers.
    public func allocateControlNumbers(name: String, count: Int = 1, maximum: Int? = nil) throws -> ClosedRange<Int> {
        guard !name.isEmpty else { throw StoreError.invalid("name", "is empty; name the counter (e.g. isa13)") }
        guard count >= 1 else { throw StoreError.invalid("count", "\(count) is less than 1; ask for at least one number") }
        let last = try Int.fetchOne(db, sql: """
            INSERT INTO control_number (name, last_value) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET last_value = last_value + excluded.last_value
            RETURNING last_value
            """, arguments: [name, count])!
        if let maximum, last > maximum {
            throw StoreError(.exhausted, field: name,
                             "control number counter \(name) would pass its maximum \(maximum); start a new counter name (e.g. with the year) or widen the number")
        }
        return (last - count + 1)...last
    }

    // MARK: Private

    private func checkUser(_ user: String) throws {
        guard !user.trimmingCharacters(in: .whitespaces).isEmpty,
              !user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }), user.count <= 100 else {
            throw StoreError.invalid("by", "give the name of the person making the change (--by NAME)")
        }
    }

    private func writeHistory(_ id: Int64, user: String, action: HistoryAction, changes: [String: FieldChange]) throws {
        try AuthorizationHistoryEntry(authorizationId: id, at: now, by: user, action: action, changes: changes).insert(db)
    }
}
