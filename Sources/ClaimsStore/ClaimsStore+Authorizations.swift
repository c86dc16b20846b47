import ClaimsCore
import Foundation
import GRDB

extension ClaimsStore {
    /// Records a new authorization (one transaction, with its `created` history row); returns it with its id.
    public func add(_ authorization: PriorAuthorization, by user: String,
                    vocabulary: AuthorizationVocabulary) throws(StoreError) -> PriorAuthorization {
        try write { try $0.add(authorization, by: user, vocabulary: vocabulary) }
    }

    /// Changes an authorization named by id or auth number; see `StoreTransaction.update`.
    public func update(_ reference: AuthorizationReference, with changes: AuthorizationChanges,
                       by user: String) throws(StoreError) -> AuthorizationUpdate {
        try write { try $0.update(reference, with: changes, by: user) }
    }

    /// One authorization by id or auth number, with units used.
    public func authorization(_ reference: AuthorizationReference) throws(StoreError) -> PriorAuthorization {
        try read { db in try AuthorizationRow.resolve(db, reference) }
    }

    /// Authorizations matching `filter`, oldest first, with units used and states derived on `filter.asOf`.
    public func list(_ filter: AuthorizationFilter) throws(StoreError) -> [PriorAuthorization] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let patient = filter.patientId { conditions.append("a.patient_id = ?"); arguments += [patient] }
        if let payer = filter.payer { conditions.append("a.payer = ?"); arguments += [payer] }
        if let service = filter.service { conditions.append("a.service = ?"); arguments += [service] }
        let condition = conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
        // Derived states need units used and the date: filtered here rather than in SQL.
        return try read { db in try AuthorizationRow.fetch(db, where: condition, arguments) }.filter(filter.matches)
    }

    /// Every authorization of these patients, with units used (the evaluator's and checklist's input).
    public func authorizations(forPatients patientIds: some Sequence<String>) throws(StoreError) -> [PriorAuthorization] {
        let ids = Array(Set(patientIds)).sorted()
        return try read { db in
            var result: [PriorAuthorization] = []
            // Stay well under SQLite's limit on bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                result += try AuthorizationRow.fetch(db, where: "a.patient_id IN (\(marks))", StatementArguments(chunk))
            }
            return result.sorted { $0.id! < $1.id! }
        }
    }

    /// The audit trail of one authorization, oldest first.
    public func history(of id: Int64) throws(StoreError) -> [AuthorizationHistoryEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, authorization_id, at, "by", action, changes FROM prior_authorization_history
                WHERE authorization_id = ? ORDER BY id
                """, arguments: [id]).map { row in
                let rowId: Int64 = row["id"]
                func corrupt(_ column: String) -> StoreError {
                    StoreError(.corrupt, field: column, "history row \(rowId) has an unreadable \(column); restore the store from a backup")
                }
                guard let at = StoreTimestamp.parse(row["at"]) else { throw corrupt("at") }
                guard let action = HistoryAction(rawValue: row["action"]) else { throw corrupt("action") }
                let json: String = row["changes"]
                guard let changes = try? JSONDecoder().decode([String: FieldChange].self, from: Data(json.utf8)) else { throw corrupt("changes") }
                return AuthorizationHistoryEntry(authorizationId: row["authorization_id"], at: at, by: row["by"], action: action, changes: changes)
            }
        }
    }

    /// The encounters that used units of one authorization, oldest first.
    public func uses(of id: Int64) throws(StoreError) -> [AuthorizationUseRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT authorization_id, encounter_id, date_of_service, recorded_at FROM authorization_use
                WHERE authorization_id = ? ORDER BY id
                """, arguments: [id]).map { row in
                guard let date = LocalDate(iso: row["date_of_service"]), let recorded = StoreTimestamp.parse(row["recorded_at"]) else {
                    throw StoreError(.corrupt, "a use of authorization \(id) is unreadable; restore the store from a backup")
                }
                return AuthorizationUseRecord(authorizationId: row["authorization_id"], encounterId: row["encounter_id"],
                                              dateOfService: date, recordedAt: recorded)
            }
        }
    }

    /// Records that an encounter used one unit of an authorization (idempotent; false when already recorded).
    @discardableResult
    public func recordUse(authorizationId: Int64, encounterId: String, date: LocalDate, by user: String = "claims") throws(StoreError) -> Bool {
        try write { try $0.recordUse(authorizationId: authorizationId, encounterId: encounterId, date: date, by: user) }
    }

    /// Hands out `count` consecutive control numbers of counter `name`, atomically across processes;
    /// a number is never handed out twice. `maximum` guards fixed-width fields (ISA13: 999999999).
    public func allocateControlNumbers(name: String, count: Int = 1, maximum: Int? = nil) throws(StoreError) -> ClosedRange<Int> {
        try write { try $0.allocateControlNumbers(name: name, count: count, maximum: maximum) }
    }
}
