import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// A minimal valid interchange with the given delimiters (element, component, repetition, terminator).
private func interchange(element: String = "*", component: String = ":", repetition: String = "^", terminator: String = "~",
                         lineBreak: String = "") -> String {
    let e = element, t = terminator + lineBreak
    let isa = ["ISA", "00", "          ", "00", "          ", "ZZ", "SENDER         ", "ZZ", "RECEIVER       ", "261120", "1030",
               repetition, "00501", "000000007", "0", "T", component].joined(separator: e) + t
    return isa
        + ["GS", "HC", "SENDER", "RECEIVER", "20261120", "1030", "7", "X", "005010X222A1"].joined(separator: e) + t
        + ["ST", "837", "0001", "005010X222A1"].joined(separator: e) + t
        + ["SV1", "HC\(component)99214\(component)25", "210", "UN", "1", "", "", "1\(component)2"].joined(separator: e) + t
        + ["EB", "B", "", repetition == "U" ? "1^33^35" : "1\(repetition)33\(repetition)35"].joined(separator: e) + t
        + ["SE", "4", "0001"].joined(separator: e) + t
        + ["GE", "1", "7"].joined(separator: e) + t
        + ["IEA", "1", "000000007"].joined(separator: e) + t
}

@Suite struct X12SegmentTests {
    @Test func trailingEmptyElementsAndComponentsAreDropped() {
        #expect(X12Segment("DMG", "D8", "19800115", "F", "", "").description == "DMG*D8*19800115*F")
        #expect(X12Segment("SV1", X12Element(components: ["HC", "99214", "", "", ""]), "210").description == "SV1*HC:99214*210")
        #expect(X12Segment("NM1", "85", "2", "CLINIC", "", "", "", "", "XX", "1245319599").description
            == "NM1*85*2*CLINIC*****XX*1245319599")
    }

    @Test func positionsAreOneBased() {
        let segment = X12Segment("CLM", "ENC-1", "330", "", "", X12Element(components: ["11", "B", "1"]))
        #expect(segment.value(1) == "ENC-1")
        #expect(segment[5]?.components == ["11", "B", "1"])
        #expect(segment[9] == nil)
        #expect(segment.value(9) == "")
    }

    @Test func writerUsesConfiguredTerminatorSuffix() throws {
        let segments = [X12Segment("LX", "1"), X12Segment("DTP", "472", "D8", "20261103")]
        #expect(try X12Writer().write(segments) == "LX*1~\nDTP*472*D8*20261103~\n")
        #expect(X12Writer.Configuration().segmentSuffix == "~\n")
        #expect(try X12Writer(.init(lineBreak: "")).write(segments) == "LX*1~DTP*472*D8*20261103~")
        let custom = X12Delimiters(element: "|", component: ">", repetition: "{", segment: "\u{1D}")
        #expect(try X12Writer(.init(delimiters: custom, lineBreak: "\r\n")).write(segments) == "LX|1\u{1D}\r\nDTP|472|D8|20261103\u{1D}\r\n")
    }

    @Test func writerRefusesSeparatorsAndControlCharactersInData() {
        #expect(throws: X12Error.self) { try X12Writer().write([X12Segment("NM1", "IL", "1", "O*BRIEN")]) }
        #expect(throws: X12Error.self) { try X12Writer().write([X12Segment("N3", "12 MAIN~ST")]) }
        #expect(throws: X12Error.self) { try X12Writer().write([X12Segment("N3", "12 MAIN\nST")]) }
        #expect(throws: X12Error.self) { try X12Writer().write([X12Segment("N3", "A:B")]) }
        #expect(throws: X12Error.self) { try X12Writer().write([X12Segment("lower", "x")]) }
        #expect(throws: X12Error.self) { try X12Writer().write([X12Segment("nm1", "x")]) }
        do {
            _ = try X12Writer().write([X12Segment("LX", "1"), X12Segment("NM1", "IL", "1", "A^B")])
            Issue.record("expected an error")
        } catch {
            #expect(error.segmentNumber == 2)
            #expect(error.elementPosition == 3)
        }
    }
}

