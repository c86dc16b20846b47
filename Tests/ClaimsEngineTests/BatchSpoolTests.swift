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

    @Test func spooledClaimsReadBackAsTheyWere() throws {
        let directory = try Fixtures.temporaryDirectory("claim-spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        var claims = [
            StoredClaim(encounterId: "ENC-1", patientId: "PT\t1\\x", payer: "cigna", dateOfService: "2026-11-02", x12File: "",
                        fhirFile: "fhir/cigna-run1.xml", interchangeControlNumber: "000000001", groupControlNumber: "1",
                        transactionSetControlNumber: "0001", totalCents: 123_456, authNumber: "AUTH\n7", ruleVersion: "abc",
                        lines: [.init(line: 1, code: "J0013", chargeCents: 112_000, units: 84), .init(line: 2, code: "99214", chargeCents: 21_000, units: Decimal(string: "1.5")!)]),
            // A field that starts with a combining mark: the tab before it still separates.
            StoredClaim(encounterId: "ENC-2", patientId: "\u{301}PT-2", payer: "cigna", dateOfService: "2026-11-03", x12File: "",
                        fhirFile: "fhir/cigna-run1.xml", interchangeControlNumber: "000000001", groupControlNumber: "1",
                        transactionSetControlNumber: "0002", totalCents: 0, authNumber: nil, ruleVersion: "abc", lines: []),
        ]
        // Empty fields, a carriage return, and optionals whose text looks like the markers.
        claims.append(StoredClaim(encounterId: "", patientId: "", payer: "cigna", dateOfService: "2026-11-04", x12File: "",
                                  fhirFile: "a\rb", interchangeControlNumber: "000000001", groupControlNumber: "1",
                                  transactionSetControlNumber: "0003", totalCents: -5, authNumber: "-", ruleVersion: "=x", lines: []))
        var replacement = claims[0]
        replacement.encounterId = "ENC-3"
        replacement.submission = ClaimSubmission(frequency: "7", coverage: .secondary, replacesClaimId: 41, followsClaimId: 40,
                                                 payerClaimNumber: "PCN\t9", intentId: 3)
        claims.append(replacement)
        let path = directory.appendingPathComponent("cigna.claims").path
        try claims.map(ClaimSpool.line).joined().write(toFile: path, atomically: false, encoding: .utf8)
        let reader = ClaimSpool.Reader(files: [.init(path: path, x12File: "x12/cigna-000000001.x12", count: 4)])
        let read = Array(reader)
        #expect(reader.failure == nil)
        #expect(read == claims.map { var claim = $0; claim.x12File = "x12/cigna-000000001.x12"; return claim })
        #expect(read.last?.submission.payerClaimNumber == "PCN\t9" && read.last?.submission.intentId == 3)
    }

    @Test func aMissingOrDamagedSpoolIsAFailureNotFewerClaims() throws {
        let directory = try Fixtures.temporaryDirectory("claim-spool-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = ClaimSpool.Reader(files: [.init(path: directory.appendingPathComponent("gone.claims").path, x12File: "x", count: 1)])
        #expect(Array(missing).isEmpty)
        #expect(missing.failure?.message.contains("cannot read") == true)
        let damaged = directory.appendingPathComponent("damaged.claims").path
        try "ENC-1\tonly two fields\n".write(toFile: damaged, atomically: false, encoding: .utf8)
        let reader = ClaimSpool.Reader(files: [.init(path: damaged, x12File: "x", count: 1)])
        #expect(Array(reader).isEmpty)
        #expect(reader.failure?.message.contains("damaged") == true)
        // A file cut short (the count says more claims were written) is a failure too.
        let short = directory.appendingPathComponent("short.claims").path
        try ClaimSpool.line(for: StoredClaim(encounterId: "E", patientId: "P", payer: "cigna", dateOfService: "2026-11-03", x12File: "",
                                             fhirFile: "f", interchangeControlNumber: "1", groupControlNumber: "1",
                                             transactionSetControlNumber: "0001", totalCents: 1, authNumber: nil, ruleVersion: "v", lines: []))
            .write(toFile: short, atomically: false, encoding: .utf8)
        let cut = ClaimSpool.Reader(files: [.init(path: short, x12File: "x", count: 2)])
        #expect(Array(cut).count == 1)
        #expect(cut.failure?.message.contains("incomplete") == true)
    }

    /// The store transaction reads the spool as it inserts: a spool it cannot read rolls the whole
    /// run back (nothing recorded), it never records fewer claims.
    @Test func anUnreadableSpoolRecordsNothing() throws {
        let directory = try Fixtures.temporaryDirectory("claim-spool-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ClaimsStore(path: directory.appendingPathComponent("s.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        defer { try? store.close() }
        let adapter = StoreBatchAdapter(store: store)
        let claim = StoredClaim(encounterId: "E1", patientId: "P", payer: "cigna", dateOfService: "2026-11-03", x12File: "",
                                fhirFile: "f", interchangeControlNumber: "000000001", groupControlNumber: "1",
                                transactionSetControlNumber: "0001", totalCents: 100, authNumber: nil, ruleVersion: "v",
                                lines: [.init(line: 1, code: "99214", chargeCents: 100)])
        let spool = directory.appendingPathComponent("cigna.claims").path
        try ClaimSpool.line(for: claim).write(toFile: spool, atomically: false, encoding: .utf8)
        var run = PreparedRun(runNumber: 1, outputDirectory: directory.path, workDirectory: directory.path, moves: [], claims: [],
                              superbills: [], authorizationUses: [],
                              claimFiles: [.init(path: spool, x12File: "x12/cigna-000000001.x12", count: 1),
                                           .init(path: directory.appendingPathComponent("gone.claims").path, x12File: "x12/uhc-000000002.x12", count: 1)])
        do {
            try adapter.recordPrepared(run)
            Issue.record("a run whose spool is gone was recorded")
        } catch {
            #expect("\(error)".contains("gone.claims: cannot read the run's spooled claims"))
        }
        #expect(try store.claims(since: LocalDate(iso: "2000-01-01")!).isEmpty)
        #expect(try store.preparedRuns().isEmpty)
        // The same run with its spool intact records the spooled claim, named by its 837P file.
        run.claimFiles = [.init(path: spool, x12File: "x12/cigna-000000001.x12", count: 1)]
        try adapter.recordPrepared(run)
        #expect(try store.claims(since: LocalDate(iso: "2000-01-01")!).map(\.x12File) == ["x12/cigna-000000001.x12"])
        #expect(try store.billedLines(encounterId: "E1") == [1])
        // The plan kept for recovery holds the moves only, as before the spool.
        #expect(try store.preparedRuns().first?.plan.contains("claimFiles") == false)
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
