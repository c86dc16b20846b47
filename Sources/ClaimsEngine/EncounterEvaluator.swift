import ClaimsCore

/// Evaluates decoded records against the rules; the store's authorizations come in through `authorizations`.
public struct EncounterEvaluator: Sendable {
    public var evaluator: CoverageEvaluator
    public var asOf: LocalDate

    public init(rules: RuleBook, asOf: LocalDate) {
        self.evaluator = CoverageEvaluator(rules: rules)
        self.asOf = asOf
    }

    public func evaluate(_ record: DecodedRecord, authorizations: [PriorAuthorization], sameDay: [BilledUnits] = []) -> EncounterEvaluation {
        guard let encounter = record.encounter else {
            return EncounterEvaluation(encounterId: record.id, recordOrdinal: record.ordinal, sourceLine: record.line, errors: record.errors)
        }
        let outcome = evaluator.evaluate(encounter, asOf: asOf, authorizations: authorizations, sameDay: sameDay)
        // An error only the rules reveal (a service declined on the ABN) rejects the encounter like any input error.
        guard outcome.errors.isEmpty else {
            return EncounterEvaluation(encounterId: encounter.id, recordOrdinal: record.ordinal, sourceLine: record.line,
                                       payer: encounter.payerSlug, errors: outcome.errors)
        }
        return EncounterEvaluation(encounterId: encounter.id, recordOrdinal: record.ordinal, sourceLine: record.line, encounter: encounter,
                                   payer: encounter.payerSlug, warnings: outcome.warnings, lines: outcome.lines,
                                   authorizationUses: outcome.authorizationUses)
    }
}
