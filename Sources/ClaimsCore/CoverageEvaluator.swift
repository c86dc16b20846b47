import Foundation

/// Interprets the rule book for one encounter: a decision per service line with the reasons
/// (POLICY §3), encounter warnings, and the authorizations a bill would use. Pure: the
/// processing date and the stored authorizations are passed in.
public struct CoverageEvaluator: Sendable {
    /// The rule book and what is derived from it once (a class: copying an evaluator copies one reference).
    private let book: CompiledRuleBook

    public var rules: RuleBook { book.rules }

    public init(rules: RuleBook) { self.book = CompiledRuleBook(rules) }

    public struct Outcome: Sendable, Hashable {
        public var lines: [LineDecision]
        public var warnings: [Warning]
        public var authorizationUses: [AuthorizationUse]
        /// Input errors only the rules reveal (a service declined on the ABN): the encounter is rejected.
        public var errors: [InputError] = []
        /// Documents the patient must sign before lines may be charged to them, and whether they are on file.
        public var agreementNeeds: [AgreementNeed] = []
    }

    /// What one rule found for one line.
    struct Finding {
        var decision: Decision
        var reason: Reason
    }

    /// The findings of an encounter's lines. Most encounters bill every line without a finding: the
    /// lists are made on the first.
    struct LineFindings {
        let lineCount: Int
        private var lists: [[Finding]] = []
        init(lineCount: Int) { self.lineCount = lineCount }

        subscript(line: Int) -> [Finding] {
            get { lists.isEmpty ? [] : lists[line] }
            set {
                if lists.isEmpty { lists = Array(repeating: [], count: lineCount) }
                lists[line] = newValue
            }
        }
        mutating func append(_ finding: Finding, line: Int) {
            if lists.isEmpty { lists = Array(repeating: [], count: lineCount) }
            lists[line].append(finding)
        }
        /// Whether some line has no finding (it would bill).
        var someLineHasNone: Bool { lists.isEmpty ? lineCount > 0 : lists.contains { $0.isEmpty } }
    }

