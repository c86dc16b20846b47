import Foundation

/// The fonts a native PDF is drawn with, parsed once per process and shared by every thread.
///
/// Embedded (the default when the fonts are installed): DejaVu Sans and DejaVu Sans Bold, then per
/// character the first font of the fallback chain that has a glyph — Droid Sans Fallback (CJK), then
/// Symbola (symbols, emoji) — subset per document and embedded as Type0/CIDFontType2 fonts. The layout's
/// text is then NFC UTF-8. A character no font has prints as U+FFFD (�).
///
/// Standard (`PDFFonts.standard`, or when DejaVu is missing or unreadable): the standard-14 Helvetica
/// fonts with WinAnsi bytes, never embedded; characters outside cp1252 are transliterated or `?`.
public final class PDFFonts: Sendable {
    /// Embedded faces by slot: 0 regular, 1 bold, then the fallbacks. Empty for the standard fonts.
    let faces: [EmbeddedFace]
    /// Why the fonts are what they are (a font not found, not readable or not usable); empty when all loaded.
    public let problems: [String]
    /// Per weight (0 regular, 1 bold): slot << 16 | glyph of the glyph drawn for a character no font has.
    private let replacement: [UInt32]
    /// Every BMP character resolved once, per weight (index weight << 16 | scalar): slot << 16 | glyph
    /// (`Self.drawsNothing` for a character that draws nothing), and its width in 1/1000 em.
    let bmpGlyphs: [UInt32]
    private let bmpWidths: [UInt16]
    static let drawsNothing: UInt32 = 0xFFFF_FFFF

    /// The Debian paths (package `fonts-dejavu-core`, `fonts-droid-fallback`, `fonts-symbola`).
    public static let debianFiles = (
        regular: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        bold: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        fallbacks: ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"]
    )
    /// A directory holding the same file names instead (for machines without the Debian packages).
    public static let directoryVariable = "CLAIMS_FONT_DIR"

    /// Helvetica and Helvetica-Bold with WinAnsi text: today's output, and the fallback.
    public static let standard = PDFFonts(faces: [], problems: [])

    /// Loaded on first use from `$CLAIMS_FONT_DIR` or the Debian paths, then shared.
    public static let system = PDFFonts.load(environment: ProcessInfo.processInfo.environment)

    /// True when text is drawn with embedded TrueType fonts (false: standard Helvetica).
    public var embedsFonts: Bool { !faces.isEmpty }

    /// A recorder for the glyphs one document draws (nil with the standard fonts, which are not embedded).
    package func makeGlyphRecorder() -> PDFGlyphRecorder? { faces.isEmpty ? nil : PDFGlyphRecorder(slotCount: faces.count) }

    /// DejaVu Sans runs about 12% wider than Helvetica (and has a taller x-height): drawn at 90% of the
    /// layout's sizes it fits the columns the page was designed for and reads at the same size.
    var sizeScale: Double { faces.isEmpty ? 1 : 0.9 }

    public static func load(environment: [String: String]) -> PDFFonts {
        let files = debianFiles
        guard let directory = environment[directoryVariable], !directory.isEmpty else {
            return load(regular: files.regular, bold: files.bold, fallbacks: files.fallbacks)
        }
        func inDirectory(_ path: String) -> String {
            URL(fileURLWithPath: directory).appendingPathComponent((path as NSString).lastPathComponent).path
        }
        return load(regular: inDirectory(files.regular), bold: inDirectory(files.bold), fallbacks: files.fallbacks.map(inDirectory))
    }

    /// Regular and bold are required (either one missing or unusable → `standard` with the reason in
    /// `problems`); a fallback that is missing or unusable is left out of the chain.
    public static func load(regular: String, bold: String, fallbacks: [String]) -> PDFFonts {
        var problems: [String] = []
        func face(_ path: String) -> EmbeddedFace? {
            let name = (path as NSString).lastPathComponent
            guard let file = try? FontBytes(mapping: path) else {
                problems.append("\(name) not found or not readable at \(path)")
                return nil
            }
            do {
                return EmbeddedFace(font: try TrueTypeFont(file: file, fallbackName: (name as NSString).deletingPathExtension))
            } catch {
                problems.append("\(name) is not a usable TrueType font: \(error)")
                return nil
            }
        }
        guard let regularFace = face(regular), let boldFace = face(bold) else {
            return PDFFonts(faces: [], problems: problems + ["PDFs use the standard Helvetica fonts (Latin text only)"])
        }
        return PDFFonts(faces: [regularFace, boldFace] + fallbacks.compactMap(face), problems: problems)
    }

