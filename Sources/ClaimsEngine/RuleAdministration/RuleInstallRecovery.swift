import ClaimsCore
import ClaimsRules
import ClaimsStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finishes a rule update that was interrupted (crash, `kill -9`, power loss) between recording it
/// as pending and confirming it: rolled forward when the installed file's hash is the pending
/// version's (the rename happened), abandoned otherwise (the old file is still in place). Run at the
/// start of every command that loads rules, so the store and `Payers/` never disagree for long.
enum RuleInstallRecovery {
    /// Where `apply` writes a file before renaming it into place (hidden: never loaded as rules).
    static func temporaryPath(for fileName: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(".\(fileName).installing")
    }
}

extension RuleAdministration {
    /// Finishes or abandons interrupted updates and says what it did, one line each (`recovered: …`,
    /// or `warning: …` when the store cannot be written yet). Never fails: what cannot be recovered
    /// now is left for the next command (or an admin). Without a store there is nothing to recover,
    /// and none is created.
    public func recoverInterruptedUpdates(holdingLock: Bool = false) -> [String] {
        guard FileManager.default.fileExists(atPath: storePath),
              let store = try? openStore(),
              let pending = try? store.ruleInstalls(pendingOnly: true), !pending.isEmpty else { return [] }
        var lock: RuleUpdateLock?
        if !holdingLock {
            // Held by a running update: it is not interrupted, so leave it alone.
            guard let acquired = try? RuleUpdateLock.attempt(payersDirectory, wait: 0) else { return [] }
            lock = acquired
        }
        defer { lock?.release() }
        var report: [String] = []
        // Read again under the lock: the update may have finished meanwhile.
        for install in (try? store.ruleInstalls(pendingOnly: true)) ?? [] {
            guard let id = install.id else { continue }
            let fileName = [".yaml", ".yml"].map { install.slug + $0 }
                .first { FileManager.default.fileExists(atPath: (payersDirectory as NSString).appendingPathComponent($0)) } ?? "\(install.slug).yaml"
            let path = (payersDirectory as NSString).appendingPathComponent(fileName)
            let installedHash = (try? RuleBookLoader.source(atPath: path)).map { SHA256.hex(Array($0.text.utf8)) }
            let what = "an interrupted `payers \(install.action)` of \(fileName) by \(install.author) (started \(install.startedAt))"
            do {
                if installedHash == install.contentHash {
                    let version = try store.confirmRuleInstall(id: id, note: "recovered: the file was installed when the update was interrupted")
                    report.append("recovered: \(what) had installed the file; recorded it as version \(version) of \(install.slug)")
                } else {
                    try store.abandonRuleInstall(id: id, note: "recovered: the file was not installed when the update was interrupted")
                    report.append("recovered: \(what) had not installed the file; the update was abandoned and \(fileName) is unchanged — apply it again if it is still wanted")
                }
                unlink(RuleInstallRecovery.temporaryPath(for: fileName, in: payersDirectory))
            } catch {
                report.append("warning: \(what) could not be recovered yet: \(error.message)")
            }
        }
        return report
    }
}
