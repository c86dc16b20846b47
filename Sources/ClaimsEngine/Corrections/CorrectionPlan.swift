import ClaimsCore
import ClaimsStore
import ClaimsX12
import Foundation

/// What the batch needs of the store for corrections, voids and secondary claims (docs/corrections.md).
/// `StoreBatchAdapter` provides it; a batch store without it sends originals only.
public protocol CorrectionStore: Sendable {
    func pendingClaimIntents() throws -> [ClaimIntentRecord]
    func secondaryClaimCandidates() throws -> [(encounterId: String, primaryClaimId: Int64, record: String)]
    func claimHistories(encounterId: String) throws -> [ClaimHistory]
    func encounterRecord(_ id: String) throws -> String?
}

extension StoreBatchAdapter: CorrectionStore {
    public func pendingClaimIntents() throws -> [ClaimIntentRecord] { try store.pendingClaimIntents() }
    public func secondaryClaimCandidates() throws -> [(encounterId: String, primaryClaimId: Int64, record: String)] {
        try store.secondaryClaimCandidates()
    }
    public func claimHistories(encounterId: String) throws -> [ClaimHistory] { try store.claimHistories(encounterId: encounterId) }
    public func encounterRecord(_ id: String) throws -> String? { try store.encounterRecord(id) }
}

/// The corrections store as a batch run sees it: the encounter records it reads (for voids and
/// secondary claims) come from the run's open transaction, which holds the history this run saved
/// and has not committed yet (the store's other connections would read the previous batch's).
struct RunCorrectionStore: CorrectionStore {
    let base: any CorrectionStore
    let transaction: RunTransaction

    func pendingClaimIntents() throws -> [ClaimIntentRecord] { try base.pendingClaimIntents() }
    func secondaryClaimCandidates() throws -> [(encounterId: String, primaryClaimId: Int64, record: String)] {
        try transaction.secondaryClaimCandidates()
    }
    func claimHistories(encounterId: String) throws -> [ClaimHistory] { try base.claimHistories(encounterId: encounterId) }
    func encounterRecord(_ id: String) throws -> String? { try transaction.encounterRecord(id) }
}

/// How one claim of the batch goes out when it is not a plain original: what the 837P carries
/// (frequency, REF*F8, the primary's adjudication) and what the store records with it.
public struct PlannedSubmission: Sendable {
    public var x12: Claim837PSubmission
    public var stored: ClaimSubmission
}

/// A claim the batch sends that no input record asks for: a void (from `claims void`) or a claim to
/// the secondary payer after the primary's 835. Drafted like any claim; refused ones become warnings.
struct FollowUpClaim: Sendable {
    var evaluation: EncounterEvaluation
    var payer: PayerRules
    var submission: PlannedSubmission
}

/// The corrections of one batch run, loaded once at its start: replacements for input encounters
/// (`replacement(for:)`, decided in file order by the planner), and the voids and secondary claims
/// built from the store when the input is done (`followUps()`). Used by the batch thread only.
final class CorrectionPlan {
    private let store: any CorrectionStore
    private let rules: RuleBook
    private let decoder: EncounterDecoder
    private var pending: [String: ClaimIntentRecord] = [:]
    /// Encounters whose replacement this run sends (their pending void, if any, is not built again).
    private var replaced: Set<String> = []

