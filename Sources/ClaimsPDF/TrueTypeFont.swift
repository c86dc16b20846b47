import Foundation

/// Why a font file could not be used. The writer then falls back to the standard fonts (docs/superbills.md, "Fonts").
package struct TrueTypeError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

/// One TrueType (glyf-outline) font parsed for embedding: glyph lookup (cmap formats 4 and 12),
/// advance widths (hmtx), glyph data (loca/glyf) and the metrics a PDF font descriptor needs.
/// Immutable after parsing, so one instance is shared by every thread.
final class TrueTypeFont: Sendable {
    let file: FontBytes
    /// Table tag → byte range in `file`.
    let tables: [String: Range<Int>]
    let unitsPerEm: Int
    let glyphCount: Int
    let longLoca: Bool
    /// The `loca` and `glyf` tables, and `hmtx` with its count of full metrics (read for every glyph).
    let loca: Range<Int>, glyf: Range<Int>, hmtx: Range<Int>
    let metricCount: Int
    /// Advance width per glyph, in font units.
    let advances: [UInt16]
    /// Glyph id per BMP code point (0 = none), and the supplementary planes' mappings.
    let bmp: [UInt16]
    private let supplementary: [UInt32: UInt16]
    let postScriptName: String
    /// Descriptor metrics, in font units.
    let boundingBox: (xMin: Int, yMin: Int, xMax: Int, yMax: Int)
    let ascent: Int, descent: Int, capHeight: Int
    let italicAngle: Double
    let fixedPitch: Bool
    let weightClass: Int

    /// Parses `bytes` (a .ttf, or font `index` of a .ttc collection). Rejects CFF-outline and bitmap-only fonts.
    /// `requireCmap: false` reads a font without one (a subset we wrote), which then maps no character.
    convenience init(bytes: [UInt8], index: Int = 0, fallbackName: String = "Font", requireCmap: Bool = true) throws(TrueTypeError) {
        try self.init(file: FontBytes(bytes: bytes), index: index, fallbackName: fallbackName, requireCmap: requireCmap)
    }

    init(file: FontBytes, index: Int = 0, fallbackName: String = "Font", requireCmap: Bool = true) throws(TrueTypeError) {
        self.file = file
        var directory = 0
        if try file.u32(0) == 0x7474_6366 {   // 'ttcf': pick one font of the collection
            let count = Int(try file.u32(8))
            guard index >= 0, index < count else { throw TrueTypeError("collection has no font \(index)") }
            directory = Int(try file.u32(12 + 4 * index))
        }
        let version = try file.u32(directory)
        guard version == 0x0001_0000 || version == 0x7472_7565 else {   // 1.0 or 'true'; 'OTTO' is CFF
            throw TrueTypeError("not a TrueType outline font")
        }
        let tableCount = Int(try file.u16(directory + 4))
        var tables: [String: Range<Int>] = [:]
        for record in 0..<tableCount {
            let entry = directory + 12 + 16 * record
            let tag = String(decoding: try file.slice(entry..<entry + 4), as: UTF8.self)
            let offset = Int(try file.u32(entry + 8)), length = Int(try file.u32(entry + 12))
            guard offset + length <= file.count else { throw TrueTypeError("table \(tag) runs past the end of the file") }
            tables[tag] = offset..<offset + length
        }
        for required in ["head", "hhea", "maxp", "hmtx", "loca", "glyf"] + (requireCmap ? ["cmap"] : []) where tables[required] == nil {
            throw TrueTypeError("no \(required) table (bitmap-only or CFF fonts are not supported)")
        }
        self.tables = tables
        func start(_ tag: String, minimumLength: Int) throws(TrueTypeError) -> Int {
            guard let range = tables[tag], range.count >= minimumLength else { throw TrueTypeError("\(tag) table too short") }
            return range.lowerBound
        }

        let head = try start("head", minimumLength: 54)
        unitsPerEm = Int(try file.u16(head + 18))
        guard (16...16384).contains(unitsPerEm) else { throw TrueTypeError("unitsPerEm \(unitsPerEm) out of range") }
        boundingBox = (Int(try file.i16(head + 36)), Int(try file.i16(head + 38)), Int(try file.i16(head + 40)), Int(try file.i16(head + 42)))
        longLoca = try file.i16(head + 50) == 1

        glyphCount = Int(try file.u16(try start("maxp", minimumLength: 6) + 4))
        guard glyphCount > 0 else { throw TrueTypeError("no glyphs") }
        loca = tables["loca"]!
        glyf = tables["glyf"]!
        guard loca.count >= (glyphCount + 1) * (longLoca ? 4 : 2) else { throw TrueTypeError("loca table too short") }

        let hhea = try start("hhea", minimumLength: 36)
        ascent = Int(try file.i16(hhea + 4))
        descent = Int(try file.i16(hhea + 6))
        let metricCount = Int(try file.u16(hhea + 34))
        guard metricCount > 0, metricCount <= glyphCount else { throw TrueTypeError("bad numberOfHMetrics") }
        self.metricCount = metricCount
        let hmtx = try start("hmtx", minimumLength: 4 * metricCount)
        self.hmtx = tables["hmtx"]!
        // hmtx is at least 4 × metricCount bytes inside the file (checked above), so this read succeeds.
        var advances = file.u16s(at: hmtx, count: metricCount, stride: 4) ?? []
        guard advances.count == metricCount else { throw TrueTypeError("hmtx table too short") }
        // Glyphs past numberOfHMetrics share the last advance.
        advances += repeatElement(advances[metricCount - 1], count: glyphCount - metricCount)
        self.advances = advances

        var capHeight = ascent, weightClass = 400
        if let os2 = tables["OS/2"], os2.count >= 78 {
            weightClass = Int(try file.u16(os2.lowerBound + 4))
            if try file.u16(os2.lowerBound) >= 2, os2.count >= 90 { capHeight = Int(try file.i16(os2.lowerBound + 88)) }
        }
        self.capHeight = capHeight
        self.weightClass = weightClass
        var italicAngle = 0.0, fixedPitch = false
        if let post = tables["post"], post.count >= 16 {
            italicAngle = Double(Int32(bitPattern: try file.u32(post.lowerBound + 4))) / 65536
            fixedPitch = try file.u32(post.lowerBound + 12) != 0
        }
        self.italicAngle = italicAngle
        self.fixedPitch = fixedPitch

        if let cmap = tables["cmap"] {
            (bmp, supplementary) = try Self.readCmap(file, table: cmap, glyphCount: glyphCount)
        } else {
            (bmp, supplementary) = ([UInt16](repeating: 0, count: 0x10000), [:])
        }
        postScriptName = (try? Self.readPostScriptName(file, table: tables["name"])) ?? fallbackName
    }

