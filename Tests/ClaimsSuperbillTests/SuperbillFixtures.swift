import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation

enum SuperbillFixtures {
    static let statementDate = LocalDate(iso: "2026-11-20")!

    static let descriptions: [String: String] = [
        "99214": "Office visit, established patient, moderate complexity",
        "90837": "Psychotherapy, 60 minutes",
        "96365": "IV infusion, initial, up to 1 hour",
        "J3490": "Unclassified drug (ketamine)",
    ]

    /// A self-pay IV ketamine visit: E/M + infusion + drug, all on the superbill, paid in part.
    static func ketamineEncounter(firstName: String = "Dana", lastName: String = "Reyes",
                                  payments: [Payment] = [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 500, method: "card")],
                                  diagnoses: [String] = ["F33.2", "R45.851", "Q99.9"]) -> Encounter {
        var encounter = Fixtures.encounter(
            id: "ENC-0042", payer: nil, diagnoses: diagnoses,
            services: [
                ServiceLine(code: "99214", modifiers: ["25"], units: 1, charge: 210, diagnosisPointers: [1]),
                ServiceLine(code: "96365", units: 1, charge: 650, diagnosisPointers: [1, 2]),
                ServiceLine(code: "J3490", units: 50, charge: 75.5, diagnosisPointers: [1], ndc: "42023011310",
                            ndcQuantity: 1, ndcUnit: "ML"),
            ],
            payments: payments)
        encounter.patient = Fixtures.patient(firstName: firstName, lastName: lastName)
        return encounter
    }

    static func evaluation(_ encounter: Encounter = ketamineEncounter(), decisions: [Decision]? = nil) -> EncounterEvaluation {
        let decisions = decisions ?? Array(repeating: .superbill, count: encounter.services.count)
        return EncounterEvaluation(
            encounterId: encounter.id, encounter: encounter, payer: encounter.payerSlug,
            lines: encounter.services.enumerated().map { offset, line in
                LineDecision(line: offset + 1, code: line.code, service: "test", decision: decisions[offset], reasons: [])
            })
    }

    static let renderer = SuperbillRenderer(clinic: Fixtures.clinic, statementDate: statementDate,
                                            procedureDescriptions: descriptions)
}

extension String {
    /// The text of the page with tags removed and whitespace collapsed (what a reader sees).
    var visibleText: String {
        var text = ""
        var inTag = false
        var inStyle = false
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix("<style") { inStyle = true }
            if self[index...].hasPrefix("</style>") { inStyle = false }
            let character = self[index]
            if character == "<" { inTag = true } else if character == ">" { inTag = false; text += " " }
            else if !inTag && !inStyle { text.append(character) }
            index = self.index(after: index)
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
    }
}
