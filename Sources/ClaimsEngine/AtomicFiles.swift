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

    /// A folder the batch creates, writes into or cleans: created (owner-only) when absent, and
    /// refused when it is a symbolic link or not a folder. Following a link there could write, move
    /// or delete files anywhere the user may (e.g. `OUT/.claims-work` → someone's home).
    public static func createOwnDirectory(_ path: String) throws {
        switch kind(path) {
        case .directory: return
        case .missing: try createDirectory(path)
        case .symbolicLink:
            throw OutputError(path: path, message: "is a symbolic link; the batch never follows links inside its output folder (it could write or delete files elsewhere). Remove the link, or choose another --out")
        case .other:
            throw OutputError(path: path, message: "exists but is not a folder; move it away, or choose another --out")
        }
    }

    enum Kind { case missing, directory, symbolicLink, other }

    /// What is at `path`, without following a symbolic link.
    static func kind(_ path: String) -> Kind {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// Removes `path` and, for a folder, everything in it — never following a symbolic link: a link
    /// is removed itself, never what it points to. Best effort (what cannot be removed stays).
    public static func removeTree(_ path: String) {
        switch kind(path) {
        case .missing: return
        case .directory:
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for entry in entries { removeTree(path + "/" + entry) }
            }
            rmdir(path)
        case .symbolicLink, .other:
            unlink(path)
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

/// A run that is recorded in the store (its claims count as billed) but whose files are not all in
/// place yet. Nothing is lost: the next `claims batch` completes it before anything else, once the
/// cause is fixed. The message says so (it never claims that nothing was recorded).
public struct UnfinishedRunError: Error, Sendable, CustomStringConvertible {
    public var runNumber: Int
    /// The claims the run recorded, when known.
    public var claims: Int?
    public var outputDirectory: String
    public var cause: String

    public init(runNumber: Int, claims: Int?, outputDirectory: String, cause: any Error) {
        self.runNumber = runNumber; self.claims = claims; self.outputDirectory = outputDirectory
        self.cause = (cause as? OutputError)?.description ?? "\(cause)"
    }

    public var description: String {
        let recorded = claims.map { "run \(runNumber) is recorded in the store (\($0) claims)" } ?? "run \(runNumber) is recorded in the store"
        return "\(recorded) but its files could not all be moved into \(outputDirectory): \(cause). "
            + "Fix the cause (disk space, permissions, a file or link in the way; a deleted work folder must be restored from a backup), "
            + "then run `claims batch` again with any input: it completes run \(runNumber) first, exactly once"
    }
}
