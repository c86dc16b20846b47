import Foundation

/// One top-level record cut out of an input file. Parsing is left to `result`, so records can be
/// parsed on several threads.
public struct JSONRecord: Sendable {
    /// 1-based position of the record in the file.
    public var ordinal: Int
    /// Line and column where the record starts.
    public var line: Int
    public var column: Int
    /// The record's bytes (empty when the file's structure itself is broken).
    public var bytes: [UInt8]
    /// A structural error of the file found while cutting records.
    public var structuralError: JSONSyntaxError?

    public init(ordinal: Int, line: Int, column: Int, bytes: [UInt8] = [], structuralError: JSONSyntaxError? = nil) {
        self.ordinal = ordinal; self.line = line; self.column = column; self.bytes = bytes; self.structuralError = structuralError
    }

    /// The parsed record, or where and why it is not JSON.
    public var result: Result<JSONValue, JSONSyntaxError> {
        if let structuralError { return .failure(structuralError) }
        var parser = JSONParser(bytes: bytes, line: line, column: column)
        do { return .success(try parser.parseDocument()) } catch { return .failure(error) }
    }
}

/// Cuts a stream of bytes into encounter records without holding the whole file:
/// either a JSON array of objects or JSON Lines (one object per line). Feed it chunks as
/// they are read; each complete record is parsed on its own, so one malformed encounter
/// is reported with its line and column and the others are still read.
public struct JSONRecordSplitter {
    private enum Mode { case undecided, array, lines, finished }
    private var mode = Mode.undecided
    private var buffer: [UInt8] = []
    private var recordLine = 1
    private var recordColumn = 1
    private var line = 1
    private var column = 1
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var collecting = false
    private var expectingElement = true
    private var ordinal = 0
    private var fatal: JSONSyntaxError?
    /// The record being read has passed `maxRecordBytes`: its bytes are dropped until it ends,
    /// then it is reported as one error record (the others are still read).
    private var oversized = false

    /// The most bytes one encounter record may take (docs/errors.md). A real encounter with 50
    /// lines takes a few kilobytes; the limit keeps memory bounded on a hostile file.
    public static let maxRecordBytes = 256 * 1024

    public init() {}

    /// True once the file's structure is broken beyond recovery: nothing more will be read from it.
    public var hasFailed: Bool { fatal != nil }

    public mutating func feed<Bytes: Sequence>(_ chunk: Bytes) -> [JSONRecord] where Bytes.Element == UInt8 {
        var records: [JSONRecord] = []
        let done: Void? = chunk.withContiguousStorageIfAvailable { bytes in feed(contiguous: bytes, into: &records) }
        if done == nil {
            for byte in chunk { step(byte, into: &records) }
        }
        return records
    }

    private mutating func step(_ byte: UInt8, into records: inout [JSONRecord]) {
        consume(byte, into: &records)
        if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
    }

    /// JSON Lines (nearly every byte of a batch) take whole lines at a time: find the newline
    /// (`memchr`), append the line to the record in one copy. Arrays and the first bytes go byte by
    /// byte. The column is not counted along a line: in JSON Lines it is read only at the start of a
    /// line (a record starts there), and the newline sets it back to 1.
    private mutating func feed(contiguous bytes: UnsafeBufferPointer<UInt8>, into records: inout [JSONRecord]) {
        var index = 0
        while index < bytes.count {
            guard mode == .lines else {
                step(bytes[index], into: &records)
                index += 1
                continue
            }
            let base = bytes.baseAddress!
            var end = bytes.count
            if let newline = memchr(base + index, 0x0A, bytes.count - index) {
                end = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base
            }
            if end > index {
                if buffer.isEmpty && !oversized { startRecord() }
                let line = UnsafeBufferPointer(rebasing: bytes[index..<end])
                if !oversized {
                    if buffer.count + line.count > Self.maxRecordBytes {
                        oversized = true
                        buffer.removeAll()
                    } else {
                        buffer.append(contentsOf: line)
                    }
                }
            }
            guard end < bytes.count else { return }
            step(0x0A, into: &records)
            index = end + 1
        }
    }

