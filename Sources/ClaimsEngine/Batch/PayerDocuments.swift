import ClaimsCore
import ClaimsFHIR
import ClaimsStore
import ClaimsX12
import Foundation

/// Each payer's two documents while the batch streams (docs/batch.md): the FHIR collection Bundle,
/// appended by the batch thread once per block, and the 837P interchange, whose transaction sets of
/// `claimsPerChunk` claims are encoded and appended in order on the background queue. Only the
/// current chunk's claims are held in memory. Used by the batch thread; each interchange is
/// touched by the queue only.
final class PayerDocuments {
    /// Claims per 837P transaction set as the batch streams (the TR3 allows up to 5,000): small
    /// chunks keep memory flat.
    static let claimsPerChunk = 500


    /// One payer's open documents.
    private final class Open {
        let bundle: FileAppender
        let bundleName: String
        /// This block's FHIR entries. Bytes rather than `Data`, whose storage did not keep its
        /// capacity across blocks and grew again by copying (~12,000 instructions an encounter).
        var bundleBuffer: [UInt8] = []
        /// The fullUrls of the Bundle's entries so far: a patient, plan or provider is listed once.
        let bundleEntries: FullUrlSet
        var chunk: [PayerInterchange.PendingClaim] = []
        let interchange: PayerInterchange

        init(bundle: FileAppender, bundleName: String, interchange: PayerInterchange, bundleEntries: FullUrlSet) {
            self.bundle = bundle; self.bundleName = bundleName; self.interchange = interchange; self.bundleEntries = bundleEntries
        }
    }

    /// What the closed documents add to the run.
    struct Closed {
        var moves: [PreparedRun.FileMove] = []
        /// Claims inserted into the run's transaction.
        var claimCount = 0
        var totals: [BatchReport.PayerTotal] = []
    }

    private let folder: RunFolder
    private let runNumber: Int
    private let envelope: PayerInterchange.Envelope
    private let queue: BackgroundQueue
    private let encoders: (PayerSlug) -> Claim837PEncoder
    private let fhirWriter: FHIRClaimWriter
    private var open: [PayerSlug: Open] = [:]

    init(folder: RunFolder, runNumber: Int, envelope: PayerInterchange.Envelope, queue: BackgroundQueue,
         encoders: @escaping (PayerSlug) -> Claim837PEncoder, fhirWriter: FHIRClaimWriter) {
        self.folder = folder; self.runNumber = runNumber; self.envelope = envelope; self.queue = queue; self.encoders = encoders
        self.fhirWriter = fhirWriter
    }

    /// Adds one encounter's claim: its FHIR entry to this block's buffer, its 837P claim to the
    /// payer's chunk (handed to the queue once full).
    func add(_ claim: Claim837PPreparedClaim, fhirClaim: [FHIRClaimWriter.Entry], for evaluation: EncounterEvaluation, payer: PayerRules,
             submission: ClaimSubmission = .original) throws {
        let documents = try documents(for: payer)
        for entry in fhirClaim {
            if try documents.bundleEntries.insert(entry.fullUrl) {
                // Copied from the entry's bytes in one go (appending the `Data` as a sequence cost
                // ~1,600 instructions an entry).
                entry.xml.withUnsafeBytes { documents.bundleBuffer.append(contentsOf: $0) }
            }
        }
        documents.chunk.append(PayerInterchange.PendingClaim(claim: claim, submission: submission, evaluation: evaluation))
        if documents.chunk.count >= Self.claimsPerChunk { try flush(documents) }
    }

    /// Writes this block's FHIR entries: one write per payer per block.
    func endBlock() throws {
        for slug in open.keys.sorted() {
            guard let documents = open[slug], !documents.bundleBuffer.isEmpty else { continue }
            try documents.bundle.append(documents.bundleBuffer)
            documents.bundleBuffer.removeAll(keepingCapacity: true)
        }
    }

    /// Encodes the last chunks (in payer order, so the last ST02 numbers are the same on every run),
    /// waits for the queue, and closes every file.
    func close() throws -> Closed {
        for slug in open.keys.sorted() { try flush(open[slug]!) }
        try queue.wait()
        var closed = Closed()
        for slug in open.keys.sorted() {
            guard let documents = open[slug] else { continue }
            try documents.bundle.append(FHIRClaimWriter.bundleClosing)
            try documents.bundle.close()
            let result = documents.interchange.progress
            guard result.transactionSets > 0 else {
                // Every claim of this payer was refused: no documents for it.
                try documents.interchange.body.close()
                for path in [documents.bundle.path, documents.interchange.body.path] {
                    try? FileManager.default.removeItem(atPath: path)
                }
                continue
            }
            closed.moves.append(.init(temporary: documents.bundle.path, final: folder.stage(documents.bundleName).final))
            // Named when its first transaction set was written (its claims were recorded with the name).
            let name = result.x12File
            try documents.interchange.close()
            // The staged body is the whole interchange now: it moves into place under its final name.
            closed.moves.append(.init(temporary: documents.interchange.body.path, final: folder.stage(name).final))
            closed.claimCount += result.claimCount
            closed.totals.append(.init(payer: slug, claims: result.claimCount, lines: result.lines, amount: Money.format(result.amount),
                                       file: name, interchangeControlNumber: result.formattedInterchange))
        }
        open = [:]
        return closed
    }

