import ClaimsCore
@testable import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// Names in any script: embedded, subset TrueType fonts (DejaVu Sans, then Droid Sans Fallback for CJK,
/// Symbola for emoji), read back by poppler as a person's PDF viewer would.
enum EmbeddedFontFixtures {
    static let fontsInstalled = PDFFonts.system.embedsFonts && PDFFonts.system.faces.count == 4
    static let why = "needs fonts-dejavu-core, fonts-droid-fallback and fonts-symbola (scripts/setup.sh): \(PDFFonts.system.problems)"

    /// First name, last name: Chinese, Polish, Greek, Cyrillic, and an emoji.
    static let names: [(String, String)] = [
        ("小明", "王"), ("Łukasz", "Żółkiewski-Wróbel"), ("Ωμέγα", "Παπαδοπούλου"), ("Лев", "Толстой"), ("Sunny🙂", "Smith😀"),
    ]

    static func pdf(firstName: String, lastName: String, writer: NativePDFWriter = NativePDFWriter(clinic: Fixtures.clinic)) throws -> Data {
        writer.pdf(try SuperbillFixtures.bill(SuperbillFixtures.ketamineEncounter(firstName: firstName, lastName: lastName)))
    }

    static func tool(_ name: String) -> URL? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static func run(_ tool: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite(.enabled(if: EmbeddedFontFixtures.fontsInstalled && EmbeddedFontFixtures.tool("pdftotext") != nil
                && EmbeddedFontFixtures.tool("pdffonts") != nil, "\(EmbeddedFontFixtures.why); and poppler-utils"))
struct EmbeddedFontPopplerTests {
    @Test(arguments: EmbeddedFontFixtures.names.map { "\($0.0) \($0.1)" })
    func pdftotextExtractsTheExactName(name: String) throws {
        let directory = try Fixtures.temporaryDirectory("embedded-names")
        defer { try? FileManager.default.removeItem(at: directory) }
        let parts = name.split(separator: " ").map(String.init)
        let file = directory.appendingPathComponent("bill.pdf")
        try EmbeddedFontFixtures.pdf(firstName: parts[0], lastName: parts[1]).write(to: file)
        let text = try EmbeddedFontFixtures.run(EmbeddedFontFixtures.tool("pdftotext")!, ["-enc", "UTF-8", file.path, "-"])
        #expect(text.contains(name), "pdftotext read: \(text.prefix(600))")
        #expect(text.contains("Balance due"))
        #expect(!text.contains("?"), "nothing printed as a question mark")
    }

    @Test func fontsAreEmbeddedSubsetsWithUnicodeMaps() throws {
        let directory = try Fixtures.temporaryDirectory("embedded-pdffonts")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bill.pdf")
        try EmbeddedFontFixtures.pdf(firstName: "小明 Łukasz", lastName: "Лев🙂").write(to: file)   // 🙂 is only in Symbola
        let listing = try EmbeddedFontFixtures.run(EmbeddedFontFixtures.tool("pdffonts")!, [file.path])
        let rows = listing.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        // name, type (CID TrueType), encoding, emb, sub, uni, object id, generation
        let names = rows.map { String($0[0]) }
        for font in ["DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback", "Symbola"] {
            #expect(names.contains { $0.hasSuffix("+" + font) }, "\(font) in \(listing)")
        }
        for row in rows {
            let fields = row.map(String.init)
            #expect(fields[0].range(of: "^[A-Z]{6}\\+", options: .regularExpression) != nil, "subset tag: \(fields[0])")
            #expect(fields[1...3] == ["CID", "TrueType", "Identity-H"], "\(fields)")
            #expect(fields[4...6] == ["yes", "yes", "yes"], "emb, sub, uni: \(fields)")
        }
    }

    @Test func aPageRendersWithPdftoppm() throws {
        guard let pdftoppm = EmbeddedFontFixtures.tool("pdftoppm") else { return }
        let directory = try Fixtures.temporaryDirectory("embedded-ppm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bill.pdf")
        try EmbeddedFontFixtures.pdf(firstName: "小明", lastName: "Łukasz Лев Ωμέγα😀").write(to: file)
        _ = try EmbeddedFontFixtures.run(pdftoppm, ["-png", "-r", "40", file.path, directory.appendingPathComponent("page").path])
        let page = directory.appendingPathComponent("page-1.png")
        let size = (try FileManager.default.attributesOfItem(atPath: page.path)[.size] as? Int) ?? 0
        #expect(size > 1000)
    }
}

@Suite(.enabled(if: EmbeddedFontFixtures.fontsInstalled, "\(EmbeddedFontFixtures.why)"))
struct EmbeddedFontWriterTests {
    @Test func everyNameDecodesThroughToUnicode() throws {
        for (first, last) in EmbeddedFontFixtures.names {
            let text = try PDFInspector(try EmbeddedFontFixtures.pdf(firstName: first, lastName: last)).pageTexts().joined(separator: " ")
            #expect(text.contains("Name \(first) \(last)"))
        }
    }

    @Test func aCharacterNoFontHasPrintsAsTheReplacementCharacter() throws {
        // U+10FFFD is a private-use character no installed font draws.
        let text = try PDFInspector(try EmbeddedFontFixtures.pdf(firstName: "Ann\u{10FFFD}", lastName: "Lee")).pageTexts().joined(separator: " ")
        #expect(text.contains("Name Ann\u{FFFD} Lee"))
    }

    @Test func aTypicalSuperbillStaysSmallAndDeterministic() throws {
        let latin = try EmbeddedFontFixtures.pdf(firstName: "Zoë", lastName: "Müller-Peña")
        let everyScript = try EmbeddedFontFixtures.pdf(firstName: "小明 Łukasz", lastName: "Лев Ωμέγα 😀")
        #expect(latin.count < 60_000, "\(latin.count) bytes")
        #expect(everyScript.count < 90_000, "\(everyScript.count) bytes")
        #expect(try EmbeddedFontFixtures.pdf(firstName: "小明 Łukasz", lastName: "Лев Ωμέγα 😀") == everyScript)
        print("embedded-font superbill: Latin \(latin.count) bytes, every script \(everyScript.count) bytes")
    }

    @Test func widthsComeFromHmtx() throws {
        let fonts = PDFFonts.system
        let regular = PDFFont(fonts: fonts, bold: false)
        let dejavu = fonts.faces[0].font
        let expected = "Лев".unicodeScalars.reduce(0) { $0 + dejavu.thousandths(Int(dejavu.advances[Int(dejavu.glyph(for: $1.value)!)])) }
        #expect(regular.width(fonts.encode("Лев"), size: 10) == Double(expected) / 100)
        // Styles draw the embedded fonts at 90% of the design size, and measure at that size.
        let body = SuperbillPDFStyles(fonts: fonts).body
        #expect(body.fontSize == body.size * 0.9)
        #expect(body.width(fonts.encode("Лев")) == regular.width(fonts.encode("Лев"), size: body.size * 0.9))
        // A CJK character takes the fallback's full em.
        let droid = fonts.faces[2].font
        #expect(regular.width(fonts.encode("王"), size: 10) == Double(droid.thousandths(Int(droid.advances[Int(droid.glyph(for: 0x738B)!)]))) / 100)
    }

    @Test func longNonLatinWordsWrapBetweenCharacters() throws {
        let style = SuperbillPDFStyles(fonts: PDFFonts.system).body
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

    @Test func missingOrMalformedFontsFallBackToHelvetica() throws {
        let directory = try Fixtures.temporaryDirectory("bad-fonts")
        defer { try? FileManager.default.removeItem(at: directory) }
        let truncated = directory.appendingPathComponent("DejaVuSans.ttf")
        try Data(FileManager.default.contents(atPath: PDFFonts.debianFiles.regular)!.prefix(5_000)).write(to: truncated)
        let garbage = directory.appendingPathComponent("DejaVuSans-Bold.ttf")
        try Data("not a font".utf8).write(to: garbage)

        for fonts in [PDFFonts.load(regular: truncated.path, bold: PDFFonts.debianFiles.bold, fallbacks: []),
                      PDFFonts.load(regular: PDFFonts.debianFiles.regular, bold: garbage.path, fallbacks: []),
                      PDFFonts.load(environment: [PDFFonts.directoryVariable: directory.appendingPathComponent("none").path])] {
            #expect(!fonts.embedsFonts)
            #expect(!fonts.problems.isEmpty)
            let pdf = try EmbeddedFontFixtures.pdf(firstName: "Łukasz", lastName: "Lee", writer: NativePDFWriter(clinic: Fixtures.clinic, fonts: fonts))
            #expect(pdf == (try EmbeddedFontFixtures.pdf(firstName: "Łukasz", lastName: "Lee", writer: SuperbillFixtures.standardWriter)))
        }
        // A missing fallback only leaves that font out of the chain.
        let partial = PDFFonts.load(regular: PDFFonts.debianFiles.regular, bold: PDFFonts.debianFiles.bold,
                                    fallbacks: [directory.appendingPathComponent("absent.ttf").path])
        #expect(partial.embedsFonts && partial.faces.count == 2 && partial.problems.count == 1)
        let text = try PDFInspector(try EmbeddedFontFixtures.pdf(firstName: "王", lastName: "Lee", writer: NativePDFWriter(clinic: Fixtures.clinic, fonts: partial)))
            .pageTexts().joined(separator: " ")
        #expect(text.contains("Name \u{FFFD} Lee"))
    }

    @Test func corruptGlyphDataFallsBackForThatSuperbill() throws {
        // Valid directory and cmap, but loca points past glyf for every glyph: subsetting throws, the writer falls back.
        var bytes = Array(FileManager.default.contents(atPath: PDFFonts.debianFiles.regular)!)
        let loca = Self.dejavu.tables["loca"]!
        for (step, index) in stride(from: loca.lowerBound + 4, to: loca.upperBound - 1, by: 2).enumerated() {
            bytes[index] = UInt8((0xFFFF - step) >> 8); bytes[index + 1] = UInt8((0xFFFF - step) & 0xFF)   // offsets run backwards
        }
        let directory = try Fixtures.temporaryDirectory("corrupt-glyphs")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("DejaVuSans.ttf")
        try Data(bytes).write(to: file)
        let fonts = PDFFonts.load(regular: file.path, bold: PDFFonts.debianFiles.bold, fallbacks: [])
        let pdf = try EmbeddedFontFixtures.pdf(firstName: "Dana", lastName: "Reyes", writer: NativePDFWriter(clinic: Fixtures.clinic, fonts: fonts))
        #expect(pdf == (try EmbeddedFontFixtures.pdf(firstName: "Dana", lastName: "Reyes", writer: SuperbillFixtures.standardWriter)))
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
