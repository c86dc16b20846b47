/// One segment as `X12SegmentStream` found it, borrowed from the stream's buffer for the length of
/// one callback: its bytes and where its elements end, nothing copied or decoded. The streaming
/// checker reads every element of every segment through it, so it builds no string or array per
/// segment; `element.owned` and `idText` build the owned forms when a message needs them.
public struct X12SegmentView {
    /// The segment without its terminator: `CLM*ENC-1*330***11:B:1`.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where each field ends (the index of the separator after it, or `bytes.count`); field 0 is the id.
    let fieldEnds: UnsafeBufferPointer<Int>
    let component: UInt8
    /// The repetition separator; the element separator when the interchange has none (it never
    /// occurs inside an element, so nothing is split on it).
    let repetition: UInt8
    /// The id's bytes packed in a number (`X12SegmentView.code("CLM")`): ids compare as one integer.
    public let idCode: UInt32

    init(bytes: UnsafeBufferPointer<UInt8>, fieldEnds: UnsafeBufferPointer<Int>, component: UInt8, repetition: UInt8) {
        self.bytes = bytes; self.fieldEnds = fieldEnds; self.component = component; self.repetition = repetition
        var code: UInt32 = 0
        for byte in bytes[..<fieldEnds[0]].prefix(4) { code = code << 8 | UInt32(byte) }
        idCode = code
    }

    /// Up to three ASCII bytes of a segment id packed in a number, as `idCode` packs them.
    public static func code(_ id: String) -> UInt32 {
        var code: UInt32 = 0
        for byte in id.utf8.prefix(4) { code = code << 8 | UInt32(byte) }
        return code
    }

    /// `CLM` (an id is 2–3 capitals and digits: the reader checked it).
    public var idText: String { String(decoding: bytes[..<fieldEnds[0]], as: UTF8.self) }

    /// How many elements follow the id, trailing empty ones included.
    public var elementCount: Int { fieldEnds.count - 1 }

    /// The element at X12 position `position` (1-based: `segment[1]` is `CLM01`), nil past the end.
    public subscript(position: Int) -> X12ElementView? {
        guard position >= 1 && position < fieldEnds.count else { return nil }
        let start = fieldEnds[position - 1] + 1
        return X12ElementView(bytes: UnsafeBufferPointer(rebasing: bytes[start..<fieldEnds[position]]),
                              component: component, repetition: repetition)
    }

    /// The first component of the element at `position` (its whole value when simple); empty when absent.
    public func value(_ position: Int) -> X12Bytes { self[position]?.value ?? .empty }

    /// The segment ended with an element separator (`DMG*D8*19800115*F*~`): an error in X12.
    public var endsWithSeparator: Bool { fieldEnds.count > 1 && fieldEnds[fieldEnds.count - 1] == fieldEnds[fieldEnds.count - 2] + 1 }
}

/// A run of bytes of the input (an element, a component), valid while its segment is.
public typealias X12Bytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer<UInt8> {
    /// No bytes: an absent element or component.
    public static var empty: X12Bytes { X12Bytes(start: nil, count: 0) }

    /// The bytes read as `text`, as `String` equality has it: byte for byte, or for bytes that are
    /// not ASCII, canonically (the Kelvin sign U+212A is `K`).
    public func isText(_ text: StaticString) -> Bool {
        if count == text.utf8CodeUnitCount && elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: count)) { return true }
        return !isASCII && self.text == text.description
    }

    /// The bytes as text (invalid UTF-8 replaced by U+FFFD, as the reader decodes it).
    public var text: String { String(decoding: self, as: UTF8.self) }

    public var isASCII: Bool { allSatisfy { $0 < 0x80 } }
}

/// The components of an element one after another; past the last, empty ones without end.
struct X12Components {
    /// What is left of the first repetition; nil once its last component was handed out.
    var rest: X12Bytes?
    let separator: UInt8

    mutating func next() -> X12Bytes {
        guard let bytes = rest else { return .empty }
        guard let end = bytes.firstIndex(of: separator) else { rest = nil; return bytes }
        rest = UnsafeBufferPointer(rebasing: bytes[(end + 1)...])
        return UnsafeBufferPointer(rebasing: bytes[..<end])
    }
}

/// One element of an `X12SegmentView`: a simple value, or components and repetitions split on demand.
public struct X12ElementView {
    let bytes: X12Bytes
    let component: UInt8
    let repetition: UInt8

    /// One value, no components or repetitions.
    public var isSimple: Bool { !bytes.contains { $0 == component || $0 == repetition } }

    /// Nothing but separators, or nothing at all.
    public var isEmpty: Bool { bytes.allSatisfy { $0 == component || $0 == repetition } }

    /// How many times the element repeats (1 for any element that does not).
    public var repetitionCount: Int { 1 + bytes.reduce(0) { $0 + ($1 == repetition ? 1 : 0) } }

    /// The first component of the first repetition: the whole value of a simple element.
    public var value: X12Bytes { UnsafeBufferPointer(rebasing: bytes[..<(bytes.firstIndex { $0 == component || $0 == repetition } ?? bytes.count)]) }

    /// The first repetition, components and their separators.
    var firstRepetition: X12Bytes { UnsafeBufferPointer(rebasing: bytes[..<(bytes.firstIndex(of: repetition) ?? bytes.count)]) }

    /// How many components the first repetition has (1 for a simple element).
    public var componentCount: Int { 1 + firstRepetition.reduce(0) { $0 + ($1 == component ? 1 : 0) } }

    /// Component `index` (0-based) of the first repetition; empty when there are fewer.
    public func component(_ index: Int) -> X12Bytes {
        let first = firstRepetition
        var start = 0, found = 0
        for position in 0...first.count where position == first.count || first[position] == component {
            if found == index { return UnsafeBufferPointer(rebasing: first[start..<position]) }
            found += 1; start = position + 1
        }
        return .empty
    }

    /// The components of the first repetition in order (read one pass, where `component(_:)` starts over).
    var components: X12Components { X12Components(rest: firstRepetition, separator: component) }

    /// Any component of the first repetition holds something.
    var hasComponentValue: Bool { firstRepetition.contains { $0 != component } }

    /// The element as the whole-document reader stores it (repetitions of components).
    public var owned: X12Element {
        if isSimple { return X12Element(bytes.text) }
        var repetitions: [[String]] = [[]]
        var partStart = 0
        for position in 0...bytes.count {
            let byte: UInt8? = position < bytes.count ? bytes[position] : nil
            guard byte == nil || byte == component || byte == repetition else { continue }
            repetitions[repetitions.count - 1].append(UnsafeBufferPointer(rebasing: bytes[partStart..<position]).text)
            if byte == repetition { repetitions.append([]) }
            partStart = position + 1
        }
        return X12Element(repetitions: repetitions)
    }
}
