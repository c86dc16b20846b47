import ClaimsCore
@testable import ClaimsEngine
import Foundation
import Testing

/// The report's lists are written straight as bytes (`ReportListJSON`); they must be the bytes
/// `JSONEncoder` gives them in report.json (pretty-printed, sorted keys, slashes unescaped), here
/// on text a rule file or an export could hold: every control character, quotes, backslashes,
/// slashes, non-ASCII, empty text, empty and optional members.
struct ReportListJSONTests {
    /// The encoder's bytes for a list, re-indented to the depth report.json has its entries (what
    /// the spool did before).
    static func encoderEntries(_ section: BatchReport.Section, of report: BatchReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = BatchReport.jsonFormatting
        let array: [UInt8] = switch section {
        case .alreadyBilled: [UInt8](try encoder.encode(report.alreadyBilled))
        case .criteriaNotMet: [UInt8](try encoder.encode(report.criteriaNotMet))
        case .held: [UInt8](try encoder.encode(report.held))
        case .notCovered: [UInt8](try encoder.encode(report.notCovered))
        case .superbills: [UInt8](try encoder.encode(report.superbills))
        case .warnings: [UInt8](try encoder.encode(report.warnings))
        }
        let lines = array.split(separator: 0x0A, omittingEmptySubsequences: false).dropFirst().dropLast()
        var entries: [UInt8] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { entries.append(0x0A) }
            if !line.isEmpty { entries += [0x20, 0x20] }
            entries += line
        }
        return entries
    }

    static let awkward: [String] = {
        let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}"
        return ["", controls, #"quote " backslash \ slash / both \/"#, "Zoë Müller — 中文 🙂 \u{2028}\u{2029}\u{FEFF}",
                "line\nbreak\ttab\r\n", "plain", "<b>&amp;</b>", "\u{1F}\u{0}end"]
    }()

    static func report() -> BatchReport {
        var report = BatchReport(asOf: LocalDate(iso: "2026-11-20")!, run: 7, input: "in.jsonl", createdAt: "2026-11-20 17:30")
        for (index, text) in awkward.enumerated() {
            let reasons = (0..<(index % 3)).map { Reason(rule: "\(text)/rule-\($0)", message: "\($0): \(text)") }
            let line = BatchReport.LineOutcome(encounter: "E\(index)\(text)", payer: text, line: index - 2, code: text, service: "svc \(text)",
                                               decision: "hold", reasons: reasons)
            report.held.append(line)
            report.criteriaNotMet.append(line)
            report.notCovered.append(line)
            report.superbills.append(.init(encounter: text, html: "superbills/\(text).html", pdf: index % 2 == 0 ? "p/\(text).pdf" : nil,
                                           pdfNote: index % 3 == 0 ? text : nil, total: "\(index).00", balanceDue: text))
            report.alreadyBilled.append(.init(encounter: text, lines: Array(0..<(index % 4)).map { $0 * 10 - 5 }, what: text))
            report.warnings.append(.init(encounter: text, rule: text, message: "\(text) \(text)"))
        }
        return report
    }

    @Test(arguments: BatchReport.Section.allCases)
    func listsAreTheEncodersBytes(_ section: BatchReport.Section) throws {
        let report = Self.report()
        let written = ReportListJSON.entries(section, of: report)
        let expected = try Self.encoderEntries(section, of: report)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(written == expected)
    }

    @Test func anEmptyListWritesNothing() throws {
        let empty = BatchReport(asOf: LocalDate(iso: "2026-11-20")!, run: 1, input: "in.jsonl", createdAt: "2026-11-20 17:30")
        for section in BatchReport.Section.allCases { #expect(ReportListJSON.entries(section, of: empty).isEmpty) }
    }
}
