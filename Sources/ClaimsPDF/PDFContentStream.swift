import Foundation

/// Byte-level helpers shared by the content stream and the file structure.
package enum PDFBytes {
    /// Appends `value` with at most two decimals and no exponent (`12`, `12.5`, `-0.75`): PDF real syntax.
    @inline(__always)
    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        var hundredths = Int(value * 100 + (value < 0 ? -0.5 : 0.5))
        if hundredths < 0 { bytes.append(0x2D); hundredths = -hundredths }
        appendInteger(hundredths / 100, to: &bytes)
        let fraction = hundredths % 100
        if fraction != 0 {
            bytes.append(0x2E)
            bytes.append(0x30 + UInt8(fraction / 10))
            if fraction % 10 != 0 { bytes.append(0x30 + UInt8(fraction % 10)) }
        }
    }

    @inline(__always)
    package static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(0x2D); appendInteger(-value, to: &bytes); return }
        // Page coordinates are below 1000: write those digit by digit without a buffer.
        if value < 10 { bytes.append(0x30 + UInt8(value)); return }
        if value < 100 { bytes.append(0x30 + UInt8(value / 10)); bytes.append(0x30 + UInt8(value % 10)); return }
        if value < 1000 {
            bytes.append(0x30 + UInt8(value / 100)); bytes.append(0x30 + UInt8(value / 10 % 10))
            bytes.append(0x30 + UInt8(value % 10)); return
        }
        var divisor = 1000
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 { bytes.append(0x30 + UInt8(value / divisor % 10)); divisor /= 10 }
    }

    /// `value` as exactly ten digits, zero-padded (xref offsets).
    static func appendTenDigits(_ value: Int, to bytes: inout [UInt8]) {
        var divisor = 1_000_000_000
        for _ in 0..<10 { bytes.append(0x30 + UInt8((value / divisor) % 10)); divisor /= 10 }
    }

    /// A literal string `(…)` with `(`, `)` and `\` escaped; bytes are WinAnsi.
    @inline(__always)
    static func appendLiteralString(_ text: [UInt8], to bytes: inout [UInt8]) {
        bytes.append(0x28)
        for byte in text {
            switch byte {
            case 0x28, 0x29, 0x5C: bytes.append(0x5C); bytes.append(byte)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)   // \r (never produced by WinAnsi.encode)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)   // \n
            default: bytes.append(byte)
            }
        }
        bytes.append(0x29)
    }

    /// A text string for the document information dictionary: literal when printable ASCII,
    /// otherwise UTF-16BE with a byte order mark, in hex (`<FEFF…>`), so any name survives.
    static func appendTextString(_ text: String, to bytes: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { appendLiteralString(Array(text.utf8), to: &bytes); return }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        bytes.append(contentsOf: Array("<FEFF".utf8))
        for unit in text.utf16 {
            bytes.append(hex[Int(unit >> 12)]); bytes.append(hex[Int((unit >> 8) & 0xF)])
            bytes.append(hex[Int((unit >> 4) & 0xF)]); bytes.append(hex[Int(unit & 0xF)])
        }
        bytes.append(0x3E)
    }

    /// Four upper-case hex digits written at `target` (which has room for them).
    @inline(__always)
    static func writeHex16(_ value: UInt16, to target: UnsafeMutablePointer<UInt8>) {
        for index in 0..<4 {
            let digit = UInt8((value >> UInt16(12 - 4 * index)) & 0xF)
            target[index] = digit < 10 ? 0x30 + digit : 0x37 + digit
        }
    }

    @inline(__always)
    package static func append(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
}

