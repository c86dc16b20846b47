import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

enum InstalledTools {
    static let weasyprint: WeasyPrintRenderer? = try? WeasyPrintRenderer.locate(environment: ProcessInfo.processInfo.environment).get()

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

    /// A stand-in renderer: a shell script with the given body.
    static func fakeRenderer(_ body: String, in directory: URL, timeout: Double = 30) throws -> WeasyPrintRenderer {
        let script = directory.appendingPathComponent("fake-weasyprint")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return WeasyPrintRenderer(executable: script, timeoutSeconds: timeout)
    }
}

@Suite(.enabled(if: InstalledTools.weasyprint != nil,
                "PDF skipped: weasyprint not installed; install with scripts/install-pdf-renderer.sh"))
struct SuperbillPDFTests {
    @Test func pdfIsWrittenAndCarriesTheAccentedName() throws {
        let directory = try Fixtures.temporaryDirectory("superbill-pdf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let encounter = SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")
        let html = try SuperbillFixtures.renderer.html(for: SuperbillFixtures.evaluation(encounter))
        let pdf = directory.appendingPathComponent("ENC-0042.pdf")

        let outcome = try SuperbillPDFWriter(renderer: InstalledTools.weasyprint).write(html: html, to: pdf)

        #expect(outcome == .written(pdf))
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Data("%PDF-".utf8)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ENC-0042.pdf"])  // no leftovers
        if InstalledTools.pdftotext != nil {
            let text = try InstalledTools.text(ofPDF: pdf)
            #expect(text.contains("Zoë Müller-Peña"))
            #expect(text.contains("Balance due"))
            #expect(text.contains("$435.50"))
        }
    }
}

@Suite struct PDFRendererFallbackTests {
    @Test func missingRendererIsASkipNotAFailure() throws {
        let writer = SuperbillPDFWriter(environment: ["PATH": "/nonexistent"])
        // This machine may have the renderer at its install path; a writer built with none always skips.
        let none = SuperbillPDFWriter(renderer: nil, unavailableReason: "weasyprint not found; \(SuperbillPDFWriter.installHint)")
        let outcome = try none.write(html: "<p>x</p>", to: URL(fileURLWithPath: "/nonexistent/x.pdf"))
        #expect(outcome == .skipped(reason: "weasyprint not found; install it with scripts/install-pdf-renderer.sh"))
        #expect(outcome.description.hasPrefix("PDF skipped: "))
        _ = writer
    }

    @Test func locateExplainsWhatWasSearched() {
        let result = WeasyPrintRenderer.locate(environment: ["PATH": "/nonexistent"], installPath: "/nonexistent/weasyprint")
        guard case .failure(let missing) = result else { Issue.record("found a renderer in /nonexistent"); return }
        #expect(missing.reason.contains("scripts/install-pdf-renderer.sh"))
        #expect(missing.reason.contains("CLAIMS_WEASYPRINT"))
    }

    @Test func locateHonoursTheEnvironmentVariable() throws {
        let bad = WeasyPrintRenderer.locate(environment: ["CLAIMS_WEASYPRINT": "/nonexistent/wp"])
        guard case .failure(let missing) = bad else { Issue.record("accepted a missing file"); return }
        #expect(missing.reason.contains("CLAIMS_WEASYPRINT=/nonexistent/wp"))

        let directory = try Fixtures.temporaryDirectory("locate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = try InstalledTools.fakeRenderer("exit 0", in: directory)
        let found = try WeasyPrintRenderer.locate(environment: ["CLAIMS_WEASYPRINT": fake.executable.path]).get()
        #expect(found.executable.path == fake.executable.path)
    }

    @Test func failingRendererThrowsWithItsMessageAndLeavesNoFile() throws {
        let directory = try Fixtures.temporaryDirectory("pdf-fail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let renderer = try InstalledTools.fakeRenderer("echo 'cannot load pango' >&2; echo partial > \"$(eval echo \\${$#})\"; exit 3", in: directory)
        let pdf = directory.appendingPathComponent("out.pdf")
        #expect {
            try renderer.render(html: "<p>x</p>", to: pdf)
        } throws: { error in
            let failure = error as? PDFRenderError
            return failure?.message.contains("status 3") == true && failure?.message.contains("cannot load pango") == true
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["fake-weasyprint"])
    }

    @Test func hungRendererIsStopped() throws {
        let directory = try Fixtures.temporaryDirectory("pdf-hang")
        defer { try? FileManager.default.removeItem(at: directory) }
        let renderer = try InstalledTools.fakeRenderer("exec sleep 30", in: directory, timeout: 0.5)
        let started = Date()
        #expect(throws: PDFRenderError.self) { try renderer.render(html: "<p>x</p>", to: directory.appendingPathComponent("out.pdf")) }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