    /// - Parameter authorizations: the stored authorizations of this encounter's patient,
    ///   with `unitsUsed` counting encounters already billed against them.
    /// - Parameter sameDay: units other encounters of this patient bill on this date of service
    ///   (`max-units` counts them; the encounter's own earlier claim is never among them).
    public func evaluate(_ encounter: Encounter, asOf: LocalDate, authorizations: [PriorAuthorization],
                         sameDay: [BilledUnits] = []) -> Outcome {
        guard let plan = book.plans[encounter.payerSlug] else {
            // Validation rejects unknown payers first; this keeps the evaluator total.
            let lines = encounter.services.enumerated().map { index, line in
                LineDecision(line: index + 1, code: line.code, service: rules.codes.service(of: line.code) ?? "unknown",
                             decision: .hold, reasons: [Reason(rule: "\(encounter.payerSlug)/unknown-payer",
                                                               message: "no rule file for payer '\(encounter.payerSlug)'")])
            }
            return Outcome(lines: lines, warnings: [], authorizationUses: [])
        }
        let lineCount = encounter.services.count
        // Each line's code is looked up once: its service, and its place in the code table, by which
        // the rules that select it are known and conditions ask for services and codes.
        var lines = CompiledCondition.Lines(codeIndices: [], serviceIndices: [])
        lines.codeIndices.reserveCapacity(lineCount)
        lines.serviceIndices.reserveCapacity(lineCount)
        for index in 0..<lineCount {
            let entry = book.codeEntries[encounter.services[index].code]
            lines.codeIndices.append(entry?.index ?? -1)
            lines.serviceIndices.append(entry?.serviceIndex ?? -1)
        }
        let services = LineServiceNames(indices: lines.serviceIndices, names: book.table.services)

        var findings = LineFindings(lineCount: lineCount)
        var warnings: [Warning] = []
        var authorizationRules: [(PlannedRule, [Int])] = []
        var timelyRule: (PlannedRule, Int, Int)?
        var oneClaimRules: [(PlannedRule, [Int])] = []
        var agreementRules: [(PlannedRule, [Int])] = []
        /// Filled on the first route that names a purpose (most encounters have none).
        var purposes: [SuperbillPurpose?] = []

        // The lines the current rule selects (one buffer for every rule).
        var selected: [Int] = []
        selected.reserveCapacity(lineCount)
        // The rules of the current group of 64 that select some line or act without one.
        var acting: UInt64 = 0
        // The rules in file order. One that selects none of the lines does nothing (whatever its
        // `when` says) unless it acts without lines: it is passed over on its bit.
        for number in plan.rules.indices {
            let group = number / 64, bit = UInt64(number % 64)
            if bit == 0 {
                acting = plan.withoutLines[group]
                for index in 0..<lineCount { acting |= plan.mask(code: encounter.services[index].code, index: lines.codeIndices[index], group: group) }
            }
            guard acting >> bit & 1 == 1 else { continue }
            let planned = plan.rules[number]
            guard planned.rule.effective.contains(encounter.dateOfService) else { continue }
            selected.removeAll(keepingCapacity: true)
            for index in 0..<lineCount
                where plan.mask(code: encounter.services[index].code, index: lines.codeIndices[index], group: group) >> bit & 1 == 1 {
                selected.append(index)
            }
            if let when = planned.when, !when.isMet(encounter, lines, plan.named, depth: 0) { continue }
            let ruleId = planned.qualifiedId
            let message = planned.rule.message
            func add(_ decision: Decision, _ indices: [Int], _ message: String) {
                for index in indices { findings.append(Finding(decision: decision, reason: Reason(rule: ruleId, message: message)), line: index) }
            }
            switch planned.rule.kind {
            case .notCovered:
                for index in selected {
                    add(.notCovered, [index], message ?? "\(plan.payer.name) does not cover \(services[index] ?? encounter.services[index].code)")
                }
            case .criteria(let requirements):
                guard !selected.isEmpty else { continue }
                for (number, requirement) in requirements.enumerated()
                    where !planned.requirements[number].isMet(encounter, lines, plan.named, depth: 0) {
                    // As `evaluate(in:)` decides: its first pass said no, so the explaining pass words why.
                    let outcome = requirement.condition.evaluate(in: Self.context(encounter, services: services, plan: plan))
                    guard !outcome.isMet else { continue }
                    let prefix = message.map { "\($0): " } ?? ""
                    add(.criteriaNotMet, selected, "\(prefix)\(requirement.description) — \(outcome.explanation)")
                }
            case .route(let decision, let warnBalanceDue, let purpose):
                guard !selected.isEmpty else { continue }
                add(decision, selected, message ?? "routed to \(decision.rawValue) by \(ruleId)")
                // A line several routes send to a superbill takes the strongest purpose (no insurance: a receipt).
                if let purpose {
                    if purposes.isEmpty { purposes = Array(repeating: nil, count: lineCount) }
                    for index in selected { purposes[index] = min(purposes[index] ?? purpose, purpose) }
                }
                if warnBalanceDue, encounter.totalPayments < encounter.totalCharges {
                    let due = encounter.totalCharges - encounter.totalPayments
                    warnings.append(Warning(rule: ruleId,
                                            message: "balance due \(Money.format(due)) of \(Money.format(encounter.totalCharges)): full payment is due before the procedure"))
                }
            case .hold:
                add(.hold, selected, message ?? "held by \(ruleId)")
            case .codeValidity:
                for index in selected {
                    let code = encounter.services[index].code
                    guard let definition = book.procedureCodes[code] else { continue }
                    let replacement = definition.replacedBy.map { "; use \($0)" } ?? ""
                    if let to = definition.validTo, encounter.dateOfService > to {
                        add(.hold, [index], message ?? "\(code) was deleted after \(to.iso)\(replacement)")
                    } else if let from = definition.validFrom, encounter.dateOfService < from {
                        add(.hold, [index], message ?? "\(code) is not valid before \(from.iso)")
                    }
                }
            case .mutuallyExclusive:
                guard selected.count > 1 else { continue }
                var codeList: [String] = []
                for index in selected { codeList.append(encounter.services[index].code) }
                let codes = codeList.joined(separator: ", ")
                add(.hold, selected, message ?? "only one of these may be billed per encounter; found \(codes)")
            case .addOnRequiresPrimary(let primary):
                var hasPrimary = false
                for index in 0..<lineCount where primary.matches(code: encounter.services[index].code, service: services[index]) {
                    hasPrimary = true
                    break
                }
                guard !hasPrimary else { continue }
                for index in selected where book.procedureCodes[encounter.services[index].code]?.addOn == true {
                    add(.hold, [index], message ?? "add-on \(encounter.services[index].code) needs a primary \(primaryDescription(primary)) on the same encounter")
                }
            case .modifierRequired(let modifiers):
                for index in selected where !encounter.services[index].modifiers.contains(where: modifiers.contains) {
                    let wanted = modifiers.count == 1 ? "modifier \(modifiers[0])" : "one of the modifiers \(modifiers.joined(separator: ", "))"
                    add(.hold, [index], message ?? "\(encounter.services[index].code) needs \(wanted) on this encounter")
                }
            case .maxUnits(let maximum):
                // Plain loops: a closure that captures the encounter copies it.
                var byCode: [String: [Int]] = [:]
                for index in selected { byCode[encounter.services[index].code, default: []].append(index) }
                let encounterId = encounter.id
                for (code, indices) in byCode.sorted(by: { $0.key < $1.key }) {
                    var own = Decimal(0)
                    for index in indices { own += encounter.services[index].units }
                    let others = sameDay.filter { $0.code == code && $0.encounterId != encounterId }
                    let total = others.reduce(own) { $0 + $1.units }
                    guard total > maximum else { continue }
                    add(.hold, indices, maxUnitsMessage(rule: planned.rule, code: code, maximum: maximum, own: own, others: others,
                                                        date: encounter.dateOfService))
                }
            case .oneClaimPerEncounter:
                if !selected.isEmpty { oneClaimRules.append((planned, selected)) }
            case .ndcRequired:
                for index in selected {
                    if let problem = ndcProblem(encounter.services[index]) { add(.hold, [index], problem) }
                }
            case .timelyFiling(let days, let warningDays):
                timelyRule = (planned, days, warningDays)
            case .priorAuthorization:
                if !selected.isEmpty { authorizationRules.append((planned, selected)) }
            case .abn, .privatePay:
                agreementRules.append((planned, selected))
            }
        }

        var uses: [AuthorizationUse] = []
        for (planned, indices) in authorizationRules {
            let byService = Dictionary(grouping: indices) { services[$0] ?? "" }
            for (service, serviceIndices) in byService.sorted(by: { $0.key < $1.key }) {
                switch authorizationCheck(encounter, service: service, payer: plan.payer, authorizations: authorizations) {
                case .satisfied(let auth):
                    uses.append(AuthorizationUse(authorizationId: auth.id ?? 0, authNumber: auth.authNumber, service: service))
                case .missing(let message):
                    for index in serviceIndices {
                        findings.append(Finding(decision: .hold, reason: Reason(rule: planned.qualifiedId, message: message)), line: index)
                    }
                }
            }
        }

        // POLICY §5.3–§5.4, once every coverage rule has spoken: may the patient be charged?
        var charges = PatientCharges(lineCount: lineCount)
        var refundRules: [PlannedRule] = []
        for (planned, indices) in agreementRules {
            switch planned.rule.kind {
            case .abn(let modifier): applyABN(planned, modifier: modifier, to: indices, of: encounter, findings: &findings, charges: &charges)
            case .privatePay(let warnPayments):
                applyPrivatePay(planned, to: indices, of: encounter, findings: &findings, charges: &charges)
                if warnPayments { refundRules.append(planned) }
            default: break
            }
        }

        if let (planned, days, warningDays) = timelyRule {
            let elapsed = encounter.dateOfService.days(until: asOf)
            let deadline = encounter.dateOfService.adding(days: days)
            if elapsed > days {
                for index in 0..<lineCount {
                    findings.append(Finding(decision: .hold, reason: Reason(rule: planned.qualifiedId,
                        message: planned.rule.message ?? "timely filing limit of \(days) days passed on \(deadline.iso) (\(elapsed) days since the date of service)")),
                        line: index)
                }
            } else if days - elapsed <= warningDays, findings.someLineHasNone {
                warnings.append(Warning(rule: planned.qualifiedId,
                    message: "timely filing: \(days - elapsed) days left to file with \(plan.payer.name) (limit \(days) days, by \(deadline.iso))"))
            }
        }

        // POLICY §5.1, after every other rule: a claim carries all of an encounter's billable lines or waits.
        for (planned, indices) in oneClaimRules {
            let winners = (0..<lineCount).map { Self.winner(of: findings[$0]) }
            let waitingFor = winners.indices.filter { winners[$0] == .hold }
            guard !waitingFor.isEmpty else { continue }
            let named = waitingFor.map { "\($0 + 1) (\(encounter.services[$0].code))" }
            let what = (named.count == 1 ? "line " : "lines ") + named.joined(separator: ", ")
            for index in indices where winners[index] == .bill {
                findings.append(Finding(decision: .hold, reason: Reason(rule: planned.qualifiedId,
                    message: "waits for \(what): \(planned.rule.message ?? "one claim per encounter")")), line: index)
            }
        }

        var decisions: [LineDecision] = []
        decisions.reserveCapacity(lineCount)
        for index in 0..<lineCount {
            let winner = Self.winner(of: findings[index])
            var reasons: [Reason] = []
            for finding in findings[index] where finding.decision == winner && !reasons.contains(finding.reason) {
                reasons.append(finding.reason)
            }
            decisions.append(LineDecision(line: index + 1, code: encounter.services[index].code, service: services[index] ?? "unknown",
                                          decision: winner, reasons: reasons,
                                          addedModifiers: winner == .bill ? charges.addedModifiers(line: index) : [],
                                          superbillPurpose: winner == .superbill
                                              ? charges.isReceipt(line: index) ? .receipt : (purposes.isEmpty ? nil : purposes[index]) : nil))
        }
        for rule in refundRules {
            if let warning = refundWarning(rule, lines: decisions, encounter: encounter, payerName: plan.payer.name) { warnings.append(warning) }
        }
        // Only the uses of services some line bills.
        if !uses.isEmpty {
            uses = uses.filter { use in decisions.contains { $0.decision == .bill && $0.service == use.service } }
        }
        return Outcome(lines: decisions, warnings: warnings, authorizationUses: uses, errors: charges.errors, agreementNeeds: charges.needs)
    }

