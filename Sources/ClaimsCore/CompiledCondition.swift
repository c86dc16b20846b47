import Foundation

/// A `Condition` of one payer's view made ready for the evaluator's first pass (`holds`): named
/// references resolved to positions (still followed at decision time, with the same depth limit,
/// so a loop ends as it does in `Condition`), and services and codes looked up by their place in
/// the code table instead of by hashing names. The reasons are never worded here: a condition that
/// fails is put into words by `Condition.evaluate(in:)`, the one explaining path.
indirect enum CompiledCondition: Sendable {
    case all([CompiledCondition])
    case any([CompiledCondition])
    case not(CompiledCondition)
    case age(min: Int?, max: Int?)
    case diagnosis(DiagnosisMatcher)
    case fact(name: String, test: FactTest)
    /// By service index (`CompiledRuleBook.CodeEntry.serviceIndex`): whether the service is wanted.
    case hasService([Bool])
    /// By code index: whether the code is wanted; `codes` for lines whose code the table does not know.
    case hasCode([Bool], codes: Set<String>)
    case dateOfService(DateWindow)
    case placeOfService(Set<String>)
    /// The position of the named condition in `PayerPlan.named`; nil: no condition of that name.
    case reference(Int?)

    /// The lines of the encounter being decided, as the code table knows them (-1: not in it).
    struct Lines {
        var codeIndices: [Int]
        var serviceIndices: [Int]
    }

    init(_ condition: Condition, names: [String: Int], table: CompiledRuleBook.TableOrder) {
        switch condition {
        case .all(let children, _): self = .all(children.map { CompiledCondition($0, names: names, table: table) })
        case .any(let children, _): self = .any(children.map { CompiledCondition($0, names: names, table: table) })
        case .not(let inner): self = .not(CompiledCondition(inner, names: names, table: table))
        case .age(let minimum, let maximum): self = .age(min: minimum, max: maximum)
        case .diagnosis(let matcher): self = .diagnosis(matcher)
        case .fact(let name, let test): self = .fact(name: name, test: test)
        case .hasService(let services): self = .hasService(table.services.map(services.contains))
        case .hasCode(let codes): self = .hasCode(table.codes.map { codes.contains($0.code) }, codes: codes)
        case .dateOfService(let window): self = .dateOfService(window)
        case .placeOfService(let codes): self = .placeOfService(codes)
        case .reference(let name): self = .reference(names[name])
        }
    }

    /// `Condition.holds`: the same cases, each deciding as there, stopping at the first child that decides.
    func isMet(_ encounter: Encounter, _ lines: Lines, _ named: [CompiledCondition], depth: Int) -> Bool {
        switch self {
        case .all(let children):
            for child in children where !child.isMet(encounter, lines, named, depth: depth + 1) { return false }
            return true
        case .any(let children):
            if children.isEmpty { return true }
            for child in children where child.isMet(encounter, lines, named, depth: depth + 1) { return true }
            return false
        case .not(let inner):
            return !inner.isMet(encounter, lines, named, depth: depth + 1)
        case .age(let minimum, let maximum):
            let age = encounter.patientAge
            if let minimum, age < minimum { return false }
            if let maximum, age > maximum { return false }
            return true
        case .diagnosis(let matcher):
            return encounter.diagnoses.contains(where: matcher.matches)
        case .fact(let name, let test):
            guard let value = encounter.clinical[name] else { return false }
            return test.passes(value)
        case .hasService(let wanted):
            // A line whose code the table does not know has no service.
            for service in lines.serviceIndices where service >= 0 && wanted[service] { return true }
            return false
        case .hasCode(let wanted, let codes):
            for index in lines.codeIndices.indices {
                let code = lines.codeIndices[index]
                if code >= 0 ? wanted[code] : codes.contains(encounter.services[index].code) { return true }
            }
            return false
        case .dateOfService(let window):
            return window.contains(encounter.dateOfService)
        case .placeOfService(let codes):
            return codes.contains(encounter.placeOfService)
        case .reference(let position):
            guard depth < 32, let position else { return false }
            return named[position].isMet(encounter, lines, named, depth: depth + 1)
        }
    }
}
