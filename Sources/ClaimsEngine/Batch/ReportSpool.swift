import Foundation

/// The report's long lists (held, criteria not met, not covered, superbills, already billed,
/// warnings) moved out of memory as the batch goes (docs/batch.md, "Memory"): after each block their
/// new entries are appended to files in the run's work directory, already in the form report.json
/// and report.html give them, and the two reports are written at the end by copying those files
/// between the parts of the report that stay in memory. The bytes are those `BatchReport.json()` and
/// `html()` would give for the whole report. Used by the batch thread only.
final class ReportSpool {
    private struct SectionFiles {
        let json: FileAppender
        let html: FileAppender
        var count = 0
    }

    private var files: [BatchReport.Section: SectionFiles] = [:]

    init(directory: String) throws {
        for section in BatchReport.Section.allCases {
            files[section] = SectionFiles(json: try FileAppender(creating: "\(directory)/report-\(section.rawValue).json"),
                                          html: try FileAppender(creating: "\(directory)/report-\(section.rawValue).html"))
        }
    }

    /// Moves the lists' entries from `report` to the files (the summary keeps its first held lines).
    func drain(_ report: inout BatchReport) throws {
        let firstHeldWanted = BatchReport.summaryHeldLines - report.spooled.firstHeld.count
        if firstHeldWanted > 0 { report.spooled.firstHeld += report.held.prefix(firstHeldWanted) }
        for section in BatchReport.Section.allCases {
            let count = report.count(of: section)
            guard count > 0, var sectionFiles = files[section] else { continue }
            // The list's entries at the depth report.json has them, written straight as bytes.
            var entries = sectionFiles.count > 0 ? Array(",\n".utf8) : []
            entries += ReportListJSON.entries(section, of: report)
            let rows = report.rows(of: section).map(BatchReport.htmlRow).joined(separator: "\n")
            try sectionFiles.json.append(entries)
            try sectionFiles.html.append((sectionFiles.count > 0 ? "\n" : "") + rows)
            sectionFiles.count += count
            files[section] = sectionFiles
            report.removeAll(of: section)
        }
        report.spooled.counts = files.mapValues(\.count)
    }

    /// Writes report.json: the in-memory report with each list's spooled entries in place.
    /// `report` has been drained (its lists are empty).
    func writeJSON(_ report: BatchReport, to path: String) throws {
        let skeleton = try report.json()
        let output = try FileAppender(creating: path)
        var position = skeleton.startIndex
        // In the order of the report's (sorted) keys.
        for section in BatchReport.Section.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let sectionFiles = files[section], sectionFiles.count > 0 else { continue }
            // An empty list is written `"key" : [\n\n  ]` at the top level (2 spaces): the entries go in its place.
            let empty = Data("\n  \"\(section.rawValue)\" : [\n\n  ]".utf8)
            guard let range = skeleton.range(of: empty, in: position..<skeleton.endIndex) else {
                throw OutputError(path: path, message: "the report's \(section.rawValue) list is not where it was expected (internal error)")
            }
            try output.append(skeleton[position..<range.lowerBound])
            try output.append("\n  \"\(section.rawValue)\" : [\n")
            try copy(sectionFiles.json, into: output)
            try output.append("\n  ]")
            position = range.upperBound
        }
        try output.append(skeleton[position..<skeleton.endIndex])
        try output.close()
    }

    /// Writes report.html: the in-memory report's page with each list's spooled rows in its table.
    /// `report` has been drained (its lists are empty).
    func writeHTML(_ report: BatchReport, to path: String) throws {
        let output = try FileAppender(creating: path)
        for piece in report.htmlPieces() {
            switch piece {
            case .text(let text):
                try output.append(text)
            case .table(let section):
                guard let sectionFiles = files[section], sectionFiles.count > 0 else {
                    try output.append(BatchReport.htmlTable(section.headers, rows: []))
                    continue
                }
                try output.append(BatchReport.htmlTableStart(section.headers))
                try copy(sectionFiles.html, into: output)
                try output.append(BatchReport.htmlTableEnd)
            }
        }
        try output.close()
    }

    /// Appends a spooled file to `output`, 1 MiB at a time.
    private func copy(_ spooled: FileAppender, into output: FileAppender) throws {
        guard let handle = FileHandle(forReadingAtPath: spooled.path) else {
            throw OutputError(path: spooled.path, message: "cannot read the report's spooled entries (was the work directory deleted?)")
        }
        defer { try? handle.close() }
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try output.append(chunk) }
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(path: spooled.path, message: "cannot read the report's spooled entries: \(error.localizedDescription)")
        }
    }
}
