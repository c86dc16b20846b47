@testable import ClaimsCore
import Testing

/// The tape's fast paths (session 12) against their general paths: nodes written into storage sized
/// by `JSONTape.maxNodes`, literals compared four bytes at once, names matched by the slot the parser
/// stores, bytes compared by overlapping words, and short texts built in place (`String(decodingUTF8:)`).
struct JSONTapeFastPathTests {
    /// The documents with the most nodes for their length: one-byte elements, empty containers,
    /// empty names, and records cut off inside 64 open arrays (the most the parser keeps open).
    @Test func theNodeBoundHoldsForTheDensestDocuments() throws {
        let dense: [(String, Int)] = [
            ("[" + Array(repeating: "1", count: 500).joined(separator: ",") + "]", 501),
            ("[" + Array(repeating: "[]", count: 300).joined(separator: ",") + "]", 301),
            ("{" + (0..<200).map { "\"\($0)\":0" }.joined(separator: ",") + "}", 401),
            ("[" + Array(repeating: "{}", count: 300).joined(separator: ",") + "]", 301),
            ("1", 1), ("[]", 1), ("{\"\":1}", 3),
        ]
        for (text, nodes) in dense {
            let tape = try JSONTape(bytes: Array(text.utf8))
            #expect(tape.nodes.count == nodes)
            #expect(nodes <= JSONTape.maxNodes(byteCount: text.utf8.count))
            #expect(tape.value() == (try JSONParser.parse(text)))
        }
        // Cut off: 64 open arrays, each holding one-byte elements, the last element unfinished.
        // Parsing writes its nodes before it fails; a node past the bound would stop the process.
        let open = String(repeating: "[1,", count: 64) + "1,"
        #expect(throws: JSONSyntaxError.self) { try JSONTape(bytes: Array(open.utf8)) }
        let deeper = String(repeating: "[", count: 65)
        #expect(throws: JSONSyntaxError.self) { try JSONTape(bytes: Array(deeper.utf8)) }
    }

