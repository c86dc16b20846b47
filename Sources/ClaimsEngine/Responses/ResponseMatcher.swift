import ClaimsStore
import ClaimsX12

/// Matches responses to the claims we sent and turns each transaction set into what the store
/// records: claim events, payments, adjustments, unmatched items (never dropped).
/// Pure over its inputs: the sent claims are read once per file, then matched in memory.
struct ResponseMatcher {
    let codes: ResponseCodeLists
    /// Claims by the GS06 + ST02 of the transaction set that carried them (999 matching).
    private let byTransaction: [String: [SentClaim]]
    private let groups: Set<String>
    /// The latest claim of each CLM01 (upper-cased encounter id; 277CA and 835 matching) …
    private let byControlNumber: [String: SentClaim]
    /// … and the latest to each of the encounter's payers (primary, secondary), for an 835 that says
    /// which one it adjudicated as (CLP02).
    private let byControlNumberAndCoverage: [String: SentClaim]

    init(claims: [SentClaim], codes: ResponseCodeLists) {
        self.codes = codes
        var byTransaction: [String: [SentClaim]] = [:]
        var byControlNumber: [String: SentClaim] = [:]
        var byControlNumberAndCoverage: [String: SentClaim] = [:]
        for claim in claims {
            byControlNumberAndCoverage[claim.encounterId.uppercased() + "/" + claim.submission.coverage.rawValue] = claim
            byTransaction[Self.key(claim.groupControlNumber, claim.transactionSetControlNumber), default: []].append(claim)
            byControlNumber[claim.encounterId.uppercased()] = claim  // ordered by id: the latest wins
        }
        self.byTransaction = byTransaction
        self.groups = Set(claims.map { Self.normalized($0.groupControlNumber) })
        self.byControlNumber = byControlNumber
        self.byControlNumberAndCoverage = byControlNumberAndCoverage
    }

    /// GS06 and ST02 compared as numbers when they are numbers (`000000001` = `1`).
    static func normalized(_ controlNumber: String) -> String {
        let trimmed = controlNumber.drop(while: { $0 == "0" })
        return controlNumber.allSatisfy(\.isNumber) ? (trimmed.isEmpty ? "0" : String(trimmed)) : controlNumber
    }

    static func key(_ group: String, _ transaction: String) -> String { normalized(group) + "/" + normalized(transaction) }

    func claim(controlNumber: String) -> SentClaim? { byControlNumber[controlNumber.uppercased()] }

    /// The claim an 835 claim answers: CLP02 1/19 (processed as primary) picks the latest claim to the
    /// primary payer, 2/20 (as secondary) the latest to the secondary; any other status the latest claim.
    func claim(controlNumber: String, status: String) -> SentClaim? {
        let coverage: ClaimSubmission.Coverage? = ["1", "19"].contains(status) ? .primary : ["2", "20"].contains(status) ? .secondary : nil
        guard let coverage else { return claim(controlNumber: controlNumber) }
        return byControlNumberAndCoverage[controlNumber.uppercased() + "/" + coverage.rawValue] ?? claim(controlNumber: controlNumber)
    }

    // MARK: 999

    func post(_ ack: Acknowledgment999, set: X12TransactionSet, into transaction: inout ResponsePosting.Transaction,
              outcome: inout TransactionOutcome) {
        transaction.record.reference = ack.groupControlNumber
        guard groups.contains(Self.normalized(ack.groupControlNumber)) else {
            let message = "acknowledges functional group \(ack.groupControlNumber) (AK102), which is none we sent"
            transaction.unmatched.append(UnmatchedResponseRecord(reference: "GS06 \(ack.groupControlNumber)", message: message))
            outcome.unmatched.append("999 \(message)")
            return
        }
        var responses = ack.transactions
        // A group rejected as a whole without transaction responses rejects every transaction set in it.
        if responses.isEmpty, ack.groupStatus == "R" {
            let sets = Set(byTransaction.keys.filter { $0.hasPrefix(Self.normalized(ack.groupControlNumber) + "/") })
            responses = sets.sorted().map { key in
                Acknowledgment999.TransactionResponse(transactionSetId: "837", controlNumber: String(key.split(separator: "/").last ?? ""),
                                                      status: "R", errors: ack.groupErrors, segmentErrors: [], segmentNumber: 0)
            }
        }
        for response in responses {
            guard let claims = byTransaction[Self.key(ack.groupControlNumber, response.controlNumber)] else {
                let message = "acknowledges transaction set \(response.controlNumber) of group \(ack.groupControlNumber) (AK202), which is none we sent"
                transaction.unmatched.append(UnmatchedResponseRecord(reference: "GS06 \(ack.groupControlNumber) ST02 \(response.controlNumber)",
                                                                     message: message))
                outcome.unmatched.append("999 \(message)")
                continue
            }
            let accepted = response.isAccepted
            let message = accepted
                ? "999: transaction set \(response.controlNumber) accepted" + (response.status == "E" ? " with errors: " + describe(response) : "")
                : "999: transaction set \(response.controlNumber) rejected: " + describe(response)
            for claim in claims {
                transaction.events.append(ClaimEventRecord(claimId: claim.claimId, kind: accepted ? "accepted" : "rejected", source: "999",
                                                           date: set.groupDate?.iso, message: message))
                outcome.count(accepted ? "accepted" : "rejected", claim.encounterId)
            }
        }
    }

