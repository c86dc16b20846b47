import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// Fuzzes `X12Reader` with mutated 837Ps (docs/testing.md, "Fuzz tests"). Properties: nothing traps
/// or hangs; an error has a line and an offset inside the input; a document read from one interchange
/// has segment ids of 2–3 capitals and digits, and no element value holding a separator or a control
/// character; `delimiters(of:)` agrees with the reader; the document written back with its own
/// delimiters reads back to the same segments, and writing is then stable.
@Suite struct X12ReaderFuzzTests {
    static let corpus: [[UInt8]] = FuzzHarness.repositoryFiles(FuzzHarness.repositoryFiles(in: "Samples/expected", suffix: ".837p.x12"))
        + FuzzHarness.corpus(folder: "x12").map(\.bytes)

    static let dictionary = [
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000007*0*T*:~",
        "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261120|1030|{|00501|000000007|0|T|>\u{1D}",
        "IEA*1*000000007~", "GS*HC*A*B*20261120*1030*1*X*005010X222A1~", "ST*837*0001*005010X222A1~", "SE*3*0001~", "GE*1*1~",
        "~\n", "~\r\n", "\u{1D}", "\u{1F}", "\u{85}", "\u{200B}", "HC:99214:25", "1^33^35", "NM1*", "CLM*", "SV1*", "*:", "::", "^^",
        "~~", "**", "\u{0}", "\r", "U", "00401", "    ",
    ]

    static let mutator = FuzzMutator(corpus: corpus, dictionary: dictionary)

    @Test func x12ReaderSurvivesMutated837Ps() {
        let configuration = FuzzConfiguration.fromEnvironment(seconds: 12, iterations: 40_000)
        let report = FuzzHarness.run(target: "x12", corpus: Self.corpus, mutator: Self.mutator, configuration: configuration,
                                     property: Self.check)
        print(report)
        for failure in report.failures { Issue.record("\(failure)") }
        if configuration.replay == nil && configuration.onlyIteration == nil {
            #expect(report.counters["read", default: 0] > 0, "\(report)")
            #expect(report.counters["error", default: 0] > 0, "\(report)")
        }
    }

