import ClaimsCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesNumbersAsTheirText() throws {
        let value = try JSONParser.parse(#"{"a": 210.10, "b": [1, -2e3], "c": "x\u00e9\n", "d": null, "e": true}"#)
        #expect(value["a"] == .number("210.10"))
        #expect(value["b"] == .array([.number("1"), .number("-2e3")]))
        #expect(value["c"] == .string("xé\n"))
        #expect(value["d"] == .null)
        #expect(value["e"] == .bool(true))
    }

    @Test(arguments: [
        (#"{"a": }"#, 1, 7), ("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7), (#"{"a": 01}"#, 1, 9), (#"{"a": "x"#, 1, 9), ("[1, 2", 1, 6),
    ])
    func reportsLineAndColumn(_ text: String, _ line: Int, _ column: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func rejectsDuplicateMembers() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"a": 1, "a": 2}"#) }
    }
}

@Suite struct JSONRecordSplitterTests {
    private func split(_ text: String, chunk: Int = 7) -> [JSONRecord] {
        var splitter = JSONRecordSplitter()
        var records: [JSONRecord] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            records += splitter.feed(bytes[index..<min(index + chunk, bytes.count)])
            index += chunk
        }
        return records + splitter.finish()
    }

    @Test func splitsAnArrayAcrossChunksAndKeepsLines() throws {
        let records = split("[\n {\"id\": \"A\", \"s\": \"}{\"},\n {\"id\": \"B\"}\n]\n")
        #expect(records.count == 2)
        #expect(records.map(\.line) == [2, 3])
        #expect(try records[1].result.get()["id"] == .string("B"))
    }

    @Test func splitsJSONLinesAndSkipsBlankLines() throws {
        let records = split("{\"id\": \"A\"}\n\n{\"id\": \"B\"}\n{\"id\": \"C\"}")
        #expect(records.map(\.line) == [1, 3, 4])
        #expect(records.allSatisfy { (try? $0.result.get()) != nil })
    }

    @Test func aMalformedRecordDoesNotStopTheOthers() {
        let records = split("[{\"id\": \"A\", \"x\": ,}, {\"id\": \"B\"}]")
        #expect(records.count == 2)
        guard case .failure(let error) = records[0].result else { Issue.record("expected a syntax error"); return }
        #expect(error.line == 1 && error.column == 19)
        #expect((try? records[1].result.get()) != nil)
    }

    @Test func reportsAnUnclosedArray() {
        let records = split("[{\"id\": \"A\"},")
        #expect(records.count == 2)
        guard case .failure(let error) = records[1].result else { Issue.record("expected an error"); return }
        #expect(error.message.contains("not closed"))
    }

    /// Byte by byte: a sequence without contiguous storage takes the general path.
    private func splitByteByByte(_ text: String, chunk: Int) -> [JSONRecord] {
        var splitter = JSONRecordSplitter()
        var records: [JSONRecord] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            records += splitter.feed(bytes[index..<min(index + chunk, bytes.count)].lazy.map { $0 })
            index += chunk
        }
        return records + splitter.finish()
    }

    @Test(arguments: [1, 2, 7, 64, 1 << 20])
    func wholeLinesAtATimeCutTheSameRecordsAsByteByByte(chunk: Int) {
        let text = "\u{FEFF}{\"id\": \"Ä-1\", \"n\": \"Zoë\"}\r\n  \n{\"id\": \"B\", \"x\": ,}\n\t{\"id\": \"C\"}\n\n{\"id\":\n"
        func summary(_ records: [JSONRecord]) -> [String] {
            records.map { record in
                let outcome: String
                switch record.result {
                case .success(let value): outcome = value.jsonText
                case .failure(let error): outcome = error.description
                }
                return "\(record.ordinal) \(record.line):\(record.column) \(record.bytes) \(outcome)"
            }
        }
        let fast = summary(split(text, chunk: chunk))
        #expect(fast == summary(splitByteByByte(text, chunk: chunk)))
        #expect(fast.count == 4)
    }

    @Test func refusesSomethingThatIsNotEncounters() {
        let records = split("hello")
        #expect(records.count == 1)
        guard case .failure(let error) = records[0].result else { Issue.record("expected an error"); return }
        #expect(error.message.contains("JSON array"))
    }
}

/// Strings are scanned eight bytes at a time until a byte that may end their plain run (a quote, a
/// backslash, a control character); these tests place every byte value at every offset of the first
/// words, next to neighbours close to those values, and expect what a byte-by-byte reading gives.
@Suite struct JSONStringScanTests {
    /// `text` as one JSON document: `"` + text + `"`.
    private func parse(_ text: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        var parser = JSONParser(bytes: [UInt8(ascii: "\"")] + text + [UInt8(ascii: "\"")])
        do { return .success(try parser.parseDocument()) } catch { return .failure(error) }
    }

