import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

@Suite struct Claim837PSegmentTests {
    /// The fixture encounter (99214-25 + J0013 84 mg with NDC), self-subscriber, auth on file.
    static func selfClaim() throws -> [String] {
        try X12Fixtures.lines(X12Fixtures.encode([X12Fixtures.evaluation(Fixtures.encounter(), authNumber: "pa-2026-0042")]))
    }

    @Test func wholeSelfSubscriberInterchange() throws {
        let expected = """
            ISA*00*          *00*          *ZZ*SIIP01         *01*030240928      *261120*1030*^*00501*000000101*0*T*:
            GS*HC*SIIP01*030240928*20261120*1030*101*X*005010X222A1
            ST*837*0001*005010X222A1
            BHT*0019*00*000000101*20261120*1030*CH
            NM1*41*2*SOUTHERN ILLINOIS INTERVENTIONAL PSYCHIATRY*****46*SIIP01
            PER*IC*BILLING OFFICE*TE*6185550100*EM*BILLING@SIIP.EXAMPLE
            NM1*40*2*AVAILITY*****46*030240928
            HL*1**20*1
            PRV*BI*PXC*2084P0800X
            NM1*85*2*SOUTHERN ILLINOIS INTERVENTIONAL PSYCHIATRY*****XX*1245319599
            N3*1200 W MAIN ST*SUITE 4
            N4*CARBONDALE*IL*629013210
            REF*EI*371234567
            HL*2*1*22*0
            SBR*P*18*G-5521******BL
            NM1*IL*1*REYES*DANA****MI*XOF123456789
            N3*412 W MAIN ST
            N4*CARBONDALE*IL*629011234
            DMG*D8*19840211*F
            NM1*PR*2*BLUE CROSS BLUE SHIELD OF ILLINOIS*****PI*00621
            CLM*ENC-0001*1330***11:B:1*Y*A*Y*Y
            REF*G1*PA-2026-0042
            HI*ABK:F332*ABF:R45851
            NM1*82*1*PATEL*RAVI****XX*1234567893
            PRV*PE*PXC*2084P0800X
            LX*1
            SV1*HC:99214:25*210*UN*1***1
            DTP*472*D8*20261103
            REF*6R*ENC-0001-1
            LX*2
            SV1*HC:J0013*1120*UN*84***1:2
            DTP*472*D8*20261103
            REF*6R*ENC-0001-2
            LIN**N4*50458002803
            CTP****3*UN
            SE*34*0001
            GE*1*101
            IEA*1*000000101
            """
        #expect(try Self.selfClaim() == expected.split(separator: "\n").map(String.init))
    }

