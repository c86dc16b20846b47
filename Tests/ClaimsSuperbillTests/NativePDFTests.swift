import ClaimsCore
import ClaimsPDF
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// Reads back what the native writer produced, independently of it: the cross-reference table, the
/// objects it points at, and the strings shown in each page's content stream (decoded from WinAnsi).
struct PDFInspector {
    let bytes: [UInt8]
    let text: String   // the file as Latin-1, for searching the structure

    init(_ data: Data) {
        bytes = Array(data)
        text = String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// `startxref` value.
    func startXref() throws -> Int {
        guard let range = text.range(of: "startxref\n", options: .backwards) else { throw Failure(description: "no startxref") }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits) else { throw Failure(description: "bad startxref") }
        return offset
    }

    /// Object number → byte offset, parsed from the xref table (entries of exactly 20 bytes).
    func xrefOffsets() throws -> [Int: Int] {
        let start = try startXref()
        let section = Array(bytes[start...])
        let head = String(decoding: section.prefix(64), as: UTF8.self)
        let headLines = head.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard headLines.count >= 2, headLines[0] == "xref" else { throw Failure(description: "startxref does not point at 'xref'") }
        let subsection = headLines[1].split(separator: " ")
        guard subsection.count == 2, subsection[0] == "0", let count = Int(subsection[1]) else {
            throw Failure(description: "bad xref subsection header '\(headLines[1])'")
        }
        var entryStart = headLines[0].utf8.count + 1 + headLines[1].utf8.count + 1
        var offsets: [Int: Int] = [:]
        for number in 0..<count {
            let entry = String(decoding: section[entryStart..<entryStart + 20], as: UTF8.self)
            let offsetDigits = entry.prefix(10)
            guard offsetDigits.count == 10, offsetDigits.allSatisfy(\.isNumber), let offset = Int(offsetDigits) else {
                throw Failure(description: "xref entry \(number) is not a 10-digit offset: '\(entry)'")
            }
            guard entry.hasSuffix("\r\n") || entry.hasSuffix(" \n") else { throw Failure(description: "xref entry \(number) is not 20 bytes") }
            if number == 0 {
                guard entry.hasPrefix("0000000000 65535 f") else { throw Failure(description: "xref entry 0 is not the free head") }
            } else {
                guard entry.dropFirst(10).hasPrefix(" 00000 n") else { throw Failure(description: "xref entry \(number) not in use") }
                offsets[number] = offset
            }
            entryStart += 20
        }
        return offsets
    }

    /// The body of stream object `number` (checked against its /Length).
    func streamBody(ofObject number: Int) throws -> [UInt8] {
        let stream = try object(number)
        guard let length = referencedNumber(after: "/Length ", in: stream),
              let start = stream.range(of: ">>\nstream\n") else { throw Failure(description: "object \(number) is not a stream") }
        let startOffset = text.distance(from: text.startIndex, to: start.upperBound)
        let body = Array(bytes[startOffset..<startOffset + length])
        let after = String(decoding: bytes[(startOffset + length)..<(startOffset + length + 10)], as: UTF8.self)
        guard after == "\nendstream" else { throw Failure(description: "/Length of object \(number) is wrong") }
        return body
    }

    func object(_ number: Int) throws -> Substring {
        guard let offset = try xrefOffsets()[number] else { throw Failure(description: "no object \(number)") }
        let rest = text[text.index(text.startIndex, offsetBy: offset)...]
        guard let end = rest.range(of: "endobj") else { throw Failure(description: "object \(number) has no endobj") }
        return rest[..<end.lowerBound]
    }

    /// Each page's object number, in page order (via the page tree's /Kids).
    func pageObjects() throws -> [Int] {
        let catalog = try object(1)
        guard catalog.contains("/Type /Catalog"), let pagesRef = referencedNumber(after: "/Pages ", in: catalog) else {
            throw Failure(description: "object 1 is not the catalog")
        }
        let tree = try object(pagesRef)
        guard let kidsStart = tree.range(of: "/Kids ["), let kidsEnd = tree[kidsStart.upperBound...].firstIndex(of: "]") else {
            throw Failure(description: "no /Kids")
        }
        return tree[kidsStart.upperBound..<kidsEnd].split(separator: " ").enumerated()
            .filter { $0.offset % 3 == 0 }.compactMap { Int($0.element) }
    }

