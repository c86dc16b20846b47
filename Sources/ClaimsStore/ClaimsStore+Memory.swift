import GRDB
import GRDBSQLite

extension ClaimsStore {
    /// Bytes of page cache the writer holds now (`SQLITE_DBSTATUS_CACHE_USED`): how the batch's peak
    /// memory is checked (docs/batch.md, "Memory").
    package func writerCacheBytes() -> Int {
        pool.writeWithoutTransaction(Self.cacheUsed)
    }

    /// `writerCacheBytes` from inside the writer's open transaction (a run's `beforeCommit`), where
    /// the writer's queue cannot be entered again.
    package func writerCacheBytesInTransaction() -> Int {
        pool.unsafeReentrantWrite(Self.cacheUsed)
    }

    /// The writer's `PRAGMA temp_store` (0 default, 1 file, 2 memory), from inside its open
    /// transaction when `inTransaction` (a run's `beforeCommit`).
    package func writerTempStore(inTransaction: Bool) -> Int {
        let read = { (db: Database) in (try? Int.fetchOne(db, sql: "PRAGMA temp_store")).flatMap { $0 } ?? -1 }
        return inTransaction ? pool.unsafeReentrantWrite(read) : pool.writeWithoutTransaction(read)
    }

    /// Bytes of page cache the connection holds (-1 when SQLite cannot say).
    private static func cacheUsed(_ db: Database) -> Int {
        var current: Int32 = 0, highest: Int32 = 0
        guard sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0) == SQLITE_OK else { return -1 }
        return Int(current)
    }

    /// WAL pages after which the writer's commits copy the WAL into the store file (`PRAGMA wal_autocheckpoint`).
    package func writerAutocheckpointPages() throws(StoreError) -> Int {
        try perform { try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1 } }
    }

    /// The writer's largest page cache, in bytes (`PRAGMA cache_size`).
    package func writerCacheLimitBytes() throws(StoreError) -> Int {
        try write { tx in
            let value = try Int.fetchOne(tx.db, sql: "PRAGMA cache_size") ?? 0
            return value < 0 ? -value * 1024 : value * (try Int.fetchOne(tx.db, sql: "PRAGMA page_size") ?? 4096)
        }
    }
}
