import ClaimsCore
@testable import ClaimsEngine
import ClaimsRules
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

@Suite struct EncounterFileReaderTests {
    static let rules = try! RuleBookLoader.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Payers").path)

    func reader() -> EncounterFileReader {
        EncounterFileReader(decoder: EncounterDecoder(codes: Self.rules.codes, payers: Set(Self.rules.payers.keys), asOf: LocalDate(iso: "2026-11-20")!))
    }

    /// `count` copies of the first sample encounter with ids ENC-0…, as JSON Lines; `duplicateAt` repeats an id.
    func writeLines(_ count: Int, duplicateAt: Int? = nil) throws -> String {
        let samples = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        guard case .array(let encounters) = try JSONParser.parse(String(decoding: samples, as: UTF8.self)),
              case .object(var first) = encounters[0] else { fatalError("samples") }
        var lines: [String] = []
        for index in 0..<count {
            first["id"] = .string("ENC-\(index == duplicateAt ? 0 : index)")
            lines.append(JSONValue.object(first).jsonText)
        }
        let url = try Fixtures.temporaryDirectory("reader").appendingPathComponent("in.jsonl")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func blocksKeepFileOrderAndLineNumbers() throws {
        let path = try writeLines(600)
        var seen: [(String, Int)] = []
        var blockSizes: [Int] = []
        try reader().readBlocks(path: path, blockSize: 256) { block in
            blockSizes.append(block.count)
            seen += block.map { ($0.id, $0.line) }
        }
        #expect(blockSizes == [256, 256, 88])
        #expect(seen.map(\.0) == (0..<600).map { "ENC-\($0)" })
        #expect(seen.map(\.1) == Array(1...600))
    }

    @Test func aDuplicateIdInALaterBlockIsRejected() throws {
        let path = try writeLines(300, duplicateAt: 299)
        let records = try reader().readAll(path: path)
        #expect(records.count == 300)
        #expect(records[299].encounter == nil)
        #expect(records[299].errors.contains { $0.field == "id" && $0.message.contains("more than once") })
        #expect(records[0].encounter != nil)
    }

    @Test func aDuplicateOfAnIdKeptOnDiskIsRejected() throws {
        let path = try writeLines(300, duplicateAt: 299)
        let scratch = try Fixtures.temporaryDirectory("reader-ids")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var reader = reader()
        reader.scratchDirectory = scratch.path
        reader.idsInMemory = 16
        let records = try reader.readAll(path: path)
        // ENC-0 went to a file long before record 300 repeats it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).contains { $0.hasPrefix("encounter-ids-") })
        #expect(records.indices.filter { records[$0].encounter == nil } == [299])
        #expect(records[299].errors.contains { $0.field == "id" && $0.message == "'ENC-0' appears more than once in this file; each encounter needs its own id" })
    }

    @Test func aMissingFileIsAnInputFileError() {
        #expect(throws: InputFileError.self) { try reader().readAll(path: "/nonexistent/file.json") }
    }
}

@Suite struct AuthorizationLedgerTests {
    @Test func unitsUsedEarlierInTheRunCountAndOwnUsesAreGivenBack() throws {
        let auth = PriorAuthorization(id: 1, patientId: "P", payer: "cigna", service: "spravato", status: .approved, units: 1,
                                      start: LocalDate(iso: "2026-01-01"), end: LocalDate(iso: "2026-12-31"))
        let ledger = AuthorizationLedger(all: [auth])
        let use = AuthorizationUse(authorizationId: 1, authNumber: nil, service: "spravato")
        ledger.consume([use], patientId: "P")
        #expect(try ledger.authorizations(for: "P").first?.unitsUsed == 1)
        #expect(try ledger.authorizations(for: "P", excludingUsesOf: [1]).first?.unitsUsed == 0)
        ledger.release([use], patientId: "P")
        #expect(try ledger.authorizations(for: "P").first?.unitsUsed == 0)
        #expect(try ledger.authorizations(for: "Q").isEmpty)
    }
}

@Suite struct AuthorizationLedgerOwnUseTests {
    /// An encounter billed again (a new line) on an authorization it already used in an earlier run:
    /// that unit is in the stored count already, so the next encounter still finds the one left.
    @Test func aReusedOwnUnitIsNotCountedTwice() throws {
        let auth = PriorAuthorization(id: 1, patientId: "P", payer: "cigna", service: "spravato", status: .approved, units: 2,
                                      start: LocalDate(iso: "2026-01-01"), end: LocalDate(iso: "2026-12-31"))
        var stored = auth
        stored.unitsUsed = 1
        let ledger = AuthorizationLedger(all: [stored])
        let use = AuthorizationUse(authorizationId: 1, authNumber: nil, service: "spravato")
        ledger.consume([use], patientId: "P", ownUses: [1])
        #expect(try ledger.authorizations(for: "P").first?.unitsUsed == 1)
        ledger.release([use], patientId: "P", ownUses: [1])
        #expect(try ledger.authorizations(for: "P").first?.unitsUsed == 1)
        ledger.consume([use], patientId: "P")
        #expect(try ledger.authorizations(for: "P").first?.unitsUsed == 2)
    }
}

@Suite struct BatchRunnerFailureTests {
    /// A document that cannot be written while blocks are in flight: the run fails with the error,
    /// waits for its drafts (no hang) and records nothing.
    @Test(.timeLimit(.minutes(1)))
    func aFailingSuperbillStopsTheRunWithoutHanging() throws {
        struct DiskFull: Error {}
        let root = try Fixtures.temporaryDirectory("runner-failure")
        let rules = EncounterFileReaderTests.rules
        let clinic = try ClinicProfileLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path)
        let store = try ClaimsStore(path: root.appendingPathComponent("s.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        let asOf = LocalDate(iso: "2026-11-20")!
        // 1,000 copies of a self-pay IV ketamine encounter (each gets a superbill): many blocks, so
        // the failure comes while the next block's drafts are running.
        let samples = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        guard case .array(let encounters) = try JSONParser.parse(String(decoding: samples, as: UTF8.self)),
              case .object(var selfPay)? = encounters.first(where: { $0["id"] == .string("ENC-2026-0019") }) else {
            Issue.record("sample ENC-2026-0019 is missing"); return
        }
        var lines: [String] = []
        for index in 0..<1_000 {
            selfPay["id"] = .string("KET-\(index)")
            lines.append(JSONValue.object(selfPay).jsonText)
        }
        let input = root.appendingPathComponent("in.jsonl").path
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let runner = BatchRunner(
            configuration: .init(inputPath: input, outputDirectory: root.appendingPathComponent("out").path, asOf: asOf,
                                 createdDate: asOf, createdTime: "1730", rules: rules, clinic: clinic,
                                 pdfWriter: { _, _ in throw DiskFull() }),
            store: StoreBatchAdapter(store: store))
        #expect(throws: DiskFull.self) { try runner.run() }
        #expect(try store.claims(since: LocalDate(iso: "2000-01-01")!).isEmpty)
    }
}

@Suite struct BatchReportTests {
    @Test func theSummaryNamesEncountersByIdOnly() {
        var report = BatchReport(asOf: LocalDate(iso: "2026-11-20")!, run: 3, input: "in.json", createdAt: "2026-11-20 17:30")
        report.payers = [.init(payer: "cigna", claims: 2, lines: 3, amount: "1080.00", file: "x12/cigna-000000003.x12", interchangeControlNumber: "000000003")]
        report.held = [.init(encounter: "ENC-1", payer: "cigna", line: 1, code: "J0013", service: "spravato", decision: "hold",
                             reasons: [Reason(rule: "cigna/spravato/prior-auth", message: "prior authorization required")])]
        let text = report.summaryText
        #expect(text.contains("cigna       2      3  1080.00"))
        #expect(text.contains("ENC-1 line 1 J0013: prior authorization required"))
        let html = report.html()
        #expect(html.contains("<h2>Held</h2>"))
        #expect(html.contains("cigna/spravato/prior-auth"))
    }