    @Test func textIsTheSegmentsJoinedWithTerminatorAndNewline() throws {
        let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(Fixtures.encounter())])
        #expect(interchange.text == interchange.segments.map { $0.description + "~\n" }.joined())
        #expect(interchange.text.hasPrefix(String(repeating: "x", count: 0) + "ISA*00*"))
        // ISA is fixed width: 105 characters plus the terminator.
        let isa = try #require(interchange.text.split(separator: "\n").first)
        #expect(isa.count == 106)
        #expect(isa.last == "~")
    }

    @Test func oneLineOutputWhenTheLineBreakIsEmpty() throws {
        let encoder = Claim837PEncoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs, writerConfiguration: .init(lineBreak: ""))
        let interchange = try encoder.encode([X12Fixtures.evaluation(Fixtures.encounter())], envelope: X12Fixtures.envelope)
        #expect(!interchange.text.contains("\n"))
        #expect(try X12Reader.read(interchange.text).segments == interchange.segments)
    }

    @Test func controlNumbersPairUp() throws {
        let envelope = EnvelopeContext(interchangeControlNumber: 42, groupControlNumber: 7, firstTransactionSetControlNumber: 15,
                                       creationDate: LocalDate(iso: "2027-01-05")!, creationTime: "0905")
        let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(Fixtures.encounter())], envelope: envelope)
        let segments = interchange.segments
        let isa = try #require(segments.first), iea = try #require(segments.last)
        #expect(isa.value(9) == "270105")
        #expect(isa.value(10) == "0905")
        #expect(isa.value(13) == "000000042")
        #expect(iea.value(2) == isa.value(13))
        #expect(iea.value(1) == "1")
        let gs = try #require(segments.first { $0.id == "GS" }), ge = try #require(segments.first { $0.id == "GE" })
        #expect(gs.value(6) == "7")
        #expect(ge.value(2) == gs.value(6))
        #expect(gs.value(4) == "20270105")
        let st = try #require(segments.first { $0.id == "ST" }), se = try #require(segments.first { $0.id == "SE" })
        #expect(st.value(2) == "0015")
        #expect(se.value(2) == st.value(2))
        #expect(st.value(3) == gs.value(8))
        #expect(interchange.interchangeControlNumber == "000000042")
        #expect(interchange.transactionSetControlNumbers == ["0015"])
        #expect(try X12Reader.read(interchange.text).envelopeProblems().isEmpty)
    }

    @Test func segmentCountCoversSTThroughSE() throws {
        let evaluations = [X12Fixtures.evaluation(Fixtures.encounter(id: "E1")),
                           X12Fixtures.evaluation(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "E2")))]
        let segments = try X12Fixtures.encode(evaluations).segments
        let st = try #require(segments.firstIndex { $0.id == "ST" }), se = try #require(segments.firstIndex { $0.id == "SE" })
        #expect(segments[se].value(1) == String(se - st + 1))
        let ge = try #require(segments.first { $0.id == "GE" })
        #expect(ge.value(1) == "1")
    }

    /// POLICY §5.3: a modifier the rules add (GA after ABN option 1) follows the line's own in SV101.
    @Test func addedModifiersFollowTheLinesOwn() throws {
        let encounter = Fixtures.encounter(services: [
            ServiceLine(code: "64510", modifiers: ["LT"], units: 1, charge: 640, diagnosisPointers: [1]),
            ServiceLine(code: "77002", units: 1, charge: 110, diagnosisPointers: [1]),
        ])
        var evaluation = X12Fixtures.evaluation(encounter)
        evaluation.lines[0].addedModifiers = ["GA"]
        evaluation.lines[1].addedModifiers = ["GA"]
        let lines = try X12Fixtures.lines(X12Fixtures.encode([evaluation]))
        #expect(lines.contains("SV1*HC:64510:LT:GA*640*UN*1***1"))
        #expect(lines.contains("SV1*HC:77002:GA*110*UN*1***1"))
    }

    @Test func claimTotalIsTheSumOfBillLinesOnly() throws {
        let encounter = Fixtures.encounter(services: [
            ServiceLine(code: "99214", modifiers: ["25"], units: 1, charge: Decimal(string: "210.10")!, diagnosisPointers: [1]),
            ServiceLine(code: "90868", units: 1, charge: Decimal(string: "300.05")!, diagnosisPointers: [1]),
            ServiceLine(code: "90869", units: 1, charge: 999, diagnosisPointers: [1]),
        ])
        let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(encounter, decisions: [.bill, .bill, .hold])])
        let clm = try #require(interchange.segments.first { $0.id == "CLM" })
        let sv1 = interchange.segments.filter { $0.id == "SV1" }
        #expect(sv1.count == 2)
        #expect(clm.value(2) == "510.15")
        let sum = sv1.reduce(Decimal(0)) { $0 + Decimal(string: $1.value(2))! }
        #expect(Decimal(string: clm.value(2)) == sum)
        #expect(interchange.claims.first?.totalCharge == Decimal(string: "510.15"))
        #expect(interchange.claims.first?.lines == [1, 2])
        #expect(!interchange.text.contains("90869"))
    }

    @Test func encountersWithoutBillLinesAreSkipped() throws {
        let held = X12Fixtures.evaluation(Fixtures.encounter(id: "HELD"), decisions: [.hold, .superbill])
        let billed = X12Fixtures.evaluation(Fixtures.encounter(id: "BILLED"))
        let interchange = try X12Fixtures.encode([held, billed])
        #expect(interchange.claims.map(\.encounterId) == ["BILLED"])
        #expect(interchange.segments.filter { $0.id == "CLM" }.count == 1)
        #expect(throws: Claim837PError.self) { try X12Fixtures.encode([held]) }
    }

    @Test func dependentGetsA2000CLoop() throws {
        let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "E2")))])
        let lines = X12Fixtures.lines(interchange)
        let start = try #require(lines.firstIndex(of: "HL*2*1*22*1"))
        #expect(Array(lines[start...(start + 13)]) == [
            "HL*2*1*22*1",
            "SBR*P**G-5521******BL",
            "NM1*IL*1*REYES*MARCO****MI*XOF123456789",
            "N3*412 W MAIN ST",
            "N4*CARBONDALE*IL*629011234",
            "DMG*D8*19820630*M",
            "NM1*PR*2*BLUE CROSS BLUE SHIELD OF ILLINOIS*****PI*00621",
            "HL*3*2*23*0",
            "PAT*19",
            "NM1*QC*1*REYES*DANA",
            "N3*412 W MAIN ST",
            "N4*CARBONDALE*IL*629011234",
            "DMG*D8*19840211*F",
            "CLM*E2*210***11:B:1*Y*A*Y*Y",
        ])
        #expect(X12Fixtures.lines(try X12Fixtures.encode([X12Fixtures.evaluation(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "E3"), relationship: .spouse))]))
            .contains("PAT*01"))
    }

    @Test func selfSubscriberHasNo2000C() throws {
        let lines = try Self.selfClaim()
        #expect(lines.contains("HL*2*1*22*0"))
        #expect(!lines.contains { $0.hasPrefix("PAT*") || $0.hasPrefix("NM1*QC") || $0.contains("*23*") && $0.hasPrefix("HL*") })
    }

    @Test func ndcLineGetsLINAndCTPAndOtherLinesDoNot() throws {
        let lines = try Self.selfClaim()
        #expect(lines.filter { $0.hasPrefix("LIN*") } == ["LIN**N4*50458002803"])
        #expect(lines.filter { $0.hasPrefix("CTP*") } == ["CTP****3*UN"])
        let lin = try #require(lines.firstIndex(of: "LIN**N4*50458002803"))
        #expect(lines[lin - 3] == "SV1*HC:J0013*1120*UN*84***1:2")
        let milliliters = Fixtures.encounter(services: [ServiceLine(code: "J3490", units: 1, charge: Decimal(string: "95.5")!, diagnosisPointers: [1],
                                                                    ndc: "00409205002", ndcQuantity: Decimal(string: "2.5")!, ndcUnit: "ml")])
        let drug = X12Fixtures.lines(try X12Fixtures.encode([X12Fixtures.evaluation(milliliters)]))
        #expect(drug.contains("SV1*HC:J3490*95.5*UN*1***1"))
        #expect(drug.contains("CTP****2.5*ML"))
    }

    @Test func priorAuthorizationGoesInREFG1AfterCLM() throws {
        let lines = try Self.selfClaim()
        let clm = try #require(lines.firstIndex { $0.hasPrefix("CLM*") })
        #expect(lines[clm + 1] == "REF*G1*PA-2026-0042")
        let withoutAuth = X12Fixtures.lines(try X12Fixtures.encode([X12Fixtures.evaluation(Fixtures.encounter())]))
        #expect(!withoutAuth.contains { $0.hasPrefix("REF*G1") })
    }

    @Test func lineControlNumbersAreUniqueAndReported() throws {
        let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(Fixtures.encounter(id: "enc-7"))])
        let refs = interchange.segments.filter { $0.id == "REF" && $0.value(1) == "6R" }.map { $0.value(2) }
        #expect(refs == ["ENC-7-1", "ENC-7-2"])
        #expect(interchange.claims.first?.lineControlNumbers == refs)
        #expect(interchange.claims.first?.patientControlNumber == "ENC-7")
    }

    @Test func diagnosisPointersAreRemappedWhenCodesRepeat() throws {
        let encounter = Fixtures.encounter(diagnoses: ["F33.2", "F33.2", "R45.851"], services: [
            ServiceLine(code: "99214", units: 1, charge: 210, diagnosisPointers: [3, 2, 1]),
        ])
        let lines = X12Fixtures.lines(try X12Fixtures.encode([X12Fixtures.evaluation(encounter)]))
        #expect(lines.contains("HI*ABK:F332*ABF:R45851"))
        #expect(lines.contains("SV1*HC:99214*210*UN*1***2:1"))
    }

    @Test func moreThanTwelveDiagnosesKeepThePointedOnes() throws {
        let codes = (0..<14).map { "F4\($0 / 10)\($0 % 10)" }  // F400 … F413
        let encounter = Fixtures.encounter(diagnoses: codes, services: [
            ServiceLine(code: "99214", units: 1, charge: 210, diagnosisPointers: [1, 14]),
        ])
        let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(encounter)])
        let hi = try #require(interchange.segments.first { $0.id == "HI" })
        #expect(hi.elements.count == 12)
        #expect(hi.elements.last?.components == ["ABF", "F413"])
        #expect(X12Fixtures.lines(interchange).contains("SV1*HC:99214*210*UN*1***1:12"))
    }

    @Test func claimsOfTheSameSubscriberShareOneHL() throws {
        let evaluations = [X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "A1")),
                           X12Fixtures.evaluation(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "B1"))),
                           X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "A2", date: "2026-11-10"))]
        let interchange = try X12Fixtures.encode(evaluations)
        let lines = X12Fixtures.lines(interchange)
        #expect(lines.filter { $0.hasPrefix("HL*") } == ["HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*1", "HL*4*3*23*0"])
        #expect(interchange.claims.map(\.encounterId) == ["A1", "A2", "B1"])
    }

    /// The grouping key hashes only the subscriber's name and member ID: two subscribers who share
    /// those but not their date of birth or address still get an HL each.
    @Test func subscribersSharingNameAndMemberIdButNotTheRestGetAnHLEach() throws {
        var older = X12Fixtures.officeVisit(id: "B1")
        older.patient.person.dateOfBirth = LocalDate(iso: "1950-01-01")!
        var moved = X12Fixtures.officeVisit(id: "C1")
        moved.patient.person.address.line1 = "9 Elm St"
        let evaluations = [X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "A1")), X12Fixtures.evaluation(older),
                           X12Fixtures.evaluation(moved), X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "A2", date: "2026-11-10"))]
        let lines = X12Fixtures.lines(try X12Fixtures.encode(evaluations))
        #expect(lines.filter { $0.hasPrefix("HL*") } == ["HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*0", "HL*4*1*22*0"])
        #expect(lines.filter { $0.hasPrefix("CLM*") }.count == 4)
    }

    @Test func atMostOneHundredClaimsPerSubscriberHL() throws {
        let evaluations = (1...101).map { X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "E\($0)")) }
        let lines = X12Fixtures.lines(try X12Fixtures.encode(evaluations))
        #expect(lines.filter { $0.hasPrefix("HL*") } == ["HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*0"])
        let second = try #require(lines.firstIndex(of: "HL*3*1*22*0"))
        #expect(lines[..<second].filter { $0.hasPrefix("CLM*") }.count == 100)
    }

    @Test func fiveThousandAndOneClaimsSplitIntoTwoTransactionSets() throws {
        let evaluations = (1...5_001).map { number in
            var encounter = X12Fixtures.officeVisit(id: "E\(number)")
            encounter.coverage?.memberId = "M\(number)"
            return X12Fixtures.evaluation(encounter)
        }
        let interchange = try X12Fixtures.encode(evaluations)
        let segments = interchange.segments
        #expect(interchange.transactionSetControlNumbers == ["0001", "0002"])
        #expect(segments.filter { $0.id == "ST" }.map { $0.value(2) } == ["0001", "0002"])
        #expect(segments.filter { $0.id == "SE" }.map { $0.value(2) } == ["0001", "0002"])
        #expect(segments.filter { $0.id == "GS" }.count == 1)
        #expect(segments.first { $0.id == "GE" }?.value(1) == "2")
        #expect(segments.filter { $0.id == "BHT" }.map { $0.value(3) } == ["000000101-0001", "000000101-0002"])
        let secondST = try #require(segments.lastIndex { $0.id == "ST" })
        #expect(segments[..<secondST].filter { $0.id == "CLM" }.count == 5_000)
        #expect(segments[secondST...].filter { $0.id == "CLM" }.count == 1)
        // HL numbering restarts in each set.
        #expect(segments[secondST...].filter { $0.id == "HL" }.map(\.description) == ["HL*1**20*1", "HL*2*1*22*0"])
        #expect(interchange.claims.filter { $0.transactionSetControlNumber == "0002" }.map(\.encounterId) == ["E5001"])
        #expect(try X12Reader.read(interchange.text).envelopeProblems().isEmpty)
    }

    @Test func accentedNamesAreTransliterated() throws {
        var encounter = X12Fixtures.officeVisit(id: "E1")
        encounter.patient.person.firstName = "José"
        encounter.patient.person.lastName = "Müller-Peña"
        encounter.patient.person.middleName = "Ærøskøbing"
        encounter.patient.person.address.line1 = "12 Straße Côte d\u{2019}Ivoire"
        let lines = X12Fixtures.lines(try X12Fixtures.encode([X12Fixtures.evaluation(encounter)]))
        #expect(lines.contains("NM1*IL*1*MULLER-PENA*JOSE*AEROSKOBING***MI*XOF123456789"))
        #expect(lines.contains("N3*12 STRASSE COTE D'IVOIRE"))
    }

    @Test func textTransliteration() throws {
        #expect(try X12Text.prepare("  Zoë   O'Brien ").get() == "ZOE O'BRIEN")
        #expect(try X12Text.prepare("Łódź").get() == "LODZ")
        #expect(throws: X12Text.Problem.self) { try X12Text.prepare("王").get() }
        #expect(throws: X12Text.Problem.self) { try X12Text.prepare("a`b").get() }
        #expect(throws: X12Text.Problem.self) { try X12Text.prepare("tab\there").get() }
    }
}