    private init(faces: [EmbeddedFace], problems: [String]) {
        self.faces = faces
        self.problems = problems
        var replacement: [UInt32] = []
        for weight in 0..<2 where !faces.isEmpty {
            // U+FFFD from the first font that has it, else "?" from the weight's own font.
            let slots = [weight] + Array(2..<max(2, faces.count))
            let found = slots.lazy.compactMap { slot in faces[slot].font.glyph(for: 0xFFFD).map { UInt32(slot) << 16 | UInt32($0) } }.first
            replacement.append(found ?? UInt32(weight) << 16 | UInt32(faces[weight].font.glyph(for: 0x3F) ?? 0))
        }
        self.replacement = replacement
        (bmpGlyphs, bmpWidths) = faces.isEmpty ? ([], []) : Self.resolveBMP(faces: faces, replacement: replacement)
    }

    /// `resolveSlowly` for every BMP character of both weights, table by table instead of character
    /// by character: it ran once per process and cost more instructions than all superbills of a
    /// 2,000-encounter batch (issue 18). Same answers (a test compares every character with
    /// `resolveSlowly`): the fallbacks, which do not depend on the weight, are merged once, first
    /// font first; then per weight its own font goes over them; what no font has is the replacement
    /// glyph, or nothing for a default-ignorable character.
    private static func resolveBMP(faces: [EmbeddedFace], replacement: [UInt32]) -> ([UInt32], [UInt16]) {
        // Raw buffers and branch-light loops: this is 131,072 characters, where an array's bounds and
        // uniqueness checks (and a captured array's exclusivity checks) cost more than the lookup.
        let scalars = 0x10000
        // What the chain after the weight's own face gives, the same for both weights: a fallback's
        // slot << 16 | glyph (slots are ≥ 2, so never 0); else `drawsNothing` for a default-ignorable
        // character; else 0, the replacement glyph.
        var chain = [UInt32](repeating: 0, count: scalars)
        chain.withUnsafeMutableBufferPointer { chain in
            for slot in (2..<max(2, faces.count)).reversed() {   // the first fallback last: it wins
                faces[slot].font.bmp.withUnsafeBufferPointer { glyphs in
                    for scalar in 0..<scalars where glyphs[scalar] != 0 { chain[scalar] = UInt32(slot) << 16 | UInt32(glyphs[scalar]) }
                }
            }
            for block in defaultIgnorableBlocks {
                for scalar in block where chain[scalar] == 0
                    && Unicode.Scalar(UInt32(scalar))?.properties.isDefaultIgnorableCodePoint == true {
                    chain[scalar] = drawsNothing
                }
            }
        }
        // Every face's widths end to end: the width of slot s, glyph g is at widthStart[s] + g.
        let widths = faces.flatMap { $0.widths.map { UInt16(clamping: $0) } }
        var widthStart: [Int] = [0]
        for face in faces.dropLast() { widthStart.append(widthStart.last! + face.widths.count) }

        var bmpGlyphs = [UInt32](repeating: 0, count: 2 * scalars)
        var bmpWidths = [UInt16](repeating: 0, count: 2 * scalars)
        for weight in 0..<2 {
            let base = weight << 16, ownSlot = UInt32(weight) << 16, replacementGlyph = replacement[weight]
            bmpGlyphs.withUnsafeMutableBufferPointer { packedGlyphs in
                faces[weight].font.bmp.withUnsafeBufferPointer { own in
                    chain.withUnsafeBufferPointer { chain in
                        for scalar in 0..<scalars {
                            let glyph = own[scalar], next = chain[scalar]
                            packedGlyphs[base + scalar] = glyph != 0 ? ownSlot | UInt32(glyph) : next != 0 ? next : replacementGlyph
                        }
                    }
                }
                // Controls draw as a space.
                for scalar in Array(0..<0x20) + Array(0x7F...0x9F) { packedGlyphs[base + scalar] = packedGlyphs[base + 0x20] }
                bmpWidths.withUnsafeMutableBufferPointer { packedWidths in
                    widths.withUnsafeBufferPointer { widths in
                        widthStart.withUnsafeBufferPointer { widthStart in
                            for index in base..<base + scalars {
                                let packed = packedGlyphs[index]
                                packedWidths[index] = packed == drawsNothing ? 0 : widths[widthStart[Int(packed >> 16)] + Int(packed & 0xFFFF)]
                            }
                        }
                    }
                }
            }
        }
        return (bmpGlyphs, bmpWidths)
    }

