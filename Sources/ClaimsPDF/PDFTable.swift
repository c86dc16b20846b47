import Foundation

/// A grid of columns starting at `x`: a shaded header row, then rows whose cells wrap. Rows are
/// measured `PDFBlock`s, so the paginator can keep each one whole.
package struct PDFTable {
    package struct Column {
        /// Drawn as given (in the fonts' encoding): pass the header text as it should print.
        package var title: String
        package var width: Double
        package var align: PDFAlignment
        package init(title: String, width: Double, align: PDFAlignment = .left) {
            self.title = title; self.width = width; self.align = align
        }
    }

    /// One paragraph in a cell.
    package struct Run {
        package var text: [UInt8]
        package var style: PDFTextStyle
        package init(text: [UInt8], style: PDFTextStyle) { self.text = text; self.style = style }
    }

    /// Colours of the header's fill and rule and of the rule under each row.
    package struct Rules {
        package var headerFill: PDFColor
        package var headerRule: PDFColor
        package var rowRule: PDFColor
        package init(headerFill: PDFColor, headerRule: PDFColor, rowRule: PDFColor) {
            self.headerFill = headerFill; self.headerRule = headerRule; self.rowRule = rowRule
        }
    }

    package var x: Double
    package var columns: [Column]
    package var headerStyle: PDFTextStyle
    /// The height of a row's text when its cells are empty (one line of body text).
    package var minimumLineHeight: Double
    package var rules: Rules
    package var paddingX = 5.0
    package var paddingY = 2.8

    package init(x: Double, columns: [Column], headerStyle: PDFTextStyle, minimumLineHeight: Double, rules: Rules) {
        self.x = x; self.columns = columns; self.headerStyle = headerStyle
        self.minimumLineHeight = minimumLineHeight; self.rules = rules
    }

    package var width: Double { columns.reduce(0) { $0 + $1.width } }

    package func header() -> PDFBlock {
        var block = PDFBlock()
        let style = headerStyle
        let height = style.leading + 7
        block.fill(x: x, y: 0, width: width, height: height, color: rules.headerFill)
        var left = x
        for column in columns {
            block.text(style.font.fonts.encode(column.title), x: left + paddingX, width: column.width - 2 * paddingX,
                       baseline: 3.5 + style.baselineOffset, style: style, align: column.align)
            left += column.width
        }
        block.line(x1: x, y1: height, x2: x + width, y2: height, width: 0.75, color: rules.headerRule)
        block.height = height
        return block
    }

    package func row(_ cells: [[Run]]) -> PDFBlock {
        var block = PDFBlock()
        var left = x
        var tallest = 0.0
        for (column, runs) in zip(columns, cells) {
            let inner = column.width - 2 * paddingX
            var top = paddingY
            for run in runs {
                top += block.lines(PDFTextWrap.wrap(run.text, style: run.style, width: inner),
                                   x: left + paddingX, width: inner, top: top, style: run.style, align: column.align)
            }
            tallest = max(tallest, top - paddingY)
            left += column.width
        }
        let height = max(tallest, minimumLineHeight) + 2 * paddingY
        block.line(x1: x, y1: height, x2: x + width, y2: height, width: 0.5, color: rules.rowRule)
        block.height = height
        return block
    }
}

extension PDFPaginator {
    /// A headed table: `heading` and `header` stay with the first row; rows that do not fit go to the
    /// next page under `continuedHeading` and `header` again; a row is never split. `footer` (a total)
    /// follows the last row and never stands alone: the last row moves with it. `keepWithLastRow` is
    /// the height of what the caller places after the table and wants on the last row's page too.
    package mutating func placeTable(heading: PDFBlock, continuedHeading: () -> PDFBlock, header: PDFBlock, rows: [PDFBlock],
                                     footer: PDFBlock? = nil, keepWithLastRow: Double = 0) {
        let kept = (footer?.height ?? 0) + keepWithLastRow   // what must follow the last row on its page
        let first = (rows.first?.height ?? 0) + (rows.count <= 1 ? kept : 0)
        if !fits(heading.height + header.height + first) && !isAtPageTop { newPage() }
        draw(heading)
        draw(header)
        let all = rows + (footer.map { [$0] } ?? [])
        for (index, row) in all.enumerated() {
            let keep = index == rows.count - 1 ? kept : 0
            if index > 0 && !fits(row.height + keep) {
                newPage()
                draw(continuedHeading())
                draw(header)
            }
            draw(row)
        }
    }
}
