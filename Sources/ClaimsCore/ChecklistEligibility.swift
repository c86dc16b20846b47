import Foundation

/// The checklist's eligibility part (CONTRACT §7, POLICY §5.5): the stored answer for each item's dates,
/// what it asks the front desk to do, and whether it keeps the item from being ready.
extension ChecklistBuilder {
    struct EligibilityAdvice {
        var summary: EligibilitySummary
        var warnings: [ChecklistWarning] = []
        var steps: [String] = []
        /// Inactive, carved out, or rejected: the treatment cannot be billed to this payer as scheduled.
        var blocksReadiness = false
    }

    /// The answer shown is the first scheduled date's, unless a later date's is worse (inactive, error, carved out).
    func eligibilityAdvice(_ encounters: [Encounter], payerName: String, asOf: LocalDate) -> EligibilityAdvice {
        guard let book = eligibility, !encounters.isEmpty else { return EligibilityAdvice(summary: .unknown) }
        let ordered = encounters.sorted { $0.dateOfService < $1.dateOfService }
        let summaries = ordered.map { (encounter: $0, summary: book.summary(for: $0)) }
        func isProblem(_ summary: EligibilitySummary) -> Bool {
            summary.status == .inactive || summary.status == .error || (summary.status == .active && summary.otherPayer != nil)
        }
        let shown = summaries.first { isProblem($0.summary) } ?? summaries[0]
        var advice = EligibilityAdvice(summary: shown.summary)
        let date = shown.encounter.dateOfService.iso
        switch shown.summary.status {
        case .unknown:
            break  // No answer stored changes nothing (POLICY §5.5); the item says `unknown`.
        case .inactive:
            advice.blocksReadiness = true
            let ended = shown.summary.planEnd.map { " (plan ended \($0.iso))" } ?? ""
            advice.steps.append("verify coverage: \(payerName) reports the coverage inactive on \(date)\(ended); ask the patient for current insurance or a self-pay agreement")
        case .error:
            advice.blocksReadiness = true
            advice.steps.append("correct the inquiry and verify coverage again: \(payerName) could not answer (\(shown.summary.messages.first ?? "rejected"))")
        case .active:
            if let other = shown.summary.otherPayer {
                advice.blocksReadiness = true
                advice.steps.append("bill \(other) instead: \(payerName) carves the mental-health benefit out to \(other); check \(other)'s authorization rules")
            } else if shown.summary.authorizationRequired == true {
                advice.steps.append("\(payerName) reports that the mental-health benefit requires authorization: make sure one is on file")
            }
        }
        if let answer = book.answer(for: shown.encounter), let stale = book.staleWarning(answer, asOf: asOf) {
            advice.warnings.append(ChecklistWarning(code: "eligibility-stale", message: stale.message))
            advice.steps.append("verify coverage again: the last answer from \(payerName) is from \(answer.checked.iso)")
        }
        return advice
    }
}

extension EligibilitySummary {
    /// One line for the checklist's text: `active (checked 2026-11-18); copay 40.00, coinsurance 20%, deductible left 350.00; authorization required`.
    public var text: String {
        guard status != .unknown else { return "unknown (no answer stored)" }
        var parts = [status.rawValue + (checked.map { " (checked \($0.iso))" } ?? "")]
        var share: [String] = []
        if let copay { share.append("copay \(Money.format(copay))") }
        if let coinsurancePercent { share.append("coinsurance \(Money.plain(coinsurancePercent))%") }
        if let deductibleRemaining { share.append("deductible left \(Money.format(deductibleRemaining))") }
        if !share.isEmpty { parts.append(share.joined(separator: ", ")) }
        if let planEnd { parts.append("plan ends \(planEnd.iso)") }
        if let authorizationRequired { parts.append(authorizationRequired ? "authorization required" : "no authorization required") }
        if let otherPayer { parts.append("carved out to \(otherPayer)") }
        parts += messages
        return parts.joined(separator: "; ")
    }
}