@Suite struct X12ReaderTests {
    @Test func readsDelimitersFromTheISA() throws {
        let document = try X12Reader.read(interchange())
        #expect(document.delimiters == .standard)
        #expect(document.lineBreak == "")
        #expect(document.segments.map(\.id) == ["ISA", "GS", "ST", "SV1", "EB", "SE", "GE", "IEA"])
        #expect(document.segments[0].elements.count == 16)
        #expect(document.segments[0].value(6) == "SENDER         ")
        #expect(document.segments[0].value(11) == "^")
        #expect(document.segments[0].value(16) == ":")
        #expect(document.segments[3][1]?.components == ["HC", "99214", "25"])
        #expect(document.segments[3][7]?.components == ["1", "2"])
        #expect(document.segments[4][3]?.repetitions == [["1"], ["33"], ["35"]])
        #expect(document.envelopeProblems().isEmpty)
    }

    @Test func readsAnyDelimitersTheISADeclares() throws {
        let text = interchange(element: "|", component: ">", repetition: "{", terminator: "\u{1D}", lineBreak: "\r\n")
        let document = try X12Reader.read(text)
        #expect(document.delimiters == X12Delimiters(element: "|", component: ">", repetition: "{", segment: "\u{1D}"))
        #expect(document.lineBreak == "\r\n")
        #expect(document.segments[3][1]?.components == ["HC", "99214", "25"])
        #expect(try X12Writer.write(document) == text)
    }

    @Test func toleratesLineBreaksAfterTerminatorsAndAByteOrderMark() throws {
        let compact = try X12Reader.read(interchange())
        for variant in [interchange(lineBreak: "\n"), interchange(lineBreak: "\r\n"), "\u{FEFF}" + interchange(lineBreak: "\n") + "\n\n"] {
            #expect(try X12Reader.read(variant).segments == compact.segments)
        }
    }

    @Test func fourOhOneOhStandardsIdentifierIsNotARepetitionSeparator() throws {
        let document = try X12Reader.read(interchange(repetition: "U"))
        #expect(document.delimiters.repetition == nil)
        #expect(document.segments[4][3]?.repetitions == [["1^33^35"]])
    }

    @Test func isa11RepeatingTheComponentSeparatorMeansNoRepetitionSeparator() throws {
        // Some 271 senders put the component separator in ISA11 too.
        let document = try X12Reader.read(interchange(component: "^", repetition: "^"))
        #expect(document.delimiters.repetition == nil)
        #expect(document.segments[3][1]?.components == ["HC", "99214", "25"])
    }

    @Test func newlineAsSegmentTerminatorAndIndentedSegments() throws {
        let expected = try X12Reader.read(interchange()).segments
        #expect(try X12Reader.read(interchange(terminator: "\n")).segments == expected)
        #expect(try X12Reader.read(interchange(lineBreak: "\n").replacingOccurrences(of: "\n", with: "\n    ")).segments == expected)
    }

    @Test func roundTripIsByteForByte() throws {
        let noFinalNewline = String(interchange(lineBreak: "\r\n").dropLast())  // "\r\n" is one Character
        for text in [interchange(), interchange(lineBreak: "\n"), interchange(element: "!", component: ">", repetition: "{", lineBreak: "\r\n"),
                     noFinalNewline] {
            let document = try X12Reader.read(text)
            let written = try X12Writer.write(document)
            #expect(written == text)
            #expect(try X12Writer.write(try X12Reader.read(written)) == written)
        }
    }

    @Test func readsSeveralInterchangesInOneFile() throws {
        let second = interchange(element: "|", component: ">", repetition: "{", terminator: "~", lineBreak: "\n")
        let document = try X12Reader.read(interchange(lineBreak: "\n") + second)
        #expect(document.segments.filter { $0.id == "ISA" }.count == 2)
        #expect(document.segments[11][1]?.components == ["HC", "99214", "25"])
        #expect(document.envelopeProblems().isEmpty)
    }

    @Test(arguments: [
        "",
        "\n\n",
        "hello world",
        "ISA*00*",
        String(repeating: "~", count: 300),
        String(repeating: "ISA", count: 50),
        "GS*HC*A*B*20261120*1030*1*X*005010X222A1~",
        "ISA*00*          *00*          *ZZ*SHORT*ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~GS*HC~",
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~GS*HC*X",
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~~",
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~gs*x~",
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~N3*A\tB~",
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*~~",
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*AB",
        "ISA*00*          *00*          *ZZ*SEND*R         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~",
        "ISAA00A          A00A          AZZASENDER         AZZARECEIVER       A261120A1030A^A00501A000000007A0ATA:~",
    ])
    func garbageGivesAnErrorNotACrash(_ text: String) {
        #expect(throws: X12Error.self) { try X12Reader.read(text) }
    }

