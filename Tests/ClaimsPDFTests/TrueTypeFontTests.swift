@testable import ClaimsPDF
import Foundation
import Testing

/// The embedded fonts as the layout measures them (needs the Debian fonts; skipped with the reason otherwise).
@Suite(.enabled(if: PDFFonts.system.embedsFonts && PDFFonts.system.faces.count == 4,
                "needs fonts-dejavu-core, fonts-droid-fallback and fonts-symbola (scripts/setup.sh): \(PDFFonts.system.problems)"))
struct PDFFontTests {
    /// 8.5 pt body text, as a document would style it.
    static func body(_ fonts: PDFFonts) -> PDFTextStyle {
        PDFTextStyle(font: PDFFont(fonts: fonts, bold: false), size: 8.5, color: PDFColor(hex: 0x1b1b1b), leading: 11)
    }

    @Test func widthsComeFromHmtx() throws {
        let fonts = PDFFonts.system
        let regular = PDFFont(fonts: fonts, bold: false)
        let dejavu = fonts.faces[0].font
        let expected = "Лев".unicodeScalars.reduce(0) { $0 + dejavu.thousandths(Int(dejavu.advances[Int(dejavu.glyph(for: $1.value)!)])) }
        #expect(regular.width(fonts.encode("Лев"), size: 10) == Double(expected) / 100)
        // Styles draw the embedded fonts at 90% of the design size, and measure at that size.
        let body = PDFFontTests.body(fonts)
        #expect(body.fontSize == body.size * 0.9)
        #expect(body.width(fonts.encode("Лев")) == regular.width(fonts.encode("Лев"), size: body.size * 0.9))
        // A CJK character takes the fallback's full em.
        let droid = fonts.faces[2].font
        #expect(regular.width(fonts.encode("王"), size: 10) == Double(droid.thousandths(Int(droid.advances[Int(droid.glyph(for: 0x738B)!)]))) / 100)
    }

    @Test func longNonLatinWordsWrapBetweenCharacters() throws {
        let style = PDFFontTests.body(PDFFonts.system)
        let text = PDFFonts.system.encode(String(repeating: "王", count: 40) + " Łódź")
        let lines = PDFTextWrap.wrap(text, style: style, width: 100)
        #expect(lines.count > 2)
        for line in lines {
            #expect(style.width(line) <= 100.001)
            #expect(String(validating: line, as: UTF8.self) != nil, "cut inside a character")
        }
        #expect(lines.map { String(decoding: $0, as: UTF8.self) }.joined().filter { $0 != " " } == String(repeating: "王", count: 40) + "Łódź")
    }
}

/// The TrueType reader and subsetter on DejaVu Sans.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: PDFFonts.debianFiles.regular), "fonts-dejavu-core not installed"))
struct TrueTypeSubsetTests {
    static let dejavu = try! TrueTypeFont(bytes: Array(FileManager.default.contents(atPath: PDFFonts.debianFiles.regular)!))

