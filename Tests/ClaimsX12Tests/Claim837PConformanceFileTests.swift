import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// Scenario files for the independent validator. Always encoded and self-checked here; written to
/// `$CLAIMS_WRITE_837P_DIR` when set, then checked with `scripts/validate-837p.sh DIR/*.x12`:
///
///     CLAIMS_WRITE_837P_DIR=/tmp/837p swift test --filter Claim837PConformanceFileTests
///     scripts/validate-837p.sh /tmp/837p/*.x12
@Suite struct Claim837PConformanceFileTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var name: String
        var payer: PayerRules
        var evaluations: [EncounterEvaluation]
        var envelope: EnvelopeContext
        var description: String { name }
    }

    static func envelope(_ number: Int) -> EnvelopeContext {
        EnvelopeContext(interchangeControlNumber: number, groupControlNumber: number,
                        creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "1030")
    }

    static let scenarios: [Scenario] = {
        let spravato = Fixtures.encounter(id: "ENC-SELF-1")
        let tms = Fixtures.encounter(id: "ENC-TMS-1", date: "2026-11-04", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "90868", units: 1, charge: 300, diagnosisPointers: [1]),
        ])
        let telehealth = Fixtures.encounter(id: "ENC-TELE-1", date: "2026-11-05", diagnoses: ["F43.10", "F41.1"], services: [
            ServiceLine(code: "99214", modifiers: ["95"], units: 1, charge: Decimal(string: "185.50")!, diagnosisPointers: [1, 2]),
            ServiceLine(code: "90833", modifiers: ["95"], units: 1, charge: 95, diagnosisPointers: [2]),
        ])
        var homeTelehealth = telehealth
        homeTelehealth.id = "ENC-TELE-2"
        homeTelehealth.placeOfService = "10"
        var officeTelehealth = telehealth
        officeTelehealth.placeOfService = "02"
        let ketamine = Fixtures.encounter(id: "ENC-KET-1", date: "2026-11-06", diagnoses: ["F33.2", "R45.851"], services: [
            ServiceLine(code: "96365", units: 1, charge: 450, diagnosisPointers: [1, 2]),
            ServiceLine(code: "J3490", units: 1, charge: Decimal(string: "95.25")!, diagnosisPointers: [1],
                        ndc: "00409205002", ndcQuantity: Decimal(string: "2.5")!, ndcUnit: "ML"),
        ])
        var accented = X12Fixtures.officeVisit(id: "ENC-ACCENT-1")
        accented.patient.person.firstName = "José"
        accented.patient.person.middleName = "Zoë"
        accented.patient.person.lastName = "Müller-Peña"
        accented.patient.person.address.line1 = "12 Rue de l\u{2019}Église"
        accented.patient.person.address.line2 = "Apt 3B"
        var noGroup = X12Fixtures.officeVisit(id: "ENC-NOGRP-1")
        noGroup.coverage?.groupNumber = nil

        let bill = { (encounter: Encounter, auth: String?) in X12Fixtures.evaluation(encounter, authNumber: auth) }
        return [
            Scenario(name: "self-subscriber", payer: X12Fixtures.bcbs,
                     evaluations: [bill(X12Fixtures.officeVisit(id: "ENC-OV-1"), nil)], envelope: envelope(201)),
            Scenario(name: "dependent", payer: X12Fixtures.bcbs,
                     evaluations: [bill(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "ENC-DEP-1")), nil),
                                   bill(X12Fixtures.dependent(tms, relationship: .spouse), "PA-TMS-77"),
                                   bill(X12Fixtures.dependent(X12Fixtures.officeVisit(id: "ENC-DEP-3"), relationship: .other), nil)],
                     envelope: envelope(202)),
            Scenario(name: "ndc-and-prior-auth", payer: X12Fixtures.bcbs,
                     evaluations: [bill(spravato, "PA2026000123"), bill(ketamine, nil), bill(officeTelehealth, nil),
                                   bill(homeTelehealth, nil), bill(accented, nil), bill(noGroup, nil)],
                     envelope: envelope(203)),
            Scenario(name: "payer-bcbs", payer: X12Fixtures.bcbs,
                     evaluations: [bill(X12Fixtures.officeVisit(id: "ENC-P1-1"), nil), bill(Fixtures.encounter(id: "ENC-P1-2"), "PA-1")],
                     envelope: envelope(204)),
            Scenario(name: "payer-medicaid", payer: X12Fixtures.medicaid,
                     evaluations: [bill(X12Fixtures.officeVisit(id: "ENC-P2-1", payer: "il-medicaid"), nil),
                                   bill(X12Fixtures.dependent(Fixtures.encounter(id: "ENC-P2-2", payer: "il-medicaid")), "MCD-555")],
                     envelope: envelope(205)),
            Scenario(name: "split-5001", payer: X12Fixtures.bcbs,
                     evaluations: (1...5_001).map { number in
                         var encounter = X12Fixtures.officeVisit(id: "ENC-S-\(number)")
                         encounter.coverage?.memberId = "M\(number % 700)"  // some subscribers with several claims
                         return bill(encounter, nil)
                     },
                     envelope: envelope(206)),
        ]
    }()

    @Test(arguments: scenarios)
    func scenarioEncodesToAWellFormedInterchange(_ scenario: Scenario) throws {
        let interchange = try Claim837PEncoder(clinic: Fixtures.clinic, payer: scenario.payer)
            .encode(scenario.evaluations, envelope: scenario.envelope)
        let document = try X12Reader.read(interchange.text)
        #expect(document.envelopeProblems().isEmpty)
        #expect(try X12Writer.write(document) == interchange.text)
        #expect(interchange.text.unicodeScalars.allSatisfy { $0.isASCII })

        if let directory = ProcessInfo.processInfo.environment["CLAIMS_WRITE_837P_DIR"], !directory.isEmpty {
            let url = URL(fileURLWithPath: directory, isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try interchange.text.write(to: url.appendingPathComponent("\(scenario.name).x12"), atomically: true, encoding: .utf8)
        }
    }
}
