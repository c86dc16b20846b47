import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// The 270 writer and the 271 reader, on the hand-written fixtures of Tests/Fixtures/eligibility
/// (each also parsed by LinuxForHealth x12 in scripts/test.sh).
@Suite struct EligibilityX12Tests {
    static let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/eligibility")

    static func answers(_ name: String) throws -> (Eligibility271, X12TransactionSet) {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let set = try #require(try X12TransactionSet.split(try X12Reader.read(text)).first)
        return (try Eligibility271(set), set)
    }

    static func inquiry(_ encounter: Encounter, trace: String = "41") -> Eligibility270Inquiry {
        Eligibility270Inquiry(patient: encounter.patient, coverage: encounter.coverage!, dateOfService: encounter.dateOfService,
                              serviceTypes: EligibilityServiceTypes.inquiry(for: ["spravato", "psychotherapy"]), traceNumber: trace,
                              encounterId: encounter.id)
    }

    @Test func a270AsksPerInquiryInItsOwnTransactionSetWithTheDependentLoop() throws {
        let encoder = Eligibility270Encoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs)
        let subscriber = Self.inquiry(X12Fixtures.officeVisit(id: "ENC-1"), trace: "41")
        let dependent = Self.inquiry(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "ENC-2")), trace: "42")
        let text = try encoder.encode([subscriber, dependent], envelope: X12Fixtures.envelope)
        let segments = try X12Reader.read(text).segments.map(\.description)
        #expect(segments[1] == "GS*HS*SIIP01*030240928*20261120*1030*101*X*005010X279A1")
        #expect(segments.filter { $0.hasPrefix("ST*270*") } == ["ST*270*0001*005010X279A1", "ST*270*0002*005010X279A1"])
        #expect(segments.contains("BHT*0022*13*41*20261120*1030"))
        #expect(segments.contains("EQ*30^MH^A8^A6") && segments.contains("DTP*291*D8*20261103"))
        // The dependent: the subscriber (member id) in 2000C, the patient with the trace in 2000D.
        let second = Array(segments.drop { $0 != "ST*270*0002*005010X279A1" })
        #expect(Array(second[5...14]) == [
            "NM1*1P*2*SOUTHERN ILLINOIS INTERVENTIONAL PSYCHIATRY*****XX*1245319599",
            "HL*3*2*22*1", "NM1*IL*1*REYES*MARCO****MI*XOF123456789", "REF*6P*G-5521", "DMG*D8*19820630*M",
            "HL*4*3*23*0", "TRN*1*42*1371234567", "NM1*03*1*REYES*DANA", "DMG*D8*19840211*F", "DTP*291*D8*20261103",
        ])
        #expect(segments.contains("GE*2*101") && segments.last == "IEA*1*000000101")
        #expect(try X12Reader.read(text).envelopeProblems().isEmpty)
    }

    @Test func anInquiryThatCannotTravelNamesItsField() {
        var encounter = X12Fixtures.officeVisit(id: "ENC-3")
        encounter.coverage?.memberId = "XOF*1"
        let problems = Eligibility270Encoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs).problems(in: Self.inquiry(encounter))
        #expect(problems.map(\.field) == ["coverage.memberId"])
        #expect(problems.first?.message.contains("separator") == true)
    }

    @Test func activeAnswerWithMentalHealthBenefitsByNetwork() throws {
        let (response, _) = try Self.answers("active-mental-health-network.271")
        #expect(response.reference == "2" && response.date?.iso == "2026-11-20" && response.answers.count == 1)
        let answer = response.answers[0]
        #expect(answer.traceNumbers == ["2"] && answer.memberId == "XOF123456789" && answer.loop == "2000C")
        #expect(answer.status == .active && answer.planBegin?.iso == "2026-01-01" && answer.planEnd?.iso == "2026-12-31")
        #expect(answer.planName == "BLUE CHOICE PPO")
        let copays = answer.benefits.filter { $0.code == "B" }
        #expect(copays.map(\.amount) == [40, 80] && copays.map(\.network) == [.in, .out] && copays[0].period == "27")
        #expect(answer.benefits.filter { $0.code == "A" }.map(\.percent) == [20, 40])
        #expect(copays[0].serviceTypes == ["MH", "A8"])
        #expect(answer.benefits.last?.authorizationRequired == true && answer.benefits.last?.network == .notApplicable)
        #expect(answer.benefits.last?.messages == ["PRIOR AUTHORIZATION REQUIRED FOR ESKETAMINE J0013 AND TMS 90867-90869"])
    }

    @Test func inactiveCarveOutRejectionAndDependent() throws {
        let inactive = try Self.answers("inactive.271").0.answers[0]
        #expect(inactive.status == .inactive && inactive.planEnd?.iso == "2026-10-31")
        #expect(inactive.benefits.map(\.code) == ["6"] && inactive.messages.isEmpty)
        #expect(inactive.benefits[0].messages == ["COVERAGE TERMINATED 10/31/2026 - NO COBRA ELECTION ON FILE"], "an MSG belongs to its EB loop")

        let carveOut = try Self.answers("carve-out-2120c.271").0.answers[0]
        #expect(carveOut.status == .active)
        #expect(carveOut.otherPayers == [EligibilityOtherPayer(name: "OPTUM BEHAVIORAL HEALTH", entity: "Y2", identifier: "87726",
                                                               serviceTypes: ["MH", "A8", "A4"], benefitCode: "R")])

        let rejected = try Self.answers("aaa-rejection.271").0.answers[0]
        #expect(rejected.status == .error)
        #expect(rejected.rejections == [EligibilityRejection(loop: "2100C", reason: "72", followUp: "C",
                                                             description: "invalid/missing subscriber/insured ID; please correct and resubmit")])

        let dependent = try Self.answers("dependent.271").0
        #expect(dependent.answers.map(\.loop) == ["2000D"], "the subscriber loop only introduces the dependent")
        #expect(dependent.answers[0].traceNumbers == ["1"] && dependent.answers[0].memberId == "UHC5523109")
        #expect(dependent.answers[0].firstName == "TYLER" && dependent.answers[0].benefits.first?.coverageLevel == "DEP")
    }

    @Test func aMalformedBenefitNamesSegmentAndElement() throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent("active-mental-health-network.271"), encoding: .utf8)
            .replacingOccurrences(of: "27**.2****Y", with: "27**20%****Y")
        let set = try #require(try X12TransactionSet.split(try X12Reader.read(text)).first)
        #expect(throws: X12Error.self) { try Eligibility271(set) }
        do { _ = try Eligibility271(set) } catch {
            #expect(error.elementPosition == 8 && error.segmentNumber == 23)
            #expect(error.message == "EB08 (percentage as decimal) is '20%', not a fraction such as .2 (20%)")
        }
    }
}
