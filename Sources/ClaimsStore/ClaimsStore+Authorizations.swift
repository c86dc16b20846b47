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
        try read { db in try AuthorizationRecord.resolve(db, reference) }
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
        return try read { db in try AuthorizationRecord.fetch(db, where: condition, arguments) }.filter(filter.matches)
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
                result += try AuthorizationRecord.fetch(db, where: "a.patient_id IN (\(marks))", StatementArguments(chunk))
            }
            return result.sorted { $0.id! < $1.id! }
        }
    }

    /// The audit trail of one authorization, oldest first.
    public func history(of id: Int64) throws(StoreError) -> [AuthorizationHistoryEntry] {
        try read { db in
            try AuthorizationHistoryEntry.fetchAll(db, sql: "SELECT * FROM prior_authorization_history WHERE authorization_id = ? ORDER BY id",
                                                   arguments: [id])
        }
    }

    /// The encounters that used units of one authorization, oldest first.
    public func uses(of id: Int64) throws(StoreError) -> [AuthorizationUseRecord] {
        try read { db in
            try AuthorizationUseRecord.fetchAll(db, sql: "SELECT * FROM authorization_use WHERE authorization_id = ? ORDER BY id", arguments: [id])
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
