import Foundation

/// What `CoverageEvaluator` derives from a rule book once instead of per encounter: each payer's
/// view (its rules with their qualified ids), and which rule's line selector takes which code of
/// the code table. Still data interpreted by the one evaluator: nothing here is written per payer.
final class CompiledRuleBook: Sendable {
    let rules: RuleBook
    /// Code → its service and its position among the table's codes (`PlannedRule.selectsCode`).
    let codeEntries: [String: CodeEntry]
    let table: TableOrder
    let procedureCodes: [String: ProcedureCode]
    /// Code → the known NDCs that name it, in NDC order (the `ndc` rule's expectations).
    let ndcsByCode: [String: [NDCDefinition]]
    let plans: [PayerSlug: PayerPlan]

    /// The order in which codes and services are numbered.
    struct TableOrder: Sendable {
        /// The table's codes in code order (a code's position is its `CodeEntry.index`).
        var codes: [ProcedureCode]
        /// The services of the table's codes in name order (a service's position is its `CodeEntry.serviceIndex`).
        var services: [ServiceName]
    }

    struct CodeEntry: Sendable {
        var index: Int
        var service: ServiceName
        var serviceIndex: Int
    }

    init(_ rules: RuleBook) {
        self.rules = rules
        let table = rules.codes.codes.values.sorted { $0.code < $1.code }
        let services = Set(table.map(\.service)).sorted()
        let serviceIndex = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1, $0) })
        var entries: [String: CodeEntry] = [:]
        for (index, code) in table.enumerated() {
            entries[code.code] = CodeEntry(index: index, service: code.service, serviceIndex: serviceIndex[code.service]!)
        }
        codeEntries = entries
        let order = TableOrder(codes: table, services: services)
        self.table = order
        procedureCodes = rules.codes.codes
        var ndcs: [String: [NDCDefinition]] = [:]
        for definition in rules.codes.ndcs.values {
            for code in definition.codes { ndcs[code, default: []].append(definition) }
        }
        ndcsByCode = ndcs.mapValues { $0.sorted { $0.ndc < $1.ndc } }
        plans = rules.payers.mapValues { payer in PayerPlan(payer: payer, view: rules.view(of: payer), table: order) }
    }
}

/// One payer's view of the rule book (`RuleBook.view(of:)`), with its rules planned. Which rules
/// select a line is known per code in advance, as bits: rules in groups of 64, one word per group
/// and code, so an encounter visits only the rules that select one of its lines (or act without one).
final class PayerPlan: Sendable {
    let payer: PayerRules
    let conditions: [String: Condition]
    /// The named conditions, compiled; `CompiledCondition.reference` points into it.
    let named: [CompiledCondition]
    /// Name → position in `named`.
    let positions: [String: Int]
    let rules: [PlannedRule]
    let groupCount: Int
    /// `codeMasks[code * groupCount + group]`: bit `b` is set when rule `64 * group + b` selects the code.
    private let codeMasks: [UInt64]
    /// Per group, the rules that act without lines.
    let withoutLines: [UInt64]

    init(payer: PayerRules, view: RuleBook.PayerView, table: CompiledRuleBook.TableOrder) {
        self.payer = payer
        conditions = view.conditions
        let (names, named) = Self.compile(view.conditions, table: table)
        positions = names
        self.named = named
        let rules = view.rules.map { PlannedRule($0, names: names, table: table) }
        self.rules = rules
        let codeCount = table.codes.count
        groupCount = (rules.count + 63) / 64
        var masks = Array(repeating: UInt64(0), count: codeCount * groupCount)
        var withoutLines = Array(repeating: UInt64(0), count: groupCount)
        for (number, rule) in rules.enumerated() {
            let bit = UInt64(1) << UInt64(number % 64)
            for code in 0..<codeCount where rule.selectsCode[code] { masks[code * groupCount + number / 64] |= bit }
            if rule.actsWithoutLines { withoutLines[number / 64] |= bit }
        }
        codeMasks = masks
        self.withoutLines = withoutLines
    }

    /// Named conditions compiled, in name order, with each name's position.
    static func compile(_ conditions: [String: Condition], table: CompiledRuleBook.TableOrder)
        -> (positions: [String: Int], named: [CompiledCondition]) {
        let ordered = conditions.sorted { $0.key < $1.key }
        let positions = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.key, $0) })
        return (positions, ordered.map { CompiledCondition($0.value, names: positions, table: table) })
    }

    /// The rules of `group` that select a line of `code`, whose place in the code table is `index` (-1: not in it).
    @inline(__always)
    func mask(code: String, index: Int, group: Int) -> UInt64 {
        index >= 0 ? codeMasks[index * groupCount + group] : maskOfUnknown(code: code, group: group)
    }

    /// `mask` of a code the table does not know: its rules decided one by one.
    private func maskOfUnknown(code: String, group: Int) -> UInt64 {
        var mask: UInt64 = 0
        for number in (64 * group)..<min(64 * group + 64, rules.count) where rules[number].selects(code: code, index: -1) {
            mask |= UInt64(1) << UInt64(number % 64)
        }
        return mask
    }
}

/// A rule with what the evaluator would otherwise work out for every encounter.
final class PlannedRule: Sendable {
    let rule: Rule
    let qualifiedId: String
    /// `rule.when`, and the conditions of a `criteria` rule's requirements, compiled.
    let when: CompiledCondition?
    let requirements: [CompiledCondition]
    /// `rule.lines.matches(code:service:)` of each code of the table, by `CodeEntry.index`.
    let selectsCode: [Bool]
    /// Kinds that act even when they select no line (timely filing; the agreement rules, whose
    /// refund warning looks at the whole encounter). Other kinds are skipped without a line.
    let actsWithoutLines: Bool

    init(_ rule: Rule, names: [String: Int], table: CompiledRuleBook.TableOrder) {
        self.rule = rule
        qualifiedId = rule.qualifiedId
        when = rule.when.map { CompiledCondition($0, names: names, table: table) }
        if case .criteria(let requirements) = rule.kind {
            self.requirements = requirements.map { CompiledCondition($0.condition, names: names, table: table) }
        } else {
            self.requirements = []
        }
        selectsCode = table.codes.map { rule.lines.matches(code: $0.code, service: $0.service) }
        switch rule.kind {
        case .timelyFiling, .abn, .privatePay: actsWithoutLines = true
        default: actsWithoutLines = false
        }
    }

    /// Whether the rule looks at a line of `code`, whose place in the code table is `index` (-1: not in it).
    @inline(__always)
    func selects(code: String, index: Int) -> Bool {
        index >= 0 ? selectsCode[index] : rule.lines.matches(code: code, service: nil)
    }
}
