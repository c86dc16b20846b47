import ClaimsCore
import GRDB

/// A `prior_authorization` row: the table's one record type. Callers see the Core value
/// `PriorAuthorization`, which adds the units used (counted from `authorization_use`) and types the
/// status and dates, checked as a row is read so a row this version cannot read is reported by id
/// and column, never by its content.
struct AuthorizationRecord: StoreRecord {
    static let databaseTableName = "prior_authorization"

    var id: Int64?
    var patientId: String
    var payer: String
    var service: String
    var status: String
    var authNumber: String?
    var units: Int?
    var start: String?
    var end: String?
    var note: String?
    var submittedOn: String?
    var createdAt: String
    var updatedAt: String

    /// A new row for `authorization`, created and updated at `timestamp`.
    init(_ authorization: PriorAuthorization, timestamp: String) {
        id = authorization.id; patientId = authorization.patientId; payer = authorization.payer; service = authorization.service
        status = authorization.status.rawValue; createdAt = timestamp; updatedAt = timestamp
        take(authorization, at: timestamp)
    }

    /// The fields an update may change, from `authorization`.
    mutating func take(_ authorization: PriorAuthorization, at timestamp: String) {
        status = authorization.status.rawValue; authNumber = authorization.authNumber; units = authorization.units
        start = authorization.start?.iso; end = authorization.end?.iso; note = authorization.note
        submittedOn = authorization.submittedOn?.iso; updatedAt = timestamp
    }

    func authorization(unitsUsed: Int) throws -> PriorAuthorization {
        let id = self.id ?? 0
        func corrupt(_ column: String) -> StoreError {
            StoreError(.corrupt, field: column, "authorization \(id) has an unreadable \(column); fix the row or restore the store from a backup")
        }
        func date(_ text: String?, _ column: String) throws -> LocalDate? {
            guard let text else { return nil }
            guard let date = LocalDate(iso: text) else { throw corrupt(column) }
            return date
        }
        guard let status = AuthorizationStatus(rawValue: status) else { throw corrupt("status") }
        return PriorAuthorization(
            id: id, patientId: patientId, payer: payer, service: service, status: status, authNumber: authNumber, units: units,
            unitsUsed: unitsUsed, start: try date(start, "start"), end: try date(end, "end"), note: note,
            submittedOn: try date(submittedOn, "submitted_on"))
    }
}

/// Reading authorizations (with units used) and comparing two versions for the history.
extension AuthorizationRecord {
    static let select = """
        SELECT a.*, (SELECT COUNT(*) FROM authorization_use u WHERE u.authorization_id = a.id) AS units_used
        FROM prior_authorization a
        """

    static func fetch(_ db: Database, where condition: String? = nil, _ arguments: StatementArguments = []) throws -> [PriorAuthorization] {
        let sql = select + (condition.map { " WHERE \($0)" } ?? "") + " ORDER BY a.id"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            try AuthorizationRecord(row: row).authorization(unitsUsed: row["units_used"])
        }
    }

    static func resolve(_ db: Database, _ reference: AuthorizationReference) throws -> PriorAuthorization {
        func byId(_ id: Int64) throws -> [Int64] {
            try Int64.fetchAll(db, sql: "SELECT id FROM prior_authorization WHERE id = ?", arguments: [id])
        }
        let ids: [Int64]
        switch reference {
        case .id(let id): ids = try byId(id)
        case .authNumber(let number): ids = try Self.ids(db, authNumber: number, payer: nil)
        case .idOrAuthNumber(let text):
            ids = Array(Set(try (Int64(text).map(byId) ?? []) + Self.ids(db, authNumber: text, payer: nil))).sorted()
        }
        guard let id = ids.first else {
            throw StoreError(.notFound, "no authorization with \(reference); run `claims preauth list` to find its id")
        }
        guard ids.count == 1 else {
            throw StoreError(.ambiguous, "\(reference) matches authorizations \(ids.map(String.init).joined(separator: ", ")); give the id instead")
        }
        return try fetch(db, where: "a.id = ?", [id])[0]
    }

    static func ids(_ db: Database, authNumber: String, payer: PayerSlug?) throws -> [Int64] {
        if let payer {
            return try Int64.fetchAll(db, sql: "SELECT id FROM prior_authorization WHERE auth_number = ? AND payer = ? ORDER BY id",
                                      arguments: [authNumber, payer])
        }
        return try Int64.fetchAll(db, sql: "SELECT id FROM prior_authorization WHERE auth_number = ? ORDER BY id", arguments: [authNumber])
    }

    /// Field name (as on the command line and in JSON) → change, for every field that differs.
    static func differences(from old: PriorAuthorization, to new: PriorAuthorization) -> [String: FieldChange] {
        var changes: [String: FieldChange] = [:]
        func compare(_ name: String, _ a: HistoryValue?, _ b: HistoryValue?) {
            if a != b { changes[name] = FieldChange(from: a, to: b) }
        }
        func text(_ value: String?) -> HistoryValue? { value.map { .text($0) } }
        compare("patient", text(old.patientId.isEmpty ? nil : old.patientId), text(new.patientId))
        compare("payer", text(old.payer.isEmpty ? nil : old.payer), text(new.payer))
        compare("service", text(old.service.isEmpty ? nil : old.service), text(new.service))
        compare("status", .text(old.status.rawValue), .text(new.status.rawValue))
        compare("authNumber", text(old.authNumber), text(new.authNumber))
        compare("units", old.units.map { .integer($0) }, new.units.map { .integer($0) })
        compare("start", text(old.start?.iso), text(new.start?.iso))
        compare("end", text(old.end?.iso), text(new.end?.iso))
        compare("note", text(old.note), text(new.note))
        compare("submittedOn", text(old.submittedOn?.iso), text(new.submittedOn?.iso))
        return changes
    }
}
