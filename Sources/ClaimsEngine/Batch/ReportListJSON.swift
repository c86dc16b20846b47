/// The entries of one of the report's long lists, written straight as the bytes report.json has
/// them (`ReportSpool`): what `JSONEncoder` with `BatchReport.jsonFormatting` (pretty-printed, keys
/// sorted, slashes unescaped) writes for the list inside the report, each entry at two levels deep,
/// entries separated by ",\n", no newline before the first or after the last. Encoding each block's
/// lists with `JSONEncoder` and re-indenting its lines was ~16,000 instructions per encounter on the
/// batch thread (issue 18). `ReportListJSONTests` compares the two on awkward text.
struct ReportListJSON {
    private(set) var bytes: [UInt8] = []

    /// The entries of `report`'s list `section`.
    static func entries(_ section: BatchReport.Section, of report: BatchReport) -> [UInt8] {
        var writer = ReportListJSON()
        switch section {
        case .held: for entry in report.held { writer.line(entry) }
        case .criteriaNotMet: for entry in report.criteriaNotMet { writer.line(entry) }
        case .notCovered: for entry in report.notCovered { writer.line(entry) }
        case .superbills: for entry in report.superbills { writer.superbill(entry) }
        case .alreadyBilled: for entry in report.alreadyBilled { writer.alreadyDone(entry) }
        case .warnings: for entry in report.warnings { writer.warning(entry) }
        }
        return writer.bytes
    }

    // Keys in sorted order, as `.sortedKeys` gives them.
    mutating func line(_ entry: BatchReport.LineOutcome) {
        startEntry()
        member("code", entry.code, depth: 3, first: true)
        member("decision", entry.decision, depth: 3)
        member("encounter", entry.encounter, depth: 3)
        member("line", entry.line, depth: 3)
        member("payer", entry.payer, depth: 3)
        key("reasons", depth: 3)
        array(entry.reasons, depth: 3) { json, reason in
            json.append("{")
            json.member("message", reason.message, depth: 5, first: true)
            json.member("rule", reason.rule, depth: 5)
            json.closeObject(depth: 4)
        }
        member("service", entry.service, depth: 3)
        endEntry()
    }

    mutating func superbill(_ entry: BatchReport.SuperbillEntry) {
        startEntry()
        member("balanceDue", entry.balanceDue, depth: 3, first: true)
        member("encounter", entry.encounter, depth: 3)
        member("html", entry.html, depth: 3)
        if let pdf = entry.pdf { member("pdf", pdf, depth: 3) }
        if let note = entry.pdfNote { member("pdfNote", note, depth: 3) }
        member("total", entry.total, depth: 3)
        endEntry()
    }

    mutating func alreadyDone(_ entry: BatchReport.AlreadyDone) {
        startEntry()
        member("encounter", entry.encounter, depth: 3, first: true)
        key("lines", depth: 3)
        array(entry.lines, depth: 3) { json, line in json.append(String(line)) }
        member("what", entry.what, depth: 3)
        endEntry()
    }

    mutating func warning(_ entry: BatchReport.EncounterWarning) {
        startEntry()
        member("encounter", entry.encounter, depth: 3, first: true)
        member("message", entry.message, depth: 3)
        member("rule", entry.rule, depth: 3)
        endEntry()
    }

    private mutating func startEntry() {
        if !bytes.isEmpty { append(",\n") }
        indent(2)
        append("{")
    }

    private mutating func endEntry() {
        closeObject(depth: 2)
    }

    /// An object's closing brace on a line of its own, at the depth of its opening one.
    private mutating func closeObject(depth: Int) {
        append("\n")
        indent(depth)
        append("}")
    }

    /// `"name" : ` on a line of its own, after a comma unless it is the object's first member.
    private mutating func key(_ name: StaticString, depth: Int, first: Bool = false) {
        append(first ? "\n" : ",\n")
        indent(depth)
        bytes.append(0x22)
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        append("\" : ")
    }

    private mutating func member(_ name: StaticString, _ value: String, depth: Int, first: Bool = false) {
        key(name, depth: depth, first: first)
        string(value)
    }

    private mutating func member(_ name: StaticString, _ value: Int, depth: Int, first: Bool = false) {
        key(name, depth: depth, first: first)
        append(String(value))
    }

    /// An array member's value, its key at `depth`: each element on a line of its own one level
    /// deeper; empty, as the encoder writes it, a blank line and the closing bracket.
    private mutating func array<Element>(_ elements: [Element], depth: Int, _ write: (inout ReportListJSON, Element) -> Void) {
        append(elements.isEmpty ? "[\n" : "[")
        for (index, element) in elements.enumerated() {
            append(index == 0 ? "\n" : ",\n")
            indent(depth + 1)
            write(&self, element)
        }
        append("\n")
        indent(depth)
        append("]")
    }

    private mutating func indent(_ depth: Int) {
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string as the encoder escapes it: quote, backslash and the control characters (the
    /// usual short forms, else `\u00XX` in lower-case hex); slashes and all other text as they are.
    mutating func string(_ value: String) {
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
