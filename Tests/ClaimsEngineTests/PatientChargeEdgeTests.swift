import ClaimsCore
@testable import ClaimsEngine
import ClaimsTestSupport
import Foundation
import Testing

/// POLICY §5.3–§5.4 at their edges, as acceptance cases would try them: an ABN that names only some
/// lines, one signed after the date of service, option 3 on one line, Medicaid agreements naming
/// other codes, and what a superbill line's purpose is.
@Suite struct PatientChargeEdgeTests {
    typealias Base = PatientChargeTests

    static func medicareSGB(_ agreements: [PatientAgreement]) -> Encounter {
        var encounter = Fixtures.encounter(id: "ENC-SGB2", payer: "medicare-j6", diagnoses: ["F43.10"], services: [
            ServiceLine(code: "64510", modifiers: ["RT"], charge: 950, diagnosisPointers: [1]),
            ServiceLine(code: "77002", charge: 180, diagnosisPointers: [1]),
        ])
        encounter.agreements = agreements
        return encounter
    }

    /// An ABN naming 64510 only: 64510 would bill with GA, but 77002 has no ABN and is held, so the
    /// claim waits for it (POLICY §5.1: one claim per encounter); 77002's reason names the ABN.
    @Test func anABNNamingSomeLinesLeavesTheOthersHeld() throws {
        let evaluation = try Base.decide(Self.medicareSGB([Base.abn(1, signed: "2026-11-01", codes: ["64510"])]))
        #expect(evaluation.lines.map(\.decision) == [.hold, .hold])
        #expect(evaluation.lines[0].reasons.map(\.rule) == ["common/encounter/one-claim"])
        #expect(evaluation.lines[0].reasons[0].message.hasPrefix("waits for line 2 (77002)"))
        #expect(evaluation.lines[0].addedModifiers.isEmpty, "a held line carries no GA")
        #expect(evaluation.lines[1].reasons == [Reason(rule: "medicare-j6/abn", message: Base.noABN + Base.notPaid)])
        #expect(evaluation.serviceLines(with: .bill).isEmpty)
    }

    /// Option 2 on one line: that line is a receipt and leaves the claim, the other is held for its ABN.
    @Test func aReceiptLineDoesNotWaitForTheHeldLine() throws {
        let evaluation = try Base.decide(Self.medicareSGB([Base.abn(2, signed: "2026-11-01", codes: ["64510"])]))
        #expect(evaluation.lines.map(\.decision) == [.superbill, .hold])
        #expect(evaluation.lines[0].superbillPurpose == .receipt)
        #expect(evaluation.lines[1].superbillPurpose == nil)
    }

    /// ABNs for both lines, one of them declined (option 3): the encounter is rejected, naming the ABN.
    @Test func optionThreeOnOneLineRejectsTheEncounter() throws {
        let evaluation = try Base.decide(Self.medicareSGB([Base.abn(1, signed: "2026-11-01", codes: ["64510"]),
                                                           Base.abn(3, signed: "2026-11-01", codes: ["77002"])]))
        #expect(evaluation.isRejected)
        #expect(evaluation.errors.map(\.field) == ["patientAgreements[1].option"])
        #expect(evaluation.errors.first?.message.hasPrefix("service declined on the ABN: line 2 (77002)") == true)
    }