    /// Each page's content stream, in page order (via the page tree's /Kids and each page's /Contents).
    func pageStreams() throws -> [[UInt8]] {
        try pageObjects().map { pageNumber -> [UInt8] in
            let page = try object(pageNumber)
            guard page.contains("/Type /Page"), page.contains("/MediaBox [0 0 612 792]"),
                  let contents = referencedNumber(after: "/Contents ", in: page) else {
                throw Failure(description: "object \(pageNumber) is not a letter page")
            }
            return try streamBody(ofObject: contents)
        }
    }

    /// Font resource name (`F1`) → its object, from the first page's resources.
    func fontResources() throws -> [String: Int] {
        guard let first = try pageObjects().first else { return [:] }
        let page = try object(first)
        guard let start = page.range(of: "/Font << "), let end = page[start.upperBound...].range(of: " >>") else { return [:] }
        let parts = page[start.upperBound..<end.lowerBound].split(separator: " ")
        var result: [String: Int] = [:]
        for index in stride(from: 0, to: parts.count - 3, by: 4) { result[String(parts[index].dropFirst())] = Int(parts[index + 1]) }
        return result
    }

    /// CID → text for each Type0 font resource, read from its /ToUnicode CMap (bfchar entries).
    func toUnicodeMaps() throws -> [String: [UInt16: String]] {
        var maps: [String: [UInt16: String]] = [:]
        for (name, number) in try fontResources() {
            guard let cmapNumber = referencedNumber(after: "/ToUnicode ", in: try object(number)) else { continue }
            var map: [UInt16: String] = [:]
            for line in String(decoding: try streamBody(ofObject: cmapNumber), as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 2, fields[0].hasPrefix("<"), fields[1].hasPrefix("<"),
                      let cid = UInt16(fields[0].dropFirst().dropLast(), radix: 16) else { continue }
                let hex = Array(fields[1].dropFirst().dropLast())
                let units = stride(from: 0, to: hex.count, by: 4).compactMap { UInt16(String(hex[$0..<min($0 + 4, hex.count)]), radix: 16) }
                map[cid] = String(decoding: units, as: UTF16.self)
            }
            maps[name] = map
        }
        return maps
    }

    func referencedNumber(after key: String, in object: Substring) -> Int? {
        guard let range = object.range(of: key) else { return nil }
        return Int(object[range.upperBound...].prefix { $0.isNumber })
    }

    /// The text shown on each page, one string per text object (BT … ET), in drawing order: literal
    /// strings decoded from WinAnsi, hex strings of CIDs through the current font's /ToUnicode.
    func pageStrings() throws -> [[String]] {
        let maps = try toUnicodeMaps()
        return try pageStreams().map { Self.strings(in: $0, toUnicode: maps) }
    }

    /// All strings of a page joined by single spaces.
    func pageTexts() throws -> [String] { try pageStrings().map { $0.joined(separator: " ") } }

