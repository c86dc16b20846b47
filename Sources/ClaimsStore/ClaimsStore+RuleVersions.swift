import ClaimsCore
import Foundation
import GRDB

/// One recorded version of a payer rule file (table `rule_version`; append-only).
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

/// A rule update recorded before its file is installed (table `rule_install`; docs/admin-guide.md, "Crash safety").
public struct RuleInstall: Sendable, Hashable {
    /// Nil until the store records it.
    public var id: Int64?
    public var slug: String
    /// `pending`, `installed` or `abandoned`.
    public var status: String
    public var contentHash: String
    public var content: String
    /// The file it replaces (nil: a new file); becomes the `baseline` version when the file has none yet.
    public var previousHash: String?
    public var previousContent: String?
    public var author: String
    public var reason: String
    /// The rule-level diff (JSON), copied to the version.
    public var diff: String
    public var action: String
    public var startedAt: String
    public var finishedAt: String?
    /// The version it became (`installed`).
    public var version: Int?
    /// How it ended (e.g. recovered after an interruption).
    public var note: String?
}

/// A refused attempt to change the rules (table `rule_change_refusal`).
public struct RuleChangeRefusal: Sendable, Hashable {
    public var slug: String
    public var attemptedBy: String
    public var attemptedAt: String
    public var reason: String
}

extension RuleVersionRecord: StoreRecord {
    public static let databaseTableName = "rule_version"
}

extension RuleInstall: StoreRecord {
    public static let databaseTableName = "rule_install"
}

extension RuleChangeRefusal: StoreRecord {
    public static let databaseTableName = "rule_change_refusal"
}

extension ClaimsStore {
    /// Versions of one file (or all), oldest first.
    public func ruleVersions(slug: String? = nil) throws(StoreError) -> [RuleVersionRecord] {
        try read { db in
            if let slug {
                return try RuleVersionRecord.fetchAll(db, sql: "SELECT * FROM rule_version WHERE slug = ? ORDER BY version", arguments: [slug])
            }
            return try RuleVersionRecord.fetchAll(db, sql: "SELECT * FROM rule_version ORDER BY slug, version")
        }
    }

    public func latestRuleVersion(slug: String) throws(StoreError) -> RuleVersionRecord? {
        try read { db in
            try RuleVersionRecord.fetchOne(db, sql: "SELECT * FROM rule_version WHERE slug = ? ORDER BY version DESC LIMIT 1", arguments: [slug])
        }
    }

    /// Step 1 of a rule update: records it as pending, before the file is installed. Refused while
    /// another update of the same file is pending (finish or recover that one first).
    public func beginRuleInstall(slug: String, previousContent: String?, previousHash: String?, content: String, contentHash: String,
                                 author: String, reason: String, diff: String, action: String) throws(StoreError) -> Int64 {
        try write { tx in
            let db = tx.db
            if let other = try RuleInstall.fetchOne(db, sql: "SELECT * FROM rule_install WHERE slug = ? AND status = 'pending'", arguments: [slug]) {
                throw StoreError(.conflict, "another change of \(slug) (by \(other.author), started \(other.startedAt)) is not finished; wait for it, or run `claims payers status` to recover it if it was interrupted")
            }
            try RuleInstall(id: nil, slug: slug, status: "pending", contentHash: contentHash, content: content, previousHash: previousHash,
                            previousContent: previousContent, author: author, reason: reason, diff: diff, action: action,
                            startedAt: tx.timestamp, finishedAt: nil, version: nil, note: nil).insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Step 3 (or recovery rolling forward): the file is installed; records its version (and the
    /// baseline before a file's first version) and closes the pending row, in one transaction.
    @discardableResult
    public func confirmRuleInstall(id: Int64, note: String? = nil) throws(StoreError) -> Int {
        try write { tx in
            let db = tx.db
            guard var install = try pendingInstall(db, id: id) else {
                throw StoreError(.conflict, "rule update \(id) is no longer pending (it was recovered by another command); see `claims payers history`")
            }
            var last = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM rule_version WHERE slug = ?", arguments: [install.slug]) ?? 0
            if last == 0, let previousContent = install.previousContent, let previousHash = install.previousHash {
                last = 1
                try RuleVersionRecord(slug: install.slug, version: 1, contentHash: previousHash, content: previousContent, author: "claims",
                                      reason: "the file as installed before the first recorded change", appliedAt: tx.timestamp,
                                      diff: "[]", action: "baseline").insert(db)
            }
            let version = last + 1
            try RuleVersionRecord(slug: install.slug, version: version, contentHash: install.contentHash, content: install.content,
                                  author: install.author, reason: install.reason, appliedAt: tx.timestamp, diff: install.diff,
                                  action: install.action).insert(db)
            install.status = "installed"; install.finishedAt = tx.timestamp; install.version = version; install.note = note
            try install.update(db, columns: ["status", "finished_at", "version", "note"])
            return version
        }
    }

    /// Recovery when the file was never installed: the update is closed without a version.
    public func abandonRuleInstall(id: Int64, note: String) throws(StoreError) {
        try write { tx in
            guard var install = try pendingInstall(tx.db, id: id) else { return }
            install.status = "abandoned"; install.finishedAt = tx.timestamp; install.note = note
            try install.update(tx.db, columns: ["status", "finished_at", "note"])
        }
    }

    /// Rule updates, oldest first; `pendingOnly` for the ones still in flight (or interrupted).
    public func ruleInstalls(pendingOnly: Bool = false) throws(StoreError) -> [RuleInstall] {
        try read { db in
            try RuleInstall.fetchAll(db, sql: "SELECT * FROM rule_install \(pendingOnly ? "WHERE status = 'pending' " : "")ORDER BY id")
        }
    }

    public func recordRuleChangeRefusal(slug: String, attemptedBy: String, reason: String) throws(StoreError) {
        try write { tx in
            try RuleChangeRefusal(slug: slug, attemptedBy: attemptedBy, attemptedAt: tx.timestamp, reason: reason).insert(tx.db)
        }
    }

    public func ruleChangeRefusals() throws(StoreError) -> [RuleChangeRefusal] {
        try read { db in try RuleChangeRefusal.fetchAll(db, sql: "SELECT * FROM rule_change_refusal ORDER BY id") }
    }

    private func pendingInstall(_ db: Database, id: Int64) throws -> RuleInstall? {
        try RuleInstall.fetchOne(db, sql: "SELECT * FROM rule_install WHERE id = ? AND status = 'pending'", arguments: [id])
    }
}
