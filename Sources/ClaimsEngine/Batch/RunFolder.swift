import Foundation

/// Where a run's files go: each is written under `DIR/.claims-work/run-N` and renamed into DIR
/// once the run is recorded. Names are unique within DIR (an earlier run's file is never replaced)
/// and chosen in file order, so the same input gets the same names on every run.
/// Names are taken by the batch thread and by the queue that writes the 837P files (a lock).
final class RunFolder: Sendable {
    let output: String
    let work: String
    private let usedNames = Locked<Set<String>>([])

    init(output: String, work: String) {
        self.output = output
        self.work = work
    }

    /// The staged and the final path of `relative` (e.g. `x12/bcbs-il-000000001.x12`).
    func stage(_ relative: String) -> (temporary: String, final: String) {
        ("\(work)/\(relative)", "\(output)/\(relative)")
    }

    /// `folder/base.ext`, or `folder/base-2.ext`… when that name is taken in DIR or in this run.
    func uniqueName(_ folder: String, _ base: String, _ ext: String) -> String {
        usedNames.withLock { usedNames in
            var candidate = "\(folder)/\(base).\(ext)"
            var suffix = 2
            while usedNames.contains(candidate) || AtomicFiles.exists("\(output)/\(candidate)") {
                candidate = "\(folder)/\(base)-\(suffix).\(ext)"
                suffix += 1
            }
            usedNames.insert(candidate)
            return candidate
        }
    }

    /// DIR-relative name of a final path.
    func relative(_ final: String) -> String { String(final.dropFirst(output.count + 1)) }
}

/// A file the batch appends to; a failed write names the file and the likely cause.
struct FileAppender: Sendable {
    let path: String
    private let handle: FileHandle

    /// Creates the file (owner-only) or throws.
    init(creating path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw OutputError(path: path, message: "cannot create the file; check that the output directory is writable")
        }
        self.path = path
        self.handle = handle
    }

    /// `Data`, or bytes gathered as `[UInt8]`, as they are.
    func append(_ bytes: some DataProtocol) throws {
        do { try handle.write(contentsOf: bytes) } catch {
            throw OutputError(path: path, message: "cannot write: \(error.localizedDescription) (is the disk full?)")
        }
    }

    func append(_ text: String) throws { try append(Data(text.utf8)) }

    func close() throws {
        do { try handle.close() } catch {
            throw OutputError(path: path, message: "cannot close: \(error.localizedDescription) (is the disk full?)")
        }
    }
}
