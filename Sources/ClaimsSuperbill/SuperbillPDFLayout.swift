import ClaimsCore
import ClaimsPDF
import Foundation

/// The superbill's page design: colours, geometry and the order of the blocks. The blocks themselves are
/// drawn in `SuperbillPDFParties.swift` (masthead, provider and patient), `SuperbillPDFServices.swift`
/// (diagnoses and services) and `SuperbillPDFSettlement.swift` (payments, balance, statement, signature).
struct SuperbillPDFLayout {
    let bill: Superbill
    let clinic: ClinicProfile
    let styles: SuperbillPDFStyles
    let clinicText: ClinicPDFText

    // Page geometry (points): 0.6 in side margins.
    static let left = 43.2
    static let right = PDFDocumentBuilder.pageWidth - 43.2
    static let width = right - left

    // Colours of the HTML stylesheet.
    static let ink = PDFColor(hex: 0x1b1b1b)
    static let navy = PDFColor(hex: 0x1f3a5f)
    static let label = PDFColor(hex: 0x555555)
    static let muted = PDFColor(hex: 0x777777)
    static let headerFill = PDFColor(hex: 0xeef2f6)
    static let headerRule = PDFColor(hex: 0xb8c4d2)
    static let gridRule = PDFColor(hex: 0xe1e6ec)
    static let headingRule = PDFColor(hex: 0xc9d3df)
    static let green = PDFColor(hex: 0x2e7d32)

    // Computed once per superbill.
    let patientName: String
    let totalCharges: Decimal
    let totalPaid: Decimal
    var balanceDue: Decimal { totalCharges - totalPaid }

    init(bill: Superbill, clinic: ClinicProfile, styles: SuperbillPDFStyles, text: ClinicPDFText) {
        self.bill = bill; self.clinic = clinic; self.styles = styles; clinicText = text
        patientName = PDFFormat.name(bill.encounter.patient.person)
        totalCharges = bill.totalCharges
        totalPaid = bill.totalPaid
    }

    // MARK: - Document

    func render(glyphs: PDFGlyphRecorder?) -> [PDFContentStream] {
        let layout = self
        var pages = PDFPaginator(runningHeaderHeight: 26, glyphs: glyphs) { layout.runningHeader() }
        pages.draw(masthead())
        pages.gap(10)
        pages.draw(parties())

        pages.gap(4)
        diagnosesTable(on: &pages)
        pages.gap(4)
        // The end of the bill — the last service line, the total, payments and balance, the statement
        // and the signature — stays on one page when it fits on one, so the signature never stands alone.
        let settlement = settlement()
        let closing = closing()
        let (beforeSettlement, beforeClosing) = (6.0, 4.0)
        servicesTable(on: &pages, keepWithLastRow: beforeSettlement + settlement.height + beforeClosing + closing.height)
        pages.gap(beforeSettlement)
        place(settlement, on: &pages)
        pages.gap(beforeClosing)
        place(closing, on: &pages)

        let footerLeft = PDFTextWrap.fit(encode("Superbill \(bill.number) · \(patientName)"), style: styles.footerStyle,
                                         width: Self.width - 90)
        return pages.finish { number, count in pageFooter(footerLeft, number: number, count: count) }
    }

    /// Pages 2 onwards: practice, superbill number and patient, above a rule.
    func runningHeader() -> PDFBlock {
        var block = PDFBlock()
        let title = styles.bold.with(size: 10, color: Self.navy)
        let person = bill.encounter.patient.person
        let identity = PDFTextWrap.fit(encode("Superbill \(bill.number) · \(patientName) · DOB \(SuperbillFormat.date(person.dateOfBirth)) · continued"),
                                       style: styles.small, width: Self.width * 0.6)
        block.text(identity, x: Self.left, width: Self.width, baseline: 9, style: styles.small, align: .right)
        block.text(PDFTextWrap.fit(clinicText.name, style: title, width: Self.width - styles.small.width(identity) - 16),
                   x: Self.left, baseline: 9, style: title)
        block.line(x1: Self.left, y1: 15, x2: Self.right, y2: 15, width: 1, color: Self.navy)
        block.height = 26
        return block
    }
}

extension SuperbillPDFLayout: PDFPageDesign {}
