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
