import Foundation

/// One embedded font of a document, as PDF objects: a Type0 font (`/Identity-H`, 2-byte CIDs), its
/// CIDFontType2 descendant (`/CIDToGIDMap /Identity`: a CID is the glyph id in the subset; `/W` widths
/// from hmtx), the font descriptor, the subset font file (`/FontFile2`) and a `/ToUnicode` CMap so the
/// text can be copied and searched.
struct PDFEmbeddedFont {
    /// Resource `/F<resource + 1>`: the font's slot in `PDFFonts`.
    let resource: Int
    let face: EmbeddedFace
    let subset: TrueTypeSubset
    /// The character of each CID from 1 on.
    let scalars: [UInt32]
    /// `ABCDEF+DejaVuSans`.
    let baseName: [UInt8]

    init(face: EmbeddedFace, resource: Int, used: PDFGlyphRecorder.Slot) throws(TrueTypeError) {
        self.face = face
        self.resource = resource
        subset = try face.subset(used.glyphs)
        scalars = used.scalars
        baseName = Array("\(subset.tag)+\(face.font.postScriptName)".utf8)
    }

    func appendType0(descendant: Int, toUnicode: Int, to out: inout [UInt8]) {
        PDFBytes.append("<< /Type /Font /Subtype /Type0 /BaseFont /", to: &out)
        out.append(contentsOf: baseName)
        PDFBytes.append(" /Encoding /Identity-H /DescendantFonts [", to: &out)
        PDFBytes.appendInteger(descendant, to: &out)
        PDFBytes.append(" 0 R] /ToUnicode ", to: &out)
        PDFBytes.appendInteger(toUnicode, to: &out)
        PDFBytes.append(" 0 R >>", to: &out)
    }

    func appendCIDFont(descriptor: Int, to out: inout [UInt8]) {
        PDFBytes.append("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /", to: &out)
        out.append(contentsOf: baseName)
        PDFBytes.append(" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ", to: &out)
        PDFBytes.appendInteger(descriptor, to: &out)
        PDFBytes.append(" 0 R /CIDToGIDMap /Identity /DW 1000 /W [0 [", to: &out)
        for (index, glyph) in subset.originalGlyphs.enumerated() {
            if index > 0 { out.append(0x20) }
            PDFBytes.appendInteger(face.widths[Int(glyph)], to: &out)
        }
        PDFBytes.append("]] >>", to: &out)
    }

    func appendDescriptor(fontFile: Int, to out: inout [UInt8]) {
        let font = face.font
        let box = font.boundingBox
        // Symbolic (4): glyphs outside the standard Latin set; FixedPitch (1); Italic (64).
        let flags = 4 | (font.fixedPitch ? 1 : 0) | (font.italicAngle != 0 ? 64 : 0)
        PDFBytes.append("<< /Type /FontDescriptor /FontName /", to: &out)
        out.append(contentsOf: baseName)
        PDFBytes.append(" /Flags ", to: &out)
        PDFBytes.appendInteger(flags, to: &out)
        PDFBytes.append(" /FontBBox [", to: &out)
        for (index, value) in [box.xMin, box.yMin, box.xMax, box.yMax].enumerated() {
            if index > 0 { out.append(0x20) }
            PDFBytes.appendInteger(font.thousandths(value), to: &out)
        }
        PDFBytes.append("] /ItalicAngle ", to: &out)
        PDFBytes.appendNumber(font.italicAngle, to: &out)
        PDFBytes.append(" /Ascent ", to: &out)
        PDFBytes.appendInteger(font.thousandths(font.ascent), to: &out)
        PDFBytes.append(" /Descent ", to: &out)
        PDFBytes.appendInteger(font.thousandths(font.descent), to: &out)
        PDFBytes.append(" /CapHeight ", to: &out)
        PDFBytes.appendInteger(font.thousandths(font.capHeight), to: &out)
        // TrueType has no stem width; the usual estimate from the weight class (400 → 80, 700 → 125).
        PDFBytes.append(" /StemV ", to: &out)
        PDFBytes.appendInteger(50 + font.weightClass * font.weightClass / 6500, to: &out)
        PDFBytes.append(" /FontFile2 ", to: &out)
        PDFBytes.appendInteger(fontFile, to: &out)
        PDFBytes.append(" 0 R >>", to: &out)
    }

    func appendFontFile(to out: inout [UInt8]) {
        PDFBytes.append("<< /Length ", to: &out)
        PDFBytes.appendInteger(subset.bytes.count, to: &out)
        PDFBytes.append(" /Length1 ", to: &out)
        PDFBytes.appendInteger(subset.bytes.count, to: &out)
        PDFBytes.append(" >>\nstream\n", to: &out)
        out.append(contentsOf: subset.bytes)
        PDFBytes.append("\nendstream", to: &out)
    }

    /// CID → UTF-16BE of the character it was drawn for, in blocks of at most 100 (the CMap limit).
    func appendToUnicode(to out: inout [UInt8]) {
        var cmap: [UInt8] = []
        PDFBytes.append("""
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """, to: &cmap)
        var start = 0
        while start < scalars.count {
            let end = min(start + 100, scalars.count)
            PDFBytes.appendInteger(end - start, to: &cmap)
            PDFBytes.append(" beginbfchar\n", to: &cmap)
            // `<CID> <UTF-16BE>` lines written in place (at most 18 bytes each), appended once per block.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 18 * (end - start)) { lines in
                var at = lines.baseAddress!
                for index in start..<end {
                    at[0] = 0x3C
                    PDFBytes.writeHex16(UInt16(index + 1), to: at + 1)
                    at[5] = 0x3E; at[6] = 0x20; at[7] = 0x3C   // "> <"
                    at += 8
                    let scalar = scalars[index]
                    if scalar < 0x10000 {
                        PDFBytes.writeHex16(UInt16(scalar), to: at)
                        at += 4
                    } else {   // UTF-16 surrogate pair
                        PDFBytes.writeHex16(UInt16(0xD800 + ((scalar - 0x10000) >> 10)), to: at)
                        PDFBytes.writeHex16(UInt16(0xDC00 + ((scalar - 0x10000) & 0x3FF)), to: at + 4)
                        at += 8
                    }
                    at[0] = 0x3E; at[1] = 0x0A   // ">\n"
                    at += 2
                }
                cmap.append(contentsOf: UnsafeBufferPointer(start: lines.baseAddress!, count: at - lines.baseAddress!))
            }
            PDFBytes.append("endbfchar\n", to: &cmap)
            start = end
        }
        PDFBytes.append("endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend", to: &cmap)
        PDFBytes.append("<< /Length ", to: &out)
        PDFBytes.appendInteger(cmap.count, to: &out)
        PDFBytes.append(" >>\nstream\n", to: &out)
        out.append(contentsOf: cmap)
        PDFBytes.append("\nendstream", to: &out)
    }
}
