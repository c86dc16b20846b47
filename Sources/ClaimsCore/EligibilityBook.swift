import Foundation

/// The stored eligibility answers a run may use, and what they mean for an encounter (POLICY §5.5,
/// CONTRACT §7). Pure: the engine loads the answers, the clinic's network and the age limit, and passes
/// them in.
public struct EligibilityBook: Sendable {
    public static let defaultMaxAgeDays = 30
    private let byPatientAndPayer: [Key: [EligibilityAnswer]]
    /// Payer slug → the clinic's network status (absent = out of network), which picks the benefit.
    public var network: [String: ClinicProfile.NetworkStatus]
    /// An answer older than this many days (from its date to the processing date) is a warning.
    public var maxAgeDays: Int

    private struct Key: Hashable { var patient: String, payer: PayerSlug }

    public init(answers: [EligibilityAnswer], network: [String: ClinicProfile.NetworkStatus] = [:], maxAgeDays: Int = defaultMaxAgeDays) {
        byPatientAndPayer = Dictionary(grouping: answers) { Key(patient: $0.patientId, payer: $0.payer) }
        self.network = network
        self.maxAgeDays = maxAgeDays
    }

    /// The answer that speaks for `encounter`'s date of service: the latest answer to an inquiry about that
    /// very date; else the latest answer for the patient and payer (its plan dates still decide). Latest =
    /// answered last, then stored last.
    public func answer(for encounter: Encounter) -> EligibilityAnswer? {
        guard !byPatientAndPayer.isEmpty, let coverage = encounter.coverage else { return nil }
        let answers = byPatientAndPayer[Key(patient: encounter.patient.id, payer: coverage.payer)] ?? []
        func latest(_ list: [EligibilityAnswer]) -> EligibilityAnswer? {
            list.max { ($0.checked, $0.id ?? 0) < ($1.checked, $1.id ?? 0) }
        }
        return latest(answers.filter { $0.dateOfService == encounter.dateOfService }) ?? latest(answers)
    }

    /// CONTRACT §7's object for `encounter` (status `unknown` when no answer is stored).
    public func summary(for encounter: Encounter) -> EligibilitySummary {
        guard let answer = answer(for: encounter) else { return .unknown }
        return EligibilitySummary(answer, dateOfService: encounter.dateOfService, network: network[answer.payer] ?? .out)
    }

    /// POLICY §5.5 on one evaluation: inactive on the date of service, or the mental-health benefit carved out
    /// to another payer → every `bill` line becomes `hold` with the reason (and spends no authorization); an
    /// answer older than `maxAgeDays`, or a rejected inquiry, is a warning. No answer changes nothing.
    public func apply(to evaluation: inout EncounterEvaluation, asOf: LocalDate) {
        // No answer stored, none for this encounter (and no copy of it to find that out).
        guard !byPatientAndPayer.isEmpty, let encounter = evaluation.encounter, let answer = answer(for: encounter) else { return }
        let summary = EligibilitySummary(answer, dateOfService: encounter.dateOfService, network: network[answer.payer] ?? .out)
        if let reason = holdReason(summary, answer: answer, dateOfService: encounter.dateOfService) {
            var changed = false
            for index in evaluation.lines.indices where evaluation.lines[index].decision == .bill {
                evaluation.lines[index].decision = .hold
                evaluation.lines[index].reasons = [reason]
                evaluation.lines[index].addedModifiers = []
                changed = true
            }
            if changed { evaluation.authorizationUses = [] }
        }
        if summary.status == .error {
            evaluation.warnings.append(Warning(rule: "eligibility/error",
                message: "the eligibility inquiry of \(answer.checked.iso) was rejected: \(summary.messages.joined(separator: "; ")); correct it and send a new 270"))
        }
        if let warning = staleWarning(answer, asOf: asOf) { evaluation.warnings.append(warning) }
    }

    /// The hold reason POLICY §5.5 gives, or nil when the answer does not stop a claim.
    public func holdReason(_ summary: EligibilitySummary, answer: EligibilityAnswer, dateOfService: LocalDate) -> Reason? {
        switch summary.status {
        case .inactive:
            let plan = summary.planEnd.map { "; the plan ended \($0.iso)" } ?? ""
            return Reason(rule: "eligibility/inactive",
                          message: "coverage is inactive on \(dateOfService.iso) (eligibility answer of \(answer.checked.iso)\(plan)); verify coverage with the patient and correct the encounter's coverage")
        case .active where summary.otherPayer != nil:
            let name = summary.otherPayer ?? ""
            return Reason(rule: "eligibility/carved-out",
                          message: "the mental-health benefit is carved out to \(name) (eligibility answer of \(answer.checked.iso)); bill \(name) instead")
        default:
            return nil
        }
    }

    /// The warning for an answer older than `maxAgeDays` on `asOf`.
    public func staleWarning(_ answer: EligibilityAnswer, asOf: LocalDate) -> Warning? {
        let age = answer.checked.days(until: asOf)
        guard age > maxAgeDays else { return nil }
        return Warning(rule: "eligibility/stale",
                       message: "the eligibility answer is from \(answer.checked.iso), \(age) days old (limit \(maxAgeDays)); send a new 270 (claims eligibility request)")
    }
}

