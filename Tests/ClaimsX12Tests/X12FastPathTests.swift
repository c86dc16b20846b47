import ClaimsTestSupport
import Foundation
@testable import ClaimsX12
import Testing

/// The writer scans values byte by byte and copies them whole (session 10); these tests hold it to
/// an independent reference that checks every value scalar by scalar and joins strings, on every
/// short combination of awkward pieces: separators, control and format characters, non-ASCII text.
@Suite struct X12WriterFastPathTests {
    static let pieces = ["A", " ", "*", ":", "^", "~", "|", "\u{1D}", "\n", "\u{7F}", "\u{85}", "\u{200B}", "é", "§", "\u{1F}"]

    static let configurations: [X12Writer.Configuration] = [
        .init(),
        .init(lineBreak: ""),
        .init(delimiters: X12Delimiters(element: "|", component: "§", repetition: "{", segment: "\u{1D}"), lineBreak: "\r\n"),
        .init(delimiters: X12Delimiters(element: "*", component: ":", repetition: nil, segment: "~")),
        // Separators past ASCII: written as their UTF-8, never taken for a value's bytes.
        .init(delimiters: X12Delimiters(element: "¦", component: ":", repetition: "^", segment: "¬")),
    ]

    /// Segments that put `value` in a simple element, a component, a repetition and the ISA's separator positions.
    static func segments(with value: String) -> [[X12Segment]] {
        var isa = (1...16).map { X12Element(String(repeating: "0", count: $0 % 3 + 1)) }
        isa[10] = X12Element(value); isa[15] = X12Element(value)
        var isaText = isa
        isaText[5] = X12Element(value)
        return [
            [X12Segment("NM1", "IL", "1", X12Element(value), "", "", "", "", "MI", "X1")],
            [X12Segment("LX", "1"), X12Segment("SV1", X12Element(components: ["HC", value, "25"]), "210", "UN", "1")],
            [X12Segment(id: "EB", elements: [X12Element("B"), X12Element(repetitions: [["1"], [value, "2"]])])],
            [X12Segment(id: "ISA", elements: isa), X12Segment("GS", "HC", X12Element(value))],
            [X12Segment(id: "ISA", elements: isaText)],
            [X12Segment(id: value.isEmpty ? "N3" : "N" + value, elements: ["1"])],
        ]
    }

    @Test func writerMatchesTheScalarByScalarReference() {
        var compared = 0
        for value in Fixtures.strings(joining: Self.pieces, upTo: 3) + ["", "ISA", "isa", "ÉSA", "1SA", "ABCD", "NM1"] {
            for configuration in Self.configurations {
                for segments in Self.segments(with: value) {
                    let written: Result<String, X12Error> = Result { () throws(X12Error) -> String in
                        try X12Writer(configuration).write(segments)
                    }
                    #expect(written == Self.reference(segments, configuration), "value \(value.unicodeScalars.map(\.value))")
                    compared += 1
                }
            }
        }
        #expect(compared > 50_000)
    }

    @Test func idsAreCheckedByTheirBytes() {
        for id in ["ISA", "NM1", "N3", "HL", "I", "ISAX", "1SA", "isa", "ÍSA", "N 3", ""] {
            let segments = [X12Segment(id: id, elements: ["1"])]
            let written = Result { () throws(X12Error) -> String in try X12Writer().write(segments) }
            #expect(written == Self.reference(segments, .init()), "id \(id)")
        }
    }

