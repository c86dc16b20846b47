import ClaimsPDF
import Foundation

/// The superbill's look — headings, tables, label/value columns — shared by every document drawn in
/// it (the superbill, the Good Faith Estimate): a layout conforms by giving its styles.
protocol PDFPageDesign {
    var styles: SuperbillPDFStyles { get }
}

extension PDFPageDesign {
    func encode(_ text: String) -> [UInt8] { styles.encode(text) }

    /// Every page's footer: the document and patient on the left, "Page n of m" on the right.
    func pageFooter(_ left: [UInt8], number: Int, count: Int) -> PDFBlock {
        var block = PDFBlock()
        let baseline = PDFDocumentBuilder.pageHeight - 30
        block.text(left, x: SuperbillPDFLayout.left, baseline: baseline, style: styles.footerStyle)
        block.text(Array("Page \(number) of \(count)".utf8), x: SuperbillPDFLayout.left, width: SuperbillPDFLayout.width, baseline: baseline,
                   style: styles.footerStyle, align: .right)
        return block
    }

    /// A section heading: uppercase, letter-spaced, navy, over a thin rule; at x = 0.
    func heading(_ title: String, width: Double, topMargin: Double = 10) -> PDFBlock {
        var block = PDFBlock()
        let style = styles.heading
        block.text(encode(title.uppercased()), x: 0, baseline: topMargin + style.baselineOffset, style: style)
        let ruleY = topMargin + style.leading + 1.5
        block.line(x1: 0, y1: ruleY, x2: width, y2: ruleY, width: 0.75, color: SuperbillPDFLayout.headingRule)
        block.height = ruleY + 4
        return block
    }

    func sectionHeading(_ title: String) -> PDFBlock {
        var block = PDFBlock()
        block.append(heading(title, width: SuperbillPDFLayout.width), x: SuperbillPDFLayout.left, top: 0)
        return block
    }

    // MARK: - Tables

    /// A table in the superbill's look, starting at the left margin: navy header titles in capitals.
    func table(_ columns: [PDFTable.Column]) -> PDFTable {
        PDFTable(x: SuperbillPDFLayout.left, columns: columns, headerStyle: styles.columnHeader, minimumLineHeight: styles.body.leading,
                 rules: .init(headerFill: SuperbillPDFLayout.headerFill, headerRule: SuperbillPDFLayout.headerRule, rowRule: SuperbillPDFLayout.gridRule))
    }

    func column(_ title: String, _ width: Double, _ align: PDFAlignment = .left) -> PDFTable.Column {
        PDFTable.Column(title: title.uppercased(), width: width, align: align)
    }

    /// A headed table; rows that do not fit go to the next page under "<title> (continued)" and the header.
    func place(table: PDFTable, title: String, rows: [PDFBlock], footer: PDFBlock? = nil, keepWithLastRow: Double = 0,
               on pages: inout PDFPaginator) {
        pages.placeTable(heading: sectionHeading(title), continuedHeading: { sectionHeading("\(title) (continued)") },
                         header: table.header(), rows: rows, footer: footer, keepWithLastRow: keepWithLastRow)
    }

    /// A headed column of label/value rows, at x = 0; an empty value is a line to write on.
    func facts(title: String, rows: [(StaticString, [[UInt8]])], width: Double, emphasizeFirst: Bool = false) -> PDFBlock {
        var block = heading(title, width: width, topMargin: 0)
        let labelWidth = (width * 0.36).rounded()
        let valueX = labelWidth + 4
        let valueWidth = width - valueX
        var top = block.height
        for (index, (label, values)) in rows.enumerated() {
            let rowTop = top + 0.8
            var labelBytes: [UInt8] = []
            PDFBytes.append(label, to: &labelBytes)
            block.text(labelBytes, x: 0, baseline: rowTop + styles.body.baselineOffset, style: styles.labelStyle)
            let style = emphasizeFirst && index == 0 ? styles.bold : styles.body
            var used = 0.0
            for value in values {
                used += block.lines(PDFTextWrap.wrap(value, style: style, width: valueWidth),
                                    x: valueX, width: valueWidth, top: rowTop + used, style: style)
            }
            if values.isEmpty {
                let lineY = rowTop + styles.body.leading - 0.5
                block.line(x1: valueX, y1: lineY, x2: valueX + min(150, valueWidth), y2: lineY, width: 0.6,
                           color: PDFColor(hex: 0x9aa5b1))
                used = styles.body.leading + 3
            }
            top = rowTop + max(used, styles.body.leading) + 0.8
        }
        block.height = top
        return block
    }
}
