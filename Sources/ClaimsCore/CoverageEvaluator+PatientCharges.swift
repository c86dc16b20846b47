import Foundation

/// The patient's money (POLICY §5.3–§5.4): rules of kind `abn` and `private-pay` decide, after the
/// coverage rules, whether a line the payer would not pay for may be charged to the patient, from what
/// the patient signed on or before the date of service (`patientAgreements`).
extension CoverageEvaluator {
    /// What the agreement rules change beyond the line findings.
    struct PatientCharges {
        var addedModifiers: [[String]]
        /// Lines an agreement made a receipt (ABN option 2, private pay): their superbill's purpose.
        var receipts: [Bool]
        var errors: [InputError] = []
        var needs: [AgreementNeed] = []
        init(lineCount: Int) {
            addedModifiers = Array(repeating: [], count: lineCount)
            receipts = Array(repeating: false, count: lineCount)
        }
    }

    /// Decisions that mean the payer would not pay: the ones an agreement can turn into a charge.
    private static let patientDecisions: Set<Decision> = [.notCovered, .criteriaNotMet, .superbill]

    /// Replaces a line's not-covered/superbill findings by `decision` with `message` from `rule` first
    /// (what decided the line). A receipt (`superbill`) keeps the payer's reasons after it; a held or
    /// GA-billed line names those rules in its message instead, because their reasons promise the
    /// patient a superbill that an ABN hold or a Medicare claim does not give.
    private static func redecide(_ findings: inout [(Decision, Reason)], _ decision: Decision, rule: Rule, message: String) {
        let winner = findings.map(\.0).min() ?? .bill
        let why = findings.filter { $0.0 == winner }.map(\.1)
        findings.removeAll { patientDecisions.contains($0.0) }
        guard decision != .superbill else {
            findings.append((decision, Reason(rule: rule.qualifiedId, message: message)))
            findings += why.map { (decision, $0) }
            return
        }
        var seen: Set<String> = []
        let rules = why.map(\.rule).filter { seen.insert($0).inserted }
        let basis = rules.isEmpty ? "" : "; the plan is not expected to pay (\(rules.joined(separator: ", ")))"
        findings.append((decision, Reason(rule: rule.qualifiedId, message: message + basis)))
    }

    /// POLICY §5.3: the Medicare ABN.
    func applyABN(_ rule: Rule, modifier: String, to indices: [Int], of encounter: Encounter,
                  findings: inout [[(Decision, Reason)]], charges: inout PatientCharges) {
        for index in indices {
            let winner = findings[index].map(\.0).min() ?? .bill
            guard winner == .superbill || winner == .notCovered else { continue }
            let line = encounter.services[index]
            let position = encounter.agreementIndex(.abn, covering: line.code)
            let abn = position.map { encounter.agreements[$0] }
            charges.needs.append(AgreementNeed(line: index + 1, kind: .abn, rule: rule.qualifiedId, onFile: abn))
            guard let abn, let position else {
                let late = encounter.agreements.filter { $0.kind == .abn && $0.signed > encounter.dateOfService && ($0.codes?.contains(line.code) ?? true) }
                    .map { " (the ABN on file was signed \($0.signed.iso), after the date of service \(encounter.dateOfService.iso), so it does not count)" }.first ?? ""
                Self.redecide(&findings[index], .hold, rule: rule, message: (rule.message
                    ?? "an ABN signed before the service is needed to charge a Medicare patient; otherwise bill with GZ and write it off") + late)
                continue
            }
            switch abn.option {
            case 1:
                if !line.modifiers.contains(modifier) && line.modifiers.count >= 4 {
                    Self.redecide(&findings[index], .hold, rule: rule,
                                  message: "ABN option 1 (signed \(abn.signed.iso)) needs modifier \(modifier) on line \(index + 1) (\(line.code)), which already has 4 modifiers; remove one")
                    continue
                }
                if !line.modifiers.contains(modifier) { charges.addedModifiers[index].append(modifier) }
                Self.redecide(&findings[index], .bill, rule: rule,
                              message: "billed with modifier \(modifier) (ABN option 1, signed \(abn.signed.iso)): Medicare will likely deny this line and the patient is liable")
            case 2:
                charges.receipts[index] = true
                Self.redecide(&findings[index], .superbill, rule: rule,
                              message: "ABN option 2 (signed \(abn.signed.iso)): the patient pays and Medicare is not billed; the superbill is a receipt, not a reimbursement request")
            default:
                charges.errors.append(InputError(field: "patientAgreements[\(position)].option",
                    message: "service declined on the ABN: line \(index + 1) (\(line.code)) was declined by the patient (option 3, signed \(abn.signed.iso)); remove the line if the service was not given, or correct the ABN option"))
            }
        }
    }

    /// POLICY §5.4: Medicaid's not-covered lines and the private-pay agreement.
    func applyPrivatePay(_ rule: Rule, to indices: [Int], of encounter: Encounter,
                         findings: inout [[(Decision, Reason)]], charges: inout PatientCharges) {
        for index in indices where findings[index].map(\.0).min() == .notCovered {
            let code = encounter.services[index].code
            let agreement = encounter.agreement(.privatePay, covering: code)
            charges.needs.append(AgreementNeed(line: index + 1, kind: .privatePay, rule: rule.qualifiedId, onFile: agreement))
            if let agreement {
                charges.receipts[index] = true
                Self.redecide(&findings[index], .superbill, rule: rule,
                              message: "private-pay agreement signed \(agreement.signed.iso): the patient pays and Medicaid is not billed; the superbill is a receipt")
            } else {
                findings[index].append((.notCovered, Reason(rule: rule.qualifiedId,
                    message: rule.message ?? "no private-pay agreement on file: the patient cannot be charged")))
            }
        }
    }

    /// POLICY §5.4: a Medicaid patient who paid toward an encounter whose lines all bill is owed a refund.
    func refundWarning(_ rule: Rule, lines: [LineDecision], encounter: Encounter, payerName: String) -> Warning? {
        guard encounter.totalPayments > 0, !lines.isEmpty, lines.allSatisfy({ $0.decision == .bill }) else { return nil }
        return Warning(rule: rule.qualifiedId,
            message: "Medicaid patients may not be charged for covered services; refund \(Money.format(encounter.totalPayments)) paid by the patient (every line is billed to \(payerName))")
    }
}