    /// What `Condition.evaluate(in:)` needs to word why a condition failed (the encounter is copied into it).
    private static func context(_ encounter: Encounter, services: LineServiceNames, plan: PayerPlan) -> ConditionContext {
        var names = Set<ServiceName>()
        for index in 0..<encounter.services.count { if let service = services[index] { names.insert(service) } }
        return ConditionContext(encounter: encounter, services: names, named: plan.conditions)
    }

    /// Each line's service (nil: a code the table does not know), named from the code table's numbering.
    struct LineServiceNames {
        var indices: [Int]
        var names: [ServiceName]
        subscript(line: Int) -> ServiceName? { indices[line] >= 0 ? names[indices[line]] : nil }
    }

    /// The decision that wins among a line's findings (POLICY §3 precedence); none: `bill`.
    static func winner(of findings: [Finding]) -> Decision {
        var winner = Decision.bill
        for finding in findings where finding.decision < winner { winner = finding.decision }
        return winner
    }

    /// The reason of a `max-units` hold; it names the other encounters of the day that count, so the
    /// office sees which visit already used the unit.
    private func maxUnitsMessage(rule: Rule, code: String, maximum: Decimal, own: Decimal, others: [BilledUnits], date: LocalDate) -> String {
        let total = others.reduce(own) { $0 + $1.units }
        let elsewhere = others.map { "\($0.encounterId) (\(Money.plain($0.units)) unit\($0.units == 1 ? "" : "s")\($0.earlierRun ? ", billed in an earlier run" : ""))" }
        let with = elsewhere.isEmpty ? "" : ", with \(elsewhere.joined(separator: ", ")) on \(date.iso)"
        if let message = rule.message { return "\(message) (\(code): \(Money.plain(total)) units\(with))" }
        return "\(code) allows at most \(Money.plain(maximum)) unit\(maximum == 1 ? "" : "s") per date of service; found \(Money.plain(total))\(with)"
    }

