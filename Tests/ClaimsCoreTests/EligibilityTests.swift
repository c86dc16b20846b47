import ClaimsCore
import ClaimsTestSupport
import Foundation
import Testing

/// POLICY §5.5 and CONTRACT §7 as values: what a stored answer does to decisions and what the checklist shows.
@Suite struct EligibilityTests {
    static let asOf = LocalDate(iso: "2026-11-20")!
    static let encounter = Fixtures.encounter(id: "ENC-1", date: "2026-11-23")

    static func answer(_ status: EligibilityAnswer.Status, checked: String = "2026-11-18", dateOfService: String = "2026-11-23",
                       planEnd: String? = nil, benefits: [EligibilityBenefit] = [], otherPayers: [EligibilityOtherPayer] = [],
                       id: Int64 = 1) -> EligibilityAnswer {
        EligibilityAnswer(id: id, patientId: "PT-1001", payer: "bcbs-il", dateOfService: LocalDate(iso: dateOfService)!,
                          checked: LocalDate(iso: checked)!, status: status, planEnd: planEnd.flatMap { LocalDate(iso: $0) },
                          benefits: benefits, otherPayers: otherPayers)
    }

    static func billed() -> EncounterEvaluation {
        EncounterEvaluation(encounterId: "ENC-1", encounter: encounter, payer: "bcbs-il",
                            lines: [LineDecision(line: 1, code: "99214", service: "office-visit", decision: .bill, reasons: []),
                                    LineDecision(line: 2, code: "J0013", service: "spravato", decision: .criteriaNotMet,
                                                 reasons: [Reason(rule: "r", message: "m")])],
                            authorizationUses: [AuthorizationUse(authorizationId: 7, authNumber: "A-7", service: "office-visit")])
    }

    @Test func inactiveOnTheDateHoldsEveryBillLineAndSpendsNoAuthorization() {
        var evaluation = Self.billed()
        EligibilityBook(answers: [Self.answer(.inactive, planEnd: "2026-10-31")]).apply(to: &evaluation, asOf: Self.asOf)
        #expect(evaluation.lines.map(\.decision) == [.hold, .criteriaNotMet], "only lines that would bill are held")
        #expect(evaluation.lines[0].reasons.map(\.rule) == ["eligibility/inactive"])
        #expect(evaluation.lines[0].reasons[0].message.contains("the plan ended 2026-10-31"))
        #expect(evaluation.authorizationUses.isEmpty)

        // Active, but the plan ends before the date of service: inactive on that date.
        var ended = Self.billed()
        EligibilityBook(answers: [Self.answer(.active, planEnd: "2026-11-22")]).apply(to: &ended, asOf: Self.asOf)
        #expect(ended.lines[0].decision == .hold)
        var covered = Self.billed()
        EligibilityBook(answers: [Self.answer(.active, planEnd: "2026-11-23")]).apply(to: &covered, asOf: Self.asOf)
        #expect(covered.lines[0].decision == .bill && covered.authorizationUses.count == 1, "the plan's last day is covered")
    }

    @Test func carvedOutMentalHealthHoldsSayingWhomToBill() {
        let optum = EligibilityOtherPayer(name: "OPTUM BEHAVIORAL HEALTH", entity: "Y2", identifier: "87726", serviceTypes: ["MH"], benefitCode: "R")
        var evaluation = Self.billed()
        EligibilityBook(answers: [Self.answer(.active, otherPayers: [optum])]).apply(to: &evaluation, asOf: Self.asOf)
        #expect(evaluation.lines[0].decision == .hold && evaluation.lines[0].reasons[0].rule == "eligibility/carved-out")
        #expect(evaluation.lines[0].reasons[0].message.hasSuffix("bill OPTUM BEHAVIORAL HEALTH instead"))

        // Another payer for a service type that is not mental health (say, pharmacy) is no carve-out.
        let pharmacy = EligibilityOtherPayer(name: "EXPRESS SCRIPTS", entity: "VN", identifier: nil, serviceTypes: ["88"], benefitCode: "R")
        var other = Self.billed()
        EligibilityBook(answers: [Self.answer(.active, otherPayers: [pharmacy])]).apply(to: &other, asOf: Self.asOf)
        #expect(other.lines[0].decision == .bill)
    }