    /// The BMP blocks that hold every default-ignorable character (soft hyphen, joiners, bidi
    /// controls, variation selectors, the BOM, Hangul fillers…): the Unicode property lookup is
    /// costly, so it is asked only there. A test checks that no BMP character outside them has the property.
    static let defaultIgnorableBlocks: [ClosedRange<Int>] = [
        0x00AD...0x00AD, 0x034F...0x034F, 0x061C...0x061C, 0x115F...0x1160, 0x17B4...0x17B5, 0x180B...0x180F,
        0x200B...0x206F, 0x3164...0x3164, 0xFE00...0xFE0F, 0xFEFF...0xFEFF, 0xFFA0...0xFFA0, 0xFFF0...0xFFF8,
    ]

    /// Text as the layout carries it: WinAnsi bytes for the standard fonts, NFC UTF-8 for embedded ones.
    package func encode(_ text: String) -> [UInt8] {
        guard embedsFonts else { return WinAnsi.encode(text) }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return Array(text.utf8) }
        return Array(text.precomposedStringWithCanonicalMapping.utf8)
    }

    /// The slot and glyph drawing `scalar` in `weight` (0 regular, 1 bold), or nil for a character that
    /// draws nothing (a variation selector, a zero-width joiner). Controls draw as a space; a character
    /// no font has draws as the replacement glyph.
    @inline(__always)
    func resolve(_ scalar: UInt32, weight: Int) -> (slot: Int, glyph: UInt16)? {
        guard scalar < 0x10000 else { return Self.resolveSlowly(scalar, weight: weight, faces: faces, replacement: replacement) }
        let packed = bmpGlyphs[weight << 16 | Int(scalar)]
        return packed == Self.drawsNothing ? nil : (Int(packed >> 16), UInt16(packed & 0xFFFF))
    }

    /// Width in 1/1000 em of `scalar` as `resolve` draws it.
    @inline(__always)
    func width(of scalar: UInt32, weight: Int) -> Int {
        if scalar < 0x10000 { return Int(bmpWidths[weight << 16 | Int(scalar)]) }
        guard let (slot, glyph) = resolve(scalar, weight: weight) else { return 0 }
        return faces[slot].widths[Int(glyph)]
    }

    /// `resolveSlowly` for this font set: the reference the BMP tables are tested against.
    func resolveThroughTheChain(_ scalar: UInt32, weight: Int) -> (slot: Int, glyph: UInt16)? {
        Self.resolveSlowly(scalar, weight: weight, faces: faces, replacement: replacement)
    }

    /// The fallback chain itself: the weight's own font, then each fallback, then the replacement.
    private static func resolveSlowly(_ scalar: UInt32, weight: Int, faces: [EmbeddedFace], replacement: [UInt32])
        -> (slot: Int, glyph: UInt16)? {
        if scalar < 0x20 || (0x7F...0x9F).contains(scalar) {
            return resolveSlowly(0x20, weight: weight, faces: faces, replacement: replacement)
        }
        if let glyph = faces[weight].font.glyph(for: scalar) { return (weight, glyph) }
        for slot in 2..<max(2, faces.count) {
            if let glyph = faces[slot].font.glyph(for: scalar) { return (slot, glyph) }
        }
        if let value = Unicode.Scalar(scalar), value.properties.isDefaultIgnorableCodePoint { return nil }
        let packed = replacement[weight]
        return (Int(packed >> 16), UInt16(packed & 0xFFFF))
    }

    /// The character a resolved glyph stands for in /ToUnicode: what is seen (a space for a control,
    /// U+FFFD for a character no font has), so copied text matches the page.
    func drawnScalar(_ scalar: UInt32, slot: Int, glyph: UInt16) -> UInt32 {
        if scalar < 0x20 || (0x7F...0x9F).contains(scalar) { return 0x20 }
        return faces[slot].font.glyph(for: scalar) == glyph ? scalar : 0xFFFD
    }
}