    private func primaryDescription(_ selector: LineSelector) -> String {
        (selector.services.sorted() + selector.codes.sorted()).joined(separator: "/") + " line"
    }

    private func ndcProblem(_ line: ServiceLine) -> String? {
        let known = book.ndcsByCode[line.code] ?? []
        // Worded only for a line that lacks a known NDC.
        func expected() -> String { known.map { "\($0.ndc) (\(Money.plain($0.units)) units)" }.joined(separator: " or ") }
        guard let ndc = line.ndc else {
            let expected = expected()
            return "NDC missing; \(line.code) needs \(expected.isEmpty ? "an NDC" : expected)"
        }
        guard let definition = known.first(where: { $0.ndc == ndc }) else {
            let expected = expected()
            return "NDC \(ndc) is not valid for \(line.code); expected \(expected.isEmpty ? "a known NDC" : expected)"
        }
        if line.units != definition.units {
            return "units \(Money.plain(line.units)) do not match NDC \(ndc) (\(definition.description)), which needs \(Money.plain(definition.units))"
        }
        return nil
    }

    /// Of several approved authorizations covering the date, the one ending first is used (it lapses
    /// first, so its units are not left to expire); an open end counts as last; ties go to the lowest id
    /// (the oldest record). docs/prior-authorizations.md, "Which authorization is used".
    static func isUsedBefore(_ a: PriorAuthorization, _ b: PriorAuthorization) -> Bool {
        let aEnd = a.end?.dayNumber ?? Int.max, bEnd = b.end?.dayNumber ?? Int.max
        if aEnd != bEnd { return aEnd < bEnd }
        return (a.id ?? Int64.max) < (b.id ?? Int64.max)
    }