    /// Call at end of input: returns a last JSON Lines record and any structural error.
    public mutating func finish() -> [JSONRecord] {
        var records: [JSONRecord] = []
        if fatal != nil { return records }
        switch mode {
        case .lines:
            if oversized {
                emitOversized(into: &records)
            } else if !buffer.isEmpty, buffer.contains(where: { !Self.isWhitespace($0) }) {
                emit(into: &records)
            }
        case .array:
            let message = collecting ? "unexpected end of input inside an encounter; is a '}' missing?"
                                     : "unexpected end of input; the array is not closed with ']'"
            ordinal += 1
            records.append(JSONRecord(ordinal: ordinal, line: collecting ? recordLine : line,
                                      column: collecting ? recordColumn : column,
                                      structuralError: JSONSyntaxError(line: line, column: column, message: message)))
        case .undecided, .finished:
            break
        }
        buffer = []
        return records
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private mutating func fail(_ message: String, into records: inout [JSONRecord]) {
        let error = JSONSyntaxError(line: line, column: column, message: message)
        fatal = error
        mode = .finished
        ordinal += 1
        records.append(JSONRecord(ordinal: ordinal, line: line, column: column, structuralError: error))
    }

    private mutating func consume(_ byte: UInt8, into records: inout [JSONRecord]) {
        switch mode {
        case .finished:
            if fatal == nil, !Self.isWhitespace(byte) { fail("unexpected text after the closing ']'", into: &records) }
        case .undecided:
            if Self.isWhitespace(byte) || (byte == 0xEF || byte == 0xBB || byte == 0xBF) && line == 1 { return }
            if byte == UInt8(ascii: "[") {
                mode = .array
            } else if byte == UInt8(ascii: "{") {
                mode = .lines
                startRecord()
                buffer.append(byte)
            } else {
                fail("the file must hold a JSON array of encounters or one encounter object per line (JSON Lines)", into: &records)
            }
        case .lines:
            if byte == 0x0A {
                if oversized {
                    emitOversized(into: &records)
                } else if buffer.contains(where: { !Self.isWhitespace($0) }) {
                    emit(into: &records)
                }
                buffer.removeAll(keepingCapacity: true)
                recordLine = line + 1
                recordColumn = 1
            } else if !oversized {
                if buffer.isEmpty { startRecord() }
                if buffer.count >= Self.maxRecordBytes {
                    oversized = true
                    buffer.removeAll()
                } else {
                    buffer.append(byte)
                }
            }
        case .array:
            consumeInArray(byte, into: &records)
        }
    }

    private mutating func startRecord() {
        recordLine = line
        recordColumn = column
    }

    private mutating func consumeInArray(_ byte: UInt8, into records: inout [JSONRecord]) {
        if collecting {
            if !oversized {
                if buffer.count >= Self.maxRecordBytes {
                    oversized = true
                    buffer.removeAll()
                } else {
                    buffer.append(byte)
                }
            }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                return
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    if oversized { emitOversized(into: &records) } else { emit(into: &records) }
                    collecting = false
                    expectingElement = false
                }
            default: break
            }
            return
        }
        if Self.isWhitespace(byte) { return }
        switch byte {
        case UInt8(ascii: "]"):
            // `[…,]`: a trailing comma is not JSON (the parser refuses it too).
            if expectingElement && ordinal > 0 { fail("unexpected ']' after ','; remove the trailing comma", into: &records); return }
            mode = .finished
        case UInt8(ascii: ","):
            if expectingElement { fail("unexpected ','; an encounter object was expected", into: &records) }
            expectingElement = true
        case UInt8(ascii: "{"):
            if !expectingElement { fail("expected ',' between encounters", into: &records); return }
            collecting = true
            depth = 1
            buffer.removeAll(keepingCapacity: true)
            buffer.append(byte)
            startRecord()
        default:
            fail("unexpected character '\(byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "?")'; each array element must be an encounter object", into: &records)
        }
    }

    /// One error record in place of a record too large to read.
    private mutating func emitOversized(into records: inout [JSONRecord]) {
        ordinal += 1
        let error = JSONSyntaxError(line: recordLine, column: recordColumn,
                                    message: "this encounter record is larger than \(Self.maxRecordBytes / 1024) KiB, the most one record may take; check the export (is a line break missing between records?)")
        records.append(JSONRecord(ordinal: ordinal, line: recordLine, column: recordColumn, structuralError: error))
        oversized = false
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func emit(into records: inout [JSONRecord]) {
        ordinal += 1
        records.append(JSONRecord(ordinal: ordinal, line: recordLine, column: recordColumn, bytes: buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
