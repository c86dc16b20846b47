import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns a self-contained HTML page into a PDF file. The superbill HTML is the single source;
/// a renderer only prints it.
public protocol PDFRenderer: Sendable {
    /// `weasyprint 70.0 (/opt/claims-pdf/bin/weasyprint)`, for reports.
    var name: String { get }
    /// Whether `render(html:to:)` works; false for `NativePDFRenderer`, which draws the `Superbill` model.
    var rendersHTML: Bool { get }
    /// Writes `pdf`; on failure leaves no file there.
    func render(html: String, to pdf: URL) throws(PDFRenderError)
    /// Writes the PDF of `bill`, whose HTML `renderer` makes; on failure leaves no file there.
    /// The default prints `renderer.html(bill)` with `render(html:to:)`; `NativePDFRenderer` draws the model itself.
    func render(_ bill: Superbill, renderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError)
}

extension PDFRenderer {
    public var rendersHTML: Bool { true }

    public func render(_ bill: Superbill, renderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError) {
        try render(html: renderer.html(bill), to: pdf)
    }
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
    public static let installHint = "install it with scripts/install-pdf-renderer.sh"
    /// Environment variable choosing the renderer: `native` (the default when unset or empty) or `weasyprint`.
    public static let rendererVariable = "CLAIMS_PDF_RENDERER"

    public let renderer: (any PDFRenderer)?
    /// Why `renderer` is nil (shown in the skipped outcome).
    public let unavailableReason: String?

    /// Uses `renderer`, or skips PDFs when it is nil.
    public init(renderer: (any PDFRenderer)?, unavailableReason: String? = nil) {
        self.renderer = renderer
        self.unavailableReason = renderer == nil ? (unavailableReason ?? "no PDF renderer configured") : nil
    }

    /// The renderer `$CLAIMS_PDF_RENDERER` names: `native` (default) or `weasyprint` (found with
    /// `WeasyPrintRenderer.locate`); any other value skips PDFs with a reason that names the choices.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let choice = (environment[Self.rendererVariable] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        switch choice {
        case "", "native":
            self.init(renderer: NativePDFRenderer())
        case "weasyprint":
            switch WeasyPrintRenderer.locate(environment: environment) {
            case .success(let found): self.init(renderer: found)
            case .failure(let missing): self.init(renderer: nil, unavailableReason: missing.reason)
            }
        default:
            self.init(renderer: nil, unavailableReason:
                "\(Self.rendererVariable)=\(environment[Self.rendererVariable] ?? "") is not a PDF renderer; use native (the default) or weasyprint")
        }
    }

    /// Prints `html` with an HTML renderer (WeasyPrint). With the native renderer (the default) this is a skip
    /// whose reason says what to call instead — a caller that only passes HTML gets HTML-only superbills and a
    /// note, not a failed batch. Prefer `write(_:renderer:to:)`, which works with every renderer.
    public func write(html: String, to pdf: URL) throws(PDFRenderError) -> PDFOutcome {
        guard let renderer else { return .skipped(reason: unavailableReason ?? "no PDF renderer") }
        guard renderer.rendersHTML else { return .skipped(reason: NativePDFRenderer.htmlUnsupported) }
        try renderer.render(html: html, to: pdf)
        return .written(pdf)
    }

    /// Writes the PDF of `bill` (any renderer: the native one draws the model, WeasyPrint prints `superbillRenderer.html(bill)`).
    public func write(_ bill: Superbill, renderer superbillRenderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError) -> PDFOutcome {
        guard let renderer else { return .skipped(reason: unavailableReason ?? "no PDF renderer") }
        try renderer.render(bill, renderer: superbillRenderer, to: pdf)
        return .written(pdf)
    }
}

/// WeasyPrint (HTML + CSS paged media → PDF), run as a child process.
public struct WeasyPrintRenderer: PDFRenderer {
    /// Where `scripts/install-pdf-renderer.sh` installs it.
    public static let defaultInstallPath = "/opt/claims-pdf/bin/weasyprint"
    /// Environment variable naming the executable explicitly.
    public static let environmentVariable = "CLAIMS_WEASYPRINT"

