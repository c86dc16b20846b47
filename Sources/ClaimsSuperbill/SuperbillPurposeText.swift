import ClaimsCore
import Foundation

/// The superbill's wording follows why the patient is charged (issue 13, POLICY §5.3–§5.4): a receipt
/// (no insurance, Medicare ABN option 2, Medicaid private pay), investigational or off-label services,
/// services the plan does not cover, or an out-of-network reimbursement request — the only one that
/// says "out-of-network", and never for a payer the clinic profile marks `in` network. Used by the
/// HTML and the PDF alike.
public enum SuperbillPurposeText {
    /// The purpose of a superbill for `lines` of an encounter with `payer`: the strongest purpose the
    /// rules gave a `superbill` line; else the network's (out of network: a reimbursement request).
    public static func purpose(of lines: [LineDecision], payer: PayerSlug, clinic: ClinicProfile) -> SuperbillPurpose {
        let inNetwork = clinic.network[payer] == .in
        let decided = lines.filter { $0.decision == .superbill }.compactMap(\.superbillPurpose).min()
        let purpose = decided ?? .outOfNetwork
        return purpose == .outOfNetwork && inNetwork ? .notCovered : purpose
    }

    /// Under the title in the masthead.
    public static func subtitle(_ purpose: SuperbillPurpose) -> String {
        switch purpose {
        case .receipt: "Receipt for services paid by the patient"
        case .investigational: "Itemized statement of investigational or off-label services"
        case .notCovered: "Itemized statement of services not covered by the plan"
        case .outOfNetwork: "Itemized statement for insurance reimbursement"
        }
    }

    /// The heading of the closing statement.
    public static func heading(_ purpose: SuperbillPurpose) -> String {
        switch purpose {
        case .receipt: "About this receipt"
        case .investigational, .notCovered: "About coverage"
        case .outOfNetwork: "Statement for out-of-network submission"
        }
    }

    /// The statement's paragraphs: what the document is, then who paid and who is owed.
    public static func paragraphs(_ bill: Superbill, clinic: ClinicProfile) -> [String] {
        let plan = bill.encounter.coverage == nil ? nil : bill.payerName ?? bill.encounter.coverage?.payer
        switch bill.purpose {
        case .receipt:
            let what = plan.map {
                "This is a receipt. The patient agreed in writing, before the service, to pay for these services directly, and \($0) was not billed for them."
            } ?? "This is a receipt for services paid for by the patient directly; no insurance is on file."
            let paid = bill.balanceDue > 0
                ? "The patient is responsible for the balance due shown above."
                : "The patient has paid the provider directly for the services listed."
            return [what + " It is not a claim and not a request for insurance reimbursement.", paid]
        case .investigational:
            return ["The services listed are investigational or used off-label (for example, IV ketamine for depression) and are not expected to be covered by \(plan ?? "a health plan"). "
                    + "This itemized statement records what was provided and paid; the patient may send it to the plan, but payment is not expected.",
                    SuperbillRenderer.assignmentStatement(balanceDue: bill.balanceDue)]
        case .notCovered:
            return ["The services listed are not covered by \(plan ?? "the patient's plan"). This itemized statement records what was provided and paid.",
                    SuperbillRenderer.assignmentStatement(balanceDue: bill.balanceDue)]
        case .outOfNetwork:
            return [clinic.superbillStatement ?? SuperbillRenderer.defaultStatement,
                    SuperbillRenderer.assignmentStatement(balanceDue: bill.balanceDue)]
        }
    }
}
