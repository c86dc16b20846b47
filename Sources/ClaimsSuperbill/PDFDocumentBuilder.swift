import ClaimsCore
import Foundation

/// An RGB colour for fills and strokes, components 0…1.
struct PDFColor: Equatable, Sendable {
    var red: Double, green: Double, blue: Double
    init(_ red: Double, _ green: Double, _ blue: Double) { self.red = red; self.green = green; self.blue = blue }
    /// `PDFColor(hex: 0x1f3a5f)`.
    init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255)
    }
}

/// Byte-level helpers shared by the content stream and the file structure.
enum PDFBytes {
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
    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
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

    /// Four upper-case hex digits (a CID in a hex string).
    @inline(__always)
    static func appendHex16(_ value: UInt16, to bytes: inout [UInt8]) {
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8((value >> UInt16(shift)) & 0xF)
            bytes.append(digit < 10 ? 0x30 + digit : 0x37 + digit)
        }
    }

    @inline(__always)
    static func append(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
}

/// One page's content stream: drawing operators in PDF user space (points, origin bottom-left).
/// It remembers the graphics state it set (font, colours, line width, character spacing) and
/// writes an operator only when a value changes.
struct PDFContentStream {
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
    /// chain (each `Tj` moves the pen on), recording the glyphs the document uses.
    private mutating func appendGlyphRuns(_ text: [UInt8], font: PDFFont, size: Double) {
        guard let glyphs else { return }
        let fonts = font.fonts, weight = font.weight
        var runSlot = -1
        PDFUTF8.forEachScalar(text) { scalar, _, _ in
            guard let (slot, glyph) = fonts.resolve(scalar, weight: weight) else { return }
            var cid = glyphs.knownCID(slot: slot, glyph: glyph)
            if cid == 0 {
                cid = glyphs.addCID(slot: slot, glyph: glyph, scalar: fonts.drawnScalar(scalar, slot: slot, glyph: glyph),
                                    glyphCount: fonts.faces[slot].font.glyphCount)
            }
            if slot != runSlot {
                if runSlot >= 0 { PDFBytes.append("> Tj\n", to: &bytes) }
                setFont(slot, size: size)
                bytes.append(0x3C)
                runSlot = slot
            }
            PDFBytes.appendHex16(cid, to: &bytes)
        }
        if runSlot >= 0 { PDFBytes.append("> Tj\n", to: &bytes) }
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

/// Writes the file structure of a PDF 1.4 document around finished page content streams:
/// catalog, page tree, the fonts (the two standard fonts with WinAnsiEncoding, or the embedded
/// subsets: `PDFEmbeddedFont`), an information dictionary,
/// one page object and one uncompressed content stream per page, the cross-reference table
/// (10-digit offsets) and the trailer. No clock, no random identifiers: the bytes depend only
/// on the input.
enum PDFDocumentBuilder {
    /// US letter, in points.
    static let pageWidth = 612.0
    static let pageHeight = 792.0

    struct Info {
        var title: String
        var author: String?
        var subject: String?
        /// Written as `/CreationDate` and `/ModDate` at midnight UTC.
        var date: LocalDate?
        var producer = "claims native PDF writer"
    }

    /// The file for `pages`. With embedded fonts (`glyphs` given), each font the pages used is subset
    /// and written as a Type0 font; a font whose glyphs cannot be read throws (the caller falls back).
    static func document(pages: [PDFContentStream], info: Info, fonts: PDFFonts = .standard,
                         glyphs: PDFGlyphRecorder? = nil) throws(TrueTypeError) -> Data {
        let pageCount = pages.count
        let contentBytes = pages.reduce(0) { $0 + $1.bytes.count }
        var embedded: [PDFEmbeddedFont] = []
        if let glyphs {
            for (slot, used) in glyphs.slots.enumerated() where !used.glyphs.isEmpty {
                embedded.append(try PDFEmbeddedFont(face: fonts.faces[slot], resource: slot, used: used))
            }
        }
        // Object numbers: 1 catalog, 2 page tree, 3… one font dictionary per font, then the info
        // dictionary, then (page, content) pairs; each embedded font's other four objects come last.
        let fontCount = glyphs == nil ? 2 : embedded.count
        let infoObject = 3 + fontCount
        let firstPage = infoObject + 1
        let firstFontPart = firstPage + 2 * pageCount
        let embeddedBytes = embedded.reduce(0) { $0 + $1.subset.bytes.count + 40 * $1.subset.originalGlyphs.count }
        var file = ObjectWriter(objectCount: firstFontPart - 1 + 4 * embedded.count,
                                capacity: contentBytes + embeddedBytes + 1200 + pageCount * 220)

        PDFBytes.append("%PDF-1.4\n", to: &file.out)
        file.out.append(contentsOf: [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A])   // binary marker comment

        file.begin(1)
        PDFBytes.append("<< /Type /Catalog /Pages 2 0 R >>", to: &file.out)
        file.end()

        file.begin(2)
        PDFBytes.append("<< /Type /Pages /Kids [", to: &file.out)
        for page in 0..<pageCount {
            if page > 0 { file.out.append(0x20) }
            file.reference(firstPage + 2 * page)
        }
        PDFBytes.append("] /Count ", to: &file.out)
        PDFBytes.appendInteger(pageCount, to: &file.out)
        PDFBytes.append(" >>", to: &file.out)
        file.end()

        var fontResources: [UInt8] = []
        if glyphs == nil {
            file.begin(3)
            PDFBytes.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", to: &file.out)
            file.end()
            file.begin(4)
            PDFBytes.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>", to: &file.out)
            file.end()
            PDFBytes.append("/F1 3 0 R /F2 4 0 R", to: &fontResources)
        } else {
            for (index, font) in embedded.enumerated() {
                file.begin(3 + index)
                font.appendType0(descendant: firstFontPart + 4 * index, toUnicode: firstFontPart + 4 * index + 3, to: &file.out)
                file.end()
                if index > 0 { fontResources.append(0x20) }
                fontResources.append(0x2F); fontResources.append(0x46)   // /F
                PDFBytes.appendInteger(font.resource + 1, to: &fontResources); fontResources.append(0x20)
                PDFBytes.appendInteger(3 + index, to: &fontResources)
                PDFBytes.append(" 0 R", to: &fontResources)
            }
        }

        file.begin(infoObject)
        PDFBytes.append("<< /Title ", to: &file.out)
        PDFBytes.appendTextString(info.title, to: &file.out)
        if let author = info.author {
            PDFBytes.append(" /Author ", to: &file.out)
            PDFBytes.appendTextString(author, to: &file.out)
        }
        if let subject = info.subject {
            PDFBytes.append(" /Subject ", to: &file.out)
            PDFBytes.appendTextString(subject, to: &file.out)
        }
        PDFBytes.append(" /Producer ", to: &file.out)
        PDFBytes.appendTextString(info.producer, to: &file.out)
        if let date = info.date {
            let stamp = Array("D:\(date.compact)000000Z".utf8)
            PDFBytes.append(" /CreationDate ", to: &file.out)
            PDFBytes.appendLiteralString(stamp, to: &file.out)
            PDFBytes.append(" /ModDate ", to: &file.out)
            PDFBytes.appendLiteralString(stamp, to: &file.out)
        }
        PDFBytes.append(" >>", to: &file.out)
        file.end()

        for (index, page) in pages.enumerated() {
            let pageObject = firstPage + 2 * index
            file.begin(pageObject)
            PDFBytes.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << ", to: &file.out)
            file.out.append(contentsOf: fontResources)
            PDFBytes.append(" >> /ProcSet [/PDF /Text] >> /Contents ", to: &file.out)
            file.reference(pageObject + 1)
            PDFBytes.append(" >>", to: &file.out)
            file.end()

            file.begin(pageObject + 1)
            PDFBytes.append("<< /Length ", to: &file.out)
            PDFBytes.appendInteger(page.bytes.count, to: &file.out)
            PDFBytes.append(" >>\nstream\n", to: &file.out)
            file.out.append(contentsOf: page.bytes)
            PDFBytes.append("\nendstream", to: &file.out)
            file.end()
        }

        for (index, font) in embedded.enumerated() {
            let first = firstFontPart + 4 * index
            file.begin(first)
            font.appendCIDFont(descriptor: first + 1, to: &file.out)
            file.end()
            file.begin(first + 1)
            font.appendDescriptor(fontFile: first + 2, to: &file.out)
            file.end()
            file.begin(first + 2)
            font.appendFontFile(to: &file.out)
            file.end()
            file.begin(first + 3)
            font.appendToUnicode(to: &file.out)
            file.end()
        }

        file.finish(info: infoObject)
        return Data(file.out)
    }

    /// The output buffer and the byte offset of each object, for the cross-reference table.
    private struct ObjectWriter {
        var out: [UInt8] = []
        var offsets: [Int]
        let objectCount: Int

        init(objectCount: Int, capacity: Int) {
            self.objectCount = objectCount
            offsets = [Int](repeating: 0, count: objectCount + 1)
            out.reserveCapacity(capacity)
        }

        mutating func begin(_ number: Int) {
            offsets[number] = out.count
            PDFBytes.appendInteger(number, to: &out)
            PDFBytes.append(" 0 obj\n", to: &out)
        }

        mutating func end() { PDFBytes.append("\nendobj\n", to: &out) }

        mutating func reference(_ number: Int) {
            PDFBytes.appendInteger(number, to: &out)
            PDFBytes.append(" 0 R", to: &out)
        }

        /// Cross-reference table, trailer, `startxref` and `%%EOF`.
        mutating func finish(info: Int) {
            let xrefOffset = out.count
            PDFBytes.append("xref\n0 ", to: &out)
            PDFBytes.appendInteger(objectCount + 1, to: &out)
            // Each entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, type, CR LF.
            PDFBytes.append("\n0000000000 65535 f\r\n", to: &out)
            for number in 1...objectCount {
                PDFBytes.appendTenDigits(offsets[number], to: &out)
                PDFBytes.append(" 00000 n\r\n", to: &out)
            }
            PDFBytes.append("trailer\n<< /Size ", to: &out)
            PDFBytes.appendInteger(objectCount + 1, to: &out)
            PDFBytes.append(" /Root 1 0 R /Info ", to: &out)
            PDFBytes.appendInteger(info, to: &out)
            PDFBytes.append(" 0 R >>\nstartxref\n", to: &out)
            PDFBytes.appendInteger(xrefOffset, to: &out)
            PDFBytes.append("\n%%EOF\n", to: &out)
        }
    }
}
