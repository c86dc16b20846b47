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
            for planned in plan.rules {
                for code in codes {
                    let index = book.codeEntries[code]?.index ?? -1
                    #expect(planned.selects(code: code, index: index)
                            == planned.rule.lines.matches(code: code, service: Self.rules.codes.service(of: code)),
                            "\(planned.qualifiedId) on \(code)")
                    compared += 1
                }
            }
        }
        #expect(compared > 1000)
        // Selectors of every shape: by code, by service, both, and none (every line).
        let table = Self.rules.codes.codes.values.sorted { $0.code < $1.code }
        let selectors = [LineSelector.all, LineSelector(codes: ["90867", "99999"]), LineSelector(services: ["tms"]),
                         LineSelector(services: ["office-visit", "nowhere"], codes: ["J0013"])]
        for selector in selectors {
            let planned = PlannedRule(Rule(id: "test", payer: "test", kind: .hold, lines: selector), table: table)
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

    @Test func holdsAgreesWithTheExplainingPassOnEveryConditionOfTheRules() {
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
                           (slug, .not(.any([.reference("trd"), .hasCode(["90868"])], label: nil))),
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
                if fast { met += 1 } else { notMet += 1 }
            }
            let looping = ConditionContext(encounter: encounter, services: services, named: named)
            for condition in [Condition.reference("loop"), .reference("deep"), .not(.reference("deep"))] {
                #expect(condition.holds(in: looping) == condition.holdsByOutcome(in: looping))
            }
        }
        // Both answers were exercised, many times.
        #expect(met > 500 && notMet > 500)
    }
}
