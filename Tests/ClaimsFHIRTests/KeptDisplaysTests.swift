import ClaimsCore
@testable import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import Testing

/// What a writer makes once and keeps (the billing provider's display, `created`, each provider's
/// care-team display) is what making it for each claim gives, also when a provider's name changes
/// under the same NPI; and bytes compared by representation first agree with a byte comparison.
@Suite struct KeptDisplaysTests {
    @Test func keptDisplaysAreTheClaimsOwn() throws {
        var clinic = Fixtures.clinic
        clinic.billingProvider.name = "  Southern  Illinois   Psychiatry "
        let writer = FHIRClaimWriter(clinic: clinic, created: FHIRFixtures.created)
        let names: [(first: String, last: String)] = [("Ravi", "Patel"), ("Ravi", "Okafor-Patel"), (" Zoë ", "Müller  Lee"), ("Ravi", "Patel")]
        for (first, last) in names + names.reversed() {
            var encounter = Fixtures.encounter()
            encounter.renderingProvider.firstName = first
            encounter.renderingProvider.lastName = last
            let claim = try ParsedFHIR(writer.claimXML(for: FHIRFixtures.evaluation(encounter), payer: FHIRFixtures.payer))
            #expect(try claim.value("Claim/careTeam/provider/display") == FHIRText.fullName(first: first, middle: nil, last: last), "\(first) \(last)")
            #expect(try claim.value("Claim/provider/display") == FHIRText.clean(clinic.billingProvider.name))
            #expect(try claim.value("Claim/created") == FHIRFixtures.created.iso)
        }
    }

    @Test func sameBytesIsTheByteComparison() {
        let large = String(repeating: "Wójcik-Øster ", count: 4)
        let texts = ["", "a", "Patel", "1234567893", "123456789012345", "1234567890123456", "Zoë", "Zoe\u{308}", large,
                     String(large.dropLast()), large + "", String(decoding: Array(large.utf8), as: UTF8.self),
                     NSString(string: large).appending(""), String("Patel".utf8.prefix(5))!]
        for left in texts {
            for right in texts {
                #expect(sameBytes(left, right) == (Array(left.utf8) == Array(right.utf8)), "\(left) | \(right)")
            }
            let copy = left
            #expect(sameBytes(left, copy))
        }
    }
}
