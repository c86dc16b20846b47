import ClaimsCore
import ClaimsFHIR
import ClaimsSuperbill
import ClaimsX12
import Foundation

/// The billing office's batch run (CONTRACT §5): evaluate every encounter, write the documents,
/// record everything in the store — exactly once, and safe to kill at any instant.
///
/// Order of work (docs/batch.md):
/// 1. finish any run a crash left recorded-but-not-moved (roll forward);
/// 2. stream the input; write the 837P transaction sets (control numbers drawn as they fill), FHIR
///    claims and superbills into a private work directory `DIR/.claims-work/run-N` as they are
///    produced (memory stays flat);
/// 3. close the 837P files and bundles and write the report into the work directory;
/// 4. one store transaction records the claims, billed lines, superbills, authorization uses and the
///    list of files to move ("prepared"), committing only after one `sync` put every staged file on disk;
/// 5. rename every file into place, then mark the run committed and remove the work directory.
/// A kill before 4 leaves nothing recorded and only the work directory (removed by the next run);
/// a kill after 4 is completed by the next run (step 1). No file ever appears in DIR half-written.
public final class BatchRunner {
    public struct Configuration {
        public var inputPath: String
        public var outputDirectory: String
        public var asOf: LocalDate
        /// The creation moment (ISA09/10, report): injected so runs are reproducible.
        public var createdDate: LocalDate
        public var createdTime: String
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
    /// The reason given to a `bill` line that is already on a claim of an earlier run.
    static let alreadyBilledRule = "batch/already-billed"

    let configuration: Configuration
    let store: BatchStore
    /// Called with the number of records read so far (progress bar).
    public var progress: ((Int) -> Void)?
    /// Test hook: called with a stage name; a test process may kill itself there.
    public var checkpoint: ((String) -> Void)?
    /// Wall-clock seconds spent in each phase of the last run (benchmark diagnostics, docs/batch.md).
    public private(set) var phaseSeconds: [(phase: String, seconds: Double)] = []
    private var phaseStarted = DispatchTime.now().uptimeNanoseconds

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

    public init(configuration: Configuration, store: BatchStore) {
        self.configuration = configuration
        self.store = store
    }

    private var out: String { configuration.outputDirectory }

    /// Runs the batch and returns its report (also written as DIR/report.json and report.html).
    public func run() throws -> BatchReport {
        phaseSeconds = []
        phaseStarted = DispatchTime.now().uptimeNanoseconds
        // DIR itself is the user's choice (it may be a link they made); every folder the batch
        // creates, writes into or cleans inside it must be a real folder (never a link).
        try AtomicFiles.createDirectory(out)
        try AtomicFiles.createOwnDirectory(out + "/" + Self.workDirectoryName)
        // A recorded run is completed first (its own folders are checked as its files move).
        try recoverUnfinishedRuns()
        for folder in Self.ownFolders { try AtomicFiles.createOwnDirectory(out + folder) }
        removeAbandonedWorkDirectories()

        let runNumber = try store.allocateControlNumbers("batch-run", count: 1).lowerBound
        let work = "\(out)/\(Self.workDirectoryName)/run-\(runNumber)"
        for folder in ["", "/x12", "/fhir", "/superbills"] { try AtomicFiles.createOwnDirectory(work + folder) }
        do {
            let report = try execute(runNumber: runNumber, work: work)
            AtomicFiles.removeTree(work)
            rmdir("\(out)/\(Self.workDirectoryName)")
            return report
        } catch let error as UnfinishedRunError {
            throw error
        } catch {
            // Nothing was recorded yet (the commit failed or never came): leave no trace of this run in DIR.
            AtomicFiles.removeTree(work)
            throw error
        }
    }

    // MARK: - The run

    /// Claims per 837P transaction set as the batch streams (the TR3 allows up to 5,000): small
    /// chunks keep memory flat; each chunk is encoded and appended to the payer's file as it fills.
    public static let claimsPerChunk = 500

