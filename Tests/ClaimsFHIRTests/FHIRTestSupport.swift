import ClaimsCore
@testable import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import FoundationXML
import Testing

/// Evaluations and XPath helpers for the FHIR tests.
enum FHIRFixtures {
    static let payer = PayerRules(slug: "bcbs-il", name: "Blue Cross and Blue Shield of Illinois", payerId: "00621", rules: [])
    static let created = LocalDate(iso: "2026-11-20")!
    static let timestamp = "2026-11-20T09:30:00Z"
    static let aetna = PayerRules(slug: "aetna", name: "Aetna", payerId: "60054", rules: [])

    /// The entry holding a `resource` (`Patient`, `Practitioner`…) among a claim's entries.
    static func entry(_ resource: String, in entries: [FHIRClaimWriter.Entry]) throws -> FHIRClaimWriter.Entry {
        try #require(entries.first { String(decoding: $0.xml, as: UTF8.self).contains("<\(resource) ") })
    }

    /// A child on a parent's BCBS plan with Aetna as the second plan (a spouse's).
    static func dependentWithSecondPlan() -> Encounter {
        var encounter = Fixtures.encounter(id: "ENC-0007")
        let parent = Person(firstName: "Maria", middleName: nil, lastName: "Reyes", dateOfBirth: LocalDate(iso: "1960-05-02")!,
                            sex: .female, address: encounter.patient.person.address, phone: nil)
        encounter.coverage = Coverage(payer: "bcbs-il", memberId: "XOF555000111", groupNumber: "G-5521", relationship: .child, subscriber: parent)
        encounter.secondaryCoverage = Coverage(payer: "aetna", memberId: "W123456789", groupNumber: nil, relationship: .`self`, subscriber: nil)
        return encounter
    }

    /// `encounter` with one decision per service line (all `bill` by default).
    static func evaluation(_ encounter: Encounter = Fixtures.encounter(), decisions: [Decision]? = nil,
                           authNumber: String? = nil) -> EncounterEvaluation {
        let decisions = decisions ?? Array(repeating: .bill, count: encounter.services.count)
        return EncounterEvaluation(
            encounterId: encounter.id, recordOrdinal: 1, sourceLine: 1, encounter: encounter, payer: encounter.payerSlug,
            lines: encounter.services.enumerated().map { offset, line in
                LineDecision(line: offset + 1, code: line.code, service: "test", decision: decisions[offset], reasons: [])
            },
            authorizationUses: authNumber.map { [AuthorizationUse(authorizationId: 1, authNumber: $0, service: "spravato")] } ?? [])
    }

    static func patient(firstName: String, lastName: String) -> Encounter {
        var encounter = Fixtures.encounter()
        encounter.patient = Fixtures.patient(firstName: firstName, lastName: lastName)
        return encounter
    }
}

/// Reads `value` attributes by a path of local names (`Claim/item/net/value`), ignoring the namespace.
struct ParsedFHIR {
    let document: XMLDocument

    init(_ data: Data) throws { document = try XMLDocument(data: data, options: []) }

    func values(_ path: String) throws -> [String] {
        try document.nodes(forXPath: xpath(path) + "/@value").compactMap(\.stringValue)
    }

    func value(_ path: String) throws -> String? { try values(path).first }

    func count(_ path: String) throws -> Int { try document.nodes(forXPath: xpath(path)).count }

    /// Element names under `path`, in document order.
    func childNames(_ path: String) throws -> [String] {
        try document.nodes(forXPath: xpath(path) + "/*").compactMap(\.localName)
    }

    private func xpath(_ path: String) -> String {
        path.split(separator: "/").map { step -> String in
            // `item[2]` keeps its predicate.
            if let bracket = step.firstIndex(of: "[") {
                return "*[local-name()='\(step[..<bracket])']\(step[bracket...])"
            }
            return "*[local-name()='\(step)']"
        }.map { "/" + $0 }.joined()
    }
}
