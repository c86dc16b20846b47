import ClaimsStore
import ClaimsX12

extension ResponseMatcher {
    /// Posts an 835: each claim by CLP01, each line by REF*6R, else by procedure code and date.
    /// The caller has checked the balance (BPR02 = Σ CLP04 − Σ PLB) before calling.
    func post(_ remittance: Remittance835, into transaction: inout ResponsePosting.Transaction, outcome: inout TransactionOutcome) {
        transaction.record.reference = remittance.traceNumber
        transaction.record.amountCents = remittance.totalPaid.cents
        transaction.record.date = remittance.paymentDate?.iso
        for claimPayment in remittance.claims {
            let claim = claim(controlNumber: claimPayment.patientControlNumber, status: claimPayment.statusCode)
            var payment = ResponsePosting.Payment(
                record: ClaimPaymentRecord(claimId: claim?.claimId, patientControlNumber: claimPayment.patientControlNumber,
                                           statusCode: claimPayment.statusCode, chargeCents: claimPayment.charge.cents,
                                           paidCents: claimPayment.paid.cents, patientResponsibilityCents: claimPayment.patientResponsibility?.cents,
                                           payerClaimNumber: claimPayment.payerClaimNumber, frequency: claimPayment.frequency,
                                           segment: claimPayment.segmentNumber, crossoverCarrier: claimPayment.crossoverCarrier),
                adjustments: claimPayment.adjustments.map(Self.record), remarks: claimPayment.remarks.map { PaymentRemarkRecord(code: $0) },
                lines: [])
            var unmatchedLines: [String] = []
            var taken: Set<Int> = []
            for line in claimPayment.lines {
                let match = claim.flatMap { matchLine(line, claim: $0, claimDate: claimPayment.statementDate, taken: taken) }
                if let match { taken.insert(match.line) } else if claim != nil {
                    unmatchedLines.append(line.controlNumber ?? "\(line.procedureCode) \(line.serviceDate?.iso ?? "")")
                }
                payment.lines.append(ResponsePosting.Line(
                    record: LinePaymentRecord(line: match?.line, matchedBy: match?.how, controlNumber: line.controlNumber,
                                              procedureCode: line.procedureCode, modifiers: line.modifiers.joined(separator: ":"),
                                              serviceDate: line.serviceDate?.iso, chargeCents: line.charge.cents, paidCents: line.paid.cents,
                                              units: line.units),
                    adjustments: line.adjustments.map(Self.record), remarks: line.remarks.map { PaymentRemarkRecord(code: $0) }))
            }
            transaction.payments.append(payment)
            guard let claim else {
                outcome.unmatched.append("835 claim \(claimPayment.patientControlNumber) (CLP01) is none we sent; kept with its payment of \(claimPayment.paid)")
                continue
            }
            for line in unmatchedLines {
                outcome.unmatched.append("835 claim \(claim.encounterId): service line \(line) matches no billed line (REF*6R, code and date); kept")
            }
            let (kind, message) = Self.event(for: claimPayment)
            transaction.events.append(ClaimEventRecord(claimId: claim.claimId, kind: kind, source: "835", date: remittance.paymentDate?.iso,
                                                       message: message))
            outcome.count(kind, claim.encounterId)
        }
        for plb in remittance.providerAdjustments {
            transaction.providerAdjustments.append(ProviderAdjustmentRecord(provider: plb.provider, fiscalDate: plb.fiscalPeriodDate?.iso,
                                                                            reason: plb.reason, reference: plb.reference,
                                                                            amountCents: plb.amount.cents))
            outcome.notes.append("PLB \(plb.reason) \(codes.providerAdjustmentReasons.describe(plb.reason)): \(plb.amount)"
                                 + (plb.reference.map { " (reference \($0))" } ?? ""))
        }
    }

    static func record(_ adjustment: Remittance835.Adjustment) -> PaymentAdjustmentRecord {
        PaymentAdjustmentRecord(groupCode: adjustment.group, reason: adjustment.reason, amountCents: adjustment.amount.cents,
                                quantity: adjustment.quantity)
    }

    /// REF*6R first (`<CLM01>-<line>`, as the 837P wrote it); else the first line not yet taken with
    /// the same procedure code (the submitted one when the payer changed it) on the claim's date.
    func matchLine(_ line: Remittance835.ServiceLine, claim: SentClaim, claimDate: X12Date?, taken: Set<Int>)
        -> (line: Int, how: String)? {
        if let control = line.controlNumber?.uppercased() {
            let prefix = claim.encounterId.uppercased() + "-"
            if control.hasPrefix(prefix), let number = Int(control.dropFirst(prefix.count)),
               claim.lines.contains(where: { $0.line == number }) {
                return (number, "control-number")
            }
        }
        let code = line.submittedProcedureCode ?? line.procedureCode
        if let date = line.serviceDate ?? claimDate, date.iso != claim.dateOfService { return nil }
        guard let billed = claim.lines.first(where: { $0.code == code && !taken.contains($0.line) }) else { return nil }
        return (billed.line, "code-and-date")
    }

    /// The event one 835 claim records: reversed (CLP02 22), denied (CLP02 4, or nothing paid and not
    /// all patient responsibility), partially paid (some line denied), else paid.
    static func event(for claim: Remittance835.Claim) -> (kind: String, message: String) {
        let summary = "paid \(claim.paid) of \(claim.charge)" + (claim.patientResponsibility.map { "; patient responsibility \($0)" } ?? "")
            + (claim.payerClaimNumber.map { "; payer claim number \($0)" } ?? "")
        if claim.isReversal { return ("reversed", "835: earlier payment reversed (CLP02 22): \(summary)") }
        let lineDenied = claim.lines.map { isDenied(paid: $0.paid, charge: $0.charge, adjustments: $0.adjustments) }
        let claimDenied = claim.lines.isEmpty
            ? isDenied(paid: claim.paid, charge: claim.charge, adjustments: claim.adjustments)
            : lineDenied.allSatisfy { $0 } && claim.paid.cents == 0
        if claim.isDenied || claimDenied { return ("denied", "835: denied: \(summary)") }
        if lineDenied.contains(true) { return ("partially-paid", "835: \(lineDenied.filter { $0 }.count) of \(claim.lines.count) lines denied; \(summary)") }
        return ("paid", "835: \(summary)")
    }

    /// Nothing paid on a charge, and not because it is all the patient's to pay (deductible, copay).
    static func isDenied(paid: X12Amount, charge: X12Amount, adjustments: [Remittance835.Adjustment]) -> Bool {
        paid.cents == 0 && charge.cents > 0 && adjustments.contains { $0.group != "PR" && $0.amount.cents != 0 }
    }
}
