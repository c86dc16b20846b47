/// Reads X12 from chunks of bytes, one segment at a time, in memory bounded by the longest
/// segment (at most `maxSegmentBytes`), whatever the size of the file. Each ISA goes through
/// `X12Reader.interchangeHeader`, so the separators are taken from the header exactly as the
/// whole-document reader takes them; the segments between are split on those (ASCII) separators.
/// Malformed input becomes a `problem` event with its segment number, line and offset, never a crash.
/// A segment is handed over as an `X12SegmentView` of the stream's own buffer: nothing is copied.
public struct X12SegmentStream: Sendable {
    public struct Item {
        /// Valid only inside the callback that receives it.
        public var segment: X12SegmentView
        /// 1-based ordinal of the segment in the input (the first ISA is 1).
        public var number: Int
        /// 1-based line where the segment starts.
        public var line: Int
    }

    public enum Event {
        case segment(Item)
        /// `fatal`: nothing after this point can be read (no ISA, an unreadable ISA, input cut short).
        case problem(X12Error, fatal: Bool)
    }

    /// A segment longer than this is reported and skipped up to its terminator.
    public static let maxSegmentBytes = 1 << 20

    private struct Separators: Sendable {
        var element: UInt8, component: UInt8, repetition: UInt8?, terminator: UInt8
    }

    private var buffer: [UInt8] = []
    /// Offset in the input and line of `buffer[0]`.
    private var offset = 0
    private var line = 1
    private var number = 0
    private var separators: Separators?
    private var stopped = false
    private var started = false
    private var skippingLongSegment = false
    /// Bytes of the unfinished segment at the start of `buffer` already searched for its terminator
    /// (so tiny chunks do not rescan it: linear time however the input arrives).
    private var searched = 0
    /// Where the fields of the segment being handed over end (reused: no array per segment).
    private var fieldEnds: [Int] = []

    public init() {}

    /// Segments read so far.
    public var segmentCount: Int { number }

