import ClaimsCore
import Foundation
import Yams

/// One difference between two versions of a rule file: a rule added, removed or changed (by id),
/// or a top-level section (payer, conditions, codes, …) changed. Formatting and comments are ignored.
public struct RuleChange: Codable, Sendable, Hashable {
    /// `rules/<id>` or the name of a top-level section.
    public var item: String
    /// `added`, `removed` or `changed`.
    public var change: String
    public var before: String?
    public var after: String?
}

public enum RuleDiff {
    /// The rule-level changes from `old` (nil: a new file) to `new`. Both must parse.
    public static func changes(from old: String?, to new: String) -> [RuleChange] {
        let before = old.flatMap { sections(of: $0) } ?? [:]
        let after = sections(of: new) ?? [:]
        var changes: [RuleChange] = []
        for key in Set(before.keys).union(after.keys).sorted(by: order) {
            switch (before[key], after[key]) {
            case (nil, let added?): changes.append(RuleChange(item: key, change: "added", before: nil, after: added))
            case (let removed?, nil): changes.append(RuleChange(item: key, change: "removed", before: removed, after: nil))
            case (let old?, let new?) where old != new: changes.append(RuleChange(item: key, change: "changed", before: old, after: new))
            default: break
            }
        }
        return changes
    }

    /// Rules first in file order would need positions; sorting keeps the output stable instead.
    private static func order(_ lhs: String, _ rhs: String) -> Bool {
        let lhsRule = lhs.hasPrefix("rules/"), rhsRule = rhs.hasPrefix("rules/")
        return lhsRule == rhsRule ? lhs < rhs : !lhsRule
    }

    /// Each top-level section and each rule (by id), as normalized YAML text.
    static func sections(of text: String) -> [String: String]? {
        guard case .success(let root?) = GuardedYAML.compose(text, file: ""), case .mapping(let mapping) = root else { return nil }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            if name == "rules", case .sequence(let rules) = value {
                for (index, rule) in rules.enumerated() {
                    let id = rule["id"]?.string ?? "#\(index + 1)"
                    result["rules/\(id)"] = normalized(rule)
                }
            } else if case .sequence(let entries) = value, entries.allSatisfy({ entryKey($0) != nil }) {
                // Lists of codes or NDCs: one item per entry, so a change names the code it touches.
                for entry in entries { result["\(name)/\(entryKey(entry)!)"] = normalized(entry) }
            } else if case .mapping(let members) = value, name == "conditions" || name == "services" {
                for (memberKey, member) in members { result["\(name)/\(memberKey.string ?? "?")"] = normalized(member) }
            } else if name != "schemaVersion" && name != "kind" {
                result[name] = normalized(value)
            }
        }
        return result
    }

    private static func entryKey(_ node: Node) -> String? {
        node["code"]?.string ?? node["ndc"]?.string
    }

    private static func normalized(_ node: Node) -> String {
        ((try? Yams.serialize(node: node, sortKeys: true)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
