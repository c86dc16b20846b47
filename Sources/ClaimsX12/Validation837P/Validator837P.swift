/// Checks an 837P (005010X222A1) file as it streams past, segment by segment: the syntax (through
/// `X12SegmentStream`), the envelope, where each segment belongs in the implementation guide and
/// what it must hold (the same map pyx12 4.0.0 walks), and the claim-level checks pyx12 leaves out.
/// Memory stays bounded: the open envelopes, one claim, the HL chain, and at most `maxFindings` findings.
///
///     var validator = Validator837P()
///     for chunk in file { validator.feed(chunk) }
///     let report = validator.finish()
public struct Validator837P: Sendable {
    /// Findings kept per file; past it they are only counted.
    public static let maxFindings = 1000

    private let map: Map837P
    private var stream = X12SegmentStream()
    private var walker: MapWalker837P
    private let elementChecks: ElementChecks837P
    private var envelope = EnvelopeChecks837P()
    private var claims = ClaimChecks837P()
    private var report = X12ValidationReport()
    private var node: Int
    private let interchangeLoop: Int, interchangeHeader: Int, groupLoop: Int, groupHeader: Int
    private let maxFindings: Int

    public init(maxFindings: Int = Validator837P.maxFindings) {
        let map = Map837P.shared
        self.map = map
        walker = MapWalker837P(map: map)
        elementChecks = ElementChecks837P(map: map)
        let interchangeLoop = map.nodes[0].children[0]
        let groupLoop = map.nodes[interchangeLoop].children.first { map.nodes[$0].isLoop } ?? interchangeLoop
        self.interchangeLoop = interchangeLoop
        interchangeHeader = map.nodes[interchangeLoop].children[0]
        self.groupLoop = groupLoop
        groupHeader = map.nodes[groupLoop].children[0]
        node = map.nodes[interchangeLoop].children[0]
        self.maxFindings = maxFindings
    }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        // The stream is moved out while it calls back into `self` (one owner of its buffer: no copy).
        var stream = X12SegmentStream()
        swap(&stream, &self.stream)
        stream.feed(chunk) { handle($0) }
        swap(&stream, &self.stream)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// The end of the file: what is left open is reported, and the report returned.
    public mutating func finish() -> X12ValidationReport {
        var stream = X12SegmentStream()
        swap(&stream, &self.stream)
        stream.finish { handle($0) }
        swap(&stream, &self.stream)
        for problem in claims.finish() { add(problem, placedIn: nil) }
        for open in envelope.unclosed() {
            add(X12Finding(segment: open.segment, line: nil, segmentId: nil, rule: "x12/envelope-nesting", message: open.message))
        }
        if report.segments > 0 && envelope.transactionSets == 0 {
            add(X12Finding(segment: nil, line: nil, segmentId: nil, rule: "x12/envelope-nesting",
                           message: "the file holds no ST/SE transaction set, so no claim"))
        }
        // In file order: an HL04 or a claim total is only known wrong later, but belongs to its own segment.
        report.findings = report.findings.enumerated()
            .sorted { ($0.element.segment ?? Int.max, $0.offset) < ($1.element.segment ?? Int.max, $1.offset) }
            .map(\.element)
        report.transactionSets = envelope.transactionSets
        report.claims = claims.claims
        report.serviceLines = claims.serviceLines
        return report
    }

    private mutating func handle(_ event: X12SegmentStream.Event) {
        switch event {
        case .problem(let error, _):
            add(X12Finding(segment: error.segmentNumber, line: error.line, segmentId: nil,
                           element: nil, rule: "x12/syntax", message: error.message))
        case .segment(let item):
            check(item)
        }
    }

