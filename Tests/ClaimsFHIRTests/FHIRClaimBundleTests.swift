import ClaimsCore
import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import Testing

/// Complete claim Bundles (issue 17): every resource a claim references is in the Bundle, once,
/// with a fullUrl, and every reference resolves; the JSON encoding comes from the same model.
@Suite struct FHIRClaimBundleTests {
    let writer = FHIRClaimWriter(clinic: Fixtures.clinic, created: FHIRFixtures.created,
                                 payers: ["bcbs-il": FHIRFixtures.payer, "aetna": FHIRFixtures.aetna])

    func bundle(_ encounters: [Encounter]) throws -> ParsedFHIR {
        try ParsedFHIR(writer.bundleXML(for: encounters.map { FHIRFixtures.evaluation($0) }, payer: FHIRFixtures.payer,
                                        bundleId: "run-1-bcbs-il", timestamp: FHIRFixtures.timestamp))
    }

    /// Every `reference` of the Bundle names the `fullUrl` of one of its entries, and no fullUrl repeats.
    static func expectReferencesResolve(_ xml: ParsedFHIR) throws {
        let fullUrls = try xml.values("Bundle/entry/fullUrl")
        #expect(Set(fullUrls).count == fullUrls.count, "a resource is listed twice")
        let references = try xml.document.nodes(forXPath: "//*[local-name()='reference']/@value").compactMap(\.stringValue)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(fullUrls.contains(reference), "\(reference) does not resolve inside the Bundle")
        }
    }

    @Test func everyReferencedResourceIsInTheBundleOnce() throws {
        var second = Fixtures.encounter(id: "ENC-0002")          // the same patient, plan and clinician again
        second.dateOfService = LocalDate(iso: "2026-11-05")!
        var third = Fixtures.encounter(id: "ENC-0003")
        third.patient = Fixtures.patient(id: "PT-2002", firstName: "Jörg", lastName: "Peña")
        let xml = try bundle([Fixtures.encounter(), second, third])
        try Self.expectReferencesResolve(xml)
        let types = try xml.document.nodes(forXPath: "/*/*[local-name()='entry']/*[local-name()='resource']/*").compactMap(\.localName)
        #expect(types.filter { $0 == "Claim" }.count == 3)
        #expect(types.filter { $0 == "Patient" }.count == 2)
        #expect(types.filter { $0 == "Coverage" }.count == 2)
        #expect(types.filter { $0 == "Practitioner" }.count == 1)
        #expect(types.filter { $0 == "Organization" }.count == 2)   // the clinic and the insurer
        // Every fullUrl is a urn:uuid; a Claim keeps its encounter id as its id.
        let fullUrls = try xml.values("Bundle/entry/fullUrl")
        let uuid = /urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/
        #expect(fullUrls.filter { (try? uuid.wholeMatch(in: $0)) == nil }.isEmpty)
        #expect(try xml.values("Bundle/entry/resource/Claim/id") == ["ENC-0001", "ENC-0002", "ENC-0003"])
    }

    @Test func bundleHasAnIdentifierAndTheInjectedTimestamp() throws {
        let xml = try bundle([Fixtures.encounter()])
        #expect(try xml.value("Bundle/identifier/system") == "urn:ietf:rfc:3986")
        #expect(try xml.value("Bundle/identifier/value")?.hasPrefix("urn:uuid:") == true)
        #expect(try xml.value("Bundle/timestamp") == "2026-11-20T09:30:00Z")
        // Deterministic: the same inputs give the same bytes (ids derive from the data, not randomness).
        let again = try bundle([Fixtures.encounter()])
        #expect(try xml.value("Bundle/identifier/value") == again.value("Bundle/identifier/value"))
    }

    @Test func partiesCarryTheirIdentifiersAndSystems() throws {
        let xml = try bundle([Fixtures.encounter()])
        #expect(try xml.values("Bundle/entry/resource/Practitioner/identifier/system") == ["http://hl7.org/fhir/sid/us-npi"])
        #expect(try xml.values("Bundle/entry/resource/Practitioner/identifier/value") == ["1234567893"])
        #expect(try xml.values("Bundle/entry/resource/Organization/type/coding/code") == ["prov", "pay"])
        #expect(try xml.values("Bundle/entry/resource/Organization/identifier/system")
                == ["http://hl7.org/fhir/sid/us-npi", "urn:oid:2.16.840.1.113883.4.4", FHIRCodeSystem.payerId])
        #expect(try xml.values("Bundle/entry/resource/Organization/name")
                == ["Southern Illinois Interventional Psychiatry", "Blue Cross and Blue Shield of Illinois"])
        #expect(try xml.values("Bundle/entry/resource/Patient/identifier/value") == ["PT-1001"])
        #expect(try xml.values("Bundle/entry/resource/Patient/birthDate") == ["1984-02-11"])
        #expect(try xml.values("Bundle/entry/resource/Coverage/subscriberId") == ["XOF123456789"])
        #expect(try xml.values("Bundle/entry/resource/Coverage/relationship/coding/code") == ["self"])
        // A self-insured patient is her own subscriber.
        #expect(try xml.value("Bundle/entry/resource/Coverage/subscriber/reference") == xml.value("Bundle/entry/resource/Coverage/beneficiary/reference"))
    }

    @Test func aDependentsPlanNamesThePolicyHolderAndASecondPlanIsListedNotFocal() throws {
        let xml = try bundle([FHIRFixtures.dependentWithSecondPlan()])
        try Self.expectReferencesResolve(xml)
        #expect(try xml.values("Bundle/entry/resource/RelatedPerson/name/family") == ["Reyes"])
        #expect(try xml.values("Bundle/entry/resource/RelatedPerson/name/given") == ["Maria"])
        #expect(try xml.values("Bundle/entry/resource/Coverage/relationship/coding/code") == ["child", "self"])
        #expect(try xml.values("Bundle/entry/resource/Coverage/order") == ["1", "2"])
        let subscriber = try #require(try xml.values("Bundle/entry/resource/Coverage/subscriber/reference").first)
        let relatedPersonUrl = try xml.document.nodes(forXPath: "//*[local-name()='entry'][*[local-name()='resource']/*[local-name()='RelatedPerson']]/*[local-name()='fullUrl']/@value").first?.stringValue
        #expect(subscriber == relatedPersonUrl)
        #expect(try xml.values("Bundle/entry/resource/Claim/insurance/sequence") == ["1", "2"])
        #expect(try xml.values("Bundle/entry/resource/Claim/insurance/focal") == ["true", "false"])
        #expect(try xml.values("Bundle/entry/resource/Claim/insurance/coverage/display") == ["Blue Cross and Blue Shield of Illinois", "Aetna"])
        #expect(try xml.values("Bundle/entry/resource/Organization/name").contains("Aetna"))
    }

    @Test func theClaimToTheSecondPayerIsFocalOnTheSecondPlan() throws {
        let evaluation = FHIRFixtures.evaluation(FHIRFixtures.dependentWithSecondPlan())
        let (claim, _) = try writer.claimResources(for: evaluation, payer: FHIRFixtures.aetna)
        let json = try JSONParser.parse(String(decoding: FHIRJSONEncoder.data(claim), as: UTF8.self))
        guard case .array(let insurance)? = json["insurance"] else { Issue.record("no insurance array"); return }
        #expect(insurance.map { $0["focal"] } == [.bool(false), .bool(true)])
        #expect(json["insurer"]?["display"] == .string("Aetna"))
    }

    /// The JSON encoding of the same model: resourceType first, repeating elements as arrays, numbers bare.
    @Test func theSameModelEncodesAsJSON() throws {
        let (claim, parties) = try writer.claimResources(for: FHIRFixtures.evaluation(authNumber: "A-1"), payer: FHIRFixtures.payer)
        let text = String(decoding: FHIRJSONEncoder.data(claim), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"resourceType\": \"Claim\",\n  \"id\": \"ENC-0001\",\n"))
        let json = try JSONParser.parse(text)
        guard case .array(let items)? = json["item"], case .array(let diagnoses)? = json["diagnosis"] else {
            Issue.record("item and diagnosis must be arrays"); return
        }
        #expect(items.count == 2 && diagnoses.count == 2)
        #expect(items[0]["sequence"] == .number("1"))
        #expect(items[1]["net"]?["value"] == .number("1120.00"))
        #expect(json["patient"]?["reference"] == .string(parties.patient.fullUrl))
        guard case .array(let insurance)? = json["insurance"] else { Issue.record("insurance must be an array"); return }
        #expect(insurance.first?["preAuthRef"] == JSONValue.array([.string("A-1")]))
    }
}
