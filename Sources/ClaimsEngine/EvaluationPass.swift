import ClaimsCore

/// The one evaluation path, in file order: a record → the authorizations it may use (its own unit
/// from an earlier run given back) → the coverage decision → units spent when a line is billed, so
/// a later encounter of the same patient sees them. `check`, the batch (`BatchPlanner`), the
/// rule-impact preview of `payers apply` and the sample goldens all go through it.
///
/// ```swift
/// let pass = EvaluationPass(rules: rules, asOf: asOf, ledger: AuthorizationLedger(all: stored))
/// for record in records {
///     let evaluation = try pass.evaluate(record, ownUses: usedBefore(record.id))
///     if documentsRefused { pass.giveBack(evaluation, ownUses: usedBefore(record.id)) }
/// }
/// ```
public final class EvaluationPass {
    public let evaluator: EncounterEvaluator
    private let ledger: AuthorizationLedger

    public init(rules: RuleBook, asOf: LocalDate, ledger: AuthorizationLedger) {
        self.evaluator = EncounterEvaluator(rules: rules, asOf: asOf)
        self.ledger = ledger
    }

    /// Decides `record`. `ownUses`: authorizations this encounter used in an earlier run (their unit
    /// is already in the stored count). `adjust` may change decisions before units are spent (the
    /// batch holds lines an earlier run billed). Units are spent only for billed lines, and only
    /// when `spend` is true (a preview spends none).
    public func evaluate(_ record: DecodedRecord, ownUses: Set<Int64> = [], spend: Bool = true,
                         adjust: (inout EncounterEvaluation) -> Void = { _ in }) throws -> EncounterEvaluation {
        let patientId = record.encounter?.patient.id ?? ""
        var evaluation = evaluator.evaluate(record, authorizations: try ledger.authorizations(for: patientId, excludingUsesOf: ownUses))
        guard evaluation.encounter != nil else { return evaluation }
        adjust(&evaluation)
        if spend && evaluation.lines.contains(where: { $0.decision == .bill }) {
            ledger.consume(evaluation.authorizationUses, patientId: patientId, ownUses: ownUses)
        }
        return evaluation
    }

    /// Decides an encounter read back from the store (the preview): nothing is spent.
    public func evaluate(_ encounter: Encounter, ownUses: Set<Int64>) throws -> EncounterEvaluation {
        try evaluate(DecodedRecord(ordinal: 0, line: 0, id: encounter.id, encounter: encounter, errors: []), ownUses: ownUses, spend: false)
    }

    /// Gives back the units `evaluate` spent for `evaluation` (its documents were refused).
    public func giveBack(_ evaluation: EncounterEvaluation, ownUses: Set<Int64>) {
        guard let encounter = evaluation.encounter, evaluation.lines.contains(where: { $0.decision == .bill }) else { return }
        ledger.release(evaluation.authorizationUses, patientId: encounter.patient.id, ownUses: ownUses)
    }
}