    /// The writer before the byte fast path, spelled out: ids by scalar, every value scalar by scalar
    /// against the separators and `X12Text.isControl`, the text joined from strings.
    static func reference(_ segments: [X12Segment], _ configuration: X12Writer.Configuration) -> Result<String, X12Error> {
        let delimiters = configuration.delimiters
        var text = ""
        for (index, segment) in segments.enumerated() {
            let number = index + 1
            let id = Array(segment.id.unicodeScalars)
            let isUpperOrDigit = { (scalar: Unicode.Scalar) in ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) }
            guard id.count == 2 || id.count == 3, ("A"..."Z").contains(id[0]), id.allSatisfy(isUpperOrDigit) else {
                return .failure(X12Error("segment id '\(segment.id)' is not 2 or 3 upper-case letters and digits", segmentNumber: number))
            }
            let isISA = segment.id == "ISA"
            let position = { (offset: Int) in offset + 1 < 10 ? "0\(offset + 1)" : "\(offset + 1)" }
            for (offset, element) in segment.elements.enumerated() {
                if element.repetitions.count > 1 && delimiters.repetition == nil {
                    return .failure(X12Error("\(segment.id)\(position(offset)) repeats, but no repetition separator is set",
                                             segmentNumber: number, elementPosition: offset + 1))
                }
                let forbidden = isISA ? [delimiters.element, delimiters.segment] : delimiters.all
                for value in element.repetitions.joined() {
                    for scalar in value.unicodeScalars {
                        if forbidden.contains(scalar) {
                            return .failure(X12Error("\(segment.id)\(position(offset)) contains the separator \(X12Delimiters.describe(scalar)); "
                                                     + "X12 has no escape, so the value must be fixed at its source",
                                                     segmentNumber: number, elementPosition: offset + 1))
                        }
                        if X12Text.isControl(scalar) && !(isISA && (offset == 10 || offset == 15)) {
                            return .failure(X12Error("\(segment.id)\(position(offset)) contains the control character \(X12Delimiters.describe(scalar))",
                                                     segmentNumber: number, elementPosition: offset + 1))
                        }
                    }
                }
            }
            text += segment.rendered(with: delimiters) + configuration.segmentSuffix
        }
        return .success(text)
    }
}

/// `X12Text.transliterate` answers printable ASCII from a table; `prepared` says when its value is
/// known to be ASCII (FieldChecker then counts bytes without looking), and gives what the general path gives.
@Suite struct X12TextFastPathTests {
    @Test func asciiCharactersTransliterateAsTheGeneralPathDoes() {
        for value in UInt8(0)...UInt8(0x7F) {
            let character = Character(Unicode.Scalar(value))
            #expect(X12Text.transliterate(character) == X12Text.transliterateGenerally(character), "byte \(value)")
        }
        for character: Character in ["\r\n", "é", "É", "ß", "Ł", "\u{2019}", "K\u{301}", "\u{212A}", "王", "\u{A0}"] {
            #expect(X12Text.transliterate(character) == X12Text.transliterateGenerally(character), "\(character.unicodeScalars.map(\.value))")
        }
    }

    @Test func valuesKnownToBeASCIIAreASCII() {
        let pieces = ["a", "Z", " ", "é", "*", "`", "\t", "\u{212A}", "-"]
        var known = 0
        for text in Fixtures.strings(joining: pieces, upTo: 4) {
            let (result, isKnownASCII) = X12Text.prepared(text, delimiters: .standard)
            #expect(result == X12Text.preparedGenerally(text, delimiters: .standard), "\(text.unicodeScalars.map(\.value))")
            guard case .success(let value) = result, isKnownASCII else { continue }
            #expect(value.utf8.allSatisfy { $0 < 0x80 }, "\(text.unicodeScalars.map(\.value))")
            known += 1
        }
        #expect(known > 100)
    }
}

