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

    public func write(_ segments: [X12Segment]) throws(X12Error) -> String { try write(segments[...]) }

    /// `segments` numbered from 1 in errors, as if they were an array of their own (a caller writing
    /// the tail of a list it keeps need not copy it, which retained every segment's strings).
    func write(_ segments: ArraySlice<X12Segment>) throws(X12Error) -> String {
        try validateConfiguration()
        var output = Output(configuration.delimiters)
        output.bytes.reserveCapacity(segments.count * 48)
        // The default suffix `~\n` is two bytes; anything else is spelled out once.
        let standardSuffix = output.segment != 0xFF && configuration.lineBreak == "\n"
        var suffix: [UInt8] = []
        if !standardSuffix {
            output.appendScalar(configuration.delimiters.segment, to: &suffix)
            suffix.append(contentsOf: configuration.lineBreak.utf8)
        }
        for index in segments.indices {
            try output.append(segments[index], number: index - segments.startIndex + 1)
            if standardSuffix {
                output.bytes.append(output.segment)
                output.bytes.append(0x0A)
            } else {
                output.bytes.append(contentsOf: suffix)
            }
        }
        return String(decoding: output.bytes, as: UTF8.self)
    }

    private func validateConfiguration() throws(X12Error) {
        if let problem = configuration.delimiters.problem { throw X12Error("cannot write with these delimiters: \(problem)") }
        for scalar in configuration.lineBreak.unicodeScalars where scalar != "\r" && scalar != "\n" {
            throw X12Error("the line break may only hold CR and LF, not \(X12Delimiters.describe(scalar))")
        }
    }

    /// Checks and renders segments in one pass, as UTF-8. A segment is checked completely (id, then
    /// each element in order, the first problem thrown) before its bytes count as written.
    ///
    /// Speed (docs/batch.md, session 10): a value is scanned once over its UTF-8 bytes in place and
    /// copied with one `memcpy`; only a value with a byte outside printable ASCII, or one equal to a
    /// separator, goes through the scalar-by-scalar check, which throws or accepts it (non-ASCII
    /// text). Separators are single bytes unless one is not ASCII.
    struct Output {
        let delimiters: X12Delimiters
        var bytes: [UInt8] = []
        /// The separators as single bytes for the ASCII fast path (0xFF: not ASCII or not set,
        /// never equal to a byte below 0x80).
        let element: UInt8, component: UInt8, repetition: UInt8, segment: UInt8

        /// Bytes copied without a second look, as two 64-bit sets (bytes 0–63, 64–127): printable
        /// ASCII other than a separator; in ISA (`isa`), the component and repetition separators too.
        let plain: (low: UInt64, high: UInt64), plainInISA: (low: UInt64, high: UInt64)

        init(_ delimiters: X12Delimiters) {
            self.delimiters = delimiters
            func ascii(_ scalar: Unicode.Scalar?) -> UInt8 { scalar.map { $0.isASCII ? UInt8($0.value) : 0xFF } ?? 0xFF }
            element = ascii(delimiters.element); component = ascii(delimiters.component)
            repetition = ascii(delimiters.repetition); segment = ascii(delimiters.segment)
            // Printable ASCII: 0x20–0x3F in the low word, 0x40–0x7E in the high one (0x7F is DEL).
            var set: (low: UInt64, high: UInt64) = (~0 << 32, ~0 >> 1)
            func remove(_ byte: UInt8) {
                if byte < 64 { set.low &= ~(1 << UInt64(byte)) } else if byte < 128 { set.high &= ~(1 << UInt64(byte - 64)) }
            }
            remove(element); remove(segment)
            plainInISA = set
            remove(component); remove(repetition)
            plain = set
        }

        /// Whether `byte` is in `set` (never a byte from 0x80 up).
        @inline(__always)
        static func contains(_ set: (low: UInt64, high: UInt64), _ byte: UInt8) -> Bool {
            let word = byte < 64 ? set.low : set.high
            return byte < 0x80 && (word >> UInt64(byte & 63)) & 1 != 0
        }

        /// `scalar` as UTF-8 (a separator that is not ASCII).
        func appendScalar(_ scalar: Unicode.Scalar, to target: inout [UInt8]) {
            Unicode.UTF8.encode(scalar) { target.append($0) }
        }

        /// A separator: its byte, or its UTF-8 when it is not ASCII; nothing for an unset repetition separator.
        @inline(__always)
        private mutating func appendSeparator(_ byte: UInt8, _ scalar: Unicode.Scalar?) {
            if byte != 0xFF {
                bytes.append(byte)
            } else if let scalar {
                appendScalar(scalar, to: &bytes)
            }
        }

        mutating func append(_ segment: X12Segment, number: Int?) throws(X12Error) {
            let start = bytes.count
            do {
                try appendChecked(segment, number: number)
            } catch {
                bytes.removeSubrange(start...)
                throw error
            }
        }

        private mutating func appendChecked(_ segment: X12Segment, number: Int?) throws(X12Error) {
            // ISA11 and ISA16 hold the repetition and component separators themselves.
            let isISA: Bool
            switch appendId(segment.id) {
            case nil: throw X12Error("segment id '\(segment.id)' is not 2 or 3 upper-case letters and digits", segmentNumber: number)
            case let isa?: isISA = isa
            }
            let elements = segment.elements
            for offset in elements.indices {
                appendSeparator(element, delimiters.element)
                // Read in place: `storage` is a struct, so its strings are borrowed, not copied.
                if let repetitions = elements[offset].storage.composite {
                    if repetitions.count > 1 && delimiters.repetition == nil {
                        throw X12Error("\(segment.id)\(X12Writer.position(offset + 1)) repeats, but no repetition separator is set",
                                       segmentNumber: number, elementPosition: offset + 1)
                    }
                    for repetitionIndex in repetitions.indices {
                        if repetitionIndex > 0 { appendSeparator(repetition, delimiters.repetition) }
                        let components = repetitions[repetitionIndex]
                        for componentIndex in components.indices {
                            if componentIndex > 0 { appendSeparator(component, delimiters.component) }
                            try appendValue(components[componentIndex], isISA: isISA, segment: segment, offset: offset, number: number)
                        }
                    }
                } else {
                    try appendValue(elements[offset].storage.simple, isISA: isISA, segment: segment, offset: offset, number: number)
                }
            }
        }

        /// Appends the id when it is 2 or 3 upper-case letters and digits, the first a letter, and
        /// tells whether it is `ISA`; nil (nothing appended) when it is not such an id.
        private mutating func appendId(_ id: String) -> Bool? {
            // Two or three bytes, read one by one (a buffer and a closure cost more than the id).
            let utf8 = id.utf8
            let count = utf8.count
            guard count == 2 || count == 3 else { return nil }
            var index = utf8.startIndex
            let first = utf8[index]
            utf8.formIndex(after: &index)
            let second = utf8[index]
            utf8.formIndex(after: &index)
            let third: UInt8 = count == 3 ? utf8[index] : 0x41
            func isUpperOrDigit(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) }
            guard first >= 0x41 && first <= 0x5A, isUpperOrDigit(second), isUpperOrDigit(third) else { return nil }
            bytes.append(first)
            bytes.append(second)
            if count == 3 { bytes.append(third) }
            return count == 3 && first == 0x49 && second == 0x53 && third == 0x41
        }

        private mutating func appendValue(_ value: String, isISA: Bool, segment: X12Segment, offset: Int, number: Int?) throws(X12Error) {
            let plain = isISA ? plainInISA : self.plain
            // Printable ASCII other than a separator: copied as it is, without a second look. Read
            // in place (no mutable copy of the string); a string without contiguous UTF-8 (bridged)
            // takes the general path below.
            let copied = value.utf8.withContiguousStorageIfAvailable { (utf8: UnsafeBufferPointer<UInt8>) -> Bool in
                for byte in utf8 where !Self.contains(plain, byte) { return false }
                bytes.append(contentsOf: utf8)
                return true
            }
            if copied == true { return }
            try checkSlowly(value, isISA: isISA, segment: segment, offset: offset, number: number)
            bytes.append(contentsOf: value.utf8)
        }

        /// The general check, scalar by scalar (values with non-ASCII text or a problem).
        private func checkSlowly(_ value: String, isISA: Bool, segment: X12Segment, offset: Int, number: Int?) throws(X12Error) {
            let forbidden: [Unicode.Scalar] = isISA ? [delimiters.element, delimiters.segment] : delimiters.all
            for scalar in value.unicodeScalars {
                if forbidden.contains(scalar) {
                    throw X12Error("\(segment.id)\(X12Writer.position(offset + 1)) contains the separator \(X12Delimiters.describe(scalar)); "
                                   + "X12 has no escape, so the value must be fixed at its source",
                                   segmentNumber: number, elementPosition: offset + 1)
                }
                // ISA11 and ISA16 are the repetition and component separators themselves, which may be
                // control characters (U+001F is common); the reader accepts them there, so the writer does too.
                if X12Text.isControl(scalar) && !(isISA && (offset == 10 || offset == 15)) {
                    throw X12Error("\(segment.id)\(X12Writer.position(offset + 1)) contains the control character \(X12Delimiters.describe(scalar))",
                                   segmentNumber: number, elementPosition: offset + 1)
                }
            }
        }
    }

    static func position(_ position: Int) -> String { position < 10 ? "0\(position)" : "\(position)" }
}