@Suite struct Claim837PErrorTests {
    static func firstProblem(_ encounter: Encounter, authNumber: String? = nil) -> Claim837PError? {
        Claim837PEncoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs)
            .problems(in: X12Fixtures.evaluation(encounter, authNumber: authNumber)).first
    }

    @Test(arguments: ["Reyes*", "Re:yes", "Rey^es", "Reyes~", "Reyes\n", "Rey\u{7}es"])
    func delimitersAndControlCharactersInNamesAreRefusedNotSanitized(_ lastName: String) throws {
        var encounter = X12Fixtures.officeVisit(id: "ENC-9")
        encounter.patient.person.lastName = lastName
        let problem = try #require(Self.firstProblem(encounter))
        #expect(problem.encounterId == "ENC-9")
        #expect(problem.field == "patient.lastName")
        #expect(throws: Claim837PError(encounterId: "ENC-9", field: "patient.lastName", message: problem.message)) {
            try X12Fixtures.encode([X12Fixtures.evaluation(encounter)])
        }
    }

    @Test func everyTextFieldIsChecked() throws {
        var encounter = X12Fixtures.dependent(X12Fixtures.officeVisit(id: "ENC-9"))
        encounter.coverage?.subscriber?.address.line1 = "1 Main*St"
        encounter.renderingProvider.firstName = "Ra~vi"
        encounter.services[0].modifiers = ["2:"]
        encounter.coverage?.memberId = "X^1"
        let problems = Claim837PEncoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs)
            .problems(in: X12Fixtures.evaluation(encounter, authNumber: "PA*1"))
        #expect(Set(problems.map(\.field)) == ["coverage.subscriber.address.line1", "renderingProvider.firstName",
                                                "services[0].modifiers[0]", "coverage.memberId", "priorAuthorization"])
        #expect(problems.allSatisfy { $0.encounterId == "ENC-9" })
    }

    @Test func structuralProblemsNameTheField() throws {
        var encounter = X12Fixtures.officeVisit(id: "ENC-9")
        encounter.services[0].diagnosisPointers = [5]
        #expect(Self.firstProblem(encounter)?.field == "services[0].diagnosisPointers")

        encounter = X12Fixtures.officeVisit(id: "ENC-9")
        encounter.services[0].charge = Decimal(string: "10.005")!
        #expect(Self.firstProblem(encounter)?.field == "services[0].charge")

        encounter = Fixtures.encounter(id: "ENC-9")
        encounter.services[1].ndcUnit = nil
        #expect(Self.firstProblem(encounter)?.field == "services[1].ndcUnit")

        encounter = X12Fixtures.officeVisit(id: "ENC-9")
        encounter.coverage?.relationship = .child
        #expect(Self.firstProblem(encounter)?.field == "coverage.subscriber")

        encounter = X12Fixtures.officeVisit(id: "ENC-9", payer: "aetna")
        #expect(Self.firstProblem(encounter)?.field == "coverage.payer")

        encounter = X12Fixtures.officeVisit(id: "ENC-9")
        encounter.renderingProvider.npi = "1234567890"
        #expect(Self.firstProblem(encounter)?.field == "renderingProvider.npi")
    }

    @Test func duplicateEncounterIdsAreRefused() {
        let evaluations = [X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "enc-1")), X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "ENC-1"))]
        #expect(throws: Claim837PError.self) { try X12Fixtures.encode(evaluations) }
    }

    @Test func clinicAndPayerProblemsComeFirst() {
        var clinic = Fixtures.clinic
        clinic.billingProvider.address.zip = "62901"
        var payer = X12Fixtures.bcbs
        payer.claimFilingIndicator = "XX"
        let problems = Claim837PEncoder(clinic: clinic, payer: payer).setupProblems()
        #expect(problems.map(\.field) == ["clinic.billingProvider.address.zip", "payer.claimFilingIndicator"])
        #expect(problems.allSatisfy { $0.encounterId == nil })
    }

    @Test func envelopeIsChecked() {
        let evaluation = X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "E1"))
        for (envelope, field) in [
            (EnvelopeContext(interchangeControlNumber: 1_000_000_000, groupControlNumber: 1, creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "1030"),
             "envelope.interchangeControlNumber"),
            (EnvelopeContext(interchangeControlNumber: 1, groupControlNumber: 0, creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "1030"),
             "envelope.groupControlNumber"),
            (EnvelopeContext(interchangeControlNumber: 1, groupControlNumber: 1, creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "2460"),
             "envelope.creationTime"),
        ] {
            do {
                _ = try X12Fixtures.encode([evaluation], envelope: envelope)
                Issue.record("expected a problem with \(field)")
            } catch {
                #expect(error.field == field)
                #expect(error.encounterId == nil)
            }
        }
    }

    @Test func npiCheckDigit() {
        #expect(NPI.isValid("1234567893"))
        #expect(NPI.isValid("1245319599"))
        #expect(!NPI.isValid("1234567890"))
    }
}