/// One embedded font and its advance widths in 1/1000 em (the unit of PDF `/W` and of the layout).
final class EmbeddedFace: Sendable {
    let font: TrueTypeFont
    let widths: [Int]
    /// Recent subsets by their glyph list: the documents of a batch often draw the same glyphs in the
    /// same order (the regular face's list repeats in about half of the superbills), and a subset
    /// depends on nothing else. Bounded: emptied when full, so memory does not grow with the batch.
    private let subsets = SubsetCache()
    static let cachedSubsets = 32
    /// Subsets in the cache now (for tests).
    var cachedSubsetCount: Int { subsets.count }

    /// The subset of `glyphs` (`TrueTypeSubset(font:glyphs:)`), built or taken from the cache.
    func subset(_ glyphs: [UInt16]) throws(TrueTypeError) -> TrueTypeSubset {
        if let cached = subsets.lookUp(glyphs) { return cached }
        let subset = try TrueTypeSubset(font: font, glyphs: glyphs)
        subsets.keep(subset, for: glyphs, limit: Self.cachedSubsets)
        return subset
    }

    init(font: TrueTypeFont) {
        self.font = font
        let unitsPerEm = font.unitsPerEm
        // `thousandths` for unsigned values, inline: tens of thousands of glyphs in the fallback fonts.
        widths = font.advances.map { (Int($0) * 1000 + unitsPerEm / 2) / unitsPerEm }
    }
}

/// `EmbeddedFace`'s subsets by glyph list, shared by the threads that draw documents.
private final class SubsetCache: @unchecked Sendable {
    private let lock = NSLock()
    private var subsets: [[UInt16]: TrueTypeSubset] = [:]   // guarded by `lock`

    func lookUp(_ glyphs: [UInt16]) -> TrueTypeSubset? { lock.withLock { subsets[glyphs] } }

    func keep(_ subset: TrueTypeSubset, for glyphs: [UInt16], limit: Int) {
        lock.withLock {
            if subsets.count >= limit { subsets.removeAll(keepingCapacity: true) }
            subsets[glyphs] = subset
        }
    }

    var count: Int { lock.withLock { subsets.count } }
}

/// A weight of the document's fonts: what a text style draws with and measures by.
package struct PDFFont: Sendable, Equatable {
    package let fonts: PDFFonts
    let bold: Bool

    /// The regular or bold weight of `fonts`.
    package init(fonts: PDFFonts, bold: Bool) { self.fonts = fonts; self.bold = bold }

    package static func == (lhs: PDFFont, rhs: PDFFont) -> Bool { lhs.fonts === rhs.fonts && lhs.bold == rhs.bold }

    var weight: Int { bold ? 1 : 0 }
    var standard: StandardFont { bold ? .helveticaBold : .helvetica }

    /// "…" in the layout's encoding.
    var ellipsis: [UInt8] { fonts.embedsFonts ? [0xE2, 0x80, 0xA6] : [0x85] }

    /// Width in 1/1000 em of each byte of `text`: a character's width on its first byte, 0 on the rest.
    func advances(_ text: [UInt8]) -> [Int] {
        guard fonts.embedsFonts else { return text.map(standard.width(of:)) }
        var result = [Int](repeating: 0, count: text.count)
        PDFUTF8.forEachScalar(text) { scalar, start, _ in result[start] = fonts.width(of: scalar, weight: weight) }
        return result
    }

    /// Width of `text` in points at `size`, with `charSpacing` (the `Tc` operator) after each glyph but the last.
    func width(_ text: [UInt8], size: Double, charSpacing: Double = 0) -> Double {
        guard fonts.embedsFonts else { return standard.width(text, size: size, charSpacing: charSpacing) }
        var units = 0, glyphs = 0
        PDFUTF8.forEachScalar(text) { scalar, _, _ in
            let width = fonts.width(of: scalar, weight: weight)
            units += width
            // A character that draws nothing gets no letter spacing either.
            if width != 0 || fonts.resolve(scalar, weight: weight) != nil { glyphs += 1 }
        }
        return Double(units) * size / 1000 + (glyphs == 0 ? 0 : charSpacing * Double(glyphs - 1))
    }
}