/// CONTRACT §7: the mental-health outpatient benefit for the clinic's network status, as the checklist shows it.
public struct EligibilitySummary: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Encodable { case active, inactive, unknown, error }
    public var status: Status
    public var checked: LocalDate?
    public var planEnd: LocalDate?
    public var copay: Decimal?
    /// A percentage: `20` for EB08 `.2`.
    public var coinsurancePercent: Decimal?
    public var deductibleRemaining: Decimal?
    public var authorizationRequired: Bool?
    public var otherPayer: String?
    public var messages: [String]

    public static let unknown = EligibilitySummary(status: .unknown, checked: nil, planEnd: nil, copay: nil, coinsurancePercent: nil,
                                                   deductibleRemaining: nil, authorizationRequired: nil, otherPayer: nil, messages: [])

    public init(status: Status, checked: LocalDate?, planEnd: LocalDate?, copay: Decimal?, coinsurancePercent: Decimal?,
                deductibleRemaining: Decimal?, authorizationRequired: Bool?, otherPayer: String?, messages: [String]) {
        self.status = status; self.checked = checked; self.planEnd = planEnd; self.copay = copay; self.coinsurancePercent = coinsurancePercent
        self.deductibleRemaining = deductibleRemaining; self.authorizationRequired = authorizationRequired; self.otherPayer = otherPayer
        self.messages = messages
    }

    /// Reads `answer` for `dateOfService`: active only when the date is inside the plan dates given. Cost share
    /// comes from the benefits for a mental-health service type (else the plan's, `30`) whose network (EB12)
    /// is the clinic's (`W` not applicable and absent fit both); the individual amount before the family one.
    public init(_ answer: EligibilityAnswer, dateOfService: LocalDate, network: ClinicProfile.NetworkStatus) {
        let outsidePlan = (answer.planBegin.map { dateOfService < $0 } ?? false) || (answer.planEnd.map { dateOfService > $0 } ?? false)
        switch answer.status {
        case .error: status = .error
        case .inactive: status = .inactive
        case .active: status = outsidePlan ? .inactive : .active
        }
        checked = answer.checked
        planEnd = answer.planEnd
        let wanted: EligibilityBenefit.Network = network == .in ? .in : .out
        let fitting = answer.benefits.filter { $0.network == wanted || $0.network == .notApplicable || $0.network == .unknown }
        func mentalHealth(_ benefit: EligibilityBenefit) -> Bool { benefit.serviceTypes.contains { EligibilityServiceTypes.mentalHealth.contains($0) } }
        func plan(_ benefit: EligibilityBenefit) -> Bool { benefit.serviceTypes.isEmpty || benefit.serviceTypes.contains(EligibilityServiceTypes.plan) }
        /// The best benefit of `code`: mental health before plan-wide, the clinic's network before not-applicable, IND before others.
        func best(_ code: String, where extra: (EligibilityBenefit) -> Bool = { _ in true }) -> EligibilityBenefit? {
            let candidates = fitting.filter { $0.code == code && $0.procedure == nil && extra($0) && (mentalHealth($0) || plan($0)) }
            return candidates.min { rank($0) < rank($1) }
            func rank(_ benefit: EligibilityBenefit) -> (Int, Int, Int) {
                (mentalHealth(benefit) ? 0 : 1, benefit.network == wanted ? 0 : 1, benefit.coverageLevel == "FAM" ? 1 : 0)
            }
        }
        copay = best("B")?.amount
        coinsurancePercent = best("A")?.percent
        deductibleRemaining = best("C") { $0.period == "29" }?.amount
        let flags = fitting.filter(mentalHealth).compactMap(\.authorizationRequired)
        authorizationRequired = flags.isEmpty ? nil : flags.contains(true)
        otherPayer = answer.otherPayers.first { payer in
            payer.serviceTypes.contains { EligibilityServiceTypes.mentalHealth.contains($0) }
        }?.name
        messages = answer.rejections.map(\.description) + answer.messages
            + answer.benefits.filter { mentalHealth($0) || plan($0) }.flatMap(\.messages)
    }

    private enum CodingKeys: String, CodingKey {
        case status, checked, planEnd, copay, coinsurancePercent, deductibleRemaining, authorizationRequired, otherPayer, messages
    }
    /// Every key written, null when unknown; money as a string with two decimals (CONTRACT §7).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(checked?.iso, forKey: .checked)
        try container.encode(planEnd?.iso, forKey: .planEnd)
        try container.encode(copay.map(Money.format), forKey: .copay)
        try container.encode(coinsurancePercent.map(Money.plain), forKey: .coinsurancePercent)
        try container.encode(deductibleRemaining.map(Money.format), forKey: .deductibleRemaining)
        try container.encode(authorizationRequired, forKey: .authorizationRequired)
        try container.encode(otherPayer, forKey: .otherPayer)
        try container.encode(messages, forKey: .messages)
    }
}