    /// Our streams put one operator per line, and strings never hold a raw newline (it is escaped).
    static func strings(in stream: [UInt8], toUnicode: [String: [UInt16: String]] = [:]) -> [String] {
        var strings: [String] = []
        var current: String?
        var font = ""
        for line in stream.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let text = String(decoding: line, as: UTF8.self)
            if text == "BT" { current = ""; continue }
            if text == "ET" { if let current, !current.isEmpty { strings.append(current) }; current = nil; continue }
            if text.hasPrefix("/"), text.hasSuffix(" Tf") { font = String(text.dropFirst().prefix { $0 != " " }); continue }
            guard line.count >= 4, line.suffix(3).elementsEqual(" Tj".utf8) else { continue }
            let operand = Array(line.dropLast(3))
            if operand.first == 0x3C {   // <hex CIDs>
                let hex = Array(operand.dropFirst().dropLast())
                for start in stride(from: 0, to: hex.count - 3, by: 4) {
                    let cid = UInt16(String(decoding: hex[start..<start + 4], as: UTF8.self), radix: 16) ?? 0
                    current = (current ?? "") + (toUnicode[font]?[cid] ?? "\u{FFFD}")
                }
            } else {
                current = (current ?? "") + literal(operand)
            }
        }
        return strings
    }

    /// A `(…)` literal string's WinAnsi bytes, unescaped and decoded.
    static func literal(_ operand: [UInt8]) -> String {
        var raw: [UInt8] = []
        var index = 1
        while index < operand.count - 1 {
            var byte = operand[index]
            if byte == 0x5C {   // backslash escape
                index += 1
                switch operand[index] {
                case 0x6E: byte = 0x0A
                case 0x72: byte = 0x0D
                default: byte = operand[index]
                }
            }
            raw.append(byte)
            index += 1
        }
        return String(String.UnicodeScalarView(raw.map(decodeWinAnsi)))
    }

    static func decodeWinAnsi(_ byte: UInt8) -> Unicode.Scalar {
        let high: [UInt8: UInt32] = [
            0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
            0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152, 0x8E: 0x017D, 0x91: 0x2018,
            0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC,
            0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A, 0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
        ]
        return Unicode.Scalar(high[byte] ?? UInt32(byte))!
    }
}

extension SuperbillFixtures {
    /// The writer as it draws when DejaVu is not installed: standard Helvetica, WinAnsi text.
    static let standardWriter = NativePDFWriter(clinic: Fixtures.clinic, fonts: .standard)

    static func bill(_ encounter: Encounter = ketamineEncounter(), payerName: String? = nil) throws -> Superbill {
        try renderer.superbill(for: evaluation(encounter), payerName: payerName)
    }

    /// 40 service lines (every third a drug line with an NDC), on one encounter.
    static func longEncounter(lines: Int = 40) -> Encounter {
        let services = (0..<lines).map { index -> ServiceLine in
            let code = ["99214", "96365", "J3490"][index % 3]
            let drug = code == "J3490"
            return ServiceLine(code: code, modifiers: index % 4 == 0 ? ["25", "59"] : [], units: 1,
                               charge: Decimal(100 + index), diagnosisPointers: [1, 2],
                               ndc: drug ? "42023011310" : nil, ndcQuantity: drug ? 1 : nil, ndcUnit: drug ? "ML" : nil)
        }
        var encounter = Fixtures.encounter(id: "ENC-0099", payer: nil, services: services,
                                           payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 500, method: "card")])
        encounter.patient = Fixtures.patient(firstName: "José", lastName: "Peña")
        return encounter
    }
}

