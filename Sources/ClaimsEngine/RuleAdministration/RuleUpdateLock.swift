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
    static func acquire(_ directory: String, timeout: TimeInterval = 30) throws(RuleAdministrationError) -> RuleUpdateLock {
        guard let lock = try attempt(directory, wait: timeout) else {
            throw RuleAdministrationError(.ioFailure, "another `claims payers apply` or `rollback` has been changing \(directory) for more than \(Int(timeout)) seconds; try again when it has finished")
        }
        return lock
    }

    /// The lock, or nil when another process holds it for longer than `wait` seconds.
    static func attempt(_ directory: String, wait: TimeInterval) throws(RuleAdministrationError) -> RuleUpdateLock? {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RuleAdministrationError(.ioFailure, "cannot open the rules directory \(directory): \(String(cString: strerror(errno))); pass --payers DIR or set CLAIMS_PAYERS")
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
