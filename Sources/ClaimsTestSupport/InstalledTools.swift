import Foundation

/// Tools tests use to read outputs back, when installed (tests needing one skip without it).
public enum InstalledTools {
    /// `pdftotext` (poppler-utils), used only to read PDFs back in tests.
    public static let pdftotext: URL? = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("pdftotext")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    public static func text(ofPDF pdf: URL) throws -> String {
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
