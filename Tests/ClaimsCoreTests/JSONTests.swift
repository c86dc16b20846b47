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
