import ClaimsCore
import ClaimsStore
import ClaimsSuperbill
import ClaimsX12
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The billing office's batch run (CONTRACT §5): evaluate every encounter, write the documents,
/// record everything in the store — exactly once, and safe to kill at any instant.
///
/// The rooms (docs/architecture.md, docs/batch.md): `BatchPlanner` decides each block in file order,
/// `BlockDrafting` drafts its documents on every core, `BatchRecorder` records it in file order
/// into `PayerDocuments` (FHIR bundles, 837P interchanges written on a `BackgroundQueue`), and
/// `RunCommit` records the run crash-safely and moves its files into place. This type assembles them:
/// 1. finish any run a crash left recorded-but-not-moved (roll forward);
/// 2. stream the input block by block, staging every document in `DIR/.claims-work/run-N`;
/// 3. close the 837P files and bundles and write the report into the work directory;
/// 4. one store transaction records the run, committing only after one `sync` put every staged file on disk;
/// 5. rename every file into place, then mark the run committed and remove the work directory.
public final class BatchRunner {
    public struct Configuration {
        public var inputPath: String
        public var outputDirectory: String
        public var asOf: LocalDate
        /// The wall-clock moment the run started (the report's `createdAt`; ISA10/GS05/BHT05 take its
        /// time of day). Every date a document carries is `asOf` instead (POLICY §5.6: one processing
        /// date per run). Injected so runs are reproducible.
        public var createdDate: LocalDate
        public var createdTime: String
        /// The clock's zone for the FHIR Bundle timestamp (`Z`, `-06:00`).
        public var createdZone = "Z"
        public var rules: RuleBook
        public var clinic: ClinicProfile
        /// Writes a superbill PDF next to its HTML; nil skips PDFs (with a note in the report).
        public var pdfWriter: (@Sendable (Superbill, String) throws -> PDFOutcome)?

        public init(inputPath: String, outputDirectory: String, asOf: LocalDate, createdDate: LocalDate, createdTime: String,
                    rules: RuleBook, clinic: ClinicProfile, pdfWriter: (@Sendable (Superbill, String) throws -> PDFOutcome)?) {
            self.inputPath = inputPath; self.outputDirectory = outputDirectory; self.asOf = asOf; self.createdDate = createdDate
            self.createdTime = createdTime; self.rules = rules; self.clinic = clinic; self.pdfWriter = pdfWriter
        }
    }

    public static let workDirectoryName = ".claims-work"
    /// The folders inside DIR that the batch writes into or cleans.
    static let ownFolders = ["/x12", "/fhir", "/superbills", "/" + workDirectoryName]
    /// Claims per 837P transaction set as the batch streams.
    public static var claimsPerChunk: Int { PayerDocuments.claimsPerChunk }
    /// Blocks of 256 encounters read and validated ahead of the one being processed (each ~1 MB; 8
    /// held ~6 MB more at the peak and were no faster: the reader decodes a block on every core).
    static let blocksReadAhead = 2
    static let blockSize = 256
    /// Blocks between two returns of freed memory to the system (`AllocatorTrim`).
    static let blocksPerTrim = 8

    let configuration: Configuration
    let store: any BatchStore
    /// Called on the caller's thread as the run moves on (once per block and per closing phase).
    public var progress: ((BatchProgress) -> Void)?
    /// Stored eligibility answers (POLICY §5.5); nil = not consulted.
    public var eligibility: EligibilityBook?
    /// Test hook: called with a stage name; a test process may kill itself there.
    public var checkpoint: (@Sendable (String) -> Void)?
    /// Wall-clock seconds spent in each phase of the last run (benchmark diagnostics, docs/batch.md).
    public private(set) var phaseSeconds: [(phase: String, seconds: Double)] = []
    private var phaseStarted = DispatchTime.now().uptimeNanoseconds

    public init(configuration: Configuration, store: any BatchStore) {
        self.configuration = configuration
        self.store = store
    }

    private var out: String { configuration.outputDirectory }

