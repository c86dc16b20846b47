import ArgumentParser
import ClaimsEngine
import ClaimsX12
import Foundation

/// `claims x12 …`: X12 files on their own.
struct X12Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "x12",
        abstract: "Check X12 files.",
        subcommands: [X12ValidateCommand.self]
    )
}

/// `claims x12 validate FILE... [--format text|json]` (CONTRACT §11, docs/x12-validate.md).
struct X12ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check 837P files (ours or anyone's) against 005010X222A1 and the code sets we know.",
        discussion: """
        Checks the envelope and control numbers, where every segment belongs in the guide (loops, required and repeated segments), every element (type, length, code lists, dates), HL and LX numbering, and what pyx12 does not: NPI check digits, ICD-10-CM codes, CLM02 = the sum of SV102, diagnosis pointers, NDC format, claim frequency. Each finding names the file, the segment (its ordinal in the file and its line), the segment id, the element and the rule. Exit 0 when every file is clean, 65 when any finding was made, 66 when a file does not exist, 74 when one cannot be read.

        Examples:
          claims x12 validate out/2026-11-20/x12/*.x12
          claims x12 validate claims.x12 --format json
        """
    )

    @Argument(help: "The 837P files to check.") var files: [String]
    @Option(help: "text (one line per finding) or json (for scripts).") var format: OutputFormat = .text

    func run() throws {
        var results: [X12FileResult] = []
        for file in files {
            do {
                results.append(X12FileResult(file: file, report: try X12FileCheck.validate(path: file), error: nil))
            } catch {
                CommandSupport.printError("error: \(error.description)")
                results.append(X12FileResult(file: file, report: nil, error: error))
            }
        }
        switch format {
        case .json: try CommandSupport.printJSON(X12ValidateOutput(files: results))
        case .text: CommandSupport.printLine(X12ValidateTextLayout.render(results))
        }
        if results.contains(where: { $0.error?.kind == .missing }) { throw ExitCode(ExitStatus.noInput.rawValue) }
        if results.contains(where: { $0.error != nil }) { throw ExitCode(ExitStatus.ioFailure.rawValue) }
        if results.contains(where: { $0.report?.isClean == false }) { throw ExitCode(ExitStatus.invalidData.rawValue) }
    }
}

struct X12FileResult {
    var file: String
    var report: X12ValidationReport?
    var error: InputFileError?
}

/// The JSON document (docs/x12-validate.md): every key always present, null when it does not apply.
struct X12ValidateOutput: Encodable {
    var files: [X12FileResult]

    enum Keys: String, CodingKey {
        case clean, files, file, error, segments, transactionSets, claims, serviceLines, findings, unlisted
        case segment, line, segmentId, element, loop, rule, message
    }

    func encode(to encoder: Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encode(files.allSatisfy { $0.report?.isClean == true }, forKey: .clean)
        var list = root.nestedUnkeyedContainer(forKey: .files)
        for result in files {
            var entry = list.nestedContainer(keyedBy: Keys.self)
            try entry.encode(result.file, forKey: .file)
            try entry.encode(result.report?.isClean == true, forKey: .clean)
            try entry.encode(result.error?.message, forKey: .error)
            try entry.encode(result.report?.segments ?? 0, forKey: .segments)
            try entry.encode(result.report?.transactionSets ?? 0, forKey: .transactionSets)
            try entry.encode(result.report?.claims ?? 0, forKey: .claims)
            try entry.encode(result.report?.serviceLines ?? 0, forKey: .serviceLines)
            try entry.encode(result.report?.unlisted ?? 0, forKey: .unlisted)
            var findings = entry.nestedUnkeyedContainer(forKey: .findings)
            for finding in result.report?.findings ?? [] {
                var item = findings.nestedContainer(keyedBy: Keys.self)
                try item.encode(result.file, forKey: .file)
                try item.encode(finding.segment, forKey: .segment)
                try item.encode(finding.line, forKey: .line)
                try item.encode(finding.segmentId, forKey: .segmentId)
                try item.encode(finding.element, forKey: .element)
                try item.encode(finding.loop, forKey: .loop)
                try item.encode(finding.rule, forKey: .rule)
                try item.encode(finding.message, forKey: .message)
            }
        }
    }
}

/// One line per finding (`FILE: segment N (line L) ID, ELEMENT loop LOOP: message [rule]`), then
/// one summary line per file and a total.
enum X12ValidateTextLayout {
    static func render(_ results: [X12FileResult]) -> String {
        var lines: [String] = []
        var clean = 0, problems = 0
        for result in results {
            guard let report = result.report else {
                lines.append("\(result.file): not checked: \(result.error?.message ?? "unreadable")")
                continue
            }
            for finding in report.findings { lines.append("\(result.file): \(finding.description)") }
            if report.unlisted > 0 { lines.append("\(result.file): … and \(report.unlisted) more findings not listed") }
            let counts = "\(report.segments) segments, \(plural(report.transactionSets, "transaction set")), "
                + "\(plural(report.claims, "claim")), \(plural(report.serviceLines, "service line"))"
            if report.isClean {
                clean += 1
                lines.append("\(result.file): clean (\(counts))")
            } else {
                problems += report.findingCount
                lines.append("\(result.file): \(plural(report.findingCount, "problem")) (\(counts))")
            }
        }
        lines.append("checked \(plural(results.count, "file")): \(clean) clean, \(results.count - clean) not"
                     + (problems > 0 ? " (\(plural(problems, "problem")))" : ""))
        return lines.joined(separator: "\n")
    }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
