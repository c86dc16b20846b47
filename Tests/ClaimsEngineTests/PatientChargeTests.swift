import ClaimsCore
@testable import ClaimsEngine
import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// POLICY §5.3 (the Medicare ABN) and §5.4 (Medicaid private-pay agreements and refunds), decided by
/// the real rule files (`medicare-j6/abn`, `*-medicaid/private-pay`), and what the checklist asks the
/// front desk to have signed.
@Suite struct PatientChargeTests {
    static let rules = EncounterFileReaderTests.rules
    static let asOf = LocalDate(iso: "2026-11-20")!
    static let noABN = "an ABN signed before the service is needed to charge a Medicare patient; otherwise bill with GZ and write it off"
    static let noAgreement = "no private-pay agreement on file: the patient cannot be charged"
    /// What a held or GA-billed line says about why Medicare would not pay: the rule, not its superbill text.
    static let notPaid = "; the plan is not expected to pay (common/sgb/investigational)"

    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    /// A Medicare stellate ganglion block without a CRPS diagnosis: investigational, so `superbill`
    /// before the ABN rule speaks.
    static func medicareSGB(modifiers: [String] = ["RT"], agreements: [PatientAgreement] = [], date: String = "2026-11-03") -> Encounter {
        var encounter = Fixtures.encounter(id: "ENC-SGB", date: date, payer: "medicare-j6", diagnoses: ["F43.10"], services: [
            ServiceLine(code: "64510", modifiers: modifiers, charge: 950, diagnosisPointers: [1]),
        ])
        encounter.agreements = agreements
        return encounter
    }