@Suite struct NativePDFStructureTests {
    let pdf = SuperbillFixtures.renderer.pdf(try! SuperbillFixtures.bill(SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")))
    let standardPDF = SuperbillFixtures.standardWriter.pdf(try! SuperbillFixtures.bill(SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")))

    @Test func startsWithTheHeaderAndEndsWithEOF() {
        #expect(pdf.starts(with: Data("%PDF-1.4\n".utf8)))
        #expect(String(decoding: pdf.suffix(6), as: UTF8.self) == "%%EOF\n")
    }

    @Test func xrefOffsetsPointAtTheirObjects() throws {
        for pdf in [pdf, standardPDF] {
            let inspector = PDFInspector(pdf)
            let offsets = try inspector.xrefOffsets()
            for (number, offset) in offsets {
                let start = inspector.text.index(inspector.text.startIndex, offsetBy: offset)
                #expect(inspector.text[start...].hasPrefix("\(number) 0 obj\n"), "object \(number) at \(offset)")
            }
            #expect(inspector.text.contains("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info "))
        }
    }

    @Test func standardFontsKeepTheirObjectNumbers() throws {
        let inspector = PDFInspector(standardPDF)
        #expect(try inspector.xrefOffsets().count == 7)   // catalog, pages, 2 fonts, info, 1 page + its content
        #expect(inspector.text.contains("trailer\n<< /Size 8 /Root 1 0 R /Info 5 0 R >>"))
    }

    /// The fallback when DejaVu is not installed (`PDFFonts.standard`).
    @Test func standardFontsAreHelveticaWithWinAnsi() {
        let text = PDFInspector(standardPDF).text
        #expect(text.contains("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
        #expect(text.contains("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"))
    }

    @Test func infoUsesTheStatementDateNotTheClock() {
        let text = PDFInspector(pdf).text
        #expect(text.contains("/CreationDate (D:20261120000000Z)"))
        #expect(!text.contains("/ID"))
    }

    @Test func standardFontsWriteAccentedLettersAsSingleWinAnsiBytes() {
        // "Müller-Peña": ü = 0xFC, ñ = 0xF1 in cp1252.
        let expected: [UInt8] = [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x2D, 0x50, 0x65, 0xF1, 0x61]
        #expect(standardPDF.range(of: Data(expected)) != nil)
        #expect(standardPDF.range(of: Data("Müller".utf8)) == nil)   // no UTF-8 in the content
    }

    @Test func sameInputSameBytes() throws {
        let again = SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")))
        #expect(again == pdf)
        let long = try SuperbillFixtures.bill(SuperbillFixtures.longEncounter())
        #expect(NativePDFWriter(clinic: Fixtures.clinic).pdf(long) == NativePDFWriter(clinic: Fixtures.clinic).pdf(long))
    }
}

@Suite struct NativePDFContentTests {
    let pages: [String]
    init() throws {
        let encounter = SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")
        pages = try PDFInspector(SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(encounter))).pageTexts()
    }
    var text: String { pages.joined(separator: " ") }

    @Test func onePage() { #expect(pages.count == 1) }

    @Test func practiceAndProviderIdentifiers() {
        #expect(text.contains("Southern Illinois Interventional"))
        #expect(text.contains("Psychiatry"))
        #expect(text.contains("1200 W Main St Suite 4 Carbondale, IL 62901-3210 Phone (618) 555-0100"))
        #expect(text.contains("Rendering provider Ravi Patel Rendering NPI 1234567893"))
        #expect(text.contains("Group NPI 1245319599"))
        #expect(text.contains("Tax ID (EIN) 37-1234567"))
    }

    @Test func statementAndServiceDatesAndPlace() {
        #expect(text.contains("SUPERBILL"))
        #expect(text.contains("Superbill no. ENC-0042"))
        #expect(text.contains("Statement date 11/20/2026"))
        #expect(text.contains("Date of service 11/03/2026"))
        #expect(text.contains("Place of service 11 – Office"))
    }

    @Test func patientWithAccents() {
        #expect(text.contains("Name Zoë Müller-Peña"))
        #expect(text.contains("Date of birth 02/11/1984"))
        #expect(text.contains("Address 412 W Main St Carbondale, IL 62901-1234"))
        #expect(text.contains("Account no. PT-1001"))
    }

    @Test func serviceLines() {
        #expect(text.contains("11/03/2026 11 99214 25 Office visit, established patient, moderate complexity A 1 $210.00"))
        #expect(text.contains("11/03/2026 11 96365 IV infusion, initial, up to 1 hour A, B 1 $650.00"))
        #expect(text.contains("11/03/2026 11 J3490 Unclassified drug (ketamine) NDC 42023-0113-10 · 1 ML A 50 $75.50"))
        #expect(text.contains("DATE POS CPT/HCPCS MODIFIERS DESCRIPTION DX PTR UNITS FEE"))
    }

    @Test func diagnoses() {
        #expect(text.contains("A F33.2 Major depressive disorder, recurrent severe without psychotic features"))
        #expect(text.contains("B R45.851 Suicidal ideations"))
        #expect(text.contains("C Q99.9 SERVICES"))   // unknown code: the code alone
    }

    @Test func totalsPaymentsAndBalance() {
        #expect(text.contains("Total charges $935.50"))
        #expect(text.contains("11/03/2026 Card $500.00"))
        #expect(text.contains("Payments received $500.00"))
        #expect(text.contains("Balance due $435.50"))
        #expect(!text.contains("PAID IN FULL"))
    }

    @Test func statementAndSignature() {
        #expect(text.contains("STATEMENT FOR OUT-OF-NETWORK SUBMISSION"))
        #expect(text.contains(Fixtures.clinic.superbillStatement!))
        #expect(text.contains("benefits are not assigned to the provider."))
        #expect(text.contains("Provider signature Date Ravi Patel, NPI 1234567893"))
        #expect(text.contains("Page 1 of 1"))
    }

    @Test func insuranceWhenCoverageIsKnown() throws {
        let encounter = Fixtures.encounter(id: "ENC-0050", services: [ServiceLine(code: "90837", units: 1, charge: 180, diagnosisPointers: [1])])
        let pdf = SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(encounter, payerName: "Aetna"))
        let text = try PDFInspector(pdf).pageTexts().joined(separator: " ")
        #expect(text.contains("Insurance Aetna Member ID XOF123456789 Group no. G-5521 Relationship Self"))
        #expect(text.contains("90837 Psychotherapy, 60 minutes A 1 $180.00"))
    }

    @Test func paidInFullAndCredit() throws {
        let paid = SuperbillFixtures.ketamineEncounter(payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: Decimal(string: "935.50")!, method: "hsa-fsa")])
        let paidText = try PDFInspector(SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(paid))).pageTexts().joined(separator: " ")
        #expect(paidText.contains("Balance due $0.00"))
        #expect(paidText.contains("PAID IN FULL"))
        #expect(paidText.contains("11/03/2026 HSA/FSA $935.50"))

        let over = SuperbillFixtures.ketamineEncounter(payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 1000, method: "card")])
        let overText = try PDFInspector(SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(over))).pageTexts().joined(separator: " ")
        #expect(overText.contains("Credit balance $64.50"))

        let none = SuperbillFixtures.ketamineEncounter(payments: [])
        let noneText = try PDFInspector(SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(none))).pageTexts().joined(separator: " ")
        #expect(noneText.contains("No payments received."))
        #expect(noneText.contains("Balance due $935.50"))
    }

    @Test func priorAuthorizationAndMissingDescription() throws {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.priorAuthorization = "PA-77812"
        let renderer = SuperbillRenderer(clinic: Fixtures.clinic, statementDate: SuperbillFixtures.statementDate, procedureDescriptions: [:])
        let text = try PDFInspector(renderer.pdf(for: SuperbillFixtures.evaluation(encounter))).pageTexts().joined(separator: " ")
        #expect(text.contains("Prior authorization: PA-77812"))
        #expect(text.contains("99214 25 (no description on file) A 1 $210.00"))
    }
}