    /// The glyph for `scalar`, or nil when the font has none.
    @inline(__always)
    func glyph(for scalar: UInt32) -> UInt16? {
        let glyph = scalar < 0x10000 ? bmp[Int(scalar)] : (supplementary[scalar] ?? 0)
        return glyph == 0 ? nil : glyph
    }

    /// Where glyph `id` lies in the file (empty for a glyph without outline, such as the space).
    func glyphRange(_ id: Int) throws(TrueTypeError) -> Range<Int> {
        guard id >= 0, id < glyphCount else { throw TrueTypeError("glyph \(id) out of range") }
        let start = longLoca ? Int(try file.u32(loca.lowerBound + 4 * id)) : 2 * Int(try file.u16(loca.lowerBound + 2 * id))
        let end = longLoca ? Int(try file.u32(loca.lowerBound + 4 * id + 4)) : 2 * Int(try file.u16(loca.lowerBound + 2 * id + 2))
        guard start <= end, glyf.lowerBound + end <= glyf.upperBound else { throw TrueTypeError("glyph \(id) outside glyf") }
        return glyf.lowerBound + start..<glyf.lowerBound + end
    }

    /// The bytes of glyph `id` in `glyf`.
    func glyphData(_ id: Int) throws(TrueTypeError) -> [UInt8] { try file.slice(try glyphRange(id)) }

    /// Left side bearing of glyph `id` (hmtx), as stored.
    func leftSideBearing(_ id: Int) throws(TrueTypeError) -> UInt16 {
        let offset = id < metricCount ? hmtx.lowerBound + 4 * id + 2 : hmtx.lowerBound + 4 * metricCount + 2 * (id - metricCount)
        return offset + 2 <= hmtx.upperBound ? try file.u16(offset) : 0
    }

    /// `value` font units in 1/1000 em, rounded: the unit of PDF widths and of the layout's measurements.
    @inline(__always)
    func thousandths(_ value: Int) -> Int {
        let scaled = value * 1000
        return (scaled >= 0 ? scaled + unitsPerEm / 2 : scaled - unitsPerEm / 2) / unitsPerEm
    }

    // MARK: - cmap