    @Test func everyByteValueIsReadAtEveryOffset() {
        for neighbour in Array(" !#[]a~\u{7F}".utf8) {
            for length in [0, 1, 7, 8, 9, 16, 17, 24] {
                for position in 0...length {
                    for byte in UInt8.min...UInt8.max {
                        var text = [UInt8](repeating: neighbour, count: length)
                        text.insert(byte, at: position)
                        let column = position + 2
                        let result = parse(text)
                        switch byte {
                        case UInt8(ascii: "\""):
                            // The string ends at the quote; what follows (after any spaces) is not JSON.
                            guard case .failure(let error) = result else { Issue.record("\(text) accepted"); continue }
                            let spaces = neighbour == UInt8(ascii: " ") ? length - position : 0
                            #expect(error.column == column + 1 + spaces && error.message == "unexpected text after the end of the JSON value", "\(text): \(error)")
                        case UInt8(ascii: "\\"):
                            // An escape: the neighbour after it is not one (none of them is a valid escape).
                            guard case .failure(let error) = result else { Issue.record("\(text) accepted"); continue }
                            #expect(error.message.hasPrefix(position == length ? "unterminated string" : "invalid escape"), "\(text): \(error)")
                        case ..<0x20:
                            guard case .failure(let error) = result else { Issue.record("\(text) accepted"); continue }
                            #expect(error.column == column && error.message.hasPrefix("control character inside a string"), "\(text): \(error)")
                        case 0x80...:
                            // One byte past ASCII between ASCII bytes is never UTF-8.
                            guard case .failure(let error) = result else { Issue.record("\(text) accepted"); continue }
                            #expect(error.column == column && error.message.contains("not valid UTF-8"), "\(text): \(error)")
                        default:
                            #expect((try? result.get()) == .string(String(decoding: text, as: UTF8.self)), "\(text)")
                        }
                    }
                }
            }
        }
    }

    @Test func textPastASCIIAndEscapesAreReadAtEveryOffset() throws {
        for length in 0...24 {
            for position in 0...length {
                let plain = Array("abcdefghijklmnopqrstuvwx".utf8.prefix(length))
                for (piece, meaning) in [("é", "é"), ("😀", "😀"), (#"\""#, "\""), (#"\n"#, "\n"), (#"\u00e9"#, "é")] {
                    var text = plain
                    text.insert(contentsOf: Array(piece.utf8), at: position)
                    var expected = plain
                    expected.insert(contentsOf: Array(meaning.utf8), at: position)
                    #expect(try parse(text).get() == .string(String(decoding: expected, as: UTF8.self)), "\(piece) at \(position) of \(length)")
                }
                // A bad UTF-8 sequence (an overlong encoding) after text past ASCII is placed at its first byte.
                var bad = plain
                bad.insert(contentsOf: Array("é".utf8) + [0xC0, 0xAF], at: position)
                guard case .failure(let error) = parse(bad) else { Issue.record("accepted"); continue }
                #expect(error.column == position + 4 && error.message.contains("not valid UTF-8"), "\(error)")
            }
        }
    }
}

/// Member names are compared in full only when their bit in the object's filter (from the length and
/// the first, middle and last bytes) is set already: names that share a bit are still told apart, and
/// every repeated name is found, plain or escaped, in small objects and in large ones.
@Suite struct JSONDuplicateMemberTests {
    /// Fifteen names of eight bytes that differ only in bytes the filter does not read.
    static let lookAlikes: [String] = (0..<15).map { n in
        let letters = Array("bcdfghjkmnpqrst".utf8)
        return String(decoding: [UInt8(ascii: "a"), letters[n], UInt8(ascii: "x"), letters[(n + 3) % 15], UInt8(ascii: "y"), UInt8(ascii: "z"), letters[(n * 2) % 15], UInt8(ascii: "w")], as: UTF8.self)
    }

    @Test func namesThatShareAFilterBitAreNotDuplicates() throws {
        #expect(Set(Self.lookAlikes).count == Self.lookAlikes.count)
        for count in 1...Self.lookAlikes.count {
            let names = Array(Self.lookAlikes.prefix(count))
            let value = try JSONParser.parse("{" + names.map { "\"\($0)\": 1" }.joined(separator: ", ") + "}")
            guard case .object(let members) = value else { Issue.record("not an object"); continue }
            #expect(Set(members.keys) == Set(names))
        }
    }

    @Test func everyRepeatedNameIsFound() {
        for count in 1...Self.lookAlikes.count {
            let names = Array(Self.lookAlikes.prefix(count)) + ["id", "i", "", "longer-name-\(count)"]
            for repeated in names {
                for spelling in [repeated, repeated.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()] {
                    let text = "{" + (names.map { "\"\($0)\": 1" } + ["\"\(spelling)\": 2"]).joined(separator: ", ") + "}"
                    guard case .failure(let error) = Result(catching: { try JSONParser.parse(text) }) else {
                        Issue.record("\(text) accepted"); continue
                    }
                    #expect((error as? JSONSyntaxError)?.message == "duplicate member \"\(repeated)\"", "\(text): \(error)")
                }
            }
        }
    }
}
