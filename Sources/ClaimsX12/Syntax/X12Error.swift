/// A syntax problem in X12 text being read or segments being written. Never a crash:
/// every malformed input ends up here, with where it was found.
public struct X12Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and, where possible, how to fix it.
    public var message: String
    /// 1-based number of the segment in the interchange (ISA is 1), when known.
    public var segmentNumber: Int?
    /// 1-based element position inside that segment (`CLM05` is 5), when known.
    public var elementPosition: Int?
    /// 0-based offset in the input, counted in Unicode scalars (= bytes for ASCII), when reading.
    public var offset: Int?
    /// 1-based line of `offset`, when reading.
    public var line: Int?

    public init(_ message: String, segmentNumber: Int? = nil, elementPosition: Int? = nil, offset: Int? = nil, line: Int? = nil) {
        self.message = message; self.segmentNumber = segmentNumber; self.elementPosition = elementPosition
        self.offset = offset; self.line = line
    }

    /// `segment 12, element 3 (line 12, offset 480): ...`
    public var description: String {
        var place: [String] = []
        if let segmentNumber { place.append("segment \(segmentNumber)") }
        if let elementPosition { place.append("element \(elementPosition)") }
        var location = place.joined(separator: ", ")
        if let offset {
            let at = (line.map { "line \($0), " } ?? "") + "offset \(offset)"
            location += location.isEmpty ? at : " (\(at))"
        }
        return location.isEmpty ? message : "\(location): \(message)"
    }
}