@Suite struct NativePDFTextEncodingTests {
    func pageText(firstName: String, lastName: String, writer: NativePDFWriter = NativePDFWriter(clinic: Fixtures.clinic))
        throws -> (text: String, pdf: Data) {
        let pdf = writer.pdf(try SuperbillFixtures.bill(SuperbillFixtures.ketamineEncounter(firstName: firstName, lastName: lastName)))
        return (try PDFInspector(pdf).pageTexts().joined(separator: " "), pdf)
    }

    @Test(arguments: ["José Peña", "Zoë Müller", "Renée Ångström", "Œdipe Søren", "Ñandú Façade"])
    func latinNamesRenderAsIs(name: String) throws {
        let parts = name.split(separator: " ").map(String.init)
        #expect(try pageText(firstName: parts[0], lastName: parts[1]).text.contains("Name \(name)"))
    }

    @Test func decomposedAccentsAreComposed() throws {
        // "José" typed as e + combining acute (NFD).
        #expect(try pageText(firstName: "Jose\u{301}", lastName: "Pen\u{303}a").text.contains("Name José Peña"))
    }

    @Test func standardFontsTransliterateOrReplaceCharactersOutsideCp1252() throws {
        let result = try pageText(firstName: "Łukasz", lastName: "Dvořák-Ștefănescu 李", writer: SuperbillFixtures.standardWriter)
        #expect(result.text.contains("Name Lukasz Dvorák-Stefanescu ?"))
    }

