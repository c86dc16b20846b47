import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

@Suite struct SuperbillHTMLContentTests {
    let html = try! SuperbillFixtures.renderer.html(for: SuperbillFixtures.evaluation())
    var text: String { html.visibleText }

    @Test func practiceNameAndAddress() {
        #expect(text.contains("Southern Illinois Interventional Psychiatry"))
        #expect(text.contains("1200 W Main St Suite 4 Carbondale, IL 62901-3210"))
        #expect(text.contains("Phone (618) 555-0100"))
    }

    @Test func renderingAndGroupNPIAndTaxId() {
        #expect(text.contains("Rendering provider Ravi Patel"))
        #expect(text.contains("Rendering NPI 1234567893"))
        #expect(text.contains("Group NPI 1245319599"))
        #expect(text.contains("Tax ID (EIN) 37-1234567"))
    }

    @Test func patientNameBirthDateAndAddress() {
        #expect(text.contains("Name Dana Reyes"))
        #expect(text.contains("Date of birth 02/11/1984"))
        #expect(text.contains("Address 412 W Main St Carbondale, IL 62901-1234"))
        #expect(text.contains("Account no. PT-1001"))
    }

    @Test func dateAndPlaceOfService() {
        #expect(text.contains("Date of service 11/03/2026"))
        #expect(text.contains("Place of service 11 – Office"))
        #expect(text.contains("Statement date 11/20/2026"))
        #expect(text.contains("Superbill no. ENC-0042"))
    }

    @Test func serviceLinesWithCodeModifiersDescriptionUnitsAndFee() {
        #expect(text.contains("11/03/2026 11 99214 25 Office visit, established patient, moderate complexity A 1 $210.00"))
        #expect(text.contains("11/03/2026 11 96365 IV infusion, initial, up to 1 hour A, B 1 $650.00"))
        #expect(text.contains("J3490 Unclassified drug (ketamine) NDC 42023-0113-10 · 1 ML A 50 $75.50"))
    }

    @Test func diagnosesWithDescriptionsAndUnknownAsCodeOnly() {
        #expect(text.contains("A F33.2 Major depressive disorder, recurrent severe without psychotic features"))
        #expect(text.contains("B R45.851 Suicidal ideations"))
        #expect(text.contains("C Q99.9 Services"))   // unknown code: the code alone, nothing after it in its row
    }

    @Test func totalPaymentsAndBalance() {
        #expect(text.contains("Total charges $935.50"))
        #expect(text.contains("Payments received Date Method Amount 11/03/2026 Card $500.00"))
        #expect(text.contains("Payments received $500.00"))
        #expect(text.contains("Balance due $435.50"))
        #expect(!text.contains("Paid in full"))
    }

    @Test func outOfNetworkStatementAndSignatureLine() {
        #expect(text.contains("Statement for out-of-network submission"))
        #expect(text.contains(Fixtures.clinic.superbillStatement!))
        #expect(text.contains("benefits are not assigned to the provider"))
        #expect(text.contains("Provider signature Ravi Patel, NPI 1234567893 Date"))
        #expect(html.contains("<div class=\"rule\"></div>Provider signature"))
    }

    @Test func printStylesForLetterPaper() {
        #expect(html.contains("@page { size: letter;"))
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
    }

    @Test func insuranceShownWhenCoverageIsKnown() throws {
        let encounter = Fixtures.encounter(id: "ENC-0050", services: [
            ServiceLine(code: "90837", units: 1, charge: 180, diagnosisPointers: [1]),
        ])
        let page = try SuperbillFixtures.renderer.html(for: SuperbillFixtures.evaluation(encounter), payerName: "Aetna")
        #expect(page.visibleText.contains("Insurance Aetna Member ID XOF123456789 Group no. G-5521 Relationship Self"))
        // The self-pay fixture has no coverage: blanks the patient fills in.
        #expect(text.contains("Account no. PT-1001 Insurance Member ID Diagnoses"))
        #expect(html.contains("<th>Member ID</th><td><span class=\"fill\"></span></td>"))
    }
}

@Suite struct SuperbillRendererTests {
    let renderer = SuperbillFixtures.renderer

    @Test func markupInNamesIsEscaped() throws {
        let encounter = SuperbillFixtures.ketamineEncounter(firstName: "<script>alert(1)</script>", lastName: "O'Hara & Sons \"Ltd\"")
        let html = try renderer.html(for: SuperbillFixtures.evaluation(encounter))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Hara &amp; Sons &quot;Ltd&quot;"))
    }

    @Test func markupInClinicAndDescriptionsIsEscaped() throws {
        var clinic = Fixtures.clinic
        clinic.billingProvider.name = "Mind & Body <Clinic>"
        let renderer = SuperbillRenderer(clinic: clinic, statementDate: SuperbillFixtures.statementDate,
                                         procedureDescriptions: ["99214": "E/M <moderate> & 25"])
        let html = try renderer.html(for: SuperbillFixtures.evaluation())
        #expect(html.contains("Mind &amp; Body &lt;Clinic&gt;"))
        #expect(html.contains("E/M &lt;moderate&gt; &amp; 25"))
        #expect(!html.contains("<Clinic>"))
    }

