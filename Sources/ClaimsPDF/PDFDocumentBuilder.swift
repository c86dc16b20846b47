import Foundation

/// An RGB colour for fills and strokes, components 0…1.
package struct PDFColor: Equatable, Sendable {
    package var red: Double, green: Double, blue: Double
    package init(_ red: Double, _ green: Double, _ blue: Double) { self.red = red; self.green = green; self.blue = blue }
    /// `PDFColor(hex: 0x1f3a5f)`.
    package init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255)
    }
}

/// Writes the file structure of a PDF 1.4 document around finished page content streams:
/// catalog, page tree, the fonts (the two standard fonts with WinAnsiEncoding, or the embedded
/// subsets: `PDFEmbeddedFont`), an information dictionary,
/// one page object and one uncompressed content stream per page, the cross-reference table
/// (10-digit offsets) and the trailer. No clock, no random identifiers: the bytes depend only
/// on the input.
package enum PDFDocumentBuilder {
    /// US letter, in points.
    package static let pageWidth = 612.0
    package static let pageHeight = 792.0

    package struct Info {
        package var title: String
        package var author: String?
        package var subject: String?
        /// `YYYYMMDD`, written as `/CreationDate` and `/ModDate` at midnight UTC (never the clock).
        package var date: String?
        package var producer = "claims native PDF writer"

        package init(title: String, author: String? = nil, subject: String? = nil, date: String? = nil) {
            self.title = title; self.author = author; self.subject = subject; self.date = date
        }
    }

    /// The file for `pages`. With embedded fonts (`glyphs` given), each font the pages used is subset
    /// and written as a Type0 font; a font whose glyphs cannot be read throws (the caller falls back).
    package static func document(pages: [PDFContentStream], info: Info, fonts: PDFFonts = .standard,
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
            let stamp = Array("D:\(date)000000Z".utf8)
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
