import ClaimsCore
import Foundation

/// `DIR/report.json` (CONTRACT §5): counts per decision, rejected encounters with their errors,
/// held lines with their reasons, the files written. Encounters are named by id only.
public struct BatchReport: Codable, Sendable {
    public struct PayerTotal: Codable, Sendable {
        public var payer: String
        public var claims: Int
        public var lines: Int
        public var amount: String
        public var file: String
        public var interchangeControlNumber: String
    }
    public struct Rejected: Codable, Sendable {
        public var encounter: String
        public var record: Int
        public var sourceLine: Int
        public var errors: [InputError]
    }
    public struct LineOutcome: Codable, Sendable {
        public var encounter: String
        public var payer: String
        public var line: Int
        public var code: String
        public var service: String
        public var decision: String
        public var reasons: [Reason]
    }
    public struct SuperbillEntry: Codable, Sendable {
        public var encounter: String
        public var html: String
        public var pdf: String?
        public var pdfNote: String?
        public var total: String
        public var balanceDue: String
    }
    public struct AlreadyDone: Codable, Sendable {
        public var encounter: String
        public var lines: [Int]
        public var what: String
    }
    public struct EncounterWarning: Codable, Sendable {
        public var encounter: String
        public var rule: String
        public var message: String
    }

    public var asOf: String
    public var run: Int
    public var input: String
    public var createdAt: String
    public var encounters: Int = 0
    /// Service lines per decision (`bill` counts only lines billed in this run).
    public var counts: [String: Int] = Dictionary(uniqueKeysWithValues: Decision.allCases.map { ($0.rawValue, 0) })
    public var rejectedCount: Int = 0
    public var payers: [PayerTotal] = []
    public var rejected: [Rejected] = []
    public var held: [LineOutcome] = []
    public var notCovered: [LineOutcome] = []
    public var criteriaNotMet: [LineOutcome] = []
    public var superbills: [SuperbillEntry] = []
    public var alreadyBilled: [AlreadyDone] = []
    public var warnings: [EncounterWarning] = []
    public var files: [String] = []
    /// Replacements, voids and secondary claims sent in this run (docs/corrections.md); absent when none.
    public var corrections: [CorrectionEntry]?

    public init(asOf: LocalDate, run: Int, input: String, createdAt: String) {
        self.asOf = asOf.iso; self.run = run; self.input = input; self.createdAt = createdAt
    }

    /// The summary a person reads at the end of a run (also the top of report.html).
    public var summaryText: String {
        var rows: [[String]] = [["PAYER", "CLAIMS", "LINES", "BILLED"]]
        for total in payers { rows.append([total.payer, String(total.claims), String(total.lines), total.amount]) }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = rows.map { row in
            (0..<4).map { column in
                column == 0 ? row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: widths[column] - row[column].count) + row[column]
            }.joined(separator: "  ")
        }.joined(separator: "\n")
        if payers.isEmpty { text += "\n(no claims)" }
        text += "\n\nencounters \(encounters): rejected \(rejectedCount), already billed \(alreadyBilled.count)"
        text += "\nlines: " + Decision.allCases.reversed().map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        text += "\nsuperbills \(superbills.count)"
        if !held.isEmpty {
            text += "\n\nheld:"
            for item in held.prefix(50) {
                text += "\n  \(item.encounter) line \(item.line) \(item.code): \(item.reasons.map(\.message).joined(separator: "; "))"
            }
            if held.count > 50 { text += "\n  … and \(held.count - 50) more in report.json" }
        }
        if !rejected.isEmpty {
            text += "\n\nrejected:"
            for item in rejected.prefix(50) {
                let name = item.encounter.isEmpty ? "record \(item.record)" : item.encounter
                text += "\n  \(name) (line \(item.sourceLine)): " + item.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            }
            if rejected.count > 50 { text += "\n  … and \(rejected.count - 50) more in report.json" }
        }
        return text
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A readable page for the billing office.
    public func html() -> String {
        func esc(_ text: String) -> String { HTMLText.escape(text) }
        func table(_ headers: [String], _ rows: [[String]]) -> String {
            guard !rows.isEmpty else { return "<p class=\"none\">none</p>" }
            return "<table><thead><tr>" + headers.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
                + rows.map { "<tr>" + $0.map { "<td>\(esc($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</tbody></table>"
        }
        func lines(_ items: [LineOutcome]) -> [[String]] {
            items.map { [$0.encounter, $0.payer, String($0.line), $0.code, $0.reasons.map { "\($0.message) [\($0.rule)]" }.joined(separator: "; ")] }
        }
        var body = "<h1>Batch run \(run)</h1><p>Processing date \(esc(asOf)) · input \(esc(input)) · written \(esc(createdAt))</p>"
        body += "<h2>Summary</h2>" + table(["decision", "lines"], Decision.allCases.reversed().map { [$0.rawValue, String(counts[$0.rawValue] ?? 0)] }
            + [["encounters", String(encounters)], ["rejected encounters", String(rejectedCount)], ["already billed", String(alreadyBilled.count)], ["superbills", String(superbills.count)]])
        body += "<h2>Claims per payer</h2>" + table(["payer", "claims", "lines", "billed", "file", "ISA13"],
                                                     payers.map { [$0.payer, String($0.claims), String($0.lines), $0.amount, $0.file, $0.interchangeControlNumber] })
        body += "<h2>Held</h2>" + table(["encounter", "payer", "line", "code", "reason"], lines(held))
        body += "<h2>Criteria not met</h2>" + table(["encounter", "payer", "line", "code", "reason"], lines(criteriaNotMet))
        body += "<h2>Not covered</h2>" + table(["encounter", "payer", "line", "code", "reason"], lines(notCovered))
        body += "<h2>Superbills</h2>" + table(["encounter", "file", "PDF", "total", "balance due"],
                                              superbills.map { [$0.encounter, $0.html, $0.pdf ?? ($0.pdfNote ?? ""), $0.total, $0.balanceDue] })
        body += "<h2>Rejected encounters</h2>" + table(["encounter", "record", "line", "errors"],
                                                        rejected.map { [$0.encounter, String($0.record), String($0.sourceLine), $0.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")] })
        body += "<h2>Already billed</h2>" + table(["encounter", "lines", "what"], alreadyBilled.map { [$0.encounter, $0.lines.map(String.init).joined(separator: ", "), $0.what] })
        body += "<h2>Warnings</h2>" + table(["encounter", "rule", "message"], warnings.map { [$0.encounter, $0.rule, $0.message] })
        body += "<h2>Files</h2>" + table(["file"], files.map { [$0] })
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Batch run \(run) — \(esc(asOf))</title>
        <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
        th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}.none{color:#777}</style>
        </head><body>
        \(body)
        </body></html>
        """
    }
}
