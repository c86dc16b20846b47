import Foundation

/// The byte-level parser behind `JSONTape`. Reads through an unsafe buffer: every read is guarded
/// by an explicit `index < bytes.count` (debug builds check them again).
struct JSONTapeParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var line: Int
    private var lineStart = 0
    private var depth = 0
    private let columnOffset: Int
    /// Where the nodes go: room for `JSONTape.maxNodes`, so appending one is a store, no capacity
    /// or copy-on-write check (the precondition in `appendNode` guards the bound).
    private let nodes: UnsafeMutableBufferPointer<JSONTape.Node>
    private(set) var nodeCount = 0
    private(set) var decodedStrings: [String] = []

    /// Objects with more members than this look for duplicate names in a set instead of one by one.
    private static let membersCheckedOneByOne = 16

    init(bytes: UnsafeBufferPointer<UInt8>, nodes: UnsafeMutableBufferPointer<JSONTape.Node>, line: Int, column: Int) {
        self.bytes = bytes
        self.nodes = nodes
        self.line = line
        self.columnOffset = column - 1
    }

    mutating func parseDocument() throws(JSONSyntaxError) {
        skipWhitespace()
        try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected text after the end of the JSON value") }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: index - lineStart + 1 + (lineStart == 0 ? columnOffset : 0), message: message)
    }

    /// Compact records have no whitespace between tokens: that answer costs no call.
    @inline(__always)
    private mutating func skipWhitespace() {
        if index < bytes.count, bytes[index] > 0x20 { return }
        skipWhitespaceRun()
    }

    private mutating func skipWhitespaceRun() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    /// Appends `node` and returns its index.
    @inline(__always)
    private mutating func appendNode(_ node: JSONTape.Node) -> Int {
        precondition(nodeCount < nodes.count, "more JSON nodes than JSONTape.maxNodes")
        (nodes.baseAddress! + nodeCount).initialize(to: node)
        nodeCount += 1
        return nodeCount - 1
    }

    /// Appends a scalar node (its `next` is the node after it).
    @inline(__always)
    private mutating func appendScalar(_ node: JSONTape.Node) {
        var node = node
        node.next = nodeCount + 1
        _ = appendNode(node)
    }

    private mutating func parseValue() throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of input; a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try parseObject()
        case UInt8(ascii: "["): try parseArray()
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try expectWord("true"); appendScalar(JSONTape.Node(kind: .true))
        case UInt8(ascii: "f"): try expectWord("false"); appendScalar(JSONTape.Node(kind: .false))
        case UInt8(ascii: "n"): try expectWord("null"); appendScalar(JSONTape.Node(kind: .null))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default:
            throw error("unexpected character '\(Self.printable(bytes[index]))'; a value (object, array, string, number, true, false or null) was expected")
        }
    }

    private static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }

    /// `true`, `false` or `null` at `index`: compared four bytes at once (the last four of `false`
    /// after its `f`); a mismatch is placed byte by byte.
    @inline(__always)
    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        if index + length <= bytes.count {
            let tail = UnsafeRawPointer(word.utf8Start + length - 4).loadUnaligned(as: UInt32.self)
            if UnsafeRawPointer(bytes.baseAddress! + index + length - 4).loadUnaligned(as: UInt32.self) == tail,
               length == 4 || bytes[index] == word.utf8Start[0] {
                index += length
                return
            }
        }
        try expectWordByteByByte(word)
    }

    private mutating func expectWordByteByByte(_ word: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in expected {
            guard index < bytes.count, bytes[index] == byte else {
                throw error("invalid literal; did you mean '\(word)'? (strings need double quotes)")
            }
            index += 1
        }
    }

    @inline(__always)
    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > 64 { throw error("nesting deeper than 64 levels") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) {
        try enter(); defer { depth -= 1 }
        index += 1
        let objectIndex = appendNode(JSONTape.Node(kind: .object))
        /// The bits of the member names so far (`nameBit`): a name whose bit is not set is new.
        var nameBits: UInt64 = 0
        var members = 0
        defer {
            nodes[objectIndex].next = nodeCount
            nodes[objectIndex].memberNameBits = nameBits
            nodes[objectIndex].count = members
        }
        /// Member names so far, once there are too many to compare one by one.
        var names: Set<String>?
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object; is a '}' missing?") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
            try scanString()
            let keyIndex = nodeCount - 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after member name \"\(text(of: nodes[keyIndex]))\"") }
            index += 1
            skipWhitespace()
            // Equal plain names set the same bit, so a plain name whose bit is not set yet is new: most
            // names are never compared. An escaped or past-ASCII name sets every bit (it may equal any
            // name), and past a few members every name goes into the set (`isDuplicate`).
            let key = nodes[keyIndex]
            let bit: UInt64
            if !key.escaped && !key.nonASCII {
                bit = Self.nameBit(bytes.baseAddress! + key.start, count: key.end - key.start)
                nodes[keyIndex].nameSlot = UInt8(truncatingIfNeeded: bit.trailingZeroBitCount)
            } else {
                bit = ~0
            }
            let mayRepeat = nameBits & bit != 0 || members >= Self.membersCheckedOneByOne
            nameBits |= bit
            if mayRepeat, isDuplicate(keyIndex, in: objectIndex, members: members, names: &names) {
                throw error("duplicate member \"\(text(of: key))\"")
            }
            members += 1
            // Most values are strings: scanned without the dispatch of `parseValue`.
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { try parseString() } else { try parseValue() }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object; is a '}' missing?") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw error("expected ',' or '}' after the value of \"\(text(of: key))\"")
        }
    }

    /// A plain name's bit, from its length and its first, middle and last bytes: equal names, equal bits.
    @inline(__always)
    static func nameBit(_ name: UnsafePointer<UInt8>, count length: Int) -> UInt64 {
        var mix = UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
        if length > 0 {
            mix ^= (UInt64(name[0]) | UInt64(name[length / 2]) << 8 | UInt64(name[length - 1]) << 16) &* 0xC2B2_AE3D_27D4_EB4F
        }
        return UInt64(1) << (mix >> 58)
    }

    /// Whether the member name at `keyIndex` equals (as Swift strings do: canonically equivalent
    /// text is equal) the name of one of the `members` earlier members of the object at `objectIndex`.
    private func isDuplicate(_ keyIndex: Int, in objectIndex: Int, members: Int, names: inout Set<String>?) -> Bool {
        if members >= Self.membersCheckedOneByOne {
            if names == nil {
                var all = Set<String>(minimumCapacity: members * 2)
                var key = objectIndex + 1
                while key < keyIndex {
                    all.insert(text(of: nodes[key]))
                    key = nodes[key + 1].next
                }
                names = all
            }
            return !names!.insert(text(of: nodes[keyIndex])).inserted
        }
        let new = nodes[keyIndex]
        var key = objectIndex + 1
        while key < keyIndex {
            if sameText(nodes[key], new) { return true }
            key = nodes[key + 1].next
        }
        return false
    }

    /// Two plain ASCII texts are equal exactly when their bytes are; anything else compares as Strings.
    private func sameText(_ a: JSONTape.Node, _ b: JSONTape.Node) -> Bool {
        if !a.escaped, !b.escaped, !a.nonASCII, !b.nonASCII {
            let length = a.end - a.start
            guard length == b.end - b.start else { return false }
            return length == 0 || memcmp(bytes.baseAddress! + a.start, bytes.baseAddress! + b.start, length) == 0
        }
        return text(of: a) == text(of: b)
    }

    private func text(of node: JSONTape.Node) -> String {
        if node.escaped { return decodedStrings[node.start] }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[node.start..<node.end]), as: UTF8.self)
    }

    private mutating func parseArray() throws(JSONSyntaxError) {
        try enter(); defer { depth -= 1 }
        index += 1
        let arrayIndex = appendNode(JSONTape.Node(kind: .array))
        var elements = 0
        defer {
            nodes[arrayIndex].next = nodeCount
            nodes[arrayIndex].count = elements
        }
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            try parseValue()
            elements += 1
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array; is a ']' missing?") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw error("expected ',' or ']' in array")
        }
    }

    /// Appends a string node (the opening quote at `index`): `scanString`, called.
    private mutating func parseString() throws(JSONSyntaxError) {
        try scanString()
    }

    /// Appends a string node (the opening quote at `index`). Most strings have no escape: they are
    /// scanned once and kept as their byte range; the first backslash switches to decoding. Inlined
    /// where member names are read (most strings of a record are names).
    @inline(__always)
    private mutating func scanString() throws(JSONSyntaxError) {
        // Called at a quote: the bytes are not empty. Indexes stay below `bytes.count` (an Int):
        // the additions cannot overflow.
        let base = bytes.baseAddress.unsafelyUnwrapped
        let count = bytes.count
        var index = self.index &+ 1
        let stringStart = index
        var highBits: UInt64 = 0
        // Eight bytes at a time while none ends the string, starts an escape or is a control
        // character; the byte loop below reads the rest (and the word that has such a byte).
        while index &+ 8 <= count {
            // Byte 0 is the lowest on any machine.
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let stops = Self.plainRunStops(word)
            if stops == 0 {
                highBits |= word
                index &+= 8
                continue
            }
            // The lowest flagged byte is the first stop: the bytes before it are plain.
            let plainBits = stops.trailingZeroBitCount & ~7
            highBits |= word & ((1 << plainBits) &- 1)
            index &+= plainBits >> 3
            break
        }
        var nonASCII = highBits & Self.highBits != 0
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                self.index = index
                if nonASCII { try checkUTF8(from: stringStart) }
                appendScalar(JSONTape.Node(kind: .string, nonASCII: nonASCII, start: stringStart, end: index))
                self.index = index &+ 1
                return
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte >= 0x80 { nonASCII = true }
            if byte < 0x20 { self.index = index; throw error("control character inside a string; escape it (\\n, \\t, …)") }
            index &+= 1
        }
        self.index = index
        let text = try decodeEscapedString(from: stringStart, nonASCII: nonASCII)
        decodedStrings.append(text)
        appendScalar(JSONTape.Node(decoded: decodedStrings.count - 1))
    }

    private static let lowBits: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` (byte 0 lowest) that is a quote, a backslash or a control
    /// character (below 0x20), the bytes a string's plain run stops at, with the word tests of Bit
    /// Twiddling Hacks ("has a zero byte", "has a byte less than n"). Zero exactly when there is no
    /// such byte, and the lowest bit set is the first such byte: a borrow starts only at one (bits
    /// above it may be set for bytes that are not), and bytes past ASCII are none of them.
    static func plainRunStops(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (lowBits &* 0x22)
        let backslashes = word ^ (lowBits &* 0x5C)
        let control = (word &- lowBits &* 0x20) & ~word
        let quote = (quotes &- lowBits) & ~quotes
        let backslash = (backslashes &- lowBits) & ~backslashes
        return (control | quote | backslash) & highBits
    }

    /// JSON text is UTF-8 (RFC 8259): bytes that are not would silently become U+FFFD.
    private mutating func checkUTF8(from start: Int) throws(JSONSyntaxError) {
        if let bad = JSONParser.firstInvalidUTF8(bytes, from: start, to: index) {
            index = bad
            throw error("a string holds bytes that are not valid UTF-8; export the file as UTF-8 (not Latin-1 or Windows-1252)")
        }
    }

    /// The rest of a string that holds an escape (`index` at the first backslash or the end).
    private mutating func decodeEscapedString(from stringStart: Int, nonASCII: Bool) throws(JSONSyntaxError) -> String {
        var nonASCII = nonASCII
        var runStart = stringStart
        var result = ""
        func flush(_ end: Int) {
            if end > runStart { result += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if nonASCII { try checkUTF8(from: stringStart) }
                flush(index)
                index += 1
                return result
            }
            if byte >= 0x80 { nonASCII = true }
            if byte < 0x20 { throw error("control character inside a string; escape it (\\n, \\t, …)") }
            if byte == UInt8(ascii: "\\") {
                flush(index)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): result += "\""
                case UInt8(ascii: "\\"): result += "\\"
                case UInt8(ascii: "/"): result += "/"
                case UInt8(ascii: "b"): result += "\u{08}"
                case UInt8(ascii: "f"): result += "\u{0C}"
                case UInt8(ascii: "n"): result += "\n"
                case UInt8(ascii: "r"): result += "\r"
                case UInt8(ascii: "t"): result += "\t"
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    result.unicodeScalars.append(scalar)
                default: throw error("invalid escape '\\\(Self.printable(escape))'")
                }
                runStart = index
                continue
            }
            index += 1
        }
        throw error("unterminated string; is a closing '\"' missing?")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intDigits = digits()
        guard intDigits > 0 else { throw error("invalid number") }
        if intDigits > 1, bytes[start + (bytes[start] == UInt8(ascii: "-") ? 1 : 0)] == UInt8(ascii: "0") {
            throw error("numbers may not have leading zeros")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("invalid number: digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("invalid number: digits expected in exponent") }
        }
        appendScalar(JSONTape.Node(kind: .number, start: start, end: index))
    }
}
