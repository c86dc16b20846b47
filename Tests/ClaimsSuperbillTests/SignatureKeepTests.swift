import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// The signature never stands alone on a page (issue 12): the last service line, the total, the payments
/// and balance, the statement and the signature stay together. Read back from the real PDF pages.
@Suite struct SignatureKeepTests {
    /// `lines` service lines and $50 paid, so a balance is due.
    static func pages(lines: Int) throws -> [[String]] {
        var encounter = SuperbillFixtures.longEncounter(lines: lines)
        encounter.payments = [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 50, method: "card")]
        return try PDFInspector(SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(encounter))).pageStrings()
    }

    /// `longEncounter` charges $100 for line 1, $101 for line 2, …
    static func fee(ofLine line: Int) -> String { "$\(100 + line - 1).00" }

    /// The smallest number of lines that does not fit on one page, found by laying the superbill out.
    /// The signature is the last block of the page, so it is the first to overflow: without the rule it
    /// would go to page 2 alone.
    static let firstOverflow: Int = {
        var lines = 1
        while (try? pages(lines: lines).count) == 1 { lines += 1 }
        return lines
    }()

    @Test func theFirstSuperbillThatOverflowsTakesItsLastLineAndTotalsToThePageOfTheSignature() throws {
        let lines = Self.firstOverflow
        #expect((2...40).contains(lines), "one page holds \(lines - 1) lines")
        let pages = try Self.pages(lines: lines)
        try #require(pages.count == 2)
        let second = pages[1]
        #expect(second.contains("Provider signature"))
        #expect(second.contains(Self.fee(ofLine: lines)), "the last service line is on the signature's page")
        #expect(second.contains("Total charges") && second.contains("Balance due"), "\(lines) lines: \(second)")
        #expect(second.contains("STATEMENT FOR OUT-OF-NETWORK SUBMISSION"))
        #expect(second.contains("SERVICES (CONTINUED)"))
        // Every other line stays on page 1.
        for line in 1..<lines { #expect(pages[0].contains(Self.fee(ofLine: line)), "line \(line) on page 1") }
        #expect(!pages[0].contains(Self.fee(ofLine: lines)))
        #expect(!pages[0].contains("Provider signature"))
    }

    /// Whatever the number of lines, the signature's page carries the last line, the totals and the statement.
    @Test func theSignaturePageAlwaysHasTheLastLineAndTheTotals() throws {
        for lines in 1...(Self.firstOverflow + 30) {
            let pages = try Self.pages(lines: lines)
            let signaturePages = pages.filter { $0.contains("Provider signature") }
            try #require(signaturePages.count == 1, "\(lines) lines")
            let page = signaturePages[0]
            #expect(page.contains(Self.fee(ofLine: lines)), "\(lines) lines: last line with the signature")
            #expect(page.contains("Payments received") && page.contains("STATEMENT FOR OUT-OF-NETWORK SUBMISSION"),
                    "\(lines) lines: totals and statement with the signature")
        }
    }
}