    /// An Illinois Medicaid TMS session: TMS is `not-covered` by il-medicaid.
    static func medicaidTMS(agreements: [PatientAgreement] = [], payments: [Payment] = []) -> Encounter {
        var encounter = Fixtures.encounter(id: "ENC-TMS", payer: "il-medicaid", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "90868", charge: 300, diagnosisPointers: [1]),
        ], payments: payments)
        encounter.agreements = agreements
        return encounter
    }

    static func abn(_ option: Int, signed: String, codes: [String]? = nil) -> PatientAgreement {
        PatientAgreement(kind: .abn, signed: date(signed), option: option, codes: codes)
    }

    static func decide(_ encounter: Encounter) throws -> EncounterEvaluation {
        try EvaluationPass(rules: rules, asOf: asOf, ledger: AuthorizationLedger(all: []))
            .evaluate(DecodedRecord(ordinal: 1, line: 1, id: encounter.id, encounter: encounter, errors: []))
    }

    // MARK: POLICY §5.3 the ABN

    @Test func withoutAnABNTheLineIsHeldNamingIt() throws {
        let evaluation = try Self.decide(Self.medicareSGB())
        let line = try #require(evaluation.lines.first)
        #expect(line.decision == .hold)
        #expect(line.reasons == [Reason(rule: "medicare-j6/abn", message: Self.noABN + Self.notPaid)],
                "what is missing (the ABN) and the rule Medicare would not pay under; no superbill is promised")
        #expect(line.reasons.allSatisfy { !$0.message.contains("superbill") })
        #expect(line.addedModifiers.isEmpty)
    }

    /// Signed before or on the date of service counts; signed the day after is as if there were none.
    @Test(arguments: [("2026-10-20", true), ("2026-11-03", true), ("2026-11-04", false)])
    func optionOneBillsWithGA(signed: String, counts: Bool) throws {
        let evaluation = try Self.decide(Self.medicareSGB(agreements: [Self.abn(1, signed: signed)]))
        let line = try #require(evaluation.lines.first)
        if counts {
            #expect(line.decision == .bill)
            #expect(line.addedModifiers == ["GA"])
            #expect(line.reasons.first == Reason(rule: "medicare-j6/abn", message:
                "billed with modifier GA (ABN option 1, signed \(signed)): Medicare will likely deny this line and the patient is liable" + Self.notPaid))
            #expect(line.reasons.count == 1 && line.superbillPurpose == nil)
            #expect(evaluation.serviceLines(with: .bill).map(\.line.modifiers) == [["RT", "GA"]], "the claim carries RT then GA")
        } else {
            #expect(line.decision == .hold)
            #expect(line.addedModifiers.isEmpty)
            #expect(line.reasons.first?.message == Self.noABN
                    + " (the ABN on file was signed 2026-11-04, after the date of service 2026-11-03, so it does not count)" + Self.notPaid)
        }
    }

    @Test func optionTwoIsAReceiptAndMedicareIsNotBilled() throws {
        let evaluation = try Self.decide(Self.medicareSGB(agreements: [Self.abn(2, signed: "2026-11-03")]))
        let line = try #require(evaluation.lines.first)
        #expect(line.decision == .superbill)
        #expect(line.reasons.first == Reason(rule: "medicare-j6/abn", message:
            "ABN option 2 (signed 2026-11-03): the patient pays and Medicare is not billed; the superbill is a receipt, not a reimbursement request"))
        #expect(line.reasons.last?.rule == "common/sgb/investigational", "a receipt keeps why Medicare would not pay")
        #expect(line.superbillPurpose == .receipt)
        #expect(evaluation.serviceLines(with: .bill).isEmpty)
    }

    @Test func optionThreeIsAnInputError() throws {
        let other = PatientAgreement(kind: .waiver, signed: Self.date("2026-11-01"))
        let evaluation = try Self.decide(Self.medicareSGB(agreements: [other, Self.abn(3, signed: "2026-11-02")]))
        #expect(evaluation.isRejected && evaluation.lines.isEmpty)
        #expect(evaluation.errors == [InputError(field: "patientAgreements[1].option", message:
            "service declined on the ABN: line 1 (64510) was declined by the patient (option 3, signed 2026-11-02); remove the line if the service was not given, or correct the ABN option")])
    }

    /// The latest ABN signed on or before the date of service is the one that counts; one naming
    /// other codes does not cover the line.
    @Test func theLatestCoveringABNCounts() throws {
        let both = try Self.decide(Self.medicareSGB(agreements: [Self.abn(2, signed: "2026-10-01"), Self.abn(1, signed: "2026-11-01")]))
        #expect(both.lines.map(\.decision) == [.bill])
        let otherCode = try Self.decide(Self.medicareSGB(agreements: [Self.abn(1, signed: "2026-11-01", codes: ["96365"])]))
        #expect(otherCode.lines.map(\.decision) == [.hold])
        let named = try Self.decide(Self.medicareSGB(agreements: [Self.abn(1, signed: "2026-11-01", codes: ["64510"])]))
        #expect(named.lines.map(\.decision) == [.bill])
    }

    @Test func aLineWithFourModifiersHasNoRoomForGA() throws {
        let evaluation = try Self.decide(Self.medicareSGB(modifiers: ["RT", "59", "XS", "76"], agreements: [Self.abn(1, signed: "2026-11-01")]))
        let line = try #require(evaluation.lines.first)
        #expect(line.decision == .hold && line.addedModifiers.isEmpty)
        #expect(line.reasons.first?.message == "ABN option 1 (signed 2026-11-01) needs modifier GA on line 1 (64510), which already has 4 modifiers; remove one" + Self.notPaid)
    }

    /// The ABN speaks only to lines Medicare would not pay for (POLICY: `superbill` or `not-covered`):
    /// a covered line bills without GA, a line whose criteria are not met stays so.
    @Test func coveredAndCriteriaLinesAreUntouched() throws {
        var covered = Fixtures.encounter(id: "ENC-G", payer: "medicare-j6", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "G2083", charge: 1289, diagnosisPointers: [1]),
        ])
        covered.agreements = [Self.abn(1, signed: "2026-11-01")]
        let bill = try Self.decide(covered)
        #expect(bill.lines.map(\.decision) == [.bill] && bill.lines[0].addedModifiers.isEmpty && bill.lines[0].reasons.isEmpty)
        var tms = Fixtures.encounter(id: "ENC-T", payer: "medicare-j6", diagnoses: ["F33.1"], services: [
            ServiceLine(code: "90868", charge: 300, diagnosisPointers: [1]),
        ])
        tms.agreements = [Self.abn(1, signed: "2026-11-01")]
        #expect(try Self.decide(tms).lines.map(\.decision) == [.criteriaNotMet])
    }

    /// Other payers have no ABN rule: a commercial superbill line stays `superbill` whatever is signed.
    @Test func onlyMedicareAsksForAnABN() throws {
        var encounter = Self.medicareSGB(agreements: [Self.abn(1, signed: "2026-11-01")])
        encounter.coverage?.payer = "bcbs-il"
        #expect(try Self.decide(encounter).lines.map(\.decision) == [.superbill])
    }

    @Test func checkOutputShowsTheAddedModifier() throws {
        let evaluation = try Self.decide(Self.medicareSGB(agreements: [Self.abn(1, signed: "2026-11-01")]))
        let result = CheckReport.result(for: evaluation)
        #expect(result.lines.first?.addedModifiers == ["GA"])
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(json.contains(#""addedModifiers":["GA"]"#))
        let held = CheckReport.result(for: try Self.decide(Self.medicareSGB()))
        #expect(held.lines.first?.addedModifiers == nil)
        #expect(!String(decoding: try JSONEncoder().encode(held), as: UTF8.self).contains("addedModifiers"))
    }

    // MARK: POLICY §5.4 Medicaid

    @Test(arguments: [("2026-11-02", true), ("2026-11-03", true), ("2026-11-04", false)])
    func aNotCoveredMedicaidLineNeedsAPrivatePayAgreement(signed: String, counts: Bool) throws {
        let agreement = PatientAgreement(kind: .privatePay, signed: Self.date(signed))
        let line = try #require(try Self.decide(Self.medicaidTMS(agreements: [agreement])).lines.first)
        if counts {
            #expect(line.decision == .superbill)
            #expect(line.reasons.first == Reason(rule: "il-medicaid/private-pay", message:
                "private-pay agreement signed \(signed): the patient pays and Medicaid is not billed; the superbill is a receipt"))
        } else {
            #expect(line.decision == .notCovered)
            #expect(line.reasons.last == Reason(rule: "il-medicaid/private-pay", message: Self.noAgreement))
        }
    }

    @Test(arguments: ["il-medicaid", "meridian-il"])
    func withoutAnAgreementThePatientCannotBeCharged(payer: String) throws {
        var encounter = Self.medicaidTMS(agreements: [Self.abn(2, signed: "2026-11-01")])   // not the right document
        encounter.coverage?.payer = payer
        let line = try #require(try Self.decide(encounter).lines.first)
        #expect(line.decision == .notCovered)
        #expect(line.reasons.map(\.rule) == ["\(payer)/tms/not-covered", "\(payer)/private-pay"])
        #expect(line.reasons.last?.message == Self.noAgreement)
    }

    /// New York Medicaid did not cover TMS before 2025-11-01: the same rule applies there.
    @Test func newYorkMedicaidBefore2025_11() throws {
        var encounter = Self.medicaidTMS()
        encounter.coverage?.payer = "ny-medicaid"
        encounter.dateOfService = Self.date("2025-10-15")
        let pass = EvaluationPass(rules: Self.rules, asOf: Self.date("2025-11-20"), ledger: AuthorizationLedger(all: []))
        let evaluation = try pass.evaluate(DecodedRecord(ordinal: 1, line: 1, id: encounter.id, encounter: encounter, errors: []))
        #expect(evaluation.lines.map(\.decision) == [.notCovered])
        #expect(evaluation.lines[0].reasons.last == Reason(rule: "ny-medicaid/private-pay", message: Self.noAgreement))
    }

    @Test func paymentsOnAFullyCoveredMedicaidEncounterAreARefundWarning() throws {
        let paid = [Payment(date: Self.date("2026-11-03"), amount: 20, method: "card")]
        let visit = Fixtures.encounter(id: "ENC-V", payer: "il-medicaid", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "99214", charge: 210, diagnosisPointers: [1]),
        ], payments: paid)
        let evaluation = try Self.decide(visit)
        #expect(evaluation.lines.map(\.decision) == [.bill])
        #expect(evaluation.warnings == [Warning(rule: "il-medicaid/private-pay", message:
            "Medicaid patients may not be charged for covered services; refund 20.00 paid by the patient (every line is billed to Illinois Medicaid (HFS fee-for-service))")])
        var unpaid = visit
        unpaid.payments = []
        #expect(try Self.decide(unpaid).warnings.isEmpty, "nothing paid, nothing to refund")
        let agreement = PatientAgreement(kind: .privatePay, signed: Self.date("2026-11-01"))
        #expect(try Self.decide(Self.medicaidTMS(agreements: [agreement], payments: paid)).warnings.isEmpty,
                "a private-pay line may be paid for")
        var medicare = visit
        medicare.coverage?.payer = "medicare-j6"
        #expect(try Self.decide(medicare).warnings.isEmpty, "the refund rule is Medicaid's")
    }

    // MARK: The checklist (issue 13 item 5)

    static func checklist(_ encounters: [Encounter], clinic: ClinicProfile? = nil) -> Checklist {
        ChecklistBuilder(rules: rules, clinic: clinic).build(encounters: encounters, authorizations: [], asOf: asOf)
    }

    @Test func theChecklistAsksForTheABNAndSaysWhetherItIsOnFile() throws {
        let missing = Self.checklist([Self.medicareSGB(date: "2026-11-24")])
        let item = try #require(missing.items.first { $0.service == "sgb" })
        let document = try #require(item.patientDocuments.first)
        #expect(item.patientDocuments.map(\.kind) == ["abn", "good-faith-estimate"], "held for the ABN, the patient would pay: an estimate is due")
        #expect(document.kind == "abn" && !document.onFile && document.signed == nil && document.codes == ["64510"])
        #expect(document.dates == [Self.date("2026-11-24")] && document.rule == "medicare-j6/abn")
        #expect(!item.ready)
        #expect(item.nextSteps.contains { $0.hasPrefix("have the patient sign the Medicare Advance Beneficiary Notice (ABN, CMS-R-131) for sgb (64510) before treatment on 2026-11-24") })

        let signed = Self.checklist([Self.medicareSGB(agreements: [Self.abn(1, signed: "2026-11-20")], date: "2026-11-24")])
        let onFile = try #require(signed.items.first { $0.service == "sgb" }?.patientDocuments.first)
        #expect(onFile.onFile && onFile.signed == Self.date("2026-11-20") && onFile.option == 1 && onFile.satisfied)
        #expect(signed.items.first { $0.service == "sgb" }?.ready == true)

        let declined = Self.checklist([Self.medicareSGB(agreements: [Self.abn(3, signed: "2026-11-20")], date: "2026-11-24")])
        let item3 = try #require(declined.items.first { $0.service == "sgb" })
        #expect(item3.patientDocuments.first?.onFile == true && item3.patientDocuments.first?.satisfied == false && !item3.ready)
        #expect(item3.nextSteps.contains { $0.hasPrefix("the patient declined sgb (64510) on the ABN signed 2026-11-20") })

        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(signed)) as? [String: Any])
        let items = try #require(json["items"] as? [[String: Any]])
        let documents = try #require(items.first?["patientDocuments"] as? [[String: Any]])
        #expect(documents.first?["kind"] as? String == "abn" && documents.first?["signed"] as? String == "2026-11-20")
        #expect(missing.text().contains("✗ Medicare Advance Beneficiary Notice (ABN, CMS-R-131) for 64510: NOT on file"))
    }

    @Test func theChecklistAsksForTheMedicaidPrivatePayAgreement() throws {
        var tms = Self.medicaidTMS()
        tms.dateOfService = Self.date("2026-11-24")
        let item = try #require(Self.checklist([tms]).items.first { $0.service == "tms" })
        #expect(item.patientDocuments.map(\.kind) == ["private-pay", "good-faith-estimate"] && item.patientDocuments[0].onFile == false)
        #expect(item.nextSteps.filter { $0.contains("agreement") } == [
            "have the patient sign the Medicaid private-pay agreement for tms (90868) before treatment on 2026-11-24: Illinois Medicaid (HFS fee-for-service) does not cover it: without a private-pay agreement signed before the service the patient cannot be charged",
        ], "one step, not a second one for a generic self-pay agreement")
        tms.agreements = [PatientAgreement(kind: .privatePay, signed: Self.date("2026-11-20"))]
        let signed = try #require(Self.checklist([tms]).items.first { $0.service == "tms" })
        #expect(signed.patientDocuments.first?.onFile == true && signed.patientDocuments.first?.option == nil)
    }

    @Test func theChecklistAsksForAWaiverOnlyForAnInNetworkPayer() throws {
        var clinic = try ClinicProfileLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path)
        var ketamine = Fixtures.encounter(id: "ENC-K", date: "2026-11-24", payer: "bcbs-il", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "96365", charge: 450, diagnosisPointers: [1]),
        ])
        #expect(Self.checklist([ketamine], clinic: clinic).items.allSatisfy { $0.patientDocuments.map(\.kind) == ["good-faith-estimate"] },
                "out of network: no waiver (the self-pay estimate only)")
        clinic.network["bcbs-il"] = .in
        let item = try #require(Self.checklist([ketamine], clinic: clinic).items.first { $0.service == "iv-ketamine" })
        #expect(item.patientDocuments.map(\.kind) == ["waiver", "good-faith-estimate"] && item.patientDocuments[0].rule == "clinic/in-network-waiver")
        #expect(!item.ready && item.nextSteps.contains { $0.hasSuffix("in-network plan: a signed waiver is needed before the patient is charged") })
        ketamine.agreements = [PatientAgreement(kind: .waiver, signed: Self.date("2026-11-24"))]
        let signed = try #require(Self.checklist([ketamine], clinic: clinic).items.first { $0.service == "iv-ketamine" })
        #expect(signed.patientDocuments.first { $0.kind == "waiver" }?.satisfied == true)
        #expect(!signed.ready && signed.nextSteps.count == 1 && signed.nextSteps[0].hasPrefix("give the patient a Good Faith Estimate"),
                "only the estimate is left to do")
    }
}
