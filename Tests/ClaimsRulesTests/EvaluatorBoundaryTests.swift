import ClaimsCore
import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// Decisions at the edges a mutation probe found untested: two rules on one line, overlapping
/// authorizations, the timely-filing warning boundary, and authorization units of held lines.
@Suite struct EvaluatorBoundaryTests {
    static let payers = Fixtures.repositoryRoot.appendingPathComponent("Payers").path
    static let rules: RuleBook = try! RuleBookLoader.load(directory: payers)
    static let asOf = LocalDate(iso: "2026-11-20")!
    let evaluator = CoverageEvaluator(rules: EvaluatorBoundaryTests.rules)

    static let visitAnd84mg = [
        ServiceLine(code: "99214", modifiers: ["25"], charge: 210),
        ServiceLine(code: "J0013", units: 84, charge: 1120, diagnosisPointers: [1], ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN"),
    ]

    static func approved(id: Int64, number: String, units: Int? = 10, from: String = "2026-10-01", to: String?) -> PriorAuthorization {
        PriorAuthorization(id: id, patientId: "PT-1001", payer: "cigna", service: "spravato", status: .approved, authNumber: number,
                           units: units, start: LocalDate(iso: from), end: to.flatMap { LocalDate(iso: $0) })
    }

    // MARK: precedence on one line

    /// The installed rules with one more rule appended to cigna.yaml.
    static func cignaWith(_ extra: String) throws -> RuleBook {
        let sources = try RuleBookLoader.sources(inDirectory: payers).map { source in
            source.fileName == "cigna.yaml" ? RuleBookLoader.Source(path: source.path, text: source.text + extra) : source
        }
        return try RuleBookLoader.combine(sources)
    }

    @Test func notCoveredWinsOverCriteriaNotMetOnTheSameLine() throws {
        // Cigna's TMS criteria fail (no psychotherapy trial) and a not-covered rule selects the same line.
        let book = try Self.cignaWith("""

              - id: tms/not-covered-test
                kind: not-covered
                services: [tms]
                message: test plan excludes TMS

            """)
        var facts = Fixtures.trdFacts
        facts["psychotherapyTrial"] = .bool(false)
        let encounter = Fixtures.encounter(payer: "cigna", diagnoses: ["F33.2"], clinical: facts,
                                           services: [ServiceLine(code: "90867", charge: 450)])
        let outcome = CoverageEvaluator(rules: book).evaluate(encounter, asOf: Self.asOf, authorizations: [])
        #expect(outcome.lines.map(\.decision) == [.notCovered])
        #expect(outcome.lines.first?.reasons == [Reason(rule: "cigna/tms/not-covered-test", message: "test plan excludes TMS")])
        // Without the extra rule the same line is criteria-not-met: both rules really select it.
        #expect(evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: []).lines.map(\.decision) == [.criteriaNotMet])
    }

    @Test func precedenceOrderIsThePolicyOrder() {
        #expect(Decision.allCases.sorted() == [.notCovered, .criteriaNotMet, .superbill, .hold, .bill])
    }

    // MARK: which of several authorizations is used

    @Test(arguments: [false, true])
    func theCoveringAuthorizationEndingFirstIsUsed(reversed: Bool) {
        let long = Self.approved(id: 3, number: "LONG", to: "2027-03-31")
        let short = Self.approved(id: 5, number: "SHORT", to: "2026-11-30")
        let open = Self.approved(id: 1, number: "OPEN", to: nil)
        let auths = reversed ? [short, long, open] : [open, long, short]
        let encounter = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg)
        let outcome = evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: auths)
        #expect(outcome.lines.map(\.decision) == [.bill, .bill])
        #expect(outcome.authorizationUses == [AuthorizationUse(authorizationId: 5, authNumber: "SHORT", service: "spravato")])
    }

    @Test(arguments: [false, true])
    func onTheSameEndDateTheLowestIdIsUsed(reversed: Bool) {
        let older = Self.approved(id: 4, number: "OLDER", to: "2026-12-31")
        let newer = Self.approved(id: 9, number: "NEWER", to: "2026-12-31")
        let encounter = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg)
        let outcome = evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: reversed ? [older, newer] : [newer, older])
        #expect(outcome.authorizationUses.map(\.authorizationId) == [4])
    }

    @Test func anOpenEndedAuthorizationIsUsedWhenTheOthersDoNotCover() {
        let exhausted = PriorAuthorization(id: 2, patientId: "PT-1001", payer: "cigna", service: "spravato", status: .approved,
                                           authNumber: "USED-UP", units: 1, unitsUsed: 1, start: LocalDate(iso: "2026-10-01"),
                                           end: LocalDate(iso: "2026-11-30"))
        let open = Self.approved(id: 8, number: "OPEN", to: nil)
        let encounter = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg)
        #expect(evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: [exhausted, open]).authorizationUses.map(\.authorizationId) == [8])
    }

    // MARK: timely filing (Cigna: 90 days, warning within 30 days of the limit)

    func timelyWarnings(_ date: String, services: [ServiceLine] = [ServiceLine(code: "99213", charge: 160)]) -> [String] {
        let encounter = Fixtures.encounter(date: date, payer: "cigna", services: services)
        return evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: []).warnings
            .filter { $0.rule == "cigna/timely-filing" }.map(\.message)
    }

    @Test func theTimelyFilingWarningStartsExactly30DaysBeforeTheLimit() {
        #expect(timelyWarnings("2026-09-22") == [], "59 days elapsed, 31 left: no warning yet")
        #expect(timelyWarnings("2026-09-21") == ["timely filing: 30 days left to file with Cigna (limit 90 days, by 2026-12-20)"])
        #expect(timelyWarnings("2026-09-20") == ["timely filing: 29 days left to file with Cigna (limit 90 days, by 2026-12-19)"])
    }

    @Test func theLastDayOfTheLimitStillBills() {
        let encounter = Fixtures.encounter(date: "2026-08-22", payer: "cigna", services: [ServiceLine(code: "99213", charge: 160)])
        let outcome = evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: [])
        #expect(outcome.lines.map(\.decision) == [.bill])
        #expect(outcome.warnings.map(\.message) == ["timely filing: 0 days left to file with Cigna (limit 90 days, by 2026-11-20)"])
        let dayAfter = Fixtures.encounter(date: "2026-08-21", payer: "cigna", services: [ServiceLine(code: "99213", charge: 160)])
        #expect(evaluator.evaluate(dayAfter, asOf: Self.asOf, authorizations: []).lines.map(\.decision) == [.hold])
    }

    @Test func noTimelyFilingWarningWhenNoLineIsBillable() {
        // 90833 without a visit is held: nothing would be filed, so no deadline to warn about.
        #expect(timelyWarnings("2026-09-10", services: [ServiceLine(code: "90833", charge: 90)]) == [])
        // One billable line beside it is enough for the warning.
        #expect(timelyWarnings("2026-09-10", services: [ServiceLine(code: "90833", charge: 90), ServiceLine(code: "90791", charge: 250)]).count == 1)
    }

    // MARK: authorization units of held lines

    /// A held J0013 (units do not match the NDC) must not take the authorization's unit; the visit
    /// beside it waits too (one claim per encounter), and no unit is spent for either.
    @Test func aHeldAuthorizedLineUsesNoAuthorization() {
        var services = Self.visitAnd84mg
        services[1].units = 56
        let encounter = Fixtures.encounter(payer: "cigna", services: services)
        let outcome = evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: [Self.approved(id: 1, number: "A-1", to: "2026-12-31")])
        #expect(outcome.lines.map(\.decision) == [.hold, .hold])
        #expect(outcome.authorizationUses == [])
        let evaluation = EncounterEvaluation(encounterId: encounter.id, encounter: encounter, lines: outcome.lines,
                                             authorizationUses: outcome.authorizationUses)
        #expect(evaluation.billedAuthNumber == nil, "no REF*G1 / preAuthRef for a claim without the authorized service")
    }
}