    /// The best Unicode subtable: format 12 (full range) before format 4 (BMP).
    private static func readCmap(_ file: FontBytes, table: Range<Int>, glyphCount: Int) throws(TrueTypeError)
        -> ([UInt16], [UInt32: UInt16]) {
        let base = table.lowerBound
        let count = Int(try file.u16(base + 2))
        var format4: Int?, format12: Int?
        for record in 0..<count {
            let entry = base + 4 + 8 * record
            let platform = try file.u16(entry), encoding = try file.u16(entry + 2)
            let offset = base + Int(try file.u32(entry + 4))
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            guard unicode, offset < table.upperBound else { continue }
            switch try file.u16(offset) {
            case 4 where format4 == nil: format4 = offset
            case 12 where format12 == nil: format12 = offset
            default: break
            }
        }
        var bmp = [UInt16](repeating: 0, count: 0x10000)
        var supplementary: [UInt32: UInt16] = [:]
        if let subtable = format12 {
            let groups = Int(try file.u32(subtable + 12))
            guard groups <= (table.upperBound - subtable) / 12 else { throw TrueTypeError("cmap format 12 too short") }
            // The supplementary mappings' count first, so the dictionary is sized once.
            var supplementaryCount = 0
            for group in 0..<groups {
                let entry = subtable + 16 + 12 * group
                let first = try file.u32(entry), last = min(try file.u32(entry + 4), 0x10FFFF), glyph = try file.u32(entry + 8)
                guard first <= last, Int(glyph) + Int(last - first) < glyphCount, last >= 0x10000 else { continue }
                supplementaryCount += Int(last - max(first, 0x10000)) + 1
            }
            supplementary.reserveCapacity(supplementaryCount)
            for group in 0..<groups {
                let entry = subtable + 16 + 12 * group
                let first = try file.u32(entry), last = min(try file.u32(entry + 4), 0x10FFFF), glyph = try file.u32(entry + 8)
                guard first <= last, Int(glyph) + Int(last - first) < glyphCount else { continue }
                for scalar in first...last {
                    let id = UInt16(glyph + (scalar - first))
                    if scalar < 0x10000 { bmp[Int(scalar)] = id } else { supplementary[scalar] = id }
                }
            }
        } else if let subtable = format4 {
            let segments = Int(try file.u16(subtable + 6)) / 2
            let ends = subtable + 14, starts = ends + 2 * segments + 2
            let deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
            for segment in 0..<segments {
                let end = Int(try file.u16(ends + 2 * segment)), first = Int(try file.u16(starts + 2 * segment))
                let delta = Int(try file.u16(deltas + 2 * segment))
                let rangeAt = rangeOffsets + 2 * segment
                let rangeOffset = Int(try file.u16(rangeAt))
                guard first <= end else { continue }
                let last = min(end, 0xFFFE)
                // The segment's glyph ids read at once when they all lie in the file; else one by one,
                // which throws at the first one outside it.
                if rangeOffset != 0, first <= last,
                   let ids = file.u16s(at: rangeAt + rangeOffset, count: last - first + 1) {
                    for (index, raw) in ids.enumerated() {
                        let id = raw == 0 ? 0 : (Int(raw) + delta) & 0xFFFF
                        if id < glyphCount { bmp[first + index] = UInt16(id) }
                    }
                    continue
                }
                for scalar in first...min(end, 0xFFFE) {
                    var id: Int
                    if rangeOffset == 0 {
                        id = (scalar + delta) & 0xFFFF
                    } else {
                        id = Int(try file.u16(rangeAt + rangeOffset + 2 * (scalar - first)))
                        if id != 0 { id = (id + delta) & 0xFFFF }
                    }
                    if id < glyphCount { bmp[scalar] = UInt16(id) }
                }
            }
        } else {
            throw TrueTypeError("no Unicode cmap (format 4 or 12)")
        }
        return (bmp, supplementary)
    }

    /// nameID 6 (PostScript name), Windows (UTF-16) or Mac (ASCII) record, kept to characters a PDF name allows.
    private static func readPostScriptName(_ file: FontBytes, table: Range<Int>?) throws(TrueTypeError) -> String? {
        guard let table else { return nil }
        let base = table.lowerBound
        let count = Int(try file.u16(base + 2)), strings = base + Int(try file.u16(base + 4))
        for record in 0..<count {
            let entry = base + 6 + 12 * record
            guard try file.u16(entry + 6) == 6 else { continue }
            let platform = try file.u16(entry)
            let length = Int(try file.u16(entry + 8)), offset = strings + Int(try file.u16(entry + 10))
            let raw = try file.slice(offset..<offset + length)
            var name = ""
            if platform == 3 || platform == 0 {
                let units = stride(from: raw.startIndex, to: raw.endIndex - 1, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
                name = String(decoding: units, as: UTF16.self)
            } else {
                name = String(decoding: raw, as: UTF8.self)
            }
            let clean = String(name.unicodeScalars.filter { $0.isASCII && $0.value > 0x20 && !"[](){}<>/%#".unicodeScalars.contains($0) }
                .map(Character.init))
            if !clean.isEmpty { return String(clean.prefix(60)) }
        }
        return nil
    }
}
