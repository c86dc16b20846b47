import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

@Suite struct PDFRendererFallbackTests {
    @Test func noRendererIsASkipNotAFailure() throws {
        let none = SuperbillPDFWriter(renderer: nil, unavailableReason: "PDFs switched off")
        let outcome = try none.write(try SuperbillFixtures.bill(), renderer: SuperbillFixtures.renderer,
                                     to: URL(fileURLWithPath: "/nonexistent/x.pdf"))
        #expect(outcome == .skipped(reason: "PDFs switched off"))
    }
}
