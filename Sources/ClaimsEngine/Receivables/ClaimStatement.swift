import ClaimsCore
import ClaimsStore

/// One claim's standing, derived from its history: status, money, net adjustments (a reversal's
/// negative amounts cancel what it reverses), payer claim number. What `claim show` and `ar` print.
public struct ClaimStatement: Sendable {
    public struct Adjustment: Sendable, Hashable {
        /// The encounter's line number, nil for a claim-level adjustment.
        public var line: Int?
        public var group: String, reason: String
        public var amountCents: Int64
        public var remarks: [String]
    }

    public let history: ClaimHistory
    /// CONTRACT §8: sent, accepted, rejected, paid, partially-paid, denied, corrected (replaced by a later
    /// claim), void (voided by a later claim, or the void claim itself).
    public let status: String
    public let billedCents: Int64
    /// Σ CLP04 over every posted payment (reversals are negative).
    public let paidCents: Int64
    /// Σ of the net PR adjustments.
    public let patientResponsibilityCents: Int64
    public let adjustments: [Adjustment]
    /// CLP07 of the latest payment that carried one.
    public let payerClaimNumber: String?
    /// Net paid per billed line (lines with no payment posted are absent).
    public let linePaidCents: [Int: Int64]

    public var encounterId: String { history.claim.encounterId }

    /// What the payer still owes: billed − paid − every net adjustment (the PR part moves to the patient).
    public var outstandingCents: Int64 { billedCents - paidCents - adjustments.reduce(0) { $0 + $1.amountCents } }

    /// The latest `rejected` event, while the claim stands rejected.
    public var rejection: ClaimHistory.Event? { status == "rejected" ? history.events.last { $0.record.kind == "rejected" } : nil }

    public init(_ history: ClaimHistory) {
        self.history = history
        billedCents = history.claim.totalCents
        var status = "sent"
        for event in history.events {
            switch event.record.kind {
            case "accepted", "rejected":
                // An acknowledgment arriving after adjudication does not take the claim back.
                if ["sent", "accepted", "rejected"].contains(status) { status = event.record.kind }
            case "reversed":
                status = "accepted"  // back with the payer: the payment was taken back
            case "sent": break
            default: status = event.record.kind
            }
        }
        // A void claim (frequency 8) is void whatever the payer answers to it.
        self.status = history.claim.submission.frequency == "8" ? "void" : status
        paidCents = history.payments.reduce(0) { $0 + $1.record.paidCents }
        payerClaimNumber = history.payments.last { $0.record.payerClaimNumber != nil }?.record.payerClaimNumber

        var net: [String: Adjustment] = [:]
        var order: [String] = []
        var linePaid: [Int: Int64] = [:]
        for payment in history.payments {
            var lineNumbers: [Int64: Int] = [:]
            for line in payment.lines {
                if let number = line.line { lineNumbers[line.id!] = number; linePaid[number, default: 0] += line.paidCents }
            }
            for adjustment in payment.adjustments {
                let line = adjustment.linePaymentId.flatMap { lineNumbers[$0] }
                let key = "\(line ?? 0)|\(adjustment.groupCode)|\(adjustment.reason)"
                if net[key] == nil {
                    order.append(key)
                    net[key] = Adjustment(line: line, group: adjustment.groupCode, reason: adjustment.reason, amountCents: 0, remarks: [])
                }
                net[key]!.amountCents += adjustment.amountCents
                let remarks = payment.remarks.filter { $0.linePaymentId == adjustment.linePaymentId }.map(\.code)
                for remark in remarks where !net[key]!.remarks.contains(remark) { net[key]!.remarks.append(remark) }
            }
        }
        adjustments = order.compactMap { net[$0] }.filter { $0.amountCents != 0 }
        patientResponsibilityCents = adjustments.filter { $0.group == "PR" }.reduce(0) { $0 + $1.amountCents }
        linePaidCents = linePaid
    }

    /// The adjustments to work: on a denied claim every non-PR one; on a partially paid claim those
    /// of the lines nothing was paid for.
    public var denialAdjustments: [Adjustment] {
        switch status {
        case "denied": adjustments.filter { $0.group != "PR" }
        case "partially-paid": adjustments.filter { $0.group != "PR" && ($0.line.map { (linePaidCents[$0] ?? 0) == 0 } ?? false) }
        default: []
        }
    }
}
