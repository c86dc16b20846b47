import Foundation

/// What `CoverageEvaluator` derives from a rule book once instead of per encounter: each payer's
/// view (its rules with their qualified ids), and which rule's line selector takes which code of
/// the code table. Still data interpreted by the one evaluator: nothing here is written per payer.
final class CompiledRuleBook: Sendable {
    let rules: RuleBook
    /// Code → its service and its position among the table's codes (`PlannedRule.selectsCode`).
    let codeEntries: [String: CodeEntry]
    let procedureCodes: [String: ProcedureCode]
    let plans: [PayerSlug: PayerPlan]

    struct CodeEntry: Sendable {
        var index: Int
        var service: ServiceName
    }

    init(_ rules: RuleBook) {
        self.rules = rules
        let table = rules.codes.codes.values.sorted { $0.code < $1.code }
        var entries: [String: CodeEntry] = [:]
        for (index, code) in table.enumerated() { entries[code.code] = CodeEntry(index: index, service: code.service) }
        codeEntries = entries
        procedureCodes = rules.codes.codes
        plans = rules.payers.mapValues { payer in
            let view = rules.view(of: payer)
            return PayerPlan(payer: payer, conditions: view.conditions, rules: view.rules.map { PlannedRule($0, table: table) })
        }
    }
}

/// One payer's view of the rule book (`RuleBook.view(of:)`), with its rules planned.
final class PayerPlan: Sendable {
    let payer: PayerRules
    let conditions: [String: Condition]
    let rules: [PlannedRule]

    init(payer: PayerRules, conditions: [String: Condition], rules: [PlannedRule]) {
        self.payer = payer; self.conditions = conditions; self.rules = rules
    }
}

/// A rule with what the evaluator would otherwise work out for every encounter.
final class PlannedRule: Sendable {
    let rule: Rule
    let qualifiedId: String
    /// `rule.lines.matches(code:service:)` of each code of the table, by `CodeEntry.index`.
    let selectsCode: [Bool]
    /// Kinds that act even when they select no line (timely filing; the agreement rules, whose
    /// refund warning looks at the whole encounter). Other kinds are skipped without a line.
    let actsWithoutLines: Bool

    init(_ rule: Rule, table: [ProcedureCode]) {
        self.rule = rule
        qualifiedId = rule.qualifiedId
        selectsCode = table.map { rule.lines.matches(code: $0.code, service: $0.service) }
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
