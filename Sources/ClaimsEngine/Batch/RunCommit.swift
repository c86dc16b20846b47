import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The crash-safe end of a run (docs/batch.md, steps 4 and 5) and the recovery of runs a crash
/// left behind: record everything in one store transaction that commits only once every staged
/// file is on disk, then rename the files into place and mark the run committed.
struct RunCommit {
    let store: any BatchStore
    let checkpoint: (@Sendable (String) -> Void)?

    /// Step 4: the run's transaction inserts on a thread of its own while `prepareFiles` writes the
    /// remaining files and syncs the file system; it commits only after both succeeded, and rolls
    /// back when either failed (nothing is then recorded).
    func record(_ run: PreparedRun, whilePreparing prepareFiles: () throws -> Void) throws {
        let recording = Recording(store: store, run: run, checkpoint: checkpoint)
        recording.start()
        do {
            try prepareFiles()
        } catch {
            _ = recording.finish(commit: false)
            throw error
        }
        if let failure = recording.finish(commit: true) { throw failure }
    }

    /// Step 5: moves a recorded run's files into place (skipping those already moved), flushes each
    /// folder once, and marks the run committed.
    func publish(_ run: PreparedRun) throws {
        for folder in Set(run.moves.map { ($0.final as NSString).deletingLastPathComponent }).sorted() where folder != run.outputDirectory {
            try AtomicFiles.createOwnDirectory(folder)
        }
        var directories: Set<String> = []
        for (index, move) in run.moves.enumerated() {
            directories.insert((move.final as NSString).deletingLastPathComponent)
            if AtomicFiles.exists(move.temporary) {
                try AtomicFiles.moveIntoPlace(move.temporary, move.final, syncDirectory: false)
            } else if !AtomicFiles.exists(move.final) {
                throw OutputError(path: move.final, message: "the prepared file \(move.temporary) is missing; the run \(run.runNumber) cannot be completed (was the work directory deleted?)")
            }
            if index == 0 { checkpoint?("moving") }
        }
        // The renames reach the disk before the run is marked committed: one flush per folder.
        for directory in directories.sorted() { AtomicFiles.syncDirectory(directory) }
        try store.markCommitted(runNumber: run.runNumber)
        AtomicFiles.removeTree(run.workDirectory)
    }

    /// Step 1 of every run: runs recorded in the store whose files a crash left in their work
    /// directory are completed.
    func recoverUnfinishedRuns() throws {
        for run in try store.unfinishedRuns() {
            do { try publish(run) } catch {
                throw UnfinishedRunError(runNumber: run.runNumber, claims: nil, outputDirectory: run.outputDirectory, cause: error)
            }
        }
    }

    /// Work directories of runs that crashed before anything was recorded: their files never
    /// counted. `root` was checked to be a real folder; entries go without following links.
    static func removeAbandonedWorkDirectories(in root: String) {
        guard AtomicFiles.kind(root) == .directory, let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for entry in entries { AtomicFiles.removeTree("\(root)/\(entry)") }
    }

    /// The run's store transaction on a thread of its own: it inserts everything, then waits for the
    /// batch's go-ahead (files prepared and synced) before committing, or rolls back without it.
    private final class Recording: Sendable {
        private struct Abandoned: Error {}
        private let store: any BatchStore
        private let run: PreparedRun
        private let checkpoint: (@Sendable (String) -> Void)?
        private let goAhead = DispatchSemaphore(value: 0)
        private let done = DispatchSemaphore(value: 0)
        private let commit = Locked(false)
        private let failure = Locked<(any Error)?>(nil)

        init(store: any BatchStore, run: PreparedRun, checkpoint: (@Sendable (String) -> Void)?) {
            self.store = store; self.run = run; self.checkpoint = checkpoint
        }

        func start() {
            Thread { [self] in
                do {
                    try store.recordPrepared(run) { () throws in
                        goAhead.wait()
                        guard commit.current else { throw Abandoned() }
                        checkpoint?("before-commit")
                    }
                } catch {
                    failure.withLock { $0 = error }
                }
                done.signal()
            }.start()
        }

        /// Lets the transaction commit (or roll back) and waits for it; the store's error, if any.
        func finish(commit shouldCommit: Bool) -> (any Error)? {
            commit.withLock { $0 = shouldCommit }
            goAhead.signal()
            done.wait()
            return shouldCommit ? failure.current : nil
        }
    }
}
