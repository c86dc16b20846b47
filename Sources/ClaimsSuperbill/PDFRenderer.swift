import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the PDF of a superbill. One protocol every renderer honours: it is given the `Superbill`
/// model (the same content the HTML shows) and the renderer that makes its HTML, so a renderer may
/// draw the model (the native writer, the only one today) or print the HTML.
///
/// The optional WeasyPrint renderer (HTML printed through Python) was dropped: the native writer does
/// everything a superbill needs — pages, repeated table headers, every script through embedded
/// fonts — in well under a millisecond, with no install step and no child process.
public protocol PDFRenderer: Sendable {
    /// For reports: `native (pure Swift PDF 1.4)`.
    var name: String { get }
    /// Writes the PDF of `bill`, whose HTML `renderer` makes; on failure leaves no file there.
    func render(_ bill: Superbill, renderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError)
}

/// What happened to the PDF of one superbill.
public enum PDFOutcome: Sendable, Hashable, CustomStringConvertible {
    case written(URL)
    /// No renderer is installed: the HTML superbill stands alone (not an error).
    case skipped(reason: String)

    public var description: String {
        switch self {
        case .written(let url): "PDF written: \(url.path)"
        case .skipped(let reason): "PDF skipped: \(reason)"
        }
    }
}

/// A renderer that exists but failed (crashed, timed out, wrote nothing).
public struct PDFRenderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var renderer: String
    public var output: String
    public var message: String
    public init(renderer: String, output: String, message: String) {
        self.renderer = renderer; self.output = output; self.message = message
    }
    public var description: String { "PDF \(output): \(renderer): \(message)" }
}

/// Writes superbill PDFs with the chosen renderer — by default the native one (`NativePDFRenderer`,
/// pure Swift, no install) — or reports why it could not.
///
/// ```swift
/// switch try SuperbillPDFWriter().write(bill, renderer: superbillRenderer, to: pdfURL) {
/// case .written: break
/// case .skipped(let reason): report.notes.append("PDF skipped: \(reason)")
/// }
/// ```
public struct SuperbillPDFWriter: Sendable {
    /// Environment variable choosing the renderer: `native` (the default when unset or empty) or
    /// `none` (HTML superbills only, like `claims batch --no-pdf`).
    public static let rendererVariable = "CLAIMS_PDF_RENDERER"

    public let renderer: (any PDFRenderer)?
    /// Why `renderer` is nil (shown in the skipped outcome).
    public let unavailableReason: String?

    /// Uses `renderer`, or skips PDFs when it is nil.
    public init(renderer: (any PDFRenderer)?, unavailableReason: String? = nil) {
        self.renderer = renderer
        self.unavailableReason = renderer == nil ? (unavailableReason ?? "no PDF renderer configured") : nil
    }

    /// The renderer `$CLAIMS_PDF_RENDERER` names: `native` (default) or `none`; any other value skips
    /// PDFs with a reason that names the choices.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let choice = (environment[Self.rendererVariable] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        switch choice {
        case "", "native":
            self.init(renderer: NativePDFRenderer())
        case "none":
            self.init(renderer: nil, unavailableReason: "PDFs switched off (\(Self.rendererVariable)=none)")
        default:
            self.init(renderer: nil, unavailableReason:
                "\(Self.rendererVariable)=\(environment[Self.rendererVariable] ?? "") is not a PDF renderer; use native (the default) or none")
        }
    }

    /// Writes the PDF of `bill`.
    public func write(_ bill: Superbill, renderer superbillRenderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError) -> PDFOutcome {
        guard let renderer else { return .skipped(reason: unavailableReason ?? "no PDF renderer") }
        try renderer.render(bill, renderer: superbillRenderer, to: pdf)
        return .written(pdf)
    }
}