    @Test func embeddedFontsKeepCharactersOutsideCp1252() throws {
        try #require(PDFFonts.system.embedsFonts, "DejaVu Sans not installed: \(PDFFonts.system.problems)")
        let result = try pageText(firstName: "Łukasz", lastName: "Dvořák-Ștefănescu 李")
        #expect(result.text.contains("Name Łukasz Dvořák-Ștefănescu 李"))
    }

    @Test func parenthesesAndBackslashesAreEscaped() throws {
        let result = try pageText(firstName: "Ann (Jr.)", lastName: "O'Hara \\ Sons", writer: SuperbillFixtures.standardWriter)
        #expect(result.text.contains("Name Ann (Jr.) O'Hara \\ Sons"))
        #expect(result.pdf.range(of: Data("(Ann \\(Jr.\\) O'Hara \\\\ Sons)".utf8)) != nil)
        // Still a well-formed file: every xref offset lands on its object.
        let inspector = PDFInspector(result.pdf)
        for (number, offset) in try inspector.xrefOffsets() {
            #expect(inspector.text[inspector.text.index(inspector.text.startIndex, offsetBy: offset)...].hasPrefix("\(number) 0 obj"))
        }
    }
}

@Suite struct NativePDFFormattingTests {
    /// Amounts, units and quantities print exactly as in the HTML superbill, including amounts with
    /// more than two decimals (rounded) and thousands separators.
    @Test func amountsUnitsAndQuantitiesMatchTheHTML() throws {
        var encounter = SuperbillFixtures.ketamineEncounter(payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: Decimal(string: "0.5")!, method: "cash")])
        encounter.services = [
            ServiceLine(code: "99214", units: Decimal(string: "1.5")!, charge: Decimal(string: "0.01")!, diagnosisPointers: [1]),
            ServiceLine(code: "96365", units: 2, charge: 1000, diagnosisPointers: [1]),
            ServiceLine(code: "90837", units: Decimal(string: "0.25")!, charge: Decimal(string: "1234567.89")!, diagnosisPointers: [1]),
            ServiceLine(code: "J3490", units: 50, charge: Decimal(string: "12.345")!, diagnosisPointers: [1], ndc: "4202301131",
                        ndcQuantity: Decimal(string: "0.5")!, ndcUnit: "ML"),
        ]
        let bill = try SuperbillFixtures.bill(encounter)
        let html = SuperbillFixtures.renderer.html(bill).visibleText
        let pdf = try PDFInspector(SuperbillFixtures.renderer.pdf(bill)).pageTexts().joined(separator: " ")
        for expected in ["1.5 $0.01", "2 $1,000.00", "0.25 $1,234,567.89", "50 $12.35", "Total charges $1,235,580.25",
                         "Payments received $0.50", "Balance due $1,235,579.75", "NDC 4202301131 · 0.5 ML"] {
            #expect(html.contains(expected), "HTML: \(expected)")
            #expect(pdf.contains(expected), "PDF: \(expected)")
        }
    }

    @Test func namesAndPhonesFallBackToTheHTMLFormatting() throws {
        var encounter = SuperbillFixtures.ketamineEncounter(firstName: "  Dana ", lastName: "Reyes\t")
        encounter.patient.person.middleName = "Q"
        encounter.patient.person.phone = "+1 618 555 0101"
        let bill = try SuperbillFixtures.bill(encounter)
        let html = SuperbillFixtures.renderer.html(bill).visibleText
        let pdf = try PDFInspector(SuperbillFixtures.renderer.pdf(bill)).pageTexts().joined(separator: " ")
        for expected in ["Name Dana Q Reyes Date of birth", "Phone +1 618 555 0101"] {
            #expect(html.contains(expected), "HTML: \(expected)")
            #expect(pdf.contains(expected), "PDF: \(expected)")
        }
    }
}

