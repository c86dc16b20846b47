@testable import ClaimsCore
import ClaimsTestSupport
import Foundation
import Testing

/// Hardening: every amount is exact or refused, quantities and record sizes are bounded, input is
/// UTF-8, and nothing an encounter holds reaches a terminal or report raw (docs/errors.md "Limits").
@Suite struct InputLimitsTests {
    let decoder = EncounterDecoder(codes: EncounterDecoderTests.codes, payers: ["bcbs-il", "self-pay"], asOf: LocalDate(iso: "2026-11-20")!)

    private func decode(_ mutate: (inout [String: JSONValue]) -> Void) throws -> (encounter: Encounter?, errors: [InputError]) {
        guard case .object(var root) = try JSONParser.parse(EncounterDecoderTests.valid) else { throw CancellationError() }
        mutate(&root)
        return decoder.decode(.object(root))
    }

    private func settingService(_ key: String, _ value: JSONValue, line: Int = 0) -> (inout [String: JSONValue]) -> Void {
        { root in
            guard case .array(var services)? = root["services"], case .object(var service) = services[line] else { return }
            service[key] = value
            services[line] = .object(service)
            root["services"] = .array(services)
        }
    }

    // Before the limit, 184467440737095726.16 wrapped through a 64-bit integer and was billed as 210.00.
    @Test(arguments: ["184467440737095726.16", "99999999999999999.99", "10000000.00", "10000000"])
    func aChargeOverTheLimitRejectsTheEncounter(charge: String) throws {
        let (encounter, errors) = try decode(settingService("charge", .string(charge)))
        #expect(encounter == nil)
        #expect(errors.map(\.field) == ["services[0].charge"])
        #expect(errors.first?.message.contains("9999999.99") == true)
    }

    @Test func theLargestAmountIsAcceptedExactly() throws {
        let (encounter, errors) = try decode(settingService("charge", .string("9999999.99")))
        #expect(errors.isEmpty)
        #expect(encounter?.services[0].charge == Money.maximumAmount)
        #expect(Money.format(Money.maximumAmount) == "9999999.99")
        #expect(Money.cents(of: Money.maximumAmount) == 999_999_999)
    }

    @Test func aPaymentOverTheLimitIsRefused() throws {
        let (_, errors) = try decode { root in
            root["payments"] = .array([.object(["date": .string("2026-11-03"), "amount": .string("12345678.00")])])
        }
        #expect(errors.map(\.field) == ["payments[0].amount"])
    }

    @Test func hugeAmountsNeverWrapIntoSmallOnes() {
        let huge = Decimal(string: "184467440737095726.16")!
        #expect(Money.format(huge) == "184467440737095726.16")
        #expect(Money.cents(of: huge) == Int64.max)
        #expect(Money.x12(huge) == "184467440737095726.16")
    }

    @Test(arguments: [("9223372036854775808", "at most 99999"), ("100000", "at most 99999"), ("1.2345", "3 decimal places"), ("0", "greater than 0")])
    func unitsOutOfRangeAreRefused(units: String, message: String) throws {
        let (encounter, errors) = try decode(settingService("units", .number(units)))
        #expect(encounter == nil)
        #expect(errors.map(\.field) == ["services[0].units"])
        #expect(errors.first?.message.contains(message) == true, "\(errors)")
    }

    @Test func ndcQuantityOutOfRangeIsRefused() throws {
        let (_, errors) = try decode(settingService("ndcQuantity", .number("1e400"), line: 1))
        #expect(errors.map(\.field) == ["services[1].ndcQuantity"])
    }

    @Test func theNumberOfErrorsPerRecordIsBounded() throws {
        let (encounter, errors) = try decode { root in
            for index in 0..<5_000 { root["unknown\(index)"] = .number("0") }
        }
        #expect(encounter == nil)
        #expect(errors.count == EncounterDecoder.maxErrorsPerRecord + 1)
        let last = try #require(errors.last)
        #expect(last.message.contains("and 4950 more errors not listed"), "\(last.message)")
    }

