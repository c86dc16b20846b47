import ClaimsCore
@testable import ClaimsEngine
import ClaimsRules
import ClaimsStore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// Good Faith Estimates (issue 13 item 4, 45 CFR 149.610): who gets one, what it lists, what the store
/// keeps, the batch's warning when a self-pay bill is $400 or more above it, and the checklist's entry.
/// Real rule files, a real SQLite store, real PDF bytes read back with pdftotext.
@Suite struct EstimateTests {
    static let rules = SampleGoldenTests.rules
    static let clinic = SampleGoldenTests.clinic
    static let asOf = LocalDate(iso: "2026-11-20")!
    static let sample = Fixtures.repositoryRoot.appendingPathComponent("Samples/estimates/schedule.json")

    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    static func scheduled(_ path: URL = sample) throws -> [Encounter] {
        let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf, allowFutureDates: true)
        var encounters: [Encounter] = []
        try EncounterFileReader(decoder: decoder).read(path: path.path) { record in
            #expect(record.errors.isEmpty, "\(record.id): \(record.errors)")
            if let encounter = record.encounter { encounters.append(encounter) }
        }
        return encounters
    }

    static func build(_ encounters: [Encounter]) -> [GoodFaithEstimate] {
        GoodFaithEstimateBuilder(rules: rules, clinic: clinic).build(encounters: encounters, authorizations: [], asOf: asOf)
    }

    static func encounter(_ id: String, patient: String, payer: String?, date: String = "2026-11-24", diagnoses: [String] = ["F33.2"],
                          services: [ServiceLine], agreements: [PatientAgreement] = []) -> Encounter {
        var encounter = Fixtures.encounter(id: id, date: date, payer: payer, diagnoses: diagnoses, services: services)
        encounter.patient.id = patient
        encounter.agreements = agreements
        return encounter
    }

    static let ketamine = [ServiceLine(code: "96365", charge: 450, diagnosisPointers: [1]),
                           ServiceLine(code: "J3490", charge: 95, diagnosisPointers: [1], ndc: "42023011310", ndcQuantity: 1, ndcUnit: "ML")]
    static let sgb = [ServiceLine(code: "64510", modifiers: ["RT"], charge: 950, diagnosisPointers: [1]),
                      ServiceLine(code: "77002", charge: 180, diagnosisPointers: [1])]

    // MARK: Who gets an estimate

    @Test func oneEstimatePerUninsuredOrSelfPayPatient() throws {
        let estimates = Self.build(try Self.scheduled())
        #expect(estimates.map(\.number) == ["GFE-PT-1020-20261120", "GFE-PT-1021-20261120"])
        let lucia = try #require(estimates.first)
        #expect(lucia.items.count == 10, "the visit and three infusions of three lines each")
        #expect(Money.format(lucia.total) == "2410.00", "325.00 + 3 × (450.00 + 150.00 + 95.00)")
        #expect(lucia.dates == [Self.date("2026-11-24"), Self.date("2026-11-27"), Self.date("2026-12-01")])
        #expect(lucia.primaryService == "IV ketamine infusion (3 scheduled sessions)")
        #expect(lucia.diagnoses.map(\.dotted) == ["F33.2", "F41.1"])
        #expect(lucia.items.first?.diagnoses.map(\.dotted) == ["F33.2", "F41.1"], "the visit points at both diagnoses")
        #expect(lucia.providers.map(\.npi) == [Self.clinic.billingProvider.npi, "1234567893"])
        #expect(lucia.providers.allSatisfy { $0.taxId == Self.clinic.billingProvider.taxId })
        #expect(lucia.providers.last?.name == "Ravi Patel, MD", "the clinic profile's name and credentials")
        #expect(lucia.sites.map(\.name) == ["SIIP Marion Treatment Center"])
        #expect(lucia.sites.first?.npi == "1386719441")
        let grant = try #require(estimates.last)
        #expect(grant.items.map(\.code) == ["64510", "76942"], "Aetna will not pay for an SGB for PTSD: investigational, self-pay")
        #expect(grant.items.allSatisfy { $0.basis.contains("investigational") })
    }

    /// Lines a plan is billed for (GA after an ABN option 1 too) are not estimated; lines waiting only
    /// for the patient's ABN or private-pay signature are, since the estimate is due at scheduling.
    @Test func onlyWhatThePatientPaysWithoutAClaimIsEstimated() throws {
        let abnOne = PatientAgreement(kind: .abn, signed: Self.date("2026-11-20"), option: 1)
        let abnTwo = PatientAgreement(kind: .abn, signed: Self.date("2026-11-20"), option: 2)
        let encounters = [
            Self.encounter("S-1", patient: "P-GA", payer: "medicare-j6", diagnoses: ["F43.10"], services: Self.sgb, agreements: [abnOne]),
            Self.encounter("S-2", patient: "P-ABN2", payer: "medicare-j6", diagnoses: ["F43.10"], services: Self.sgb, agreements: [abnTwo]),
            Self.encounter("S-3", patient: "P-NOABN", payer: "medicare-j6", diagnoses: ["F43.10"], services: Self.sgb),
            Self.encounter("S-4", patient: "P-TMS", payer: "il-medicaid", services: [ServiceLine(code: "90868", charge: 300, diagnosisPointers: [1])]),
            Self.encounter("S-5", patient: "P-VISIT", payer: "il-medicaid", services: [ServiceLine(code: "99214", charge: 210, diagnosisPointers: [1])]),
            Self.encounter("S-6", patient: "P-KET", payer: "bcbs-il", services: Self.ketamine),
        ]
        let estimates = Self.build(encounters)
        #expect(estimates.map(\.patient.id) == ["P-ABN2", "P-NOABN", "P-TMS", "P-KET"])
        #expect(estimates[1].items.first?.basis == "not covered by the plan; the patient pays once the Medicare Advance Beneficiary Notice (ABN, CMS-R-131) is signed")
        #expect(estimates[2].items.map(\.code) == ["90868"])
        #expect(Money.format(estimates[3].total) == "545.00")
    }

    // MARK: The document

    @Test func theHTMLCarriesEveryRequiredElement() throws {
        let estimate = try #require(Self.build(try Self.scheduled()).first)
        let html = EstimateRenderer(clinic: Self.clinic).html(estimate)
        for element in ["Lucía Ortega", "04/02/1979", "IV ketamine infusion", "96365", "J3490", "99204-25", "F33.2", "F41.1",
                        "$450.00", "$2,410.00", "1245319599", "37-1234567", "1234567893", "SIIP Marion Treatment Center",
                        "2800 W Deyoung St", "Items scheduled separately", "not a contract", "may differ",
                        "at least $400 more", "patient-provider dispute resolution", "www.cms.gov/nosurprises",
                        "Keep a copy", "Date of Good Faith Estimate: 11/20/2026"] {
            #expect(html.contains(element), "missing: \(element)")
        }
        #expect(!html.contains("<script"), "input is escaped")
        #expect(html == EstimateRenderer(clinic: Self.clinic).html(estimate), "deterministic")
    }

    @Test(.enabled(if: InstalledTools.pdftotext != nil, "pdftotext (poppler-utils) not installed: apt-get install poppler-utils"))
    func thePDFCarriesTheSameElements() throws {
        let directory = try Fixtures.temporaryDirectory("estimate-pdf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let estimate = try #require(Self.build(try Self.scheduled()).first)
        let data = EstimatePDFWriter(clinic: Self.clinic).pdf(estimate)
        #expect(data.starts(with: Data("%PDF-1.4".utf8)))
        #expect(data == EstimatePDFWriter(clinic: Self.clinic).pdf(estimate), "same input, same bytes")
        let file = directory.appendingPathComponent("estimate.pdf")
        try data.write(to: file)
        let text = try InstalledTools.text(ofPDF: file)
        for element in ["GOOD FAITH ESTIMATE", "Lucía Ortega", "04/02/1979", "96365", "$2,410.00", "1245319599", "37-1234567",
                        "SIIP Marion Treatment Center", "ITEMS SCHEDULED SEPARATELY", "NOT A CONTRACT", "$400", "www.cms.gov/nosurprises",
                        "KEEP A COPY", "Date of Good Faith Estimate: 11/20/2026"] {
            #expect(text.contains(element), "missing from the PDF: \(element)")
        }
    }

    // MARK: The store, the batch warning and the checklist

    @Test func issuingWritesTheFilesAndRecordsTheEstimatesOnce() throws {
        let directory = try Fixtures.temporaryDirectory("estimate-issue")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ClaimsStore(path: directory.appendingPathComponent("claims.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        let issuer = EstimateIssuer(rules: Self.rules, clinic: Self.clinic, asOf: Self.asOf)
        let out = directory.appendingPathComponent("out").path
        let issued = try issuer.issue(encounters: try Self.scheduled(), authorizations: [], outputDirectory: out, store: store)
        #expect(issued.map(\.htmlFile) == ["estimates/GFE-PT-1020-20261120.html", "estimates/GFE-PT-1021-20261120.html"])
        let files = try FileManager.default.contentsOfDirectory(atPath: out + "/estimates").sorted()
        #expect(files == ["GFE-PT-1020-20261120.html", "GFE-PT-1020-20261120.pdf", "GFE-PT-1021-20261120.html", "GFE-PT-1021-20261120.pdf"])
        // Again the same day: the same estimates, replaced, not added.
        _ = try issuer.issue(encounters: try Self.scheduled(), authorizations: [], outputDirectory: out, store: store)
        let counts = try store.rowCounts()
        #expect(counts["good_faith_estimate"] == 2 && counts["estimate_item"] == 12)
        let onFile = try store.estimates(forPatients: ["PT-1020"])
        #expect(onFile.count == 1 && onFile[0] == issued[0].estimate.onFile)
        #expect(try store.estimates(forPatients: []).isEmpty)
    }

    static func billed(_ charges: [Decimal], date: String = "2026-11-27") throws -> EncounterEvaluation {
        var encounter = Self.encounter("B-1", patient: "PT-1020", payer: nil, date: date, services: charges.enumerated().map { index, charge in
            ServiceLine(code: index == 0 ? "96365" : "96366", charge: charge, diagnosisPointers: [1])
        })
        encounter.dateOfService = Self.date(date)
        return try EvaluationPass(rules: Self.rules, asOf: Self.date("2026-12-15"), ledger: AuthorizationLedger(all: []))
            .evaluate(DecodedRecord(ordinal: 1, line: 1, id: encounter.id, encounter: encounter, errors: []))
    }

    /// 45 CFR 149.620: a bill at least $400 above the estimate (for the same date) is a warning.
    @Test(arguments: [(Decimal(1094.99), false), (Decimal(1095), true), (Decimal(2000), true)])
    func aSelfPayBill400AboveTheEstimateIsAWarning(charged: Decimal, warns: Bool) throws {
        let estimate = try #require(Self.build(try Self.scheduled()).first).onFile   // 695.00 expected on 2026-11-27
        let evaluation = try Self.billed([charged])
        let warning = EstimateOnFile.excessWarning(evaluation, estimates: [estimate])
        #expect((warning != nil) == warns)
        if warns {
            #expect(warning?.rule == "estimate/exceeded")
            #expect(warning?.message.hasPrefix("self-pay charges of \(Money.format(charged)) on 2026-11-27 exceed Good Faith Estimate GFE-PT-1020-20261120 (issued 2026-11-20: 695.00 for that date) by \(Money.format(charged - 695))") == true)
        }
        #expect(EstimateOnFile.excessWarning(try Self.billed([charged], date: "2026-11-28"), estimates: [estimate]) == nil,
                "no estimate for that date: nothing to compare")
        var later = estimate
        later.number = "GFE-PT-1020-20261126"; later.issued = Self.date("2026-11-26")
        later.items = later.items.map { var item = $0; item.charge *= 3; return item }
        #expect(EstimateOnFile.excessWarning(evaluation, estimates: [estimate, later]) == nil, "the latest estimate counts")
    }

    @Test func theChecklistSaysWhetherTheEstimateWasGiven() throws {
        let encounters = try Self.scheduled()
        let builder = ChecklistBuilder(rules: Self.rules, clinic: Self.clinic)
        let before = builder.build(encounters: encounters, authorizations: [], asOf: Self.asOf)
        let item = try #require(before.items.first { $0.patient == "PT-1020" && $0.service == "iv-ketamine" })
        let document = try #require(item.patientDocuments.first { $0.kind == "good-faith-estimate" })
        #expect(!document.onFile && document.signed == nil && document.codes == ["96365", "96366", "J3490"])
        #expect(!item.ready)
        #expect(item.nextSteps.contains { $0.hasPrefix("give the patient a Good Faith Estimate for iv-ketamine (96365, 96366, J3490) before treatment on 2026-11-24, 2026-11-27, 2026-12-01") })
        #expect(before.text().contains("✗ Good Faith Estimate of expected charges (No Surprises Act, 45 CFR 149.610) for 96365, 96366, J3490: NOT given (none on file)"))

        let estimates = Self.build(encounters).map(\.onFile)
        let after = builder.build(encounters: encounters, authorizations: [], asOf: Self.asOf, estimates: estimates)
        let given = try #require(after.items.first { $0.patient == "PT-1020" && $0.service == "iv-ketamine" })
        #expect(given.patientDocuments.first { $0.kind == "good-faith-estimate" }?.onFile == true)
        #expect(given.patientDocuments.first { $0.kind == "good-faith-estimate" }?.signed == Self.asOf)
        #expect(given.ready)
        #expect(after.text().contains("given 2026-11-20 (on file)"))
    }
}