@Suite struct PreRenderedClaimTests {
    /// The batch's path (claims drafted and rendered in parallel, then encoded) writes exactly the
    /// bytes the one-step encoder writes, which re-renders every segment.
    @Test func preparedClaimsEncodeToTheSameBytes() throws {
        let rules = PayerRules(slug: "bcbs-il", name: "Blue Cross Blue Shield of Illinois", payerId: "00621", claimFilingIndicator: "BL", rules: [])
        let encoder = Claim837PEncoder(clinic: Fixtures.clinic, payer: rules, maxClaimsPerTransactionSet: 2)
        var evaluations: [EncounterEvaluation] = []
        for index in 1...5 {
            let encounter = Fixtures.encounter(id: "ENC-\(index)", services: [ServiceLine(code: "99214", modifiers: ["25"], charge: 210)])
            evaluations.append(EncounterEvaluation(encounterId: encounter.id, encounter: encounter, payer: "bcbs-il",
                                                   lines: [LineDecision(line: 1, code: "99214", service: "office-visit", decision: .bill, reasons: [])]))
        }
        let envelope = EnvelopeContext(interchangeControlNumber: 7, groupControlNumber: 7, creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "1730")
        let oneStep = try encoder.encode(evaluations, envelope: envelope)
        let prepared = evaluations.compactMap { encoder.prepare($0).claim }
        let twoStep = try encoder.encode(prepared: prepared, envelope: envelope)
        #expect(twoStep.text == oneStep.text)
        #expect(twoStep.segments == oneStep.segments)
        #expect(try X12Writer().write(twoStep.segments) == twoStep.text, "pre-rendered claims equal rendering every segment")
        #expect(oneStep.transactionSetControlNumbers.count == 3)
    }
}

