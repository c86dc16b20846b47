import ClaimsCore
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims eligibility request`: one 270 interchange per payer for the encounters of a file, one inquiry
/// per patient × payer × date of service (docs/eligibility.md). Control numbers (ISA13, GS06, ST02) and
/// trace numbers (TRN02) are allocated and the inquiries recorded in one store transaction, committed only
/// after every file is written and flushed under a temporary name; then the files are moved into place.
/// A run killed before the commit leaves no file and no number spent; after it, the inquiries are recorded
/// (a new run writes new inquiries with new numbers; an answer always finds the inquiry it answers).
public struct EligibilityRequester {
    public var store: ClaimsStore
    public var rules: RuleBook
    public var clinic: ClinicProfile
    /// BHT04/GS04/ISA09 and the creation time (HHMM): the injected clock.
    public var creationDate: LocalDate
    public var creationTime: String

    public init(store: ClaimsStore, rules: RuleBook, clinic: ClinicProfile, creationDate: LocalDate, creationTime: String) {
        self.store = store; self.rules = rules; self.clinic = clinic; self.creationDate = creationDate; self.creationTime = creationTime
    }

    public struct Outcome: Sendable {
        public struct File: Sendable, Hashable { public var payer: PayerSlug, path: String, inquiries: Int, interchangeControlNumber: String }
        public struct Skipped: Sendable, Hashable { public var encounter: String, reason: String }
        public var files: [File] = []
        /// Self-pay encounters: nothing to ask.
        public var selfPay: [String] = []
        /// Encounters with input errors, or whose inquiry cannot be written (the field and how to fix it).
        public var rejected: [Skipped] = []
    }

    /// The inquiries of `records` grouped by payer, in order (payer slug; date, patient within a payer).
    func inquiries(_ records: [DecodedRecord], outcome: inout Outcome) -> [(PayerSlug, [Eligibility270Inquiry])] {
        struct Key: Hashable { var patient: String, payer: PayerSlug, date: LocalDate }
        var order: [Key] = []
        var grouped: [Key: (encounter: Encounter, services: Set<ServiceName>)] = [:]
        for record in records {
            guard let encounter = record.encounter, record.errors.isEmpty else {
                outcome.rejected.append(.init(encounter: record.id, reason: record.errors.map(\.description).joined(separator: "; ")))
                continue
            }
            guard let coverage = encounter.coverage, coverage.payer != RuleBook.selfPaySlug else {
                outcome.selfPay.append(encounter.id)
                continue
            }
            let key = Key(patient: encounter.patient.id, payer: coverage.payer, date: encounter.dateOfService)
            let services = Set(encounter.services.compactMap { rules.codes.service(of: $0.code) })
            if let existing = grouped[key] {
                grouped[key] = (existing.encounter, existing.services.union(services))
            } else {
                order.append(key)
                grouped[key] = (encounter, services)
            }
        }
        let byPayer = Dictionary(grouping: order, by: \.payer)
        return byPayer.keys.sorted().map { payer in
            let keys = byPayer[payer]!.sorted { ($0.date, $0.patient) < ($1.date, $1.patient) }
            return (payer, keys.map { key in
                let (encounter, services) = grouped[key]!
                return Eligibility270Inquiry(patient: encounter.patient, coverage: encounter.coverage!, dateOfService: key.date,
                                             serviceTypes: EligibilityServiceTypes.inquiry(for: services), traceNumber: "0",
                                             encounterId: encounter.id)
            })
        }
    }

    /// Writes the 270s for `records` into `directory` and records the inquiries.
    public func request(_ records: [DecodedRecord], into directory: String) throws -> Outcome {
        var outcome = Outcome()
        var writable: [(payer: PayerRules, encoder: Eligibility270Encoder, inquiries: [Eligibility270Inquiry])] = []
        for (slug, inquiries) in inquiries(records, outcome: &outcome) {
            guard let payer = rules.payer(slug) else { continue }
            let encoder = Eligibility270Encoder(clinic: clinic, payer: payer)
            if let problem = encoder.setupProblems().first {
                throw EligibilityRequestError("no 270 can be written for \(slug): \(problem.field): \(problem.message); fix the clinic profile or \(payer.sourceFile)")
            }
            var good: [Eligibility270Inquiry] = []
            for inquiry in inquiries {
                let problems = encoder.problems(in: inquiry)
                if problems.isEmpty { good.append(inquiry) } else {
                    outcome.rejected.append(.init(encounter: inquiry.encounterId, reason: problems.map(\.description).joined(separator: "; ")))
                }
            }
            if !good.isEmpty { writable.append((payer, encoder, good)) }
        }
        guard !writable.isEmpty else { return outcome }
        try AtomicFiles.createDirectory(directory)

        var staged: [(temporary: String, final: String)] = []
        /// A file or encoding failure inside the transaction (rolled back), reported as itself rather than as a store failure.
        var failure: (any Error)?
        do {
            try store.write { tx in
                do {
                    for (payer, encoder, inquiries) in writable {
                        let (file, written) = try write(inquiries, of: payer, encoder: encoder, into: directory, tx: tx)
                        staged.append(file)
                        outcome.files.append(written)
                    }
                } catch let error as OutputError {
                    failure = error
                    throw error
                } catch let error as Claim837PError {
                    failure = error
                    throw error
                }
            }
        } catch {
            for file in staged { unlink(file.temporary) }
            throw failure ?? error
        }
        for file in staged { try AtomicFiles.moveIntoPlace(file.temporary, file.final, syncDirectory: false) }
        AtomicFiles.syncDirectory(directory)
        return outcome
    }
}

extension EligibilityRequester {
    /// One payer's interchange inside the run's transaction: numbers allocated, the file written and flushed under a
    /// temporary name, the request and its inquiries recorded.
    func write(_ inquiries: [Eligibility270Inquiry], of payer: PayerRules, encoder: Eligibility270Encoder, into directory: String,
               tx: StoreTransaction) throws -> (staged: (temporary: String, final: String), file: Outcome.File) {
        let maximum = 999_999_999
        let isa13 = try tx.allocateControlNumbers(name: "isa13", maximum: maximum).lowerBound
        let gs06 = try tx.allocateControlNumbers(name: "gs06", maximum: maximum).lowerBound
        let st02 = try tx.allocateControlNumbers(name: "st02", count: inquiries.count, maximum: maximum).lowerBound
        let traces = try tx.allocateControlNumbers(name: "eligibility-trace", count: inquiries.count, maximum: maximum)
        let numbered = zip(inquiries, traces).map { inquiry, trace in
            var copy = inquiry
            copy.traceNumber = String(trace)
            return copy
        }
        let envelope = EnvelopeContext(interchangeControlNumber: isa13, groupControlNumber: gs06, firstTransactionSetControlNumber: st02,
                                       creationDate: creationDate, creationTime: creationTime)
        let text = try encoder.encode(numbered, envelope: envelope)
        let name = "\(payer.slug)-\(envelope.formattedInterchangeControlNumber).270.x12"
        let final = (directory as NSString).appendingPathComponent(name)
        let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp")
        try AtomicFiles.writeDurably(Data(text.utf8), to: temporary)
        do {
            try record(numbered, of: payer, envelope: envelope, file: final, tx: tx)
        } catch {
            unlink(temporary)
            throw error
        }
        return ((temporary, final), Outcome.File(payer: payer.slug, path: final, inquiries: numbered.count,
                                                 interchangeControlNumber: envelope.formattedInterchangeControlNumber))
    }

    func record(_ numbered: [Eligibility270Inquiry], of payer: PayerRules, envelope: EnvelopeContext, file final: String,
                tx: StoreTransaction) throws {
        try tx.recordEligibilityRequest(
            EligibilityRequestRecord(payer: payer.slug, file: final, isa13: envelope.formattedInterchangeControlNumber,
                                     gs06: String(envelope.groupControlNumber)),
            inquiries: numbered.enumerated().map { index, inquiry in
                EligibilityInquiryRecord(st02: envelope.transactionSetControlNumber(at: index), traceNumber: inquiry.traceNumber,
                                         patientId: inquiry.patient.id, payer: payer.slug, memberId: inquiry.coverage.memberId,
                                         dateOfService: inquiry.dateOfService.iso, serviceTypes: inquiry.serviceTypes.joined(separator: "^"),
                                         encounterId: inquiry.encounterId)
            })
    }
}

/// A 270 that cannot be written at all (the clinic profile or a payer file): nothing was recorded.
public struct EligibilityRequestError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
