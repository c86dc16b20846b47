import ClaimsCore
import Foundation
import GRDB

/// One recorded version of a payer rule file.
public struct RuleVersionRecord: Sendable, Hashable {
    public var slug: String
    public var version: Int
    public var contentHash: String
    public var content: String
    public var author: String
    public var reason: String
    public var appliedAt: String
    /// The rule-level diff against the previous version (JSON).
    public var diff: String
    /// `baseline` (the file as found before the first apply), `apply` or `rollback`.
    public var action: String
}

/// A rule update recorded before its file is installed (docs/admin-guide.md, "Crash safety").
public struct RuleInstall: Sendable, Hashable {
    public var id: Int64
    public var slug: String
    /// `pending`, `installed` or `abandoned`.
    public var status: String
    public var contentHash: String
    public var author: String
    public var reason: String
    public var action: String
    public var startedAt: String
    public var version: Int?
    public var note: String?
}

public struct RuleChangeRefusal: Sendable, Hashable {
    public var slug: String
    public var attemptedBy: String
    public var attemptedAt: String
    public var reason: String
}

extension ClaimsStore {
    /// Versions of one file (or all), oldest first.
    public func ruleVersions(slug: String? = nil) throws(StoreError) -> [RuleVersionRecord] {
        try read { db in
            let rows = slug.map { try? Row.fetchAll(db, sql: "SELECT * FROM rule_version WHERE slug = ? ORDER BY version", arguments: [$0]) }
                ?? (try? Row.fetchAll(db, sql: "SELECT * FROM rule_version ORDER BY slug, version"))
            return (rows ?? []).map(Self.version)
        }
    }