    @Test func compositeGlyphsKeepTheirComponents() throws {
        let font = Self.dejavu
        // "Ǻ" (A, ring, acute) and "é" are composite glyphs in DejaVu Sans.
        let composites = ["é", "Ǻ"].map { font.glyph(for: $0.unicodeScalars.first!.value)! }
        for glyph in composites { #expect(!(try TrueTypeSubset.components(of: try font.glyphData(Int(glyph)))).isEmpty) }
        let subset = try TrueTypeSubset(font: font, glyphs: composites)
        #expect(subset.originalGlyphs.count > 3, "components were added")
        let reread = try TrueTypeFont(bytes: subset.bytes, requireCmap: false)
        #expect(reread.glyphCount == subset.originalGlyphs.count)
        for newId in 1...2 {
            let components = try TrueTypeSubset.components(of: try reread.glyphData(newId))
            let original = try TrueTypeSubset.components(of: try font.glyphData(Int(subset.originalGlyphs[newId])))
            #expect(components.map { subset.originalGlyphs[Int($0)] } == original, "component ids rewritten to the subset's")
            for component in components { #expect(!(try reread.glyphData(Int(component))).isEmpty) }
        }
        #expect(reread.advances[1] == font.advances[Int(composites[0])])
    }

    @Test func checksumsAreConsistent() throws {
        let subset = try TrueTypeSubset(font: Self.dejavu, glyphs: "Superbill".unicodeScalars.map { Self.dejavu.glyph(for: $0.value)! }.uniqued())
        #expect(TrueTypeSubset.checksum(subset.bytes) == 0xB1B0_AFBA, "head checkSumAdjustment")
        #expect(subset.bytes.count < 8_000)
    }

    @Test func truncatedOrCorruptFontsNeverCrash() throws {
        let bytes = Array(FileManager.default.contents(atPath: PDFFonts.debianFiles.regular)!)
        for length in [0, 3, 11, 12, 100, 300, 1_000, 20_000, 400_000, bytes.count - 1] {
            let font = try? TrueTypeFont(bytes: Array(bytes.prefix(length)))
            if let font { _ = try? TrueTypeSubset(font: font, glyphs: [font.glyph(for: 0x41) ?? 1]) }
        }
        // Scribbled tables: every read is bounds-checked, so this throws or works, and never traps.
        var seed: UInt64 = 42
        for _ in 0..<20 {
            var scribbled = bytes
            for _ in 0..<200 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                scribbled[Int(seed >> 33) % 30_000] = UInt8(truncatingIfNeeded: seed >> 17)
            }
            if let font = try? TrueTypeFont(bytes: scribbled) {
                _ = try? TrueTypeSubset(font: font, glyphs: Array(Set((0x41...0x5A).compactMap { font.glyph(for: UInt32($0)) })).sorted())
            }
        }
    }
}

/// Fonts read from disk are mapped, not copied (issue 18's memory goal): they must read exactly as
/// a copy does, and a missing, empty, truncated or non-file path is a problem reported, never a crash.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: PDFFonts.debianFiles.regular), "fonts-dejavu-core not installed"))
struct MappedFontTests {
    @Test func aMappedFontReadsLikeACopy() throws {
        let path = PDFFonts.debianFiles.regular
        let copied = try TrueTypeFont(bytes: Array(FileManager.default.contents(atPath: path)!))
        let mapped = try TrueTypeFont(file: FontBytes(mapping: path))
        #expect(mapped.file.count == copied.file.count)
        #expect(mapped.tables == copied.tables)
        #expect(mapped.advances == copied.advances)
        #expect(mapped.postScriptName == copied.postScriptName)
        for scalar in UInt32(0x20)..<0x2000 { #expect(mapped.glyph(for: scalar) == copied.glyph(for: scalar)) }
        let glyphs = "Superbill Łódź Лев".unicodeScalars.compactMap { copied.glyph(for: $0.value) }.uniqued().sorted()
        #expect(try TrueTypeSubset(font: mapped, glyphs: glyphs).bytes == (try TrueTypeSubset(font: copied, glyphs: glyphs).bytes))
        for glyph in 0..<copied.glyphCount { #expect(try mapped.glyphData(glyph) == (try copied.glyphData(glyph))) }
    }

    @Test func unusableFontFilesAreReportedNotFatal() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = FileManager.default.contents(atPath: PDFFonts.debianFiles.regular)!
        let empty = folder.appendingPathComponent("Empty.ttf").path
        let truncated = folder.appendingPathComponent("Truncated.ttf").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        FileManager.default.createFile(atPath: truncated, contents: original.prefix(5_000))
        let missing = folder.appendingPathComponent("Missing.ttf").path
        let fonts = PDFFonts.load(regular: PDFFonts.debianFiles.regular, bold: PDFFonts.debianFiles.regular,
                                  fallbacks: [missing, folder.path, empty, truncated])
        #expect(fonts.faces.count == 2, "only the usable regular and bold faces")
        #expect(fonts.problems.contains("Missing.ttf not found or not readable at \(missing)"))
        #expect(fonts.problems.contains { $0.hasPrefix("\(folder.lastPathComponent) not found or not readable") }, "a folder is not a font")
        #expect(fonts.problems.contains { $0.hasPrefix("Empty.ttf is not a usable TrueType font: read past the end") })
        #expect(fonts.problems.contains { $0.hasPrefix("Truncated.ttf is not a usable TrueType font") })
        let standard = PDFFonts.load(regular: truncated, bold: PDFFonts.debianFiles.bold, fallbacks: [])
        #expect(!standard.embedsFonts)
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
