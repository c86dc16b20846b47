import ClaimsCore

/// The one evaluation path, in file order: a record → the authorizations it may use (its own unit
/// from an earlier run given back) and the units other encounters of the patient bill that day →
/// the coverage decision → units spent when a line is billed, so a later encounter of the same
/// patient sees them. `check`, the batch (`BatchPlanner`), the
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
    private let dailyUnits: DailyUnitsLedger
    private let unitLimitedCodes: Set<String>
    /// Stored eligibility answers (POLICY §5.5): inactive or carved out → bill lines held; nil = not consulted.
    public var eligibility: EligibilityBook?

    /// `dailyUnits`: the units per patient and date of service that `max-units` counts across
    /// encounters (earlier runs' claims from the store, and this pass's own bills).
    public init(rules: RuleBook, asOf: LocalDate, ledger: AuthorizationLedger, dailyUnits: DailyUnitsLedger = DailyUnitsLedger()) {
        self.evaluator = EncounterEvaluator(rules: rules, asOf: asOf)
        self.ledger = ledger
        self.dailyUnits = dailyUnits
        self.unitLimitedCodes = rules.unitLimitedCodes
    }

    /// Reads what earlier runs billed of unit-limited codes for the patients and dates of a block of
    /// encounters, in one store query (with a ledger made with `loadMany`), before they are decided.
    public func prepare(_ encounters: some Sequence<Encounter>) throws {
        try dailyUnits.prepare(for: encounters, codes: unitLimitedCodes)
    }

    /// `prepare` for a block of records, reading each encounter in place (copying a whole encounter
    /// to ask for its patient and date costs more than the question).
    public func prepare(records: [DecodedRecord]) throws {
        var keys: [DailyUnitsLedger.Key] = []
        for index in records.indices {
            guard let services = records[index].encounter?.services, hasUnitLimitedCode(services),
                  let patientId = records[index].encounter?.patient.id, let date = records[index].encounter?.dateOfService else { continue }
            keys.append(DailyUnitsLedger.Key(patientId: patientId, date: date))
        }
        try dailyUnits.prepare(keys: keys)
    }

    /// Decides `record`. `ownUses`: authorizations this encounter used in an earlier run (their unit
    /// is already in the stored count). `adjust` may change decisions before units are spent (the
    /// batch holds lines an earlier run billed). Units are spent only for billed lines, and only
    /// when `spend` is true (a preview spends none).
    public func evaluate(_ record: DecodedRecord, ownUses: Set<Int64> = [], spend: Bool = true,
                         adjust: (inout EncounterEvaluation) -> Void = { _ in }) throws -> EncounterEvaluation {
        let patientId = record.encounter?.patient.id ?? ""
        var sameDay: [BilledUnits] = []
        if let services = record.encounter?.services, hasUnitLimitedCode(services), let encounter = record.encounter {
            sameDay = try dailyUnits.sameDay(as: encounter, codes: unitLimitedCodes)
        }
        var evaluation = evaluator.evaluate(record, authorizations: try ledger.authorizations(for: patientId, excludingUsesOf: ownUses),
                                            sameDay: sameDay)
        guard evaluation.encounter?.id != nil else { return evaluation }  // (read in place: no copy of the encounter)
        eligibility?.apply(to: &evaluation, asOf: evaluator.asOf)
        adjust(&evaluation)
        if spend && evaluation.lines.has(.bill) {
            ledger.consume(evaluation.authorizationUses, patientId: patientId, ownUses: ownUses)
            dailyUnits.record(evaluation, codes: unitLimitedCodes)
        }
        return evaluation
    }

    /// Whether a line bills a code some `max-units` rule limits (lines read in place, not copied).
    private func hasUnitLimitedCode(_ services: [ServiceLine]) -> Bool {
        for index in services.indices where unitLimitedCodes.contains(services[index].code) { return true }
        return false
    }

    /// Decides an encounter read back from the store (the preview): nothing is spent.
    public func evaluate(_ encounter: Encounter, ownUses: Set<Int64>) throws -> EncounterEvaluation {
        try evaluate(DecodedRecord(ordinal: 0, line: 0, id: encounter.id, encounter: encounter, errors: []), ownUses: ownUses, spend: false)
    }

    /// `claims check`'s view of one record: decided as the batch decides it and, with a drafter (a
    /// clinic profile), the documents the batch would write drafted and checked the same way: an
    /// encounter they refuse is rejected with their errors (its units given back), an accepted one
    /// gets the profile's warnings.
    public func check(_ record: DecodedRecord, ownUses: Set<Int64> = [], drafter: DocumentDrafter?) throws -> EncounterEvaluation {
        var evaluation = try evaluate(record, ownUses: ownUses)
        guard let drafter, let encounter = evaluation.encounter, let payer = evaluator.evaluator.rules.payer(encounter.payerSlug) else {
            return evaluation
        }
        let documents = drafter.draft(evaluation, payer: payer, superbill: true)
        if documents.isRefused {
            giveBack(evaluation, ownUses: ownUses)
            return EncounterEvaluation(encounterId: record.id, recordOrdinal: record.ordinal, sourceLine: record.line, errors: documents.problems)
        }
        evaluation.warnings += documents.warnings
        return evaluation
    }

    /// Gives back the units `evaluate` spent for `evaluation` (its documents were refused).
    public func giveBack(_ evaluation: EncounterEvaluation, ownUses: Set<Int64>) {
        guard let encounter = evaluation.encounter, evaluation.lines.contains(where: { $0.decision == .bill }) else { return }
        ledger.release(evaluation.authorizationUses, patientId: encounter.patient.id, ownUses: ownUses)
        dailyUnits.release(evaluation)
    }
}

extension [LineDecision] {
    /// Whether a line got `decision` (lines read in place, not copied one by one as `contains(where:)` does).
    func has(_ decision: Decision) -> Bool {
        for index in indices where self[index].decision == decision { return true }
        return false
    }
}
