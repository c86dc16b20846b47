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

    /// The entries a batch moved out of memory as it went (`ReportSpool`), per list: report.json and
    /// report.html hold them all; the summary counts them and shows the first held lines.
    public struct Spooled: Sendable {
        public var counts: [Section: Int] = [:]
        public var firstHeld: [LineOutcome] = []
    }
    public var spooled = Spooled()

    /// The columns of report.json (`spooled` is not one).
    enum CodingKeys: String, CodingKey {
        case asOf, run, input, createdAt, encounters, counts, rejectedCount, payers, rejected, held, notCovered, criteriaNotMet
        case superbills, alreadyBilled, warnings, files, corrections
    }

    /// The long lists of the report (their JSON keys), which a batch spools.
    public enum Section: String, CaseIterable, Sendable {
        case alreadyBilled, criteriaNotMet, held, notCovered, superbills, warnings

        /// The columns of the list's table in report.html.
        var headers: [String] {
            switch self {
            case .held, .criteriaNotMet, .notCovered: ["encounter", "payer", "line", "code", "reason"]
            case .superbills: ["encounter", "file", "PDF", "total", "balance due"]
            case .alreadyBilled: ["encounter", "lines", "what"]
            case .warnings: ["encounter", "rule", "message"]
            }
        }
    }

    /// Held lines listed in the summary.
    static let summaryHeldLines = 50

    /// Entries of a list, in memory and spooled.
    public func total(of section: Section) -> Int { count(of: section) + (spooled.counts[section] ?? 0) }

    func count(of section: Section) -> Int {
        switch section {
        case .alreadyBilled: alreadyBilled.count
        case .criteriaNotMet: criteriaNotMet.count
        case .held: held.count
        case .notCovered: notCovered.count
        case .superbills: superbills.count
        case .warnings: warnings.count
        }
    }

    mutating func removeAll(of section: Section) {
        switch section {
        case .alreadyBilled: alreadyBilled.removeAll(keepingCapacity: true)
        case .criteriaNotMet: criteriaNotMet.removeAll(keepingCapacity: true)
        case .held: held.removeAll(keepingCapacity: true)
        case .notCovered: notCovered.removeAll(keepingCapacity: true)
        case .superbills: superbills.removeAll(keepingCapacity: true)
        case .warnings: warnings.removeAll(keepingCapacity: true)
        }
    }

    /// A list's in-memory entries as the cells of its table in report.html.
    func rows(of section: Section) -> [[String]] {
        func lines(_ items: [LineOutcome]) -> [[String]] {
            items.map { [$0.encounter, $0.payer, String($0.line), $0.code, $0.reasons.map { "\($0.message) [\($0.rule)]" }.joined(separator: "; ")] }
        }
        switch section {
        case .held: return lines(held)
        case .criteriaNotMet: return lines(criteriaNotMet)
        case .notCovered: return lines(notCovered)
        case .superbills: return superbills.map { [$0.encounter, $0.html, $0.pdf ?? ($0.pdfNote ?? ""), $0.total, $0.balanceDue] }
        case .alreadyBilled: return alreadyBilled.map { [$0.encounter, $0.lines.map(String.init).joined(separator: ", "), $0.what] }
        case .warnings: return warnings.map { [$0.encounter, $0.rule, $0.message] }
        }
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
        text += "\n\nencounters \(encounters): rejected \(rejectedCount), already billed \(total(of: .alreadyBilled))"
        text += "\nlines: " + Decision.allCases.reversed().map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        text += "\nsuperbills \(total(of: .superbills))"
        let heldCount = total(of: .held)
        if heldCount > 0 {
            text += "\n\nheld:"
            for item in (spooled.firstHeld + held).prefix(Self.summaryHeldLines) {
                text += "\n  \(item.encounter) line \(item.line) \(item.code): \(item.reasons.map(\.message).joined(separator: "; "))"
            }
            if heldCount > Self.summaryHeldLines { text += "\n  … and \(heldCount - Self.summaryHeldLines) more in report.json" }
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

    static let jsonFormatting: JSONEncoder.OutputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = Self.jsonFormatting
        return try encoder.encode(self)
    }

    static func htmlTableStart(_ headers: [String]) -> String {
        "<table><thead><tr>" + headers.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
    }
    static let htmlTableEnd = "</tbody></table>"
    static func htmlRow(_ cells: [String]) -> String { "<tr>" + cells.map { "<td>\(HTMLText.escape($0))</td>" }.joined() + "</tr>" }
    static func htmlTable(_ headers: [String], rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p class=\"none\">none</p>" }
        return htmlTableStart(headers) + rows.map(htmlRow).joined(separator: "\n") + htmlTableEnd
    }

    /// A piece of report.html: text, or the table of one of the long lists.
    enum HTMLPiece { case text(String), table(Section) }

    /// The page in order; the long lists' tables are left to the caller (`html()` or the batch's spool).
    func htmlPieces() -> [HTMLPiece] {
        func esc(_ text: String) -> String { HTMLText.escape(text) }
        let table = Self.htmlTable
        var pieces: [HTMLPiece] = []
        var text = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Batch run \(run) — \(esc(asOf))</title>
        <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
        th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}.none{color:#777}</style>
        </head><body>

        """
        text += "<h1>Batch run \(run)</h1><p>Processing date \(esc(asOf)) · input \(esc(input)) · written \(esc(createdAt))</p>"
        text += "<h2>Summary</h2>" + table(["decision", "lines"], Decision.allCases.reversed().map { [$0.rawValue, String(counts[$0.rawValue] ?? 0)] }
            + [["encounters", String(encounters)], ["rejected encounters", String(rejectedCount)], ["already billed", String(total(of: .alreadyBilled))],
               ["superbills", String(total(of: .superbills))]])
        text += "<h2>Claims per payer</h2>" + table(["payer", "claims", "lines", "billed", "file", "ISA13"],
                                                     payers.map { [$0.payer, String($0.claims), String($0.lines), $0.amount, $0.file, $0.interchangeControlNumber] })
        func add(_ heading: String, _ section: Section) {
            pieces.append(.text(text + "<h2>\(heading)</h2>"))
            pieces.append(.table(section))
            text = ""
        }
        add("Held", .held)
        add("Criteria not met", .criteriaNotMet)
        add("Not covered", .notCovered)
        add("Superbills", .superbills)
        text += "<h2>Rejected encounters</h2>" + table(["encounter", "record", "line", "errors"],
                                                        rejected.map { [$0.encounter, String($0.record), String($0.sourceLine), $0.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")] })
        add("Already billed", .alreadyBilled)
        add("Warnings", .warnings)
        text += "<h2>Files</h2>" + table(["file"], files.map { [$0] })
        text += "\n</body></html>"
        pieces.append(.text(text))
        return pieces
    }

    /// A readable page for the billing office.
    public func html() -> String {
        htmlPieces().map { piece in
            switch piece {
            case .text(let text): text
            case .table(let section): Self.htmlTable(section.headers, rows: rows(of: section))
            }
        }.joined()
    }
}
