import Foundation

/// The native writer (`NativePDFWriter`) behind the `PDFRenderer` protocol: the default renderer of
/// `SuperbillPDFWriter`. It draws the `Superbill` model, so it renders with `render(_:renderer:to:)`;
/// plain HTML is what WeasyPrint is for.
public struct NativePDFRenderer: PDFRenderer {
    public init() {}

    public var name: String { "native (pure Swift PDF 1.4)" }
    public var rendersHTML: Bool { false }

    static let htmlUnsupported = "the native PDF renderer draws the Superbill model, not HTML: call "
        + "SuperbillPDFWriter.write(_:renderer:to:) with the superbill, or set \(SuperbillPDFWriter.rendererVariable)=weasyprint to print HTML"

    /// Not supported: the native writer lays out the superbill model, not HTML.
    public func render(html: String, to pdf: URL) throws(PDFRenderError) {
        throw PDFRenderError(renderer: name, output: pdf.path, message: Self.htmlUnsupported)
    }

    /// Writes the PDF; a failed write removes what it wrote, so it leaves no partial file. Not an
    /// atomic replace (temporary file, fsync, rename): the batch already writes into a private work
    /// directory, syncs once and renames, and a flush per PDF cost more than drawing it.
    public func render(_ bill: Superbill, renderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError) {
        let data = NativePDFWriter(clinic: renderer.clinic).pdf(bill)
        do {
            try data.write(to: pdf)
        } catch {
            try? FileManager.default.removeItem(at: pdf)
            throw PDFRenderError(renderer: name, output: pdf.path, message: "cannot write the PDF: \(error.localizedDescription)")
        }
    }
}
