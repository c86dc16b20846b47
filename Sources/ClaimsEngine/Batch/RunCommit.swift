import ClaimsCore
import ClaimsStore
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

    /// Step 4: the run's transaction (open since the run started, its claims and history inserted as
    /// the run streamed) inserts the run's last rows on its own thread while `prepareFiles` writes the
    /// remaining files and syncs the file system; it commits only after both succeeded, and rolls
    /// back when either failed (nothing is then recorded).
    func record(_ run: PreparedRun, in transaction: RunTransaction, controlNumbers: RunControlNumbers,
                whilePreparing prepareFiles: () throws -> Void) throws {
        let goAhead = DispatchSemaphore(value: 0)
        let commit = Locked(false)
        let checkpoint = self.checkpoint
        let uses = run.authorizationUses.map { (authorizationId: $0.authorizationId, encounterId: $0.encounterId, date: LocalDate(iso: $0.dateOfService)!) }
        transaction.finish(plan: run.recoveryPlanJSON, superbills: run.superbills, uses: uses, controlNumbers: controlNumbers.usage) {
            goAhead.wait()
            guard commit.current else { throw Abandoned() }
            checkpoint?("before-commit")
        }
        do {
            try prepareFiles()
        } catch {
            goAhead.signal()
            _ = transaction.waitForEnd()
            throw error
        }
        commit.withLock { $0 = true }
        goAhead.signal()
        if let failure = transaction.waitForEnd() { throw failure }
    }

    private struct Abandoned: Error {}

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
}
