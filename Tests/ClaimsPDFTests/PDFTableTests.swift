@testable import ClaimsPDF
import Foundation
import Testing

/// Tables on pages with the standard fonts: the header repeats, a row is never split, and the footer
/// (a total) never stands alone.
@Suite struct PDFTableTests {
    let style = PDFTextStyle(font: PDFFont(fonts: .standard, bold: false), size: 10, color: PDFColor(hex: 0x000000), leading: 12)

    var table: PDFTable {
        PDFTable(x: 40, columns: [.init(title: "ITEM", width: 200), .init(title: "AMOUNT", width: 100, align: .right)],
                 headerStyle: style, minimumLineHeight: style.leading,
                 rules: .init(headerFill: PDFColor(hex: 0xeeeeee), headerRule: PDFColor(hex: 0x999999), rowRule: PDFColor(hex: 0xdddddd)))
    }

    func heading(_ text: String) -> PDFBlock {
        var block = PDFBlock()
        block.text(Array(text.utf8), x: 40, baseline: style.baselineOffset, style: style)
        block.height = style.leading
        return block
    }

    func row(_ index: Int) -> PDFBlock {
        table.row([[.init(text: Array("item \(index)".utf8), style: style)], [.init(text: Array("\(index).00".utf8), style: style)]])
    }

    /// The literal strings shown on each page (one `(…) Tj` per text object with the standard fonts), unescaped.
    func strings(_ pages: [PDFContentStream]) -> [[String]] {
        pages.map { page in
            page.bytes.split(separator: 0x0A).compactMap { line -> String? in
                guard line.first == 0x28, line.suffix(4).elementsEqual(") Tj".utf8) else { return nil }
                return String(decoding: line.dropFirst().dropLast(4), as: UTF8.self)
                    .replacingOccurrences(of: "\\(", with: "(").replacingOccurrences(of: "\\)", with: ")")
            }
        }
    }

    func layout(rows count: Int, footer: PDFBlock?) -> [[String]] {
        var pages = PDFPaginator(runningHeaderHeight: 20, glyphs: nil) { heading("running header") }
        pages.placeTable(heading: heading("Items"), continuedHeading: { heading("Items (continued)") }, header: table.header(),
                         rows: (1...count).map(row), footer: footer)
        return strings(pages.finish { _, _ in PDFBlock() })
    }

    @Test func rowsAreNeverSplitAndTheHeaderRepeats() {
        let pages = layout(rows: 100, footer: nil)
        #expect(pages.count > 2)
        for (index, page) in pages.enumerated() {
            #expect(page.contains("ITEM") && page.contains("AMOUNT"), "page \(index + 1) has the header")
            #expect(page.contains(index == 0 ? "Items" : "Items (continued)"))
        }
        let all = pages.flatMap { $0 }
        for index in 1...100 {
            #expect(all.filter { $0 == "item \(index)" }.count == 1)
            // Both cells of a row are on the same page.
            #expect(pages.contains { $0.contains("item \(index)") && $0.contains("\(index).00") })
        }
    }

    /// Exactly as many rows as fill the first page, and a footer one point too tall for what is left:
    /// the last row moves to the next page with the footer.
    @Test func theFooterTakesTheLastRowWithIt() {
        let available = PDFPaginator.bottom - PDFPaginator.top
        let fixed = heading("Items").height + table.header().height
        let rowHeight = row(1).height
        var count = 0
        while fixed + Double(count + 1) * rowHeight <= available { count += 1 }
        var footer = heading("Total 999.00")
        footer.height = available - (fixed + Double(count) * rowHeight) + 1

        let pages = layout(rows: count, footer: footer)
        #expect(pages.count == 2)
        #expect(pages[0].contains("item \(count - 1)"))
        #expect(!pages[0].contains("item \(count)"))
        #expect(pages[1].contains("item \(count)") && pages[1].contains("Total 999.00"))
        #expect(pages[1].contains("Items (continued)") && pages[1].contains("ITEM"))

        // One point less and everything fits on one page.
        footer.height -= 2
        #expect(layout(rows: count, footer: footer).count == 1)
    }
}
