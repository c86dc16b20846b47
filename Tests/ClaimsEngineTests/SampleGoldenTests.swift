import ClaimsCore
import ClaimsEngine
import ClaimsFHIR
import ClaimsRules
import ClaimsSuperbill
import ClaimsTestSupport
import ClaimsX12
import Foundation
import Testing

/// Golden files for every sample scenario (Samples/expected/): each encounter's 837P (alone in an
/// interchange with fixed control numbers), its FHIR Claim, its superbill HTML, and the decisions of
/// the whole file. `RECORD_GOLDENS=1 swift test --filter SampleGoldenTests` re-records them (and fails on purpose).
@Suite struct SampleGoldenTests {
    static let root = Fixtures.repositoryRoot
    static let expected = root.appendingPathComponent("Samples/expected")
    static let asOf = LocalDate(iso: "2026-11-20")!

    /// The sample encounters evaluated in file order as the batch would, with the seeded authorizations.
    static let evaluations: [EncounterEvaluation] = {
        let rules = try! RuleBookLoader.load(directory: root.appendingPathComponent("Payers").path)
        let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf)
        let records = try! EncounterFileReader(decoder: decoder).readAll(path: root.appendingPathComponent("Samples/encounters.json").path)
        let ledger = AuthorizationLedger(all: seededAuthorizations())
        let evaluator = EncounterEvaluator(rules: rules, asOf: asOf)
        return records.map { record in
            let patient = record.encounter?.patient.id ?? ""
            let evaluation = evaluator.evaluate(record, authorizations: (try? ledger.authorizations(for: patient)) ?? [])
            if evaluation.lines.contains(where: { $0.decision == .bill }) { ledger.consume(evaluation.authorizationUses, patientId: patient) }
            return evaluation
        }
    }()

    static let rules = try! RuleBookLoader.load(directory: root.appendingPathComponent("Payers").path)
    static let clinic = try! ClinicProfileLoader.load(path: root.appendingPathComponent("Samples/clinic.yaml").path)

    /// The authorizations `scripts/seed-sample-authorizations.sh` records, with the ids the store gives them.
    static func seededAuthorizations() -> [PriorAuthorization] {
        var result: [PriorAuthorization] = []
        for words in SampleAuthorizations.addArguments() {
            var options: [String: String] = [:]
            var index = 0
            while index + 1 < words.count { options[words[index]] = words[index + 1]; index += 2 }
            result.append(PriorAuthorization(
                id: Int64(result.count + 1), patientId: options["--patient"]!, payer: options["--payer"]!, service: options["--service"]!,
                status: AuthorizationStatus(rawValue: options["--status"]!)!, authNumber: options["--auth-number"],
                units: options["--units"].flatMap { Int($0) }, start: options["--start"].flatMap { LocalDate(iso: $0) },
                end: options["--end"].flatMap { LocalDate(iso: $0) }, note: options["--note"]))
        }
        return result
    }

    static var scenarios: [String] { evaluations.map(\.encounterId) }

    static func evaluation(_ id: String) -> EncounterEvaluation { evaluations.first { $0.encounterId == id }! }

    @Test func theSeededAuthorizationsAreRead() {
        #expect(Self.seededAuthorizations().count == 10)
    }

    @Test func decisionsOfTheWholeFile() throws {
        var report = CheckReport(asOf: Self.asOf)
        report.results = Self.evaluations.map(CheckReport.result(for:))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Golden.check(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", against: Self.expected.appendingPathComponent("check.json"))
    }

    @Test(arguments: SampleGoldenTests.scenarios)
    func documentsOfEachScenario(_ id: String) throws {
        let evaluation = Self.evaluation(id)
        let encounter = try #require(evaluation.encounter)
        let payer = try #require(Self.rules.payer(encounter.payerSlug))
        let hasBill = evaluation.lines.contains { $0.decision == .bill }
        let hasSuperbill = evaluation.lines.contains { $0.decision == .superbill }
        if hasBill {
            let envelope = EnvelopeContext(interchangeControlNumber: 1, groupControlNumber: 1, creationDate: Self.asOf, creationTime: "1730")
            let interchange = try Claim837PEncoder(clinic: Self.clinic, payer: payer).encode([evaluation], envelope: envelope)
            Golden.check(interchange.text, against: Self.expected.appendingPathComponent("\(id).837p.x12"))
            let xml = try FHIRClaimWriter(clinic: Self.clinic, created: Self.asOf).claimXML(for: evaluation, payer: payer)
            Golden.check(String(decoding: xml, as: UTF8.self), against: Self.expected.appendingPathComponent("\(id).claim.xml"))
        }
        if hasSuperbill {
            let renderer = SuperbillRenderer(clinic: Self.clinic, statementDate: Self.asOf, codes: Self.rules.codes)
            let html = try renderer.html(for: evaluation, payerName: payer.isSelfPay ? nil : payer.name)
            Golden.check(html, against: Self.expected.appendingPathComponent("\(id).superbill.html"))
        }
        if !hasBill && !hasSuperbill {
            // Nothing leaves the clinic for this scenario: no golden document may exist for it either.
            #expect(!FileManager.default.fileExists(atPath: Self.expected.appendingPathComponent("\(id).837p.x12").path))
        }
    }
}