/// One page's content stream: drawing operators in PDF user space (points, origin bottom-left).
/// It remembers the graphics state it set (font, colours, line width, character spacing) and
/// writes an operator only when a value changes.
package struct PDFContentStream {
    private(set) var bytes: [UInt8] = []
    /// The document's embedded glyphs (nil with the standard fonts): shared by all its pages.
    let glyphs: PDFGlyphRecorder?
    /// Font resource in use: `/F<resource + 1>` (-1: none yet).
    private var resource = -1
    private var fontSize = 0.0
    private var fill: PDFColor?
    private var stroke: PDFColor?
    private var lineWidth: Double?
    private var charSpacing = 0.0

    init(capacity: Int = 8192, glyphs: PDFGlyphRecorder? = nil) {
        self.glyphs = glyphs
        bytes.reserveCapacity(capacity)
    }

    /// Shows `text` (in the layout's encoding, see `PDFFonts.encode`) with its baseline starting at (`x`, `y`).
    mutating func text(_ text: [UInt8], x: Double, y: Double, font: PDFFont, size: Double, color: PDFColor,
                       charSpacing spacing: Double = 0) {
        guard !text.isEmpty else { return }
        setFill(color)
        PDFBytes.append("BT\n", to: &bytes)
        let embedded = font.fonts.embedsFonts
        if !embedded { setFont(font.standard.rawValue - 1, size: size) }
        if spacing != charSpacing {
            PDFBytes.appendNumber(spacing, to: &bytes)
            PDFBytes.append(" Tc\n", to: &bytes)
            charSpacing = spacing
        }
        PDFBytes.appendNumber(x, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(y, to: &bytes)
        PDFBytes.append(" Td\n", to: &bytes)
        if embedded {
            appendGlyphRuns(text, font: font, size: size)
        } else {
            PDFBytes.appendLiteralString(text, to: &bytes)
            PDFBytes.append(" Tj\n", to: &bytes)
        }
        PDFBytes.append("ET\n", to: &bytes)
    }

    private mutating func setFont(_ resource: Int, size: Double) {
        guard resource != self.resource || size != fontSize else { return }
        bytes.append(0x2F); bytes.append(0x46)   // /F
        PDFBytes.appendInteger(resource + 1, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(size, to: &bytes)
        PDFBytes.append(" Tf\n", to: &bytes)
        self.resource = resource; fontSize = size
    }

    /// UTF-8 text as hex strings of 2-byte CIDs, one `Tj` per run of the same font of the fallback
    /// chain (each `Tj` moves the pen on), recording the glyphs the document uses. A run's hex digits
    /// gather in a stack buffer and join the stream in one append (four appends per character cost
    /// more than the rest of the lookup).
    private mutating func appendGlyphRuns(_ text: [UInt8], font: PDFFont, size: Double) {
        guard let glyphs else { return }
        let fonts = font.fonts, weight = font.weight
        // `resolve`'s BMP table read here directly: a call per character cost a quarter of this loop.
        let table = fonts.bmpGlyphs, tableBase = weight << 16
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 * text.count) { hex in
            guard let start = hex.baseAddress else { return }
            var runSlot = -1, cursor = start
            PDFUTF8.forEachScalar(text) { scalar, _, _ in
                let slot: Int, glyph: UInt16
                if scalar < 0x10000 {
                    let packed = table[tableBase | Int(scalar)]
                    if packed == PDFFonts.drawsNothing { return }
                    slot = Int(packed >> 16)
                    glyph = UInt16(truncatingIfNeeded: packed)
                } else {
                    guard let resolved = fonts.resolve(scalar, weight: weight) else { return }
                    (slot, glyph) = resolved
                }
                var cid = glyphs.knownCID(slot: slot, glyph: glyph)
                if cid == 0 {
                    cid = glyphs.addCID(slot: slot, glyph: glyph, scalar: fonts.drawnScalar(scalar, slot: slot, glyph: glyph),
                                        glyphCount: fonts.faces[slot].font.glyphCount)
                }
                if slot != runSlot {
                    if runSlot >= 0 {
                        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: cursor - start))
                        PDFBytes.append("> Tj\n", to: &bytes)
                    }
                    setFont(slot, size: size)
                    bytes.append(0x3C)
                    runSlot = slot
                    cursor = start
                }
                PDFBytes.writeHex16(cid, to: cursor)
                cursor += 4
            }
            if runSlot >= 0 {
                bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: cursor - start))
                PDFBytes.append("> Tj\n", to: &bytes)
            }
        }
    }

    /// A straight line.
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: PDFColor) {
        setStroke(color, width: width)
        PDFBytes.appendNumber(x1, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(y1, to: &bytes)
        PDFBytes.append(" m\n", to: &bytes)
        PDFBytes.appendNumber(x2, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(y2, to: &bytes)
        PDFBytes.append(" l\nS\n", to: &bytes)
    }

    /// A filled rectangle; (`x`, `y`) is its lower-left corner.
    mutating func fillRect(x: Double, y: Double, width: Double, height: Double, color: PDFColor) {
        setFill(color)
        appendRect(x: x, y: y, width: width, height: height)
        PDFBytes.append(" re\nf\n", to: &bytes)
    }

    /// A stroked rectangle outline.
    mutating func strokeRect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, color: PDFColor) {
        setStroke(color, width: lineWidth)
        appendRect(x: x, y: y, width: width, height: height)
        PDFBytes.append(" re\nS\n", to: &bytes)
    }

    private mutating func appendRect(x: Double, y: Double, width: Double, height: Double) {
        PDFBytes.appendNumber(x, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(y, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(width, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(height, to: &bytes)
    }

    private mutating func setFill(_ color: PDFColor) {
        guard color != fill else { return }
        appendColor(color)
        PDFBytes.append(" rg\n", to: &bytes)
        fill = color
    }

    private mutating func setStroke(_ color: PDFColor, width: Double) {
        if color != stroke {
            appendColor(color)
            PDFBytes.append(" RG\n", to: &bytes)
            stroke = color
        }
        if width != lineWidth {
            PDFBytes.appendNumber(width, to: &bytes)
            PDFBytes.append(" w\n", to: &bytes)
            lineWidth = width
        }
    }

    private mutating func appendColor(_ color: PDFColor) {
        // Three decimals would be closer, but two (1/100) are indistinguishable in print and keep streams short.
        PDFBytes.appendNumber(color.red, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(color.green, to: &bytes); bytes.append(0x20)
        PDFBytes.appendNumber(color.blue, to: &bytes)
    }
}
