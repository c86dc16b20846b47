import Foundation

/// A TrueType font cut down to the glyphs one document uses, for embedding as a PDF `FontFile2`.
/// Glyphs are renumbered 0, 1, 2… in the order given (0 stays `.notdef`), the components of composite
/// glyphs are added after them and their references rewritten, and hinting is dropped (glyph
/// instructions, `fpgm`, `prep`, `cvt `): viewers draw outlines unhinted, and a Latin subset stays a
/// few KB. Tables kept: `OS/2`, `glyf`, `head`, `hhea`, `hmtx`, `loca`, `maxp`, `post` (format 3).
struct TrueTypeSubset {
    /// Original glyph id of each new glyph id.
    let originalGlyphs: [UInt16]
    /// The font file.
    let bytes: [UInt8]
    /// Six capital letters derived from the glyphs, for the PDF name `ABCDEF+DejaVuSans` (same glyphs, same tag).
    let tag: String

    // Composite glyph component flags.
    private static let argsAreWords: UInt16 = 0x0001
    private static let hasScale: UInt16 = 0x0008
    private static let moreComponents: UInt16 = 0x0020
    private static let hasXYScale: UInt16 = 0x0040
    private static let hasTwoByTwo: UInt16 = 0x0080
    private static let hasInstructions: UInt16 = 0x0100

