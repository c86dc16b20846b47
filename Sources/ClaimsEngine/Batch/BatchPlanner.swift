import ClaimsCore
import Foundation

/// What the batch decided for one encounter, in file order; its documents are drafted in parallel.
struct PlannedEncounter: Sendable {
    var evaluation: EncounterEvaluation
    var payer: PayerRules
    /// The encounter has `bill` lines: it spent authorization units and wants a claim.
    var bills: Bool
    /// The record's JSON, kept in the store for rule-change previews.
    var source: String?
    var prior: PriorEncounterState
    var ordinal: Int
    var line: Int
    /// Where this encounter's new superbill goes (named in file order, so names are stable).
    var superbill: SuperbillTarget?
    /// A replacement (`claims correct`) instead of an original; nil = an original.
    var submission: PlannedSubmission? = nil
}

struct SuperbillTarget: Sendable {
    var htmlName: String
    var html: (temporary: String, final: String)
    var pdfName: String?
    var pdf: (temporary: String, final: String)?
}

/// Step 1 of each block, in file order because authorization units are spent in order: evaluate
/// each encounter against the rules and the units left, hold lines an earlier run already billed,
/// spend units, name new superbills. Used by the batch thread only.
final class BatchPlanner {
    /// The reason given to a `bill` line that is already on a claim of an earlier run.
    static let alreadyBilledRule = "batch/already-billed"
    /// The reason given to new or changed content of an encounter an earlier run put on a claim.
    static let encounterBilledRule = "batch/encounter-already-billed"

    private let rules: RuleBook
    private let pass: EvaluationPass
    private let store: any BatchStore
    private let withHistory: Set<String>
    /// Good Faith Estimates on file, by patient (a self-pay bill $400 above one is a warning).
    private let estimates: [String: [EstimateOnFile]]
    private let folder: RunFolder
    private let writesPDF: Bool
    private(set) var recordsRead = 0
    var checkpoint: (@Sendable (String) -> Void)?
    /// Stored eligibility answers the decisions use (POLICY §5.5).
    var eligibility: EligibilityBook? {
        get { pass.eligibility }
        set { pass.eligibility = newValue }
    }
    /// Corrections waiting for this run (docs/corrections.md); nil when the store keeps none.
    var corrections: CorrectionPlan?

    init(rules: RuleBook, asOf: LocalDate, ledger: AuthorizationLedger, store: any BatchStore, folder: RunFolder, writesPDF: Bool) throws {
        self.rules = rules
        let withHistory = try store.encountersWithHistory()
        // Units billed in earlier runs are on billed lines, whose encounters all have history: a
        // store without history (a first run) has none to read, so no block asks.
        let billedBefore = !withHistory.isEmpty
        self.pass = EvaluationPass(rules: rules, asOf: asOf, ledger: ledger,
                                   dailyUnits: DailyUnitsLedger(load: { [store] in billedBefore ? try store.billedUnits(patientId: $0, dateOfService: $1) : [] },
                                                                loadMany: { [store] in billedBefore ? try store.billedUnits(on: $0) : [:] },
                                                                scratchDirectory: folder.work))
        self.store = store
        self.withHistory = withHistory
        self.estimates = Dictionary(grouping: try store.estimatesOnFile(), by: \.patientId)
        self.folder = folder
        self.writesPDF = writesPDF
    }

    func plan(_ block: [DecodedRecord], report: inout BatchReport) throws -> [PlannedEncounter] {
        var planned: [PlannedEncounter] = []
        planned.reserveCapacity(block.count)
        // One store read for the block's units per day (POLICY §5.2), not one per patient and date.
        try pass.prepare(records: block)
        // Records are read in place (through the buffer: an array element passed on is copied, with its whole encounter).
        try block.withUnsafeBufferPointer { block in
            for index in block.indices {
                recordsRead += 1
                if recordsRead == 1 { checkpoint?("reading") }
                report.encounters += 1
                let id = block[index].id
                let prior = block[index].encounter?.id != nil && withHistory.contains(id) ? try store.priorState(encounterId: id) : PriorEncounterState()
                // An encounter already on a claim is not billed again as an original (nor spends a unit).
                // … unless `claims correct` asked for a replacement: then its whole current content goes.
                // (Asked as a yes or no here, the submission itself only for a bill: an optional
                // submission costs more to make and drop than the look-up.)
                let holdsBilled = !prior.hasClaim || corrections?.replacement(for: id) == nil
                var evaluation = try pass.evaluate(block[index], ownUses: prior.authorizationsUsed) { evaluation in
                    if holdsBilled { Self.holdAlreadyBilled(&evaluation, prior: prior) }
                }
                if !estimates.isEmpty, let warning = EstimateOnFile.excessWarning(evaluation, estimates: estimates[block[index].encounter?.patient.id ?? ""] ?? []) {
                    evaluation.warnings.append(warning)
                }
                // Stored fields read in place (`Encounter.payerSlug`, a computed property, would copy the encounter).
                guard let encounterId = evaluation.encounter?.id else {
                    report.reject(id, ordinal: block[index].ordinal, line: block[index].line, errors: evaluation.errors)
                    continue
                }
                let payer = rules.payer(evaluation.encounter?.coverage?.payer ?? RuleBook.selfPaySlug)!
                let bills = evaluation.lines.has(.bill)
                var superbill: SuperbillTarget?
                if !prior.superbillIssued && evaluation.lines.has(.superbill) {
                    let htmlName = folder.uniqueName("superbills", encounterId, "html")
                    let pdfName = writesPDF ? folder.uniqueName("superbills", encounterId, "pdf") : nil
                    superbill = SuperbillTarget(htmlName: htmlName, html: folder.stage(htmlName), pdfName: pdfName, pdf: pdfName.map(folder.stage))
                }
                planned.append(PlannedEncounter(evaluation: evaluation, payer: payer, bills: bills, source: block[index].source, prior: prior,
                                                ordinal: block[index].ordinal, line: block[index].line, superbill: superbill,
                                                submission: bills && !holdsBilled ? corrections?.replacement(for: id) : nil))
            }
        }
        return planned
    }

