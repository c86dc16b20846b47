import ClaimsCore
import Foundation
import Yams

/// Reads condition trees: one operator per mapping (all, any, not, age, diagnosis, fact,
/// hasService, hasCode, dateOfService, placeOfService, ref), plus an optional `label` on all/any.
struct ConditionParser {
    let codes: CodeTable

    static let operators: Set<String> = ["all", "any", "not", "age", "diagnosis", "fact", "hasService", "hasCode", "dateOfService", "placeOfService", "ref"]

    mutating func parse(_ node: Node?, _ reader: inout YAMLNodeReader) -> Condition? {
        guard let node else { return nil }
        guard let members = reader.mapping(node, "a condition", allowed: Self.operators.union(["label", "atLeast", "atMost", "equals"])) else { return nil }
        let present = Self.operators.filter { members[$0] != nil }
        guard present.count == 1, let op = present.first, let value = members[op]?.value else {
            reader.report(node, "a condition needs exactly one of \(Self.operators.sorted().joined(separator: ", ")); found \(present.isEmpty ? "none" : present.sorted().joined(separator: ", "))")
            return nil
        }
        let label = members["label"].flatMap { reader.string($0.value, "label") }
        if op != "fact", let extra = ["atLeast", "atMost", "equals"].first(where: { members[$0] != nil }) {
            reader.report(members[extra]?.key, "'\(extra)' belongs to a 'fact' condition")
        }
        switch op {
        case "all", "any":
            let children = (reader.sequence(value, op) ?? []).compactMap { parse($0, &reader) }
            if children.isEmpty { reader.report(value, "'\(op)' needs at least one condition") }
            return op == "all" ? .all(children, label: label) : .any(children, label: label)
        case "not":
            return parse(value, &reader).map { .not($0) }
        case "age":
            guard let bounds = reader.mapping(value, "age", allowed: ["min", "max"]) else { return nil }
            let minimum = bounds["min"].flatMap { reader.int($0.value, "age.min", in: RuleFileRanges.age, unit: " years") }
            let maximum = bounds["max"].flatMap { reader.int($0.value, "age.max", in: RuleFileRanges.age, unit: " years") }
            if minimum == nil && maximum == nil { reader.report(value, "age needs min or max") }
            if let minimum, let maximum, maximum < minimum { reader.report(value, "age.max is below age.min") }
            return .age(min: minimum, max: maximum)
        case "diagnosis":
            guard let fields = reader.mapping(value, "diagnosis", allowed: ["codes", "prefixes"]) else { return nil }
            var codes: Set<String> = []
            var prefixes: [String] = []
            for code in reader.strings(fields["codes"]?.value, "diagnosis.codes") ?? [] {
                if let parsed = DiagnosisCode(code) { codes.insert(parsed.compact) } else {
                    reader.report(fields["codes"]?.value, "'\(code)' is not an ICD-10-CM code (e.g. F33.2)")
                }
            }
            for prefix in reader.strings(fields["prefixes"]?.value, "diagnosis.prefixes") ?? [] {
                let compact = prefix.uppercased().replacingOccurrences(of: ".", with: "")
                if compact.count < 1 || !compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
                    reader.report(fields["prefixes"]?.value, "'\(prefix)' is not an ICD-10-CM code prefix (e.g. G90.5)")
                } else { prefixes.append(compact) }
            }
            if codes.isEmpty && prefixes.isEmpty { reader.report(value, "diagnosis needs codes or prefixes") }
            return .diagnosis(DiagnosisMatcher(codes: codes, prefixes: prefixes))
        case "fact":
            guard let name = reader.string(value, "fact") else { return nil }
            let tests = ["atLeast", "atMost", "equals"].filter { members[$0] != nil }
            guard tests.count == 1, let test = tests.first, let testNode = members[test]?.value else {
                reader.report(node, "fact '\(name)' needs exactly one of atLeast, atMost, equals")
                return nil
            }
            switch test {
            case "atLeast": return reader.decimal(testNode, "atLeast", in: RuleFileRanges.factValue).map { .fact(name: name, test: .atLeast($0)) }
            case "atMost": return reader.decimal(testNode, "atMost", in: RuleFileRanges.factValue).map { .fact(name: name, test: .atMost($0)) }
            default:
                guard let text = reader.string(testNode, "equals") else { return nil }
                let fact: ClinicalFact
                switch text.lowercased() {
                case "true": fact = .bool(true)
                case "false": fact = .bool(false)
                default:
                    // A number only when the whole text is one (`-2`, `1.5`); `2abc` stays text.
                    if let number = Self.number(text) { fact = .number(number) } else { fact = .text(text) }
                }
                return .fact(name: name, test: .equals(fact))
            }
        case "hasService":
            let services = reader.strings(value, "hasService") ?? []
            for service in services where codes.services[service] == nil {
                reader.report(value, "unknown service '\(service)'; known services: \(codes.services.keys.sorted().joined(separator: ", "))")
            }
            return .hasService(Set(services))
        case "hasCode":
            let list = reader.strings(value, "hasCode") ?? []
            for code in list where codes.codes[code] == nil { reader.report(value, "unknown code '\(code)'; add it to the codes of the shared file first") }
            return .hasCode(Set(list))
        case "dateOfService":
            return reader.window(value, "dateOfService").map { .dateOfService($0) }
        case "placeOfService":
            let places = reader.strings(value, "placeOfService") ?? []
            if places.isEmpty { reader.report(value, "'placeOfService' needs at least one place-of-service code (e.g. [\"02\", \"10\"])") }
            for place in places where place.count != 2 || !place.allSatisfy({ $0.isASCII && $0.isNumber }) {
                reader.report(value, "'\(place)' is not a place-of-service code: 2 digits in quotes (e.g. \"02\")")
            }
            return .placeOfService(Set(places))
        default:
            return reader.string(value, "ref").map { .reference($0) }
        }
    }

    /// `-`? digits (`.` digits)?: the whole text, nothing more.
    static func number(_ text: String) -> Decimal? {
        var body = Substring(text)
        if body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// Reads the `rules:` list of a file. Each rule: id, kind, the lines it selects (services/codes),
/// `effective` dates, an optional `when` condition, a message, and its kind's own fields.
struct RuleParser {
    let payer: PayerSlug
    let codes: CodeTable
    let conditions: [String: Condition]

    static let kinds = ["not-covered", "criteria", "prior-auth", "route", "hold", "code-validity",
                        "mutually-exclusive", "add-on-requires-primary", "modifier-required", "ndc", "timely-filing",
                        "max-units", "one-claim-per-encounter", "abn", "private-pay"]
    static let common: Set<String> = ["id", "kind", "services", "codes", "effective", "when", "message", "verified", "note"]
    static let kindFields: [String: Set<String>] = [
        "criteria": ["requirements"], "route": ["decision", "warnBalanceDue", "superbillPurpose"], "add-on-requires-primary": ["primary"],
        "modifier-required": ["modifier", "modifiers"], "timely-filing": ["days", "warningDays"],
        "max-units": ["units"], "abn": ["modifier"], "private-pay": ["warnPaymentsOnCovered"],
    ]

    mutating func parseRules(_ node: Node?, _ reader: inout YAMLNodeReader) -> [Rule] {
        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        for item in reader.sequence(node, "rules") ?? [] {
            guard let rule = parseRule(item, &reader) else { continue }
            if let line = seen[rule.id] {
                reader.report(item, "duplicate rule id '\(rule.id)' (first defined on line \(line)); rule ids must be unique in a file")
                continue
            }
            seen[rule.id] = rule.sourceLine
            rules.append(rule)
        }
        return rules
    }

    private mutating func parseRule(_ node: Node, _ reader: inout YAMLNodeReader) -> Rule? {
        let kindName = node["kind"]?.string ?? ""
        let allowed = Self.common.union(Self.kindFields[kindName] ?? [])
        guard let fields = reader.mapping(node, "a rule", allowed: allowed, required: ["id", "kind"]),
              let id = reader.string(fields["id"]?.value, "id"), let kindText = reader.string(fields["kind"]?.value, "kind") else { return nil }
        if !ServiceNameRules.isValid(id) { reader.report(fields["id"]?.value, "rule id '\(id)' must be lower-case letters, digits, '-' and '/'") }
        guard Self.kinds.contains(kindText) else {
            reader.report(fields["kind"]?.value, "unknown rule kind '\(kindText)'; known kinds: \(Self.kinds.joined(separator: ", "))")
            return nil
        }
        let lines = selector(fields, &reader)
        let effective = fields["effective"].flatMap { reader.window($0.value, "effective") } ?? .always
        var conditionParser = ConditionParser(codes: codes)
        let when = fields["when"].flatMap { conditionParser.parse($0.value, &reader) }
        for reference in when?.references ?? [] where conditions[reference] == nil {
            reader.report(fields["when"]?.value, "unknown condition '\(reference)' in when")
        }
        _ = fields["verified"].flatMap { reader.bool($0.value, "verified") }
        let message = fields["message"].flatMap { reader.string($0.value, "message") }
        func need(_ key: String) -> Node? {
            if let value = fields[key]?.value { return value }
            reader.report(node, "a '\(kindText)' rule needs '\(key)'")
            return nil
        }
        func needsLines() { if lines.isAll { reader.report(node, "a '\(kindText)' rule must say which lines it applies to (services or codes)") } }
        let kind: Rule.Kind
        switch kindText {
        case "not-covered": needsLines(); kind = .notCovered
        case "prior-auth": needsLines(); kind = .priorAuthorization
        case "hold": needsLines(); kind = .hold
        case "code-validity": kind = .codeValidity
        case "mutually-exclusive": needsLines(); kind = .mutuallyExclusive
        case "ndc": needsLines(); kind = .ndcRequired
        case "criteria":
            needsLines()
            var requirements: [Requirement] = []
            var requirementIds: Set<String> = []
            for item in reader.sequence(need("requirements"), "requirements") ?? [] {
                guard let parts = reader.mapping(item, "a requirement", allowed: ["id", "description", "condition"], required: ["id", "description", "condition"]),
                      let requirementId = reader.string(parts["id"]?.value, "requirement id"),
                      let description = reader.string(parts["description"]?.value, "description"),
                      let condition = conditionParser.parse(parts["condition"]?.value, &reader) else { continue }
                if !requirementIds.insert(requirementId).inserted { reader.report(parts["id"]?.value, "duplicate requirement id '\(requirementId)'") }
                for reference in condition.references where conditions[reference] == nil {
                    reader.report(parts["condition"]?.value, "unknown condition '\(reference)'; define it under conditions")
                }
                requirements.append(Requirement(id: requirementId, description: description, condition: condition))
            }
            if requirements.isEmpty && fields["requirements"] != nil { reader.report(node, "a criteria rule needs at least one requirement") }
            kind = .criteria(requirements)
        case "route":
            let decisionText = need("decision").flatMap { reader.string($0, "decision") } ?? "superbill"
            guard let decision = Decision(rawValue: decisionText) else {
                reader.report(fields["decision"]?.value, "decision must be one of \(Decision.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            var purpose: SuperbillPurpose?
            if let node = fields["superbillPurpose"]?.value, let text = reader.string(node, "superbillPurpose") {
                purpose = SuperbillPurpose(rawValue: text)
                if purpose == nil || decision != .superbill {
                    reader.report(node, purpose == nil
                        ? "superbillPurpose must be one of \(SuperbillPurpose.allCases.map(\.rawValue).joined(separator: ", "))"
                        : "superbillPurpose is for a route whose decision is superbill")
                }
            }
            kind = .route(decision, warnBalanceDue: fields["warnBalanceDue"].flatMap { reader.bool($0.value, "warnBalanceDue") } ?? false,
                          superbillPurpose: purpose)
        case "add-on-requires-primary":
            needsLines()
            guard let primaryNode = need("primary"),
                  let primary = reader.mapping(primaryNode, "primary", allowed: ["services", "codes"]) else { return nil }
            kind = .addOnRequiresPrimary(primary: selector(primary, &reader))
        case "modifier-required":
            // `modifier: "25"`, or `modifiers: [RT, LT, "50"]` when any one of them will do.
            needsLines()
            let modifiers: [String]
            switch (fields["modifier"], fields["modifiers"]) {
            case (let single?, nil):
                guard let modifier = reader.string(single.value, "modifier") else { return nil }
                modifiers = [modifier]
            case (nil, let list?):
                guard let listed = reader.strings(list.value, "modifiers") else { return nil }
                if listed.isEmpty { reader.report(list.value, "'modifiers' needs at least one modifier") }
                modifiers = listed
            case (_?, let list?):
                reader.report(list.key, "a 'modifier-required' rule has 'modifier' (one) or 'modifiers' (any of several), not both")
                return nil
            case (nil, nil):
                reader.report(node, "a 'modifier-required' rule needs 'modifier' (e.g. \"25\") or 'modifiers' (e.g. [RT, LT, \"50\"])")
                return nil
            }
            let modifierNode = fields["modifier"]?.value ?? fields["modifiers"]?.value
            for modifier in modifiers where !Self.isModifier(modifier) {
                reader.report(modifierNode, "modifier '\(modifier)' must be 2 digits or capitals (e.g. \"25\" in quotes)")
            }
            kind = .modifierRequired(modifiers)
        case "max-units":
            needsLines()
            guard let units = need("units").flatMap({ reader.decimal($0, "units", in: RuleFileRanges.maxUnits) }) else { return nil }
            kind = .maxUnits(units)
        case "one-claim-per-encounter":
            kind = .oneClaimPerEncounter
        case "abn":
            guard let modifier = need("modifier").flatMap({ reader.string($0, "modifier") }) else { return nil }
            if !Self.isModifier(modifier) { reader.report(fields["modifier"]?.value, "modifier '\(modifier)' must be 2 digits or capitals (GA for an ABN on file)") }
            kind = .abn(modifier: modifier)
        case "private-pay":
            kind = .privatePay(warnPaymentsOnCovered: fields["warnPaymentsOnCovered"].flatMap { reader.bool($0.value, "warnPaymentsOnCovered") } ?? false)
        default: // timely-filing
            guard let days = need("days").flatMap({ reader.int($0, "days", in: RuleFileRanges.filingDays, unit: " days") }) else { return nil }
            let warning = fields["warningDays"].flatMap { reader.int($0.value, "warningDays", in: RuleFileRanges.warningDays, unit: " days") } ?? 30
            kind = .timelyFiling(days: days, warningDays: warning)
        }
        return Rule(id: id, payer: payer, kind: kind, lines: lines, effective: effective, when: when, message: message,
                    sourceLine: node.mark?.line ?? 0)
    }

    static func isModifier(_ text: String) -> Bool {
        text.count == 2 && text.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) }
    }

    private func selector(_ fields: [String: (key: Node, value: Node)], _ reader: inout YAMLNodeReader) -> LineSelector {
        let services = fields["services"].flatMap { reader.strings($0.value, "services") } ?? []
        for service in services where codes.services[service] == nil {
            reader.report(fields["services"]?.value, "unknown service '\(service)'; known services: \(codes.services.keys.sorted().joined(separator: ", "))")
        }
        let list = fields["codes"].flatMap { reader.strings($0.value, "codes") } ?? []
        for code in list where codes.codes[code] == nil {
            reader.report(fields["codes"]?.value, "unknown code '\(code)'; add it to the codes of the shared file first")
        }
        return LineSelector(services: Set(services), codes: Set(list))
    }

}
