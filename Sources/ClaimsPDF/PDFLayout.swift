import Foundation

// Small layout toolkit for native PDF documents: styled text, word wrapping with the fonts' widths,
// blocks of drawing operations measured before they are placed, and a paginator that never splits
// a block across pages. Coordinates inside a block run top-down from the block's top edge; the
// paginator converts them to PDF user space (bottom-up) when it places the block.

/// A font, size, colour and letter spacing.
package struct PDFTextStyle {
    package var font: PDFFont
    package var size: Double
    package var color: PDFColor
    package var charSpacing: Double = 0
    /// Line box height.
    package var leading: Double

    package init(font: PDFFont, size: Double, color: PDFColor, charSpacing: Double = 0, leading: Double) {
        self.font = font; self.size = size; self.color = color; self.charSpacing = charSpacing; self.leading = leading
    }

    /// Distance from the top of a line box to the baseline, centring the glyphs' ascender–descender box.
    // Helvetica's ascender and descender for every font, so that the embedded fonts keep the page's geometry.
    package var baselineOffset: Double { (leading + fontSize * (StandardFont.ascender + StandardFont.descender) / 1000) / 2 }

    /// The size text is drawn at: `size` scaled for the fonts (`PDFFonts.sizeScale`).
    package var fontSize: Double { size * font.fonts.sizeScale }

    package func width(_ text: [UInt8]) -> Double { font.width(text, size: fontSize, charSpacing: charSpacing) }

    package func with(font: PDFFont? = nil, size: Double? = nil, color: PDFColor? = nil, leading: Double? = nil) -> PDFTextStyle {
        var copy = self
        if let font { copy.font = font }
        if let size { copy.size = size }
        if let color { copy.color = color }
        if let leading { copy.leading = leading }
        return copy
    }
}

package enum PDFAlignment { case left, center, right }

/// One drawing operation, positioned relative to the top-left of its block (y grows downwards).
package enum PDFDrawOp {
    /// `y` is the baseline.
    case text([UInt8], x: Double, y: Double, style: PDFTextStyle)
    case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: PDFColor)
    /// `y` is the rectangle's top edge.
    case fill(x: Double, y: Double, width: Double, height: Double, color: PDFColor)
    case box(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, color: PDFColor)
}

/// Drawing operations with a measured height: the unit the paginator keeps together.
package struct PDFBlock {
    package var height = 0.0
    package var ops: [PDFDrawOp] = []

    package init(height: Double = 0, ops: [PDFDrawOp] = []) {
        self.height = height
        self.ops = ops
        self.ops.reserveCapacity(16)
    }

    /// Text aligned inside [x, x + width] on the baseline `y`.
    package mutating func text(_ text: [UInt8], x: Double, width: Double = 0, baseline y: Double, style: PDFTextStyle,
                       align: PDFAlignment = .left) {
        guard !text.isEmpty else { return }
        let start: Double
        switch align {
        case .left: start = x
        case .center: start = x + (width - style.width(text)) / 2
        case .right: start = x + width - style.width(text)
        }
        ops.append(.text(text, x: start, y: y, style: style))
    }

    /// Wrapped lines stacked from `top`; returns the height used.
    @discardableResult
    package mutating func lines(_ lines: [[UInt8]], x: Double, width: Double, top: Double, style: PDFTextStyle,
                        align: PDFAlignment = .left) -> Double {
        for (index, line) in lines.enumerated() {
            text(line, x: x, width: width, baseline: top + Double(index) * style.leading + style.baselineOffset,
                 style: style, align: align)
        }
        return Double(lines.count) * style.leading
    }

    package mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: PDFColor) {
        ops.append(.line(x1: x1, y1: y1, x2: x2, y2: y2, width: width, color: color))
    }

    package mutating func fill(x: Double, y: Double, width: Double, height: Double, color: PDFColor) {
        ops.append(.fill(x: x, y: y, width: width, height: height, color: color))
    }

    /// Appends `other` below this block's current height (or at `top`).
    package mutating func append(_ other: PDFBlock, x dx: Double = 0, top: Double? = nil) {
        let dy = top ?? height
        for op in other.ops {
            switch op {
            case .text(let text, let x, let y, let style): ops.append(.text(text, x: x + dx, y: y + dy, style: style))
            case .line(let x1, let y1, let x2, let y2, let width, let color):
                ops.append(.line(x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, width: width, color: color))
            case .fill(let x, let y, let width, let height, let color):
                ops.append(.fill(x: x + dx, y: y + dy, width: width, height: height, color: color))
            case .box(let x, let y, let width, let height, let lineWidth, let color):
                ops.append(.box(x: x + dx, y: y + dy, width: width, height: height, lineWidth: lineWidth, color: color))
            }
        }
        height = max(height, dy + other.height)
    }
}