    static func fixture(_ name: String) throws -> String {
        let url = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz/x12/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// Found by fuzzing: only the first character of a segment id had to be upper-case, so 'PpV' was read.
    @Test func segmentIdWithALowerCaseLetterIsRefused() throws {
        do {
            _ = try X12Reader.read(try Self.fixture("regression-lowercase-segment-id.x12"))
            Issue.record("expected an error")
        } catch let error as X12Error {
            #expect(error.segmentNumber == 25)
            #expect(error.message.contains("does not start with a segment id"))
        }
    }

    /// Found by fuzzing: an ISA16 component separator that is a control character (U+001F) was read
    /// but the writer refused to write the ISA back.
    @Test func controlCharacterComponentSeparatorIsWrittenBack() throws {
        let text = try Self.fixture("control-component-separator.x12")
        let document = try X12Reader.read(text)
        #expect(document.delimiters.component == "\u{1F}")
        #expect(Array(try X12Writer.write(document).unicodeScalars) == Array(text.unicodeScalars))
    }

    /// Found by libFuzzer: an ISA whose ISA12 held the segment terminator ('96~88') was read, and the
    /// writer then refused it; a terminator inside the fixed-width ISA is an error with its position.
    @Test func segmentTerminatorInsideAnISAElementIsRefused() throws {
        do {
            _ = try X12Reader.read(try Self.fixture("regression-terminator-inside-isa12.x12"))
            Issue.record("expected an error")
        } catch let error as X12Error {
            #expect(error.segmentNumber == 1)
            #expect(error.elementPosition == 12)
            #expect(error.offset == 86)
            #expect(error.message == "ISA12 contains the segment terminator '~'")
        }
    }

    /// `claims x12 validate` on the same input: every finding has a rule, a message and a line inside
    /// the input, and the findings do not depend on how the input is cut into chunks.
    static func checkValidator(_ bytes: [UInt8], lines: Int, _ probe: inout FuzzProbe) {
        var whole = Validator837P()
        whole.feed(bytes)
        let report = whole.finish()
        probe.count(report.isClean ? "validator clean" : "validator findings")
        for finding in report.findings {
            probe.check(!finding.rule.isEmpty && !finding.message.isEmpty, "a finding without rule or message: \(finding)")
            probe.check(finding.line.map { (1...lines).contains($0) } ?? true, "finding line outside 1...\(lines): \(finding)")
        }
        var chunked = Validator837P()
        var start = 0
        while start < bytes.count {
            chunked.feed(Array(bytes[start..<min(bytes.count, start + 13)]))
            start += 13
        }
        probe.check(chunked.finish() == report, "the validator's findings change when the input arrives in 13-byte chunks")
    }

    static func check(_ bytes: [UInt8], _ probe: inout FuzzProbe) {
        let text = String(decoding: bytes, as: UTF8.self)
        let scalars = Array(text.unicodeScalars)
        let lines = scalars.reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
        checkValidator(bytes, lines: bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }, &probe)
        let document: X12Document
        do {
            document = try X12Reader.read(text)
        } catch {
            probe.count("error")
            probe.check(!error.message.isEmpty, "an error without a message")
            probe.check(error.offset.map { (0...scalars.count).contains($0) } ?? false, "error offset \(String(describing: error.offset)) outside 0...\(scalars.count): \(error)")
            probe.check(error.line.map { (1...lines).contains($0) } ?? false, "error line \(String(describing: error.line)) outside 1...\(lines): \(error)")
            return
        }
        probe.count("read")
        probe.check(document.segments.first?.id == "ISA", "a document that does not start with ISA")
        _ = document.envelopeProblems()
        if scalars.first == "I" || (scalars.first == "\u{FEFF}" && scalars.count > 1 && scalars[1] == "I") {
            let delimiters = try? X12Reader.delimiters(of: scalars.first == "I" ? text : String(text.unicodeScalars.dropFirst()))
            probe.check(delimiters == document.delimiters, "delimiters(of:) says \(String(describing: delimiters)), the reader \(document.delimiters)")
        }
        // Segments up to the second ISA use the first ISA's delimiters.
        let firstInterchange = document.segments.prefix { $0.id != "ISA" || $0 == document.segments[0] }
        let singleInterchange = document.segments.dropFirst().allSatisfy { $0.id != "ISA" }
        let separators = document.delimiters.all
        for (index, segment) in firstInterchange.enumerated() {
            let ids = Array(segment.id.unicodeScalars)
            probe.check((2...3).contains(ids.count) && ids.allSatisfy { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") } && ids[0] >= "A",
                        "segment \(index + 1) has the id '\(segment.id)'")
            guard segment.id != "ISA" else { continue }
            for (position, element) in segment.elements.enumerated() {
                for value in element.repetitions.joined() {
                    if let bad = value.unicodeScalars.first(where: { separators.contains($0) || X12Text.isControl($0) }) {
                        probe.fail("segment \(index + 1) (\(segment.id)) element \(position + 1) holds \(X12Delimiters.describe(bad))")
                    }
                }
            }
        }
        // Written back with its own delimiters: the same segments, and a stable text.
        guard singleInterchange else { return }
        do {
            let written = try X12Writer.write(document)
            probe.count("written back")
            let reread = try X12Reader.read(written)
            probe.check(reread.segments == document.segments, "the document written back reads to different segments")
            let again = try X12Writer.write(reread)
            probe.check(Array(again.unicodeScalars) == Array(written.unicodeScalars), "writing the re-read document gives a different text")
        } catch {
            probe.fail("a document the reader accepted cannot be written back: \(error)")
        }
    }
}