    private func documents(for payer: PayerRules) throws -> Open {
        if let existing = open[payer.slug] { return existing }
        let bundleName = folder.uniqueName("fhir", "\(payer.slug)-run\(runNumber)", "xml")
        let body = try FileAppender(creating: "\(folder.work)/x12/\(payer.slug).body")
        let bundle = try FileAppender(creating: folder.stage(bundleName).temporary)
        try bundle.append(fhirWriter.bundleOpening(bundleId: "run-\(runNumber)-\(payer.slug)", timestamp: envelope.timestamp))
        let created = Open(bundle: bundle, bundleName: bundleName,
                           interchange: PayerInterchange(payer: payer, encoder: encoders(payer.slug), body: body, bundleName: bundleName,
                                                         envelope: envelope, folder: folder),
                           bundleEntries: FullUrlSet(spillingInto: folder.work, name: "\(payer.slug).fullurls"))
        open[payer.slug] = created
        return created
    }

    /// Hands the payer's chunk to the queue, which encodes it as one ST…SE and appends it while the
    /// next blocks are processed.
    private func flush(_ documents: Open) throws {
        guard !documents.chunk.isEmpty else { return }
        let chunk = documents.chunk
        documents.chunk = []
        let interchange = documents.interchange
        try queue.run { try interchange.append(chunk) }
    }
}

/// One payer's 837P interchange, written on the background queue: ISA and GS open it with the
/// first transaction set, each chunk adds one ST…SE, and `close` adds GE and IEA with the count.
final class PayerInterchange: Sendable {
    /// A claim waiting in its payer's chunk, with only what the store records of its encounter
    /// (not the whole evaluation: up to `claimsPerChunk` wait per payer).
    struct PendingClaim: Sendable {
        struct Recorded: Sendable {
            var patientId: String
            var dateOfService: String
            var authNumber: String?
            /// Every service line of the encounter, in order (the encoded claim says which it carries).
            var services: [PreparedRun.BilledLine]
        }
        var claim: Claim837PPreparedClaim
        var submission: ClaimSubmission
        var encounterId: String
        /// nil without a decoded encounter (then nothing is recorded, as before).
        var recorded: Recorded?

        init(claim: Claim837PPreparedClaim, submission: ClaimSubmission, evaluation: EncounterEvaluation) {
            self.claim = claim.textOnly
            self.submission = submission
            encounterId = evaluation.encounterId
            recorded = evaluation.encounter.map { encounter in
                Recorded(patientId: encounter.patient.id, dateOfService: encounter.dateOfService.iso, authNumber: evaluation.billedAuthNumber,
                         services: encounter.services.enumerated().map { index, service in
                             PreparedRun.BilledLine(line: index + 1, code: service.code, chargeCents: Money.cents(of: service.charge),
                                                    units: service.units)
                         })
            }
        }
    }

    /// What every interchange of the run shares: the run's control numbers, the transaction its
    /// claims are recorded in, and the creation moment.
    struct Envelope: Sendable {
        var controlNumbers: RunControlNumbers
        var transaction: RunTransaction
        var createdDate: LocalDate
        var createdTime: String
        var outputDirectory: String

        /// The FHIR Bundle timestamp (an instant): the processing date at the run's time of day, with the clock's zone.
        var timestamp: String = ""
    }

    struct Progress: Sendable {
        var interchangeControlNumber: Int?
        var groupControlNumber: Int?
        var formattedInterchange = ""
        var transactionSets = 0
        /// Claims written so far (each inserted into the run's transaction).
        var claimCount = 0
        /// The interchange's file (DIR-relative), named with its ISA13 when its first set is written.
        var x12File = ""
        /// The claims' total in cents: each claim's total is whole cents (the encoder refuses more
        /// places), and summing `Decimal`s cost ~4,700 instructions a claim. Lines are limited at
        /// input, so a run's total stays far inside 64 bits.
        var cents: Int64 = 0
        var lines = 0

