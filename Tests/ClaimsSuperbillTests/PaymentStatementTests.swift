import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// The statement agrees with the balance (issue 12): "the patient has paid" only when nothing is due,
/// in the HTML and in the PDF alike.
@Suite struct PaymentStatementTests {
    static let paid = "The patient has paid the provider directly for the services listed"
    static let due = "The patient is responsible for the balance due shown above"

    private func bill(paying amount: Decimal) throws -> Superbill {
        let encounter = SuperbillFixtures.ketamineEncounter(payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: amount, method: "card")])
        return try SuperbillFixtures.renderer.superbill(for: SuperbillFixtures.evaluation(encounter))
    }

    @Test func aBalanceDueNeverSaysThePatientHasPaid() throws {
        let bill = try bill(paying: 500)
        #expect(bill.balanceDue > 0)
        let html = SuperbillFixtures.renderer.html(bill).visibleText
        #expect(html.contains(Self.due))
        #expect(!html.contains(Self.paid))
        let pdf = try PDFInspector(SuperbillFixtures.renderer.pdf(bill)).pageTexts().joined(separator: " ")
        #expect(pdf.contains("balance due shown above"), "\(pdf)")
        #expect(!pdf.contains("has paid the provider"))
    }

    @Test func paidInFullSaysSo() throws {
        let bill = try bill(paying: 935.5)
        #expect(bill.balanceDue == 0)
        let html = SuperbillFixtures.renderer.html(bill).visibleText
        #expect(html.contains(Self.paid))
        #expect(!html.contains(Self.due))
        let pdf = try PDFInspector(SuperbillFixtures.renderer.pdf(bill)).pageTexts().joined(separator: " ")
        #expect(pdf.contains("has paid the provider"), "\(pdf)")
    }
}
