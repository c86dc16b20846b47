import ClaimsCore
@testable import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import Testing

/// A reference copies a fullUrl found clean when its resource was made, unchecked; lookups made
/// cheaper (the place of service by bytes, the insurer with its name) and the `urn:uuid:` copied in
/// two pieces: each against the general way.
@Suite struct ReferenceFastPathTests {
    private static let ids = ["0b7e1c5a-3c1f-8d2e-9a4b-5c6d7e8f9a0b", "PT-1001", "a&b", "x<y>z", "quote\"d", "tab\there", "bell\u{7}",
                              "Zoë", "\u{FFFE}", "", "0123456789abcdef0123456789abcdef0123456789"]

    @Test func aCleanFullUrlIsIsCleansAnswer() {
        var texts = Self.ids.map { "urn:uuid:" + $0 }
        texts += Fixtures.strings(joining: ["a", "&", "\n", "é", "\u{FFFF}", "-"], upTo: 3)
        for text in texts {
            #expect(XMLText.isClean(text) == !Array(text.utf8).contains(where: XMLText.needsCare), "\(text)")
        }
    }

    /// Written into XML, a reference is the bytes and shape its element tree gives, for clean and
    /// unclean fullUrls, and refuses what the tree refuses.
    @Test func aCopiedReferenceIsTheTreesReference() {
        for id in Self.ids {
            for keyed in [false, true] {
                let target = FHIRResource("Patient", id: id, fullUrlKey: keyed ? "Patient|\(id)" : nil) { _ in }
                let describe: @Sendable (inout FHIRNode) -> Void = {
                    $0.reference("subject", to: target, display: "Ann & Lee")
                    $0.reference("beneficiary", to: target)
                }
                var direct = XMLText(namespace: FHIRCodeSystem.namespace)
                XMLSink.writing(into: &direct) { FHIRResource.writeXML("Coverage", id: "C1", into: $0, build: describe) }
                var tree = XMLText(namespace: FHIRCodeSystem.namespace)
                FHIRXMLEncoder.write(FHIRResource("Coverage", id: "C1", build: describe), to: &tree)
                #expect(direct.bytes == tree.bytes, "\(id)")
                #expect(direct.shape == tree.shape, "\(id)")
                #expect(direct.forbidden?.path == tree.forbidden?.path && direct.forbidden?.scalar == tree.forbidden?.scalar, "\(id)")
                #expect(target.fullUrlIsClean == XMLText.isClean(target.fullUrl))
            }
        }
    }

    @Test func theURNIsThePrefixAndTheId() {
        for id in Self.ids + [String(repeating: "Wójcik", count: 20)] {
            #expect(Array(FHIRResourceId.urn(id).utf8) == Array(("urn:uuid:" + id).utf8), "\(id)")
        }
    }

    @Test func thePlaceOfServiceFoundByBytesIsTheKeyedOne() {
        var codes = Array(FHIRCodeSystem.placeOfServiceNames.keys) + ["", "1", "99", "111", "١١", "１１", "0\u{301}2"]
        codes += FHIRCodeSystem.placeOfServiceNames.keys.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        for code in codes {
            #expect(FHIRClaimMapping.locationConcept(code) === FHIRClaimMapping.locationConcepts[code], "\(code)")
        }
    }

    @Test func insurersWithTheirNamesAreTheInsurersAndTheirNames() {
        let organizations = FHIROrganizations(clinic: Fixtures.clinic,
                                              payers: [FHIRFixtures.payer.slug: FHIRFixtures.payer, FHIRFixtures.aetna.slug: FHIRFixtures.aetna])
        #expect(organizations.insurersAndNames.count == organizations.insurers.count)
        for (slug, insurer) in organizations.insurers {
            #expect(organizations.insurersAndNames[slug]?.resource == insurer)
            #expect(organizations.insurersAndNames[slug]?.name == organizations.insurerNames[slug])
        }
    }
}
