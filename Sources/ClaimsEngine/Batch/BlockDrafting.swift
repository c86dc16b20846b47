import ClaimsCore
import ClaimsSuperbill
import Foundation

/// One encounter's drafted documents and, for a new superbill, the outcome of writing its files.
struct DraftedEncounter: Sendable {
    var documents: EncounterDocuments
    /// The superbill's files in the work directory: the PDF outcome, or why writing failed (a
    /// file-system failure, which stops the run; content problems are in `documents`).
    var superbillFiles: Result<PDFOutcome?, any Error>?
}

/// Step 2 of each block, on every core while the next block is planned: draft and check the 837P
/// claim, the FHIR claim and the superbill (the drafter `check` uses too), and write new
/// superbills into the work directory.
struct BlockDrafting: Sendable {
    let drafter: DocumentDrafter
    let pdfWriter: (@Sendable (Superbill, String) throws -> PDFOutcome)?

    /// Starts drafting `planned` on the pool; the handoff delivers the drafts in the same order.
    func start(_ planned: [PlannedEncounter]) -> Handoff<[DraftedEncounter]> {
        let handoff = Handoff<[DraftedEncounter]>()
        let drafting = self
        DispatchQueue.global().async {
            handoff.finish(Parallel.map(planned) { drafting.draft($0) })
        }
        return handoff
    }

    func draft(_ item: PlannedEncounter) -> DraftedEncounter {
        let documents = drafter.draft(item.evaluation, payer: item.payer, superbill: item.superbill != nil,
                                      submission: item.submission?.x12 ?? .original)
        var drafted = DraftedEncounter(documents: documents)
        if let target = item.superbill, let bill = documents.superbill {
            drafted.superbillFiles = Result {
                try AtomicFiles.writeDurably(Data(drafter.superbillRenderer.html(bill).utf8), to: target.html.temporary, sync: false)
                guard let pdfWriter, let pdf = target.pdf else { return nil }
                return try pdfWriter(bill, pdf.temporary)
            }
        }
        return drafted
    }
}