@Suite struct ServiceFacilityTests {
    static let marion = ClinicProfile.Location(id: "marion", name: "SIIP Marion Treatment Center",
                                               address: Address(line1: "2800 W Deyoung St", city: "Marion", state: "IL", zip: "629591234"),
                                               npi: "1457392011")
    static var clinic: ClinicProfile {
        var clinic = Fixtures.clinic
        clinic.locations = [marion, .init(id: "main", name: "Main office", address: clinic.billingProvider.address)]
        return clinic
    }

    static func lines(_ location: String?, clinic: ClinicProfile = ServiceFacilityTests.clinic) throws -> [String] {
        var encounter = X12Fixtures.officeVisit(id: "ENC-LOC-1")
        encounter.location = location
        let interchange = try Claim837PEncoder(clinic: clinic, payer: X12Fixtures.bcbs).encode([X12Fixtures.evaluation(encounter)], envelope: X12Fixtures.envelope)
        return X12Fixtures.lines(interchange)
    }

    /// CONTRACT §6: a site whose address differs from the billing provider's is 2310C, after 2310B.
    @Test func aSiteAwayFromTheBillingAddressIsTheServiceFacility() throws {
        let lines = try Self.lines("marion")
        let start = try #require(lines.firstIndex { $0.hasPrefix("NM1*77*") })
        #expect(Array(lines[start...start + 2]) == ["NM1*77*2*SIIP MARION TREATMENT CENTER*****XX*1457392011",
                                                    "N3*2800 W DEYOUNG ST", "N4*MARION*IL*629591234"])
        let rendering = try #require(lines.firstIndex { $0.hasPrefix("NM1*82*") })
        let firstLine = try #require(lines.firstIndex { $0.hasPrefix("LX*") })
        #expect(rendering < start && start < firstLine)
    }

    @Test func noServiceFacilityAtTheBillingAddressOrWithoutALocation() throws {
        #expect(!(try Self.lines("main")).contains { $0.hasPrefix("NM1*77*") })
        #expect(!(try Self.lines(nil)).contains { $0.hasPrefix("NM1*77*") })
    }

    @Test func aSiteWithoutAnNPIHasOnlyItsName() throws {
        var clinic = Self.clinic
        clinic.locations[0].npi = nil
        #expect(try Self.lines("marion", clinic: clinic).contains("NM1*77*2*SIIP MARION TREATMENT CENTER"))
    }
}