    /// A late ABN next to an earlier one for other codes: the line is held, and the message says the
    /// one covering it came too late.
    @Test func aLateABNForTheLineIsNamed() throws {
        let evaluation = try Base.decide(Self.medicareSGB([Base.abn(1, signed: "2026-11-01", codes: ["64510"]),
                                                           Base.abn(1, signed: "2026-11-05", codes: ["77002"])]))
        #expect(evaluation.lines[1].reasons.first?.message == Base.noABN
                + " (the ABN on file was signed 2026-11-05, after the date of service 2026-11-03, so it does not count)" + Base.notPaid)
    }

    /// IV ketamine for a Medicare patient without an ABN: every line held, naming the ABN and the rule;
    /// nothing promises a superbill.
    @Test func medicareKetamineWithoutAnABNIsHeldWithoutASuperbillPromise() throws {
        var encounter = Fixtures.encounter(id: "ENC-K", payer: "medicare-j6", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "99214", modifiers: ["25"], charge: 210, diagnosisPointers: [1]),
            ServiceLine(code: "96365", charge: 450, diagnosisPointers: [1]),
        ])
        encounter.agreements = []
        let evaluation = try Base.decide(encounter)
        #expect(evaluation.lines.map(\.decision) == [.hold, .hold])
        for line in evaluation.lines {
            #expect(line.reasons.first?.message == Base.noABN + "; the plan is not expected to pay (common/iv-ketamine/off-label)")
            #expect(line.reasons.allSatisfy { !$0.message.contains("superbill") })
        }
    }

    /// A private-pay agreement naming another code does not cover the line; one naming it does.
    @Test func aPrivatePayAgreementCoversOnlyTheCodesItNames() throws {
        let other = PatientAgreement(kind: .privatePay, signed: Base.date("2026-11-01"), codes: ["99214"])
        #expect(try Base.decide(Base.medicaidTMS(agreements: [other])).lines.map(\.decision) == [.notCovered])
        let named = PatientAgreement(kind: .privatePay, signed: Base.date("2026-11-01"), codes: ["90868"])
        let line = try #require(try Base.decide(Base.medicaidTMS(agreements: [named])).lines.first)
        #expect(line.decision == .superbill && line.superbillPurpose == .receipt)
        #expect(line.reasons.map(\.rule) == ["il-medicaid/private-pay", "il-medicaid/tms/not-covered"])
    }

    /// A payment on a Medicaid encounter with a covered and a not-covered line: not every line bills,
    /// so POLICY's refund warning (all lines `bill`) does not apply; the not-covered line says the
    /// patient cannot be charged.
    @Test func aMixedMedicaidEncounterGetsNoRefundWarning() throws {
        var encounter = Fixtures.encounter(id: "ENC-MIX", payer: "meridian-il", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "99214", modifiers: ["25"], charge: 210, diagnosisPointers: [1]),
            ServiceLine(code: "90868", charge: 300, diagnosisPointers: [1]),
        ], payments: [Payment(date: Base.date("2026-11-03"), amount: 25, method: "cash")])
        encounter.agreements = []
        let evaluation = try Base.decide(encounter)
        #expect(evaluation.lines.map(\.decision) == [.bill, .notCovered])
        #expect(evaluation.lines[1].reasons.last == Reason(rule: "meridian-il/private-pay", message: Base.noAgreement))
        #expect(!evaluation.warnings.contains { $0.rule == "meridian-il/private-pay" })
    }

    @Test(arguments: ["meridian-il", "ny-medicaid"])
    func everyMedicaidPayerWarnsToRefund(payer: String) throws {
        let visit = Fixtures.encounter(id: "ENC-V2", payer: payer, diagnoses: ["F33.2"], services: [
            ServiceLine(code: "99214", charge: 210, diagnosisPointers: [1]),
        ], payments: [Payment(date: Base.date("2026-11-03"), amount: 40, method: "card")])
        let evaluation = try Base.decide(visit)
        #expect(evaluation.lines.map(\.decision) == [.bill])
        #expect(evaluation.warnings.map(\.rule) == ["\(payer)/private-pay"])
        #expect(evaluation.warnings.first?.message.hasPrefix("Medicaid patients may not be charged for covered services; refund 40.00") == true)
    }

    /// What each superbill line is for, as the rules decide it: no insurance is a receipt (even for
    /// IV ketamine), an insured patient's IV ketamine is investigational.
    @Test func superbillPurposesFollowTheRules() throws {
        let ketamine = [ServiceLine(code: "96365", charge: 450, diagnosisPointers: [1])]
        let selfPay = try Base.decide(Fixtures.encounter(id: "ENC-S", payer: nil, services: ketamine))
        #expect(selfPay.lines.map(\.superbillPurpose) == [.receipt])
        let insured = try Base.decide(Fixtures.encounter(id: "ENC-I", payer: "cigna", services: ketamine))
        #expect(insured.lines.map(\.superbillPurpose) == [.investigational])
        let billed = try Base.decide(Fixtures.encounter(id: "ENC-B", payer: "cigna", services: [ServiceLine(code: "99214", charge: 210, diagnosisPointers: [1])]))
        #expect(billed.lines.map(\.superbillPurpose) == [nil])
    }
}