    public struct NotFound: Error, Sendable, Hashable { public var reason: String }

    public var executable: URL
    /// A render that takes longer is killed (a hung renderer must not hang a batch).
    public var timeoutSeconds: Double

    public init(executable: URL, timeoutSeconds: Double = 120) {
        self.executable = executable; self.timeoutSeconds = timeoutSeconds
    }

    public var name: String { "weasyprint (\(executable.path))" }

    /// `$CLAIMS_WEASYPRINT`, else the install script's location, else `weasyprint` on `PATH`.
    public static func locate(environment: [String: String],
                              installPath: String = defaultInstallPath) -> Result<WeasyPrintRenderer, NotFound> {
        let files = FileManager.default
        if let explicit = environment[environmentVariable], !explicit.isEmpty {
            guard files.isExecutableFile(atPath: explicit) else {
                return .failure(NotFound(reason: "\(environmentVariable)=\(explicit) is not an executable file; fix the variable or \(SuperbillPDFWriter.installHint)"))
            }
            return .success(WeasyPrintRenderer(executable: URL(fileURLWithPath: explicit)))
        }
        if files.isExecutableFile(atPath: installPath) {
            return .success(WeasyPrintRenderer(executable: URL(fileURLWithPath: installPath)))
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("weasyprint")
            if files.isExecutableFile(atPath: candidate.path) { return .success(WeasyPrintRenderer(executable: candidate)) }
        }
        return .failure(NotFound(reason: "weasyprint not found (looked at $\(environmentVariable), \(installPath) and PATH); \(SuperbillPDFWriter.installHint)"))
    }

    public func render(html: String, to pdf: URL) throws(PDFRenderError) {
        let files = FileManager.default
        let fail = { (message: String) in PDFRenderError(renderer: name, output: pdf.path, message: message) }
        let scratch = files.temporaryDirectory.appendingPathComponent("claims-pdf-\(UUID().uuidString)")
        // Written beside the target, then renamed: a killed run never leaves a half-written PDF.
        let partial = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).partial")
        defer {
            try? files.removeItem(at: scratch)
            try? files.removeItem(at: partial)
        }
        let input = scratch.appendingPathComponent("superbill.html")
        let log = scratch.appendingPathComponent("stderr.txt")
        do {
            try files.createDirectory(at: scratch, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: input)
            try Data().write(to: log)
        } catch {
            throw fail("cannot prepare the input in \(scratch.path): \(error.localizedDescription)")
        }

        let process = Process()
        process.executableURL = executable
        // No network: the page is self-contained, so nothing may be fetched.
        process.arguments = ["--quiet", "--encoding", "utf-8", "--allowed-protocols", "data",
                             "--pdf-identifier", pdf.deletingPathExtension().lastPathComponent,
                             input.path, partial.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        // A file, not a pipe: a chatty renderer cannot block on a full pipe while we wait.
        guard let errorLog = try? FileHandle(forWritingTo: log) else { throw fail("cannot open \(log.path)") }
        defer { try? errorLog.close() }
        process.standardError = errorLog
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            throw fail("cannot start: \(error.localizedDescription); \(SuperbillPDFWriter.installHint)")
        }
        if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            // SIGTERM may be blocked or ignored in the child (it inherits the parent's signal mask): then SIGKILL.
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            throw fail("no PDF after \(timeoutSeconds) s; the renderer was stopped")
        }
        let messages = (try? String(contentsOf: log, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw fail("exited with status \(process.terminationStatus)\(messages.isEmpty ? "" : ": " + messages)")
        }
        guard let size = (try? files.attributesOfItem(atPath: partial.path))?[.size] as? Int, size > 0 else {
            throw fail("finished but wrote no PDF\(messages.isEmpty ? "" : ": " + messages)")
        }
        guard rename(partial.path, pdf.path) == 0 else {
            throw fail("cannot move the PDF into place (errno \(errno))")
        }
    }
}
