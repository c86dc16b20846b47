import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// The encoder reproduces the synthetic worked example of ../shared/domain/x12.md §1.9 (first
/// claim, which pyx12 and linuxforhealth validate clean), plus the REF*6R line control numbers
/// we always send.
@Suite struct WorkedExampleTests {
    static let clinic = ClinicProfile(
        billingProvider: .init(name: "Mindful Interventional Psychiatry", npi: "1234567893", taxId: "741234567", taxonomy: "2084P0800X",
                               address: Address(line1: "100 Main St", line2: "Suite 200", city: "Austin", state: "TX", zip: "787011234")),
        submitter: .init(name: "Mindful Interventional Psychiatry", id: "CLINIC01", contactName: "Billing Office", phone: "512-555-1234"),
        receiver: .init(name: "Clearhouse", id: "CLEARHOUSE01"),
        interchange: .init(senderQualifier: "ZZ", senderId: "CLINIC01", receiverQualifier: "ZZ", receiverId: "CLEARHOUSE01",
                           applicationSenderCode: "CLINIC01", applicationReceiverCode: "CLEARHOUSE01", usage: "T"))

    static let payer = PayerRules(slug: "example", name: "Example Health Plan", payerId: "12345", claimFilingIndicator: "CI", rules: [])

    @Test func reproducesTheFirstClaimOfTheWorkedExample() throws {
        let jane = Person(firstName: "Jane", lastName: "Doe", dateOfBirth: LocalDate(iso: "1980-01-15")!, sex: .female,
                          address: Address(line1: "200 Oak Ave", city: "Austin", state: "TX", zip: "787041234"))
        let encounter = Encounter(
            id: "PT1001E55", dateOfService: LocalDate(iso: "2025-01-10")!, placeOfService: "11",
            patient: Patient(id: "PT1001", person: jane),
            coverage: Coverage(payer: "example", memberId: "XYZ123456789", groupNumber: "GRP12345"),
            renderingProvider: RenderingProvider(npi: "1987654328", firstName: "Alex", lastName: "Smith", taxonomy: "2084P0800X"),
            diagnoses: [DiagnosisCode("F33.2")!, DiagnosisCode("F41.9")!],
            services: [
                ServiceLine(code: "99215", modifiers: ["25"], units: 1, charge: 350, diagnosisPointers: [1, 2]),
                ServiceLine(code: "S0013", units: 84, charge: 1540, diagnosisPointers: [1], ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN"),
            ])
        let envelope = EnvelopeContext(interchangeControlNumber: 101, groupControlNumber: 101, creationDate: LocalDate(iso: "2025-01-15")!,
                                       creationTime: "1030", batchReference: "BATCH0101", requestTA1: true)
        let interchange = try Claim837PEncoder(clinic: Self.clinic, payer: Self.payer)
            .encode([X12Fixtures.evaluation(encounter, authNumber: "PA2025000123")], envelope: envelope)

        let expected = """
            ISA*00*          *00*          *ZZ*CLINIC01       *ZZ*CLEARHOUSE01   *250115*1030*^*00501*000000101*1*T*:~
            GS*HC*CLINIC01*CLEARHOUSE01*20250115*1030*101*X*005010X222A1~
            ST*837*0001*005010X222A1~
            BHT*0019*00*BATCH0101*20250115*1030*CH~
            NM1*41*2*MINDFUL INTERVENTIONAL PSYCHIATRY*****46*CLINIC01~
            PER*IC*BILLING OFFICE*TE*5125551234~
            NM1*40*2*CLEARHOUSE*****46*CLEARHOUSE01~
            HL*1**20*1~
            PRV*BI*PXC*2084P0800X~
            NM1*85*2*MINDFUL INTERVENTIONAL PSYCHIATRY*****XX*1234567893~
            N3*100 MAIN ST*SUITE 200~
            N4*AUSTIN*TX*787011234~
            REF*EI*741234567~
            HL*2*1*22*0~
            SBR*P*18*GRP12345******CI~
            NM1*IL*1*DOE*JANE****MI*XYZ123456789~
            N3*200 OAK AVE~
            N4*AUSTIN*TX*787041234~
            DMG*D8*19800115*F~
            NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*12345~
            CLM*PT1001E55*1890***11:B:1*Y*A*Y*Y~
            REF*G1*PA2025000123~
            HI*ABK:F332*ABF:F419~
            NM1*82*1*SMITH*ALEX****XX*1987654328~
            PRV*PE*PXC*2084P0800X~
            LX*1~
            SV1*HC:99215:25*350*UN*1***1:2~
            DTP*472*D8*20250110~
            REF*6R*PT1001E55-1~
            LX*2~
            SV1*HC:S0013*1540*UN*84***1~
            DTP*472*D8*20250110~
            REF*6R*PT1001E55-2~
            LIN**N4*50458002803~
            CTP****3*UN~
            SE*34*0001~
            GE*1*101~
            IEA*1*000000101~

            """
        #expect(interchange.text == expected)
        if let directory = ProcessInfo.processInfo.environment["CLAIMS_WRITE_837P_DIR"], !directory.isEmpty {
            let url = URL(fileURLWithPath: directory, isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try interchange.text.write(to: url.appendingPathComponent("worked-example.x12"), atomically: true, encoding: .utf8)
        }
    }
}
