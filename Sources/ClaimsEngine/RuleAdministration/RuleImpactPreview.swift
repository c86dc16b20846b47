import ClaimsCore
import ClaimsStore

/// Which line decisions a rule change would change: the stored encounters of a window re-evaluated
/// under both rule books through the one evaluation path (`EvaluationPass`). Spends nothing.
struct RuleImpactPreview {
    let store: ClaimsStore
    let asOf: LocalDate

    /// The differing line decisions, and how many stored encounters were re-evaluated.
    func changes(from old: RuleBook, to new: RuleBook, since: LocalDate) throws(RuleAdministrationError) -> (changes: [RuleImpact], reevaluated: Int) {
        let store = store
        let stored = try RuleAdministrationError.store(changing: false) { () throws(StoreError) in try store.encounters(since: since) }
        // The same view of units as the batch: an encounter's own earlier use is given back; a preview spends none.
        let ledger = AuthorizationLedger(all: try RuleAdministrationError.store(changing: false) { () throws(StoreError) in try store.allAuthorizations() })
        let oldPass = EvaluationPass(rules: old, asOf: asOf, ledger: ledger), newPass = EvaluationPass(rules: new, asOf: asOf, ledger: ledger)
        let oldDecoder = EncounterDecoder(codes: old.codes, payers: Set(old.payers.keys), asOf: asOf, allowFutureDates: true)
        let newDecoder = EncounterDecoder(codes: new.codes, payers: Set(new.payers.keys), asOf: asOf, allowFutureDates: true)
        var impact: [RuleImpact] = []
        var count = 0
        for record in stored {
            guard let value = try? JSONParser.parse(record.json) else { continue }
            guard let encounter = oldDecoder.decode(value).encounter ?? newDecoder.decode(value).encounter else { continue }
            count += 1
            let ownUses = try RuleAdministrationError.store(changing: false) { () throws(StoreError) in
                try store.authorizationIdsUsed(byEncounter: encounter.id)
            }
            let before: [LineDecision], after: [LineDecision]
            do {
                before = try oldPass.evaluate(encounter, ownUses: ownUses).lines
                after = try newPass.evaluate(encounter, ownUses: ownUses).lines
            } catch let error as StoreError {
                throw RuleAdministrationError(error, changing: false)
            } catch {
                throw RuleAdministrationError(.invalidData, "\(encounter.id): \(error)")
            }
            for (a, b) in zip(before, after) where a.decision != b.decision {
                impact.append(RuleImpact(encounter: encounter.id, line: a.line, code: a.code, before: a.decision.rawValue,
                                         after: b.decision.rawValue, reasons: b.reasons))
            }
        }
        return (impact, count)
    }
}