    @Test func errorsSayWhere() {
        let text = interchange(lineBreak: "\n").replacingOccurrences(of: "SV1*", with: "sv1*")
        do {
            _ = try X12Reader.read(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.segmentNumber == 4)
            #expect(error.line == 4)
            #expect(error.offset != nil)
            #expect(error.description.hasPrefix("segment 4 (line 4, offset "))
        }
    }

    @Test func randomBytesNeverCrash() throws {
        // Deterministic pseudo-random mutations of a valid interchange.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let base = Array(interchange(lineBreak: "\n").unicodeScalars)
        let alphabet = Array("*:^~\n\r\tISA0 A\u{0}\u{1D}é".unicodeScalars)
        var read = 0, refused = 0, rewritten = 0
        for _ in 0..<500 {
            var scalars = base
            for _ in 0..<(1 + next() % 6) {
                let position = next() % scalars.count
                switch next() % 3 {
                case 0: scalars[position] = alphabet[next() % alphabet.count]
                case 1: scalars.remove(at: position)
                default: scalars.insert(alphabet[next() % alphabet.count], at: position)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            guard let document = try? X12Reader.read(text) else { refused += 1; continue }
            read += 1
            _ = document.envelopeProblems()
            // Whatever the writer accepts, the reader reads back as the same segments.
            if let written = try? X12Writer.write(document) {
                rewritten += 1
                #expect(try X12Reader.read(written).segments == document.segments)
            }
        }
        // Both paths are exercised: the mutations are neither all harmless nor all fatal.
        #expect(read > 0 && refused > 0 && rewritten > 0, "read \(read), refused \(refused), rewritten \(rewritten)")
        #expect(read + refused == 500)
    }

    @Test func envelopeProblemsAreFound() throws {
        let text = interchange().replacingOccurrences(of: "SE*4*0001", with: "SE*5*0002").replacingOccurrences(of: "IEA*1*000000007", with: "IEA*2*000000008")
        let problems = try X12Reader.read(text).envelopeProblems()
        #expect(problems.count == 4)
        #expect(problems.map(\.elementPosition) == [1, 2, 1, 2])
    }
}

/// Public 837Ps that pyx12 and linuxforhealth both accept (../shared/x12-samples/known-good-837p.txt).
@Suite struct KnownGoodSampleTests {
    static func sampleFiles() -> [String] {
        guard let shared = Fixtures.sharedDirectory,
              let list = try? String(contentsOf: shared.appendingPathComponent("x12-samples/known-good-837p.txt"), encoding: .utf8)
        else { return [] }
        return list.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// `samples/...` lives in x12-samples/raw, `samples-derived/...` in x12-samples/normalized.
    static func url(for listed: String) -> URL? {
        guard let shared = Fixtures.sharedDirectory else { return nil }
        let samples = shared.appendingPathComponent("x12-samples")
        if listed.hasPrefix("samples-derived/") {
            return samples.appendingPathComponent("normalized/" + listed.dropFirst("samples-derived/".count))
        }
        if listed.hasPrefix("samples/") { return samples.appendingPathComponent("raw/" + listed.dropFirst("samples/".count)) }
        return samples.appendingPathComponent(listed)
    }

    @Test(.enabled(if: Fixtures.sharedDirectory != nil, "../shared is absent: the public X12 samples are not available here"))
    func listIsNotEmpty() {
        #expect(Self.sampleFiles().count >= 20)
    }

    @Test(.enabled(if: Fixtures.sharedDirectory != nil, "../shared is absent: the public X12 samples are not available here"),
          arguments: sampleFiles())
    func readsEveryKnownGoodSample(_ listed: String) throws {
        let url = try #require(Self.url(for: listed), "cannot locate \(listed)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let document = try X12Reader.read(text)
        #expect(document.segments.first?.id == "ISA")
        #expect(document.segments.last?.id == "IEA")
        #expect(document.segments.contains { $0.id == "CLM" })
        #expect(document.envelopeProblems().isEmpty, "\(document.envelopeProblems())")
        // These files end every segment the same way, so a write reproduces them exactly.
        #expect(try X12Writer.write(document) == text)
    }
}
