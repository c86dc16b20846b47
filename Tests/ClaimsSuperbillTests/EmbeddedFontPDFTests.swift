import ClaimsCore
@testable import ClaimsPDF
import ClaimsSuperbill
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
}

@Suite(.enabled(if: FileManager.default.fileExists(atPath: PDFFonts.debianFiles.regular), "fonts-dejavu-core not installed"))
struct MissingFontFallbackTests {
    static let dejavu = try! TrueTypeFont(bytes: Array(FileManager.default.contents(atPath: PDFFonts.debianFiles.regular)!))

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
