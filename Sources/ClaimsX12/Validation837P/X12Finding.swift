/// One problem found in an 837P file: where (segment ordinal, line, segment id, element, loop),
/// which rule (a stable id, docs/x12-validate.md) and what to do about it.
public struct X12Finding: Sendable, Hashable, Codable {
    /// 1-based ordinal of the segment in the file (the first ISA is 1); nil for the file as a whole.
    public var segment: Int?
    /// 1-based line where the segment starts.
    public var line: Int?
    /// `CLM`; nil when the segment could not be read.
    public var segmentId: String?
    /// `CLM02`, `CLM05-3`; nil for a segment-level finding.
    public var element: String?
    /// The loop of the implementation guide the segment was placed in (`2000B/2300`), when known.
    public var loop: String?
    /// A stable rule id: `x12/…` for syntax and the envelope, `837p/…` for the guide and beyond it.
    public var rule: String
    /// What is wrong and how to fix it.
    public var message: String

    public init(segment: Int?, line: Int?, segmentId: String?, element: String? = nil, loop: String? = nil, rule: String, message: String) {
        self.segment = segment; self.line = line; self.segmentId = segmentId; self.element = element
        self.loop = loop; self.rule = rule; self.message = message
    }

    /// `segment 21 (line 21) CLM, CLM02: … [837p/claim-total]`
    public var description: String {
        var place: [String] = []
        if let segment { place.append("segment \(segment)" + (line.map { " (line \($0))" } ?? "")) }
        if let segmentId { place.append(element.map { "\(segmentId), \($0)" } ?? segmentId) }
        if let loop, !loop.isEmpty { place.append("loop \(loop)") }
        return (place.isEmpty ? "" : place.joined(separator: " ") + ": ") + message + " [\(rule)]"
    }

    /// `CLM05-3`: the element's reference designator (component after the dash).
    static func reference(_ segmentId: String, _ position: Int, _ component: Int? = nil) -> String {
        segmentId + (position < 10 ? "0\(position)" : "\(position)") + (component.map { "-\($0)" } ?? "")
    }
}

/// What checking one file found.
public struct X12ValidationReport: Sendable, Hashable {
    /// The first `Validator837P.maxFindings` findings, in file order.
    public var findings: [X12Finding] = []
    /// Findings past the limit, counted but not kept (bounded memory on a hopeless file).
    public var unlisted = 0
    public var segments = 0
    public var transactionSets = 0
    public var claims = 0
    public var serviceLines = 0

    public var isClean: Bool { findings.isEmpty && unlisted == 0 }
    public var findingCount: Int { findings.count + unlisted }
}