    public enum AuthorizationCheck: Sendable, Hashable {
        case satisfied(PriorAuthorization)
        case missing(String)
    }

    /// POLICY §3.6: an approved authorization for the same patient, payer and service whose window
    /// holds the date of service, with units left; otherwise say which of these is missing.
    public func authorizationCheck(_ encounter: Encounter, service: ServiceName, payer: PayerRules,
                                   authorizations: [PriorAuthorization]) -> AuthorizationCheck {
        let date = encounter.dateOfService
        let candidates = authorizations.filter {
            $0.patientId == encounter.patient.id && $0.payer == payer.slug && $0.service == service
        }
        let prefix = "prior authorization required for \(service)"
        var pool = candidates
        if let number = encounter.priorAuthorization {
            let matching = candidates.filter { $0.authNumber == number }
            if !matching.isEmpty {
                pool = matching
            } else if !authorizations.contains(where: { $0.authNumber == number && $0.patientId == encounter.patient.id }) {
                return .missing("\(prefix); auth number \(number) in the encounter does not match an authorization on file for this patient, \(payer.slug) and \(service)")
            }
        }
        if let good = pool.filter({ $0.covers(date) }).min(by: Self.isUsedBefore) {
            return .satisfied(good)
        }
        func label(_ auth: PriorAuthorization) -> String {
            "authorization \(auth.id.map(String.init) ?? "?")" + (auth.authNumber.map { " (\($0))" } ?? "")
        }
        let approved = pool.filter { $0.status == .approved }
        if let auth = approved.first(where: { $0.end.map { $0 < date } ?? false }) {
            return .missing("\(prefix); \(label(auth)) expired on \(auth.end!.iso), before the date of service \(date.iso)")
        }
        if let auth = approved.first(where: { $0.start.map { date < $0 } ?? false }) {
            return .missing("\(prefix); \(label(auth)) starts \(auth.start!.iso), after the date of service \(date.iso)")
        }
        if let auth = approved.first(where: { ($0.unitsRemaining ?? 1) <= 0 }) {
            return .missing("\(prefix); \(label(auth)) is exhausted: all \(auth.units ?? 0) units used")
        }
        let order: [(AuthorizationStatus, String)] = [
            (.pending, "is pending: the payer asked for more information"),
            (.submitted, "is submitted and awaiting the payer's decision"),
            (.appealed, "was denied and is under appeal"),
            (.denied, "was denied"),
            (.cancelled, "was cancelled"),
        ]
        for (status, text) in order {
            if let auth = pool.first(where: { $0.status == status }) { return .missing("\(prefix); \(label(auth)) \(text)") }
        }
        return .missing("\(prefix); none approved for \(date.iso) (none on file for this patient with \(payer.slug))")
    }
}
