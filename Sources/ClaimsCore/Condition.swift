import Foundation

/// A clinical or encounter condition, combined with all/any/not. Rule files spell these;
/// the evaluator decides them and explains, in words a billing office reads, what is missing.
public indirect enum Condition: Sendable, Hashable {
    case all([Condition], label: String?)
    case any([Condition], label: String?)
    case not(Condition)
    /// Age in whole years on the date of service.
    case age(min: Int?, max: Int?)
    /// Some diagnosis of the encounter matches.
    case diagnosis(DiagnosisMatcher)
    /// A fact of `clinical` passes a test; a missing fact never passes.
    case fact(name: String, test: FactTest)
    /// The encounter has a line of one of these services.
    case hasService(Set<ServiceName>)
    /// The encounter has a line with one of these codes.
    case hasCode(Set<String>)
    case dateOfService(DateWindow)
    /// The encounter's place of service (CMS code, e.g. `02`/`10` telehealth) is one of these.
    case placeOfService(Set<String>)
    /// A named condition of the payer file or the shared file.
    case reference(String)
}

public struct DiagnosisMatcher: Sendable, Hashable {
    /// Compact (no dot) codes.
    public var codes: Set<String>
    /// Compact prefixes: `G905` matches every G90.5x code.
    public var prefixes: [String]
    public init(codes: Set<String> = [], prefixes: [String] = []) { self.codes = codes; self.prefixes = prefixes }

    public func matches(_ code: DiagnosisCode) -> Bool {
        codes.contains(code.compact) || prefixes.contains { code.compact.hasPrefix($0) }
    }

    public var summary: String {
        let listed = codes.sorted().map { DiagnosisCode(compact: $0).dotted }
        let prefixed = prefixes.map { DiagnosisCode(compact: $0).dotted + "*" }
        return (listed + prefixed).joined(separator: ", ")
    }
}

public enum FactTest: Sendable, Hashable {
    case atLeast(Decimal)
    case atMost(Decimal)
    case equals(ClinicalFact)
}

/// What the evaluator needs to decide a condition for one encounter.
public struct ConditionContext: Sendable {
    public var encounter: Encounter
    public var services: Set<ServiceName>
    public var named: [String: Condition]
    public init(encounter: Encounter, services: Set<ServiceName>, named: [String: Condition]) {
        self.encounter = encounter; self.services = services; self.named = named
    }
}

public struct ConditionOutcome: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable { case met, notMet = "not-met", missing }
    public var state: State
    /// Why it is not met (empty when met).
    public var explanation: String
    public var isMet: Bool { state == .met }
}

extension Condition {
    /// Whether the condition holds for the encounter and, when it does not, why.
    public func evaluate(in context: ConditionContext, depth: Int = 0) -> ConditionOutcome {
        // Most conditions hold, and an `any` discards its failing branches' reasons: the reasons are
        // put into words only when the whole condition fails (`isMet` first, then the explaining pass).
        isMet(in: context, depth: depth) ? ConditionOutcome(state: .met, explanation: "") : outcome(in: context, depth: depth, explain: true)
    }

    /// Whether the condition holds, without the reasons (a rule's `when`: its reasons are never shown).
    public func holds(in context: ConditionContext) -> Bool {
        isMet(in: context, depth: 0)
    }

    /// The explaining pass's answer to `holds` (tests compare the two).
    func holdsByOutcome(in context: ConditionContext) -> Bool {
        outcome(in: context, depth: 0, explain: true).isMet
    }

    /// `outcome(…).isMet` as a plain yes or no, stopping at the first child that decides: no outcome
    /// values, no lists of failures. The same cases, in the same order, with the same depth limit.
    private func isMet(in context: ConditionContext, depth: Int) -> Bool {
        switch self {
        case .all(let children, _):
            for child in children where !child.isMet(in: context, depth: depth + 1) { return false }
            return true
        case .any(let children, _):
            if children.isEmpty { return true }
            for child in children where child.isMet(in: context, depth: depth + 1) { return true }
            return false
        case .not(let inner):
            return !inner.isMet(in: context, depth: depth + 1)
        case .age(let minimum, let maximum):
            let age = context.encounter.patientAge
            if let minimum, age < minimum { return false }
            if let maximum, age > maximum { return false }
            return true
        case .diagnosis(let matcher):
            return context.encounter.diagnoses.contains(where: matcher.matches)
        case .fact(let name, let test):
            guard let value = context.encounter.clinical[name] else { return false }
            return test.passes(value)
        case .hasService(let services):
            return !context.services.isDisjoint(with: services)
        case .hasCode(let codes):
            return context.encounter.services.contains { codes.contains($0.code) }
        case .dateOfService(let window):
            return window.contains(context.encounter.dateOfService)
        case .placeOfService(let codes):
            return codes.contains(context.encounter.placeOfService)
        case .reference(let name):
            guard depth < 32, let named = context.named[name] else { return false }
            return named.isMet(in: context, depth: depth + 1)
        }
    }

