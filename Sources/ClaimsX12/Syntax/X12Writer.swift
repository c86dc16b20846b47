/// Serializes segments to X12 text. It writes elements exactly as given and refuses (throws)
/// data that would break the syntax: a separator or a control character inside a value.
/// X12 has no escape mechanism, so there is nothing else it could do safely.
public struct X12Writer: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var delimiters: X12Delimiters
        /// Written after every segment terminator. `"\n"` (the default, so the suffix is `"~\n"`)
        /// keeps files readable and diffable; `""` writes one long line, as some payers prefer.
        public var lineBreak: String

        public init(delimiters: X12Delimiters = .standard, lineBreak: String = "\n") {
            self.delimiters = delimiters; self.lineBreak = lineBreak
        }

        /// What ends each segment: the terminator plus the line break, `"~\n"` by default.
        public var segmentSuffix: String { String(Character(delimiters.segment)) + lineBreak }
    }

    public var configuration: Configuration

    public init(_ configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Writes `document` with its own delimiters and line breaks (read → write reproduces the input
    /// when it ended every segment the same way).
    public static func write(_ document: X12Document) throws(X12Error) -> String {
        var text = try X12Writer(Configuration(delimiters: document.delimiters, lineBreak: document.lineBreak)).write(document.segments)
        if document.lineBreak != document.finalLineBreak && !document.segments.isEmpty {
            text.unicodeScalars.removeLast(document.lineBreak.unicodeScalars.count)
            text += document.finalLineBreak
        }
        return text
    }

    public func write(_ segments: [X12Segment]) throws(X12Error) -> String {
        if let problem = configuration.delimiters.problem { throw X12Error("cannot write with these delimiters: \(problem)") }
        for scalar in configuration.lineBreak.unicodeScalars where scalar != "\r" && scalar != "\n" {
            throw X12Error("the line break may only hold CR and LF, not \(X12Delimiters.describe(scalar))")
        }
        var text = ""
        text.reserveCapacity(segments.count * 40)
        let suffix = configuration.segmentSuffix
        for (index, segment) in segments.enumerated() {
            try check(segment, number: index + 1)
            text += segment.rendered(with: configuration.delimiters)
            text += suffix
        }
        return text
    }

    /// One segment without its terminator (for tests and messages).
    public func render(_ segment: X12Segment) throws(X12Error) -> String {
        try check(segment, number: nil)
        return segment.rendered(with: configuration.delimiters)
    }

    private func check(_ segment: X12Segment, number: Int?) throws(X12Error) {
        let idScalars = Array(segment.id.unicodeScalars)
        guard (2...3).contains(idScalars.count), idScalars[0] >= "A" && idScalars[0] <= "Z",
              idScalars.allSatisfy({ ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }) else {
            throw X12Error("segment id '\(segment.id)' is not 2 or 3 upper-case letters and digits", segmentNumber: number)
        }
        let delimiters = configuration.delimiters
        // ISA11 and ISA16 hold the repetition and component separators themselves.
        let isISA = segment.id == "ISA"
        let forbidden: [Unicode.Scalar] = isISA ? [delimiters.element, delimiters.segment] : delimiters.all
        for (offset, element) in segment.elements.enumerated() {
            if element.repetitions.count > 1 && delimiters.repetition == nil {
                throw X12Error("\(segment.id)\(Self.position(offset + 1)) repeats, but no repetition separator is set",
                               segmentNumber: number, elementPosition: offset + 1)
            }
            for value in element.repetitions.joined() {
                for scalar in value.unicodeScalars {
                    if forbidden.contains(scalar) {
                        throw X12Error("\(segment.id)\(Self.position(offset + 1)) contains the separator \(X12Delimiters.describe(scalar)); "
                                       + "X12 has no escape, so the value must be fixed at its source",
                                       segmentNumber: number, elementPosition: offset + 1)
                    }
                    if X12Text.isControl(scalar) {
                        throw X12Error("\(segment.id)\(Self.position(offset + 1)) contains the control character \(X12Delimiters.describe(scalar))",
                                       segmentNumber: number, elementPosition: offset + 1)
                    }
                }
            }
        }
    }

    static func position(_ position: Int) -> String { position < 10 ? "0\(position)" : "\(position)" }
}
