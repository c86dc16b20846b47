import ClaimsPDF
@testable import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// The writer's wrapped purpose paragraphs, from its cache or not, are the paragraphs wrapped anew,
/// and the cache stays within its limit.
struct WrappedParagraphCacheTests {
    static func same(_ left: [([UInt8], Bool)], _ right: [([UInt8], Bool)]) -> Bool {
        left.map(\.0) == right.map(\.0) && left.map(\.1) == right.map(\.1)
    }

    @Test(arguments: [PDFFonts.system, PDFFonts.standard])
    func cachedWrapsAreTheWrapsMadeAnew(fonts: PDFFonts) {
        let styles = SuperbillPDFStyles(fonts: fonts)
        let text = ClinicPDFText(Fixtures.clinic, styles: styles)
        let paragraphs = [
            "This is a receipt. The patient agreed in writing, before the service, to pay for these services directly, and Aetna was not billed for them. It is not a claim and not a request for insurance reimbursement.",
            "The patient is responsible for the balance due shown above.",
            "",
            "Łukasz Żółkiewski-Wróbel 王小明 paid in full; a very long word follows: Supercalifragilisticexpialidocious-Supercalifragilisticexpialidocious-Supercalifragilisticexpialidocious",
        ]
        for round in 0..<2 {   // a miss, then a hit
            #expect(Self.same(text.cachedParagraphLines(paragraphs, styles: styles), ClinicPDFText.paragraphLines(paragraphs, styles: styles)),
                    "round \(round)")
        }
        for index in 0..<(WrappedParagraphs.limit + 5) {
            let paragraph = ["Paragraph \(index) of the statement."]
            #expect(Self.same(text.cachedParagraphLines(paragraph, styles: styles), ClinicPDFText.paragraphLines(paragraph, styles: styles)))
            #expect(text.paragraphCache.count <= WrappedParagraphs.limit)
        }
    }
}