    @Test func invalidUTF8IsASyntaxErrorWithItsPosition() throws {
        var bytes = Array(#"{"a": "ok", "name": "Da"#.utf8)
        bytes.append(0xFF)
        bytes += Array(#"na"}"#.utf8)
        var parser = JSONParser(bytes: bytes)
        #expect(throws: JSONSyntaxError.self) { try parser.parseDocument() }
        do {
            var again = JSONParser(bytes: bytes)
            _ = try again.parseDocument()
        } catch {
            #expect(error.column == 24)
            #expect(error.message.contains("not valid UTF-8"))
        }
    }

    @Test(arguments: [[0xC3, 0xA9], [0xE4, 0xB8, 0xAD], [0xF0, 0x9F, 0x98, 0x80]] as [[UInt8]])
    func validMultibyteTextIsKept(sequence: [UInt8]) throws {
        let bytes = Array(#"{"name": ""#.utf8) + sequence + Array(#""}"#.utf8)
        var parser = JSONParser(bytes: bytes)
        let value = try parser.parseDocument()
        #expect(value["name"] == .string(String(decoding: sequence, as: UTF8.self)))
    }

    @Test(arguments: [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0x80]] as [[UInt8]])
    func malformedUTF8IsRefused(sequence: [UInt8]) {
        let bytes = Array(#"{"name": ""#.utf8) + sequence + Array(#""}"#.utf8)
        var parser = JSONParser(bytes: bytes)
        #expect(throws: JSONSyntaxError.self) { try parser.parseDocument() }
    }

    @Test func anOversizedRecordIsOneErrorAndTheNextRecordIsStillRead() {
        var splitter = JSONRecordSplitter()
        let huge = "{\"id\": \"" + String(repeating: "x", count: JSONRecordSplitter.maxRecordBytes + 10) + "\"}\n"
        let records = splitter.feed(Array(huge.utf8)) + splitter.feed(Array("{\"id\": \"B\"}\n".utf8)) + splitter.finish()
        #expect(records.count == 2)
        #expect(records[0].structuralError?.message.contains("larger than 256 KiB") == true)
        #expect(records[1].structuralError == nil)
        #expect(records[1].bytes == Array("{\"id\": \"B\"}".utf8))
        #expect(!splitter.hasFailed)
    }

    @Test func anOversizedRecordInAnArrayIsOneError() {
        var splitter = JSONRecordSplitter()
        let text = "[{\"id\": \"" + String(repeating: "x", count: JSONRecordSplitter.maxRecordBytes) + "\"}, {\"id\": \"B\"}]"
        let records = splitter.feed(Array(text.utf8)) + splitter.finish()
        #expect(records.count == 2)
        #expect(records[0].structuralError != nil)
        #expect(records[1].bytes == Array("{\"id\": \"B\"}".utf8))
    }

    @Test func aBrokenFileStructureStopsTheSplitter() {
        var splitter = JSONRecordSplitter()
        _ = splitter.feed([0, 0, 0])
        #expect(splitter.hasFailed)
    }

    @Test func controlCharactersInMessagesAreMadeVisible() throws {
        let (_, errors) = try decode { root in root["id"] = .string("A\u{1B}[2J\u{07}") }
        let messages = errors.filter { $0.field == "id" }.map(\.message)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(messages.contains { $0.contains("\\u{1B}[2J\\u{7}") }, "\(messages)")
        let unknown = try decode { root in root["bad\u{1B}key"] = .null }.errors
        #expect(unknown.allSatisfy { !$0.field.unicodeScalars.contains { $0.value == 0x1B } })
        #expect(HTMLText.escape("a\u{1B}b<") == "a\\u{1B}b&lt;")
        #expect(EncounterDecoder.rawId(of: .object(["id": .string("X\u{9B}Y")])) == "X\\u{9B}Y")
    }

    @Test func longInputInAMessageIsCut() {
        let error = InputError(field: String(repeating: "f", count: 5_000), message: String(repeating: "m", count: 50_000))
        #expect(error.field.count == 201)
        #expect(error.message.count == 1_001)
    }

    // `LocalDate.adding` overflowed (SIGILL) with 9223372036854775807 days.
    @Test func dateArithmeticSaturatesInsteadOfTrapping() {
        let date = LocalDate(iso: "2026-11-20")!
        #expect(date.adding(days: Int.max) > date)
        #expect(date.adding(days: Int.min) < date)
        #expect(date.adding(days: 10) == LocalDate(iso: "2026-11-30"))
        #expect(date.days(until: date.adding(days: Int.max)) == LocalDate.maximumDayOffset)
    }
}

/// CONTRACT §6 additions are accepted (old files stay valid, new ones are not refused as unknown).
@Suite struct ContractSixFieldsTests {
    let decoder = EncounterDecoder(codes: EncounterDecoderTests.codes, payers: ["bcbs-il", "medicare-j6", "self-pay"], asOf: LocalDate(iso: "2026-11-20")!)

    private func decode(_ mutate: (inout [String: JSONValue]) -> Void) throws -> [InputError] {
        guard case .object(var root) = try JSONParser.parse(EncounterDecoderTests.valid) else { throw CancellationError() }
        mutate(&root)
        return decoder.decode(.object(root)).errors
    }

    @Test func secondaryCoverageAgreementsAndDetailsAreAccepted() throws {
        let errors = try decode { root in
            root["secondaryCoverage"] = try! JSONParser.parse(#"{"payer": "medicare-j6", "memberId": "1EG4TE5MK73", "relationship": "self", "subscriber": null}"#)
            root["patientAgreements"] = try! JSONParser.parse(#"[{"kind": "abn", "signed": "2026-11-01", "option": 1, "codes": ["J0013"]}, {"kind": "waiver", "signed": "2026-11-02"}]"#)
            guard case .array(var services)? = root["services"], case .object(var first) = services[0] else { return }
            first["details"] = try! JSONParser.parse(#"{"doseMg": "35", "start": "09:10", "end": "09:55", "minutes": 45}"#)
            services[0] = .object(first)
            root["services"] = .array(services)
        }
        #expect(errors.isEmpty, "\(errors)")
    }

    /// A line's details are kept for the superbill, numbers as written; a null fact is left out.
    @Test func detailsAreKeptAsWritten() throws {
        guard case .object(var root) = try JSONParser.parse(EncounterDecoderTests.valid),
              case .array(var services)? = root["services"], case .object(var first) = services[0] else { throw CancellationError() }
        first["details"] = try JSONParser.parse(#"{"doseMg": 35.50, "start": "09:10", "end": "09:55", "lot": null}"#)
        services[0] = .object(first)
        root["services"] = .array(services)
        let result = decoder.decode(.object(root))
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.encounter?.services[0].details == ["doseMg": "35.50", "start": "09:10", "end": "09:55"])
        #expect(result.encounter?.services.dropFirst().allSatisfy { $0.details.isEmpty } == true)
    }

    /// The agreements are kept as values: the in-network waiver warning looks for a `waiver`.
    @Test func agreementsAreKeptWithKindDateOptionAndCodes() throws {
        guard case .object(var root) = try JSONParser.parse(EncounterDecoderTests.valid) else { throw CancellationError() }
        root["patientAgreements"] = try JSONParser.parse(#"[{"kind": "abn", "signed": "2026-11-01", "option": 2, "codes": ["J0013"]}, {"kind": "waiver", "signed": "2026-11-02"}]"#)
        let encounter = try #require(decoder.decode(.object(root)).encounter)
        #expect(encounter.agreements == [
            PatientAgreement(kind: .abn, signed: LocalDate(iso: "2026-11-01")!, option: 2, codes: ["J0013"]),
            PatientAgreement(kind: .waiver, signed: LocalDate(iso: "2026-11-02")!),
        ])
        #expect(encounter.agreement(.abn, covering: "J0013")?.option == 2)
        #expect(encounter.agreement(.abn, covering: "99214") == nil, "the ABN names J0013 only")
    }

    /// An ABN is only meaningful with the option the patient checked (POLICY §5.3).
    @Test func anABNWithoutItsOptionIsAnInputError() throws {
        let errors = try decode { root in
            root["patientAgreements"] = try! JSONParser.parse(#"[{"kind": "abn", "signed": "2026-11-01"}, {"kind": "private-pay", "signed": "2026-11-01"}]"#)
        }
        #expect(errors.map(\.field) == ["patientAgreements[0].option"])
        #expect(errors.first?.message == "is missing; an ABN needs the option the patient checked on the form (1, 2 or 3)")
    }

    @Test func malformedAdditionsAreInputErrors() throws {
        let errors = try decode { root in
            root["secondaryCoverage"] = try! JSONParser.parse(#"{"payer": "acme"}"#)
            root["patientAgreements"] = try! JSONParser.parse(#"[{"kind": "handshake", "signed": "2026-13-01", "option": 4}]"#)
        }
        #expect(Set(errors.map(\.field)) == ["secondaryCoverage.payer", "patientAgreements[0].kind", "patientAgreements[0].signed",
                                             "patientAgreements[0].option"])
    }
}

/// HTMLText.escape takes a byte path for ASCII text; it must agree with the Character path.
@Suite struct HTMLTextEscapeTests {
    /// The Character path, which non-ASCII text takes.
    private func reference(_ text: String) -> String {
        HTMLText.escapeCharacters(VisibleText.escapingControls(text, keepNewlines: true))
    }

    @Test func asciiAgreesWithTheCharacterPath() {
        // Every string of up to five of these characters (66,429 of them).
        let samples = Fixtures.strings(joining: ["a", "&", "<", ">", "\"", "'", "\n", "\r", " "], upTo: 5)
        for sample in samples { #expect(HTMLText.escape(sample) == reference(sample), "\(Array(sample.utf8))") }
        #expect(HTMLText.escape("held: PA <pending> & \"x\"") == "held: PA &lt;pending&gt; &amp; &quot;x&quot;")
    }

    /// The exits for text without `&<>"'` (printable ASCII in one pass; any other text with only its
    /// controls made visible), on both sides of their edges.
    @Test func printableASCIIExitsAsItCame() {
        for sample in ["", "Superbill SB-2026-0001", "~ !#$%()*+,-./:;=?@[\\]^_`{|}", "tab\there", "del\u{7F}", "bell\u{07}",
                       "unit\u{1F}", "it's", "José", "Superbill SB-1 – José Peña", "Zoë\u{1B}[2J", "日本\u{202E}x\u{85}",
                       "line\r\nbreak – ok", "e\u{301}\u{2066}"] {
            #expect(HTMLText.escape(sample) == reference(sample), "\(Array(sample.utf8))")
        }
        #expect(HTMLText.escape("del\u{7F}") == "del\\u{7F}")
    }

    @Test func otherTextKeepsTheCharacterPath() {
        for sample in ["Zoë & <Jo>", "&\u{301}", "<\u{301}>", "a\u{202E}b<", "\u{1B}[2J&", "日本 ' \""] {
            #expect(HTMLText.escape(sample) == reference(sample), "\(sample.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
