import ClaimsCore
import ClaimsTestSupport
import Foundation
import Testing

/// Conditions decide once and put their reasons into words only when the whole condition fails.
@Suite struct ConditionTests {
    let context = ConditionContext(encounter: Fixtures.encounter(), services: ["office-visit"], named: [
        "trd": .all([.fact(name: "failedAntidepressantTrials", test: .atLeast(2)), .diagnosis(DiagnosisMatcher(prefixes: ["F332"]))], label: "TRD"),
    ])

    private let failingAge = Condition.age(min: 90, max: nil)
    private let missingFact = Condition.fact(name: "madrs", test: .atLeast(20))

    @Test func anAnyWithOneHoldingBranchHoldsWithoutReasons() {
        let outcome = Condition.any([failingAge, .reference("trd")], label: nil).evaluate(in: context)
        #expect(outcome.isMet)
        #expect(outcome.explanation.isEmpty)
    }

    @Test func aFailingConditionExplainsEveryFailingBranch() {
        let outcome = Condition.all([failingAge, missingFact, .reference("trd")], label: "Spravato criteria").evaluate(in: context)
        #expect(outcome.state == .notMet)
        #expect(outcome.explanation == "Spravato criteria: patient is 42, must be 90 or older; madrs is missing from the clinical facts")
        let none = Condition.any([failingAge, missingFact], label: "a score").evaluate(in: context)
        #expect(none.state == .missing)
        #expect(none.explanation == "a score needed, none of: (patient is 42, must be 90 or older) or (madrs is missing from the clinical facts)")
    }

    @Test(arguments: [
        Condition.all([], label: nil), .any([], label: nil), .not(.reference("trd")), .reference("unknown"),
        .hasService(["office-visit"]), .hasService(["tms"]), .placeOfService(["02"]), .age(min: 18, max: 65),
    ])
    func holdsAgreesWithEvaluate(condition: Condition) {
        #expect(condition.holds(in: context) == condition.evaluate(in: context).isMet)
    }
}
