import Foundation
import GRDB

/// Migration v12: the CHECK constraints of the tables a batch writes per claim say `x = 'a' OR x = 'b' OR …`
/// instead of `x IN ('a', 'b', …)`. The two are the same constraint (the columns are NOT NULL text),
/// but SQLite 3.40 builds a temporary b-tree for an IN list of three or more values every time it
/// checks a row: three per claim (`claim.frequency`, and `claim_event.kind` and `.source` for the
/// event the claim's trigger writes), about 40 % of the run's store transaction (callgrind, 2,000
/// encounters). `claim.coverage` (two values, which SQLite compares directly) is rewritten too, so
/// none of these tables keeps an IN list. Every existing row met the IN form, so it meets this one: the table definitions are
/// rewritten in place, the way SQLite documents for changing a CHECK constraint
/// (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes": writable_schema,
/// then a new schema_version), with no row copied. New tables should write their lists this way.
enum CheckListSchema {
    /// The tables rewritten, and the columns whose lists must be found in each (else the migration fails,
    /// and rolls back: a store whose definitions differ from what the earlier migrations wrote).
    static let rewrites: [(table: String, columns: [String])] = [
        ("claim", ["frequency", "coverage"]),
        ("claim_event", ["kind", "source"]),
        ("prior_authorization_history", ["action"]),
    ]

    struct UnexpectedDefinition: Error, CustomStringConvertible {
        var table: String
        var column: String
        var description: String {
            "migration v12-check-lists: the definition of table \(table) has no CHECK (\(column) IN (…)); the store was not made by claims' migrations"
        }
    }

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-check-lists") { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            var definitions: [(table: String, sql: String)] = []
            for (table, columns) in rewrites {
                var sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) ?? ""
                for column in columns {
                    guard let rewritten = orChain(in: sql, column: column) else { throw UnexpectedDefinition(table: table, column: column) }
                    sql = rewritten
                }
                definitions.append((table, sql))
            }
            try db.execute(sql: "PRAGMA writable_schema = ON")
            for definition in definitions {
                try db.execute(sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                               arguments: [definition.sql, definition.table])
            }
            // A new schema version makes every connection (this one too) read the new definitions.
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
    }

    /// `sql` with its one `CHECK (column IN ('a', 'b', …))` written `CHECK (column = 'a' OR column = 'b' OR …)`;
    /// nil when there is not exactly one such list or a value is not a plain quoted string.
    static func orChain(in sql: String, column: String) -> String? {
        let opening = "CHECK (\(column) IN ("
        let found = sql.ranges(of: opening)
        guard found.count == 1, let start = found.first,
              let close = sql[start.upperBound...].firstIndex(of: ")") else { return nil }
        let values = sql[start.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard !values.isEmpty, values.allSatisfy({ $0.count >= 2 && $0.first == "'" && $0.last == "'" && !$0.dropFirst().dropLast().contains("'") }) else {
            return nil
        }
        // `close` ends the list; the CHECK's own parenthesis follows it and stays.
        let chain = values.map { "\(column) = \($0)" }.joined(separator: " OR ")
        return String(sql[..<start.lowerBound]) + "CHECK (" + chain + String(sql[sql.index(after: close)...])
    }
}
