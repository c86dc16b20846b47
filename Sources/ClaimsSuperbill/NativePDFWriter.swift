import ClaimsCore
import ClaimsPDF
import Foundation

/// Writes a superbill as a PDF 1.4 document in pure Swift: no renderer process, no files written. Same
/// content as `SuperbillRenderer.html(_:)`, laid out for US letter with embedded, subset TrueType fonts
/// (`PDFFonts.system`: DejaVu Sans, then Droid Sans Fallback and Symbola, so any script prints), or the
/// standard Helvetica fonts with WinAnsi text when those are not installed; several pages when the
/// service lines overflow (the table header repeats; a row is never split). The bytes depend only on the input.
///
/// ```swift
/// let writer = NativePDFWriter(clinic: clinic)
/// let bill = try renderer.superbill(for: evaluation, payerName: payerRules?.name)
/// let pdf: Data = writer.pdf(bill)          // well under 1 ms; write it wherever the batch keeps its output
/// ```
public struct NativePDFWriter: Sendable {
    /// The practice: billing provider (name, address, NPI, tax id) and the out-of-network statement.
    public let clinic: ClinicProfile
    /// The fonts text is drawn with (`PDFFonts.system`: embedded DejaVu Sans and fallbacks when installed).
    public let fonts: PDFFonts
    let styles: SuperbillPDFStyles
    /// The practice's text, encoded and wrapped once: make one writer per batch and reuse it.
    let clinicText: ClinicPDFText

    public init(clinic: ClinicProfile, fonts: PDFFonts = .system) {
        self.clinic = clinic
        self.fonts = fonts
        styles = SuperbillPDFStyles(fonts: fonts)
        clinicText = ClinicPDFText(clinic, styles: styles)
    }

    /// The superbill as the bytes of a PDF file. Should an embedded font's glyph data prove unreadable,
    /// this superbill is drawn with the standard Helvetica fonts instead (the batch never fails on a font).
    public func pdf(_ bill: Superbill) -> Data {
        do {
            return try document(bill, styles: styles, clinicText: clinicText)
        } catch {
            guard fonts.embedsFonts else { return Data() }   // unreachable: the standard fonts do not throw
            let standard = SuperbillPDFStyles(fonts: .standard)
            return (try? document(bill, styles: standard, clinicText: ClinicPDFText(clinic, styles: standard))) ?? Data()
        }
    }

    private func document(_ bill: Superbill, styles: SuperbillPDFStyles, clinicText: ClinicPDFText) throws(TrueTypeError) -> Data {
        let glyphs = styles.fonts.makeGlyphRecorder()
        let layout = SuperbillPDFLayout(bill: bill, clinic: clinic, styles: styles, text: clinicText)
        let pages = layout.render(glyphs: glyphs)
        return try PDFDocumentBuilder.document(
            pages: pages,
            info: .init(title: "Superbill \(bill.number) – \(layout.patientName)",
                        author: clinic.billingProvider.name,
                        subject: "Itemized statement for insurance reimbursement",
                        date: bill.statementDate.compact),
            fonts: styles.fonts, glyphs: glyphs)
    }
}

extension SuperbillRenderer {
    /// The superbill as PDF bytes, drawn natively (see `NativePDFWriter`).
    public func pdf(_ bill: Superbill) -> Data { NativePDFWriter(clinic: clinic).pdf(bill) }

    /// PDF bytes for an evaluated encounter; throws when it has no `superbill` line.
    public func pdf(for evaluation: EncounterEvaluation, payerName: String? = nil) throws(SuperbillError) -> Data {
        pdf(try superbill(for: evaluation, payerName: payerName))
    }
}
