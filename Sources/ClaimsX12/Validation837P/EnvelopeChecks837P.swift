/// The envelope, segment by segment: ISA/IEA, GS/GE and ST/SE nest and pair up, their control
/// numbers match and are unique (ISA13 in the file, GS06 in the interchange, ST02 in the group),
/// the trailers count what they close (IEA01 groups, GE01 transaction sets, SE01 segments from ST to
/// SE), ST03 repeats GS08. Streaming: it keeps only the open envelopes and the numbers seen.
struct EnvelopeChecks837P {
    struct Problem {
        var element: Int?
        var rule: String
        var message: String
    }

    private struct Open {
        var segment: Int
        var control: String
        var count = 0
    }

    private var interchange: Open?
    private var group: Open?
    private var transaction: Open?
    private var groupVersion = ""
    private var interchangeNumbers: Set<String> = []
    private var groupNumbers: Set<String> = []
    private var transactionNumbers: Set<String> = []
    private(set) var transactionSets = 0

    mutating func check(_ segment: X12SegmentView, number: Int) -> [Problem] {
        if transaction != nil { transaction!.count += 1 }
        switch segment.idCode {
        case SegmentCode837P.isa, SegmentCode837P.iea, SegmentCode837P.gs, SegmentCode837P.ge, SegmentCode837P.st, SegmentCode837P.se:
            return checkEnvelope(segment, number: number)
        default:
            guard transaction == nil else { return [] }
            return [Problem(element: nil, rule: "x12/envelope-nesting",
                            message: "\(segment.idText) outside an ST/SE transaction set; every segment of a claim belongs between ST and SE")]
        }
    }

    /// An envelope segment (ISA, GS, ST and their trailers): rarely met, so read as strings.
    private mutating func checkEnvelope(_ segment: X12SegmentView, number: Int) -> [Problem] {
        var problems: [Problem] = []
        let id = segment.idText
        func value(_ position: Int) -> String { segment.value(position).text }
        func fail(_ rule: String, _ message: String, _ element: Int? = nil) {
            problems.append(Problem(element: element, rule: rule, message: message))
        }
        /// A trailer's count (element 1) and control number (element 2) against its header's.
        func trailer(_ open: Open, header: String, holds: (Int) -> String) {
            if Int(value(1)) != open.count {
                fail("x12/envelope-count", "\(id)01 is '\(value(1))' but \(holds(open.count)); set \(id)01 to \(open.count)", 1)
            }
            if value(2) != open.control {
                fail("x12/control-number-match",
                     "\(id)02 '\(value(2))' does not match \(header) '\(open.control)' of segment \(open.segment); they must be equal", 2)
            }
        }
        switch id {
        case "ISA":
            if let open = interchange {
                fail("x12/envelope-nesting", "ISA before the IEA closing the interchange of segment \(open.segment); end each interchange with IEA")
            }
            let control = value(13)
            if interchangeNumbers.contains(control) {
                fail("x12/control-number-unique", "ISA13 '\(control)' is used by an earlier interchange of this file; give each interchange its own control number", 13)
            }
            interchangeNumbers.insert(control)
            interchange = Open(segment: number, control: control); group = nil; transaction = nil
            groupNumbers = []
        case "IEA":
            guard let open = interchange else { fail("x12/envelope-nesting", "IEA without an ISA"); break }
            if group != nil { fail("x12/envelope-nesting", "IEA before the GE closing the group; close the group with GE first") }
            trailer(open, header: "ISA13") { "the interchange holds \($0) functional group(s)" }
            interchange = nil; group = nil
        case "GS":
            if interchange == nil { fail("x12/envelope-nesting", "GS outside an ISA/IEA interchange") }
            if let open = group { fail("x12/envelope-nesting", "GS before the GE closing the group of segment \(open.segment)") }
            let control = value(6)
            if groupNumbers.contains(control) {
                fail("x12/control-number-unique", "GS06 '\(control)' is used by an earlier group of this interchange; give each group its own number", 6)
            }
            groupNumbers.insert(control)
            group = Open(segment: number, control: control); transaction = nil
            groupVersion = value(8)
            transactionNumbers = []
            interchange?.count += 1
        case "GE":
            guard let open = group else { fail("x12/envelope-nesting", "GE without a GS"); break }
            if transaction != nil { fail("x12/envelope-nesting", "GE before the SE closing the transaction set; close it with SE first") }
            trailer(open, header: "GS06") { "the group holds \($0) transaction set(s)" }
            group = nil; transaction = nil
        case "ST":
            if group == nil { fail("x12/envelope-nesting", "ST outside a GS/GE group") }
            if let open = transaction { fail("x12/envelope-nesting", "ST before the SE closing the transaction set of segment \(open.segment)") }
            let control = value(2)
            if transactionNumbers.contains(control) {
                fail("x12/control-number-unique", "ST02 '\(control)' is used by an earlier transaction set of this group; number them 0001, 0002, …", 2)
            }
            transactionNumbers.insert(control)
            let convention = value(3)
            if !convention.isEmpty && !groupVersion.isEmpty && convention != groupVersion {
                fail("x12/envelope-version", "ST03 '\(convention)' differs from GS08 '\(groupVersion)'; both must be 005010X222A1", 3)
            }
            transaction = Open(segment: number, control: control, count: 1)
            group?.count += 1
            transactionSets += 1
        case "SE":
            guard let open = transaction else { fail("x12/envelope-nesting", "SE without an ST"); break }
            trailer(open, header: "ST02") { "the transaction set has \($0) segments from ST to SE" }
            transaction = nil
        default:
            break
        }
        return problems
    }

    /// What is still open at the end of the file, each with the segment that opened it.
    func unclosed() -> [(segment: Int, message: String)] {
        var problems: [(Int, String)] = []
        if let open = transaction { problems.append((open.segment, "the transaction set opened by this ST is never closed by SE")) }
        if let open = group { problems.append((open.segment, "the group opened by this GS is never closed by GE")) }
        if let open = interchange { problems.append((open.segment, "the interchange opened by this ISA is never closed by IEA")) }
        return problems
    }
}
