import ClaimsCore
import ClaimsTestSupport
@testable import ClaimsEngine
import Foundation
import Testing

/// A payer's total in the report is summed in whole cents (session 11; it summed the claims'
/// `Decimal` totals): the text must be the same for any claims, small totals and sums past the
/// formatter's fast path alike.
@Suite struct PayerInterchangeTotalsTests {
    @Test func centsTotalIsFormattedLikeTheDecimalSum() {
        let posix = Locale(identifier: "en_US_POSIX")
        var random = FuzzRandom(seed: 18)
        var compared = 0
        for round in 0..<400 {
            // Claim totals as the encoder gives them: whole cents, spelled with 0, 1 or 2 decimals.
            var sum = Decimal(0)
            var cents: Int64 = 0
            let largest: UInt64 = round % 2 == 0 ? 10_000 : 5_000_000_000
            for _ in 0..<(1 + random.below(300)) {
                let claimCents = Int64(random.next() % largest) * [1, 10, 100][random.below(3)]
                let text = claimCents % 100 == 0 ? "\(claimCents / 100)"
                    : claimCents % 10 == 0 ? "\(claimCents / 100).\(claimCents % 100 / 10)"
                    : "\(claimCents / 100)." + (claimCents % 100 < 10 ? "0" : "") + "\(claimCents % 100)"
                let total = Decimal(string: text, locale: posix)!
                #expect(Money.cents(of: total) == claimCents)
                sum += total
                cents += claimCents
            }
            #expect(Money.format(Money.amount(cents: cents)) == Money.format(sum), "cents \(cents)")
            compared += 1
        }
        #expect(compared == 400)
        #expect(Money.format(Money.amount(cents: 0)) == Money.format(Decimal(0)))
    }

    /// Totals past 64 bits of cents (beyond the input limits) are summed as `Decimal`, never trapped.
    @Test func totalsPastSixtyFourBitsOfCentsAreSummedAsDecimals() {
        let posix = Locale(identifier: "en_US_POSIX")
        var progress = PayerInterchange.Progress()
        let huge = Decimal(string: "90000000000000000.00", locale: posix)!   // 9e18 cents: past Int64 once doubled
        let small = Decimal(string: "210.05", locale: posix)!
        for total in [small, huge, huge, small] {
            progress.add(total, cents: Money.cents(of: total))
        }
        #expect(progress.amount == small + huge + huge + small)
        var plain = PayerInterchange.Progress()
        plain.add(small, cents: Money.cents(of: small))
        #expect(plain.cents == 21_005 && plain.beyondCents == 0)
    }
}
