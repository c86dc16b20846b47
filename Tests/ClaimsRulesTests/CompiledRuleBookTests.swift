@testable import ClaimsCore
import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// The evaluator's fast paths against the general ones they replace: line selectors decided once per
/// code of the table, and conditions decided as a plain yes or no before any reason is worded.
@Suite struct CompiledRuleBookTests {
    static let rules: RuleBook = try! RuleBookLoader.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Payers").path)

    @Test func eachPayerPlanIsItsViewWithQualifiedIds() {
        let book = CompiledRuleBook(Self.rules)
        #expect(Set(book.plans.keys) == Set(Self.rules.payers.keys))
        for (slug, payer) in Self.rules.payers {
            let view = Self.rules.view(of: payer)
            let plan = book.plans[slug]!
            #expect(plan.payer == payer)
            #expect(plan.conditions == view.conditions)
            #expect(plan.rules.map(\.rule) == view.rules)
            #expect(plan.rules.map(\.qualifiedId) == view.rules.map(\.qualifiedId))
        }
    }

    @Test func aPlannedSelectorTakesTheLinesTheSelectorMatches() {
        let book = CompiledRuleBook(Self.rules)
        // Every code of the table, and codes the table does not know (their service is unknown).
        let codes = Array(Self.rules.codes.codes.keys) + ["99999", "A0000", ""]
        var compared = 0
        for plan in book.plans.values {
            for (number, planned) in plan.rules.enumerated() {
                for code in codes {
                    let index = book.codeEntries[code]?.index ?? -1
                    let expected = planned.rule.lines.matches(code: code, service: Self.rules.codes.service(of: code))
                    #expect(planned.selects(code: code, index: index) == expected, "\(planned.qualifiedId) on \(code)")
                    #expect((plan.mask(code: code, index: index, group: number / 64) >> UInt64(number % 64)) & 1 == (expected ? 1 : 0),
                            "\(planned.qualifiedId) on \(code)")
                    compared += 1
                }
                #expect((plan.withoutLines[number / 64] >> UInt64(number % 64)) & 1 == (planned.actsWithoutLines ? 1 : 0))
            }
        }
        #expect(compared > 1000)
        // Selectors of every shape: by code, by service, both, and none (every line).
        let selectors = [LineSelector.all, LineSelector(codes: ["90867", "99999"]), LineSelector(services: ["tms"]),
                         LineSelector(services: ["office-visit", "nowhere"], codes: ["J0013"])]
        for selector in selectors {
            let planned = PlannedRule(Rule(id: "test", payer: "test", kind: .hold, lines: selector), names: [:], table: book.table)
            for code in codes {
                #expect(planned.selects(code: code, index: book.codeEntries[code]?.index ?? -1)
                        == selector.matches(code: code, service: Self.rules.codes.service(of: code)))
            }
        }
    }

    /// Encounters that pass and fail each kind of condition: diagnoses, facts (present, absent, other
    /// values), ages, places of service and services.
    static var encounters: [Encounter] {
        let diagnoses: [[String]] = [["F33.2", "R45.851"], ["F32.1"], ["F41.1"], ["G90.511"], ["G90.522"], ["G90.50", "F33.2"], ["F32.9", "R45.851"]]
        var trdFailed = Fixtures.trdFacts
        trdFailed["failedAntidepressantTrials"] = .number(1)
        trdFailed["seizureHistory"] = .bool(true)
        let facts: [[String: ClinicalFact]] = [Fixtures.trdFacts, [:], trdFailed, ["phq9": .number(12), "onOralAntidepressant": .bool(false)]]
        let services: [[ServiceLine]] = [
            [ServiceLine(code: "99214", charge: 210), ServiceLine(code: "J0013", units: 84, charge: 1120)],
            [ServiceLine(code: "90868", charge: 300)],
            [ServiceLine(code: "64510", charge: 800), ServiceLine(code: "99213", charge: 150)],
            [ServiceLine(code: "96365", charge: 500)],
            [ServiceLine(code: "G2083", charge: 900), ServiceLine(code: "99204", charge: 250)],
            [ServiceLine(code: "90833", charge: 95)],
            [ServiceLine(code: "A0000", charge: 5), ServiceLine(code: "90868", charge: 300)],
        ]
        var encounters: [Encounter] = []
        for (number, diagnosisList) in diagnoses.enumerated() {
            for (factNumber, clinical) in facts.enumerated() {
                for (serviceNumber, lines) in services.enumerated() {
                    var encounter = Fixtures.encounter(diagnoses: diagnosisList, clinical: clinical, services: lines)
                    if (number + factNumber + serviceNumber) % 3 == 0 { encounter.patient = Fixtures.patient(born: "2012-05-01") }
                    if (number + serviceNumber) % 2 == 0 { encounter.placeOfService = "02" }
                    encounters.append(encounter)
                }
            }
        }
        return encounters
    }

    static func lines(of encounter: Encounter, book: CompiledRuleBook) -> CompiledCondition.Lines {
        let entries = encounter.services.map { book.codeEntries[$0.code] }
        return CompiledCondition.Lines(codeIndices: entries.map { $0?.index ?? -1 }, serviceIndices: entries.map { $0?.serviceIndex ?? -1 })
    }

    @Test func holdsAgreesWithTheExplainingPassOnEveryConditionOfTheRules() {
        let book = CompiledRuleBook(Self.rules)
        var conditions: [(PayerSlug, Condition)] = []
        for (slug, payer) in Self.rules.payers {
            let view = Self.rules.view(of: payer)
            conditions += view.conditions.values.map { (slug, $0) }
            for rule in view.rules {
                if let when = rule.when { conditions.append((slug, when)) }
                if case .criteria(let requirements) = rule.kind { conditions += requirements.map { (slug, $0.condition) } }
            }
        }
        // And shapes the rule files do not have: empty lists, a reference that loops, an unknown one.
        for slug in Self.rules.payers.keys {
            conditions += [(slug, .all([], label: nil)), (slug, .any([], label: nil)), (slug, .reference("unknown")),
                           (slug, .not(.any([.reference("trd"), .hasCode(["90868"])], label: nil))), (slug, .hasCode(["A0000"])),
                           (slug, .hasService(["tms", "no-such-service"])),
                           (slug, .dateOfService(DateWindow(from: LocalDate(iso: "2026-11-01"), to: nil)))]
        }
        var named = Self.rules.sharedConditions
        named["loop"] = .any([.reference("loop")], label: nil)
        named["deep"] = .not(.reference("deep"))
        var met = 0, notMet = 0
        for encounter in Self.encounters {
            let services = Set(encounter.services.compactMap { Self.rules.codes.service(of: $0.code) })
            for (slug, condition) in conditions {
                let payerNamed = Self.rules.view(of: Self.rules.payers[slug]!).conditions
                let context = ConditionContext(encounter: encounter, services: services, named: payerNamed)
                let fast = condition.holds(in: context)
                #expect(fast == condition.holdsByOutcome(in: context), "\(slug): \(condition.summary)")
                #expect(fast == condition.evaluate(in: context).isMet)
                // The evaluator's way: compiled for the payer's plan, lines by their place in the code table.
                let plan = book.plans[slug]!
                let compiled = CompiledCondition(condition, names: plan.positions, table: book.table)
                #expect(fast == compiled.isMet(encounter, Self.lines(of: encounter, book: book), plan.named, depth: 0),
                        "\(slug): \(condition.summary)")
                if fast { met += 1 } else { notMet += 1 }
            }
            let looping = ConditionContext(encounter: encounter, services: services, named: named)
            let (positions, compiledNamed) = PayerPlan.compile(named, table: book.table)
            for condition in [Condition.reference("loop"), .reference("deep"), .not(.reference("deep")), .reference("trd")] {
                #expect(condition.holds(in: looping) == condition.holdsByOutcome(in: looping))
                #expect(condition.holds(in: looping)
                        == CompiledCondition(condition, names: positions, table: book.table)
                            .isMet(encounter, Self.lines(of: encounter, book: book), compiledNamed, depth: 0))
            }
        }
        // Both answers were exercised, many times.
        #expect(met > 500 && notMet > 500)
    }

    /// A payer with more than 64 rules (two groups of rule bits) decides as the same payer with only
    /// the rules that act: fillers that select no line, or whose `when` never holds, change nothing.
    @Test func rulesBeyondTheFirst64AreVisitedInFileOrder() throws {
        let acting = [
            Rule(id: "tms/not-covered", payer: "big", kind: .notCovered, lines: LineSelector(services: ["tms"]), message: "no TMS"),
            Rule(id: "visit/hold", payer: "big", kind: .hold, lines: LineSelector(codes: ["99214"]), message: "held visit"),
            Rule(id: "visit/route", payer: "big", kind: .route(.superbill, warnBalanceDue: true, superbillPurpose: .notCovered),
                 lines: LineSelector(codes: ["99214"]), message: "routed visit"),
            Rule(id: "timely", payer: "big", kind: .timelyFiling(days: 20, warningDays: 10)),
            Rule(id: "one-claim", payer: "big", kind: .oneClaimPerEncounter),
        ]
        var many: [Rule] = []
        for number in 0..<150 {
            let filler = number % 2 == 0
                ? Rule(id: "filler-\(number)", payer: "big", kind: .hold, lines: LineSelector(codes: ["64510"]))
                : Rule(id: "filler-\(number)", payer: "big", kind: .notCovered, when: .hasCode(["64510"]))
            many.append(filler)
            if number % 37 == 36 { many.append(acting[number / 37]) }
        }
        many.append(acting[4])
        #expect(many.count > 128)
        func book(_ rules: [Rule]) -> RuleBook {
            RuleBook(codes: Self.rules.codes, payers: ["big": PayerRules(slug: "big", name: "Big Plan", rules: rules)])
        }
        let large = CoverageEvaluator(rules: book(many)), small = CoverageEvaluator(rules: book(acting))
        let asOf = LocalDate(iso: "2026-11-20")!
        let lines = [[ServiceLine(code: "90868", charge: 300), ServiceLine(code: "99214", charge: 210)],
                     [ServiceLine(code: "99213", charge: 150)], [ServiceLine(code: "99214", charge: 210), ServiceLine(code: "A0000", charge: 1)]]
        var decided: Set<Decision> = [], warned = 0
        for services in lines {
            for date in ["2026-10-01", "2026-11-05", "2026-11-19"] {
                let encounter = Fixtures.encounter(date: date, payer: "big", services: services)
                let expected = small.evaluate(encounter, asOf: asOf, authorizations: [])
                #expect(large.evaluate(encounter, asOf: asOf, authorizations: []) == expected)
                decided.formUnion(expected.lines.map(\.decision))
                warned += expected.warnings.count
            }
        }
        // The acting rules really acted: every kind of decision they give, and warnings.
        #expect(decided == [.notCovered, .superbill, .hold, .bill])
        #expect(warned > 0)
    }
}
