import ClaimsCore
import Foundation
import Yams

/// Walks a composed YAML tree, collecting every problem with its line and column instead of
/// stopping at the first, and refusing keys it does not know (a typo must not be ignored).
struct YAMLNodeReader {
    let file: String
    private(set) var diagnostics: [RuleFileDiagnostic] = []

    init(file: String) { self.file = file }

    mutating func report(_ node: Node?, _ message: String) {
        let mark = node?.mark
        diagnostics.append(RuleFileDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// The members of a mapping, keyed by name, with their key nodes (for positions).
    /// `allowed: nil` accepts any key (names defined by the file itself).
    mutating func mapping(_ node: Node?, _ what: String, allowed: Set<String>?, required: Set<String> = []) -> [String: (key: Node, value: Node)]? {
        guard let node else { return nil }
        guard case .mapping(let mapping) = node else {
            report(node, "\(what) must be a mapping (key: value pairs)")
            return nil
        }
        var members: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { report(key, "keys in \(what) must be plain names"); continue }
            if let allowed, !allowed.contains(name) {
                report(key, "unknown key '\(name)' in \(what); allowed keys: \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            if members[name] != nil { report(key, "duplicate key '\(name)' in \(what)") }
            members[name] = (key, value)
        }
        for name in required.sorted() where members[name] == nil {
            report(node, "\(what) is missing the required key '\(name)'")
        }
        return members
    }

    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            report(node, "\(what) must be a text value")
            return nil
        }
        return scalar.string
    }

    /// A whole number within `range`; the message states the range, so a value that would
    /// overflow date arithmetic later (`days: 9223372036854775807`) is refused here, where it is written.
    mutating func int(_ node: Node?, _ what: String, in range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            report(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)\(unit), not '\(text)'")
            return nil
        }
        return value
    }

    /// A decimal number (digits, one optional '.' and a leading '-') within `range`.
    mutating func decimal(_ node: Node?, _ what: String, in range: ClosedRange<Decimal>) -> Decimal? {
        guard let text = string(node, what) else { return nil }
        guard let value = ConditionParser.number(text), range.contains(value) else {
            report(node, "\(what) must be a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            report(node, "\(what) must be true or false, not '\(text)'")
            return nil
        }
    }

    mutating func date(_ node: Node?, _ what: String) -> LocalDate? {
        guard let text = string(node, what) else { return nil }
        guard let date = LocalDate(iso: text) else {
            report(node, "\(what) '\(text)' is not a real date; use YYYY-MM-DD (e.g. 2026-01-01)")
            return nil
        }
        guard RuleFileRanges.dates.contains(date) else {
            report(node, "\(what) \(text) must be between \(RuleFileRanges.dates.lowerBound.iso) and \(RuleFileRanges.dates.upperBound.iso); leave the end of the window open instead of writing a far-away date")
            return nil
        }
        return date
    }

    mutating func sequence(_ node: Node?, _ what: String) -> [Node]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            report(node, "\(what) must be a list")
            return nil
        }
        return Array(sequence)
    }

    mutating func strings(_ node: Node?, _ what: String) -> [String]? {
        guard let items = sequence(node, what) else { return nil }
        return items.compactMap { string($0, "an entry of \(what)") }
    }

    /// `{from: DATE, to: DATE}`; refuses a window that ends before it starts.
    mutating func window(_ node: Node?, _ what: String) -> DateWindow? {
        guard let node, let members = mapping(node, what, allowed: ["from", "to"]) else { return nil }
        let from = date(members["from"]?.value, "\(what).from")
        let to = date(members["to"]?.value, "\(what).to")
        if let from, let to, to < from {
            report(node, "\(what) ends (\(to.iso)) before it starts (\(from.iso))")
            return nil
        }
        return DateWindow(from: from, to: to)
    }
}

/// The ranges numbers and dates in rule files must fall in (docs/rule-files.md, "Limits").
/// Wide enough for any real policy, small enough that no arithmetic on them can overflow.
enum RuleFileRanges {
    /// Timely-filing `days` (10 years).
    static let filingDays = 1...3650
    /// Timely-filing `warningDays`.
    static let warningDays = 0...3650
    /// A payer's `priorAuthorizationDecisionDays` (one year).
    static let decisionDays = 1...365
    /// `age: {min, max}` in whole years.
    static let age = 0...150
    /// `fact` comparisons (`atLeast`, `atMost`, a numeric `equals`): scores, counts, amounts.
    static let factValue: ClosedRange<Decimal> = -1_000_000...1_000_000
    /// An NDC's billing `units`.
    static let ndcUnits: ClosedRange<Decimal> = Decimal(string: "0.001")!...100_000
    /// A `max-units` rule's `units` per code and date of service.
    static let maxUnits: ClosedRange<Decimal> = Decimal(string: "0.001")!...100_000
    /// Every date (`effective`, `dateOfService`, `validFrom`, `validTo`).
    static let dates = LocalDate(year: 1900, month: 1, day: 1)!...LocalDate(year: 2199, month: 12, day: 31)!
}

extension YamlError {
    /// The position and problem of a YAML syntax error.
    var positionAndProblem: (line: Int, column: Int, problem: String) {
        switch self {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text): " } ?? ""
            return (mark.line, mark.column, "YAML syntax error: \(prefix)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, context.mark.column, "duplicate keys \(duplicates.joined(separator: ", ")) in one mapping")
        case .reader(let problem, _, _, _):
            return (1, 1, "the file is not readable as UTF-8 YAML: \(problem)")
        default:
            return (1, 1, "YAML error: \(self)")
        }
    }
}