    /// Runs the batch and returns its report (also written as DIR/report.json and report.html). The
    /// returned report's long lists (held, not covered, criteria not met, superbills, already billed,
    /// warnings) are empty: they went to report.json as the run went (`ReportSpool`); their counts
    /// and the summary's first held lines stay in it.
    public func run() throws -> BatchReport {
        phaseSeconds = []
        phaseStarted = DispatchTime.now().uptimeNanoseconds
        AllocatorTrim.limitArenas(to: 2)
        let commit = RunCommit(store: store, checkpoint: checkpoint)
        // DIR itself is the user's choice (it may be a link they made); every folder the batch
        // creates, writes into or cleans inside it must be a real folder (never a link).
        try AtomicFiles.createDirectory(out)
        try AtomicFiles.createOwnDirectory(out + "/" + Self.workDirectoryName)
        // A recorded run is completed first (its own folders are checked as its files move).
        try commit.recoverUnfinishedRuns()
        for folder in Self.ownFolders { try AtomicFiles.createOwnDirectory(out + folder) }
        RunCommit.removeAbandonedWorkDirectories(in: out + "/" + Self.workDirectoryName)

        let runNumber = try store.allocateControlNumbers("batch-run", count: 1).lowerBound
        let work = "\(out)/\(Self.workDirectoryName)/run-\(runNumber)"
        for folder in ["", "/x12", "/fhir", "/superbills"] { try AtomicFiles.createOwnDirectory(work + folder) }
        // The run's control numbers are reserved before its transaction opens: it holds the store's
        // write lock until the run commits (RunControlNumbers, RunTransaction).
        // A pipe's size reads as 0: only a regular file's size bounds its claims.
        let inputAttributes = try? FileManager.default.attributesOfItem(atPath: configuration.inputPath)
        let inputBytes = inputAttributes?[.type] as? FileAttributeType == .typeRegular ? inputAttributes?[.size] as? Int : nil
        let controlNumbers: RunControlNumbers
        let transaction: RunTransaction
        do {
            controlNumbers = try RunControlNumbers.reserve(store: store, payers: configuration.rules.payers.count, inputBytes: inputBytes)
        } catch {
            AtomicFiles.removeTree(work)
            throw error
        }
        do {
            transaction = try store.openRun(number: runNumber, outputDirectory: out)
        } catch {
            try? store.giveBackControlNumbers(controlNumbers.unusedAfterFailure)
            AtomicFiles.removeTree(work)
            throw error
        }
        controlNumbers.drawBeyondReservation(from: transaction)
        do {
            let report = try execute(runNumber: runNumber, folder: RunFolder(output: out, work: work), commit: commit,
                                     transaction: transaction, controlNumbers: controlNumbers)
            AtomicFiles.removeTree(work)
            rmdir("\(out)/\(Self.workDirectoryName)")
            return report
        } catch let error as UnfinishedRunError {
            throw error
        } catch {
            // Nothing was recorded (the commit failed or never came): the transaction rolls back (a
            // no-op when it already ended), and no trace of this run is left in DIR.
            transaction.abandon()
            // Its reserved control numbers went into no published file: a failed run (a missing
            // input, a full disk) leaves no gap when no one drew from the counters since.
            try? store.giveBackControlNumbers(controlNumbers.unusedAfterFailure)
            AtomicFiles.removeTree(work)
            throw error
        }
    }

    /// Adds the time since the previous call to `phase` (phases repeat once per block).
    private func lap(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = Double(now - phaseStarted) / 1e9
        phaseStarted = now
        if let index = phaseSeconds.firstIndex(where: { $0.phase == phase }) {
            phaseSeconds[index].seconds += seconds
        } else {
            phaseSeconds.append((phase, seconds))
        }
    }