        /// What `cents` could not hold (a claim total past 64 bits of cents, or a sum that would pass
        /// them: beyond the input limits, but never a crash), summed as `Decimal`.
        var beyondCents: Decimal = 0
        /// The claims' total.
        var amount: Decimal { beyondCents == 0 ? Money.amount(cents: cents) : Money.amount(cents: cents) + beyondCents }

        /// Adds a claim's total: in cents while they hold it exactly, as `Decimal` past that.
        mutating func add(_ total: Decimal, cents totalCents: Int64) {
            let (sum, overflow) = cents.addingReportingOverflow(totalCents)
            if overflow || totalCents == .max || totalCents == .min { beyondCents += total } else { cents = sum }
        }
    }

    let payer: PayerRules
    let encoder: Claim837PEncoder
    let body: FileAppender
    let bundleName: String
    let envelope: Envelope
    private let folder: RunFolder
    private let state = Locked(Progress())

    init(payer: PayerRules, encoder: Claim837PEncoder, body: FileAppender, bundleName: String, envelope: Envelope, folder: RunFolder) {
        self.payer = payer; self.encoder = encoder; self.body = body; self.bundleName = bundleName
        self.envelope = envelope; self.folder = folder
    }

    /// A copy of what was written so far (read by the batch thread after the queue is drained).
    var progress: Progress { state.current }

    /// Encodes `chunk` as one transaction set and appends it (on the background queue).
    func append(_ chunk: [PendingClaim]) throws {
        try state.withLock { progress in
            let numbers = envelope.controlNumbers
            if progress.interchangeControlNumber == nil {
                progress.interchangeControlNumber = try numbers.next("isa13")
                progress.groupControlNumber = try numbers.next("gs06")
            }
            let setNumber = try numbers.next("st02")
            let isa = progress.interchangeControlNumber!
            let context = EnvelopeContext(interchangeControlNumber: isa, groupControlNumber: progress.groupControlNumber!,
                                          firstTransactionSetControlNumber: setNumber,
                                          creationDate: envelope.createdDate, creationTime: envelope.createdTime,
                                          batchReference: "\(isa)-\(setNumber)")
            let interchange: Claim837PInterchange
            do { interchange = try encoder.encode(prepared: chunk.map(\.claim), envelope: context, keepSegments: false) } catch {
                throw OutputError(path: "\(envelope.outputDirectory)/x12", message: "cannot encode the 837P for \(payer.slug): \(error)")
            }
            let opening = progress.transactionSets == 0 ? interchange.headerText : ""
            try body.append(opening + interchange.transactionSetsText)
            if progress.x12File.isEmpty {
                progress.x12File = folder.uniqueName("x12", "\(payer.slug)-\(interchange.interchangeControlNumber)", "x12")
            }
            progress.formattedInterchange = interchange.interchangeControlNumber
            progress.transactionSets += interchange.transactionSetControlNumbers.count
            // Each claim's pending entry by its position in `chunk` (encode refuses two claims with one
            // CLM01, so encounter ids are unique within a chunk; no table keyed by id is needed).
            let positions = interchange.preparedPositions
            let ruleVersion = String(payer.contentHash.prefix(16))
            var records: [StoredClaim] = []
            records.reserveCapacity(interchange.claims.count)
            for (offset, claim) in interchange.claims.enumerated() {
                guard let encounter = chunk[positions[offset]].recorded else { continue }
                let totalCents = Money.cents(of: claim.totalCharge)
                progress.add(claim.totalCharge, cents: totalCents)
                progress.lines += claim.lines.count
                progress.claimCount += 1
                var record = PreparedRun.ClaimRecord(
                    encounterId: claim.encounterId, patientId: encounter.patientId, payer: payer.slug,
                    dateOfService: encounter.dateOfService, x12File: progress.x12File, fhirFile: bundleName,
                    interchangeControlNumber: interchange.interchangeControlNumber, groupControlNumber: interchange.groupControlNumber,
                    transactionSetControlNumber: claim.transactionSetControlNumber, totalCents: totalCents,
                    authNumber: encounter.authNumber, ruleVersion: ruleVersion,
                    lines: claim.lines.map { encounter.services[$0 - 1] })
                record.submission = chunk[positions[offset]].submission
                records.append(record)
            }
            envelope.transaction.insert(records)
        }
    }

    /// GE and IEA with the number of transaction sets, then the file is closed.
    func close() throws {
        let progress = progress
        try body.append("GE*\(progress.transactionSets)*\(progress.groupControlNumber!)~\nIEA*1*\(progress.formattedInterchange)~\n")
        try body.close()
    }
}
