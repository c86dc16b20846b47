import ClaimsCore
import ClaimsStore
import Foundation

extension BatchReport {
    /// One replacement, void or secondary claim the run sent.
    public struct CorrectionEntry: Codable, Sendable {
        public var encounter: String
        public var payer: String
        /// `replacement` (frequency 7), `void` (8) or `secondary` (to the second payer, after the primary's 835).
        public var kind: String
        public var frequency: String

        init(encounter: String, payer: String, submission: ClaimSubmission) {
            self.encounter = encounter; self.payer = payer; frequency = submission.frequency
            kind = submission.coverage == .secondary ? "secondary" : submission.frequency == "7" ? "replacement" : "void"
        }
    }

    mutating func addCorrection(_ entry: CorrectionEntry) { corrections = (corrections ?? []) + [entry] }
}

/// Step 3's last part (docs/corrections.md): when the input is done, the voids `claims void` asked for
/// and the claims due to secondary payers are drafted like any claim and added to the payers'
/// documents, so they are recorded, sent and made visible with the run, exactly once.
final class FollowUpClaims {
    let plan: CorrectionPlan
    private let drafter: DocumentDrafter

    init(plan: CorrectionPlan, drafter: DocumentDrafter) { self.plan = plan; self.drafter = drafter }

    func add(to payers: PayerDocuments, report: inout BatchReport) throws {
        var warnings: [BatchReport.EncounterWarning] = []
        for claim in try plan.followUps(warnings: &warnings) {
            let documents = drafter.draft(claim.evaluation, payer: claim.payer, superbill: false, submission: claim.submission.x12)
            let entry = BatchReport.CorrectionEntry(encounter: claim.evaluation.encounterId, payer: claim.payer.slug, submission: claim.submission.stored)
            guard let prepared = documents.claim, let fhirClaim = documents.fhirClaim else {
                let problems = documents.problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
                warnings.append(.init(encounter: entry.encounter, rule: CorrectionPlan.secondaryRule,
                                      message: "the \(entry.kind) claim to \(entry.payer) was not sent: \(problems.isEmpty ? "nothing to bill" : problems)"))
                continue
            }
            try payers.add(prepared, fhirClaim: fhirClaim, for: claim.evaluation, payer: claim.payer, submission: claim.submission.stored)
            report.addCorrection(entry)
        }
        try payers.endBlock()
        report.warnings += warnings
    }
}
