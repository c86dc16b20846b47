import ClaimsCore
import CSQLiteSetup
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite store: prior authorizations with their history and uses, and control-number counters.
///
/// One file, opened as a WAL `DatabasePool` so several `claims` processes can share it: writers
/// queue behind each other for up to `busyTimeout` instead of failing, and readers never block.
/// Each write method is one IMMEDIATE transaction; a thrown error rolls everything back.
///
/// ```swift
/// let store = try ClaimsStore(path: "claims.sqlite", configuration: .init(clock: { Date() }))
/// let auth = try store.add(PriorAuthorization(patientId: "PT-1001", payer: "bcbs-il", service: "spravato",
///                                             status: .submitted), by: "alice", vocabulary: vocabulary)
/// ```
public struct ClaimsStore: Sendable {
    public struct Configuration: Sendable {
        /// The only source of "now" (history timestamps, `submittedOn` defaults); tests pass a fixed clock.
        public var clock: @Sendable () -> Date
        /// The clinic's time zone: turns the clock into "today".
        public var timeZone: TimeZone
        /// How long a writer waits for another process's transaction before giving up.
        public var busyTimeout: TimeInterval

        public init(clock: @escaping @Sendable () -> Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                    busyTimeout: TimeInterval = 15) {
            self.clock = clock; self.timeZone = timeZone; self.busyTimeout = busyTimeout
        }
    }

    public let path: String
    let pool: DatabasePool
    /// The writer's page cache, in KiB.
    static let writerCacheKiB = 8192
    /// SQLite keeps process-wide memory statistics by default: each allocation and free it makes
    /// takes a global mutex and updates counters nothing here reads (no heap limit is set, no
    /// `sqlite3_memory_used`). Turned off before the first connection opens: ~6,400 instructions per
    /// encounter of a batch's store work (issue 18, the run's inserts replayed in C under callgrind).
    private static let memoryStatisticsOff: Int32 = claims_sqlite_memory_statistics_off()
    let configuration: Configuration

    /// Opens the store at `path`, creating it owner-only (0600) when it does not exist, and
    /// applies any migration it lacks.
    public init(path: String, configuration: Configuration) throws(StoreError) {
        self.path = path
        self.configuration = configuration
        try Self.createOwnerOnlyFileIfMissing(path)
        _ = Self.memoryStatisticsOff
        var config = GRDB.Configuration()
        config.busyMode = .timeout(configuration.busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "ClaimsStore"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // WAL + NORMAL may lose the last commits on power loss; a lost control-number
            // allocation would be reused, so every commit is synced.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // A batch's transaction changes ~18 MB of pages at 40,000 encounters; with SQLite's
                // default 2 MB cache it spilled and re-read the pages it keeps coming back to (the
                // index of claims by patient, a quarter of its CPU). 8 MB holds those at 40,000; the
                // rest is written once either way. On the writer only, and only as far as a
                // transaction needs it (issue 18: 16 MB here was a sixth of a 400,000 batch's peak).
                try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
            }
        } catch let error as DatabaseError {
            throw StoreError(database: error, path: path)
        } catch {
            throw StoreError(.cannotOpen, "cannot open the store \(path): \(error); check --db / CLAIMS_DB")
        }
        try migrate()
    }

    /// Identifiers of the migrations this version knows, in order.
    public static var migrationIdentifiers: [String] { StoreSchema.migrator.migrations }

    /// Migrations recorded in the file.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound file.
    public func integrityCheck() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// `wal` for a store opened by this type.
    public func journalMode() throws(StoreError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Row counts of every store table (for tests and `claims` diagnostics).
    public func rowCounts() throws(StoreError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for table in StoreSchema.tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// Closes the connections; later calls fail.
    public func close() throws(StoreError) {
        do { try pool.close() } catch let error as DatabaseError { throw StoreError(database: error, path: path) } catch {
            throw StoreError(.databaseFailure, "cannot close the store \(path): \(error)")
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: every change it makes commits together or not at all.
    /// The batch engine uses it to record uses and claims atomically.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws(StoreError) -> T {
        let now = configuration.clock()
        let today = StoreTimestamp.localDay(of: now, in: configuration.timeZone)
        return try perform {
            try pool.write { db in try body(StoreTransaction(db: db, now: now, today: today)) }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try perform { try pool.read(body) }
    }

    /// Turns every failure into a `StoreError`.
    func perform<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(database: error, path: path)
        } catch let error where error is RowDecodingError || error is DecodingError {
            // A record that cannot be decoded. Never the error's text: it quotes the row, which may hold patient data.
            throw StoreError(.corrupt, "the store \(path) holds a row this version cannot read; restore it from a backup, or use the version of claims that wrote it")
        } catch {
            throw StoreError(.databaseFailure, "the store \(path): \(error)")
        }
    }

    private func migrate() throws(StoreError) {
        // Several processes may open a fresh file at once: each sees migrations missing, one applies a
        // migration and the others' transactions for it fail (and roll back). Retrying picks up where
        // the winner got to; when the file is complete, the failures were harmless.
        var attempt = 0
        while true {
            do {
                try StoreSchema.migrator.migrate(pool)
                break
            } catch {
                if let complete = try? pool.read({ try StoreSchema.migrator.hasCompletedMigrations($0) }), complete { break }
                attempt += 1
                if attempt < 50 {
                    usleep(20_000)
                    continue
                }
                if let error = error as? DatabaseError { throw StoreError(database: error, path: path) }
                throw StoreError(.databaseFailure, "cannot migrate the store \(path): \(error)")
            }
        }
        let unknown = (try? read { db in try StoreSchema.migrator.hasBeenSuperseded(db) }) ?? false
        if unknown {
            throw StoreError(.corrupt, "the store \(path) was written by a newer version of claims; use that version")
        }
    }

    /// Creates the file with mode 0600 (SQLite gives its -wal and -shm files the same mode).
    /// O_EXCL: never truncates a file another process just created.
    private static func createOwnerOnlyFileIfMissing(_ path: String) throws(StoreError) {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 { closeDescriptor(descriptor); return }
        let code = errno
        if code == EEXIST { return }
        let reason = String(cString: strerror(code))
        throw StoreError(.cannotOpen, "cannot create the store \(path): \(reason); check that the directory exists and is writable, or pass --db PATH")
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
