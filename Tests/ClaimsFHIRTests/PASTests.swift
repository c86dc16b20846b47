import ClaimsCore
import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import Testing

/// Da Vinci PAS: the request Bundle (JSON, from the same model as the claims) and the response reader.
@Suite struct PASTests {
    static func request(_ encounter: Encounter = Fixtures.encounter()) -> AuthorizationRequestContent {
        AuthorizationRequestContent(
            trace: "PA4-2", payer: FHIRFixtures.payer, encounter: encounter, service: "spravato", procedureCodes: ["G2083"], units: 8,
            start: LocalDate(iso: "2026-12-01")!, end: LocalDate(iso: "2027-05-31")!,
            requirements: [ChecklistRequirement(id: "rems-enrolled", description: "patient is enrolled in the Spravato REMS", status: .met,
                                                explanation: nil, rule: "bcbs-il/spravato/criteria"),
                           ChecklistRequirement(id: "phq9", description: "PHQ-9 of 10 or more", status: .missing,
                                                explanation: "no phq9 in the chart", rule: "bcbs-il/spravato/criteria")],
            created: FHIRFixtures.created)
    }

    func json(_ request: AuthorizationRequestContent) throws -> [String: Any] {
        let data = FHIRJSONEncoder.data(PASRequestBundle.bundle(request, clinic: Fixtures.clinic, timestamp: FHIRFixtures.timestamp))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theClaimComesFirstThenEveryReferencedResourceOnce() throws {
        let bundle = try json(Self.request(FHIRFixtures.dependentWithSecondPlan()))
        #expect(bundle["type"] as? String == "collection")
        #expect(bundle["timestamp"] as? String == FHIRFixtures.timestamp)
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        let resources = entries.compactMap { $0["resource"] as? [String: Any] }
        #expect(resources.map { $0["resourceType"] as? String } == ["Claim", "Patient", "RelatedPerson", "Coverage", "Organization", "Practitioner", "Organization"])
        let claim = resources[0]
        #expect(claim["use"] as? String == "preauthorization")
        #expect((claim["identifier"] as? [[String: Any]])?.first?["value"] as? String == "PA4-2")
        let fullUrls = entries.compactMap { $0["fullUrl"] as? String }
        #expect(Set(fullUrls).count == fullUrls.count)
        func references(_ value: Any) -> [String] {
            if let object = value as? [String: Any] {
                return object.flatMap { key, item in key == "reference" ? [item as? String].compactMap { $0 } : references(item) }
            }
            return (value as? [Any])?.flatMap(references) ?? []
        }
        let all = references(bundle)
        #expect(all.count >= 8)
        #expect(all.filter { !fullUrls.contains($0) }.isEmpty)
    }

    @Test func theCriteriaAreSupportingInfo() throws {
        let claim = try #require(((try json(Self.request()))["entry"] as? [[String: Any]])?.first?["resource"] as? [String: Any])
        let info = try #require(claim["supportingInfo"] as? [[String: Any]])
        #expect(info.count == 2)
        #expect(info[0]["valueBoolean"] as? Bool == true)
        #expect(info[1]["valueString"] as? String == "missing from the chart")
        #expect((info[1]["code"] as? [String: Any])?["text"] as? String == "phq9: PHQ-9 of 10 or more")
        let item = try #require((claim["item"] as? [[String: Any]])?.first)
        #expect((item["quantity"] as? [String: Any])?["value"] as? Int == 8)
        #expect((item["servicedPeriod"] as? [String: Any])?["end"] as? String == "2027-05-31")
    }

    @Test func responsesGiveTheirDecision() throws {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/prior-auth")
        let certified = try PASResponse(json: String(contentsOf: folder.appendingPathComponent("pas-response-certified.json"), encoding: .utf8))
        let decision = try #require(certified.decisions.first)
        #expect(certified.decisions.count == 1)
        #expect(decision.trace == "PA1-2" && decision.action == "A1" && decision.certificationNumber == "PAS-77001" && decision.units == 8)
        #expect(decision.start == LocalDate(iso: "2026-11-01") && decision.end == LocalDate(iso: "2027-04-30"))
        let pended = try PASResponse(json: String(contentsOf: folder.appendingPathComponent("pas-response-pended.json"), encoding: .utf8))
        #expect(pended.decisions.map(\.action) == ["A4"])
        #expect(throws: PASResponse.Problem.self) { try PASResponse(json: #"{"resourceType": "Bundle", "entry": []}"#) }
        #expect(throws: PASResponse.Problem.self) { try PASResponse(json: #"{"resourceType": "ClaimResponse", "outcome": "complete"}"#) }
    }
}