    /// Each claim is one entry of its payer's collection Bundle.
    private static let entryStart = Array("  <entry>\n    <resource>\n".utf8)
    private static let entryEnd = Array("    </resource>\n  </entry>\n".utf8)

    /// Blocks of 256 encounters read and validated ahead of the one being processed (a few MB).
    static let blocksReadAhead = 8

    /// One payer's documents while the batch streams: the 837P body and the FHIR bundle grow in
    /// the work directory; only the claims of the current chunk are held in memory.
    private final class PayerOutput {
        let payer: PayerRules
        let encoder: Claim837PEncoder
        var pending: [EncounterEvaluation] = []
        var pendingClaims: [Claim837PPreparedClaim] = []
        var interchangeControlNumber: Int?
        var groupControlNumber: Int?
        var formattedInterchange = ""
        var transactionSets = 0
        var body: FileHandle?
        var bodyPath = ""
        var fhir: FileHandle?
        var fhirPath = ""
        var fhirName = ""
        /// This block's FHIR entries, written with one call per block.
        var fhirBuffer = Data()
        var claims: [PreparedRun.ClaimRecord] = []
        var amount = Decimal(0)
        var lines = 0

        init(payer: PayerRules, encoder: Claim837PEncoder) { self.payer = payer; self.encoder = encoder }
    }

    private func execute(runNumber: Int, work: String) throws -> BatchReport {
        let rules = configuration.rules
        let createdAt = "\(configuration.createdDate.iso) \(configuration.createdTime.prefix(2)):\(configuration.createdTime.suffix(2))"
        var report = BatchReport(asOf: configuration.asOf, run: runNumber, input: configuration.inputPath, createdAt: createdAt)
        let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: configuration.asOf)
        let evaluator = EncounterEvaluator(rules: rules, asOf: configuration.asOf)
        let ledger = AuthorizationLedger(all: try store.allAuthorizations())
        let drafter = DocumentDrafter(clinic: configuration.clinic, rules: rules, statementDate: configuration.asOf,
                                      created: configuration.createdDate)
        var outputs: [PayerSlug: PayerOutput] = [:]
        var moves: [PreparedRun.FileMove] = []
        var superbillRecords: [PreparedRun.SuperbillRecord] = []
        var uses: [PreparedRun.UseRecord] = []
        var usedFileNames: Set<String> = []

