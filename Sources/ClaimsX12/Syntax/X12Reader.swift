/// An interchange as read: the separators its ISA declared, what followed each segment
/// terminator (so a write reproduces the input), and the segments in order.
public struct X12Document: Sendable, Hashable {
    /// The separators of the first ISA (a file may hold several interchanges).
    public var delimiters: X12Delimiters
    /// The CR/LF characters that followed the first ISA's terminator: `"\n"`, `"\r\n"` or `""`.
    public var lineBreak: String
    /// The CR/LF characters after the last terminator (files often lack the final newline).
    public var finalLineBreak: String
    public var segments: [X12Segment]

    public init(delimiters: X12Delimiters, lineBreak: String, finalLineBreak: String? = nil, segments: [X12Segment]) {
        self.delimiters = delimiters; self.lineBreak = lineBreak; self.finalLineBreak = finalLineBreak ?? lineBreak
        self.segments = segments
    }
}

/// Splits any X12 text into segments, using the separators each ISA declares by position.
/// Syntax only: it knows nothing about 837 loops. Tolerates a byte-order mark, and line breaks
/// (plus indentation) after segment terminators; anything else malformed is an `X12Error`, never a crash.
public enum X12Reader {
    /// ISA is fixed width: 106 characters including its segment terminator.
    public static let isaLength = 106
    /// Offsets of the 16 element separators inside the ISA (ISA01 starts after index 3).
    static let isaSeparatorOffsets = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103]
    static let repetitionOffset = 82
    static let componentOffset = 104
    static let terminatorOffset = 105

    public static func read(_ text: String) throws(X12Error) -> X12Document {
        var scanner = Scanner(Array(text.unicodeScalars))
        return try scanner.readDocument()
    }

    /// The fixed-width ISA that `text` starts with, and the separators it declares (the streaming
    /// reader hands each ISA here, so both readers accept and refuse exactly the same headers).
    public static func interchangeHeader(_ text: String, segmentNumber: Int) throws(X12Error) -> (segment: X12Segment, delimiters: X12Delimiters) {
        try Scanner(Array(text.unicodeScalars)).isaHeader(at: 0, segmentNumber: segmentNumber)
    }

    /// The separators declared by the ISA that `text` starts with.
    public static func delimiters(of text: String) throws(X12Error) -> X12Delimiters {
        let scanner = Scanner(Array(text.unicodeScalars))
        return try scanner.isaHeader(at: 0, segmentNumber: 1).delimiters
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func readDocument() throws(X12Error) -> X12Document {
            var position = 0
            if scalars.first == "\u{FEFF}" { position = 1 }
            while position < scalars.count, isBlank(scalars[position]) { position += 1 }
            guard position < scalars.count else { throw X12Error("the input is empty; an interchange starts with ISA", offset: 0, line: 1) }

            var segments: [X12Segment] = []
            var current: X12Delimiters?
            var first: (delimiters: X12Delimiters, lineBreak: String)?
            var finalLineBreak = ""
            while true {
                finalLineBreak = ""
                // Line breaks (and the indentation some samples add after them) between segments.
                while position < scalars.count, isBlank(scalars[position]) {
                    if isLineBreak(scalars[position]) { finalLineBreak.unicodeScalars.append(scalars[position]) }
                    position += 1
                }
                if scalars[position...].allSatisfy(isBlank) { break }
                let number = segments.count + 1
                if startsWithISA(at: position) {
                    let header = try isaHeader(at: position, segmentNumber: number)
                    segments.append(header.segment)
                    current = header.delimiters
                    position += X12Reader.isaLength
                    if first == nil {
                        var lineBreak = ""
                        var next = position
                        while next < scalars.count, isLineBreak(scalars[next]) { lineBreak.unicodeScalars.append(scalars[next]); next += 1 }
                        first = (header.delimiters, lineBreak)
                    }
                    continue
                }
                guard let delimiters = current else {
                    throw error("the input does not start with an ISA segment (found '\(preview(at: position))')", number, at: position)
                }
                guard let end = scalars[position...].firstIndex(of: delimiters.segment) else {
                    throw error("the last segment ('\(preview(at: position))') is not terminated by \(X12Delimiters.describe(delimiters.segment))",
                                number, at: position)
                }
                segments.append(try segment(from: position, to: end, delimiters: delimiters, number: number))
                position = end + 1
                finalLineBreak = ""
                if position >= scalars.count { break }
            }
            guard let first else { throw X12Error("no ISA segment found", offset: 0, line: 1) }
            return X12Document(delimiters: first.delimiters, lineBreak: first.lineBreak, finalLineBreak: finalLineBreak, segments: segments)
        }

        /// Parses the fixed-width ISA at `start`.
        func isaHeader(at start: Int, segmentNumber: Int) throws(X12Error) -> (segment: X12Segment, delimiters: X12Delimiters) {
            guard startsWithISA(at: start) else {
                throw error("the input does not start with ISA (found '\(preview(at: start))')", segmentNumber, at: start)
            }
            guard start + X12Reader.isaLength <= scalars.count else {
                throw error("the ISA segment is cut short: it must be exactly \(X12Reader.isaLength) characters including its terminator, "
                            + "but only \(scalars.count - start) remain", segmentNumber, at: start)
            }
            let separator = scalars[start + 3]
            for (index, offset) in X12Reader.isaSeparatorOffsets.enumerated() where scalars[start + offset] != separator {
                throw X12Error("the ISA is not fixed width: ISA\(X12Writer.position(index + 1)) must start at index \(offset + 1) "
                               + "after the element separator \(X12Delimiters.describe(separator)), found \(X12Delimiters.describe(scalars[start + offset])) "
                               + "(ISA05–ISA08 are padded with spaces to 2 and 15 characters)",
                               segmentNumber: segmentNumber, elementPosition: index + 1, offset: start + offset, line: line(of: start + offset))
            }
            let header = scalars[start..<(start + X12Reader.terminatorOffset)]
            if header.filter({ $0 == separator }).count != X12Reader.isaSeparatorOffsets.count {
                throw error("an ISA element contains the element separator \(X12Delimiters.describe(separator))", segmentNumber, at: start)
            }
            let repetition = scalars[start + X12Reader.repetitionOffset]
            let component = scalars[start + X12Reader.componentOffset]
            let terminator = scalars[start + X12Reader.terminatorOffset]
            // 4010 and older put the standards identifier `U` in ISA11, not a separator; some senders
            // repeat another separator there. Either way the interchange has no repetition separator.
            let hasRepetition = !X12Delimiters.isLetterOrDigit(repetition) && ![separator, component, terminator].contains(repetition)
            let delimiters = X12Delimiters(element: separator, component: component,
                                           repetition: hasRepetition ? repetition : nil, segment: terminator)
            if let problem = delimiters.problem {
                throw error("the ISA declares unusable delimiters: \(problem)", segmentNumber, at: start)
            }
            var elements: [X12Element] = []
            let bounds = X12Reader.isaSeparatorOffsets + [X12Reader.terminatorOffset]
            for index in 0..<X12Reader.isaSeparatorOffsets.count {
                let range = (start + bounds[index] + 1)..<(start + bounds[index + 1])
                let isSeparatorField = index == 10 || index == 15  // ISA11, ISA16
                if !isSeparatorField, let bad = range.first(where: { X12Text.isControl(scalars[$0]) }) {
                    throw X12Error("ISA\(X12Writer.position(index + 1)) contains the control character \(X12Delimiters.describe(scalars[bad]))",
                                   segmentNumber: segmentNumber, elementPosition: index + 1, offset: bad, line: line(of: bad))
                }
                // A terminator inside the fixed-width ISA would cut it short for any reader that splits on it.
                if let bad = range.first(where: { scalars[$0] == terminator }) {
                    throw X12Error("ISA\(X12Writer.position(index + 1)) contains the segment terminator \(X12Delimiters.describe(terminator))",
                                   segmentNumber: segmentNumber, elementPosition: index + 1, offset: bad, line: line(of: bad))
                }
                elements.append(X12Element(string(range)))
            }
            return (X12Segment(id: "ISA", elements: elements), delimiters)
        }

        /// Splits `scalars[start..<end]` (one segment, terminator excluded) into id, elements, repetitions, components.
        func segment(from start: Int, to end: Int, delimiters: X12Delimiters, number: Int) throws(X12Error) -> X12Segment {
            guard start < end else { throw error("empty segment (two terminators in a row)", number, at: start) }
            var elements: [X12Element] = []
            var repetitions: [[String]] = []
            var components: [String] = []
            var valueStart = start
            var id: String?
            var elementNumber = 0

            func closeValue(_ index: Int) { components.append(string(valueStart..<index)); valueStart = index + 1 }
            func closeRepetition() { repetitions.append(components); components = [] }
            func closeElement() {
                if id == nil {
                    id = repetitions.first?.first ?? ""
                } else {
                    elements.append(X12Element(repetitions: repetitions))
                }
                repetitions = []
                elementNumber += 1
            }

            for index in start..<end {
                let scalar = scalars[index]
                if scalar == delimiters.element {
                    closeValue(index); closeRepetition(); closeElement()
                } else if id != nil, scalar == delimiters.component {
                    closeValue(index)
                } else if id != nil, let repetition = delimiters.repetition, scalar == repetition {
                    closeValue(index); closeRepetition()
                } else if X12Text.isControl(scalar) {
                    throw X12Error("control character \(X12Delimiters.describe(scalar)) inside a segment "
                                   + "(only CR/LF right after a segment terminator are tolerated)",
                                   segmentNumber: number, elementPosition: elementNumber == 0 ? nil : elementNumber,
                                   offset: index, line: line(of: index))
                }
            }
            closeValue(end); closeRepetition(); closeElement()

            let segmentId = id ?? ""
            let idScalars = Array(segmentId.unicodeScalars)
            guard (2...3).contains(idScalars.count), idScalars.allSatisfy({ ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }),
                  idScalars[0] >= "A" && idScalars[0] <= "Z" else {
                throw error("'\(preview(at: start))' does not start with a segment id (2 or 3 upper-case letters and digits)", number, at: start)
            }
            return X12Segment(id: segmentId, elements: elements)
        }

        func startsWithISA(at position: Int) -> Bool {
            position + 3 <= scalars.count && scalars[position] == "I" && scalars[position + 1] == "S" && scalars[position + 2] == "A"
        }

        func string(_ range: Range<Int>) -> String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[range])
            return text
        }

        /// Up to 20 printable characters at `position`, for messages.
        func preview(at position: Int) -> String {
            let end = min(scalars.count, position + 20)
            return String(string(position..<end).unicodeScalars.map { X12Text.isControl($0) ? "?" : Character($0) })
        }

        func line(of offset: Int) -> Int {
            1 + scalars[..<min(offset, scalars.count)].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        }

        func error(_ message: String, _ segmentNumber: Int, at offset: Int) -> X12Error {
            X12Error(message, segmentNumber: segmentNumber, offset: offset, line: line(of: offset))
        }

        func isLineBreak(_ scalar: Unicode.Scalar) -> Bool { scalar == "\r" || scalar == "\n" }
        func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == "\r" || scalar == "\n" || scalar == " " || scalar == "\t" }
    }
}