    private mutating func check(_ item: X12SegmentStream.Item) {
        report.segments += 1
        let segment = item.segment
        func finding(_ element: String?, _ rule: String, _ message: String, loop: String? = nil) {
            add(X12Finding(segment: item.number, line: item.line, segmentId: segment.idText, element: element, loop: loop, rule: rule, message: message))
        }
        if segment.endsWithSeparator {
            finding(nil, "x12/trailing-separator", "the segment ends with an element separator before its terminator; drop the empty trailing elements")
        }
        for problem in envelope.check(segment, number: item.number) {
            finding(problem.element.map { X12Finding.reference(segment.idText, $0) }, problem.rule, problem.message)
        }
        var placed: Int?
        switch segment.idCode {
        case SegmentCode837P.isa:
            walker.restart(loop: interchangeLoop, first: interchangeHeader); placed = interchangeHeader
        case SegmentCode837P.gs:
            walker.restart(loop: groupLoop, first: groupHeader); placed = groupHeader
        default:
            let walk = walker.walk(from: node, segment)
            for problem in walk.problems { structureFinding(problem, item) }
            placed = walk.node
        }
        guard let placed else {
            _ = claims.check(segment, number: item.number, line: item.line, inClaimLoop: false)
            return
        }
        node = placed
        var loop: String { map.loopName(placed) }
        for problem in elementChecks.check(placed, segment) {
            // ISA11 and ISA16 hold separators; the reader has already checked them.
            if segment.idCode == SegmentCode837P.isa, problem.element == "ISA11" || problem.element == "ISA16" { continue }
            finding(problem.element, problem.rule, problem.message, loop: loop)
        }
        for problem in claims.check(segment, number: item.number, line: item.line, inClaimLoop: map.isClaimLevel[placed]) {
            add(problem, placedIn: problem.segment == item.number ? loop : nil)
        }
    }

    private mutating func structureFinding(_ problem: MapWalker837P.StructureProblem, _ item: X12SegmentStream.Item) {
        let target = map.nodes[problem.node]
        let loop = map.loopName(problem.node)
        let rule: String, message: String
        switch problem.kind {
        case .segmentNotFound:
            rule = "837p/segment-unexpected"
            let qualifier = item.segment.value(1).text
            message = "\(item.segment.idText)\(qualifier.isEmpty ? "" : "*" + ElementChecks837P.quote(qualifier)) has no place here in 005010X222A1 "
                + "(after \(target.id) in loop \(loop.isEmpty ? "header" : loop)); check the segment order, its qualifier and the loop it belongs to"
        case .segmentMissing:
            rule = "837p/segment-missing"
            message = "the required segment \(target.id) (\(target.name)) of loop \(loop.isEmpty ? "header" : loop) is missing before this \(item.segment.idText); add it"
        case .loopMissing:
            rule = "837p/loop-missing"
            let first = target.children.first.map { map.nodes[$0].id } ?? "?"
            message = "the required loop \(target.id) (\(target.name)), which starts with \(first), is missing before this \(item.segment.idText); add it"
        case .segmentRepeat:
            rule = "837p/segment-repeat"
            message = "\(target.id) (\(target.name)) appears \(walker.count(problem.node)) times in loop \(loop); the guide allows at most \(target.maxRepeat)"
        case .loopRepeat:
            rule = "837p/loop-repeat"
            message = "loop \(target.id) (\(target.name)) repeats more than the \(target.maxRepeat) times the guide allows; split it (e.g. into another HL or claim)"
        case .segmentNotUsed:
            rule = "837p/segment-not-used"
            message = "\(target.id) (\(target.name)) is not used in 005010X222A1 here; remove it"
        case .loopNotUsed:
            rule = "837p/segment-not-used"
            message = "loop \(target.id) (\(target.name)) is not used in 005010X222A1; remove it"
        }
        add(X12Finding(segment: item.number, line: item.line, segmentId: item.segment.idText, loop: loop, rule: rule, message: message))
    }

    private mutating func add(_ problem: ClaimChecks837P.Problem, placedIn loop: String?) {
        add(X12Finding(segment: problem.segment, line: problem.line, segmentId: problem.segmentId, element: problem.element,
                       loop: loop, rule: problem.rule, message: problem.message))
    }

    private mutating func add(_ finding: X12Finding) {
        if report.findings.count < maxFindings { report.findings.append(finding) } else { report.unlisted += 1 }
    }
}
