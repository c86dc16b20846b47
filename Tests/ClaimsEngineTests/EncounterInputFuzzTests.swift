import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// Fuzzes what reads an encounter file (docs/testing.md, "Fuzz tests"): the JSON parser, the streaming
/// record splitter, the encounter decoder and `EncounterFileReader`. Properties: nothing traps or hangs;
/// every syntax error has a line and column inside the input; the splitter cuts the same records
/// whatever the chunk sizes; a parsed value written back as JSON parses to the same value; a valid
/// encounter decodes the same from its re-written JSON and from the source text the batch stores, and
/// evaluates without trapping; every rejected record has errors with a field and a message, never the
/// catch-all "invalid encounter".
@Suite struct EncounterInputFuzzTests {
    static let root = Fixtures.repositoryRoot
    static let asOf = LocalDate(iso: "2026-11-20")!
    static let rules = try! RuleBookLoader.load(directory: root.appendingPathComponent("Payers").path)
    static let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf)
    static let evaluator = CoverageEvaluator(rules: rules)

    /// The records of the sample files, as written (several lines each in encounters.json).
    static let sampleRecords: [[UInt8]] = ["Samples/encounters.json", "Samples/invalid-encounters.jsonl", "Samples/schedule.json"].flatMap { file in
        var splitter = JSONRecordSplitter()
        let records = splitter.feed(FuzzHarness.repositoryFiles([file]).first ?? []) + splitter.finish()
        return records.map(\.bytes).filter { !$0.isEmpty }
    }

    /// Each sample record alone in an array (small inputs fuzz faster than the whole file; an array,
    /// because a record of several lines is not JSON Lines), the committed tricky inputs and the
    /// regression inputs (Tests/Fixtures/fuzz/encounters/).
    static let corpus: [[UInt8]] = sampleRecords.map { [UInt8(ascii: "[")] + $0 + [UInt8(ascii: "]")] }
        + FuzzHarness.corpus(folder: "encounters").map(\.bytes)

    static let values: [JSONValue] = sampleRecords.compactMap { try? JSONParser.parse(String(decoding: $0, as: UTF8.self)) }

    static let dictionary = [
        "\"id\"", "\"dateOfService\"", "\"services\"", "\"diagnoses\"", "\"charge\"", "\"units\"", "\"diagnosisPointers\"", "\"ndc\"",
        "\"ndcQuantity\"", "\"payments\"", "\"clinical\"", "\"coverage\"", "\"subscriber\"", "\"relationship\"", "\"amount\"",
        "\"F33.2\"", "\"J0013\"", "\"99214\"", "\"50458002803\"", "\"1234567893\"", "\"self-pay\"", "\"bcbs-il\"", "\"child\"",
        "\\u0000", "\\ud83d\\ude00", "\\\"", "[]", "{}", "[{}]", ",]", ",}", "\"\":", "1.5", "-2e3", "01", "\"\\u002a\"",
    ]

    static let mutator = FuzzMutator(corpus: corpus, dictionary: dictionary)

    @Test func encounterInputSurvivesMutatedRecords() throws {
        let configuration = FuzzConfiguration.fromEnvironment(seconds: 15, iterations: 40_000)
        let report = FuzzHarness.run(target: "encounters", corpus: Self.corpus, mutator: Self.mutator, configuration: configuration,
                                     mutate: Self.mutate, property: Self.check)
        print(report)
        for failure in report.failures { Issue.record("\(failure)") }
        if configuration.replay == nil && configuration.onlyIteration == nil {
            // The run reached the decoder and the evaluator, not only the syntax errors.
            #expect(report.counters["valid encounter", default: 0] > 0, "\(report)")
            #expect(report.counters["rejected encounter", default: 0] > 0, "\(report)")
            #expect(report.counters["syntax error", default: 0] > 0, "\(report)")
        }
    }

    /// Found by fuzzing: the splitter accepted `[{…},]`, which the parser (and RFC 8259) refuses.
    @Test func aTrailingCommaInTheArrayIsAnError() throws {
        var splitter = JSONRecordSplitter()
        let records = splitter.feed(Array("[{\"id\": \"A\"},\n]".utf8)) + splitter.finish()
        #expect(records.count == 2)
        #expect((try? records[0].result.get())?["id"] == .string("A"))
        let error = try #require(records[1].structuralError)
        #expect(error.message.contains("trailing comma"))
        #expect(error.line == 2 && error.column == 1)
    }

    /// Half of the inputs are byte mutations of a record; the other half change the parsed record
    /// (values of other types, huge numbers, odd text, deleted or unknown members, many lines) and
    /// write it back as a JSON array or JSON Lines, so the decoder's checks are reached.
    static func mutate(_ random: inout FuzzRandom) -> [UInt8] {
        if random.oneIn(2) || values.isEmpty { return mutator.mutate(random.element(mutator.corpus), &random) }
        var records: [JSONValue] = []
        for _ in 0..<(1 + random.below(3)) {
            var value = random.element(values)
            for _ in 0..<(1 + random.below(6)) { value = mutateTree(value, &random, depth: 0) }
            records.append(value)
        }
        let text = random.oneIn(2) ? "[" + records.map(\.jsonText).joined(separator: ",\n") + "]"
                                   : records.map(\.jsonText).joined(separator: "\n")
        let bytes = Array(text.utf8)
        return random.oneIn(4) ? mutator.mutate(bytes, &random) : bytes
    }

    static let odd: [JSONValue] = [
        .null, .bool(true), .number("0"), .number("-1"), .number("1.5"), .number("99999999999999999999.99"), .number("9223372036854775807"),
        .number("9223372036854775808"), .number("-9223372036854775809"), .number("1e400"), .number("-0"), .number("1E-400"),
        .number(String(repeating: "9", count: 300)), .string(""), .string(" "), .string("  x  "), .string("A*B"), .string("a~b"), .string("x\u{0}y"),
        .string("\u{7}"), .string("é"), .string("\u{FEFF}F33.2"), .string("\u{202E}"), .string(String(repeating: "x", count: 5000)),
        .string("2026-02-29"), .string("2024-02-29"), .string("0000-01-01"), .string("9999-12-31"), .string("2026-13-01"),
        .string("99999999999999999999.99"), .string("210.005"), .string("٣"), .string("1e5"), .string("F33.2"), .string("J0013"),
        .array([]), .object([:]), .array([.number("1"), .number("1")]), .array(Array(repeating: .number("1"), count: 60)),
    ]

    static func mutateTree(_ value: JSONValue, _ random: inout FuzzRandom, depth: Int) -> JSONValue {
        switch value {
        case .object(var members) where !members.isEmpty && (depth < 4 && !random.oneIn(4)):
            let key = random.element(members.keys.sorted())
            switch random.below(6) {
            case 0: members[key] = nil
            case 1: members[random.element(["colour", "id ", "", "servicez", key.uppercased()])] = random.element(odd)
            case 2: members[key] = random.element(odd)
            default: members[key] = mutateTree(members[key]!, &random, depth: depth + 1)
            }
            return .object(members)
        case .array(var items) where !items.isEmpty && (depth < 4 && !random.oneIn(4)):
            let index = random.below(items.count)
            switch random.below(5) {
            case 0: items.remove(at: index)
            case 1: items += Array(repeating: items[index], count: 1 + random.below(60))
            case 2: items[index] = random.element(odd)
            default: items[index] = mutateTree(items[index], &random, depth: depth + 1)
            }
            return .array(items)
        default:
            return random.element(odd)
        }
    }

    static func isJSONWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func lineCount(_ bytes: [UInt8]) -> Int { bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }

    struct CutRecord: Equatable {
        var ordinal: Int, line: Int, column: Int, bytes: [UInt8], error: JSONSyntaxError?
    }

    static func split(_ bytes: [UInt8], chunks: (Int) -> Int) -> [CutRecord] {
        var splitter = JSONRecordSplitter()
        var records: [JSONRecord] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + max(1, chunks(bytes.count - index)))
            records += splitter.feed(bytes[index..<end])
            index = end
        }
        records += splitter.finish()
        return records.map { CutRecord(ordinal: $0.ordinal, line: $0.line, column: $0.column, bytes: $0.bytes, error: $0.structuralError) }
    }

    static func check(_ bytes: [UInt8], _ probe: inout FuzzProbe) {
        let lines = lineCount(bytes)

        // The parser on the whole input: a value that survives being written back, or an error inside the input.
        var parser = JSONParser(bytes: bytes)
        var whole: JSONValue?
        do {
            let value = try parser.parseDocument()
            whole = value
            probe.count("parsed document")
            let reparsed = try? JSONParser.parse(value.jsonText)
            probe.check(reparsed == value, "the parsed value written back as JSON does not parse to the same value: \(value.jsonText.prefix(300))")
        } catch {
            probe.count("syntax error")
            probe.check(error.line >= 1 && error.line <= lines && error.column >= 1 && !error.message.isEmpty,
                        "syntax error outside the input (\(lines) lines): \(error)")
        }

        // The splitter: the same records whatever the chunk sizes.
        let records = split(bytes) { $0 }
        var random = probe.random
        let chunked = split(bytes) { remaining in random.oneIn(3) ? 1 : 1 + random.below(min(remaining, 4096)) }
        probe.check(records == chunked, "the splitter cut different records when fed in small chunks (\(records.count) vs \(chunked.count))")
        probe.check(records.map(\.ordinal) == Array(0..<records.count).map { $0 + 1 }, "record ordinals are not 1, 2, 3…: \(records.map(\.ordinal))")

        // A document the parser accepts as an array of objects is cut into exactly its elements.
        if case .array(let elements)? = whole, elements.allSatisfy({ if case .object = $0 { true } else { false } }) {
            let cut = records.map { record -> JSONValue? in
                guard record.error == nil else { return nil }
                var parser = JSONParser(bytes: record.bytes, line: record.line, column: record.column)
                return try? parser.parseDocument()
            }
            probe.check(cut == elements.map { $0 }, "a valid JSON array of \(elements.count) objects was cut into \(records.count) records that differ")
        }

        // And the other way: an array whose records all parse is a JSON document the parser accepts
        // (a byte-order mark, which only the splitter skips, aside).
        if bytes.first(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "["),
           records.allSatisfy({ record in
               guard record.error == nil else { return false }
               var parser = JSONParser(bytes: record.bytes)
               return (try? parser.parseDocument()) != nil
           }) {
            probe.check(whole != nil, "the splitter accepted every record of an array the parser refuses as a whole")
        }

        // Each record: parsed, decoded, and when valid re-decoded and evaluated.
        for record in records {
            probe.check(record.line >= 1 && record.line <= lines && record.column >= 1, "record \(record.ordinal) starts outside the input: line \(record.line), column \(record.column)")
            let jsonRecord = JSONRecord(ordinal: record.ordinal, line: record.line, column: record.column, bytes: record.bytes, structuralError: record.error)
            switch jsonRecord.result {
            case .failure(let error):
                probe.count("syntax error")
                probe.check(error.line >= 1 && error.line <= lines && error.column >= 1 && !error.message.isEmpty,
                            "record \(record.ordinal): syntax error outside the input (\(lines) lines): \(error)")
            case .success(let value):
                checkDecoding(value, source: record.bytes, &probe)
            }
        }

        // Now and then the whole file reader too (a temporary file, records decoded in parallel).
        if probe.random.oneIn(16) { checkFileReader(bytes, expected: records.count, &probe) }
    }

    static func checkDecoding(_ value: JSONValue, source: [UInt8], _ probe: inout FuzzProbe) {
        let (encounter, errors) = decoder.decode(value)
        probe.check((encounter == nil) != errors.isEmpty, "decode gave \(encounter == nil ? "no" : "an") encounter and \(errors.count) errors")
        probe.check(!errors.contains { $0.message == "invalid encounter" }, "an encounter was rejected without saying why: \(errors)")
        for error in errors {
            // The field is empty only for the record itself, or for a member whose name is empty ("": 1).
            probe.check(!error.message.isEmpty && (!error.field.isEmpty || error.message.hasPrefix("each encounter must be a JSON object")
                                                   || error.message.hasPrefix("unknown field ''")),
                        "an error without a field or message: \(error)")
        }
        probe.check(EncounterDecoder.rawId(of: value).count <= 40, "the raw id is longer than 40 characters")
        guard let encounter else {
            probe.count("rejected encounter")
            return
        }
        probe.count("valid encounter")
        // Re-validated from its JSON written back, and from the source text the batch stores: the same encounter.
        let rewritten = (try? JSONParser.parse(value.jsonText)).map { decoder.decode($0).encounter }
        probe.check(rewritten == encounter, "the encounter written back as JSON decodes differently")
        let stored = (try? JSONParser.parse(String(decoding: source, as: UTF8.self))).map { decoder.decode($0).encounter }
        probe.check(stored == encounter, "the encounter decoded from its stored source text differs")
        // Evaluated by the real rule book without trapping; one outcome per line.
        let outcome = evaluator.evaluate(encounter, asOf: asOf, authorizations: [])
        probe.check(outcome.lines.count == encounter.services.count, "\(encounter.services.count) lines evaluated into \(outcome.lines.count) outcomes")
    }

    static func checkFileReader(_ bytes: [UInt8], expected: Int, _ probe: inout FuzzProbe) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("claims-fuzz-reader-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        guard (try? Data(bytes).write(to: url)) != nil else { return }
        probe.count("file reader")
        do {
            let decoded = try EncounterFileReader(decoder: decoder).readAll(path: url.path)
            probe.check(decoded.count == expected, "the file reader gave \(decoded.count) records, the splitter \(expected)")
            probe.check(decoded.map(\.ordinal) == Array(1...max(decoded.count, 1)).prefix(decoded.count).map { $0 }, "file reader ordinals out of order")
            for record in decoded {
                probe.check((record.encounter == nil) != record.errors.isEmpty, "record \(record.ordinal): an encounter and errors, or neither")
                for error in record.errors where error.field == "json" {
                    probe.check(error.message.hasPrefix("line "), "a JSON error without its line: \(error)")
                }
            }
        } catch {
            probe.fail("the file reader threw for a readable file: \(error)")
        }
    }
}