        func stage(_ relative: String) -> (temporary: String, final: String) {
            ("\(work)/\(relative)", "\(out)/\(relative)")
        }
        func uniqueName(_ folder: String, _ base: String, _ ext: String) -> String {
            var candidate = "\(folder)/\(base).\(ext)"
            var suffix = 2
            while usedFileNames.contains(candidate) || AtomicFiles.exists("\(out)/\(candidate)") {
                candidate = "\(folder)/\(base)-\(suffix).\(ext)"
                suffix += 1
            }
            usedFileNames.insert(candidate)
            return candidate
        }
        func append(_ text: String, to handle: FileHandle?, path: String) throws {
            try append(Data(text.utf8), to: handle, path: path)
        }
        func append(_ bytes: Data, to handle: FileHandle?, path: String) throws {
            do { try handle?.write(contentsOf: bytes) } catch {
                throw OutputError(path: path, message: "cannot write: \(error.localizedDescription) (is the disk full?)")
            }
        }
        func output(for payer: PayerRules) throws -> PayerOutput {
            if let existing = outputs[payer.slug] { return existing }
            let created = PayerOutput(payer: payer, encoder: drafter.encoder(for: payer.slug)
                                                    ?? Claim837PEncoder(clinic: configuration.clinic, payer: payer))
            created.bodyPath = "\(work)/x12/\(payer.slug).body"
            created.fhirName = uniqueName("fhir", "\(payer.slug)-run\(runNumber)", "xml")
            created.fhirPath = stage(created.fhirName).temporary
            for path in [created.bodyPath, created.fhirPath] {
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw OutputError(path: path, message: "cannot create the file; check that the output directory is writable")
                }
            }
            created.body = FileHandle(forWritingAtPath: created.bodyPath)
            created.fhir = FileHandle(forWritingAtPath: created.fhirPath)
            try append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bundle xmlns=\"http://hl7.org/fhir\">\n  <id value=\"run-\(runNumber)-\(payer.slug)\"/>\n  <type value=\"collection\"/>\n",
                       to: created.fhir, path: created.fhirPath)
            outputs[payer.slug] = created
            return created
        }
        /// Hands the pending claims to the background writer, which encodes them as one ST…SE and
        /// appends it to the payer's 837P body while the next blocks are processed.
        let background = BackgroundWriter()
        // Staged documents are flushed to disk as the run goes, so the sync before the commit (which
        // alone guarantees durability) has little left to write.
        let earlyFlush = PeriodicSync(every: 0.5)
        earlyFlush.start()
        defer { earlyFlush.stop() }
        // On any failure, let the background writer finish before the work directory is removed.
        defer { _ = try? background.wait() }
        func flush(_ output: PayerOutput) throws {
            guard !output.pending.isEmpty else { return }
            let chunk = Unchecked((output, output.pending, output.pendingClaims))
            output.pending = []
            output.pendingClaims = []
            try background.run { try encodeChunk(chunk.value.0, chunk.value.1, chunk.value.2) }
        }
        func encodeChunk(_ output: PayerOutput, _ pending: [EncounterEvaluation], _ pendingClaims: [Claim837PPreparedClaim]) throws {
            if output.interchangeControlNumber == nil {
                output.interchangeControlNumber = try store.allocateControlNumbers("isa13", count: 1).lowerBound
                output.groupControlNumber = try store.allocateControlNumbers("gs06", count: 1).lowerBound
            }
            let setNumber = try store.allocateControlNumbers("st02", count: 1).lowerBound
            let isa = output.interchangeControlNumber!
            let envelope = EnvelopeContext(interchangeControlNumber: isa, groupControlNumber: output.groupControlNumber!,
                                           firstTransactionSetControlNumber: setNumber,
                                           creationDate: configuration.createdDate, creationTime: configuration.createdTime,
                                           batchReference: "\(isa)-\(setNumber)")
            let interchange: Claim837PInterchange
            do { interchange = try output.encoder.encode(prepared: pendingClaims, envelope: envelope, keepSegments: false) } catch {
                throw OutputError(path: "\(out)/x12", message: "cannot encode the 837P for \(output.payer.slug): \(error.description)")
            }
            // ISA and GS open the file once; GE and IEA close it at the end with the total count.
            let opening = output.transactionSets == 0 ? interchange.headerText : ""
            try append(opening + interchange.transactionSetsText, to: output.body, path: output.bodyPath)
            output.formattedInterchange = interchange.interchangeControlNumber
            output.transactionSets += interchange.transactionSetControlNumbers.count
            let byId = Dictionary(pending.map { ($0.encounterId, $0) }, uniquingKeysWith: { first, _ in first })
            for claim in interchange.claims {
                guard let evaluation = byId[claim.encounterId], let encounter = evaluation.encounter else { continue }
                output.amount += claim.totalCharge
                output.lines += claim.lines.count
                output.claims.append(.init(
                    encounterId: claim.encounterId, patientId: encounter.patient.id, payer: output.payer.slug,
                    dateOfService: encounter.dateOfService.iso, x12File: "", fhirFile: output.fhirName,
                    interchangeControlNumber: interchange.interchangeControlNumber, groupControlNumber: interchange.groupControlNumber,
                    transactionSetControlNumber: claim.transactionSetControlNumber, totalCents: Money.cents(of: claim.totalCharge),
                    authNumber: evaluation.billedAuthNumber, ruleVersion: String(output.payer.contentHash.prefix(16)),
                    lines: claim.lines.map { line in
                        PreparedRun.BilledLine(line: line, code: encounter.services[line - 1].code,
                                               chargeCents: Money.cents(of: encounter.services[line - 1].charge))
                    }))
            }
        }

        var encountersToSave: [(id: String, dateOfService: LocalDate, payer: String, json: String)] = []
        var recordsRead = 0
        let withHistory = try store.encountersWithHistory()

        /// What the sequential pass decided for one encounter; the documents are made in parallel.
        struct Planned: Sendable {
            var evaluation: EncounterEvaluation
            var payer: PayerRules
            /// The encounter has `bill` lines: it spent authorization units and wants a claim.
            var bills: Bool
            var source: String?
            var prior: PriorEncounterState
            var ordinal: Int
            var line: Int
            /// Where this encounter's new superbill goes (named in file order, so names are stable).
            var superbill: SuperbillTarget?
        }
        struct SuperbillTarget: Sendable {
            var htmlName: String
            var html: (temporary: String, final: String)
            var pdfName: String?
            var pdf: (temporary: String, final: String)?
        }
        struct Produced: Sendable {
            var documents: EncounterDocuments
            /// The superbill's files in the work directory: the PDF outcome, or why writing failed
            /// (a file-system failure, which stops the run; content problems are in `documents`).
            var superbillFiles: Result<PDFOutcome?, any Error>?
        }

        lap("setup")
        /// 1. In file order (authorization units are spent in order): decide every line.
        func decide(_ block: [DecodedRecord]) throws -> [Planned] {
            var planned: [Planned] = []
            for record in block {
                recordsRead += 1
                if recordsRead % 1000 == 0 { progress?(recordsRead) }
                if recordsRead == 1 { checkpoint?("reading") }
                report.encounters += 1
                let patientId = record.encounter?.patient.id ?? ""
                let prior = record.encounter != nil && withHistory.contains(record.id) ? try store.priorState(encounterId: record.id) : PriorEncounterState()
                var evaluation = evaluator.evaluate(record, authorizations: try ledger.authorizations(for: patientId, excludingUsesOf: prior.authorizationsUsed))
                guard let encounter = evaluation.encounter else {
                    report.rejectedCount += 1
                    report.rejected.append(.init(encounter: record.id, record: record.ordinal, sourceLine: record.line, errors: evaluation.errors))
                    continue
                }
                let payer = rules.payer(encounter.payerSlug)!
                // Lines already on a claim of an earlier run are not billed again.
                if evaluation.lines.contains(where: { $0.decision == .bill && prior.billedLines.contains($0.line) }) {
                    evaluation.lines = evaluation.lines.map { line in
                        var copy = line
                        if prior.billedLines.contains(line.line) && line.decision == .bill {
                            copy.decision = .hold
                            copy.reasons = [Reason(rule: Self.alreadyBilledRule, message: "already billed")]
                        }
                        return copy
                    }
                }
                let bills = evaluation.lines.contains(where: { $0.decision == .bill })
                if bills { ledger.consume(evaluation.authorizationUses, patientId: patientId, ownUses: prior.authorizationsUsed) }
                var superbill: SuperbillTarget?
                if !prior.superbillIssued && evaluation.lines.contains(where: { $0.decision == .superbill }) {
                    let htmlName = uniqueName("superbills", encounter.id, "html")
                    let pdfName = configuration.pdfWriter == nil ? nil : uniqueName("superbills", encounter.id, "pdf")
                    superbill = SuperbillTarget(htmlName: htmlName, html: stage(htmlName), pdfName: pdfName, pdf: pdfName.map(stage))
                }
                planned.append(Planned(evaluation: evaluation, payer: payer, bills: bills, source: record.source, prior: prior,
                                       ordinal: record.ordinal, line: record.line, superbill: superbill))
            }
            return planned
        }

        /// 2. On every core, while the next block is decided: draft and check the 837P claim, the
        /// FHIR claim and the superbill (the same drafter `check` uses), write the superbill into
        /// the work directory, keep the JSON.
        let pdfWriter = configuration.pdfWriter
        func draft(_ planned: [Planned]) -> Drafting<Produced> {
            let drafting = Drafting<Produced>()
            DispatchQueue.global().async {
                drafting.finish(Parallel.map(planned) { item -> Produced in
                    let documents = drafter.draft(item.evaluation, payer: item.payer, superbill: item.superbill != nil)
                    var result = Produced(documents: documents)
                    if let target = item.superbill, let bill = documents.superbill {
                        result.superbillFiles = Result {
                            try AtomicFiles.writeDurably(Data(drafter.superbillRenderer.html(bill).utf8), to: target.html.temporary, sync: false)
                            guard let pdfWriter, let pdf = target.pdf else { return nil }
                            return try pdfWriter(bill, pdf.temporary)
                        }
                    }
                    return result
                })
            }
            return drafting
        }

        /// The report's view of an encounter's lines (counts, held, not covered, already billed).
        func reportLines(of evaluation: EncounterEvaluation, payer: PayerRules, prior: PriorEncounterState) {
            let encounterId = evaluation.encounterId
            for warning in evaluation.warnings {
                report.warnings.append(.init(encounter: encounterId, rule: warning.rule, message: warning.message))
            }
            let alreadyBilled = evaluation.lines.filter { $0.reasons.first?.rule == Self.alreadyBilledRule }.map(\.line)
            if !alreadyBilled.isEmpty { report.alreadyBilled.append(.init(encounter: encounterId, lines: alreadyBilled, what: "claim")) }
            let superbillLines = evaluation.lines.filter { $0.decision == .superbill }.map(\.line)
            if prior.superbillIssued && !superbillLines.isEmpty {
                report.alreadyBilled.append(.init(encounter: encounterId, lines: superbillLines, what: "superbill"))
            }
            for line in evaluation.lines where line.reasons.first?.rule != Self.alreadyBilledRule {
                report.counts[line.decision.rawValue, default: 0] += 1
                guard line.decision != .bill && line.decision != .superbill else { continue }
                let outcome = BatchReport.LineOutcome(encounter: encounterId, payer: payer.slug, line: line.line, code: line.code,
                                                      service: line.service, decision: line.decision.rawValue, reasons: line.reasons)
                switch line.decision {
                case .hold: report.held.append(outcome)
                case .notCovered: report.notCovered.append(outcome)
                default: report.criteriaNotMet.append(outcome)
                }
            }
        }

        /// 3. In file order again: report each line, append to the payer's files, issue superbills,
        /// record what to commit. An encounter whose documents were refused is rejected alone.
        func record(_ planned: [Planned], _ produced: [Produced]) throws {
            for (item, made) in zip(planned, produced) {
                let evaluation = item.evaluation
                let encounter = evaluation.encounter!
                let payer = item.payer
                let documents = made.documents
                if documents.isRefused {
                    if item.bills {
                        ledger.release(evaluation.authorizationUses, patientId: encounter.patient.id, ownUses: item.prior.authorizationsUsed)
                    }
                    report.rejectedCount += 1
                    report.rejected.append(.init(encounter: encounter.id, record: item.ordinal, sourceLine: item.line, errors: documents.problems))
                    continue
                }
                if let json = item.source {
                    encountersToSave.append((encounter.id, encounter.dateOfService, payer.slug, json))
                }
                reportLines(of: evaluation, payer: payer, prior: item.prior)
                if item.bills, let claim = documents.claim, let claimXML = documents.fhirClaim {
                    let payerOutput = try output(for: payer)
                    // Each claim becomes one entry of the payer's collection Bundle.
                    payerOutput.fhirBuffer.append(contentsOf: Self.entryStart)
                    payerOutput.fhirBuffer.append(claimXML)
                    payerOutput.fhirBuffer.append(contentsOf: Self.entryEnd)
                    payerOutput.pending.append(evaluation)
                    payerOutput.pendingClaims.append(claim)
                    for use in evaluation.authorizationUses where !item.prior.authorizationsUsed.contains(use.authorizationId) {
                        uses.append(.init(authorizationId: use.authorizationId, encounterId: encounter.id, dateOfService: encounter.dateOfService.iso))
                    }
                    if payerOutput.pending.count >= Self.claimsPerChunk { try flush(payerOutput) }
                }
                // Superbills: one per encounter, issued once.
                if let target = item.superbill, let superbill = documents.superbill, let files = made.superbillFiles {
                    let pdf = try files.get()
                    moves.append(.init(temporary: target.html.temporary, final: target.html.final))
                    var entry = BatchReport.SuperbillEntry(encounter: encounter.id, html: target.htmlName, pdf: nil, pdfNote: nil,
                                                           total: Money.format(superbill.totalCharges), balanceDue: Money.format(superbill.balanceDue))
                    switch pdf {
                    case .written?:
                        moves.append(.init(temporary: target.pdf!.temporary, final: target.pdf!.final))
                        entry.pdf = target.pdfName
                    case .skipped(let reason)?:
                        entry.pdfNote = reason
                    case nil:
                        entry.pdfNote = "PDF not requested"
                    }
                    report.superbills.append(entry)
                    superbillRecords.append(.init(encounterId: encounter.id, file: target.htmlName, totalCents: Money.cents(of: superbill.totalCharges),
                                                  balanceDueCents: Money.cents(of: superbill.balanceDue)))
                }
            }
            for slug in outputs.keys.sorted() where !outputs[slug]!.fhirBuffer.isEmpty {
                let payerOutput = outputs[slug]!
                try append(payerOutput.fhirBuffer, to: payerOutput.fhir, path: payerOutput.fhirPath)
                payerOutput.fhirBuffer.removeAll(keepingCapacity: true)
            }
            if encountersToSave.count >= 1000 {
                // Kept for rule-change previews; idempotent, so it may trail the claims.
                let saved = Unchecked(encountersToSave)
                encountersToSave.removeAll(keepingCapacity: true)
                try background.run { [store] in try store.saveEncounters(saved.value) }
            }
        }

        // The next blocks are read and validated on their own thread while this one is processed;
        // deciding block k+1 overlaps with drafting block k, which is recorded after that.
        let reader = EncounterFileReader(decoder: decoder)
        let inputPath = configuration.inputPath
        var drafted: (planned: [Planned], drafting: Drafting<Produced>)?
        // On any failure, let the drafts in flight finish before the work directory is removed.
        defer { _ = drafted?.drafting.wait() }
        try Prefetcher.run(capacity: Self.blocksReadAhead, produce: { put in
            try reader.readBlocks(path: inputPath, blockSize: 256) { try put($0) }
        }) { (block: [DecodedRecord]) in
            lap("wait for validated encounters")
            let planned = try decide(block)
            lap("decide (in order)")
            // `drafted` always names the one drafting not yet waited for (the defer waits for it).
            let previous = drafted
            drafted = (planned, draft(planned))
            if let previous {
                let produced = previous.drafting.wait()
                lap("wait for drafts (parallel)")
                try record(previous.planned, produced)
                lap("write and record (in order)")
            }
        }
        lap("wait for validated encounters")
        if let previous = drafted {
            drafted = nil
            let produced = previous.drafting.wait()
            lap("wait for drafts (parallel)")
            try record(previous.planned, produced)
            lap("write and record (in order)")
        }
        // Rejections in file order (the encoder's come one block after the validator's).
        report.rejected.sort { $0.record < $1.record }
        try store.saveEncounters(encountersToSave)
        // In payer order, so the last transaction sets' ST02 numbers are the same on every run.
        for slug in outputs.keys.sorted() { try flush(outputs[slug]!) }
        try background.wait()
        progress?(recordsRead)
        lap("finish background work")
        checkpoint?("documents-written")

        // Close each payer's 837P (ISA/GS + transaction sets + GE/IEA) and FHIR bundle.
        var claims: [PreparedRun.ClaimRecord] = []
        for slug in outputs.keys.sorted() {
            guard let output = outputs[slug] else { continue }
            try append("</Bundle>\n", to: output.fhir, path: output.fhirPath)
            try output.fhir?.close()
            guard output.transactionSets > 0 else {
                try output.body?.close()
                // Every claim of this payer was rejected by the encoder: no documents for it.
                try? FileManager.default.removeItem(atPath: output.fhirPath)
                try? FileManager.default.removeItem(atPath: output.bodyPath)
                continue
            }
            moves.append(.init(temporary: output.fhirPath, final: stage(output.fhirName).final))
            let name = uniqueName("x12", "\(slug)-\(output.formattedInterchange)", "x12")
            try append("GE*\(output.transactionSets)*\(output.groupControlNumber!)~\nIEA*1*\(output.formattedInterchange)~\n",
                       to: output.body, path: output.bodyPath)
            try output.body?.close()
            // The staged body is the whole interchange now: it moves into place under its final name.
            moves.append(.init(temporary: output.bodyPath, final: stage(name).final))
            claims += output.claims.map { var claim = $0; claim.x12File = name; return claim }
            report.payers.append(.init(payer: slug, claims: output.claims.count, lines: output.lines, amount: Money.format(output.amount),
                                       file: name, interchangeControlNumber: output.formattedInterchange))
        }
        outputs = [:]

        report.files = moves.map { String($0.final.dropFirst(out.count + 1)) }.sorted() + ["report.html", "report.json"]
        let reportFiles = ["report.json", "report.html"].map { stage($0) }
        moves += reportFiles.map { PreparedRun.FileMove(temporary: $0.temporary, final: $0.final) }
        lap("close 837P and FHIR files")

        // One store transaction records the run (step 4). Its inserts run on their own thread while
        // this one writes the report and syncs the file system (one sync beats an fsync per file);
        // the transaction waits for both, and commits only when every staged file is on disk.
        let prepared = PreparedRun(runNumber: runNumber, outputDirectory: out, workDirectory: work, moves: moves,
                                   claims: claims, superbills: superbillRecords, authorizationUses: uses)
        let recording = Recording(store: store, run: prepared, checkpoint: checkpoint)
        recording.start()
        do {
            for ((_, data), paths) in zip([("report.json", try report.json()), ("report.html", Data(report.html().utf8))], reportFiles) {
                try AtomicFiles.writeDurably(data, to: paths.temporary, sync: false)
            }
            lap("write report")
            earlyFlush.stop()
            sync()
            AtomicFiles.syncDirectory(work)
            lap("sync")
        } catch {
            // Nothing may be recorded for a run whose files are not all staged.
            _ = recording.finish(commit: false)
            throw error
        }
        if let failure = recording.finish(commit: true) { throw failure }
        lap("record in store (while writing the report and syncing)")
        checkpoint?("after-commit")
        // The run is recorded: from here on a failure leaves it for the next run to complete.
        do { try finish(prepared) } catch {
            throw UnfinishedRunError(runNumber: runNumber, claims: claims.count, outputDirectory: out, cause: error)
        }
        lap("move into place")
        return report
    }

    // MARK: - Completing and recovering runs

    /// One serial background queue for 837P encoding; the first error it meets is rethrown by
    /// `run` or `wait` on the batch's thread.
    private final class BackgroundWriter: @unchecked Sendable {
        private let queue = DispatchQueue(label: "claims.batch.837p")
        /// At most two chunks wait or run: memory stays bounded when encoding falls behind.
        private let slots = DispatchSemaphore(value: 2)
        /// Read by the batch's thread under the lock: reading it on the queue would wait for
        /// every queued job, so nothing would ever overlap.
        private let lock = NSLock()
        private var failure: (any Error)?

        func run(_ work: @escaping () throws -> Void) throws {
            try rethrow()
            slots.wait()
            let job = Unchecked(work)
            queue.async { [self] in
                defer { slots.signal() }
                guard lock.withLock({ failure }) == nil else { return }
                do { try job.value() } catch { lock.withLock { failure = error } }
            }
        }

        func wait() throws {
            queue.sync {}
            try rethrow()
        }

        private func rethrow() throws {
            if let failure = lock.withLock({ failure }) { throw failure }
        }
    }

    /// The drafts of one block, made on other threads; `wait` returns them once all are done.
    private final class Drafting<Value>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        /// Written once before `done` is signalled, read only after waiting for it.
        private var values: [Value] = []

        func finish(_ values: [Value]) {
            self.values = values
            done.signal()
        }

        func wait() -> [Value] {
            done.wait()
            return values
        }
    }

    /// Calls `sync()` every `interval` seconds on a thread of its own until stopped: the kernel
    /// writes the staged files while the run computes, instead of all at the end.
    private final class PeriodicSync: @unchecked Sendable {
        private let interval: Double
        private let condition = NSCondition()
        private var stopped = false
        private var running = false

        init(every interval: Double) { self.interval = interval }

        func start() {
            running = true
            Thread { [self] in
                condition.lock()
                while !stopped {
                    if condition.wait(until: Date(timeIntervalSinceNow: interval)) || stopped { continue }
                    condition.unlock()
                    sync()
                    condition.lock()
                }
                running = false
                condition.broadcast()
                condition.unlock()
            }.start()
        }

        /// Returns once the thread has ended (a sync in progress finishes first).
        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            while running { condition.wait() }
            condition.unlock()
        }
    }

    /// The run's store transaction on a thread of its own: it inserts everything, then waits for the
    /// batch's go-ahead (report written, files synced) before committing, or rolls back without it.
    private final class Recording: @unchecked Sendable {
        private struct Abandoned: Error {}
        private let store: BatchStore
        private let run: PreparedRun
        private let checkpoint: ((String) -> Void)?
        private let goAhead = DispatchSemaphore(value: 0)
        private let done = DispatchSemaphore(value: 0)
        /// Written before `goAhead` is signalled / before `done` is signalled; read after waiting.
        private var commit = false
        private var failure: (any Error)?

        init(store: BatchStore, run: PreparedRun, checkpoint: ((String) -> Void)?) {
            self.store = store; self.run = run; self.checkpoint = checkpoint
        }

        func start() {
            Thread { [self] in
                do {
                    try store.recordPrepared(run) { () throws in
                        goAhead.wait()
                        guard commit else { throw Abandoned() }
                        checkpoint?("before-commit")
                    }
                } catch {
                    failure = error
                }
                done.signal()
            }.start()
        }

        /// Lets the transaction commit (or roll back) and waits for it; the store's error, if any.
        func finish(commit: Bool) -> (any Error)? {
            self.commit = commit
            goAhead.signal()
            done.wait()
            return commit ? failure : nil
        }
    }

    /// Hands a value to the background writer; the batch's thread does not touch it meanwhile.
    private struct Unchecked<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Moves a prepared run's files into place (skipping those already moved) and marks it committed.
    private func finish(_ run: PreparedRun) throws {
        var directories: Set<String> = []
        for folder in Set(run.moves.map { ($0.final as NSString).deletingLastPathComponent }).sorted() where folder != run.outputDirectory {
            try AtomicFiles.createOwnDirectory(folder)
        }
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

    /// Runs recorded in the store whose files a crash left in the work directory: finish them.
    private func recoverUnfinishedRuns() throws {
        for run in try store.unfinishedRuns() {
            do { try finish(run) } catch {
                throw UnfinishedRunError(runNumber: run.runNumber, claims: nil, outputDirectory: run.outputDirectory, cause: error)
            }
        }
    }

    /// Work directories of runs that crashed before anything was recorded: their files never counted.
    /// `.claims-work` was checked to be a real folder; each entry is removed without following links.
    private func removeAbandonedWorkDirectories() {
        let root = "\(out)/\(Self.workDirectoryName)"
        guard AtomicFiles.kind(root) == .directory, let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for entry in entries { AtomicFiles.removeTree("\(root)/\(entry)") }
    }
}
