import ClaimsCore
@testable import ClaimsEngine
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// The batch keeps what grows with the run in its work directory (docs/batch.md, "Memory"): the
/// spooled forms must give back exactly what was put in, and the reports the same bytes.
@Suite struct BatchSpoolTests {
    static func outcome(_ encounter: String, _ line: Int, reasons: [Reason]) -> BatchReport.LineOutcome {
        .init(encounter: encounter, payer: "cigna", line: line, code: "J0013", service: "spravato", decision: "hold", reasons: reasons)
    }

    /// A report with entries in every list, with text that JSON and HTML escape and an empty nested list.
    static func fullReport() -> BatchReport {
        var report = BatchReport(asOf: LocalDate(iso: "2026-11-20")!, run: 7, input: "/in/encounters.json", createdAt: "2026-11-20 17:30")
        report.encounters = 120
        report.counts["bill"] = 90
        report.payers = [.init(payer: "cigna", claims: 2, lines: 3, amount: "1080.00", file: "x12/cigna-000000003.x12", interchangeControlNumber: "000000003")]
        report.rejected = [.init(encounter: "ENC-R", record: 4, sourceLine: 5, errors: [])]
        report.rejectedCount = 1
        for index in 0..<60 {
            report.held.append(outcome("ENC-\(index)", 1, reasons: [Reason(rule: "cigna/spravato/prior-auth", message: "needs \"auth\" <now> & é/\u{1}")]))
        }
        report.notCovered = [outcome("ENC-N", 2, reasons: [])]
        report.criteriaNotMet = [outcome("ENC-C", 3, reasons: [Reason(rule: "r", message: "m\nnext line\ttab")])]
        report.superbills = [.init(encounter: "ENC-S", html: "superbills/ENC-S.html", pdf: nil, pdfNote: "PDF not requested", total: "10.00", balanceDue: "0.00")]
        report.alreadyBilled = [.init(encounter: "ENC-A", lines: [1, 2], what: "claim"), .init(encounter: "ENC-B", lines: [], what: "superbill")]
        report.warnings = [.init(encounter: "ENC-W", rule: "timely-filing", message: "due in 3 days")]
        report.files = ["fhir/cigna-run7.xml", "x12/cigna-000000003.x12"]
        report.addCorrection(.init(encounter: "ENC-R7", payer: "cigna", submission: ClaimSubmission(frequency: "7", replacesClaimId: 3)))
        return report
    }

    @Test func theSpooledReportsAreTheBytesOfTheWholeReport() throws {
        let directory = try Fixtures.temporaryDirectory("report-spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = Self.fullReport()
        // The lists arrive in two blocks: the first 25 held lines, then the rest with everything else.
        var report = whole
        report.held = Array(whole.held.prefix(25))
        for section in BatchReport.Section.allCases where section != .held { report.removeAll(of: section) }
        let spool = try ReportSpool(directory: directory.path)
        try spool.drain(&report)
        #expect(report.held.isEmpty)
        report.held = Array(whole.held.dropFirst(25))
        report.notCovered = whole.notCovered
        report.criteriaNotMet = whole.criteriaNotMet
        report.superbills = whole.superbills
        report.alreadyBilled = whole.alreadyBilled
        report.warnings = whole.warnings
        try spool.drain(&report)
        try spool.writeJSON(report, to: directory.appendingPathComponent("report.json").path)
        try spool.writeHTML(report, to: directory.appendingPathComponent("report.html").path)
        #expect(try Data(contentsOf: directory.appendingPathComponent("report.json")) == (try whole.json()))
        #expect(try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8) == whole.html())
        // The summary still counts and lists what went to the files.
        #expect(report.summaryText == whole.summaryText)
        #expect(report.summaryText.contains("… and 10 more in report.json"))
    }

    @Test func aReportWithNothingSpooledIsWrittenAsIs() throws {
        let directory = try Fixtures.temporaryDirectory("report-spool-empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        var report = BatchReport(asOf: LocalDate(iso: "2026-11-20")!, run: 1, input: "in.json", createdAt: "2026-11-20 17:30")
        let spool = try ReportSpool(directory: directory.path)
        try spool.drain(&report)
        try spool.writeJSON(report, to: directory.appendingPathComponent("report.json").path)
        try spool.writeHTML(report, to: directory.appendingPathComponent("report.html").path)
        #expect(try Data(contentsOf: directory.appendingPathComponent("report.json")) == (try report.json()))
        #expect(try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8) == report.html())
    }

    @Test func fullUrlsAreListedOnceWhateverTheirForm() throws {
        let set = FullUrlSet(spillingInto: nil, name: "cigna.fullurls")
        func added(_ url: String) throws -> Bool { try set.insert(url) }
        let uuid = "urn:uuid:f1e8d263-9121-8c79-bdc9-3e77709ddecb"
        #expect(try added(uuid))
        #expect(try !added(uuid))
        // One digit apart in either half: another URL.
        #expect(try added("urn:uuid:f1e8d263-9121-8c79-bdc9-3e77709ddecc"))
        #expect(try added("urn:uuid:f1e8d263-9121-8c79-bdc8-3e77709ddecb"))
        // Not a lowercase urn:uuid: kept as text, never confused with the 128-bit form.
        #expect(try added("urn:uuid:F1E8D263-9121-8C79-BDC9-3E77709DDECB"))
        #expect(try !added("urn:uuid:F1E8D263-9121-8C79-BDC9-3E77709DDECB"))
        #expect(try added("Patient/PT-1"))
        #expect(try !added("Patient/PT-1"))
        #expect(try added("urn:uuid:f1e8d263x9121-8c79-bdc9-3e77709ddecb"))
    }
}
