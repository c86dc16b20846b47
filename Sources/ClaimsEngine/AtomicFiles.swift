import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure to write output: the batch stops and leaves nothing half-done.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// Writes files so that a crash never leaves a half-written file under its final name:
/// write a temporary file, flush it to disk, then rename. Files are owner-only (0600).
public enum AtomicFiles {
    public static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw OutputError(path: path, message: "cannot create the directory (\(reason(error))); check that the parent exists and is writable")
        }
    }

    /// Writes `data` to `path` (fsynced unless `sync` is false, when the caller syncs the file system
    /// once for many files), replacing nothing: the caller renames it into place later.
    public static func writeDurably(_ data: Data, to path: String, sync: Bool = true) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw OutputError(path: path, message: "cannot create the file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        try data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while written < buffer.count {
                let result = write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(path: path, message: "cannot write: \(String(cString: strerror(errno))) (is the disk full?)")
                }
                written += result
            }
        }
        guard !sync || fsync(descriptor) == 0 else { throw OutputError(path: path, message: "cannot flush to disk: \(String(cString: strerror(errno)))") }
    }

    /// Renames within one file system (atomic), then flushes the directory entry (unless the caller
    /// flushes the folder once after many renames).
    public static func moveIntoPlace(_ temporary: String, _ final: String, syncDirectory sync: Bool = true) throws {
        guard rename(temporary, final) == 0 else {
            throw OutputError(path: final, message: "cannot move \(temporary) into place: \(String(cString: strerror(errno)))")
        }
        if sync { syncDirectory((final as NSString).deletingLastPathComponent) }
    }

    public static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