@Suite struct NativePDFPaginationTests {
    @Test func fortyLinesMakeSeveralPagesWithTheHeaderRepeatedAndNoRowSplit() throws {
        let bill = try SuperbillFixtures.bill(SuperbillFixtures.longEncounter())
        let pdf = SuperbillFixtures.renderer.pdf(bill)
        let inspector = PDFInspector(pdf)
        let pages = try inspector.pageStrings()
        #expect(pages.count == 3)
        let header = ["DATE", "POS", "CPT/HCPCS", "MODIFIERS", "DESCRIPTION", "DX PTR", "UNITS", "FEE"]
        for (index, strings) in pages.enumerated() {
            #expect(strings.contains("Page \(index + 1) of \(pages.count)"))
            let fees = strings.filter { $0.hasPrefix("$1") && $0.count == 7 }   // $100.00 … $139.00
            if !fees.isEmpty {
                // Every page with service rows starts them under the column header.
                #expect(header.allSatisfy(strings.contains), "page \(index + 1) has rows but no header")
                // A row is never split: a drug row's NDC line is on the same page as its code.
                #expect(strings.filter { $0 == "J3490" }.count == strings.filter { $0.hasPrefix("NDC ") }.count)
                // One date per service row, plus the date of service in the page-1 header and the
                // payment's date (2026-11-03) under the total on the last page.
                let extra = (index == 0 ? 1 : 0) + (index == pages.count - 1 ? 1 : 0)
                #expect(strings.filter { $0 == "11/03/2026" }.count == fees.count + extra, "page \(index + 1)")
            }
            if index > 0 {
                #expect(strings.contains("Southern Illinois Interventional Psychiatry"))   // running header
            }
        }
        #expect(pages.dropFirst().contains { $0.contains("SERVICES (CONTINUED)") })
        let all = pages.flatMap { $0 }
        for index in 0..<40 {
            #expect(all.filter { $0 == "$\(100 + index).00" }.count == 1, "fee of line \(index + 1)")
        }
        #expect(all.contains("$4,780.00"))   // total charges
        #expect(all.contains("$4,280.00"))   // balance due
        #expect(pages.last?.contains("Provider signature") == true)
        // The total under the table never stands alone on a page: the last row comes with it.
        if let totalPage = pages.firstIndex(where: { $0.contains("$4,780.00") }) {
            #expect(pages[totalPage].contains("$139.00"))
        }

        // Catalog, page tree, info, a page and its content per page, and the fonts.
        let offsets = try inspector.xrefOffsets()
        let fonts = try inspector.fontResources().count
        #expect(offsets.count == 3 + 2 * pages.count + (PDFFonts.system.embedsFonts ? 5 * fonts : 2))
    }

    @Test func manyPaymentsStillPaginate() throws {
        var encounter = SuperbillFixtures.longEncounter(lines: 3)
        encounter.payments = (0..<80).map { Payment(date: LocalDate(iso: "2026-11-03")!.adding(days: $0), amount: 1, method: "card") }
        let pages = try PDFInspector(SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(encounter))).pageStrings()
        #expect(pages.count == 4)
        #expect(pages.flatMap { $0 }.filter { $0 == "$1.00" }.count == 80)
    }
}

@Suite struct NativePDFRendererChoiceTests {
    @Test func nativeIsTheDefault() {
        #expect(SuperbillPDFWriter(environment: [:]).renderer is NativePDFRenderer)
        #expect(SuperbillPDFWriter(environment: ["CLAIMS_PDF_RENDERER": "native"]).renderer is NativePDFRenderer)
        #expect(SuperbillPDFWriter(environment: ["CLAIMS_PDF_RENDERER": ""]).renderer is NativePDFRenderer)
    }

    @Test func noneSwitchesPDFsOff() throws {
        let writer = SuperbillPDFWriter(environment: ["CLAIMS_PDF_RENDERER": "none"])
        #expect(writer.renderer == nil)
        let outcome = try writer.write(try SuperbillFixtures.bill(), renderer: SuperbillFixtures.renderer,
                                       to: URL(fileURLWithPath: "/nonexistent/x.pdf"))
        #expect(outcome == .skipped(reason: "PDFs switched off (CLAIMS_PDF_RENDERER=none)"))
    }

