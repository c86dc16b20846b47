import Foundation

/// What the front desk must have before each scheduled treatment (CONTRACT §4, POLICY §4):
/// one item per patient × payer × service whose payer rules ask for a prior authorization,
/// set criteria, or exclude the service. Pure: encounters, stored authorizations and the
/// processing date come in; nothing is read or written.
public struct ChecklistBuilder: Sendable {
    public var rules: RuleBook
    /// Calendar days a payer has to decide a complete request (5 for Illinois state-regulated plans,
    /// 215 ILCS 200). Payers not listed get no overdue warning.
    public var decisionDeadlineDays: [PayerSlug: Int]
    /// An approval ending within this many days of the processing date gets a renewal warning.
    public var renewalNoticeDays: Int
    /// The clinic profile, for its network (in-network waivers, POLICY §5.4); nil = every payer out of network.
    public var clinic: ClinicProfile?
    /// Stored eligibility answers (CONTRACT §7); nil = none consulted (every item `unknown`, no step added).
    public var eligibility: EligibilityBook?

    public init(rules: RuleBook, decisionDeadlineDays: [PayerSlug: Int] = [:], renewalNoticeDays: Int = 14, clinic: ClinicProfile? = nil) {
        self.rules = rules; self.decisionDeadlineDays = decisionDeadlineDays; self.renewalNoticeDays = renewalNoticeDays
        self.clinic = clinic
    }

    /// - Parameters:
    ///   - encounters: the valid scheduled encounters of the file, in any order.
    ///   - authorizations: the stored authorizations of their patients, with `unitsUsed` filled.
    ///   - rejected: records of the file that failed validation; listed as they are.
    ///   - estimates: the Good Faith Estimates on file for their patients (`claims estimate`).
    public func build(encounters: [Encounter], authorizations: [PriorAuthorization], asOf: LocalDate,
                      rejected: [ChecklistRejection] = [], estimates: [EstimateOnFile] = []) -> Checklist {
        var groups: [GroupKey: Group] = [:]
        let views = rules.payerViews
        let ordered = encounters.sorted { ($0.dateOfService, $0.id) < ($1.dateOfService, $1.id) }
        let evaluator = CoverageEvaluator(rules: rules)
        for encounter in ordered {
            guard let payer = rules.payer(encounter.payerSlug), let view = views[encounter.payerSlug] else { continue }
            let lineServices = encounter.services.map { rules.codes.service(of: $0.code) }
            let context = ConditionContext(encounter: encounter, services: Set(lineServices.compactMap { $0 }), named: view.conditions)
            let outcome = evaluator.evaluate(encounter, asOf: asOf, authorizations: authorizations)
            // A service the patient pays for on a superbill (an investigational block) needs no authorization from the plan.
            let selfPaid = Set(outcome.lines.map(\.service)).filter { service in
                outcome.lines.allSatisfy { $0.service != service || $0.decision == .superbill }
            }
            for rule in view.rules where rule.effective.contains(encounter.dateOfService) {
                switch rule.kind {
                case .priorAuthorization, .criteria, .notCovered: break
                default: continue
                }
                if let when = rule.when, !when.holds(in: context) { continue }
                let services = Set(encounter.services.indices.compactMap { index -> ServiceName? in
                    guard let service = lineServices[index],
                          rule.lines.matches(code: encounter.services[index].code, service: service) else { return nil }
                    return service
                })
                for service in services {
                    if case .priorAuthorization = rule.kind, selfPaid.contains(service) { continue }
                    let key = GroupKey(patient: encounter.patient.id, payer: payer.slug, service: service)
                    groups[key, default: Group(payer: payer)].add(encounter, context: context, rule: rule)
                }
            }
            // POLICY §5.3–§5.4: what the patient must sign before a line may be charged to them, as decided.
            for need in outcome.agreementNeeds + (clinic?.waiverNeeds(encounter, lines: outcome.lines) ?? []) {
                guard let service = lineServices[need.line - 1] else { continue }
                let key = GroupKey(patient: encounter.patient.id, payer: payer.slug, service: service)
                groups[key, default: Group(payer: payer)].add(encounter, context: context, need: need)
            }
            // 45 CFR 149.610: what the patient pays for without a claim needs a Good Faith Estimate first.
            for (line, _) in outcome.errors.isEmpty ? GoodFaithEstimateBuilder.selfPayLines(outcome) : [] {
                let key = GroupKey(patient: encounter.patient.id, payer: payer.slug, service: line.service)
                groups[key, default: Group(payer: payer)].add(encounter, context: context, estimateLine: line.line)
            }
            // Coverage that stops treatment being billed (CONTRACT §7) lists every service, even one without rules.
            if eligibilityBlocks(encounter) {
                for service in Set(lineServices.compactMap { $0 }) {
                    groups[GroupKey(patient: encounter.patient.id, payer: payer.slug, service: service), default: Group(payer: payer)]
                        .include(encounter, context: context)
                }
            }
        }
        let items = groups.map { key, group in
            item(key, group, authorizations: authorizations, asOf: asOf, estimates: estimates.filter { $0.patientId == key.patient })
        }
            .sorted { ($0.dates.first ?? asOf, $0.patient, $0.payer, $0.service) < ($1.dates.first ?? asOf, $1.patient, $1.payer, $1.service) }
        return Checklist(asOf: asOf, items: items, rejected: rejected)
    }

