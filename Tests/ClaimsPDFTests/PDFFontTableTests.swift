@testable import ClaimsPDF
import Foundation
import Testing

/// The BMP tables `PDFFonts` builds once per process answer exactly as the fallback chain
/// (`resolveSlowly`) does for every character, with and without fallback fonts.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: PDFFonts.debianFiles.regular),
                "needs fonts-dejavu-core (scripts/setup.sh)"))
struct PDFFontTableTests {
    static let dejavu = (PDFFonts.debianFiles.regular as NSString).deletingLastPathComponent

    /// Mismatches between the tables and the chain, as readable lines (empty when they agree).
    static func mismatches(_ fonts: PDFFonts) -> [String] {
        var found: [String] = []
        for weight in 0..<2 {
            for scalar in UInt32(0)..<0x10000 {
                let table = fonts.resolve(scalar, weight: weight), chain = fonts.resolveThroughTheChain(scalar, weight: weight)
                let chainWidth = chain.map { Int(UInt16(clamping: fonts.faces[$0.slot].widths[Int($0.glyph)])) } ?? 0
                if table?.slot != chain?.slot || table?.glyph != chain?.glyph || fonts.width(of: scalar, weight: weight) != chainWidth {
                    found.append("U+\(String(scalar, radix: 16)) weight \(weight): table \(String(describing: table)), chain \(String(describing: chain))")
                }
                if found.count >= 20 { return found }
            }
        }
        return found
    }

    @Test func theSystemFontsTablesMatchTheChain() {
        #expect(Self.mismatches(PDFFonts.system) == [])
    }

    /// A narrow regular face (DejaVu Sans Mono) leaves many characters to the fallbacks, a bold face of
    /// another family differs from it, and two fallbacks overlap: every branch of the chain is taken.
    @Test func mixedFacesAndOverlappingFallbacksMatchTheChain() throws {
        let fonts = PDFFonts.load(regular: "\(Self.dejavu)/DejaVuSansMono.ttf", bold: "\(Self.dejavu)/DejaVuSerif-Bold.ttf",
                                  fallbacks: ["\(Self.dejavu)/DejaVuMathTeXGyre.ttf", "\(Self.dejavu)/DejaVuSans.ttf"])
        try #require(fonts.faces.count == 4, "\(fonts.problems)")
        #expect(Self.mismatches(fonts) == [])
        // Every branch of the chain is reached: fallbacks draw characters the weight's face lacks, some
        // characters draw nothing, and an unassigned one (U+0378) draws U+FFFD's glyph.
        let resolved = (0..<2).flatMap { weight in (UInt32(0)..<0x10000).map { fonts.resolve($0, weight: weight) } }
        #expect(resolved.contains { ($0?.slot ?? 0) >= 2 })
        #expect(resolved.contains { $0 == nil })
        for weight in 0..<2 {
            let unassigned = fonts.resolve(0x0378, weight: weight), replacement = fonts.resolve(0xFFFD, weight: weight)
            #expect(unassigned != nil && unassigned?.slot == replacement?.slot && unassigned?.glyph == replacement?.glyph)
        }
    }

    @Test func withoutFallbacksTheTablesMatchTheChain() throws {
        let fonts = PDFFonts.load(regular: PDFFonts.debianFiles.regular, bold: PDFFonts.debianFiles.bold, fallbacks: [])
        try #require(fonts.faces.count == 2, "\(fonts.problems)")
        #expect(Self.mismatches(fonts) == [])
    }

    /// The property lookup is asked only inside `defaultIgnorableBlocks`: every BMP character that has
    /// the property must lie there.
    @Test func everyDefaultIgnorableCharacterLiesInTheBlocksAsked() {
        var outside: [String] = []
        for value in UInt32(0)..<0x10000 {
            guard let scalar = Unicode.Scalar(value), scalar.properties.isDefaultIgnorableCodePoint else { continue }
            if !PDFFonts.defaultIgnorableBlocks.contains(where: { $0.contains(Int(value)) }) { outside.append(String(value, radix: 16)) }
        }
        #expect(outside == [])
    }
}

/// `EmbeddedFace.subset` gives what `TrueTypeSubset(font:glyphs:)` gives, from the cache or not, and
/// the cache stays within its limit.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: PDFFonts.debianFiles.regular),
                "needs fonts-dejavu-core (scripts/setup.sh)"))
struct SubsetCacheTests {
    @Test func cachedSubsetsAreTheSubsetsBuiltAnew() throws {
        let fonts = PDFFonts.load(regular: PDFFonts.debianFiles.regular, bold: PDFFonts.debianFiles.bold, fallbacks: [])
        let face = try #require(fonts.faces.first)
        let font = face.font
        // Glyph lists in the order of first use, as a document records them; the second one differs
        // from the first only in order (a different subset).
        let lists: [[UInt16]] = ["Superbill Łódź", "bSuperill Łódź", "Лев Толстой"].map { text in
            var seen = Set<UInt16>()
            return text.unicodeScalars.compactMap { font.glyph(for: $0.value) }.filter { seen.insert($0).inserted }
        }
        for _ in 0..<2 {   // a miss, then a hit
            for glyphs in lists {
                let expected = try TrueTypeSubset(font: font, glyphs: glyphs)
                let subset = try face.subset(glyphs)
                #expect(subset.bytes == expected.bytes && subset.originalGlyphs == expected.originalGlyphs && subset.tag == expected.tag)
            }
        }
        #expect(try face.subset(lists[0]).bytes != (try face.subset(lists[1]).bytes), "same glyphs, other order: another subset")
        // More lists than the cache holds: it is emptied rather than grown.
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars).compactMap { font.glyph(for: $0.value) }
        try #require(letters.count > EmbeddedFace.cachedSubsets + 5)
        for count in 1...(EmbeddedFace.cachedSubsets + 5) {
            _ = try face.subset(Array(letters.prefix(count)))
            #expect(face.cachedSubsetCount <= EmbeddedFace.cachedSubsets)
        }
    }
}