    @Test func unknownChoiceSkipsWithTheChoices() throws {
        let writer = SuperbillPDFWriter(environment: ["CLAIMS_PDF_RENDERER": "latex"])
        let outcome = try writer.write(try SuperbillFixtures.bill(), renderer: SuperbillFixtures.renderer,
                                       to: URL(fileURLWithPath: "/nonexistent/x.pdf"))
        #expect(outcome == .skipped(reason: "CLAIMS_PDF_RENDERER=latex is not a PDF renderer; use native (the default) or none"))
    }

    @Test func writerWritesTheFileAndLeavesNothingElse() throws {
        let directory = try Fixtures.temporaryDirectory("native-pdf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("ENC-0042.pdf")
        let bill = try SuperbillFixtures.bill()
        let outcome = try SuperbillPDFWriter().write(bill, renderer: SuperbillFixtures.renderer, to: pdf)
        #expect(outcome == .written(pdf))
        #expect(try Data(contentsOf: pdf) == SuperbillFixtures.renderer.pdf(bill))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ENC-0042.pdf"])
    }

    /// The renderer keeps the last clinic's writer: alternating clinics must still draw each bill for
    /// its own clinic, byte for byte as a new writer does.
    @Test func aReusedRendererDrawsEachClinicAsANewWriterDoes() throws {
        let directory = try Fixtures.temporaryDirectory("native-pdf-reuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        var other = Fixtures.clinic
        other.billingProvider.name = "Other Practice, LLC"
        other.superbillStatement = "Another statement, wrapped differently from the first clinic's."
        let bill = try SuperbillFixtures.bill()
        let renderer = NativePDFRenderer()
        for (index, clinic) in [Fixtures.clinic, Fixtures.clinic, other, Fixtures.clinic, other].enumerated() {
            let pdf = directory.appendingPathComponent("\(index).pdf")
            let superbillRenderer = SuperbillRenderer(clinic: clinic, statementDate: SuperbillFixtures.statementDate,
                                                       procedureDescriptions: SuperbillFixtures.descriptions)
            try renderer.render(bill, renderer: superbillRenderer, to: pdf)
            #expect(try Data(contentsOf: pdf) == NativePDFWriter(clinic: clinic).pdf(bill), "superbill \(index)")
        }
    }

    @Test func unwritableTargetThrows() throws {
        #expect(throws: PDFRenderError.self) {
            try NativePDFRenderer().render(try SuperbillFixtures.bill(), renderer: SuperbillFixtures.renderer,
                                           to: URL(fileURLWithPath: "/nonexistent/dir/x.pdf"))
        }
    }
}

@Suite(.enabled(if: InstalledTools.pdftotext != nil, "pdftotext (poppler-utils) not installed: apt-get install poppler-utils"))
struct NativePDFPopplerTests {
    @Test func pdftotextReadsTheAccentedNameAndTheBalance() throws {
        let directory = try Fixtures.temporaryDirectory("native-pdftotext")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("ENC-0042.pdf")
        let encounter = SuperbillFixtures.ketamineEncounter(firstName: "Zoë", lastName: "Müller-Peña")
        try SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(encounter)).write(to: pdf)
        let text = try InstalledTools.text(ofPDF: pdf)
        #expect(text.contains("Müller"))
        #expect(text.contains("Zoë Müller-Peña"))
        #expect(text.contains("Balance due"))
        #expect(text.contains("$435.50"))
        #expect(text.contains("Tax ID (EIN)"))
    }

    @Test func pdftotextReadsEveryPageOfALongSuperbill() throws {
        let directory = try Fixtures.temporaryDirectory("native-pdftotext-long")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("ENC-0099.pdf")
        try SuperbillFixtures.renderer.pdf(try SuperbillFixtures.bill(SuperbillFixtures.longEncounter())).write(to: pdf)
        let text = try InstalledTools.text(ofPDF: pdf)
        #expect(text.contains("José Peña"))
        #expect(text.contains("$139.00"))
        #expect(text.contains("Page 2 of"))
    }
}
