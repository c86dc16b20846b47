import ClaimsPDF
import Foundation

/// The type styles of the superbill, for one set of fonts (built once per writer).
struct SuperbillPDFStyles: Sendable {
    let fonts: PDFFonts
    let regularFont: PDFFont
    let boldFont: PDFFont
    let body: PDFTextStyle
    let bold: PDFTextStyle
    let labelStyle: PDFTextStyle
    let small: PDFTextStyle
    let heading: PDFTextStyle
    let columnHeader: PDFTextStyle
    let footerStyle: PDFTextStyle
    let statementStyle: PDFTextStyle

    init(fonts: PDFFonts) {
        self.fonts = fonts
        regularFont = PDFFont(fonts: fonts, bold: false)
        boldFont = PDFFont(fonts: fonts, bold: true)
        body = PDFTextStyle(font: regularFont, size: 8.5, color: SuperbillPDFLayout.ink, leading: 11)
        bold = body.with(font: boldFont)
        labelStyle = body.with(color: SuperbillPDFLayout.label)
        small = PDFTextStyle(font: regularFont, size: 7.4, color: SuperbillPDFLayout.label, leading: 9.4)
        heading = PDFTextStyle(font: boldFont, size: 8, color: SuperbillPDFLayout.navy, charSpacing: 0.6, leading: 10)
        columnHeader = PDFTextStyle(font: boldFont, size: 7, color: SuperbillPDFLayout.navy, charSpacing: 0.25, leading: 9)
        footerStyle = PDFTextStyle(font: regularFont, size: 7.5, color: SuperbillPDFLayout.muted, leading: 9)
        statementStyle = body.with(leading: 11.5)
    }

    func encode(_ text: String) -> [UInt8] { fonts.encode(text) }
}
