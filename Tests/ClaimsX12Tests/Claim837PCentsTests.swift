import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// A claim's total (CLM02, `Claim837PClaim.totalCharge`) is summed in whole cents (session 11), and
/// the interchange tells each written claim's position among the prepared ones; these tests hold both
/// to the general path: the charges summed as `Decimal`s, and the claims found by encounter id.
@Suite struct Claim837PCentsTests {
    /// Charges spelled as the input spells them ("210", "210.5", "210.50"), small and near the input's limit.
    static let charges = ["0", "0.01", "0.1", "0.10", "1", "10", "210", "210.5", "210.50", "210.05", "999.99", "1000",
                          "12345.67", "9999999.99", "9999999.9", "9999999", "5000000.01", "100"]

    static func encounter(charges: [String], id: String = "ENC-CENTS") -> Encounter {
        Fixtures.encounter(id: id, services: charges.map {
            ServiceLine(code: "99214", units: 1, charge: Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX"))!, diagnosisPointers: [1])
        })
    }

    @Test func totalsInCentsMatchTheDecimalSum() throws {
        var compared = 0
        var random = FuzzRandom(seed: 11)
        var cases: [[String]] = Self.charges.map { [$0] }
        for count in [2, 3, 7, 20, 50] {
            for _ in 0..<40 { cases.append((0..<count).map { _ in random.element(Self.charges) }) }
        }
        for charges in cases {
            let encounter = Self.encounter(charges: charges)
            let sum = encounter.services.reduce(Decimal(0)) { $0 + $1.charge }
            let interchange = try X12Fixtures.encode([X12Fixtures.evaluation(encounter)])
            let claim = try #require(interchange.claims.first)
            #expect(claim.totalCharge == sum)
            #expect(Money.cents(of: claim.totalCharge) == Money.cents(of: sum))
            #expect(Money.format(claim.totalCharge) == Money.format(sum))
            let clm = try #require(interchange.segments.first { $0.id == "CLM" })
            #expect(clm.value(2) == Money.x12(sum), "charges \(charges)")
            compared += 1
        }
        #expect(compared > 200)
    }

    @Test func amountFromCentsIsWrittenLikeTheDecimal() {
        for cents: Int64 in [0, 1, 10, 99, 100, 21_050, 99_999_999_999, 1_000_000_000_000, 123_456_789_012_345, 9_000_000_000_000_000_000] {
            // Built from the digits' text (not the way `amount(cents:)` builds it).
            let digits = String(cents), padded = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
            let decimal = Decimal(string: "\(padded.dropLast(2)).\(padded.suffix(2))", locale: Locale(identifier: "en_US_POSIX"))!
            let amount = Money.amount(cents: cents)
            #expect(amount == decimal)
            #expect(Money.x12(amount) == Money.x12(decimal))
            #expect(Money.format(amount) == Money.format(decimal))
        }
    }

    /// A refused charge (negative, more than 2 places) still reports the same problems, in order.
    @Test func refusedChargesReportTheSameProblems() {
        for (charges, fields) in [(["-1", "210"], ["services[0].charge"]), (["10.005", "-0.001"], ["services[0].charge", "services[1].charge", "services[1].charge"])] {
            let encounter = Self.encounter(charges: charges)
            let problems = Claim837PEncoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs).problems(in: X12Fixtures.evaluation(encounter))
            #expect(problems.map(\.field) == fields, "charges \(charges)")
        }
    }

    /// Claims are written grouped by subscriber: each claim's position names the prepared claim it came from.
    @Test func preparedPositionsNameEachWrittenClaim() throws {
        let encoder = Claim837PEncoder(clinic: Fixtures.clinic, payer: X12Fixtures.bcbs)
        var evaluations: [EncounterEvaluation] = []
        for index in 0..<9 {
            var encounter = X12Fixtures.officeVisit(id: "ENC-\(index)")
            if index % 3 == 1 { encounter = X12Fixtures.dependent(encounter) }
            if index % 3 == 2 { encounter.patient.person.firstName = "Other\(index % 2)" }
            evaluations.append(X12Fixtures.evaluation(encounter))
        }
        let prepared = evaluations.compactMap { encoder.prepare($0).claim }
        #expect(prepared.count == 9)
        for claims in [prepared, prepared.map(\.textOnly)] {
            let interchange = try encoder.encode(prepared: claims, envelope: X12Fixtures.envelope, keepSegments: false)
            #expect(interchange.preparedPositions.count == interchange.claims.count)
            #expect(Set(interchange.preparedPositions) == Set(0..<9))
            for (claim, position) in zip(interchange.claims, interchange.preparedPositions) {
                #expect(claim.encounterId == claims[position].encounterId)
            }
            #expect(interchange.claims.map(\.encounterId) != prepared.map(\.encounterId), "grouping reorders these claims")
        }
    }
}
