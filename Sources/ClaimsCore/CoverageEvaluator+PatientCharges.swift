import Foundation

/// The patient's money (POLICY §5.3–§5.4): rules of kind `abn` and `private-pay` decide, after the
/// coverage rules, whether a line the payer would not pay for may be charged to the patient, from what
/// the patient signed on or before the date of service (`patientAgreements`).
extension CoverageEvaluator {
    /// What the agreement rules change beyond the line findings. Most encounters have no agreement
    /// rule that acts: the per-line lists are made on the first change.
    struct PatientCharges {
        let lineCount: Int
        private var modifiers: [[String]] = []
        /// Lines an agreement made a receipt (ABN option 2, private pay): their superbill's purpose.
        private var receipts: [Bool] = []
        var errors: [InputError] = []
        var needs: [AgreementNeed] = []
        init(lineCount: Int) { self.lineCount = lineCount }

        func addedModifiers(line index: Int) -> [String] { modifiers.isEmpty ? [] : modifiers[index] }
        mutating func addModifier(_ modifier: String, line index: Int) {
            if modifiers.isEmpty { modifiers = Array(repeating: [], count: lineCount) }
            modifiers[index].append(modifier)
        }
        func isReceipt(line index: Int) -> Bool { receipts.isEmpty ? false : receipts[index] }
        mutating func markReceipt(line index: Int) {
            if receipts.isEmpty { receipts = Array(repeating: false, count: lineCount) }
            receipts[index] = true
        }
    }

    /// Decisions that mean the payer would not pay: the ones an agreement can turn into a charge.
    private static let patientDecisions: Set<Decision> = [.notCovered, .criteriaNotMet, .superbill]

    /// Replaces a line's not-covered/superbill findings by `decision` with `message` from `rule` first
    /// (what decided the line). A receipt (`superbill`) keeps the payer's reasons after it; a held or
    /// GA-billed line names those rules in its message instead, because their reasons promise the
    /// patient a superbill that an ABN hold or a Medicare claim does not give.
    private static func redecide(_ findings: inout [Finding], _ decision: Decision, rule: PlannedRule, message: String) {
        let winner = Self.winner(of: findings)
        let why = findings.filter { $0.decision == winner }.map(\.reason)
        findings.removeAll { patientDecisions.contains($0.decision) }
        guard decision != .superbill else {
            findings.append(Finding(decision: decision, reason: Reason(rule: rule.qualifiedId, message: message)))
            findings += why.map { Finding(decision: decision, reason: $0) }
            return
        }
        var seen: Set<String> = []
        let rules = why.map(\.rule).filter { seen.insert($0).inserted }
        let basis = rules.isEmpty ? "" : "; the plan is not expected to pay (\(rules.joined(separator: ", ")))"
        findings.append(Finding(decision: decision, reason: Reason(rule: rule.qualifiedId, message: message + basis)))
    }

    /// POLICY §5.3: the Medicare ABN.
    func applyABN(_ rule: PlannedRule, modifier: String, to indices: [Int], of encounter: Encounter,
                  findings: inout LineFindings, charges: inout PatientCharges) {
        for index in indices {
            let winner = Self.winner(of: findings[index])
            guard winner == .superbill || winner == .notCovered else { continue }
            let line = encounter.services[index]
            let position = encounter.agreementIndex(.abn, covering: line.code)
            let abn = position.map { encounter.agreements[$0] }
            charges.needs.append(AgreementNeed(line: index + 1, kind: .abn, rule: rule.qualifiedId, onFile: abn))
            guard let abn, let position else {
                let late = encounter.agreements.filter { $0.kind == .abn && $0.signed > encounter.dateOfService && ($0.codes?.contains(line.code) ?? true) }
                    .map { " (the ABN on file was signed \($0.signed.iso), after the date of service \(encounter.dateOfService.iso), so it does not count)" }.first ?? ""
                Self.redecide(&findings[index], .hold, rule: rule, message: (rule.rule.message
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
                if !line.modifiers.contains(modifier) { charges.addModifier(modifier, line: index) }
                Self.redecide(&findings[index], .bill, rule: rule,
                              message: "billed with modifier \(modifier) (ABN option 1, signed \(abn.signed.iso)): Medicare will likely deny this line and the patient is liable")
            case 2:
                charges.markReceipt(line: index)
                Self.redecide(&findings[index], .superbill, rule: rule,
                              message: "ABN option 2 (signed \(abn.signed.iso)): the patient pays and Medicare is not billed; the superbill is a receipt, not a reimbursement request")
            default:
                charges.errors.append(InputError(field: "patientAgreements[\(position)].option",
                    message: "service declined on the ABN: line \(index + 1) (\(line.code)) was declined by the patient (option 3, signed \(abn.signed.iso)); remove the line if the service was not given, or correct the ABN option"))
            }
        }
    }

    /// POLICY §5.4: Medicaid's not-covered lines and the private-pay agreement.
    func applyPrivatePay(_ rule: PlannedRule, to indices: [Int], of encounter: Encounter,
                         findings: inout LineFindings, charges: inout PatientCharges) {
        for index in indices where findings[index].map(\.decision).min() == .notCovered {
            let code = encounter.services[index].code
            let agreement = encounter.agreement(.privatePay, covering: code)
            charges.needs.append(AgreementNeed(line: index + 1, kind: .privatePay, rule: rule.qualifiedId, onFile: agreement))
            if let agreement {
                charges.markReceipt(line: index)
                Self.redecide(&findings[index], .superbill, rule: rule,
                              message: "private-pay agreement signed \(agreement.signed.iso): the patient pays and Medicaid is not billed; the superbill is a receipt")
            } else {
                findings[index].append(Finding(decision: .notCovered, reason: Reason(rule: rule.qualifiedId,
                    message: rule.rule.message ?? "no private-pay agreement on file: the patient cannot be charged")))
            }
        }
    }

    /// POLICY §5.4: a Medicaid patient who paid toward an encounter whose lines all bill is owed a refund.
    func refundWarning(_ rule: PlannedRule, lines: [LineDecision], encounter: Encounter, payerName: String) -> Warning? {
        guard encounter.totalPayments > 0, !lines.isEmpty, lines.allSatisfy({ $0.decision == .bill }) else { return nil }
        return Warning(rule: rule.qualifiedId,
            message: "Medicaid patients may not be charged for covered services; refund \(Money.format(encounter.totalPayments)) paid by the patient (every line is billed to \(payerName))")
    }
}