package enum PDFTextWrap {
    /// `text` cut to `width`, ending in an ellipsis (…) when it was too long: for one-line slots.
    package static func fit(_ text: [UInt8], style: PDFTextStyle, width: Double) -> [UInt8] {
        guard style.width(text) > width else { return text }
        let ellipsis = style.font.ellipsis
        var cut = text
        let multiByte = style.font.fonts.embedsFonts
        while !cut.isEmpty && style.width(cut + ellipsis) > width {
            // The last character: in UTF-8, its continuation bytes and then its lead byte.
            while let last = cut.popLast(), multiByte, PDFUTF8.isContinuation(last) {}
        }
        while cut.last == 0x20 { cut.removeLast() }
        return cut + ellipsis
    }

    /// Greedy word wrap at spaces with the fonts' exact widths; a word longer than the line is broken
    /// between characters. Runs of spaces collapse to one; empty text gives no lines.
    package static func wrap(_ text: [UInt8], style: PDFTextStyle, width: Double) -> [[UInt8]] {
        let maxUnits = Int((width * 1000 / style.fontSize).rounded(.down))
        let advances = style.font.advances(text)
        // Fits whole (the common case): no copies.
        var total = 0
        var clean = true
        var previous: UInt8 = 0x20
        for (index, byte) in text.enumerated() {
            total += advances[index]
            if byte == 0x20 && previous == 0x20 { clean = false }
            previous = byte
        }
        if clean && previous != 0x20 && total <= maxUnits { return text.isEmpty ? [] : [text] }

        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var lineUnits = 0
        var word: [UInt8] = []
        var wordAdvances: [Int] = []
        var wordUnits = 0
        let space = style.font.advances([0x20])[0]
        let multiByte = style.font.fonts.embedsFonts

        func flushWord() {
            guard !word.isEmpty else { return }
            if line.isEmpty {
                // Break a word wider than the line between characters (never inside a UTF-8 sequence).
                while wordUnits > maxUnits, word.count > 1 {
                    var units = 0
                    var cut = 0
                    while cut < word.count, units + wordAdvances[cut] <= maxUnits { units += wordAdvances[cut]; cut += 1 }
                    while multiByte, cut < word.count, cut > 0, PDFUTF8.isContinuation(word[cut]) { cut -= 1 }
                    if cut == 0 { cut = 1; while multiByte, cut < word.count, PDFUTF8.isContinuation(word[cut]) { cut += 1 } }
                    if cut >= word.count { break }
                    lines.append(Array(word[..<cut]))
                    word.removeFirst(cut)
                    wordAdvances.removeFirst(cut)
                    wordUnits = wordAdvances.reduce(0, +)
                }
                line = word; lineUnits = wordUnits
            } else if lineUnits + space + wordUnits <= maxUnits {
                line.append(0x20); line.append(contentsOf: word); lineUnits += space + wordUnits
            } else {
                lines.append(line)
                line = []; lineUnits = 0
                flushWord()
                return
            }
            word = []; wordAdvances = []; wordUnits = 0
        }

        for (index, byte) in text.enumerated() {
            if byte == 0x20 { flushWord() } else { word.append(byte); wordAdvances.append(advances[index]); wordUnits += advances[index] }
        }
        flushWord()
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// Places blocks on US-letter pages top to bottom and starts a new page when the next block does not
/// fit; each page after the first begins with the running header. The footer ("Page n of m") is added
/// when the page count is known.
package struct PDFPaginator {
    package static let top = 40.0
    /// Lowest y (top-down) a block may reach: leaves room for the footer.
    package static let bottom = PDFDocumentBuilder.pageHeight - 54

    private(set) var pages: [PDFContentStream] = []
    private var page: PDFContentStream
    /// The glyphs the document's pages draw with embedded fonts (nil with the standard fonts).
    package let glyphs: PDFGlyphRecorder?
    private(set) var cursor = top
    /// Made when a second page is first needed (most documents have one page).
    private let makeRunningHeader: () -> PDFBlock
    private var runningHeader: PDFBlock?
    /// The running header's height, known before it is made.
    package let runningHeaderHeight: Double

    package init(runningHeaderHeight: Double, glyphs: PDFGlyphRecorder?, runningHeader: @escaping () -> PDFBlock) {
        self.runningHeaderHeight = runningHeaderHeight
        self.glyphs = glyphs
        page = PDFContentStream(glyphs: glyphs)
        makeRunningHeader = runningHeader
    }

    /// Height available on a page after the running header.
    package var fullPageHeight: Double { Self.bottom - Self.top - runningHeaderHeight }
    package var remaining: Double { Self.bottom - cursor }
    /// Nothing placed on this page yet (but its running header).
    package var isAtPageTop: Bool { cursor <= Self.top + (pages.isEmpty ? 0 : runningHeaderHeight) + 0.01 }
    package func fits(_ height: Double) -> Bool { cursor + height <= Self.bottom + 0.01 }

    package mutating func newPage() {
        pages.append(page)
        page = PDFContentStream(glyphs: glyphs)
        cursor = Self.top
        let header = runningHeader ?? makeRunningHeader()
        runningHeader = header
        draw(header)
        cursor = Self.top + runningHeaderHeight
    }

    /// Skips `space` points down, unless that is the top of a page.
    package mutating func gap(_ space: Double) { if !isAtPageTop { cursor += space } }

    /// Places `block` on this page when it fits, else on the next.
    package mutating func place(_ block: PDFBlock) {
        if !fits(block.height) && !isAtPageTop { newPage() }
        draw(block)
    }

    /// Places `block` here, fitting or not (the caller checked).
    package mutating func draw(_ block: PDFBlock) {
        let base = PDFDocumentBuilder.pageHeight - cursor
        for op in block.ops {
            switch op {
            case .text(let text, let x, let y, let style):
                page.text(text, x: x, y: base - y, font: style.font, size: style.fontSize, color: style.color,
                          charSpacing: style.charSpacing)
            case .line(let x1, let y1, let x2, let y2, let width, let color):
                page.line(x1: x1, y1: base - y1, x2: x2, y2: base - y2, width: width, color: color)
            case .fill(let x, let y, let width, let height, let color):
                page.fillRect(x: x, y: base - y - height, width: width, height: height, color: color)
            case .box(let x, let y, let width, let height, let lineWidth, let color):
                page.strokeRect(x: x, y: base - y - height, width: width, height: height, lineWidth: lineWidth, color: color)
            }
        }
        cursor += block.height
    }

    /// The finished pages, each with its footer (drawn by `footer(pageNumber, pageCount)`).
    package mutating func finish(footer: (Int, Int) -> PDFBlock) -> [PDFContentStream] {
        pages.append(page)
        let count = pages.count
        for index in pages.indices {
            let block = footer(index + 1, count)
            let base = PDFDocumentBuilder.pageHeight
            for case .text(let text, let x, let y, let style) in block.ops {
                pages[index].text(text, x: x, y: base - y, font: style.font, size: style.fontSize, color: style.color,
                                  charSpacing: style.charSpacing)
            }
        }
        return pages
    }
}