    private func outcome(in context: ConditionContext, depth: Int, explain: Bool) -> ConditionOutcome {
        func met() -> ConditionOutcome { ConditionOutcome(state: .met, explanation: "") }
        func notMet(_ why: @autoclosure () -> String) -> ConditionOutcome { ConditionOutcome(state: .notMet, explanation: explain ? why() : "") }
        func outcome(of child: Condition) -> ConditionOutcome { child.outcome(in: context, depth: depth + 1, explain: explain) }
        let encounter = context.encounter
        switch self {
        case .all(let children, let label):
            let failures = children.map(outcome(of:)).filter { !$0.isMet }
            if failures.isEmpty { return met() }
            let state: ConditionOutcome.State = failures.allSatisfy { $0.state == .missing } ? .missing : .notMet
            guard explain else { return ConditionOutcome(state: state, explanation: "") }
            let why = failures.map(\.explanation).joined(separator: "; ")
            return ConditionOutcome(state: state, explanation: label.map { "\($0): \(why)" } ?? why)
        case .any(let children, let label):
            var outcomes: [ConditionOutcome] = []
            for child in children {
                let childOutcome = outcome(of: child)
                if childOutcome.isMet { return met() }
                outcomes.append(childOutcome)
            }
            if children.isEmpty { return met() }
            let state: ConditionOutcome.State = outcomes.contains { $0.state == .missing } ? .missing : .notMet
            guard explain else { return ConditionOutcome(state: state, explanation: "") }
            let why = "none of: " + outcomes.map { "(\($0.explanation))" }.joined(separator: " or ")
            return ConditionOutcome(state: state, explanation: label.map { "\($0) needed, \(why)" } ?? why)
        case .not(let inner):
            return outcome(of: inner).isMet ? notMet("must not hold: \(inner.summary)") : met()
        case .age(let minimum, let maximum):
            let age = encounter.patientAge
            if let minimum, age < minimum { return notMet("patient is \(age), must be \(minimum) or older") }
            if let maximum, age > maximum { return notMet("patient is \(age), must be \(maximum) or younger") }
            return met()
        case .diagnosis(let matcher):
            return encounter.diagnoses.contains(where: matcher.matches) ? met()
                : notMet("no diagnosis among \(matcher.summary)")
        case .fact(let name, let test):
            guard let value = encounter.clinical[name] else {
                return ConditionOutcome(state: .missing, explanation: explain ? "\(name) is missing from the clinical facts" : "")
            }
            return test.passes(value) ? met() : notMet("\(name) is \(value.display), \(test.requirementText)")
        case .hasService(let services):
            return context.services.isDisjoint(with: services) ? notMet("no \(services.sorted().joined(separator: "/")) line") : met()
        case .hasCode(let codes):
            return encounter.services.contains { codes.contains($0.code) } ? met()
                : notMet("no line with \(codes.sorted().joined(separator: "/"))")
        case .dateOfService(let window):
            return window.contains(encounter.dateOfService) ? met()
                : notMet("date of service \(encounter.dateOfService) outside \(window.from?.iso ?? "…")–\(window.to?.iso ?? "…")")
        case .placeOfService(let codes):
            return codes.contains(encounter.placeOfService) ? met()
                : notMet("place of service \(encounter.placeOfService) is not \(codes.sorted().joined(separator: "/"))")
        case .reference(let name):
            guard depth < 32, let named = context.named[name] else { return notMet("unknown condition '\(name)'") }
            return named.outcome(in: context, depth: depth + 1, explain: explain)
        }
    }

    /// A short human description ("age ≥ 18", "failedAntidepressantTrials ≥ 2").
    public var summary: String {
        switch self {
        case .all(let children, let label): label ?? children.map(\.summary).joined(separator: " and ")
        case .any(let children, let label): label ?? "(" + children.map(\.summary).joined(separator: " or ") + ")"
        case .not(let inner): "not \(inner.summary)"
        case .age(let minimum, let maximum):
            [minimum.map { "age ≥ \($0)" }, maximum.map { "age ≤ \($0)" }].compactMap { $0 }.joined(separator: " and ")
        case .diagnosis(let matcher): "a diagnosis among \(matcher.summary)"
        case .fact(let name, let test): "\(name) \(test.symbolText)"
        case .hasService(let services): "a \(services.sorted().joined(separator: "/")) line"
        case .hasCode(let codes): "a line with \(codes.sorted().joined(separator: "/"))"
        case .dateOfService(let window): "date of service in \(window.from?.iso ?? "…")–\(window.to?.iso ?? "…")"
        case .placeOfService(let codes): "place of service \(codes.sorted().joined(separator: "/"))"
        case .reference(let name): name
        }
    }

    /// Every named condition this one refers to (for validation).
    public var references: [String] {
        switch self {
        case .all(let children, _), .any(let children, _): children.flatMap(\.references)
        case .not(let inner): inner.references
        case .reference(let name): [name]
        default: []
        }
    }
}

extension FactTest {
    public func passes(_ value: ClinicalFact) -> Bool {
        switch (self, value) {
        case (.atLeast(let bound), .number(let number)): number >= bound
        case (.atMost(let bound), .number(let number)): number <= bound
        case (.equals(let expected), let actual): expected == actual
        default: false
        }
    }

    var requirementText: String {
        switch self {
        case .atLeast(let bound): "needs at least \(Money.plain(bound))"
        case .atMost(let bound): "needs at most \(Money.plain(bound))"
        case .equals(let expected): "must be \(expected.display)"
        }
    }

    var symbolText: String {
        switch self {
        case .atLeast(let bound): "≥ \(Money.plain(bound))"
        case .atMost(let bound): "≤ \(Money.plain(bound))"
        case .equals(let expected): "= \(expected.display)"
        }
    }
}