    /// IK5/IK3/IK4 in words: `segment NM1 at position 17 (loop 2010BA): Segment has data element errors; NM109: Required data element missing`.
    func describe(_ response: Acknowledgment999.TransactionResponse) -> String {
        var parts: [String] = []
        for error in response.segmentErrors {
            var text = "segment \(error.segmentId) at position \(error.position)" + (error.loop.map { " (loop \($0))" } ?? "")
            if let code = error.code { text += ": " + codes.x12Errors.describe("IK3-\(code)") }
            for element in error.elementErrors {
                let position = Int(element.position).map { $0 < 10 ? "0\($0)" : "\($0)" } ?? element.position
                text += "; \(error.segmentId)\(position)" + (element.component.map { "-\($0)" } ?? "") + ": "
                    + codes.x12Errors.describe("IK4-\(element.code)") + (element.value.map { " (value '\($0)')" } ?? "")
            }
            parts.append(text)
        }
        for code in response.errors { parts.append(codes.x12Errors.describe("IK5-\(code)")) }
        if parts.isEmpty { parts.append(codes.x12Errors.describe("IK5-\(response.status)")) }
        return parts.joined(separator: "; ")
    }

    // MARK: 277CA

    func post(_ ack: ClaimAcknowledgment277, into transaction: inout ResponsePosting.Transaction, outcome: inout TransactionOutcome) {
        for status in ack.headerStatuses where status.verdict == .rejected {
            outcome.notes.append("277CA rejects at the receiver or provider level: \(describe(status)); the claims listed under it carry their own status")
        }
        for claimAck in ack.claims {
            guard let claim = claim(controlNumber: claimAck.patientControlNumber) else {
                let message = "claim \(claimAck.patientControlNumber) (TRN02) is none we sent"
                transaction.unmatched.append(UnmatchedResponseRecord(reference: claimAck.patientControlNumber, message: message))
                outcome.unmatched.append("277CA \(message)")
                continue
            }
            let statuses = claimAck.statuses.map(describe).joined(separator: "; ")
            switch claimAck.verdict {
            case .accepted:
                transaction.events.append(ClaimEventRecord(claimId: claim.claimId, kind: "accepted", source: "277CA",
                                                           date: claimAck.statuses.first?.date?.iso, message: "277CA: " + statuses))
                outcome.count("accepted", claim.encounterId)
            case .rejected:
                let lines = claimAck.lines.filter { $0.statuses.contains { $0.verdict == .rejected } }.map { line in
                    "line \(line.controlNumber ?? line.procedureCode ?? "?"): " + line.statuses.map(describe).joined(separator: "; ")
                }
                transaction.events.append(ClaimEventRecord(claimId: claim.claimId, kind: "rejected", source: "277CA",
                                                           date: claimAck.statuses.first?.date?.iso,
                                                           message: "277CA: " + ([statuses] + lines).joined(separator: "; ")))
                outcome.count("rejected", claim.encounterId)
            case .informational:
                outcome.notes.append("277CA: claim \(claim.encounterId): \(statuses) (recorded in the output only; no status change)")
            }
        }
    }

    /// `A7:21 Acknowledgement/Rejected for Invalid Information… — Missing or invalid information. (entity QC)`
    func describe(_ status: ClaimAcknowledgment277.Status) -> String {
        var text = "\(status.category):\(status.code) \(codes.statusCategories.describe(status.category)) — \(codes.statuses.describe(status.code))"
        if let entity = status.entity { text += " (entity \(entity))" }
        for extra in status.additional { text += "; \(extra.category):\(extra.code) \(codes.statuses.describe(extra.code))" }
        return text
    }
}

/// What one transaction set did, for the import report.
struct TransactionOutcome: Sendable {
    var kind: String
    var controlNumber: String
    /// Event kind → encounters.
    var events: [String: [String]] = [:]
    var unmatched: [String] = []
    var notes: [String] = []
    var skipped = false

    mutating func count(_ kind: String, _ encounter: String) { events[kind, default: []].append(encounter) }
}