    public func latestRuleVersion(slug: String) throws(StoreError) -> RuleVersionRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM rule_version WHERE slug = ? ORDER BY version DESC LIMIT 1", arguments: [slug]).map(Self.version)
        }
    }

    /// Records a new version (and, when the file has no history yet, the content it replaces as a
    /// `baseline` version first) in one transaction; returns the new version number.
    @discardableResult
    public func recordRuleVersion(slug: String, previousContent: String?, content: String, contentHash: String, previousHash: String?,
                                  author: String, reason: String, diff: String, action: String) throws(StoreError) -> Int {
        try write { tx in
            let db = tx.db
            var last = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM rule_version WHERE slug = ?", arguments: [slug]) ?? 0
            if last == 0, let previousContent, let previousHash {
                last = 1
                try db.execute(sql: """
                    INSERT INTO rule_version (slug, version, content_hash, content, author, reason, applied_at, diff, action)
                    VALUES (?, 1, ?, ?, 'claims', 'the file as installed before the first recorded change', ?, '[]', 'baseline')
                    """, arguments: [slug, previousHash, previousContent, tx.timestamp])
            }
            try db.execute(sql: """
                INSERT INTO rule_version (slug, version, content_hash, content, author, reason, applied_at, diff, action)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [slug, last + 1, contentHash, content, author, reason, tx.timestamp, diff, action])
            return last + 1
        }
    }

    /// Step 1 of a rule update: records it as pending, before the file is installed. Refused while
    /// another update of the same file is pending (finish or recover that one first).
    public func beginRuleInstall(slug: String, previousContent: String?, previousHash: String?, content: String, contentHash: String,
                                 author: String, reason: String, diff: String, action: String) throws(StoreError) -> Int64 {
        try write { tx in
            let db = tx.db
            if let other = try Row.fetchOne(db, sql: "SELECT author, started_at FROM rule_install WHERE slug = ? AND status = 'pending'", arguments: [slug]) {
                let by: String = other["author"], at: String = other["started_at"]
                throw StoreError(.conflict, "another change of \(slug) (by \(by), started \(at)) is not finished; wait for it, or run `claims payers status` to recover it if it was interrupted")
            }
            try db.execute(sql: """
                INSERT INTO rule_install (slug, status, content_hash, content, previous_hash, previous_content, author, reason, diff, action, started_at)
                VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [slug, contentHash, content, previousHash, previousContent, author, reason, diff, action, tx.timestamp])
            return db.lastInsertedRowID
        }
    }

    /// Step 3 (or recovery rolling forward): the file is installed; records its version (and the
    /// baseline before a file's first version) and closes the pending row, in one transaction.
    @discardableResult
    public func confirmRuleInstall(id: Int64, note: String? = nil) throws(StoreError) -> Int {
        try write { tx in
            let db = tx.db
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM rule_install WHERE id = ? AND status = 'pending'", arguments: [id]) else {
                throw StoreError(.conflict, "rule update \(id) is no longer pending (it was recovered by another command); see `claims payers history`")
            }
            let slug: String = row["slug"]
            var last = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM rule_version WHERE slug = ?", arguments: [slug]) ?? 0
            if last == 0, let previousContent: String = row["previous_content"], let previousHash: String = row["previous_hash"] {
                last = 1
                try db.execute(sql: """
                    INSERT INTO rule_version (slug, version, content_hash, content, author, reason, applied_at, diff, action)
                    VALUES (?, 1, ?, ?, 'claims', 'the file as installed before the first recorded change', ?, '[]', 'baseline')
                    """, arguments: [slug, previousHash, previousContent, tx.timestamp])
            }
            let version = last + 1
            try db.execute(sql: """
                INSERT INTO rule_version (slug, version, content_hash, content, author, reason, applied_at, diff, action)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [slug, version, row["content_hash"] as String, row["content"] as String, row["author"] as String,
                                 row["reason"] as String, tx.timestamp, row["diff"] as String, row["action"] as String])
            try db.execute(sql: "UPDATE rule_install SET status = 'installed', finished_at = ?, version = ?, note = ? WHERE id = ?",
                           arguments: [tx.timestamp, version, note, id])
            return version
        }
    }

    /// Recovery when the file was never installed: the update is closed without a version.
    public func abandonRuleInstall(id: Int64, note: String) throws(StoreError) {
        try write { tx in
            try tx.db.execute(sql: "UPDATE rule_install SET status = 'abandoned', finished_at = ?, note = ? WHERE id = ? AND status = 'pending'",
                              arguments: [tx.timestamp, note, id])
        }
    }

    /// Rule updates, oldest first; `pendingOnly` for the ones still in flight (or interrupted).
    public func ruleInstalls(pendingOnly: Bool = false) throws(StoreError) -> [RuleInstall] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rule_install \(pendingOnly ? "WHERE status = 'pending' " : "")ORDER BY id").map { row in
                RuleInstall(id: row["id"], slug: row["slug"], status: row["status"], contentHash: row["content_hash"], author: row["author"],
                            reason: row["reason"], action: row["action"], startedAt: row["started_at"], version: row["version"], note: row["note"])
            }
        }
    }

    public func recordRuleChangeRefusal(slug: String, attemptedBy: String, reason: String) throws(StoreError) {
        try write { tx in
            try tx.db.execute(sql: "INSERT INTO rule_change_refusal (slug, attempted_by, attempted_at, reason) VALUES (?, ?, ?, ?)",
                              arguments: [slug, attemptedBy, tx.timestamp, reason])
        }
    }

    public func ruleChangeRefusals() throws(StoreError) -> [RuleChangeRefusal] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rule_change_refusal ORDER BY id").map {
                RuleChangeRefusal(slug: $0["slug"], attemptedBy: $0["attempted_by"], attemptedAt: $0["attempted_at"], reason: $0["reason"])
            }
        }
    }

    private static func version(_ row: Row) -> RuleVersionRecord {
        RuleVersionRecord(slug: row["slug"], version: row["version"], contentHash: row["content_hash"], content: row["content"],
                          author: row["author"], reason: row["reason"], appliedAt: row["applied_at"], diff: row["diff"], action: row["action"])
    }
}
