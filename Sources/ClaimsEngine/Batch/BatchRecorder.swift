import ClaimsCore
import ClaimsStore
import ClaimsSuperbill
import Foundation

/// Step 3 of each block, in file order again: report each encounter, add its claim to the payer's
/// documents, issue its superbill, and gather what the run will record. An encounter whose
/// documents were refused is rejected alone. Used by the batch thread only.
final class BatchRecorder {
    /// Encounter history rows handed to the run's transaction at a time.
    static let encountersPerSave = 1000

    private let folder: RunFolder
    private let payers: PayerDocuments
    private let planner: BatchPlanner
    private let transaction: RunTransaction
    private var moves: [PreparedRun.FileMove] = []
    private var superbills: [PreparedRun.SuperbillRecord] = []
    private var uses: [PreparedRun.UseRecord] = []
    private var encountersToSave: [(id: String, dateOfService: LocalDate, payer: String, json: String)] = []
    /// Voids and secondary claims added when the input is done (docs/corrections.md).
    var followUps: FollowUpClaims?

    init(folder: RunFolder, payers: PayerDocuments, planner: BatchPlanner, transaction: RunTransaction) {
        self.folder = folder; self.payers = payers; self.planner = planner; self.transaction = transaction
    }

    func record(_ planned: [PlannedEncounter], _ drafted: [DraftedEncounter], report: inout BatchReport) throws {
        for (item, made) in zip(planned, drafted) {
            var evaluation = item.evaluation
            evaluation.warnings += made.documents.warnings
            let encounter = evaluation.encounter!
            let documents = made.documents
            if documents.isRefused {
                planner.giveBack(item)
                report.reject(encounter.id, ordinal: item.ordinal, line: item.line, errors: documents.problems)
                continue
            }
            if let json = item.source { encountersToSave.append((encounter.id, encounter.dateOfService, item.payer.slug, json)) }
            report.addLines(of: evaluation, payer: item.payer.slug, prior: item.prior)
            if item.bills, let claim = documents.claim, let fhirClaim = documents.fhirClaim {
                try payers.add(claim, fhirClaim: fhirClaim, for: evaluation, payer: item.payer, submission: item.submission?.stored ?? .original)
                if let submission = item.submission {
                    followUps?.plan.markSent(encounter.id)
                    report.addCorrection(.init(encounter: encounter.id, payer: item.payer.slug, submission: submission.stored))
                }
                for use in evaluation.authorizationUses where !item.prior.authorizationsUsed.contains(use.authorizationId) {
                    uses.append(.init(authorizationId: use.authorizationId, encounterId: encounter.id, dateOfService: encounter.dateOfService.iso))
                }
            }
            // Superbills: one per encounter, issued once.
            if let target = item.superbill, let superbill = documents.superbill, let files = made.superbillFiles {
                try issue(superbill, target: target, pdf: try files.get(), encounterId: encounter.id, report: &report)
            }
        }
        try payers.endBlock()
        if encountersToSave.count >= Self.encountersPerSave {
            transaction.saveEncounters(encountersToSave)
            encountersToSave.removeAll(keepingCapacity: true)
        }
    }

    /// Saves the last encounter rows, closes the payers' documents, and returns the run to record
    /// with every file it will move (the report's two files last).
    func finish(runNumber: Int, report: inout BatchReport) throws -> PreparedRun {
        transaction.saveEncounters(encountersToSave)
        encountersToSave = []
        try followUps?.add(to: payers, report: &report)
        let closed = try payers.close()
        moves += closed.moves
        report.payers += closed.totals
        report.files = moves.map { folder.relative($0.final) }.sorted() + ["report.html", "report.json"]
        moves += ["report.json", "report.html"].map { name in
            let paths = folder.stage(name)
            return PreparedRun.FileMove(temporary: paths.temporary, final: paths.final)
        }
        return PreparedRun(runNumber: runNumber, outputDirectory: folder.output, workDirectory: folder.work, moves: moves,
                           claims: [], superbills: superbills, authorizationUses: uses, streamedClaims: closed.claimCount)
    }

    private func issue(_ superbill: Superbill, target: SuperbillTarget, pdf: PDFOutcome?, encounterId: String, report: inout BatchReport) throws {
        moves.append(.init(temporary: target.html.temporary, final: target.html.final))
        var entry = BatchReport.SuperbillEntry(encounter: encounterId, html: target.htmlName, pdf: nil, pdfNote: nil,
                                               total: Money.format(superbill.totalCharges), balanceDue: Money.format(superbill.balanceDue))
        switch pdf {
        case .written?:
            moves.append(.init(temporary: target.pdf!.temporary, final: target.pdf!.final))
            entry.pdf = target.pdfName
        case .skipped(let reason)?:
            entry.pdfNote = reason
        case nil:
            entry.pdfNote = "PDF not requested"
        }
        report.superbills.append(entry)
        superbills.append(.init(encounterId: encounterId, file: target.htmlName, totalCents: Money.cents(of: superbill.totalCharges),
                                balanceDueCents: Money.cents(of: superbill.balanceDue)))
    }
}