    /// Gives back the units a planned encounter spent, when its documents were refused.
    func giveBack(_ item: PlannedEncounter) {
        pass.giveBack(item.evaluation, ownUses: item.prior.authorizationsUsed)
    }

    /// POLICY §5.1: an encounter on a claim already is never sent again as an original (its CLM01
    /// names that claim): its `bill` lines become `hold` — unchanged lines as "already billed", new or
    /// changed content waiting for a corrected claim. Lines are compared by number with what the claim
    /// carried (code, charge, units, date of service). A billed line the re-sent encounter no longer
    /// has (fewer lines, or another code in its place) holds every line that would bill, naming it;
    /// with no such line the same message is a warning, so the difference is never silent.
    static func holdAlreadyBilled(_ evaluation: inout EncounterEvaluation, prior: PriorEncounterState) {
        guard prior.hasClaim, let encounter = evaluation.encounter else { return }
        let correction = "encounter \(encounter.id) already billed on a claim; to send this content, run claims correct \(encounter.id) --reason TEXT, then the batch again"
        let missing = prior.billed.keys.sorted().filter { line in
            line > encounter.services.count || encounter.services[line - 1].code != prior.billed[line]!.code
        }
        let named: [String] = missing.map { line in
            let billed = prior.billed[line]!
            return "line \(line) (\(billed.code), \((billed.dateOfService ?? encounter.dateOfService).iso))"
        }
        let missingMessage: String? = missing.isEmpty ? nil
            : "billed \(named.joined(separator: ", ")) \(named.count == 1 ? "is" : "are") missing from the re-sent encounter: \(correction)"
        var holdsMissing = false
        evaluation.lines = evaluation.lines.map { line in
            guard line.decision == .bill else { return line }
            var copy = line
            copy.decision = .hold
            let service = encounter.services[line.line - 1]
            if let before = prior.billed[line.line], before.code == service.code, before.chargeCents == Money.cents(of: service.charge),
               before.units.map({ $0 == service.units }) ?? true, before.dateOfService.map({ $0 == encounter.dateOfService }) ?? true {
                copy.reasons = missingMessage == nil ? [Reason(rule: alreadyBilledRule, message: "already billed")] : []
            } else {
                let what = prior.billed[line.line] == nil ? "new line" : "changed since it was billed"
                copy.reasons = [Reason(rule: encounterBilledRule, message: "\(what): \(correction)")]
            }
            if let missingMessage {
                copy.reasons.append(Reason(rule: encounterBilledRule, message: missingMessage))
                holdsMissing = true
            }
            return copy
        }
        if let missingMessage, !holdsMissing {
            evaluation.warnings.append(Warning(rule: encounterBilledRule, message: missingMessage))
        }
    }
}

extension BatchReport {
    mutating func reject(_ encounter: String, ordinal: Int, line: Int, errors: [InputError]) {
        rejectedCount += 1
        rejected.append(.init(encounter: encounter, record: ordinal, sourceLine: line, errors: errors))
    }

    /// The report's view of an accepted encounter's lines (counts, held, not covered, already billed).
    mutating func addLines(of evaluation: EncounterEvaluation, payer: PayerSlug, prior: PriorEncounterState) {
        let encounterId = evaluation.encounterId
        for warning in evaluation.warnings {
            warnings.append(.init(encounter: encounterId, rule: warning.rule, message: warning.message))
        }
        // `compactMap` reads each decision in place (`filter` copied the ones it kept).
        let alreadyBilledLines = evaluation.lines.compactMap { $0.reasons.first?.rule == BatchPlanner.alreadyBilledRule ? $0.line : nil }
        if !alreadyBilledLines.isEmpty { alreadyBilled.append(.init(encounter: encounterId, lines: alreadyBilledLines, what: "claim")) }
        let superbillLines = evaluation.lines.compactMap { $0.decision == .superbill ? $0.line : nil }
        if prior.superbillIssued && !superbillLines.isEmpty {
            alreadyBilled.append(.init(encounter: encounterId, lines: superbillLines, what: "superbill"))
        }
        for line in evaluation.lines where line.reasons.first?.rule != BatchPlanner.alreadyBilledRule {
            counts[line.decision.rawValue, default: 0] += 1
            guard line.decision != .bill && line.decision != .superbill else { continue }
            let outcome = LineOutcome(encounter: encounterId, payer: payer, line: line.line, code: line.code,
                                      service: line.service, decision: line.decision.rawValue, reasons: line.reasons)
            switch line.decision {
            case .hold: held.append(outcome)
            case .notCovered: notCovered.append(outcome)
            default: criteriaNotMet.append(outcome)
            }
        }
    }
}
