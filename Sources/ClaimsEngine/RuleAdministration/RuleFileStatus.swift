import ClaimsCore
import ClaimsRules
import ClaimsStore
import Foundation

/// One rule file against its last recorded version.
public struct RuleFileStatus: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// There is no store yet, so no version is recorded.
        case noStore
        /// An update another process is installing right now (it holds the lock).
        case beingInstalled(action: String, author: String, startedAt: String)
        /// No version recorded: the first apply records the file as a baseline.
        case untracked
        /// The file is the recorded version.
        case recorded(version: Int)
        /// Edited by hand since the recorded version (`hash` is the file's, `recordedHash` the version's).
        case drift(version: Int, hash: String, recordedHash: String)
    }

    public var fileName: String
    public var state: State

    public var isDrift: Bool {
        if case .drift = state { return true }
        return false
    }
}

extension RuleAdministration {
    /// Each rule file against its last recorded version. Reads only (opens no store that does not
    /// exist); run `recoverInterruptedUpdates()` first so finished updates are not reported as drift.
    public func status() throws(RuleAdministrationError) -> [RuleFileStatus] {
        let sources = try installedSources()
        guard FileManager.default.fileExists(atPath: storePath) else {
            return sources.map { RuleFileStatus(fileName: $0.fileName, state: .noStore) }
        }
        let store = try openStore()
        let pending = (try? store.ruleInstalls(pendingOnly: true)) ?? []
        var statuses: [RuleFileStatus] = []
        for source in sources {
            let slug = (source.fileName as NSString).deletingPathExtension
            let hash = SHA256.hex(Array(source.text.utf8))
            let state: RuleFileStatus.State
            if let install = pending.first(where: { $0.slug == slug && $0.contentHash == hash }) {
                state = .beingInstalled(action: install.action, author: install.author, startedAt: install.startedAt)
            } else if let latest = try RuleAdministrationError.store(changing: false, { () throws(StoreError) in try store.latestRuleVersion(slug: slug) }) {
                state = latest.contentHash == hash ? .recorded(version: latest.version)
                    : .drift(version: latest.version, hash: hash, recordedHash: latest.contentHash)
            } else {
                state = .untracked
            }
            statuses.append(RuleFileStatus(fileName: source.fileName, state: state))
        }
        return statuses
    }
}