    @Test func noAnswerChangesNothingAndAnOldAnswerIsAWarning() {
        var evaluation = Self.billed()
        EligibilityBook(answers: []).apply(to: &evaluation, asOf: Self.asOf)
        #expect(evaluation == Self.billed())
        #expect(EligibilityBook(answers: []).summary(for: Self.encounter) == .unknown)

        let book = EligibilityBook(answers: [Self.answer(.active, checked: "2026-10-21")], maxAgeDays: 30)
        var thirty = Self.billed()
        book.apply(to: &thirty, asOf: Self.asOf)
        #expect(thirty.warnings.isEmpty, "30 days (10-21 to 11-20) are within the limit")
        var old = Self.billed()
        book.apply(to: &old, asOf: LocalDate(iso: "2026-11-20")!.adding(days: 1))
        #expect(old.warnings.map(\.rule) == ["eligibility/stale"])
        #expect(old.warnings[0].message.contains("31 days old (limit 30)"))
        #expect(old.lines == Self.billed().lines)
    }

    @Test func theAnswerForTheDateWinsThenTheLatest() {
        let forTheDate = Self.answer(.active, checked: "2026-11-10", dateOfService: "2026-11-23", id: 1)
        let newerOtherDate = Self.answer(.inactive, checked: "2026-11-15", dateOfService: "2026-12-01", id: 2)
        #expect(EligibilityBook(answers: [forTheDate, newerOtherDate]).answer(for: Self.encounter)?.id == 1)
        let later = Self.answer(.inactive, checked: "2026-11-12", dateOfService: "2026-11-23", id: 3)
        #expect(EligibilityBook(answers: [forTheDate, newerOtherDate, later]).answer(for: Self.encounter)?.id == 3)
        #expect(EligibilityBook(answers: [newerOtherDate]).answer(for: Self.encounter)?.id == 2, "else the latest for patient and payer")
    }

    @Test func theSummaryReadsTheMentalHealthBenefitForTheClinicsNetwork() throws {
        let benefits = [
            EligibilityBenefit(code: "B", serviceTypes: ["30"], period: "27", amount: 25, network: .in),
            EligibilityBenefit(code: "B", serviceTypes: ["MH", "A8"], period: "27", amount: 40, network: .in),
            EligibilityBenefit(code: "B", serviceTypes: ["MH", "A8"], period: "27", amount: 80, network: .out),
            EligibilityBenefit(code: "A", serviceTypes: ["MH"], percent: 20, network: .in),
            EligibilityBenefit(code: "C", serviceTypes: ["30"], coverageLevel: "FAM", period: "29", amount: 1200, network: .in),
            EligibilityBenefit(code: "C", serviceTypes: ["30"], coverageLevel: "IND", period: "29", amount: 350, network: .in),
            EligibilityBenefit(code: "C", serviceTypes: ["30"], coverageLevel: "IND", period: "23", amount: 1500, network: .in),
            EligibilityBenefit(code: "CB", serviceTypes: ["A8"], authorizationRequired: true, network: .notApplicable),
        ]
        let answer = Self.answer(.active, planEnd: "2026-12-31", benefits: benefits)
        let inNetwork = EligibilitySummary(answer, dateOfService: Self.encounter.dateOfService, network: .in)
        #expect(inNetwork.copay == 40 && inNetwork.coinsurancePercent == 20 && inNetwork.deductibleRemaining == 350)
        #expect(inNetwork.authorizationRequired == true && inNetwork.status == .active)
        let outOfNetwork = EligibilitySummary(answer, dateOfService: Self.encounter.dateOfService, network: .out)
        #expect(outOfNetwork.copay == 80 && outOfNetwork.coinsurancePercent == nil && outOfNetwork.deductibleRemaining == nil)

        let data = try JSONEncoder().encode(inNetwork)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["copay"] as? String == "40.00" && object["coinsurancePercent"] as? String == "20")
        #expect(object["deductibleRemaining"] as? String == "350.00" && object["planEnd"] as? String == "2026-12-31")
        #expect(object["otherPayer"] is NSNull && object.count == 9)
    }

    @Test func aStoredAnswerRoundTripsWithExactAmounts() throws {
        let answer = Self.answer(.active, benefits: [EligibilityBenefit(code: "A", serviceTypes: ["MH"], amount: Decimal(string: "0.1")!,
                                                                        percent: Decimal(string: "12.5")!, network: .out)])
        let decoded = try JSONDecoder().decode(EligibilityAnswer.self, from: try JSONEncoder().encode(answer))
        #expect(decoded == answer)
        #expect(String(decoding: try JSONEncoder().encode(answer.benefits[0]), as: UTF8.self).contains("\"amount\":\"0.1\""))
    }
}
