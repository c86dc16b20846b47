import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// `Validator837P` on the broken-file set (Tests/Fixtures/x12-validate/, each file one defect put
/// into a sample 837P by make-fixtures.py): every file gives exactly the findings expected.tsv lists
/// (segment ordinal, segment id, element, rule), and the sample batch's files are clean.
/// scripts/validate-837p-set.sh checks the same set against pyx12 4.0.0.
@Suite struct X12ValidatorFixtureTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var expected: [String]
        var description: String { file }
    }

    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/x12-validate")

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("expected.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let columns = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return Case(file: columns[0], expected: columns[1].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.sorted())
        }
    }()

    static func validate(_ bytes: [UInt8], chunk: Int = 1 << 20) -> X12ValidationReport {
        var validator = Validator837P()
        var start = 0
        while start < bytes.count {
            validator.feed(Array(bytes[start..<min(bytes.count, start + chunk)]))
            start += chunk
        }
        return validator.finish()
    }

    static func summary(_ report: X12ValidationReport) -> [String] {
        report.findings.map { "\($0.segment.map(String.init) ?? "-") \($0.segmentId ?? "-") \($0.element ?? "-") \($0.rule)" }.sorted()
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(path)))
    }

    @Test func theSetIsThere() {
        #expect(Self.cases.count == 47)
        #expect(Self.cases.filter { $0.file.hasPrefix("beyond/") }.count == 11)
    }

    @Test(arguments: cases)
    func eachBrokenFileGivesItsFindings(_ testCase: Case) throws {
        let report = Self.validate(try Self.bytes(testCase.file))
        #expect(Self.summary(report) == testCase.expected)
        for finding in report.findings {
            #expect(!finding.message.isEmpty && finding.line != nil || finding.rule == "x12/syntax", "\(finding)")
        }
    }

    @Test(arguments: cases.prefix(12))
    func findingsDoNotDependOnHowTheFileIsCut(_ testCase: Case) throws {
        let bytes = try Self.bytes(testCase.file)
        let whole = Self.validate(bytes)
        for chunk in [1, 7, 105, 106, 107] {
            #expect(Self.validate(bytes, chunk: chunk) == whole, "chunks of \(chunk) bytes")
        }
    }

    static var sampleFiles: [URL] {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("Samples/expected/batch/x12")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "x12" }.sorted { $0.path < $1.path }
    }

    @Test func theSampleBatchFilesAreClean() throws {
        let files = Self.sampleFiles
        #expect(files.count == 7, "one per payer with a claim, Illinois Medicaid's (ENC-2026-0074) included")
        for file in files {
            let report = Self.validate(Array(try Data(contentsOf: file)))
            #expect(report.isClean, "\(file.lastPathComponent): \(report.findings.map(\.description))")
            #expect(report.claims > 0 && report.transactionSets == 1)
        }
    }

    @Test func anEncodedInterchangeWithManyClaimsIsClean() throws {
        let evaluations = (1...40).map { X12Fixtures.evaluation(X12Fixtures.officeVisit(id: "ENC-\($0)")) }
        let text = try X12Writer().write(try X12Fixtures.encode(evaluations).segments)
        let report = Self.validate(Array(text.utf8))
        #expect(report.isClean, "\(report.findings.prefix(5).map(\.description))")
        #expect(report.claims == 40)
    }

    @Test func inputThatIsNotX12IsOneFindingNotACrash() {
        let inputs: [[UInt8]] = [[], Array("   \n\n".utf8), Array("hello".utf8), [0xFF, 0xFE, 0x00, 0x41], Array("ISA*00*".utf8),
                                 Array(repeating: 0x7E, count: 5000)]
        for input in inputs {
            let report = Self.validate(input)
            #expect(report.findings.count == 1 && report.findings[0].rule == "x12/syntax", "\(input.prefix(8)): \(report.findings)")
        }
    }

    @Test func everyCutOfAValidFileIsReportedWithoutACrash() throws {
        let bytes = Array(try Data(contentsOf: try #require(Self.sampleFiles.first)))
        for end in stride(from: 0, to: bytes.count - 20, by: 37) {  // short of the IEA, so every cut breaks the file
            let report = Self.validate(Array(bytes[..<end]))
            #expect(!report.isClean, "cut at \(end)")
        }
    }

    @Test func aSegmentWithoutEndIsSkippedAndReported() throws {
        var bytes = try Self.bytes("pyx12/se-count.x12")
        let insert = Array("NTE*ADD*".utf8) + Array(repeating: UInt8(0x41), count: X12SegmentStream.maxSegmentBytes + 10)
        bytes.insert(contentsOf: insert, at: bytes.firstIndex(of: 0x7E)! + 1)
        let report = Self.validate(bytes)
        #expect(report.findings.contains { $0.rule == "x12/syntax" && $0.message.contains("without the terminator") })
    }

    /// Elements are read as bytes split on the separators the ISA declares: the same files written with
    /// other separators give the same findings (composites, repetitions and messages included).
    @Test(arguments: ["pyx12/clm05-2-qualifier.x12", "pyx12/thirteen-diagnoses.x12", "pyx12/non-ascii-name.x12",
                      "pyx12/trailing-separator.x12", "beyond/pointer-twice.x12", "beyond/icd10-decimal.x12"])
    func otherSeparatorsGiveTheSameFindings(_ file: String) throws {
        let standard = try Self.bytes(file)
        let replacements: [UInt8: UInt8] = [UInt8(ascii: "*"): UInt8(ascii: "|"), UInt8(ascii: ":"): UInt8(ascii: ">"),
                                            UInt8(ascii: "^"): UInt8(ascii: "!"), UInt8(ascii: "~"): UInt8(ascii: "'")]
        #expect(!standard.contains { replacements.values.contains($0) }, "the new separators must not occur in the file")
        let other = standard.map { replacements[$0] ?? $0 }
        let report = Self.validate(other)
        #expect(report == Self.validate(standard))
        #expect(!report.isClean)
    }

    /// An interchange without a repetition separator (ISA11 `U`, as in 4010) has composites but no
    /// repetitions: the reader used to count an empty repetition after every composite ("CLM05 repeats").
    @Test func withoutARepetitionSeparatorNoElementRepeats() throws {
        var bytes = Array(try Data(contentsOf: try #require(Self.sampleFiles.first)))
        #expect(bytes[82] == UInt8(ascii: "^"))
        bytes[82] = UInt8(ascii: "U")
        let report = Self.validate(bytes)
        #expect(report.isClean, "\(report.findings.map(\.description))")
    }

    @Test func findingsPastTheLimitAreCountedNotKept() throws {
        let segment = "ZZZ*1~\n"
        let original = String(decoding: try Self.bytes("pyx12/se-count.x12"), as: UTF8.self)
        let text = original.replacingOccurrences(of: "LX*1~\n", with: "LX*1~\n" + String(repeating: segment, count: 1500))
        let report = Self.validate(Array(text.utf8))
        #expect(report.findings.count == Validator837P.maxFindings)
        #expect(report.findingCount > 1500)
    }
}

@Suite struct X12ValidatorRuleTests {
    @Test func datesAndTimes() {
        #expect(X12DateTime.isDate("20240229") && !X12DateTime.isDate("20230229") && !X12DateTime.isDate("20261131"))
        #expect(X12DateTime.isDate("261120") && !X12DateTime.isDate("17991231") && !X12DateTime.isDate("2026110"))
        #expect(X12DateTime.isTime("1730") && X12DateTime.isTime("173059") && !X12DateTime.isTime("2400") && !X12DateTime.isTime("1760"))
        #expect(X12DateTime.matches("20261101-20261130", format: "RD8") && !X12DateTime.matches("20261101", format: "RD8"))
        #expect(!X12DateTime.matches("2026110", format: "D8"))
    }

    @Test func numbers() {
        #expect(ElementChecks837P.isDecimal("1330".utf8) && ElementChecks837P.isDecimal("-.5".utf8) && ElementChecks837P.isDecimal("95.25".utf8))
        #expect(!ElementChecks837P.isDecimal("1.".utf8) && !ElementChecks837P.isDecimal("21O".utf8) && !ElementChecks837P.isDecimal("1,330".utf8))
        #expect(ElementChecks837P.isInteger("-12".utf8) && !ElementChecks837P.isInteger("1.0".utf8) && !ElementChecks837P.isInteger("".utf8))
    }

    /// Values are compared as bytes, and those that are not ASCII as text, so every answer is the one a
    /// `String` comparison gives (canonical equivalence included: U+212A KELVIN SIGN equals `K`).
    @Test func byteComparisonsAgreeWithStringComparisons() {
        let codes = ["K", "IL", "ABK", "0019", "1234567", "12345678", "005010X222A1"]
        let set = X12CodeSet(codes)
        let values: [[UInt8]] = ["", "K", "IL", "I", "ILL", "ABK", "AB\u{212A}", "\u{212A}", "1234567", "12345678", "123456789",
                                 "005010X222A1", "005010X222A2", "é", "I\u{0}L"].map { Array($0.utf8) } + [[0x49, 0xFF], [0xFF]]
        for value in values {
            value.withUnsafeBufferPointer { bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(set.contains(bytes) == Set(codes).contains(text), "\(value)")
                #expect(bytes.isText("ABK") == (text == "ABK"), "\(value)")
            }
        }
    }

    @Test func segmentCodesAreTheIdsTheyNameq() {
        for (id, code) in SegmentCode837P.all { #expect(code == X12SegmentView.code(id), "\(id)") }
    }

    @Test func theMapIsTheWholeGuide() {
        let map = Map837P.shared
        #expect(map.nodes.filter(\.isLoop).count == 71 + 1)
        #expect(map.nodes.filter { !$0.isLoop }.count == 386)
        #expect(map.codeSets["pos"]?.contains("11") == true && map.codeSets["states"]?.contains("IL") == true)
        let claim = map.nodes.first { $0.id == "CLM" }
        #expect(claim?.segment?.positions.count == 20)
    }
}
