import ClaimsCore
import ClaimsTestSupport
import Foundation
import Testing

/// `Encounter`, `ClinicProfile` and `PayerRules` keep their fields behind one shared reference
/// (`SharedFields`, issue 18): they must still behave as plain values.
@Suite struct SharedFieldsTests {
    @Test func changingACopyOfAnEncounterLeavesTheOriginalAlone() {
        let original = Fixtures.encounter()
        var copy = original
        #expect(copy == original)
        copy.patient.person.address.line1 = "1 Changed Rd"
        copy.services[0].charge = 999
        copy.diagnoses.append(DiagnosisCode("F32.9")!)
        copy.secondaryCoverage = copy.coverage
        #expect(original.patient.person.address.line1 == Fixtures.patientAddress.line1)
        #expect(original.services[0].charge != 999)
        #expect(original.diagnoses.count == copy.diagnoses.count - 1)
        #expect(original.secondaryCoverage == nil)
        #expect(copy != original)
        // Changed back field by field, the copy is equal again, with the same hash.
        copy.patient.person.address.line1 = original.patient.person.address.line1
        copy.services[0].charge = original.services[0].charge
        copy.diagnoses.removeLast()
        copy.secondaryCoverage = nil
        #expect(copy == original)
        #expect(copy.hashValue == original.hashValue)
        #expect(Set([copy, original]).count == 1)
    }

    @Test func aChangeInPlaceStaysInTheValueChanged() {
        var encounters = [Fixtures.encounter(), Fixtures.encounter()]
        encounters[1].id = "ENC-0002"
        encounters[1].services.append(ServiceLine(code: "90833", charge: 95))
        #expect(encounters[0].id == "ENC-0001" && encounters[0].services.count == 2)
        #expect(encounters[1].id == "ENC-0002" && encounters[1].services.count == 3)
    }

    @Test func changingACopyOfTheClinicProfileLeavesTheOriginalAlone() throws {
        let original = Fixtures.clinic
        var copy = original
        copy.billingProvider.name = "Another Clinic"
        copy.admins.append("someone")
        #expect(original.billingProvider.name != "Another Clinic")
        #expect(!original.admins.contains("someone"))
        #expect(copy != original)
        copy.billingProvider.name = original.billingProvider.name
        copy.admins.removeLast()
        #expect(copy == original && copy.hashValue == original.hashValue)
    }

    @Test func theClinicProfileEncodesAsThePlainStructDid() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(Fixtures.clinic)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        // The stored properties by name, as synthesized `Codable` wrote them (no wrapper key).
        #expect(Set(object.keys) == ["admins", "billingProvider", "eligibilityMaxAgeDays", "interchange", "locations",
                                     "network", "providers", "receiver", "submitter", "superbillStatement"])
        #expect((object["billingProvider"] as? [String: Any])?["npi"] as? String == Fixtures.clinic.billingProvider.npi)
        let decoded = try JSONDecoder().decode(ClinicProfile.self, from: json)
        #expect(decoded == Fixtures.clinic)
    }

    @Test func changingACopyOfPayerRulesLeavesTheOriginalAlone() {
        let original = PayerRules(slug: "bcbs-il", name: "Blue Cross Blue Shield of Illinois", payerId: "00621",
                                  claimFilingIndicator: "BL", rules: [])
        var copy = original
        copy.name = "Renamed"
        copy.excludedCommonRules.insert("rule-x")
        #expect(original.name == "Blue Cross Blue Shield of Illinois" && original.excludedCommonRules.isEmpty)
        #expect(copy != original)
        copy.name = original.name
        copy.excludedCommonRules = []
        #expect(copy == original && copy.hashValue == original.hashValue)
    }

    @Test func anEncounterPrintsItsFields() {
        let text = String(describing: Fixtures.encounter())
        #expect(text.hasPrefix("Encounter(id: \"ENC-0001\""), "\(text)")
        #expect(!text.contains("SharedFields") && !text.contains("Fields("))
        #expect(String(describing: Fixtures.clinic).hasPrefix("ClinicProfile(billingProvider: "))
    }
}