    /// Reads what `chunk` completes; keeps an unfinished segment for the next chunk.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ handle: (Event) -> Void) {
        guard !stopped else { return }
        buffer.append(contentsOf: chunk)
        process(final: false, handle)
    }

    public mutating func feed(_ bytes: [UInt8], _ handle: (Event) -> Void) {
        bytes.withUnsafeBytes { feed($0, handle) }
    }

    /// The end of the input: whatever is left must be blank.
    public mutating func finish(_ handle: (Event) -> Void) {
        guard !stopped else { return }
        process(final: true, handle)
        if !started && !stopped {
            handle(.problem(X12Error("the input is empty; an interchange starts with ISA", offset: 0, line: 1), fatal: true))
        }
        stopped = true
    }

    private mutating func process(final: Bool, _ handle: (Event) -> Void) {
        var index = 0
        defer {
            if index > 0 { buffer.removeFirst(min(index, buffer.count)); offset += index }
        }
        func newlines(_ range: Range<Int>) -> Int {
            var count = 0
            for position in range where buffer[position] == 0x0A { count += 1 }
            return count
        }
        func fail(_ message: String, at position: Int, fatal: Bool = true, element: Int? = nil) {
            handle(.problem(X12Error(message, segmentNumber: number + 1, elementPosition: element, offset: offset + position, line: line), fatal: fatal))
            if fatal { stopped = true; index = buffer.count }
        }
        if !started, offset == 0, buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
        while !stopped {
            if skippingLongSegment {
                guard let terminator = separators?.terminator, let end = buffer[index...].firstIndex(of: terminator) else {
                    line += newlines(index..<buffer.count); index = buffer.count
                    return
                }
                line += newlines(index..<end); index = end + 1; skippingLongSegment = false
            }
            while index < buffer.count, Self.isBlank(buffer[index]) {
                if buffer[index] == 0x0A { line += 1 }
                index += 1
            }
            guard index < buffer.count else { return }
            started = true
            let remaining = buffer.count - index
            // "I" or "IS" at the end of a chunk may be the start of an ISA: wait for the next chunk.
            if remaining < 3 && !final && Array("ISA".utf8).starts(with: buffer[index...]) { return }
            if remaining >= 3 && buffer[index] == 0x49 && buffer[index + 1] == 0x53 && buffer[index + 2] == 0x41 {
                guard remaining >= X12Reader.isaLength || final else { return }
                let end = min(buffer.count, index + X12Reader.isaLength)
                if let bad = buffer[index..<end].firstIndex(where: { $0 >= 0x80 }) {
                    fail("the ISA holds a byte that is not ASCII (0x\(String(buffer[bad], radix: 16, uppercase: true))); ISA is 106 ASCII characters", at: bad)
                    return
                }
                do {
                    let header = try X12Reader.interchangeHeader(String(decoding: buffer[index..<end], as: UTF8.self), segmentNumber: number + 1)
                    let declared = header.delimiters
                    separators = Separators(element: UInt8(declared.element.value), component: UInt8(declared.component.value),
                                            repetition: declared.repetition.map { UInt8($0.value) }, terminator: UInt8(declared.segment.value))
                    number += 1
                    // ISA elements are split on the element separator alone (ISA11 and ISA16 hold separators).
                    let element = UInt8(declared.element.value)
                    _ = emit(index..<(index + X12Reader.terminatorOffset), element: element, component: element, repetition: element, handle)
                    line += newlines(index..<end)
                    index = end
                } catch {
                    var located = error
                    located.offset = offset + index + (error.offset ?? 0); located.line = line
                    handle(.problem(located, fatal: true)); stopped = true; index = buffer.count
                    return
                }
                continue
            }
            guard let separators else {
                // Quote the same 20 characters however the input is cut.
                if remaining < 20 && !final { return }
                fail("the input does not start with an ISA segment (found '\(Self.preview(buffer[index...]))')", at: index)
                return
            }
            var terminatorText: String { X12Delimiters.describe(Unicode.Scalar(separators.terminator)) }
            let found = buffer[min(buffer.count, index + searched)...].firstIndex(of: separators.terminator)
            searched = found == nil ? remaining : 0
            // Too long, whether or not this chunk holds its end (the same finding however the file is cut).
            if (found ?? buffer.count) - index > Self.maxSegmentBytes {
                fail("a segment runs on for more than \(Self.maxSegmentBytes) bytes without the terminator \(terminatorText); it was skipped",
                     at: index, fatal: false)
                number += 1; searched = 0
                let stop = found.map { $0 + 1 } ?? buffer.count
                skippingLongSegment = found == nil
                line += newlines(index..<stop); index = stop
                continue
            }
            guard let end = found else {
                if final {
                    fail("the last segment ('\(Self.preview(buffer[index...]))') is not terminated by \(terminatorText)", at: index)
                }
                return
            }
            number += 1
            if end == index {
                handle(.problem(X12Error("empty segment (two terminators in a row); remove one", segmentNumber: number, offset: offset + index, line: line), fatal: false))
            } else if !emit(index..<end, element: separators.element, component: separators.component,
                             repetition: separators.repetition ?? separators.element, handle) {
                handle(.problem(X12Error("'\(Self.preview(buffer[index..<end]))' does not start with a segment id (2 or 3 upper-case letters and digits)",
                                         segmentNumber: number, offset: offset + index, line: line), fatal: false))
            }
            line += newlines(index..<end)
            index = end + 1
        }
    }

    /// Hands one segment's bytes (terminator excluded) to `handle` as a view; false (nothing handed
    /// over) when its id is not 2–3 upper-case letters and digits.
    private mutating func emit(_ range: Range<Int>, element: UInt8, component: UInt8, repetition: UInt8, _ handle: (Event) -> Void) -> Bool {
        fieldEnds.removeAll(keepingCapacity: true)
        let idValid = buffer.withUnsafeBufferPointer { all -> Bool in
            let bytes = UnsafeBufferPointer(rebasing: all[range])
            for position in 0..<bytes.count where bytes[position] == element { fieldEnds.append(position) }
            fieldEnds.append(bytes.count)
            let id = bytes[..<fieldEnds[0]]
            return (2...3).contains(id.count) && Self.isUpper(id[0]) && id.allSatisfy { Self.isUpper($0) || ($0 >= 0x30 && $0 <= 0x39) }
        }
        guard idValid else { return false }
        buffer.withUnsafeBufferPointer { all in
            fieldEnds.withUnsafeBufferPointer { ends in
                let view = X12SegmentView(bytes: UnsafeBufferPointer(rebasing: all[range]), fieldEnds: ends,
                                          component: component, repetition: repetition)
                handle(.segment(Item(segment: view, number: number, line: line)))
            }
        }
        return true
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09 }

    /// Up to 20 bytes for a message, control characters and non-ASCII shown as `?`.
    private static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(20).map { $0 >= 0x20 && $0 < 0x7F ? $0 : 0x3F }, as: UTF8.self)
    }
}