    init(store: any CorrectionStore, rules: RuleBook, asOf: LocalDate) throws {
        self.store = store
        self.rules = rules
        // Stored records were valid when read; dates before --as-of stay valid.
        decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf, allowFutureDates: true)
        for intent in try store.pendingClaimIntents() { pending[intent.encounterId] = intent }
    }

    /// `claims correct` waiting for this encounter: its current content goes out as a replacement
    /// (frequency 7, REF*F8), so changed content is not held (POLICY §5.1).
    func replacement(for encounterId: String) -> PlannedSubmission? {
        guard let intent = pending[encounterId], intent.kind == .correct else { return nil }
        return PlannedSubmission(x12: Claim837PSubmission(frequency: "7", payerClaimNumber: intent.payerClaimNumber),
                                 stored: ClaimSubmission(frequency: "7", replacesClaimId: intent.claimId,
                                                         payerClaimNumber: intent.payerClaimNumber, intentId: intent.id))
    }

    /// The replacement of `encounterId` is on its way in this run (its documents were drafted).
    func markSent(_ encounterId: String) { replaced.insert(encounterId) }

    /// Voids waiting, then secondary claims due, in the store's order; `warnings` gets every encounter
    /// skipped and why (a crossover, a stored record that no longer reads, a payer that takes no 837P).
    func followUps(warnings: inout [BatchReport.EncounterWarning]) throws -> [FollowUpClaim] {
        var claims: [FollowUpClaim] = []
        for intent in pending.values.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) where intent.kind == .void && !replaced.contains(intent.encounterId) {
            guard let history = try store.claimHistories(encounterId: intent.encounterId).first(where: { $0.claim.claimId == intent.claimId }),
                  let encounter = try storedEncounter(intent.encounterId, warnings: &warnings),
                  let payer = rules.payer(history.claim.payer) else { continue }
            var voided = encounter
            voided.coverage = encounter.coverage.map { var coverage = $0; coverage.payer = history.claim.payer; return coverage }
            claims.append(FollowUpClaim(
                evaluation: billing(voided, lines: history.claim.lines.map(\.line)), payer: payer,
                submission: PlannedSubmission(x12: Claim837PSubmission(frequency: "8", payerClaimNumber: intent.payerClaimNumber),
                                              stored: ClaimSubmission(frequency: "8", replacesClaimId: intent.claimId,
                                                                      payerClaimNumber: intent.payerClaimNumber, intentId: intent.id))))
        }
        for candidate in try store.secondaryClaimCandidates() {
            if let claim = try secondaryClaim(candidate.encounterId, primaryClaimId: candidate.primaryClaimId, warnings: &warnings) {
                claims.append(claim)
            }
        }
        return claims
    }

    /// The claim to `secondaryCoverage`'s payer with the primary's adjudication, or nil (and why).
    private func secondaryClaim(_ encounterId: String, primaryClaimId: Int64,
                                warnings: inout [BatchReport.EncounterWarning]) throws -> FollowUpClaim? {
        guard let history = try store.claimHistories(encounterId: encounterId).first(where: { $0.claim.claimId == primaryClaimId }),
              let encounter = try storedEncounter(encounterId, warnings: &warnings),
              let primaryCoverage = encounter.coverage, let secondaryCoverage = encounter.secondaryCoverage else { return nil }
        let statement = ClaimStatement(history)
        guard ["paid", "partially-paid", "denied"].contains(statement.status) else { return nil }
        func skip(_ message: String) -> FollowUpClaim? {
            warnings.append(.init(encounter: encounterId, rule: Self.secondaryRule, message: message))
            return nil
        }
        if let crossover = history.payments.last(where: { $0.record.crossoverCarrier != nil || ["19", "20"].contains($0.record.statusCode) }) {
            let to = crossover.record.crossoverCarrier.map { " to \($0)" } ?? ""
            return skip("no secondary claim: \(history.claim.payer) crossed the claim over\(to) (835 CLP02 \(crossover.record.statusCode)); the secondary payer is billed by the primary")
        }
        guard let primaryPayer = rules.payer(history.claim.payer), let secondaryPayer = rules.payer(secondaryCoverage.payer),
              !secondaryPayer.isSelfPay, secondaryPayer.slug != primaryPayer.slug else {
            return skip("no secondary claim: secondaryCoverage.payer '\(secondaryCoverage.payer)' takes no claim after \(history.claim.payer)")
        }
        let adjudicated = history.payments.last?.date.flatMap(LocalDate.init(iso:)) ?? encounter.dateOfService
        var lines: [Int: Claim837PPriorPayer.Line] = [:]
        for line in history.claim.lines {
            let adjustments = statement.adjustments.filter { $0.line == line.line }.map(Self.adjustment)
            guard statement.linePaidCents[line.line] != nil || !adjustments.isEmpty else { continue }
            lines[line.line] = .init(paid: Self.money(statement.linePaidCents[line.line] ?? 0), adjustments: adjustments)
        }
        let primary = Claim837PPriorPayer(
            coverage: primaryCoverage, payerName: primaryPayer.name, payerId: primaryPayer.payerId ?? "",
            claimFilingIndicator: primaryPayer.claimFilingIndicator ?? "", paid: Self.money(statement.paidCents),
            remainingPatientLiability: Self.money(statement.patientResponsibilityCents), adjudicated: adjudicated,
            payerClaimNumber: statement.payerClaimNumber,
            claimAdjustments: statement.adjustments.filter { $0.line == nil }.map(Self.adjustment), lines: lines)
        var secondary = encounter
        secondary.coverage = secondaryCoverage
        // The other plan stays on the claim (the FHIR claim lists both, `focal` on this one), never the same plan twice.
        secondary.secondaryCoverage = primaryCoverage
        return FollowUpClaim(evaluation: billing(secondary, lines: history.claim.lines.map(\.line)), payer: secondaryPayer,
                             submission: PlannedSubmission(x12: Claim837PSubmission(primary: primary),
                                                           stored: ClaimSubmission(coverage: .secondary, followsClaimId: primaryClaimId)))
    }

    static let secondaryRule = "batch/secondary-claim"

    private func storedEncounter(_ id: String, warnings: inout [BatchReport.EncounterWarning]) throws -> Encounter? {
        guard let json = try store.encounterRecord(id), let value = try? JSONParser.parse(json) else { return nil }
        let decoded = decoder.decode(value)
        if decoded.encounter == nil {
            warnings.append(.init(encounter: id, rule: Self.secondaryRule,
                                  message: "the stored record no longer reads (\(decoded.errors.first.map { "\($0.field): \($0.message)" } ?? "invalid")); send the encounter in the next batch's input"))
        }
        return decoded.encounter
    }

    /// An evaluation that bills exactly `lines` of `encounter` (a void or a secondary claim carries
    /// the lines of the claim it follows).
    func billing(_ encounter: Encounter, lines: [Int]) -> EncounterEvaluation {
        let decided = lines.filter { $0 >= 1 && $0 <= encounter.services.count }.map { line in
            LineDecision(line: line, code: encounter.services[line - 1].code, service: rules.codes.service(of: encounter.services[line - 1].code) ?? "",
                         decision: .bill, reasons: [])
        }
        return EncounterEvaluation(encounterId: encounter.id, encounter: encounter, payer: encounter.coverage?.payer, lines: decided)
    }

    static func adjustment(_ adjustment: ClaimStatement.Adjustment) -> Claim837PPriorPayer.Adjustment {
        .init(group: adjustment.group, reason: adjustment.reason, amount: money(adjustment.amountCents))
    }

    static func money(_ cents: Int64) -> Decimal { Decimal(cents) / 100 }
}
