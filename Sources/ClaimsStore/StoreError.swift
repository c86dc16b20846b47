import ClaimsCore
import GRDB

/// A store failure: what went wrong, which field (for refused input), and how to fix it.
/// Messages never contain patient data beyond what the caller typed on the command line
/// (GRDB hides statement arguments by default, and we never echo stored rows).
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An extensible code (a struct, not a frozen enum).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A value was refused by validation; nothing was stored.
        public static let invalidInput = Code(rawValue: "invalid-input")
        /// A status change the state machine does not allow; nothing was stored.
        public static let transitionRefused = Code(rawValue: "transition-refused")
        /// No authorization with that id or auth number.
        public static let notFound = Code(rawValue: "not-found")
        /// An auth number that matches more than one authorization.
        public static let ambiguous = Code(rawValue: "ambiguous")
        /// The store file could not be created or opened.
        public static let cannotOpen = Code(rawValue: "cannot-open")
        /// Another process held the store for longer than the busy timeout.
        public static let busy = Code(rawValue: "busy")
        /// The file is not a claims store, is damaged, or holds a row this version cannot read.
        public static let corrupt = Code(rawValue: "corrupt")
        /// Any other SQLite failure (disk full, I/O error, …).
        public static let databaseFailure = Code(rawValue: "database-failure")
        /// A use was refused: the authorization is not approved, does not cover the date, or has no units left.
        public static let authorizationUnusable = Code(rawValue: "authorization-unusable")
        /// A control-number counter would pass its maximum.
        public static let exhausted = Code(rawValue: "exhausted")
        /// Another change of the same thing is in flight (a pending rule update).
        public static let conflict = Code(rawValue: "conflict")
    }

    public var code: Code
    /// The input field at fault (`status`, `end`, …), when there is one.
    public var field: String?
    /// What went wrong and how to fix it.
    public var message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code; self.field = field; self.message = message
    }

    /// True when the caller's input was refused (as opposed to the store failing).
    public var isRefusedInput: Bool {
        [.invalidInput, .transitionRefused, .notFound, .ambiguous, .exhausted, .authorizationUnusable, .conflict].contains(code)
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }

    static func invalid(_ field: String, _ message: String) -> StoreError {
        StoreError(.invalidInput, field: field, message)
    }

    /// Maps SQLite failures to a message a billing office can act on.
    init(database error: DatabaseError, path: String) {
        let file = "the store \(path)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(.busy, "\(file) is busy: another claims process kept it locked longer than the busy timeout; try again")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            self.init(.cannotOpen, "cannot open or write \(file) (\(error.message ?? "SQLite error \(error.resultCode.rawValue)")); check that the directory exists and that you may write the file")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self.init(.corrupt, "\(file) is not a claims store or is damaged; check --db / CLAIMS_DB, or restore it from a backup")
        case .SQLITE_FULL:
            self.init(.databaseFailure, "\(file): the disk is full; free some space and try again")
        default:
            self.init(.databaseFailure, "\(file): SQLite error \(error.resultCode.rawValue) (\(error.message ?? "no message")); check the disk and the file, then try again")
        }
    }
}