    private func execute(runNumber: Int, folder: RunFolder, commit: RunCommit, transaction: RunTransaction,
                         controlNumbers: RunControlNumbers) throws -> BatchReport {
        let rules = configuration.rules
        let createdAt = "\(configuration.createdDate.iso) \(configuration.createdTime.prefix(2)):\(configuration.createdTime.suffix(2))"
        var report = BatchReport(asOf: configuration.asOf, run: runNumber, input: configuration.inputPath, createdAt: createdAt)
        // POLICY §5.6: the processing date dates every document (FHIR `created`, ISA09/GS04/BHT04,
        // superbills); only the time of day comes from the clock.
        let drafter = DocumentDrafter(clinic: configuration.clinic, rules: rules, statementDate: configuration.asOf,
                                      created: configuration.asOf)
        let clinic = configuration.clinic
        let queue = BackgroundQueue(label: "claims.batch.837p")
        let payers = PayerDocuments(
            folder: folder, runNumber: runNumber,
            envelope: .init(controlNumbers: controlNumbers, transaction: transaction, createdDate: configuration.asOf, createdTime: configuration.createdTime, outputDirectory: out,
                            timestamp: "\(configuration.asOf.iso)T\(configuration.createdTime.prefix(2)):\(configuration.createdTime.suffix(2)):00\(configuration.createdZone)"),
            queue: queue,
            encoders: { slug in drafter.encoder(for: slug) ?? Claim837PEncoder(clinic: clinic, payer: rules.payer(slug)!) },
            fhirWriter: drafter.fhirWriter)
        let planner = try BatchPlanner(rules: rules, asOf: configuration.asOf, ledger: AuthorizationLedger(all: try store.allAuthorizations()),
                                       store: store, folder: folder, writesPDF: configuration.pdfWriter != nil)
        planner.checkpoint = checkpoint
        planner.eligibility = eligibility
        let drafting = BlockDrafting(drafter: drafter, pdfWriter: configuration.pdfWriter)
        let recorder = BatchRecorder(folder: folder, payers: payers, planner: planner, transaction: transaction)
        // The report's long lists go to the work directory block by block (memory stays flat).
        let reportSpool = try ReportSpool(directory: folder.work)
        if let corrections = store as? any CorrectionStore {
            let plan = try CorrectionPlan(store: RunCorrectionStore(base: corrections, transaction: transaction), rules: rules,
                                          asOf: configuration.asOf)
            planner.corrections = plan
            recorder.followUps = FollowUpClaims(plan: plan, drafter: drafter)
        }

        // Staged documents are flushed to disk as the run goes, so the sync before the commit (which
        // alone guarantees durability) has little left to write.
        let earlyFlush = PeriodicSync(every: 0.5)
        earlyFlush.start()
        defer { earlyFlush.stop() }
        // On any failure, let the background queue finish before the work directory is removed.
        defer { _ = try? queue.wait() }
        lap("setup")

        // The next blocks are read and validated on their own thread while this one is processed;
        // planning block k+1 overlaps with drafting block k, which is recorded after that.
        var fileReader = EncounterFileReader(decoder: EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: configuration.asOf))
        let bytesRead = Locked(0)
        fileReader.onBytesRead = { count in bytesRead.withLock { $0 += count } }
        fileReader.scratchDirectory = folder.work
        let reader = fileReader
        let inputPath = configuration.inputPath
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: inputPath)[.size] as? Int) ?? nil
        func announce(_ phase: BatchProgress.Phase) {
            progress?(BatchProgress(phase: phase, encounters: planner.recordsRead, bytesRead: bytesRead.current, totalBytes: totalBytes))
        }
        announce(.reading)
        // Always the one drafting not yet recorded (the defer waits for it on a failure).
        var inFlight: (planned: [PlannedEncounter], drafts: Handoff<[DraftedEncounter]>)?
        defer { _ = inFlight?.drafts.wait() }
        var blocksRecorded = 0
        func record(_ block: (planned: [PlannedEncounter], drafts: Handoff<[DraftedEncounter]>)) throws {
            let drafted = block.drafts.wait()
            lap("wait for drafts (parallel)")
            try recorder.record(block.planned, drafted, report: &report)
            try reportSpool.drain(&report)
            blocksRecorded += 1
            if blocksRecorded % Self.blocksPerTrim == 0 { AllocatorTrim.returnFreePages() }
            lap("write and record (in order)")
        }
        try Prefetcher.run(capacity: Self.blocksReadAhead, produce: { put in
            try reader.readBlocks(path: inputPath, blockSize: Self.blockSize) { try put($0) }
        }) { (block: [DecodedRecord]) in
            lap("wait for validated encounters")
            let planned = try planner.plan(block, report: &report)
            lap("decide (in order)")
            announce(.deciding)
            let previous = inFlight
            inFlight = (planned, drafting.start(planned))
            if let previous { try record(previous) }
        }
        lap("wait for validated encounters")
        if let last = inFlight {
            inFlight = nil
            try record(last)
        }
        // Rejections in file order (the drafter's come one block after the validator's).
        report.rejected.sort { $0.record < $1.record }
        announce(.writing)
        let run = try recorder.finish(runNumber: runNumber, report: &report)
        try reportSpool.drain(&report)
        // What the blocks and the pool held is free now; give it back before the store's
        // transaction fills its page cache, where a large batch peaks (issue 18).
        AllocatorTrim.returnFreePages()
        lap("finish background work and close 837P and FHIR files")
        checkpoint?("documents-written")

        // Step 4: the report is written and the file system synced while the store inserts the last rows.
        try commit.record(run, in: transaction, controlNumbers: controlNumbers) {
            let reportFiles = run.moves.suffix(2)
            try reportSpool.writeJSON(report, to: reportFiles.first!.temporary)
            try reportSpool.writeHTML(report, to: reportFiles.last!.temporary)
            lap("write report")
            announce(.syncing)
            earlyFlush.stop()
            sync()
            AtomicFiles.syncDirectory(folder.work)
            lap("sync")
            announce(.recording)
        }
        lap("record in store (while writing the report and syncing)")
        checkpoint?("after-commit")
        // The run is recorded: from here on a failure leaves it for the next run to complete.
        announce(.moving)
        do { try commit.publish(run) } catch {
            throw UnfinishedRunError(runNumber: runNumber, claims: run.claimCount, outputDirectory: out, cause: error)
        }
        lap("move into place")
        return report
    }
}
