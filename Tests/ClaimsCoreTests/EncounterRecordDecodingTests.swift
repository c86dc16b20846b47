import ClaimsCore
import Testing

/// Encounter files are decoded straight from a record's bytes (`EncounterDecoder.decode(_: JSONRecord)`,
/// no `JSONValue` tree, names compared as bytes when both are plain ASCII): the same encounter, errors
/// and raw id as decoding the parsed tree, whatever the text's escapes and scripts.
@Suite struct EncounterRecordDecodingTests {
    let decoder = EncounterDecoder(codes: EncounterDecoderTests.codes, payers: ["bcbs-il", "self-pay"], asOf: LocalDate(iso: "2026-11-20")!)

    struct Decoded: Equatable {
        var encounter: Encounter?
        var errors: [InputError]
        var rawId: String
    }

    /// `text` decoded from its bytes, after checking that the tree gives the same.
    private func decode(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Result<Decoded, JSONSyntaxError> {
        let record = JSONRecord(ordinal: 1, line: 3, column: 5, bytes: Array(text.utf8))
        let fromBytes = decoder.decode(record).map { Decoded(encounter: $0.encounter, errors: $0.errors, rawId: $0.rawId) }
        let fromTree = record.result.map { value in
            let (encounter, errors) = decoder.decode(value)
            return Decoded(encounter: encounter, errors: errors, rawId: EncounterDecoder.rawId(of: value))
        }
        #expect(fromBytes == fromTree, sourceLocation: sourceLocation)
        return fromBytes
    }

    /// The contract example with `replacements` applied to its text.
    private func valid(_ replacements: [(String, String)]) -> String {
        var text = EncounterDecoderTests.valid
        for (old, new) in replacements {
            #expect(text.contains(old), "the example has no \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func theContractExampleDecodesTheSameFromItsBytes() throws {
        let decoded = try decode(EncounterDecoderTests.valid).get()
        let encounter = try #require(decoded.encounter)
        #expect(decoded.errors.isEmpty)
        #expect(decoded.rawId == "ENC-1")
        #expect(encounter.services[1].charge == Money.parse("1120.10"))
        #expect(encounter.clinical["failedAntidepressantTrials"] == .number(2))
    }

    @Test func escapedAndNonASCIITextIsDecodedLikeThePlainText() throws {
        let text = valid([(#""id": "ENC-1""#, #""\u0069d": "ENC\u002d1""#),
                          (#""firstName": "Dana""#, #""firstName": "Zo\u00eb D\u00e1na""#),
                          (#""lastName": "Reyes""#, #""lastName": "Éva-Renée ✓""#),
                          (#""city": "Carbondale""#, #""city": "Carbon\/dale \"East\"""#),
                          (#""remsPatientEnrolled": true"#, #""remsPatientEnrolled": true, "note": "\ud83d\ude00 ok", "mood": "😀""#)])
        let encounter = try #require(try decode(text).get().encounter)
        #expect(encounter.id == "ENC-1")
        #expect(encounter.patient.person.firstName == "Zoë Dána")
        #expect(encounter.patient.person.lastName == "Éva-Renée ✓")
        #expect(encounter.patient.person.address.city == "Carbon/dale \"East\"")
        #expect(encounter.clinical["note"] == .text("😀 ok"))
        #expect(encounter.clinical["mood"] == .text("😀"))
    }

    /// Swift strings compare canonically equivalent text as equal: so did the dictionary the parser
    /// built, and so do the names read from bytes (KELVIN SIGN is K; é precomposed or not).
    @Test(arguments: [#"{"K": 1, "\u212A": 2}"#, "{\"K\": 1, \"\u{212A}\": 2}", #"{"é": 1, "e\u0301": 2}"#,
                      #"{"id": "A", "\u0069d": "B"}"#, #"{"a": {"x": 1}, "b": 2, "a": 3}"#])
    func canonicallyEqualMemberNamesAreDuplicates(_ text: String) {
        guard case .failure(let error) = decode(text) else { Issue.record("\(text) was accepted"); return }
        #expect(error.message.hasPrefix("duplicate member"))
        #expect(error.line == 3)
    }

    @Test func aDuplicateAmongManyMembersIsFound() {
        let members = (0..<40).map { "\"m\($0)\": \($0)" }
        guard case .failure(let error) = decode("{" + (members + [#""m7": 0"#]).joined(separator: ", ") + "}") else {
            Issue.record("the duplicate was accepted"); return
        }
        #expect(error.message == #"duplicate member "m7""#)
        // Forty distinct unknown members: each reported, sorted, none taken for a duplicate.
        let errors = (try? decode("{" + members.joined(separator: ", ") + "}").get().errors) ?? []
        let unknown = errors.filter { $0.message.hasPrefix("unknown field") }.map(\.field)
        #expect(unknown == (0..<40).map { "m\($0)" }.sorted())
    }

    @Test func aMemberFoundByAnEscapedOrNonASCIINameIsTheSameMember() throws {
        // A name spelled with an escape is the member it spells; a name past ASCII is reported as written.
        let errors = try decode(valid([(#""state": "IL""#, #""st\u0061te": "IL""#), (#""zip": "629011234""#, "\"zip\": \"629011234\", \"\u{212A}ey\": 1")])).get().errors
        #expect(errors.map(\.field) == ["patient.address.\u{212A}ey"])
        #expect(errors.first?.message == "unknown field '\u{212A}ey'")
    }

    @Test func problemsWithClinicalFactsAndDetailsComeInTheOrderOfTheirFields() throws {
        let text = valid([(#""remsPatientEnrolled": true"#, #""zeta": [1], "remsPatientEnrolled": true, "alpha": {}, "mid": "a*b""#),
                          (#""modifiers": ["25"],"#, #""modifiers": ["25"], "details": {"z": [], "a": "x\u0007", "m": {}},"#)])
        let fields = try decode(text).get().errors.map(\.field)
        #expect(fields == ["clinical.alpha", "clinical.mid", "clinical.zeta", "services[0].details.a", "services[0].details.m", "services[0].details.z"])
    }

    @Test func aRawIdIsShownLikeTheTreeShowsIt() throws {
        #expect(try decode(valid([(#""id": "ENC-1""#, #""id": "ENC\u001b1 ok""#)])).get().rawId == "ENC\\u{1B}1 ok")
        #expect(try decode(valid([(#""id": "ENC-1""#, #""id": "Ä-1""#)])).get().rawId == "Ä-1")
        let long = String(repeating: "x", count: 45)
        #expect(try decode(valid([(#""id": "ENC-1""#, "\"id\": \"\(long)\"")])).get().rawId == String(long.prefix(40)))
        #expect(try decode(#"{"id": 7}"#).get().rawId == "")
        #expect(try decode(#"["id"]"#).get().rawId == "")
    }

    /// Where the text is not JSON, both say so at the same place (line 3, column 5 is where the record
    /// starts; the places are those main's parser gave before the tape, 96daa10).
    @Test(arguments: [
        (#"{"a": "\ud83d"}"#, 3, 18, "unpaired surrogate in \\u escape"),
        (#"{"a": "\ud83d\u0041"}"#, 3, 24, "invalid low surrogate in \\u escape"),
        (#"{"a": "\udc00"}"#, 3, 18, "invalid \\u escape"),
        (#"{"a": "x\q"}"#, 3, 15, "invalid escape '\\q'"),
        (#"{"a": "\u12"}"#, 3, 16, "invalid hex digit in \\u escape"),
        (#"{"a": "\u12"#, 3, 14, "incomplete \\u escape"),
        (#"{"a\n": 1 "b": 2}"#, 3, 15, "expected ',' or '}' after the value of \"a\n\""),
        (#"{"a": 1, "a": 2}"#, 3, 19, #"duplicate member "a""#),
    ])
    func syntaxErrorsInEscapedTextArePlaced(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        guard case .failure(let error) = decode(text) else { Issue.record("\(text) was accepted"); return }
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.message == message, "\(error)")
    }

    @Test func invalidUTF8AfterAnEscapeIsRefused() {
        let bytes = Array(#"{"a": "x\n"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let record = JSONRecord(ordinal: 1, line: 1, column: 1, bytes: bytes)
        guard case .failure(let error) = decoder.decode(record) else { Issue.record("accepted"); return }
        #expect(error.column == 11)
        #expect(error.message.contains("not valid UTF-8"))
        guard case .failure(let treeError) = record.result else { Issue.record("accepted"); return }
        #expect(treeError == error)
    }

    /// Units, charges, dates, diagnosis pointers and text are read straight from a record's plain
    /// bytes where that is safe (`EncounterJSONValue.readASCII`); at and past every edge of those fast
    /// paths the record decodes as its tree does (`decode` compares them).
    @Test(arguments: [
        (#""units": 1,"#, [#""units": 0,"#, #""units": "0","#, #""units": 99999,"#, #""units": 100000,"#, #""units": "5","#, #""units": 5.5,"#,
                           #""units": 123456789,"#, #""units": 1234567890,"#, #""units": 1e2,"#, #""units": -1,"#, #""units": " 1","#,
                           #""units": null,"#, #""units": true,"#, #""units": "\u0031","#, #""units": "","#, #""units": 0.0001,"#]),
        (#""charge": "210.00""#, [#""charge": "9999999.99""#, #""charge": "10000000.00""#, #""charge": 9999999.99"#, #""charge": 10000000"#,
                                 #""charge": "210""#, #""charge": "210.000""#, #""charge": 1e2"#, #""charge": "0.5""#, #""charge": "-1""#,
                                 #""charge": "12345678901234567890.5""#, #""charge": "210.00 ""#, #""charge": """#, #""charge": null"#,
                                 #""charge": "\u0032""#, #""charge": "00000001.00""#, #""charge": ".5""#, #""charge": "5.""#]),
        (#""dateOfService": "2026-11-03""#, [#""dateOfService": "2024-02-29""#, #""dateOfService": "2026-02-29""#, #""dateOfService": "2026-13-01""#,
                                            #""dateOfService": "2026-1-03""#, #""dateOfService": " 2026-11-03""#, #""dateOfService": 20261103"#,
                                            #""dateOfService": "2026-11-32""#, #""dateOfService": "1899-12-31""#, #""dateOfService": "2026-11-21""#,
                                            #""dateOfService": "2026-11-03T10:00""#, #""dateOfService": "2026\u002d11-03""#, #""dateOfService": "2026/11/03""#]),
        (#""dateOfBirth": "1984-02-11""#, [#""dateOfBirth": "0000-00-00""#, #""dateOfBirth": "2027-01-01""#, #""dateOfBirth": "2026-11-04""#]),
        (#""diagnosisPointers": [1]}"#, [#""diagnosisPointers": [1, 1]}"#, #""diagnosisPointers": ["1"]}"#, #""diagnosisPointers": [0]}"#,
                                         #""diagnosisPointers": [-1]}"#, #""diagnosisPointers": [1.0]}"#, #""diagnosisPointers": [1e0]}"#,
                                         #""diagnosisPointers": [3]}"#, #""diagnosisPointers": [123456789]}"#, #""diagnosisPointers": [1234567890]}"#,
                                         #""diagnosisPointers": [99999999999999999999]}"#, #""diagnosisPointers": [2, 1]}"#]),
        (#""firstName": "Dana""#, [#""firstName": " Dana""#, #""firstName": "Dana ""#, #""firstName": "Da*na""#, #""firstName": """#,
                                   #""firstName": "   ""#, #""firstName": 12"#, #""firstName": "D\u0061na""#, #""firstName": "Dana\t""#,
                                   "\"firstName\": \"\(String(repeating: "a", count: 200))\"", "\"firstName\": \"\(String(repeating: "a", count: 201))\"",
                                   #""firstName": "Da~na""#, #""firstName": "Dána""#, #""firstName": "Dana\u007f""#, #""firstName": -1.5e3"#]),
        (#""zip": "629011234""#, [#""zip": 629011234"#, #""zip": 62901"#, #""zip": "62901""#]),
    ])
    func fastPathsAnswerAsTheTreeDoes(_ original: String, _ replacements: [String]) throws {
        for replacement in replacements {
            _ = decode(valid([(original, replacement)]))
        }
    }

    @Test func theFastPathsEdgesAreReportedOrAccepted() throws {
        let zeroUnits = try decode(valid([(#""units": 1,"#, #""units": 0,"#)])).get().errors
        #expect(zeroUnits.map(\.field) == ["services[0].units"])
        let bigCharge = try decode(valid([(#""charge": "210.00""#, #""charge": "10000000.00""#)])).get().errors
        #expect(bigCharge.map(\.field) == ["services[0].charge"])
        let leapDay = try decode(valid([(#""dateOfService": "2026-11-03""#, #""dateOfService": "2024-02-29""#)])).get().encounter
        #expect(leapDay?.dateOfService == LocalDate(year: 2024, month: 2, day: 29))
    }

    /// Plain text is judged eight bytes at a time (`DecodingContext.hasBytePastPlain`), then a byte
    /// at a time from a table (`isPlainByte`): every printable ASCII byte, at every place inside a
    /// name of 17 bytes, is accepted, except the X12 separators, as the rule says.
    @Test func everyPrintableByteInTextIsJudgedByTheRule() throws {
        let name = Array("DanielleReyesmit")
        for byte in UInt8(0x20)...UInt8(0x7E) {
            let character = byte == 0x22 ? #"\""# : byte == 0x5C ? #"\\"# : String(UnicodeScalar(byte))
            for place in 1..<name.count {
                let text = String(name[..<place]) + character + String(name[place...])
                let errors = try decode(valid([(#""firstName": "Dana""#, "\"firstName\": \"\(text)\"")])).get().errors
                let separator = "*:^~|".utf8.contains(byte)
                #expect(errors.map(\.field) == (separator ? ["patient.firstName"] : []), "\(text)")
            }
        }
    }

    /// A tape looks members up from where the last lookup in the object stopped, and checks names
    /// against the known ones from the last found: with the members of every object in any order
    /// (sorted, reversed, rotated; an unknown member among them), the record decodes as its tree
    /// does and as the example in its own order does.
    @Test func membersInAnyOrderDecodeTheSame() throws {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func write(_ value: JSONValue, _ order: ([String]) -> [String]) -> String {
            switch value {
            case .object(let members):
                return "{" + order(Array(members.keys)).map { "\(quoted($0)): \(write(members[$0]!, order))" }.joined(separator: ", ") + "}"
            case .array(let items): return "[" + items.map { write($0, order) }.joined(separator: ", ") + "]"
            case .string(let text): return quoted(text)
            case .number(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            case .null: return "null"
            }
        }
        let orders: [([String]) -> [String]] = [{ $0.sorted() }, { $0.sorted().reversed() }]
            + (1..<6).map { shift in { names in let sorted = names.sorted(); return Array(sorted[(shift % max(sorted.count, 1))...] + sorted[..<(shift % max(sorted.count, 1))]) } }
        for example in [EncounterDecoderTests.valid, valid([(#""placeOfService": "11","#, #""placeOfService": "11", "zzz": 1, "aaa": 2,"#)])] {
            let expected = try decode(example).get()
            let tree = try JSONParser.parse(example)
            for order in orders {
                let decoded = try decode(write(tree, order)).get()
                #expect(decoded.encounter == expected.encounter)
                #expect(decoded.errors == expected.errors)
            }
        }
    }

    /// Known names are checked on a tape by the filter bit the parser computes (length, first, middle
    /// and last bytes): a name that shares its bit with a known one but differs elsewhere is unknown.
    @Test func namesThatShareAKnownNamesBitAreUnknown() throws {
        let text = valid([(#""placeOfService": "11","#, #""placeOfService": "11", "dXteOfService": 1, "pXtient": 2, "cXverage": 3,"#),
                          (#""firstName": "Dana","#, #""firstName": "Dana", "fXrstName": "x","#),
                          (#""code": "99214","#, #""code": "99214", "cXde": 1, "uXits": 2,"#)])
        let errors = try decode(text).get().errors
        #expect(errors.map(\.field) == ["cXverage", "dXteOfService", "pXtient", "patient.fXrstName", "services[0].cXde", "services[0].uXits"])
    }

    /// Sex and relationship codes are read by their bytes (`EncounterDecoder.sex`, `relationship`):
    /// exactly the codes are accepted, nothing that only looks or sounds like one.
    @Test func onlyTheExactSexAndRelationshipCodesAreAccepted() throws {
        for (text, fields) in [("F", []), ("M", []), ("U", []), ("f", ["patient.sex"]), ("X", ["patient.sex"]), ("FF", ["patient.sex"]),
                               ("\u{FF26}", ["patient.sex"]), ("F\u{301}", ["patient.sex"]), ("", ["patient.sex"])] {
            let errors = try decode(valid([(#""sex": "F""#, "\"sex\": \"\(text)\"")])).get().errors
            #expect(errors.map(\.field) == fields, "\(text)")
        }
        for (text, fields) in [("self", []), ("Self", ["coverage.relationship"]), ("sel", ["coverage.relationship"]),
                               ("selff", ["coverage.relationship"]), ("spouse", ["coverage.subscriber"]), (#"s\u0065lf"#, [])] {
            let errors = try decode(valid([(#""relationship": "self""#, "\"relationship\": \"\(text)\"")])).get().errors
            #expect(errors.map(\.field) == fields, "\(text)")
        }
    }
}
