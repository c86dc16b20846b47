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

    mutating func int(_ node: Node?, _ what: String, minimum: Int = 0) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text), value >= minimum else {
            report(node, "\(what) must be a whole number ≥ \(minimum), not '\(text)'")
            return nil
        }
        return value
    }

    mutating func decimal(_ node: Node?, _ what: String) -> Decimal? {
        guard let text = string(node, what) else { return nil }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
              text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else {
            report(node, "\(what) must be a number, not '\(text)'")
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