/// `X12Text.prepared`'s byte fast path gives what the general path gives, for every text it accepts.
@Suite struct X12TextPlainASCIITests {
    @Test func fastPathAgreesWithTheGeneralPath() {
        let pieces = ["a", "Z", "0", " ", "  ", "*", ":", "^", "~", "|", "`", "\t", "é", "-", "'", "\u{7F}"]
        let delimiterSets = [X12Delimiters.standard, X12Delimiters(element: "|", component: "§", repetition: nil, segment: "\u{1D}")]
        var accepted = 0
        for text in Fixtures.strings(joining: pieces, upTo: 3) + ["", "ab cd", " ab", "ab "] {
            for delimiters in delimiterSets {
                var copy = text
                let fast = copy.withUTF8 { X12Text.plainASCII($0, of: text, delimiters: delimiters) }
                let (result, isKnownASCII) = X12Text.prepared(text, delimiters: delimiters)
                #expect(result == X12Text.preparedGenerally(text, delimiters: delimiters), "\(text.unicodeScalars.map(\.value))")
                #expect(isKnownASCII == (fast != nil))
                guard let fast else { continue }
                #expect(.success(fast) == X12Text.preparedGenerally(text, delimiters: delimiters), "\(text.unicodeScalars.map(\.value))")
                accepted += 1
            }
        }
        #expect(accepted > 500)
    }

    /// Every ASCII byte, alone and between letters, under separators that are punctuation, letters
    /// (upper and lower case), digits or not ASCII: the one-bit-a-byte table against the general path.
    @Test func everyByteUnderOddSeparators() {
        let delimiterSets = [
            X12Delimiters.standard,
            X12Delimiters(element: "|", component: "§", repetition: nil, segment: "\u{1D}"),
            X12Delimiters(element: "A", component: "z", repetition: "5", segment: "~"),
            X12Delimiters(element: "Q", component: "q", repetition: " ", segment: "\n"),
        ]
        var compared = 0
        for delimiters in delimiterSets {
            for value in UInt8(0)..<0x80 {
                let character = String(Character(Unicode.Scalar(value)))
                for text in [character, "a" + character + "b", "Z" + character] {
                    var copy = text
                    let fast = copy.withUTF8 { X12Text.plainASCII($0, of: text, delimiters: delimiters) }
                    if let fast {
                        #expect(.success(fast) == X12Text.preparedGenerally(text, delimiters: delimiters), "\(text.unicodeScalars.map(\.value))")
                    }
                    #expect(X12Text.prepared(text, delimiters: delimiters).result == X12Text.preparedGenerally(text, delimiters: delimiters))
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 128 * 3)
    }
}

/// Accented Latin letters are looked up (session 11) instead of decomposed; the table must give what
/// the general path gives for every character of those blocks and for their decomposed spellings.
@Suite struct X12TextLatinLetterTests {
    @Test func tableEntriesMatchTheGeneralPath() {
        for (character, base) in X12Text.accentedLatinLetters {
            #expect(X12Text.transliterateGenerally(character) == base, "\(character.unicodeScalars.map(\.value))")
        }
        #expect(X12Text.accentedLatinLetters.count > 150)
    }

    @Test func latinBlocksTransliterateAsTheGeneralPathDoes() {
        var looked = 0
        for value in UInt32(0x80)...UInt32(0x24F) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let character = Character(scalar)
            #expect(X12Text.transliterate(character) == X12Text.transliterateGenerally(character), "U+\(String(value, radix: 16))")
            // The same letter spelled decomposed (base + combining marks), and with one mark more.
            let decomposed = String(character).decomposedStringWithCanonicalMapping
            for spelling in [decomposed, decomposed + "\u{301}", decomposed + "\u{327}"] where spelling.count == 1 {
                let variant = spelling.first!
                #expect(X12Text.transliterate(variant) == X12Text.transliterateGenerally(variant), "\(variant.unicodeScalars.map(\.value))")
            }
            if X12Text.accentedLatinLetters[character] != nil { looked += 1 }
        }
        #expect(looked > 150)
        for text in ["Peña", "Müller", "José", "Zoë", "Łukasz", "Straße", "Ñuñez", "Dvořák", "Çelik", "Ångström", "Pen\u{303}a"] {
            #expect(X12Text.prepare(text).map { $0.unicodeScalars.allSatisfy(\.isASCII) } == .success(true), "\(text)")
        }
    }
}
