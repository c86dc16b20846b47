import Foundation
import Testing

/// Golden files: compare output with a committed file; `RECORD_GOLDENS=1` rewrites the file and
/// fails on purpose, so a recording never passes by accident (as argument-parser's snapshots do).
public enum Golden {
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" }

    public static func check(_ actual: String, against url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        if isRecording {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(url.lastPathComponent); run the tests again without RECORD_GOLDENS", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(url.path); record it with RECORD_GOLDENS=1 swift test", sourceLocation: sourceLocation)
            return
        }
        guard expected != actual else { return }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let first = Array(zip(expectedLines, actualLines)).firstIndex { $0 != $1 } ?? min(expectedLines.count, actualLines.count)
        let shown = { (lines: [Substring]) in first < lines.count ? String(lines[first]) : "(end of file)" }
        Issue.record("""
            \(url.lastPathComponent) differs from its golden file at line \(first + 1):
              expected: \(shown(expectedLines))
              actual:   \(shown(actualLines))
            (re-record with RECORD_GOLDENS=1 swift test if the change is intended)
            """, sourceLocation: sourceLocation)
    }
}