enum PDFUTF8 {
    /// Calls `body(scalar, firstByte, byteCount)` for each scalar of valid UTF-8 (what `String.utf8`
    /// gives); a truncated sequence at the end is skipped.
    @inline(__always)
    static func forEachScalar(_ text: [UInt8], _ body: (UInt32, Int, Int) -> Void) {
        var index = 0
        let count = text.count
        while index < count {
            let lead = text[index]
            if lead < 0x80 { body(UInt32(lead), index, 1); index += 1; continue }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard index + length <= count else { return }
            var scalar = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for next in 1..<length { scalar = scalar << 6 | UInt32(text[index + next] & 0x3F) }
            body(scalar, index, length)
            index += length
        }
    }

    /// True for a byte that continues a UTF-8 sequence (never a place to cut).
    @inline(__always)
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

/// The glyphs one document draws, per embedded font slot, numbered in order of first use: that number
/// is the CID written in the content stream and the glyph id in the subset font (CIDToGIDMap Identity).
/// One per document, used by one thread.
package final class PDFGlyphRecorder {
    struct Slot {
        /// Original glyph ids in order of first use (new id = index + 1).
        var glyphs: [UInt16] = []
        /// The character each new glyph was first drawn for (for /ToUnicode).
        var scalars: [UInt32] = []

        /// Records `glyph`, drawn for `scalar`; returns its new id.
        mutating func add(_ glyph: UInt16, drawing scalar: UInt32) -> UInt16 {
            if glyphs.isEmpty {   // a superbill uses 50–100 glyphs of a face: no regrowing on the way
                glyphs.reserveCapacity(128)
                scalars.reserveCapacity(128)
            }
            glyphs.append(glyph)
            scalars.append(scalar)
            return UInt16(glyphs.count)
        }
    }
    private(set) var slots: [Slot]
    /// Per slot, the new id of each original glyph (0 = unused), allocated when the slot is first used.
    /// Raw memory held by `let`s: this lookup runs for every character drawn, without copy-on-write or
    /// exclusivity checks.
    private let newIds: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>?>
    private let slotCount: Int

    init(slotCount: Int) {
        self.slotCount = slotCount
        slots = Array(repeating: Slot(), count: slotCount)
        newIds = .allocate(capacity: max(1, slotCount))
        newIds.initialize(repeating: nil, count: max(1, slotCount))
    }

    deinit {
        for slot in 0..<slotCount { newIds[slot]?.deallocate() }
        newIds.deallocate()
    }

    /// The CID already given to `glyph` of `slot` in this document, or 0.
    @inline(__always)
    func knownCID(slot: Int, glyph: UInt16) -> UInt16 {
        newIds[slot].map { $0[Int(glyph)] } ?? 0
    }

    /// Gives `glyph` of `slot` the next CID; `scalar` is the character it shows (for /ToUnicode).
    func addCID(slot: Int, glyph: UInt16, scalar: UInt32, glyphCount: Int) -> UInt16 {
        if glyph == 0 { return 0 }   // .notdef keeps id 0 in the subset
        if newIds[slot] == nil {
            let table = UnsafeMutablePointer<UInt16>.allocate(capacity: glyphCount)
            table.initialize(repeating: 0, count: glyphCount)
            newIds[slot] = table
        }
        let id = slots[slot].add(glyph, drawing: scalar)   // one access to `slots`, not three
        newIds[slot]![Int(glyph)] = id
        return id
    }
}
