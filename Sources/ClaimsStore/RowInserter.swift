import GRDB
import GRDBSQLite

/// Inserts rows with a cached statement, binding values straight to SQLite: only for the claims,
/// billed lines and superbills a batch run records (`recordPreparedRun`), thousands in one go, where
/// GRDB's record `insert` (each record encoded into boxed values first) made recording 3.5× slower
/// (2.73 s against 0.79 s for 10 000 encounters). The values bound are the record types' fields.
struct RowInserter {
    enum Value {
        case text(String)
        case integer(Int64)
        case null
    }

    /// A statement's parameters 1…n, bound in order as the values come (no array of values: their
    /// strings were retained into it and released after, ~1,700 instructions per encounter at 2,000).
    /// Integers and NULLs are bound at once. The texts are copied side by side into one buffer and
    /// bound in place once all are in (the buffer may move while it grows), with no destructor:
    /// SQLite reads them where they are, and they are unbound before the buffer goes (SQLite copying
    /// each text, SQLITE_TRANSIENT, was ~700 instructions a value). The buffer starts with one byte,
    /// so it always has an address (an empty text binds as '' and never as NULL).
    struct Binder {
        fileprivate let handle: OpaquePointer
        /// The last parameter given a value.
        fileprivate var parameter: Int32 = 0
        fileprivate var texts: [UInt8]
        /// Each text's parameter and where it ends in `texts` (it starts where the one before ends).
        fileprivate var textEnds: [(parameter: Int32, end: Int)] = []
        /// The first code a bind returned other than SQLITE_OK.
        fileprivate var failure = SQLITE_OK

        fileprivate init(handle: OpaquePointer, textBytes: Int) {
            self.handle = handle
            texts = []
            texts.reserveCapacity(textBytes + 1)
            texts.append(0)
            textEnds.reserveCapacity(Int(sqlite3_bind_parameter_count(handle)))
        }

        mutating func text(_ value: String) {
            parameter += 1
            // Copied in one go from the string's UTF-8 storage (appending the UTF8View took ~230
            // instructions a text).
            if value.utf8.withContiguousStorageIfAvailable({ texts.append(contentsOf: $0) }) == nil {
                texts.append(contentsOf: value.utf8)
            }
            textEnds.append((parameter, texts.count))
        }

        mutating func text(_ value: String?) {
            if let value { text(value) } else { null() }
        }

        mutating func integer(_ value: Int64) {
            parameter += 1
            check(sqlite3_bind_int64(handle, parameter, value))
        }

        mutating func integer(_ value: Int64?) {
            if let value { integer(value) } else { null() }
        }

        mutating func null() {
            parameter += 1
            check(sqlite3_bind_null(handle, parameter))
        }

        /// Leaves the next `count` parameters NULL: they are, as every parameter is when a statement
        /// starts (`insert` clears them after each run, and SQLite prepares them NULL).
        mutating func skip(_ count: Int) {
            parameter += Int32(count)
        }

        mutating func value(_ value: Value) {
            switch value {
            case .text(let text): self.text(text)
            case .integer(let number): integer(number)
            case .null: null()
            }
        }

        private mutating func check(_ code: Int32) {
            if failure == SQLITE_OK { failure = code }
        }
    }

    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
    }

    /// `INSERT … VALUES (?, …), (?, …)…` for `rows` rows of `columns` values each, then `suffix`.
    static func multiRowSQL(_ head: String, columns: Int, rows: Int, suffix: String = "") -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return head + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ") + suffix
    }

    /// Binds `values` to the statement's parameters 1…n and runs it once.
    func insert(_ values: Value...) throws {
        try insert(values)
    }

    /// `insert` with the values in an array (a statement of several rows binds them all, in order).
    func insert(_ values: [Value]) throws {
        try insert { row in
            for value in values { row.value(value) }
        }
    }

    /// Runs the statement once with the values `bind` gives its parameters, in order: every
    /// parameter, or it throws and runs nothing. `textBytes`: room to reserve for the texts.
    /// Returns the bytes the texts took (a hint for the next statement of the kind).
    @discardableResult
    func insert(textBytes: Int = 0, _ bind: (inout Binder) -> Void) throws -> Int {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var binder = Binder(handle: handle, textBytes: textBytes)
        bind(&binder)
        let (texts, textEnds, parameters, bindFailure) = (binder.texts, binder.textEnds, binder.parameter, binder.failure)
        try texts.withUnsafeBufferPointer { buffer in
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            guard bindFailure == SQLITE_OK else { throw failure(bindFailure) }
            guard parameters == sqlite3_bind_parameter_count(handle) else {
                throw DatabaseError(resultCode: .SQLITE_RANGE, message: "\(parameters) values for \(sqlite3_bind_parameter_count(handle)) parameters",
                                    sql: statement.sql)
            }
            var start = 1
            for (parameter, end) in textEnds {
                let code = sqlite3_bind_text(handle, parameter, UnsafeRawPointer(buffer.baseAddress! + start).assumingMemoryBound(to: CChar.self),
                                             Int32(end - start), nil)
                guard code == SQLITE_OK else { throw failure(code) }
                start = end
            }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else { throw failure(code) }
        }
        return texts.count - 1
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}
