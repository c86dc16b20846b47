import ClaimsCore
import ClaimsRules
import ClaimsStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on the rules directory for the length of one rule update, so an update and
/// the recovery of an interrupted one never interleave. `flock` on the directory itself: nothing to
/// create, readable by every account, released by the kernel when the process dies (even `kill -9`).
struct RuleUpdateLock {
    private let descriptor: Int32

    /// Waits up to `timeout` seconds for another update to finish.
    static func acquire(_ directory: String, timeout: TimeInterval = 30) throws -> RuleUpdateLock {
        guard let lock = try attempt(directory, wait: timeout) else {
            throw CLIError(.ioFailure, "another `claims payers apply` or `rollback` has been changing \(directory) for more than \(Int(timeout)) seconds; try again when it has finished")
        }
        return lock
    }

    /// The lock, or nil when another process holds it for longer than `wait` seconds.
    static func attempt(_ directory: String, wait: TimeInterval) throws -> RuleUpdateLock? {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CLIError(.ioFailure, "cannot open the rules directory \(directory): \(String(cString: strerror(errno))); pass --payers DIR or set CLAIMS_PAYERS")
        }
        let deadline = Date().addingTimeInterval(wait)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(descriptor)
                return nil
            }
            usleep(50_000)
        }
        return RuleUpdateLock(descriptor: descriptor)
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Finishes a rule update that was interrupted (crash, `kill -9`, power loss) between recording it
/// as pending and confirming it: rolled forward when the installed file's hash is the pending
/// version's (the rename happened), abandoned otherwise (the old file is still in place). Run at the
/// start of every command that loads rules, so the store and `Payers/` never disagree for long.
enum RuleInstallRecovery {
    /// Where `payers apply` writes a file before renaming it into place (hidden: never loaded as rules).
    static func temporaryPath(for fileName: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(".\(fileName).installing")
    }

    /// Prints what it did on stderr. Never fails the command: a store that cannot be written is
    /// reported and left for the next command (or an admin) to recover.
    static func recover(_ global: GlobalOptions, holdingLock: Bool = false) {
        guard FileManager.default.fileExists(atPath: global.dbPath),
              let store = try? StoreSupport.open(global),
              let pending = try? store.ruleInstalls(pendingOnly: true), !pending.isEmpty else { return }
        var lock: RuleUpdateLock?
        if !holdingLock {
            // Held by a running update: it is not interrupted, so leave it alone.
            guard let acquired = try? RuleUpdateLock.attempt(global.payersPath, wait: 0) else { return }
            lock = acquired
        }
        defer { lock?.release() }
        // Read again under the lock: the update may have finished meanwhile.
        for install in (try? store.ruleInstalls(pendingOnly: true)) ?? [] {
            let fileName = [".yaml", ".yml"].map { install.slug + $0 }
                .first { FileManager.default.fileExists(atPath: (global.payersPath as NSString).appendingPathComponent($0)) } ?? "\(install.slug).yaml"
            let path = (global.payersPath as NSString).appendingPathComponent(fileName)
            let installedHash = (try? RuleBookLoader.source(atPath: path)).map { SHA256.hex(Array($0.text.utf8)) }
            let what = "an interrupted `payers \(install.action)` of \(fileName) by \(install.author) (started \(install.startedAt))"
            do {
                if installedHash == install.contentHash {
                    let version = try store.confirmRuleInstall(id: install.id, note: "recovered: the file was installed when the update was interrupted")
                    CommandSupport.printError("recovered: \(what) had installed the file; recorded it as version \(version) of \(install.slug)")
                } else {
                    try store.abandonRuleInstall(id: install.id, note: "recovered: the file was not installed when the update was interrupted")
                    CommandSupport.printError("recovered: \(what) had not installed the file; the update was abandoned and \(fileName) is unchanged — apply it again if it is still wanted")
                }
                unlink(temporaryPath(for: fileName, in: global.payersPath))
            } catch {
                CommandSupport.printError("warning: \(what) could not be recovered yet: \(error.message)")
            }
        }
    }
}
