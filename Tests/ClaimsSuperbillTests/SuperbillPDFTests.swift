import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

enum InstalledTools {
    /// `pdftotext` (poppler-utils), used only to read PDFs back in tests.
    static let pdftotext: URL? = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("pdftotext")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    static func text(ofPDF pdf: URL) throws -> String {
        let process = Process()
        guard let pdftotext else { return "" }
        process.executableURL = pdftotext
        process.arguments = ["-layout", "-enc", "UTF-8", pdf.path, "-"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite struct PDFRendererFallbackTests {
    @Test func noRendererIsASkipNotAFailure() throws {
        let none = SuperbillPDFWriter(renderer: nil, unavailableReason: "PDFs switched off")
        let outcome = try none.write(try SuperbillFixtures.bill(), renderer: SuperbillFixtures.renderer,
                                     to: URL(fileURLWithPath: "/nonexistent/x.pdf"))
        #expect(outcome == .skipped(reason: "PDFs switched off"))
    }
}
