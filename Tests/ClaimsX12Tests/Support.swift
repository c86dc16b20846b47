import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation

/// Builders shared by the 837P tests.
enum X12Fixtures {
    static let bcbs = PayerRules(slug: "bcbs-il", name: "Blue Cross Blue Shield of Illinois", payerId: "00621",
                                 claimFilingIndicator: "BL", rules: [], sourceFile: "Payers/bcbs-il.yaml")
    static let medicaid = PayerRules(slug: "il-medicaid", name: "Illinois Medicaid", payerId: "ILMCD",
                                     claimFilingIndicator: "MC", rules: [], sourceFile: "Payers/il-medicaid.yaml")

    static let envelope = EnvelopeContext(interchangeControlNumber: 101, groupControlNumber: 101,
                                          creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "1030")

    static let spouse = Person(firstName: "Marco", lastName: "Reyes", dateOfBirth: LocalDate(iso: "1982-06-30")!, sex: .male,
                               address: Fixtures.patientAddress)

    /// An evaluation whose lines all got `decision` (bill by default), with an optional auth number.
    static func evaluation(_ encounter: Encounter, decisions: [Decision]? = nil, authNumber: String? = nil) -> EncounterEvaluation {
        let decisions = decisions ?? Array(repeating: .bill, count: encounter.services.count)
        let lines = encounter.services.enumerated().map { offset, line in
            LineDecision(line: offset + 1, code: line.code, service: "spravato", decision: decisions[offset], reasons: [])
        }
        let uses = authNumber.map { [AuthorizationUse(authorizationId: 1, authNumber: $0, service: "spravato")] } ?? []
        return EncounterEvaluation(encounterId: encounter.id, encounter: encounter, payer: encounter.coverage?.payer,
                                   lines: lines, authorizationUses: uses)
    }

    /// An office visit only (no drug line).
    static func officeVisit(id: String, payer: String = "bcbs-il", date: String = "2026-11-03") -> Encounter {
        Fixtures.encounter(id: id, date: date, payer: payer,
                           services: [ServiceLine(code: "99214", modifiers: ["25"], units: 1, charge: 210, diagnosisPointers: [1])])
    }

    /// The patient as a dependent child of `spouse`.
    static func dependent(_ encounter: Encounter, relationship: Relationship = .child) -> Encounter {
        var copy = encounter
        copy.coverage?.relationship = relationship
        copy.coverage?.subscriber = spouse
        return copy
    }

    static func encode(_ evaluations: [EncounterEvaluation], payer: PayerRules = bcbs, envelope: EnvelopeContext = envelope,
                       maxClaimsPerTransactionSet: Int = Claim837PEncoder.defaultMaxClaimsPerTransactionSet) throws(Claim837PError) -> Claim837PInterchange {
        try Claim837PEncoder(clinic: Fixtures.clinic, payer: payer, maxClaimsPerTransactionSet: maxClaimsPerTransactionSet)
            .encode(evaluations, envelope: envelope)
    }

    /// Segments rendered with the standard delimiters, one string each.
    static func lines(_ interchange: Claim837PInterchange) -> [String] { interchange.segments.map(\.description) }
}