    /// `glyphs` are original ids in their new order, starting with new id 1 (`.notdef` is added as 0).
    init(font: TrueTypeFont, glyphs: [UInt16]) throws(TrueTypeError) {
        var order: [UInt16] = [0]
        // New id + 1 per original glyph (0: not in the subset); .notdef is 0 → 0.
        var newId = [UInt16](repeating: 0, count: font.glyphCount)
        newId[0] = 1
        func add(_ glyph: UInt16) {
            guard newId[Int(glyph)] == 0 else { return }
            order.append(glyph)
            newId[Int(glyph)] = UInt16(order.count)
        }
        for glyph in glyphs {
            // The caller's numbering is the CIDs already written: a glyph dropped here would shift them.
            guard glyph != 0, Int(glyph) < font.glyphCount, newId[Int(glyph)] == 0 else { throw TrueTypeError("bad glyph list") }
            add(glyph)
        }
        // Composite closure: appending while iterating reaches components of components.
        var index = 0
        while index < order.count {
            for component in try Self.components(in: font.file, glyph: try font.glyphRange(Int(order[index])))
                where Int(component) < font.glyphCount {
                add(component)
            }
            index += 1
            guard order.count < 0xFFFE else { throw TrueTypeError("too many glyphs") }
        }

        var glyf: [UInt8] = []
        var offsets: [Int] = [0]
        for glyph in order {
            try Self.appendGlyph(font.file, glyph: try font.glyphRange(Int(glyph)), remapping: newId, to: &glyf)
            while glyf.count % 4 != 0 { glyf.append(0) }   // keeps offsets even (short loca) and aligned
            offsets.append(glyf.count)
        }
        let shortLoca = glyf.count / 2 <= 0xFFFF
        var loca: [UInt8] = []
        for offset in offsets {
            if shortLoca { Self.append16(UInt16(offset / 2), to: &loca) } else { Self.append32(UInt32(offset), to: &loca) }
        }

        let file = font.file
        /// The table's first `limit` bytes (all of it by default; empty when the font has none).
        func table(_ tag: String, limit: Int = .max) throws(TrueTypeError) -> [UInt8] {
            guard let range = font.tables[tag] else { return [] }
            return try file.slice(range.lowerBound..<range.lowerBound + min(range.count, limit))
        }
        var head = try table("head")
        head.replaceSubrange(8..<12, with: [0, 0, 0, 0])                       // checkSumAdjustment, set below
        head.replaceSubrange(50..<52, with: [0, shortLoca ? 0 : 1])            // indexToLocFormat
        var hhea = try table("hhea")
        hhea.replaceSubrange(34..<36, with: [UInt8(order.count >> 8), UInt8(order.count & 0xFF)])
        var maxp = try table("maxp")
        maxp.replaceSubrange(4..<6, with: [UInt8(order.count >> 8), UInt8(order.count & 0xFF)])
        var hmtx: [UInt8] = []
        for glyph in order {
            Self.append16(font.advances[Int(glyph)], to: &hmtx)
            Self.append16(try font.leftSideBearing(Int(glyph)), to: &hmtx)
        }
        // In the order of their tags' bytes (the directory is sorted): "OS/2" (capital O) comes first.
        var tables: [(String, [UInt8])] = []
        let os2 = try table("OS/2")
        if !os2.isEmpty { tables.append(("OS/2", os2)) }
        tables += [("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca), ("maxp", maxp)]
        // Only the 32-byte header of `post` is kept (format 3: no glyph names), so only that is read.
        var post = try table("post", limit: 32)
        if post.count >= 32 {
            post.replaceSubrange(0..<4, with: [0, 3, 0, 0])
            tables.append(("post", post))
        }
        assert(tables.map(\.0) == tables.map(\.0).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })

        bytes = Self.assemble(tables)
        originalGlyphs = order
        tag = Self.subsetTag(font.postScriptName, order)
    }

    /// Component glyph ids of a composite glyph (none for a simple or empty glyph).
    static func components(of glyph: [UInt8]) throws(TrueTypeError) -> [UInt16] {
        try components(in: FontBytes(bytes: glyph), glyph: 0..<glyph.count)
    }

    /// Component glyph ids of the composite glyph at `glyph` in `file`; reads stay inside the glyph.
    static func components(in file: FontBytes, glyph: Range<Int>) throws(TrueTypeError) -> [UInt16] {
        guard glyph.count >= 10, try file.i16(glyph.lowerBound) < 0 else { return [] }
        var result: [UInt16] = []
        var offset = glyph.lowerBound + 10
        while true {
            guard offset + 4 <= glyph.upperBound else { throw TrueTypeError("composite glyph runs past its end") }
            let flags = try file.u16(offset)
            result.append(try file.u16(offset + 2))
            offset += 4 + componentTail(flags)
            guard flags & moreComponents != 0 else { return result }
        }
    }

    /// Bytes after flags and glyph index: the arguments and the transform.
    private static func componentTail(_ flags: UInt16) -> Int {
        var length = flags & argsAreWords != 0 ? 4 : 2
        if flags & hasScale != 0 { length += 2 } else if flags & hasXYScale != 0 { length += 4 } else if flags & hasTwoByTwo != 0 { length += 8 }
        return length
    }

    /// Copies one glyph without its instructions; a composite's component ids are rewritten to the new ids.
    private static func appendGlyph(_ file: FontBytes, glyph: Range<Int>, remapping newId: [UInt16],
                                    to out: inout [UInt8]) throws(TrueTypeError) {
        guard !glyph.isEmpty else { return }
        guard glyph.count >= 10 else { throw TrueTypeError("glyph shorter than its header") }
        let start = glyph.lowerBound
        let contours = Int(try file.i16(start))
        if contours >= 0 {
            let instructionsAt = start + 10 + 2 * contours
            let instructionLength = Int(try file.u16(instructionsAt))
            let rest = instructionsAt + 2 + instructionLength
            guard rest <= glyph.upperBound else { throw TrueTypeError("glyph instructions run past the glyph") }
            try file.append(start..<instructionsAt, to: &out)
            out.append(0); out.append(0)
            try file.append(rest..<glyph.upperBound, to: &out)
            return
        }
        try file.append(start..<start + 10, to: &out)
        var offset = start + 10
        while true {
            var flags = try file.u16(offset)
            let more = flags & moreComponents != 0
            if !more { flags &= ~hasInstructions }
            let original = try file.u16(offset + 2)
            guard Int(original) < newId.count, newId[Int(original)] != 0 else { throw TrueTypeError("component \(original) missing from the subset") }
            let mapped = newId[Int(original)] - 1
            let tail = componentTail(flags)
            guard offset + 4 + tail <= glyph.upperBound else { throw TrueTypeError("composite glyph runs past its end") }
            append16(flags, to: &out)
            append16(mapped, to: &out)
            try file.append(offset + 4..<offset + 4 + tail, to: &out)
            offset += 4 + tail
            if !more { return }
        }
    }

    /// The sfnt file: table directory (sorted tags, checksums), 4-byte aligned tables, and the
    /// `head` checkSumAdjustment that makes the whole file sum to 0xB1B0AFBA.
    private static func assemble(_ tables: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        let count = tables.count
        var power = 1, log2 = 0
        while power * 2 <= count { power *= 2; log2 += 1 }
        append32(0x0001_0000, to: &out)
        append16(UInt16(count), to: &out)
        append16(UInt16(power * 16), to: &out)
        append16(UInt16(log2), to: &out)
        append16(UInt16(count * 16 - power * 16), to: &out)
        var offset = 12 + 16 * count
        var headOffset = 0
        var tableSums: UInt32 = 0
        for (tag, data) in tables {
            out.append(contentsOf: Array(tag.utf8))
            let sum = checksum(data)
            tableSums &+= sum
            append32(sum, to: &out)
            append32(UInt32(offset), to: &out)
            append32(UInt32(data.count), to: &out)
            if tag == "head" { headOffset = offset }
            offset += (data.count + 3) & ~3
        }
        for (_, data) in tables {
            out.append(contentsOf: data)
            while out.count % 4 != 0 { out.append(0) }
        }
        // Tables start 4-byte aligned and are zero-padded: the file's sum is the directory's plus theirs.
        let adjustment = 0xB1B0_AFBA &- (checksum(Array(out[0..<12 + 16 * count])) &+ tableSums)
        out.replaceSubrange(headOffset + 8..<headOffset + 12, with: bigEndian32(adjustment))
        return out
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { data in
            var sum: UInt32 = 0
            let whole = data.count & ~3
            var index = 0
            while index < whole {
                sum &+= UInt32(data[index]) << 24 | UInt32(data[index + 1]) << 16 | UInt32(data[index + 2]) << 8 | UInt32(data[index + 3])
                index += 4
            }
            if whole < data.count {   // the last word, zero-padded
                var word: UInt32 = 0
                for byte in 0..<4 { word = word << 8 | UInt32(whole + byte < data.count ? data[whole + byte] : 0) }
                sum &+= word
            }
            return sum
        }
    }

    /// FNV-1a over the font name and glyph list, spelled as six capital letters.
    private static func subsetTag(_ name: String, _ glyphs: [UInt16]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        for glyph in glyphs { hash = (hash ^ UInt64(glyph)) &* 0x100_0000_01B3 }
        var letters = ""
        for _ in 0..<6 { letters.unicodeScalars.append(Unicode.Scalar(UInt8(65 + hash % 26))); hash /= 26 }
        return letters
    }

    private static func bigEndian32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
    static func append16(_ value: UInt16, to out: inout [UInt8]) { out.append(UInt8(value >> 8)); out.append(UInt8(value & 0xFF)) }
    static func append32(_ value: UInt32, to out: inout [UInt8]) { out.append(contentsOf: bigEndian32(value)) }
}