    @Test func htmlIsEscaped() {
        var report = BatchReport(asOf: LocalDate(iso: "2026-11-20")!, run: 1, input: "<script>.json", createdAt: "x")
        report.warnings = [.init(encounter: "E", rule: "r", message: "a < b & c")]
        let html = report.html()
        #expect(!html.contains("<script>"))
        #expect(html.contains("a &lt; b &amp; c"))
    }
}

@Suite struct MoneyInTheStoreTests {
    @Test func amountsAreStoredAsExactCents() throws {
        let workspace = try Fixtures.temporaryDirectory("cents")
        let store = try ClaimsStore(path: workspace.appendingPathComponent("s.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        let adapter = StoreBatchAdapter(store: store)
        let claim = PreparedRun.ClaimRecord(encounterId: "E1", patientId: "P", payer: "cigna", dateOfService: "2026-11-03", x12File: "x", fhirFile: "f",
                                            interchangeControlNumber: "000000001", groupControlNumber: "1", transactionSetControlNumber: "0001",
                                            totalCents: Money.cents(of: Decimal(string: "1289.82")!), authNumber: nil, ruleVersion: "v",
                                            lines: [.init(line: 1, code: "G2083", chargeCents: Money.cents(of: Decimal(string: "1289.82")!)),
                                                    .init(line: 2, code: "99214", chargeCents: Money.cents(of: Decimal(string: "0.50")!))])
        let run = PreparedRun(runNumber: 1, outputDirectory: "/tmp", workDirectory: "/tmp/w", moves: [], claims: [claim], superbills: [
            .init(encounterId: "E2", file: "s", totalCents: Money.cents(of: 905), balanceDueCents: Money.cents(of: Decimal(string: "405.5")!))],
                              authorizationUses: [])
        try adapter.recordPrepared(run)
        let claims = try store.claims(since: LocalDate(iso: "2026-01-01")!)
        #expect(claims.map(\.totalCents) == [128_982])
        #expect(try store.billedLines(encounterId: "E1") == [1, 2])
    }
}