    // MARK: Grouping

    private struct GroupKey: Hashable {
        var patient: String
        var payer: PayerSlug
        var service: ServiceName
    }

    /// The encounters of one patient × payer × service and the rules in force on each.
    private struct Group {
        var payer: PayerRules
        var encounters: [(encounter: Encounter, context: ConditionContext, rules: [Rule])] = []
        var documents: [(encounter: Encounter, need: AgreementNeed)] = []
        /// Lines the patient pays for without a claim: a Good Faith Estimate is due for them.
        var estimateLines: [(encounter: Encounter, line: Int)] = []

        mutating func add(_ encounter: Encounter, context: ConditionContext, rule: Rule) {
            if let index = encounters.firstIndex(where: { $0.encounter.id == encounter.id }) {
                encounters[index].rules.append(rule)
            } else {
                encounters.append((encounter, context, [rule]))
            }
        }

        mutating func include(_ encounter: Encounter, context: ConditionContext) {
            if !encounters.contains(where: { $0.encounter.id == encounter.id }) { encounters.append((encounter, context, [])) }
        }

        mutating func add(_ encounter: Encounter, context: ConditionContext, need: AgreementNeed) {
            if !encounters.contains(where: { $0.encounter.id == encounter.id }) { encounters.append((encounter, context, [])) }
            documents.append((encounter, need))
        }

        mutating func add(_ encounter: Encounter, context: ConditionContext, estimateLine: Int) {
            if !encounters.contains(where: { $0.encounter.id == encounter.id }) { encounters.append((encounter, context, [])) }
            estimateLines.append((encounter, estimateLine))
        }
    }

    // MARK: One item