    /// Every document of up to five bytes from JSON's structural bytes parses without passing the
    /// bound, and as many random longer ones; the tree built from the tape is the value the text
    /// holds (compared with the tape's own text of each node).
    @Test func noShortDocumentPassesTheNodeBound() {
        let alphabet = Array("[]{}\",:1 ".utf8)
        var documents: [[UInt8]] = [[]]
        var frontier: [[UInt8]] = [[]]
        for _ in 1...5 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + [$0] } }
            documents += frontier
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            documents.append((0..<Int.random(in: 6...60, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        var parsed = 0
        for bytes in documents {
            guard let tape = try? JSONTape(bytes: bytes) else { continue }
            parsed += 1
            #expect(tape.nodes.count <= JSONTape.maxNodes(byteCount: bytes.count))
        }
        #expect(parsed > 100)
    }

    /// `true`, `false` and `null` are compared four bytes at a time; a literal that differs anywhere
    /// is refused at its first differing byte, as the byte-by-byte comparison places it.
    @Test func literalsAreRefusedAtTheirFirstWrongByte() throws {
        for word in ["true", "false", "null"] {
            let bytes = Array(word.utf8)
            #expect(try JSONTape(bytes: Array("[\(word)]".utf8)).value() == .array([word == "null" ? .null : .bool(word == "true")]))
            for place in 1..<bytes.count {
                // A wrong byte at `place`, and the word cut off there (at the end of the record too).
                var wrong = bytes
                wrong[place] = UInt8(ascii: "X")
                for text in ["[" + String(decoding: wrong, as: UTF8.self) + "]", "[" + String(decoding: bytes[..<place], as: UTF8.self) + "]",
                             "[" + String(decoding: bytes[..<place], as: UTF8.self)] {
                    do throws(JSONSyntaxError) {
                        _ = try JSONTape(bytes: Array(text.utf8), line: 1, column: 1)
                        Issue.record("\(text) was accepted")
                    } catch {
                        #expect(error.column == 2 + place, "\(text): \(error)")
                        #expect(error.message == "invalid literal; did you mean '\(word)'? (strings need double quotes)")
                    }
                }
            }
        }
    }

    /// Names are matched by slot and bytes (`MemberNames.contains(ascii:slot:)`, `JSONTapeObject`'s
    /// subscript): for every name set of the decoder, each of its names, each name with one byte
    /// changed, cut or lengthened, and the names of the other sets, answer as the set of strings does.
    @Test func knownNamesAnswerAsTheirStringsDo() {
        let sets: [MemberNames] = [EncounterDecoder.encounterKeys, EncounterDecoder.personKeys, EncounterDecoder.patientExtraKeys,
                                   EncounterDecoder.addressKeys, EncounterDecoder.coverageKeys, EncounterDecoder.providerKeys,
                                   EncounterDecoder.serviceKeys, EncounterDecoder.paymentKeys, EncounterDecoder.agreementKeys, ["", "a", "ab"],
                                   // Enough names that many share a slot.
                                   MemberNames((0..<200).map { "member\($0)" })]
        var candidates = Set(sets.flatMap(\.names))
        for name in Array(candidates) {
            let bytes = Array(name.utf8)
            for place in bytes.indices {
                for byte in [UInt8(ascii: "X"), bytes[place] ^ 0x20, bytes[place] &+ 1] {
                    var changed = bytes
                    changed[place] = byte
                    candidates.insert(String(decoding: changed, as: UTF8.self))
                }
                candidates.insert(String(decoding: bytes[..<place], as: UTF8.self))
            }
            candidates.insert(name + "s")
        }
        for names in sets {
            for candidate in candidates where candidate.utf8.allSatisfy({ $0 < 0x80 }) {
                let answer = Array(candidate.utf8).withUnsafeBufferPointer { names.contains(ascii: $0) }
                #expect(answer == names.names.contains(candidate), "\(candidate) in \(names.names.sorted())")
            }
        }
    }

    /// Names are compared in words that may overlap (`sameBytes`): equal exactly when the bytes are,
    /// for every length up to 40 and a difference at every place.
    @Test func bytesCompareAsTheyAre() {
        for length in 0...40 {
            let a = (0..<length).map { UInt8(truncatingIfNeeded: 0x41 + $0) }
            // Room after the bytes: a read past `length` would see a difference there.
            let padded = a + [1, 2, 3, 4, 5, 6, 7, 8]
            let other = a + [9, 9, 9, 9, 9, 9, 9, 9]
            #expect(padded.withUnsafeBytes { x in other.withUnsafeBytes { y in JSONTapeValue.Storage.sameBytes(x.baseAddress!, y.baseAddress!, count: length) } })
            for place in 0..<length {
                var b = other
                b[place] ^= 0x01
                #expect(!padded.withUnsafeBytes { x in b.withUnsafeBytes { y in JSONTapeValue.Storage.sameBytes(x.baseAddress!, y.baseAddress!, count: length) } },
                        "length \(length), place \(place)")
            }
        }
    }

    /// Short texts are built in place: the same String as `String(decoding:as:)` for ASCII, text past
    /// ASCII, bytes that are not UTF-8, at every length around the 15 bytes a text is built in place to.
    @Test func shortTextsAreTheTextsTheirBytesDecodeTo() {
        let pool: [UInt8] = [0x00, 0x1F, 0x41, 0x7E, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0x80, 0xFF]
        var generator = SystemRandomNumberGenerator()
        var samples: [[UInt8]] = (0...20).map { Array(repeating: UInt8(ascii: "a"), count: $0) }
        samples += (0..<20_000).map { _ in (0..<Int.random(in: 0...20, using: &generator)).map { _ in pool.randomElement(using: &generator)! } }
        samples += [Array("Zoë Dána".utf8), Array("😀 ok".utf8), [0xC3], [0x41, 0xC3], [0xE2, 0x82]]
        for bytes in samples {
            bytes.withUnsafeBufferPointer { buffer in
                let general = String(decoding: buffer, as: UTF8.self)
                let fast = String(decodingUTF8: buffer)
                #expect(fast == general && Array(fast.utf8) == Array(general.utf8), "\(bytes)")
            }
        }
    }

    /// Plain text is judged in words that may overlap (`DecodingContext.isPlainText`): for every
    /// length up to 24, a byte that is not plain (or a space at either end) at every place is found,
    /// as the rule byte by byte finds it.
    @Test func plainTextIsJudgedAsTheRuleJudgesEachByte() {
        func byRule(_ bytes: [UInt8]) -> Bool {
            !bytes.isEmpty && bytes.count <= 200 && bytes.first != 0x20 && bytes.last != 0x20 && bytes.allSatisfy(PlainByteTableTests.isPlainByRule)
        }
        let bad: [UInt8] = [0x00, 0x09, 0x1F, 0x20, 0x2A, 0x3A, 0x5E, 0x7C, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
        var samples: [[UInt8]] = [[], Array(repeating: 0x41, count: 200), Array(repeating: 0x41, count: 201)]
        for length in 1...24 {
            let plain = (0..<length).map { UInt8(0x41 + $0 % 26) }
            samples.append(plain)
            for place in 0..<length {
                for byte in bad {
                    var text = plain
                    text[place] = byte
                    samples.append(text)
                }
            }
        }
        for bytes in samples {
            let answer = bytes.withUnsafeBufferPointer { DecodingContext.isPlainText($0) }
            #expect(answer == byRule(bytes), "\(bytes)")
        }
    }

    /// ICD-10-CM codes in ASCII are compacted byte by byte on the stack (`DiagnosisCode.init`); the
    /// answer is the one the general path (Unicode upper-casing, filtering the dot) gives.
    @Test func asciiDiagnosisCodesCompactAsTheGeneralPathDoes() {
        func general(_ text: String) -> String? {
            let upper = text.uppercased()
            let compact = upper.filter { $0 != "." }
            let dotCount = upper.filter { $0 == "." }.count
            guard dotCount <= 1, DiagnosisCode.isWellFormed(compact) else { return nil }
            if dotCount == 1 {
                guard let dot = upper.firstIndex(of: "."), upper.distance(from: upper.startIndex, to: dot) == 3,
                      upper.index(after: dot) != upper.endIndex else { return nil }
            }
            return compact
        }
        let alphabet = Array("F3.2aUu0Z9xR4 -")
        var generator = SystemRandomNumberGenerator()
        var texts = ["F33.2", "f332", "R45.851", "R45851", "F3.32", "U07.1", "F33.", ".F33", "F33..2", "F33.21234", "F3321234", "Z99.89XY", ""]
        for _ in 0..<30_000 {
            texts.append(String((0..<Int.random(in: 0...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        var valid = 0
        for text in texts {
            let compact = DiagnosisCode(text)?.compact
            #expect(compact == general(text), "\(text)")
            if compact != nil { valid += 1 }
        }
        #expect(valid > 100)
    }

    /// Clinical facts that are numbers of one to nine digits are read from their bytes
    /// (`decodeClinical`); at and past that edge the record decodes as its tree does.
    @Test func clinicalNumbersDecodeAsTheTreeDecodesThem() throws {
        let decoder = EncounterDecoder(codes: EncounterDecoderTests.codes, payers: ["bcbs-il", "self-pay"], asOf: LocalDate(iso: "2026-11-20")!)
        for number in ["0", "7", "20", "123456789", "1234567890", "99999999999999999999", "1.5", "-3", "1e2", "0.0", "-0", "\"20\"", "true", "null"] {
            let text = EncounterDecoderTests.valid.replacingOccurrences(of: #""remsPatientEnrolled": true"#,
                                                                        with: "\"remsPatientEnrolled\": true, \"score\": \(number)")
            #expect(text != EncounterDecoderTests.valid)
            let record = JSONRecord(ordinal: 1, line: 1, column: 1, bytes: Array(text.utf8))
            let fromBytes = try decoder.decode(record).get()
            let (encounter, errors) = decoder.decode(try record.result.get())
            #expect(fromBytes.encounter == encounter, "\(number)")
            #expect(fromBytes.errors == errors, "\(number)")
            #expect(encounter != nil, "\(number)")
        }
        let record = JSONRecord(ordinal: 1, line: 1, column: 1, bytes: Array(EncounterDecoderTests.valid.utf8))
        #expect(try decoder.decode(record).get().encounter?.clinical["failedAntidepressantTrials"] == .number(2))
    }

    /// A valid encounter's raw id is taken from its id when the id's bytes are the text as written
    /// (`EncounterDecoder.decode(_: JSONRecord)`); otherwise, and for the tree, `rawId` makes it.
    @Test func aValidEncountersRawIdIsTheIdAsWritten() throws {
        let decoder = EncounterDecoder(codes: EncounterDecoderTests.codes, payers: ["bcbs-il", "self-pay"], asOf: LocalDate(iso: "2026-11-20")!)
        for (written, rawId) in [("\"ENC-1\"", "ENC-1"), ("\" ENC-1\"", " ENC-1"), ("\"ENC-1 \"", "ENC-1 "), ("\"\\u0045NC-1\"", "ENC-1"),
                                 ("12345", ""), ("\"ENC-1\\t\"", nil), ("\"X\"", "X")] as [(String, String?)] {
            let text = EncounterDecoderTests.valid.replacingOccurrences(of: #""id": "ENC-1""#, with: "\"id\": \(written)")
            let record = JSONRecord(ordinal: 1, line: 1, column: 1, bytes: Array(text.utf8))
            let fromBytes = try decoder.decode(record).get()
            let tree = try record.result.get()
            let (encounter, errors) = decoder.decode(tree)
            #expect(fromBytes.rawId == EncounterDecoder.rawId(of: tree), "\(written)")
            if let rawId { #expect(fromBytes.rawId == rawId, "\(written)") }
            #expect(fromBytes.encounter == encounter && fromBytes.errors == errors, "\(written)")
        }
    }
}
