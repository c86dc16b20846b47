import ClaimsCore
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims eligibility import`: reads 271s (and 999s acknowledging our 270s), matches each answer to its
/// inquiry by trace number (TRN*2) and member id, and records each file in one store transaction
/// (docs/eligibility.md). A file (by content) or an answer (by identity) recorded before changes nothing;
/// an answer that matches no inquiry is kept and reported.
public struct EligibilityImporter {
    public static let maximumFileBytes = 64 << 20

    public struct FileOutcome: Sendable {
        public typealias Status = ResponseImporter.FileOutcome.Status
        public var path: String
        public var status: Status
        /// Why the file was refused or skipped (nil when imported).
        public var message: String?
        /// One line per answer stored: `PT-1001 bcbs-il 2026-11-23: active (trace 1)`.
        public var stored: [String] = []
        /// Answers that matched no inquiry (stored, listed by `eligibility show`'s unmatched section).
        public var unmatched: [String] = []
        /// 999s that accepted a 270 (nothing to store).
        public var notes: [String] = []
    }

    let store: ClaimsStore
    /// BHT04/GS04 absent (never in a valid 271): the answer is dated this day.
    let asOf: LocalDate

    public init(store: ClaimsStore, asOf: LocalDate) { self.store = store; self.asOf = asOf }

    public func importFiles(_ paths: [String]) throws(StoreError) -> [FileOutcome] {
        let inquiries = try store.eligibilityInquiries()
        return try paths.map { path throws(StoreError) in try importFile(path, inquiries: inquiries) }
    }

    typealias Inquiry = (inquiry: EligibilityInquiryRecord, request: EligibilityRequestRecord)

    func importFile(_ path: String, inquiries: [Inquiry]) throws(StoreError) -> FileOutcome {
        let name = (path as NSString).lastPathComponent
        func refused(_ message: String) -> FileOutcome { FileOutcome(path: path, status: .refused, message: message) }
        let file: InboundFile
        switch InboundFile.read(path, maximumBytes: Self.maximumFileBytes) {
        case .success(let read): file = read
        case .failure(let refusal): return refused(refusal.message)
        }
        if let earlier = try store.importedEligibilityFile(contentHash: file.hash) {
            return FileOutcome(path: path, status: .alreadyImported,
                               message: "already imported on \(earlier.importedAt.prefix(10)) (as \(earlier.name)); nothing changed")
        }
        guard let text = file.text else { return refused("is not text (X12 is ASCII or UTF-8)") }
        let sets: [X12TransactionSet]
        do { sets = try X12TransactionSet.split(try X12Reader.read(text)) } catch { return refused("\(error); nothing was imported from it") }
        guard !sets.isEmpty else { return refused("holds no transaction set (ST…SE); nothing was imported from it") }

        var outcome = FileOutcome(path: path, status: .imported)
        var records: [Answer] = []
        do {
            for set in sets {
                switch set.transactionSetId {
                case "271": records += try answers(of: set, inquiries: inquiries)
                case "999": records += try rejections(of: set, inquiries: inquiries, outcome: &outcome)
                default:
                    return refused("transaction set \(set.controlNumber) is an \(set.transactionSetId) (GS01 \(set.functionalId)); "
                                   + "this command reads 271 and 999 files (999, 277CA and 835 to claims: claims responses import); nothing was imported from it")
                }
            }
        } catch let error as X12Error {
            return refused("\(error); nothing was imported from it")
        } catch {
            return refused("\(error); nothing was imported from it")
        }
        let known = try store.knownEligibilityAnswers(records.map(\.record.identity))
        let fresh = records.filter { !known.contains($0.record.identity) }
        if fresh.isEmpty && !records.isEmpty {
            return FileOutcome(path: path, status: .nothingNew, message: "every answer in it was imported before (from another file); nothing changed")
        }
        try store.recordEligibilityAnswers(file: EligibilityFileRecord(contentHash: file.hash, name: name), answers: fresh.map(\.record))
        for (record, line) in fresh {
            if record.inquiryId == nil { outcome.unmatched.append(line) } else { outcome.stored.append(line) }
        }
        return outcome
    }

    /// The answers of one 271, each matched to its inquiry by TRN02 and the member id.
    func answers(of set: X12TransactionSet, inquiries: [Inquiry]) throws -> [Answer] {
        let response = try Eligibility271(set)
        let checked = response.date.flatMap { LocalDate(iso: $0.iso) } ?? set.groupDate.flatMap { LocalDate(iso: $0.iso) } ?? asOf
        let byTrace = Dictionary(inquiries.map { ($0.inquiry.traceNumber, $0) }, uniquingKeysWith: { first, _ in first })
        var records: [Answer] = []
        if response.answers.isEmpty {
            // The payer or receiver rejected the request (AAA in 2100A/2100B): the inquiry BHT03 names (its trace number).
            let named = inquiries.filter { $0.inquiry.traceNumber == response.reference }
            let values = named.isEmpty ? [nil] : named.map(Optional.some)
            for inquiry in values {
                let answer = EligibilityAnswer(patientId: inquiry?.inquiry.patientId ?? "", payer: inquiry?.inquiry.payer ?? "",
                                               dateOfService: inquiry.flatMap { LocalDate(iso: $0.inquiry.dateOfService) } ?? checked,
                                               checked: checked, status: .error, rejections: response.headerRejections)
                records.append(try record(answer, kind: "271", sender: set.senderId, trace: inquiry?.inquiry.traceNumber, inquiry: inquiry,
                                          unmatched: inquiry == nil ? "the 271 names no subscriber and its BHT03 '\(response.reference ?? "")' is no trace number of ours" : nil))
            }
            return records
        }
        for item in response.answers {
            let trace = item.traceNumbers.first { byTrace[$0] != nil } ?? item.traceNumbers.first
            var inquiry = trace.flatMap { byTrace[$0] }
            var unmatched: String?
            if trace == nil {
                unmatched = "the \(item.loop) answer at segment \(item.segmentNumber) has no TRN*2 (our trace number)"
            } else if inquiry == nil {
                unmatched = "trace number \(trace!) (segment \(item.segmentNumber)) is no inquiry of ours"
            } else if let memberId = item.memberId, let expected = inquiry?.inquiry.memberId, memberId.uppercased() != expected.uppercased(),
                      item.rejections.isEmpty {
                unmatched = "trace number \(trace!) is our inquiry for member \(expected), but the answer is about member \(memberId)"
                inquiry = nil
            }
            let answer = EligibilityAnswer(
                patientId: inquiry?.inquiry.patientId ?? "", payer: inquiry?.inquiry.payer ?? "",
                dateOfService: inquiry.flatMap { LocalDate(iso: $0.inquiry.dateOfService) } ?? checked, checked: checked,
                status: response.headerRejections.isEmpty ? item.status : .error,
                planBegin: item.planBegin.flatMap { LocalDate(iso: $0.iso) }, planEnd: item.planEnd.flatMap { LocalDate(iso: $0.iso) },
                planName: item.planName, benefits: item.benefits, otherPayers: item.otherPayers, messages: item.messages,
                rejections: response.headerRejections + item.rejections)
            records.append(try record(answer, kind: "271", sender: set.senderId, trace: trace, inquiry: inquiry, unmatched: unmatched))
        }
        return records
    }

    /// A 999 to our 270s: every inquiry of a rejected transaction set (AK2 + IK5 R) or group (AK9 R without AK2) gets an error answer.
    func rejections(of set: X12TransactionSet, inquiries: [Inquiry], outcome: inout FileOutcome) throws -> [Answer] {
        let ack = try Acknowledgment999(set)
        guard ack.functionalId == "HS" else {
            throw X12Error("the 999 acknowledges a \(ack.functionalId) group, not a 270 (HS); import it with claims responses import",
                           segmentNumber: set.segments.first?.number)
        }
        let checked = set.groupDate.flatMap { LocalDate(iso: $0.iso) } ?? asOf
        var rejected: [(controlNumber: String?, reasons: [String])] = ack.transactions.filter { !$0.isAccepted }.map { response in
            (response.controlNumber, response.errors.map { "IK5 \($0)" } + response.segmentErrors.map { error in
                "segment \(error.segmentId) at position \(error.position)" + (error.code.map { " (IK304 \($0))" } ?? "")
                    + error.elementErrors.map { " element \($0.position) (IK403 \($0.code))" }.joined()
            })
        }
        if ack.transactions.isEmpty && ack.groupStatus == "R" { rejected = [(nil, ack.groupErrors.map { "AK9 \($0)" })] }
        for response in ack.transactions where response.isAccepted {
            outcome.notes.append("999: the 270 of group \(ack.groupControlNumber), transaction set \(response.controlNumber) was accepted")
        }
        var records: [Answer] = []
        for (controlNumber, reasons) in rejected {
            let named = inquiries.filter { $0.request.gs06 == ack.groupControlNumber && (controlNumber == nil || $0.inquiry.st02 == controlNumber) }
            let rejection = EligibilityRejection(loop: "999", reason: "rejected", followUp: nil,
                description: "the clearinghouse rejected the 270 (group \(ack.groupControlNumber)" + (controlNumber.map { ", transaction set \($0)" } ?? "")
                    + ")" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
            let values = named.isEmpty ? [nil] : named.map(Optional.some)
            for inquiry in values {
                let answer = EligibilityAnswer(patientId: inquiry?.inquiry.patientId ?? "", payer: inquiry?.inquiry.payer ?? "",
                                               dateOfService: inquiry.flatMap { LocalDate(iso: $0.inquiry.dateOfService) } ?? checked,
                                               checked: checked, status: .error, rejections: [rejection])
                records.append(try record(answer, kind: "999", sender: set.senderId, trace: inquiry?.inquiry.traceNumber, inquiry: inquiry,
                                          unmatched: inquiry == nil ? "no 270 of ours has group \(ack.groupControlNumber)" : nil))
            }
        }
        return records
    }

    /// A record to store and the line the import prints for it.
    typealias Answer = (record: EligibilityAnswerRecord, line: String)

    func record(_ answer: EligibilityAnswer, kind: String, sender: String, trace: String?, inquiry: Inquiry?, unmatched: String?) throws -> Answer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(answer), as: UTF8.self)
        // The same answer in another file (a clearinghouse re-sends it) has the same identity.
        let identity = SHA256.hex(Array("\(kind)|\(sender)|\(trace ?? "")|\(json)".utf8))
        let line: String
        if let inquiry {
            let share = answer.status == .error ? "error: " + answer.rejections.map(\.description).joined(separator: "; ") : answer.status.rawValue
            line = "\(inquiry.inquiry.patientId) \(inquiry.inquiry.payer) \(inquiry.inquiry.dateOfService): \(share) (trace \(trace ?? "?"))"
        } else {
            line = "\(kind): \(unmatched ?? "unmatched")"
        }
        let record = EligibilityAnswerRecord(inquiryId: inquiry?.inquiry.id, kind: kind, identity: identity, traceNumber: trace,
                                       patientId: inquiry?.inquiry.patientId, payer: inquiry?.inquiry.payer,
                                       dateOfService: inquiry?.inquiry.dateOfService, checked: answer.checked.iso, status: answer.status.rawValue,
                                       unmatchedReason: inquiry == nil ? (unmatched ?? "matched no inquiry") : nil, answer: json)
        return (record, line)
    }
}
