import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// Replacement, void and secondary claims as the encoder writes them (docs/corrections.md), each
/// interchange checked by our 837P checker (the CLI tests run the batch's files through pyx12 too).
@Suite struct Claim837PSubmissionTests {
    static func encode(_ evaluation: EncounterEvaluation, payer: PayerRules = X12Fixtures.bcbs,
                       submission: Claim837PSubmission) throws -> (lines: [String], text: String) {
        let encoder = Claim837PEncoder(clinic: Fixtures.clinic, payer: payer)
        let (claim, problems) = encoder.prepare(evaluation, submission: submission)
        #expect(problems.isEmpty, "\(problems)")
        let interchange = try encoder.encode(prepared: [try #require(claim)], envelope: X12Fixtures.envelope)
        return (X12Fixtures.lines(interchange), interchange.text)
    }

    static func expectClean(_ text: String) {
        let report = X12ValidatorFixtureTests.validate(Array(text.utf8))
        #expect(report.findings.isEmpty, "\(X12ValidatorFixtureTests.summary(report))")
    }

    @Test func aReplacementCarriesFrequency7AndTheScheduledPayerClaimNumberAfterREFG1() throws {
        let (lines, text) = try Self.encode(X12Fixtures.evaluation(Fixtures.encounter(), authNumber: "PA-1"),
                                            submission: Claim837PSubmission(frequency: "7", payerClaimNumber: "2026311000123"))
        let clm = try #require(lines.firstIndex { $0.hasPrefix("CLM*") })
        #expect(lines[clm].contains("*11:B:7*"))
        #expect(Array(lines[clm + 1...clm + 2]) == ["REF*G1*PA-1", "REF*F8*2026311000123"])
        Self.expectClean(text)
    }

    @Test func aVoidWithoutAPayerClaimNumberIsRefused() {
        let encoder = Claim837PEncoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs)
        let (claim, problems) = encoder.prepare(X12Fixtures.evaluation(Fixtures.encounter()), submission: Claim837PSubmission(frequency: "8"))
        #expect(claim == nil)
        #expect(problems.map(\.field) == ["payerClaimNumber"])
        let odd = encoder.prepare(X12Fixtures.evaluation(Fixtures.encounter()), submission: Claim837PSubmission(frequency: "5", payerClaimNumber: "X1"))
        #expect(odd.problems.map(\.field) == ["frequency"])
    }

    @Test func aSecondaryClaimCarriesThePrimarysAdjudication() throws {
        // Medicare primary (MB), Illinois Medicaid secondary (MC): the patient's own plans.
        let medicare = Coverage(payer: "medicare-j6", memberId: "1EG4TE5MK73")
        var encounter = X12Fixtures.officeVisit(id: "ENC-9", payer: "il-medicaid")
        encounter.services.append(ServiceLine(code: "90833", units: 1, charge: 95, diagnosisPointers: [1]))
        let primary = Claim837PPriorPayer(
            coverage: medicare, payerName: "Medicare Part B J6", payerId: "06102", claimFilingIndicator: "MB", paid: 180,
            remainingPatientLiability: 45, adjudicated: LocalDate(iso: "2026-12-07")!, payerClaimNumber: "26340100009",
            claimAdjustments: [.init(group: "OA", reason: "23", amount: 0)],
            lines: [1: .init(paid: 150, adjustments: [.init(group: "CO", reason: "45", amount: 20), .init(group: "PR", reason: "2", amount: 40)]),
                    2: .init(paid: 30, units: 1, adjustments: [.init(group: "CO", reason: "45", amount: 60), .init(group: "PR", reason: "2", amount: 5)])])
        let (lines, text) = try Self.encode(X12Fixtures.evaluation(encounter), payer: X12Fixtures.medicaid, submission: Claim837PSubmission(primary: primary))
        #expect(lines.contains("SBR*S*18*G-5521******MC"))
        let cob = try #require(lines.firstIndex(of: "SBR*P*18*******MB"))
        // A zero adjustment is not sent; claim-level CAS would follow SBR.
        #expect(Array(lines[cob + 1...cob + 6]) == ["AMT*D*180", "AMT*EAF*45", "OI***Y***Y", "NM1*IL*1*REYES*DANA****MI*1EG4TE5MK73",
                                                  "NM1*PR*2*MEDICARE PART B J6*****PI*06102", "REF*F8*26340100009"])
        #expect(lines[cob + 7] == "LX*1")
        let first = try #require(lines.firstIndex(of: "SVD*06102*150*HC:99214:25**1"))
        #expect(Array(lines[first + 1...first + 2]) == ["CAS*CO*45*20", "CAS*PR*2*40"] && lines[first + 3] == "DTP*573*D8*20261207")
        #expect(lines.contains("SVD*06102*30*HC:90833**1"))
        #expect(lines.first { $0.hasPrefix("CLM*") }?.contains("*11:B:1*") == true)
        Self.expectClean(text)
    }

    @Test func casSplitsAfterSixReasonsOfAGroup() {
        let adjustments = (1...7).map { Claim837PPriorPayer.Adjustment(group: "CO", reason: "\($0)", amount: 1) }
            + [.init(group: "PR", reason: "3", amount: 5)]
        #expect(Claim837PEncoder.adjustmentSegments(adjustments).map(\.description)
            == ["CAS*CO*1*1**2*1**3*1**4*1**5*1**6*1", "CAS*CO*7*1", "CAS*PR*3*5"])
    }
}
