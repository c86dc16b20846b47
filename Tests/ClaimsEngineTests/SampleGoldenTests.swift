import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// Golden files for what the batch really writes (Samples/expected/batch/): the real `BatchRunner`
/// over Samples/encounters.json, with the sample authorizations in a real SQLite store and the
/// processing date and creation moment fixed, so every byte is reproducible. Each file the run
/// writes — the 837P per payer (x12/), the FHIR Bundle per payer (fhir/), the superbill HTML
/// (superbills/; PDFs are left out: `--no-pdf`) and report.json — is compared with its golden, and
/// the set of files must match too. `RECORD_GOLDENS=1 swift test --filter SampleGoldenTests`
/// re-records them (and fails on purpose). `claims check`'s decisions are in Samples/expected/check.json.
@Suite struct SampleGoldenTests {
    static let root = Fixtures.repositoryRoot
    static let expected = root.appendingPathComponent("Samples/expected")
    static let batchGoldens = expected.appendingPathComponent("batch")
    static let input = root.appendingPathComponent("Samples/encounters.json")
    static let asOf = LocalDate(iso: "2026-11-20")!
    static let rules = try! RuleBookLoader.load(directory: root.appendingPathComponent("Payers").path)
    static let clinic = try! ClinicProfileLoader.load(path: root.appendingPathComponent("Samples/clinic.yaml").path)

    /// The authorizations `scripts/seed-sample-authorizations.sh` records, in its order (ids 1, 2, …).
    static func sampleAuthorizations() -> [PriorAuthorization] {
        SampleAuthorizations.addArguments().map { words in
            var options: [String: String] = [:]
            var index = 0
            while index + 1 < words.count { options[words[index]] = words[index + 1]; index += 2 }
            return PriorAuthorization(
                patientId: options["--patient"]!, payer: options["--payer"]!, service: options["--service"]!,
                status: AuthorizationStatus(rawValue: options["--status"]!)!, authNumber: options["--auth-number"],
                units: options["--units"].flatMap { Int($0) }, start: options["--start"].flatMap { LocalDate(iso: $0) },
                end: options["--end"].flatMap { LocalDate(iso: $0) }, note: options["--note"],
                submittedOn: options["--status"] == "submitted" ? asOf : nil)
        }
    }

    /// A fresh store seeded with the sample authorizations (the store's clock fixed too).
    static func seededStore(in directory: URL) throws -> ClaimsStore {
        let clock = Date(timeIntervalSince1970: 1_795_186_800)   // 2026-11-20T15:00:00Z
        let store = try ClaimsStore(path: directory.appendingPathComponent("claims.sqlite").path, configuration: .init(clock: { clock }))
        let vocabulary = AuthorizationVocabulary(payers: Set(rules.payers.keys), services: Set(rules.codes.codes.values.map(\.service)))
        for auth in sampleAuthorizations() { _ = try store.add(auth, by: "front-desk", vocabulary: vocabulary) }
        return store
    }

    /// Runs the batch into `directory/out` and returns every file it wrote, by path inside out/.
    static func runBatch(in directory: URL) throws -> (report: BatchReport, files: [String: Data]) {
        let store = try seededStore(in: directory)
        defer { try? store.close() }
        let out = directory.appendingPathComponent("out")
        let runner = BatchRunner(configuration: .init(inputPath: input.path, outputDirectory: out.path, asOf: asOf, createdDate: asOf,
                                                      createdTime: "1730", rules: rules, clinic: clinic, pdfWriter: nil),
                                 store: StoreBatchAdapter(store: store))
        let report = try runner.run()
        var files: [String: Data] = [:]
        for folder in ["x12", "fhir", "superbills"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(folder).path) {
                files["\(folder)/\(name)"] = try Data(contentsOf: out.appendingPathComponent("\(folder)/\(name)"))
            }
        }
        // The input is named by its absolute path; the golden names it from the repository root.
        let reportText = try String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8)
            .replacingOccurrences(of: root.path + "/", with: "")
        files["report.json"] = Data(reportText.utf8)
        return (report, files)
    }

    @Test func theSampleAuthorizationsAreRead() {
        #expect(Self.sampleAuthorizations().count == 10)
        #expect(Self.sampleAuthorizations().first?.authNumber == "BCB-778812")
    }

    @Test func theBatchWritesTheGoldenFiles() throws {
        let directory = try Fixtures.temporaryDirectory("golden-batch")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (report, files) = try Self.runBatch(in: directory)
        // What the samples demonstrate (Samples/README.md), before any byte comparison.
        #expect(report.encounters == 59)
        #expect(report.rejectedCount == 0)
        // UHC's only billable encounters now wait whole (POLICY §5.1): seven payers get documents
        // (Illinois Medicaid for ENC-2026-0074's visit).
        #expect(files.keys.filter { $0.hasPrefix("x12/") }.count == 7)
        #expect(files.keys.filter { $0.hasPrefix("fhir/") }.count == 7)
        // ENC-2026-0045 has no ABN (POLICY §5.3): held, no superbill; ENC-2026-0071 (ABN option 2) and
        // ENC-2026-0073 (Medicaid private-pay agreement) are receipts.
        #expect(files.keys.filter { $0.hasPrefix("superbills/") }.sorted()
            == ["ENC-2026-0019", "ENC-2026-0020", "ENC-2026-0021", "ENC-2026-0035", "ENC-2026-0060", "ENC-2026-0061",
                "ENC-2026-0071", "ENC-2026-0073"].map { "superbills/\($0).html" })

        let goldens = try Self.goldenFiles()
        if Golden.isRecording {
            for stale in goldens.subtracting(files.keys) {
                try FileManager.default.removeItem(at: Self.batchGoldens.appendingPathComponent(stale))
            }
        } else {
            #expect(Set(files.keys) == goldens, "the batch writes other files than Samples/expected/batch holds")
        }
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            Golden.check(String(decoding: data, as: UTF8.self), against: Self.batchGoldens.appendingPathComponent(path))
        }
    }

    /// The golden files, by path inside Samples/expected/batch.
    static func goldenFiles() throws -> Set<String> {
        var paths: Set<String> = []
        for folder in ["x12", "fhir", "superbills"] {
            let url = batchGoldens.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] { paths.insert("\(folder)/\(name)") }
        }
        if FileManager.default.fileExists(atPath: batchGoldens.appendingPathComponent("report.json").path) { paths.insert("report.json") }
        return paths
    }

    /// `claims check`'s view of the whole file: every line's decision and reasons, with units spent in
    /// file order as `claims check` spends them.
    @Test func decisionsOfTheWholeFile() throws {
        let authorizations = Self.sampleAuthorizations().enumerated().map { index, auth in
            var stored = auth
            stored.id = Int64(index + 1)
            return stored
        }
        let decoder = EncounterDecoder(codes: Self.rules.codes, payers: Set(Self.rules.payers.keys), asOf: Self.asOf)
        let records = try EncounterFileReader(decoder: decoder).readAll(path: Self.input.path)
        // The one evaluation path `claims check` and the batch use (EvaluationPass), with the
        // documents drafted against the sample clinic profile as `claims check` drafts them.
        let pass = EvaluationPass(rules: Self.rules, asOf: Self.asOf, ledger: AuthorizationLedger(all: authorizations))
        let drafter = DocumentDrafter(clinic: Self.clinic, rules: Self.rules, statementDate: Self.asOf, created: Self.asOf)
        var report = CheckReport(asOf: Self.asOf)
        for record in records { report.results.append(CheckReport.result(for: try pass.check(record, drafter: drafter))) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Golden.check(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", against: Self.expected.appendingPathComponent("check.json"))
    }
}
