import ClaimsCore
import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// Each rule of POLICY.md, evaluated with the real files in Payers/.
@Suite struct PolicyTests {
    static let rules: RuleBook = try! RuleBookLoader.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Payers").path)
    static let asOf = LocalDate(iso: "2026-11-20")!
    let evaluator = CoverageEvaluator(rules: PolicyTests.rules)

    static func approved(_ payer: String, _ service: String, number: String = "A-1", units: Int? = 10, usedUnits: Int = 0,
                         from: String = "2026-10-01", to: String = "2027-03-31", patient: String = "PT-1001") -> PriorAuthorization {
        PriorAuthorization(id: 7, patientId: patient, payer: payer, service: service, status: .approved, authNumber: number, units: units,
                           unitsUsed: usedUnits, start: LocalDate(iso: from), end: LocalDate(iso: to))
    }

    func decisions(_ encounter: Encounter, auths: [PriorAuthorization] = [], asOf: LocalDate = PolicyTests.asOf) -> [Decision] {
        evaluator.evaluate(encounter, asOf: asOf, authorizations: auths).lines.map(\.decision)
    }

    func reasons(_ encounter: Encounter, auths: [PriorAuthorization] = [], line: Int = 1) -> [Reason] {
        evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: auths).lines[line - 1].reasons
    }

    static let visitAnd84mg = [
        ServiceLine(code: "99214", modifiers: ["25"], charge: 210),
        ServiceLine(code: "J0013", units: 84, charge: 1120, diagnosisPointers: [1], ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN"),
    ]

    // MARK: §1 payers

    @Test func everyPayerOfThePolicyHasAFileWithItsIdentifiers() throws {
        let expected: [(String, String?, String?, Int?)] = [
            ("il-medicaid", "MC", "IL621", 180), ("meridian-il", "MC", "13189", 180), ("medicare-j6", "MB", "06102", 365),
            ("bcbs-il", "BL", "00621", 180), ("aetna", "CI", "60054", 90), ("cigna", "CI", "62308", 90), ("uhc", "CI", "87726", 90),
            ("ny-medicaid", "MC", "NYMCD", 90), ("self-pay", nil, nil, nil),
        ]
        #expect(Set(Self.rules.payers.keys) == Set(expected.map(\.0)))
        for (slug, sbr09, payerId, days) in expected {
            let payer = try #require(Self.rules.payer(slug))
            #expect(payer.claimFilingIndicator == sbr09, "\(slug)")
            #expect(payer.payerId == payerId, "\(slug)")
            #expect(payer.timelyFilingDays == days, "\(slug)")
        }
        #expect(Self.rules.payer("bcbs-il")?.payerIdVerified == true)
        for slug in ["il-medicaid", "meridian-il", "medicare-j6", "uhc", "ny-medicaid"] {
            #expect(Self.rules.payer(slug)?.payerIdVerified == false, "\(slug) payer ID is unverified in POLICY §1")
        }
    }

    @Test func illinoisStateRegulatedPlansHaveAFiveDayDecisionDeadline() {
        #expect(Self.rules.payer("bcbs-il")?.priorAuthorizationDecisionDays == 5)
        #expect(Self.rules.payer("meridian-il")?.priorAuthorizationDecisionDays == 5)
        #expect(Self.rules.payer("medicare-j6")?.priorAuthorizationDecisionDays == nil)
    }

    @Test func selfPayIsAllSuperbill() {
        let encounter = Fixtures.encounter(payer: nil, services: [ServiceLine(code: "99213", charge: 160), ServiceLine(code: "90834", charge: 140)])
        #expect(decisions(encounter) == [.superbill, .superbill])
        #expect(reasons(encounter).first?.rule == "self-pay/superbill")
    }

    // MARK: §3.1 Spravato

    @Test(arguments: ["il-medicaid", "meridian-il", "bcbs-il", "aetna", "cigna", "uhc", "ny-medicaid"])
    func spravatoBillsWithAnApprovedAuthorization(_ payer: String) {
        let encounter = Fixtures.encounter(payer: payer, services: Self.visitAnd84mg)
        #expect(decisions(encounter, auths: [Self.approved(payer, "spravato")]) == [.bill, .bill])
        // POLICY §5.1: the visit waits for the Spravato line (one claim per encounter).
        #expect(decisions(encounter) == [.hold, .hold])
        #expect(reasons(encounter, line: 2).first?.rule == "\(payer)/spravato/prior-auth")
        #expect(reasons(encounter, line: 1).map(\.message) == ["waits for line 2 (J0013): one claim per encounter"])
    }

    @Test func medicareBillsSpravatoOnlyAsGCodesAndNeedsNoAuthorization() {
        let gCode = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99214", modifiers: ["25"], charge: 210), ServiceLine(code: "G2083", charge: 1289.82)])
        #expect(decisions(gCode) == [.bill, .bill])
        let drug = Fixtures.encounter(payer: "medicare-j6", services: Self.visitAnd84mg)
        #expect(decisions(drug) == [.hold, .hold])
        #expect(reasons(drug, line: 2).map(\.rule) == ["medicare-j6/spravato/g-codes-only"])
    }

    @Test func spravatoCriteriaAge() {
        var encounter = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg)
        encounter.patient.person.dateOfBirth = LocalDate(iso: "2008-11-04")!
        #expect(decisions(encounter, auths: [Self.approved("cigna", "spravato")]) == [.bill, .criteriaNotMet])
        #expect(reasons(encounter, line: 2).first?.message.contains("patient is 17") == true)
    }

    @Test func spravatoNeedsREMSEnrollment() {
        var facts = Fixtures.trdFacts
        facts["remsPatientEnrolled"] = nil
        let encounter = Fixtures.encounter(payer: "aetna", clinical: facts, services: Self.visitAnd84mg)
        #expect(decisions(encounter, auths: [Self.approved("aetna", "spravato")])[1] == .criteriaNotMet)
        #expect(reasons(encounter, line: 2).first?.message.contains("remsPatientEnrolled is missing") == true)
    }

    @Test func trdNeedsTwoFailedTrialsAndASeverityCode() {
        var facts = Fixtures.trdFacts
        facts["failedAntidepressantTrials"] = .number(1)
        let encounter = Fixtures.encounter(payer: "uhc", diagnoses: ["F33.2"], clinical: facts, services: Self.visitAnd84mg)
        #expect(decisions(encounter, auths: [Self.approved("uhc", "spravato")])[1] == .criteriaNotMet)
        let message = reasons(encounter, line: 2).first?.message ?? ""
        #expect(message.contains("TRD") && message.contains("MDSI") && message.contains("failedAntidepressantTrials is 1"))
        let unspecified = Fixtures.encounter(payer: "uhc", diagnoses: ["F33.9"], services: Self.visitAnd84mg)
        #expect(decisions(unspecified, auths: [Self.approved("uhc", "spravato")])[1] == .criteriaNotMet)
    }

    @Test func mdsiNeedsSuicidalIdeationAndAnOralAntidepressant() {
        let facts: [String: ClinicalFact] = ["remsPatientEnrolled": .bool(true), "onOralAntidepressant": .bool(true), "failedAntidepressantTrials": .number(0)]
        let mdsi = Fixtures.encounter(payer: "cigna", diagnoses: ["F32.9", "R45.851"], clinical: facts, services: Self.visitAnd84mg)
        #expect(decisions(mdsi, auths: [Self.approved("cigna", "spravato")]) == [.bill, .bill])
        var noOral = facts
        noOral["onOralAntidepressant"] = .bool(false)
        let without = Fixtures.encounter(payer: "cigna", diagnoses: ["F32.9", "R45.851"], clinical: noOral, services: Self.visitAnd84mg)
        #expect(decisions(without, auths: [Self.approved("cigna", "spravato")])[1] == .criteriaNotMet)
    }

    @Test func bcbsAlsoNeedsAPHQ9OfFifteenForTRD() {
        var facts = Fixtures.trdFacts
        facts["phq9"] = .number(14)
        let bcbs = Fixtures.encounter(payer: "bcbs-il", diagnoses: ["F33.2"], clinical: facts, services: Self.visitAnd84mg)
        #expect(decisions(bcbs, auths: [Self.approved("bcbs-il", "spravato")])[1] == .criteriaNotMet)
        #expect(reasons(bcbs, line: 2).first?.message.contains("phq9 is 14") == true)
        let cigna = Fixtures.encounter(payer: "cigna", diagnoses: ["F33.2"], clinical: facts, services: Self.visitAnd84mg)
        #expect(decisions(cigna, auths: [Self.approved("cigna", "spravato")])[1] == .bill)
    }

    @Test func spravatoCodeDates() {
        let s0013 = [ServiceLine(code: "S0013", units: 84, charge: 1120, ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN")]
        let late = Fixtures.encounter(date: "2026-01-02", payer: "cigna", services: s0013)
        #expect(decisions(late, auths: [Self.approved("cigna", "spravato", from: "2025-10-01")], asOf: LocalDate(iso: "2026-01-10")!) == [.hold])
        #expect(reasons(late, auths: [Self.approved("cigna", "spravato", from: "2025-10-01")]).first?.message.contains("use J0013") == true)
        let early = Fixtures.encounter(date: "2025-12-31", payer: "cigna", services: s0013)
        #expect(decisions(early, auths: [Self.approved("cigna", "spravato", from: "2025-10-01")], asOf: LocalDate(iso: "2026-01-10")!) == [.bill])
        let j0013Early = Fixtures.encounter(date: "2025-12-31", payer: "cigna", services: [Self.visitAnd84mg[1]])
        #expect(decisions(j0013Early, auths: [Self.approved("cigna", "spravato", from: "2025-10-01")], asOf: LocalDate(iso: "2026-01-10")!) == [.hold])
    }

    @Test func spravatoNDCAndUnits() {
        let auth = [Self.approved("cigna", "spravato")]
        let missing = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "J0013", units: 84, charge: 1120)])
        #expect(decisions(missing, auths: auth) == [.hold])
        #expect(reasons(missing, auths: auth).first?.message.contains("NDC missing") == true)
        let mismatch = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "J0013", units: 56, charge: 760, ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN")])
        #expect(decisions(mismatch, auths: auth) == [.hold])
        let fiftySix = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "J0013", units: 56, charge: 760, ndc: "50458002802", ndcQuantity: 2, ndcUnit: "UN")])
        #expect(decisions(fiftySix, auths: auth) == [.bill])
    }

    // MARK: §3.2 TMS

    static let tms = [ServiceLine(code: "90868", charge: 310)]

    @Test(arguments: ["il-medicaid", "meridian-il"])
    func illinoisMedicaidDoesNotCoverTMS(_ payer: String) {
        let encounter = Fixtures.encounter(payer: payer, services: Self.tms)
        #expect(decisions(encounter, auths: [Self.approved(payer, "tms")]) == [.notCovered])
        #expect(reasons(encounter).first?.message.contains("does not cover TMS") == true)
    }

    @Test func newYorkMedicaidCoversTMSFromNovember2025() {
        let before = Fixtures.encounter(date: "2025-10-31", payer: "ny-medicaid", services: Self.tms)
        #expect(decisions(before, auths: [Self.approved("ny-medicaid", "tms", from: "2025-01-01")], asOf: LocalDate(iso: "2025-11-15")!) == [.notCovered])
        let from = Fixtures.encounter(date: "2025-11-01", payer: "ny-medicaid", services: Self.tms)
        #expect(decisions(from, auths: [Self.approved("ny-medicaid", "tms", from: "2025-01-01")], asOf: LocalDate(iso: "2025-11-15")!) == [.bill])
        #expect(decisions(from, asOf: LocalDate(iso: "2025-11-15")!) == [.hold])
        let moderate = Fixtures.encounter(date: "2025-11-01", payer: "ny-medicaid", diagnoses: ["F33.1"], services: Self.tms)
        #expect(decisions(moderate, auths: [Self.approved("ny-medicaid", "tms", from: "2025-01-01")], asOf: LocalDate(iso: "2025-11-15")!) == [.criteriaNotMet])
    }

    @Test func medicareTMSNeedsNoSeizuresAndNoAuthorization() {
        #expect(decisions(Fixtures.encounter(payer: "medicare-j6", services: Self.tms)) == [.bill])
        var facts = Fixtures.trdFacts
        facts["seizureHistory"] = .bool(true)
        #expect(decisions(Fixtures.encounter(payer: "medicare-j6", clinical: facts, services: Self.tms)) == [.criteriaNotMet])
        #expect(decisions(Fixtures.encounter(payer: "medicare-j6", diagnoses: ["F33.1"], services: Self.tms)) == [.criteriaNotMet])
    }

    @Test(arguments: ["bcbs-il", "aetna", "cigna", "uhc"])
    func commercialTMSCriteria(_ payer: String) {
        let auth = [Self.approved(payer, "tms")]
        #expect(decisions(Fixtures.encounter(payer: payer, diagnoses: ["F33.1"], services: Self.tms), auths: auth) == [.bill])
        #expect(decisions(Fixtures.encounter(payer: payer, services: Self.tms)) == [.hold])
        var facts = Fixtures.trdFacts
        facts["psychotherapyTrial"] = .bool(false)
        #expect(decisions(Fixtures.encounter(payer: payer, clinical: facts, services: Self.tms), auths: auth) == [.criteriaNotMet])
        #expect(decisions(Fixtures.encounter(payer: payer, diagnoses: ["F32.0"], services: Self.tms), auths: auth) == [.criteriaNotMet])
    }

    @Test func twoTMSCodesOnOneEncounterAreHeld() {
        let encounter = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "90867", charge: 450), ServiceLine(code: "90869", charge: 300)])
        #expect(decisions(encounter) == [.hold, .hold])
        #expect(reasons(encounter).map(\.rule) == ["common/tms/one-code-per-encounter"])
    }

    // MARK: §3.3 IV ketamine

    @Test func ivKetamineSendsTheWholeEncounterToASuperbillWithTheBalanceDue() {
        let services = [ServiceLine(code: "99214", modifiers: ["25"], charge: 210), ServiceLine(code: "96365", charge: 450),
                        ServiceLine(code: "J3490", charge: 95, ndc: "42023011310", ndcQuantity: 1, ndcUnit: "ML")]
        let encounter = Fixtures.encounter(payer: "bcbs-il", services: services, payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 500, method: "card")])
        let outcome = evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: [])
        #expect(outcome.lines.map(\.decision) == [.superbill, .superbill, .superbill])
        #expect(outcome.warnings.map(\.message) == ["balance due 255.00 of 755.00: full payment is due before the procedure"])
        let paid = Fixtures.encounter(payer: "bcbs-il", services: services, payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 755, method: "card")])
        #expect(evaluator.evaluate(paid, asOf: Self.asOf, authorizations: []).warnings.isEmpty)
    }

    // MARK: §3.4 SGB

    @Test func sgbWithCRPSIsCoveredWithAuthorizationExceptMedicare() {
        let sgb = [ServiceLine(code: "64510", modifiers: ["LT"], charge: 900), ServiceLine(code: "76942", charge: 120)]
        #expect(decisions(Fixtures.encounter(payer: "aetna", diagnoses: ["G90.512"], services: sgb), auths: [Self.approved("aetna", "sgb")]) == [.bill, .bill])
        #expect(decisions(Fixtures.encounter(payer: "aetna", diagnoses: ["G90.512"], services: sgb)) == [.hold, .hold])
        #expect(decisions(Fixtures.encounter(payer: "medicare-j6", diagnoses: ["G90.59"], services: sgb)) == [.bill, .bill])
    }

    @Test func sgbWithoutCRPSIsInvestigational() {
        let services = [ServiceLine(code: "99213", modifiers: ["25"], charge: 160), ServiceLine(code: "64510", charge: 900)]
        let encounter = Fixtures.encounter(payer: "cigna", diagnoses: ["F43.12"], services: services)
        #expect(decisions(encounter, auths: [Self.approved("cigna", "sgb")]) == [.superbill, .superbill])
        #expect(reasons(encounter).first?.rule == "common/sgb/investigational")
    }

    // MARK: §3.5 visits, evaluation, psychotherapy

    @Test func visitsEvaluationsAndPsychotherapyBillWithoutAuthorization() {
        let services = [ServiceLine(code: "90791", charge: 260), ServiceLine(code: "90837", charge: 180), ServiceLine(code: "99213", charge: 160), ServiceLine(code: "90833", charge: 95)]
        for payer in ["il-medicaid", "meridian-il", "medicare-j6", "bcbs-il", "aetna", "cigna", "uhc", "ny-medicaid"] {
            #expect(decisions(Fixtures.encounter(payer: payer, services: services)) == [.bill, .bill, .bill, .bill], "\(payer)")
        }
    }

    @Test func anAddOnWithoutAVisitIsHeld() {
        let encounter = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "90834", charge: 140), ServiceLine(code: "90836", charge: 120)])
        #expect(decisions(encounter) == [.hold, .hold])
    }

    @Test func aVisitBesideAProcedureNeedsModifier25() {
        let withTMS = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99213", charge: 160), ServiceLine(code: "90868", charge: 300)])
        #expect(decisions(withTMS) == [.hold, .hold])
        let withGCode = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99213", charge: 160), ServiceLine(code: "G2082", charge: 900)])
        #expect(decisions(withGCode) == [.hold, .hold])
        let withModifier = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99213", modifiers: ["25"], charge: 160), ServiceLine(code: "G2082", charge: 900)])
        #expect(decisions(withModifier) == [.bill, .bill])
        let alone = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99213", charge: 160)])
        #expect(decisions(alone) == [.bill])
    }

    // MARK: §3.6 every payer

    @Test func timelyFilingHoldsAndWarns() {
        let services = [ServiceLine(code: "99213", charge: 160)]
        let late = Fixtures.encounter(date: "2026-08-21", payer: "cigna", services: services)
        #expect(decisions(late) == [.hold])
        #expect(reasons(late).first?.message.contains("90 days") == true)
        let boundary = Fixtures.encounter(date: "2026-08-22", payer: "cigna", services: services)
        let outcome = evaluator.evaluate(boundary, asOf: Self.asOf, authorizations: [])
        #expect(outcome.lines.map(\.decision) == [.bill])
        #expect(outcome.warnings.first?.rule == "cigna/timely-filing")
        let comfortable = Fixtures.encounter(date: "2026-11-01", payer: "cigna", services: services)
        #expect(evaluator.evaluate(comfortable, asOf: Self.asOf, authorizations: []).warnings.isEmpty)
        let medicare = Fixtures.encounter(date: "2026-01-01", payer: "medicare-j6", services: services)
        #expect(decisions(medicare) == [.bill])
    }

    @Test func authorizationProblemsSayWhich() {
        let encounter = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg)
        func message(_ auths: [PriorAuthorization], _ enc: Encounter? = nil) -> String {
            evaluator.evaluate(enc ?? encounter, asOf: Self.asOf, authorizations: auths).lines[1].reasons.first?.message ?? ""
        }
        var pending = Self.approved("cigna", "spravato")
        pending.status = .pending
        var denied = pending
        denied.status = .denied
        #expect(message([]).contains("none approved"))
        #expect(message([pending]).contains("pending"))
        #expect(message([denied]).contains("denied"))
        #expect(message([Self.approved("cigna", "spravato", to: "2026-10-31")]).contains("expired"))
        #expect(message([Self.approved("cigna", "spravato", units: 4, usedUnits: 4)]).contains("exhausted"))
        #expect(message([Self.approved("cigna", "spravato", patient: "PT-9")]).contains("none approved"))
        #expect(message([Self.approved("uhc", "spravato")]).contains("none approved"))
        let wrongNumber = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg, priorAuthorization: "NOPE")
        #expect(message([Self.approved("cigna", "spravato")], wrongNumber).contains("does not match"))
        let rightNumber = Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg, priorAuthorization: "A-1")
        let outcome = evaluator.evaluate(rightNumber, asOf: Self.asOf, authorizations: [Self.approved("cigna", "spravato", units: nil)])
        #expect(outcome.lines.map(\.decision) == [.bill, .bill])
        #expect(outcome.authorizationUses == [AuthorizationUse(authorizationId: 7, authNumber: "A-1", service: "spravato")])
    }

    @Test func precedenceIsNotCoveredThenCriteriaThenSuperbillThenHold() {
        // TMS for Illinois Medicaid with a seizure history and two TMS codes: not-covered wins over everything.
        var facts = Fixtures.trdFacts
        facts["seizureHistory"] = .bool(true)
        let encounter = Fixtures.encounter(date: "2026-01-02", payer: "il-medicaid", clinical: facts,
                                           services: [ServiceLine(code: "90867", charge: 450), ServiceLine(code: "90868", charge: 310)])
        #expect(decisions(encounter) == [.notCovered, .notCovered])
        // Spravato with failed criteria inside an IV-ketamine encounter: criteria-not-met beats superbill.
        var noREMS = Fixtures.trdFacts
        noREMS["remsPatientEnrolled"] = .bool(false)
        let mixed = Fixtures.encounter(payer: "cigna", clinical: noREMS, services: [ServiceLine(code: "96365", charge: 450), Self.visitAnd84mg[1]])
        #expect(decisions(mixed) == [.superbill, .criteriaNotMet])
    }

    // MARK: §5.1 one claim per encounter

    @Test func aHeldLineHoldsEveryLineThatWouldBillNamingTheLineItWaitsFor() {
        // 90833 without a visit is held; the psychotherapy beside it waits; nothing goes on a claim.
        let encounter = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "90834", charge: 140), ServiceLine(code: "90836", charge: 120),
                                                                      ServiceLine(code: "90791", charge: 260)])
        #expect(decisions(encounter) == [.hold, .hold, .hold])
        #expect(reasons(encounter, line: 1) == [Reason(rule: "common/encounter/one-claim", message: "waits for line 2 (90836): one claim per encounter")])
        #expect(reasons(encounter, line: 3).map(\.message) == ["waits for line 2 (90836): one claim per encounter"])
        #expect(reasons(encounter, line: 2).map(\.rule) == ["common/psychotherapy/add-on-needs-visit"])
        // Two held lines are both named.
        let two = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99213", charge: 160), ServiceLine(code: "90868", charge: 300),
                                                                      ServiceLine(code: "J0013", units: 84, charge: 1120, ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN")])
        #expect(decisions(two) == [.hold, .hold, .hold])
        #expect(reasons(two, line: 2).map(\.message) == ["waits for lines 1 (99213), 3 (J0013): one claim per encounter"])
    }

    @Test func linesThatLeaveTheClaimDoNotHoldIt() {
        // Criteria not met (Spravato without REMS) leaves the claim: the visit bills.
        var noREMS = Fixtures.trdFacts
        noREMS["remsPatientEnrolled"] = .bool(false)
        let criteria = Fixtures.encounter(payer: "cigna", clinical: noREMS, services: Self.visitAnd84mg)
        #expect(decisions(criteria, auths: [Self.approved("cigna", "spravato")]) == [.bill, .criteriaNotMet])
        // Not covered (TMS for Illinois Medicaid) leaves the claim: the visit with 25 bills.
        let notCovered = Fixtures.encounter(payer: "il-medicaid", services: [ServiceLine(code: "99213", modifiers: ["25"], charge: 160), ServiceLine(code: "90868", charge: 300)])
        #expect(decisions(notCovered) == [.bill, .notCovered])
        // Nothing held: everything bills.
        #expect(decisions(Fixtures.encounter(payer: "cigna", services: Self.visitAnd84mg), auths: [Self.approved("cigna", "spravato")]) == [.bill, .bill])
    }

    @Test func aPayerFileCanOptOutOfTheOneClaimRule() throws {
        var book = Self.rules
        book.payers["cigna"]?.excludedCommonRules.insert("encounter/one-claim")
        let encounter = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "90834", charge: 140), ServiceLine(code: "90836", charge: 120)])
        #expect(CoverageEvaluator(rules: book).evaluate(encounter, asOf: Self.asOf, authorizations: []).lines.map(\.decision) == [.bill, .hold])
    }

    @Test func aHeldLineSpendsNoAuthorizationUnit() {
        // TMS is authorized, but the visit beside it lacks modifier 25: TMS waits, so its unit is not spent.
        let encounter = Fixtures.encounter(payer: "cigna", diagnoses: ["F33.2"], services: [ServiceLine(code: "99213", charge: 160), ServiceLine(code: "90868", charge: 310)])
        let outcome = evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: [Self.approved("cigna", "tms")])
        #expect(outcome.lines.map(\.decision) == [.hold, .hold])
        #expect(outcome.authorizationUses.isEmpty)
    }

    // MARK: §5.2 coding edits

    @Test(arguments: ["G2082", "G2083", "90867", "90868", "90869"])
    func atMostOneUnitPerDateOfService(_ code: String) {
        let two = Fixtures.encounter(payer: "medicare-j6", diagnoses: ["F33.2"], services: [ServiceLine(code: code, units: 2, charge: 600)])
        #expect(decisions(two) == [.hold])
        #expect(reasons(two).map(\.rule) == ["common/units/one-per-date-of-service"])
        #expect(reasons(two).first?.message == "\(code) allows at most 1 unit per date of service; found 2")
        let one = Fixtures.encounter(payer: "medicare-j6", diagnoses: ["F33.2"], services: [ServiceLine(code: code, units: 1, charge: 600)])
        #expect(decisions(one) == [.bill])
    }

    /// POLICY §5.2: the limit is per date of service, so units another encounter of the patient bills
    /// that day count; the reason names that encounter. The encounter's own earlier claim never counts.
    @Test func unitsOfTheSameDayInOtherEncountersCount() {
        let encounter = Fixtures.encounter(id: "ENC-B", payer: "medicare-j6", diagnoses: ["F33.2"],
                                           services: [ServiceLine(code: "99214", modifiers: ["25"], charge: 210), ServiceLine(code: "G2083", charge: 1289.82)])
        func outcome(_ sameDay: [BilledUnits]) -> CoverageEvaluator.Outcome {
            evaluator.evaluate(encounter, asOf: Self.asOf, authorizations: [], sameDay: sameDay)
        }
        #expect(outcome([]).lines.map(\.decision) == [.bill, .bill])
        let earlier = outcome([BilledUnits(encounterId: "ENC-A", code: "G2083", units: 1, earlierRun: true)])
        #expect(earlier.lines.map(\.decision) == [.hold, .hold], "the G2083 line is over the limit; the visit waits for it (§5.1)")
        #expect(earlier.lines[1].reasons == [Reason(rule: "common/units/one-per-date-of-service",
            message: "G2083 allows at most 1 unit per date of service; found 2, with ENC-A (1 unit, billed in an earlier run) on 2026-11-03")])
        let inThisRun = outcome([BilledUnits(encounterId: "ENC-A", code: "G2083", units: 1, earlierRun: false)])
        #expect(inThisRun.lines[1].reasons.first?.message == "G2083 allows at most 1 unit per date of service; found 2, with ENC-A (1 unit) on 2026-11-03")
        // Another code's units, and the encounter's own claim of an earlier run, do not count.
        #expect(outcome([BilledUnits(encounterId: "ENC-A", code: "G2082", units: 1, earlierRun: true)]).lines.map(\.decision) == [.bill, .bill])
        #expect(outcome([BilledUnits(encounterId: "ENC-B", code: "G2083", units: 1, earlierRun: true)]).lines.map(\.decision) == [.bill, .bill])
        // A code no max-units rule limits is never counted.
        #expect(!Self.rules.unitLimitedCodes.contains("99214"))
        #expect(Self.rules.unitLimitedCodes == ["G2082", "G2083", "90867", "90868", "90869"])
    }

    @Test func g2082AndG2083TogetherAreBothHeld() {
        let encounter = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "G2082", charge: 905), ServiceLine(code: "G2083", charge: 1289.82)])
        #expect(decisions(encounter) == [.hold, .hold])
        #expect(reasons(encounter).map(\.rule) == ["common/spravato/one-g-code-per-encounter"])
        #expect(reasons(encounter, line: 2).map(\.rule) == ["common/spravato/one-g-code-per-encounter"])
    }

    @Test(arguments: ["99202", "99203", "99204", "99205"])
    func gCodesWithANewPatientVisitHoldBoth(_ visit: String) {
        let encounter = Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: visit, modifiers: ["25"], charge: 265), ServiceLine(code: "G2083", charge: 1289.82)])
        #expect(decisions(encounter) == [.hold, .hold])
        #expect(reasons(encounter).map(\.rule) == ["common/spravato/g-codes-established-patients"])
        #expect(reasons(encounter, line: 2).map(\.rule) == ["common/spravato/g-codes-established-patients"])
        // An established-patient visit is fine; a new-patient visit without a G-code is fine.
        #expect(decisions(Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: "99214", modifiers: ["25"], charge: 210), ServiceLine(code: "G2083", charge: 1289.82)])) == [.bill, .bill])
        #expect(decisions(Fixtures.encounter(payer: "medicare-j6", services: [ServiceLine(code: visit, charge: 265)])) == [.bill])
    }

    @Test func aStellateBlockNeedsALateralityModifier() {
        let without = Fixtures.encounter(payer: "medicare-j6", diagnoses: ["G90.59"], services: [ServiceLine(code: "64510", charge: 640), ServiceLine(code: "77002", charge: 110)])
        #expect(decisions(without) == [.hold, .hold])
        #expect(reasons(without).map(\.rule) == ["common/sgb/laterality"])
        #expect(reasons(without, line: 2).map(\.message) == ["waits for line 1 (64510): one claim per encounter"])
        for modifier in ["RT", "LT", "50"] {
            for diagnosis in ["G90.50", "G90.59"] {
                let with = Fixtures.encounter(payer: "medicare-j6", diagnoses: [diagnosis], services: [ServiceLine(code: "64510", modifiers: [modifier], charge: 640)])
                #expect(decisions(with) == [.bill], "\(diagnosis) \(modifier): any side")
            }
        }
    }

    @Test(arguments: [("G90.511", "RT"), ("G90.512", "LT"), ("G90.513", "50")])
    func theSideMustMatchTheCRPSDiagnosis(_ diagnosis: String, _ side: String) {
        for modifier in ["RT", "LT", "50"] {
            let encounter = Fixtures.encounter(payer: "medicare-j6", diagnoses: [diagnosis], services: [ServiceLine(code: "64510", modifiers: [modifier], charge: 640)])
            if modifier == side {
                #expect(decisions(encounter) == [.bill], "\(diagnosis) \(modifier)")
            } else {
                #expect(decisions(encounter) == [.hold], "\(diagnosis) \(modifier)")
                #expect(reasons(encounter).first?.message.contains("modifier \(side)") == true)
            }
        }
    }

    @Test(arguments: ["G90.521", "G90.522", "G90.523", "G90.529"])
    func crpsOfALowerLimbOnlyMakesTheBlockInvestigational(_ diagnosis: String) {
        let encounter = Fixtures.encounter(payer: "aetna", diagnoses: [diagnosis], services: [ServiceLine(code: "99213", modifiers: ["25"], charge: 160),
                                                                                            ServiceLine(code: "64510", modifiers: ["LT"], charge: 640)])
        #expect(decisions(encounter, auths: [Self.approved("aetna", "sgb")]) == [.superbill, .superbill])
        #expect(reasons(encounter).map(\.rule) == ["common/sgb/lower-limb-crps-investigational"])
        // With an upper-limb CRPS as well, the block is covered.
        let both = Fixtures.encounter(payer: "aetna", diagnoses: [diagnosis, "G90.512"], services: [ServiceLine(code: "64510", modifiers: ["LT"], charge: 640)])
        #expect(decisions(both, auths: [Self.approved("aetna", "sgb")]) == [.bill])
    }

    @Test(arguments: ["il-medicaid", "meridian-il"])
    func illinoisMedicaidTelehealthNeedsGTOr93OnEveryLine(_ payer: String) {
        for place in ["02", "10"] {
            var encounter = Fixtures.encounter(payer: payer, services: [ServiceLine(code: "99213", charge: 160), ServiceLine(code: "90833", modifiers: ["GT"], charge: 95)])
            encounter.placeOfService = place
            #expect(decisions(encounter) == [.hold, .hold], "\(place)")
            #expect(reasons(encounter).map(\.rule) == ["\(payer)/telehealth/modifier"])
            encounter.services[0].modifiers = ["93"]
            #expect(decisions(encounter) == [.bill, .bill], "\(place)")
        }
        var office = Fixtures.encounter(payer: payer, services: [ServiceLine(code: "99213", charge: 160)])
        office.placeOfService = "11"
        #expect(decisions(office) == [.bill])
    }

    @Test func otherPayersDoNotNeedATelehealthModifier() {
        var encounter = Fixtures.encounter(payer: "cigna", services: [ServiceLine(code: "90834", charge: 140)])
        encounter.placeOfService = "10"
        #expect(decisions(encounter) == [.bill])
    }
}