    @Test func accentedNamesAreKeptAsUTF8() throws {
        let encounter = SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")
        let html = try renderer.html(for: SuperbillFixtures.evaluation(encounter))
        #expect(html.contains("Zoë Müller-Peña"))
        #expect(Data(html.utf8).range(of: Data("Müller-Peña".utf8)) != nil)
    }

    @Test(arguments: [
        ([], "935.50"),
        ([Decimal(100)], "835.50"),
        ([Decimal(500), Decimal(string: "435.50")!], "0.00"),
        ([Decimal(string: "0.01")!], "935.49"),
    ] as [([Decimal], String)])
    func balanceDueIsTotalChargesMinusPayments(amounts: [Decimal], expected: String) throws {
        let payments = amounts.enumerated().map { offset, amount in
            Payment(date: LocalDate(iso: "2026-11-0\(offset + 1)")!, amount: amount, method: "cash")
        }
        let bill = try renderer.superbill(for: SuperbillFixtures.evaluation(SuperbillFixtures.ketamineEncounter(payments: payments)))
        #expect(bill.balanceDue == bill.totalCharges - bill.totalPaid)
        #expect(Money.format(bill.balanceDue) == expected)
        #expect(renderer.html(bill).visibleText.contains("Balance due $\(expected)"))
    }

    @Test func paidInFullIsStated() throws {
        let encounter = SuperbillFixtures.ketamineEncounter(payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: Decimal(string: "935.50")!, method: "hsa-fsa")])
        let text = try renderer.html(for: SuperbillFixtures.evaluation(encounter)).visibleText
        #expect(text.contains("Balance due $0.00"))
        #expect(text.contains("Paid in full"))
        #expect(text.contains("11/03/2026 HSA/FSA $935.50"))
    }

    @Test func overpaymentIsACredit() throws {
        let encounter = SuperbillFixtures.ketamineEncounter(payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 1000, method: "card")])
        let bill = try renderer.superbill(for: SuperbillFixtures.evaluation(encounter))
        #expect(Money.format(bill.balanceDue) == "-64.50")
        #expect(renderer.html(bill).visibleText.contains("Credit balance $64.50"))
    }

    @Test func noPaymentsSaysSo() throws {
        let text = try renderer.html(for: SuperbillFixtures.evaluation(SuperbillFixtures.ketamineEncounter(payments: []))).visibleText
        #expect(text.contains("No payments received."))
        #expect(text.contains("Balance due $935.50"))
    }

    @Test func onlySuperbillLinesAreListed() throws {
        let evaluation = SuperbillFixtures.evaluation(decisions: [.bill, .superbill, .notCovered])
        let bill = try renderer.superbill(for: evaluation)
        #expect(bill.lines.map(\.service.code) == ["96365"])
        #expect(bill.lines.map(\.inputLine) == [2])
        #expect(bill.totalCharges == 650)
        #expect(!renderer.html(bill).contains("99214"))
    }

    @Test func unknownProcedureCodeSaysNoDescription() throws {
        let renderer = SuperbillRenderer(clinic: Fixtures.clinic, statementDate: SuperbillFixtures.statementDate, procedureDescriptions: [:])
        #expect(try renderer.html(for: SuperbillFixtures.evaluation()).visibleText.contains("99214 25 (no description on file)"))
    }

    @Test func descriptionsComeFromTheCodeTable() throws {
        let table = CodeTable(services: [:], codes: ["99214": ProcedureCode(code: "99214", service: "office-visit", description: "Office visit, est. patient")])
        let renderer = SuperbillRenderer(clinic: Fixtures.clinic, statementDate: SuperbillFixtures.statementDate, codes: table)
        #expect(try renderer.html(for: SuperbillFixtures.evaluation()).contains("Office visit, est. patient"))
    }

    @Test func noSuperbillLineIsAnError() {
        #expect(throws: SuperbillError.self) {
            try renderer.superbill(for: SuperbillFixtures.evaluation(decisions: [.bill, .bill, .hold]))
        }
    }

    @Test func outputIsDeterministic() throws {
        #expect(try renderer.html(for: SuperbillFixtures.evaluation()) == renderer.html(for: SuperbillFixtures.evaluation()))
    }

    @Test func builtInDiagnosisTableCoversTheClinicsCodes() {
        for code in ["F32.2", "F33.2", "F33.1", "R45.851", "F43.10", "F41.1", "F31.81", "F42.2", "G89.29", "G90.511", "Z91.51"] {
            #expect(DiagnosisDescriptions.builtIn[code] != nil, "\(code)")
        }
        // Every key is a well-formed dotted ICD-10-CM code.
        for code in DiagnosisDescriptions.builtIn.keys { #expect(DiagnosisCode(code)?.dotted == code, "\(code)") }
    }
}