    private func item(_ key: GroupKey, _ group: Group, authorizations: [PriorAuthorization], asOf: LocalDate,
                      estimates: [EstimateOnFile]) -> ChecklistItem {
        let payerName = group.payer.name
        let dates = group.encounters.map(\.encounter.dateOfService)
        let multipleDates = Set(dates).count > 1
        var requirements: [ChecklistRequirement] = []
        var warnings: [ChecklistWarning] = []
        var steps: [String] = []

        let documents = ChecklistDocument.summarize(group.documents, payerName: payerName)
            + (ChecklistDocument.estimate(group.estimateLines, estimates: estimates).map { [$0] } ?? [])
        // Not covered: the patient can only be treated as self-pay (a Medicaid patient only with the
        // private-pay agreement listed in the documents, whose step says so instead).
        let privatePayListed = documents.contains { $0.kind == PatientAgreement.Kind.privatePay.rawValue }
        var seenRules: Set<String> = []
        for entry in group.encounters {
            for rule in entry.rules where !seenRules.contains(rule.qualifiedId) {
                guard case .notCovered = rule.kind else { continue }
                seenRules.insert(rule.qualifiedId)
                let reason = rule.message ?? "\(payerName) does not cover \(key.service)"
                requirements.append(ChecklistRequirement(
                    id: "not-covered", description: "\(reason); a self-pay agreement is needed", status: .notMet,
                    explanation: reason, rule: rule.qualifiedId))
                if !privatePayListed { steps.append("have the patient sign a self-pay agreement for \(key.service) before treatment: \(reason)") }
            }
        }

        // Criteria: each requirement once, judged on every encounter the rule applies to.
        var order: [(rule: Rule, requirement: Requirement)] = []
        for entry in group.encounters {
            for rule in entry.rules {
                guard case .criteria(let list) = rule.kind else { continue }
                for requirement in list where !order.contains(where: { $0.rule.qualifiedId == rule.qualifiedId && $0.requirement.id == requirement.id }) {
                    order.append((rule, requirement))
                }
            }
        }
        for (rule, requirement) in order {
            var outcomes: [(LocalDate, ConditionOutcome)] = []
            for entry in group.encounters where entry.rules.contains(where: { $0.qualifiedId == rule.qualifiedId }) {
                outcomes.append((entry.encounter.dateOfService, requirement.condition.evaluate(in: entry.context)))
            }
            let failing = outcomes.first { $0.1.state == .notMet } ?? outcomes.first { $0.1.state == .missing }
            guard let (date, outcome) = failing else {
                requirements.append(ChecklistRequirement(id: requirement.id, description: requirement.description, status: .met,
                                                         explanation: nil, rule: rule.qualifiedId))
                continue
            }
            let explanation = outcome.explanation + (multipleDates ? " (on \(date.iso))" : "")
            requirements.append(ChecklistRequirement(id: requirement.id, description: requirement.description, status: outcome.state,
                                                     explanation: explanation, rule: rule.qualifiedId))
            switch outcome.state {
            case .missing: steps.append("record in the chart: \(requirement.description) (\(explanation))")
            default: steps.append("not met: \(requirement.description) (\(explanation)); \(payerName) will not cover \(key.service) unless it is met")
            }
        }

        // Prior authorization.
        let authEntries = group.encounters.filter { entry in
            entry.rules.contains { if case .priorAuthorization = $0.kind { return true } else { return false } }
        }
        var priorAuth = ChecklistPriorAuth.notRequired
        var authorizationReady = true
        if !authEntries.isEmpty {
            let evaluator = CoverageEvaluator(rules: rules)
            let checks = authEntries.map { entry in
                (entry.encounter, evaluator.authorizationCheck(entry.encounter, service: key.service, payer: group.payer,
                                                              authorizations: authorizations))
            }
            let uncovered = checks.compactMap { encounter, check -> (Encounter, String)? in
                if case .missing(let message) = check { return (encounter, message) }
                return nil
            }
            authorizationReady = uncovered.isEmpty
            let candidates = authorizations.filter { $0.patientId == key.patient && $0.payer == key.payer && $0.service == key.service }
            let shown = representative(checks: checks.map(\.1), candidates: candidates, asOf: asOf)
            priorAuth = ChecklistPriorAuth(required: true, status: shown.map { $0.state(asOf: asOf).rawValue } ?? "missing",
                                           authorization: shown, message: uncovered.first?.1)
            let (authWarnings, authSteps) = authorizationAdvice(
                shown, key: key, payerName: payerName, requirements: requirements, scheduled: authEntries.count,
                uncovered: uncovered, asOf: asOf)
            warnings += authWarnings
            steps += authSteps
        }

        steps += documents.compactMap { $0.nextStep(service: key.service) }
        let eligibility = eligibilityAdvice(group.encounters.map(\.encounter), payerName: payerName, asOf: asOf)
        warnings += eligibility.warnings
        steps = eligibility.steps + steps

        for date in Set(dates).sorted() where date < asOf {
            warnings.append(ChecklistWarning(code: "past-date",
                message: "the encounter on \(date.iso) is before the processing date \(asOf.iso); the checklist is for scheduled treatment"))
        }

        let ready = requirements.allSatisfy(\.met) && authorizationReady && documents.allSatisfy(\.satisfied) && !eligibility.blocksReadiness
        return ChecklistItem(patient: key.patient, payer: key.payer, payerName: payerName, service: key.service,
                             dates: Array(Set(dates)).sorted(), encounters: group.encounters.map(\.encounter.id),
                             priorAuth: priorAuth, requirements: requirements, patientDocuments: documents, warnings: warnings,
                             nextSteps: unique(steps), ready: ready, eligibility: eligibility.summary)
    }

