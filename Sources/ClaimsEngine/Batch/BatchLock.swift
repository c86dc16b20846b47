import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One batch at a time per store and per output folder: an exclusive `flock` on a lock file beside
/// the store (`STORE.lock`) and one in the output folder (`DIR/.claims-lock`). The kernel releases
/// a lock when its process ends, even by `kill -9`, so a crash never leaves a stale lock behind.
public final class BatchLock {
    /// Another batch holds one of the locks.
    public struct Busy: Error, Sendable, CustomStringConvertible {
        public var lockFile: String
        /// What the holder wrote into the lock file (its process id and start time), if readable.
        public var holder: String
        public var description: String {
            "another `claims batch`\(holder.isEmpty ? "" : " (\(holder))") is running on the same \(lockFile.hasSuffix(BatchLock.outputLockName) ? "output folder" : "store") (\(lockFile)); wait for it to finish, then run this batch again"
        }
    }

    public static let outputLockName = ".claims-lock"
    private var descriptors: [Int32] = []

    /// Takes both locks or none; throws `Busy` at once instead of waiting, `OutputError` when a lock
    /// file cannot be created (or is a symbolic link).
    public init(storePath: String, outputDirectory: String, holder: String) throws {
        do {
            for path in [storePath + ".lock", outputDirectory + "/" + Self.outputLockName] {
                descriptors.append(try Self.lock(path, holder: holder))
            }
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    public func release() {
        for descriptor in descriptors { close(descriptor) }
        descriptors = []
    }

    private static func lock(_ path: String, holder: String) throws -> Int32 {
        // O_NOFOLLOW: a link planted at the lock's name is refused, never written through.
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OutputError(path: path, message: "cannot create the batch lock file: \(String(cString: strerror(errno))); check the folder's permissions (a symbolic link there is refused)")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            var buffer = [UInt8](repeating: 0, count: 200)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            if busy {
                let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
                throw Busy(lockFile: path, holder: text)
            }
            throw OutputError(path: path, message: "cannot lock: \(reason)")
        }
        // Who holds it, for the message another run prints; the lock itself is the flock.
        _ = ftruncate(descriptor, 0)
        let text = Array(holder.utf8)
        _ = pwrite(descriptor, text, text.count, 0)
        return descriptor
    }
}
