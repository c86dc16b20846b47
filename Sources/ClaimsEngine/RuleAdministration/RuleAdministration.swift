import ClaimsCore
import ClaimsRules
import ClaimsStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Changing the payer rules with an audit trail (docs/admin-guide.md): only admins, one update of
/// `Payers/` at a time, validated together with the installed files, previewed (diff and impact on
/// recent decisions) before anything changes, installed atomically and recorded as a version.
///
/// ```swift
/// let administration = RuleAdministration(payersDirectory: "Payers", storePath: "claims.sqlite", storeConfiguration: configuration)
/// let preview = try administration.preview(request)      // changes nothing (a refusal is recorded)
/// if !dryRun && !preview.nothingToApply { let version = try administration.apply(preview) }
/// ```
public struct RuleAdministration: Sendable {
    public var payersDirectory: String
    public var storePath: String
    public var storeConfiguration: ClaimsStore.Configuration

    public init(payersDirectory: String, storePath: String, storeConfiguration: ClaimsStore.Configuration) {
        self.payersDirectory = payersDirectory; self.storePath = storePath; self.storeConfiguration = storeConfiguration
    }

    /// Checks the request and works out what it would change. Installs nothing and records no
    /// version; a refused account is recorded (and thrown as `.notPermitted`).
    public func preview(_ request: RuleUpdateRequest) throws(RuleAdministrationError) -> RuleUpdatePreview {
        let candidate = try candidate(for: request.operation)
        let slug = (candidate.fileName as NSString).deletingPathExtension
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RuleAdministrationError(.usage, "--reason must say why the rules change") }
        // 1. Only admins, as the operating system knows them; a refusal is recorded.
        try checkAdmin(request, slug: slug, reason: reason)
        // 2. One update of Payers/ at a time.
        let lock = try RuleUpdateLock.acquire(payersDirectory)
        defer { lock.release() }
        // 3. Validate together with the installed files; nothing is opened or written when invalid.
        let installed = try installedSources()
        let previous = installed.first { $0.fileName == candidate.fileName }
        let oldBook: RuleBook
        let newBook: RuleBook
        do {
            oldBook = try RuleBookLoader.combine(installed)
        } catch {
            throw RuleAdministrationError(.invalidData, "the installed rules are invalid; fix them first.\n" + error.description)
        }
        do {
            newBook = try RuleBookLoader.combine(installed.filter { $0.fileName != candidate.fileName } + [candidate])
        } catch {
            throw RuleAdministrationError(.invalidData, "\(candidate.path) is invalid; nothing was changed.\n" + error.description)
        }
        if case .apply = request.operation, let previous, previous.text == candidate.text {
            return RuleUpdatePreview(operation: request.operation, slug: slug, candidate: candidate, previous: previous, author: request.account,
                                     reason: reason, nothingToApply: true, changes: [], impact: [], encountersReevaluated: 0,
                                     impactDays: request.impactDays, recoveries: [])
        }
        // 4. What changes, rule by rule, and which recent decisions it affects.
        let changes = RuleDiff.changes(from: previous?.text, to: candidate.text)
        // An earlier interrupted update is finished first (it only touches the store).
        let recoveries = recoverInterruptedUpdates(holdingLock: true)
        let store = try openStore()
        let impact = try RuleImpactPreview(store: store, asOf: request.asOf)
            .changes(from: oldBook, to: newBook, since: request.asOf.adding(days: -request.impactDays))
        return RuleUpdatePreview(operation: request.operation, slug: slug, candidate: candidate, previous: previous, author: request.account,
                                 reason: reason, nothingToApply: false, changes: changes, impact: impact.changes,
                                 encountersReevaluated: impact.reevaluated, impactDays: request.impactDays, recoveries: recoveries)
    }

    /// Installs what `preview` showed and returns the version it was recorded as: pending →
    /// installed → confirmed, so a crash (or `kill -9`) between any two steps leaves a pending row
    /// that the next command resolves by the installed file's hash (`RuleInstallRecovery`).
    /// Refused (`.invalidData`) when the file changed since the preview; preview again then.
    public func apply(_ preview: RuleUpdatePreview) throws(RuleAdministrationError) -> Int {
        let candidate = preview.candidate
        guard !preview.nothingToApply else {
            throw RuleAdministrationError(.invalidData, "\(candidate.fileName) is identical to the installed file; nothing to apply")
        }
        let lock = try RuleUpdateLock.acquire(payersDirectory)
        defer { lock.release() }
        let installedNow = try installedSources().first { $0.fileName == candidate.fileName }
        guard installedNow?.text == preview.previous?.text else {
            throw RuleAdministrationError(.invalidData, "\(candidate.fileName) changed since the preview (another update ran); preview the change again")
        }
        let store = try openStore()
        let diff = String(decoding: (try? JSONEncoder().encode(preview.changes)) ?? Data("[]".utf8), as: UTF8.self)
        let previous = preview.previous
        let installId = try RuleAdministrationError.store(changing: true) { () throws(StoreError) in
            try store.beginRuleInstall(slug: preview.slug, previousContent: previous?.text, previousHash: previous.map { SHA256.hex(Array($0.text.utf8)) },
                                       content: candidate.text, contentHash: SHA256.hex(Array(candidate.text.utf8)),
                                       author: preview.author, reason: preview.reason, diff: diff, action: preview.operation.action)
        }
        Self.testCheckpoint("pending-recorded")
        let target = (payersDirectory as NSString).appendingPathComponent(candidate.fileName)
        let temporary = RuleInstallRecovery.temporaryPath(for: candidate.fileName, in: payersDirectory)
        do {
            // A leftover of an interrupted update may belong to another admin (0600): replace, never reuse it.
            unlink(temporary)
            try AtomicFiles.writeDurably(Data(candidate.text.utf8), to: temporary)
            Self.testCheckpoint("temporary-written")
            chmod(temporary, 0o644)   // rule files are readable by every account that runs claims
            try AtomicFiles.moveIntoPlace(temporary, target)   // rename, then fsync the directory
        } catch {
            unlink(temporary)
            try? store.abandonRuleInstall(id: installId, note: "the file could not be installed: \(error)")
            throw RuleAdministrationError(.ioFailure, "\(error); \(candidate.fileName) was not installed and nothing was recorded as a version (check that \(payersDirectory) is writable by this account)")
        }
        Self.testCheckpoint("installed")
        let version: Int
        do {
            version = try store.confirmRuleInstall(id: installId)
        } catch {
            // The store's own words, as for any change it refuses (`description` names the field).
            let storeMessage = error.description + (error.isRefusedInput ? "; nothing was changed" : "")
            throw RuleAdministrationError(.ioFailure, "\(candidate.fileName) is installed but its version could not be recorded (\(storeMessage)); the next claims command that loads rules records it")
        }
        Self.testCheckpoint("confirmed")
        return version
    }

    // MARK: Steps

    /// The text to install: the given file, or the recorded version being rolled back to.
    private func candidate(for operation: RuleUpdateOperation) throws(RuleAdministrationError) -> RuleBookLoader.Source {
        switch operation {
        case .apply(let source):
            return source
        case .rollback(let slug, let number):
            let store = try openStore()
            let versions = try RuleAdministrationError.store(changing: false) { () throws(StoreError) in try store.ruleVersions(slug: slug) }
            guard let version = versions.first(where: { $0.version == number }) else {
                let known = versions.map { String($0.version) }.joined(separator: ", ")
                throw RuleAdministrationError(.invalidData, "\(slug) has no version \(number)\(known.isEmpty ? " (no versions are recorded)" : "; recorded versions: \(known)")")
            }
            return RuleBookLoader.Source(path: (payersDirectory as NSString).appendingPathComponent("\(slug).yaml"), text: version.content)
        }
    }

    /// Refuses (and records) an update by an account that is not an admin, or that names another author.
    private func checkAdmin(_ request: RuleUpdateRequest, slug: String, reason: String) throws(RuleAdministrationError) {
        let account = request.account
        func refuse(_ why: String, _ message: String) throws(RuleAdministrationError) -> Never {
            let store = try openStore()
            try RuleAdministrationError.store(changing: true) { () throws(StoreError) in
                try store.recordRuleChangeRefusal(slug: slug, attemptedBy: account, reason: "\(request.operation.action) refused: \(why) (\(reason))")
            }
            throw RuleAdministrationError(.notPermitted, message + "; the refusal was recorded and nothing changed")
        }
        if let by = request.claimedAuthor, by != account {
            try refuse("--by \(by) is not the account running it",
                       "--by '\(by)' is not the account running this command ('\(account)'); rule changes are made by an admin's own OS account — leave out --by, or run the command as \(by) (e.g. sudo -u \(by) claims …)")
        }
        guard request.admins.contains(account) else {
            try refuse("\(account) is not an admin",
                       "the OS account '\(account)' is not an admin in \(request.clinicProfilePath) (admins: \(request.admins.joined(separator: ", "))); run the command as one of them, or ask one to add this account under admins:")
        }
    }

    func installedSources() throws(RuleAdministrationError) -> [RuleBookLoader.Source] {
        do { return try RuleBookLoader.sources(inDirectory: payersDirectory) } catch let invalid as RuleFilesInvalid {
            throw RuleAdministrationError(.invalidData, invalid.description)
        } catch {
            throw RuleAdministrationError(.ioFailure, "\(payersDirectory): \(error)")
        }
    }

    /// Opens (creating on first use) the store.
    func openStore() throws(RuleAdministrationError) -> ClaimsStore {
        try RuleAdministrationError.store(changing: false) { () throws(StoreError) in
            try ClaimsStore(path: storePath, configuration: storeConfiguration)
        }
    }

    /// Crash-safety tests stop the process like `kill -9` at a named step (debug builds only).
    static func testCheckpoint(_ stage: String) {
        #if DEBUG
        if ProcessInfo.processInfo.environment["CLAIMS_TEST_KILL_AT"] == stage { kill(getpid(), SIGKILL) }
        #endif
    }
}