    /// The authorization to show: the one that covers the first scheduled date; else an approval still
    /// usable today; else the newest request that is not cancelled; else the newest.
    private func representative(checks: [CoverageEvaluator.AuthorizationCheck], candidates: [PriorAuthorization],
                                asOf: LocalDate) -> PriorAuthorization? {
        if case .satisfied(let auth) = checks.first { return auth }
        let newestFirst = candidates.sorted { ($0.id ?? 0) > ($1.id ?? 0) }
        return newestFirst.first { $0.state(asOf: asOf) == .approved }
            ?? newestFirst.first { $0.status != .cancelled }
            ?? newestFirst.first
    }

    private func authorizationAdvice(_ auth: PriorAuthorization?, key: GroupKey, payerName: String,
                                     requirements: [ChecklistRequirement], scheduled: Int,
                                     uncovered: [(Encounter, String)], asOf: LocalDate) -> ([ChecklistWarning], [String]) {
        var warnings: [ChecklistWarning] = []
        var steps: [String] = []
        let documents = requirements.filter { $0.id != "not-covered" }.map(\.description)
        let with = documents.isEmpty ? "" : " with: " + documents.joined(separator: "; ")
        guard let auth else {
            steps.append("request authorization from \(payerName) for \(key.service)\(with)")
            return (warnings, steps)
        }
        let label = "authorization \(auth.id.map(String.init) ?? "?")" + (auth.authNumber.map { " (\($0))" } ?? "")
        switch auth.state(asOf: asOf) {
        case .approved:
            if let end = auth.end, end >= asOf, asOf.days(until: end) <= renewalNoticeDays {
                warnings.append(ChecklistWarning(code: "ends-soon",
                    message: "\(label) ends \(end.iso), within \(renewalNoticeDays) days; renew before \(end.iso)"))
                steps.append("renew before \(end.iso): ask \(payerName) to extend \(label)")
            }
            if let remaining = auth.unitsRemaining, remaining < scheduled {
                warnings.append(ChecklistWarning(code: "units-short",
                    message: "\(label) has \(remaining) unit\(remaining == 1 ? "" : "s") left for \(scheduled) scheduled encounters"))
                steps.append("request more units from \(payerName): \(remaining) left on \(label), \(scheduled) scheduled")
            }
            for (encounter, _) in uncovered {
                let date = encounter.dateOfService
                if let end = auth.end, end < date {
                    steps.append("ask \(payerName) to extend \(label): it ends \(end.iso), before the treatment on \(date.iso)")
                } else if let start = auth.start, date < start {
                    steps.append("\(label) starts \(start.iso), after the treatment on \(date.iso): reschedule or ask \(payerName) to move the start")
                }
            }
        case .expired:
            steps.append("request a renewal from \(payerName): \(label) expired on \(auth.end?.iso ?? "?")\(with)")
        case .exhausted:
            steps.append("request more units from \(payerName): all \(auth.units ?? 0) units of \(label) are used")
        case .submitted, .pending:
            var overdue = false
            if let deadline = decisionDeadlineDays[key.payer], let submitted = auth.submittedOn, submitted.days(until: asOf) > deadline {
                overdue = true
                let waited = submitted.days(until: asOf)
                warnings.append(ChecklistWarning(code: "decision-overdue",
                    message: "\(label) was submitted \(submitted.iso), \(waited) days ago; \(payerName) must decide within \(deadline) calendar days"))
                steps.append("follow up with \(payerName): no decision on \(label) after \(waited) days (deadline \(deadline) days)")
            }
            if auth.status == .pending {
                steps.append("send \(payerName) the information it asked for: \(label) is pending")
            } else if !overdue {
                steps.append("wait for \(payerName)'s decision on \(label)" + (auth.submittedOn.map { " (submitted \($0.iso))" } ?? ""))
            }
        case .denied:
            steps.append("appeal \(payerName)'s denial of \(label), or have the patient sign a self-pay agreement")
        case .appealed:
            steps.append("wait for \(payerName)'s decision on the appeal of \(label)")
        case .cancelled:
            steps.append("request a new authorization from \(payerName) for \(key.service) (\(label) was cancelled)\(with)")
        }
        // Anything not explained above (e.g. an auth number in the chart that matches nothing).
        if steps.isEmpty, let (_, message) = uncovered.first { steps.append(message) }
        return (warnings, steps)
    }

    private func unique(_ steps: [String]) -> [String] {
        var seen: Set<String> = []
        return steps.filter { seen.insert($0).inserted }
    }
}

// MARK: - Output model (JSON = CONTRACT §4; extra fields allowed, none renamed)
