import Foundation

/// Writes FHIR XML text directly, in the exact layout libxml2's indented serializer produces
/// (`xmlDocDumpFormatMemoryEnc`, UTF-8): an XML declaration, two spaces per level, `<name value="…"/>`
/// for primitives, and the namespace as the root's default namespace. FHIR puts every primitive in a
/// `value` attribute, so an element has either a value or children.
///
/// The mapping writes elements once, in document order. Characters XML 1.0 cannot carry are noted
/// while writing (`forbidden`), so callers reject them without a second pass; the element structure
/// is noted too (`shape`), so a caller validates each distinct structure once (`ValidatedShapes`).
///
/// A tag is written as one piece: its room reserved once (with slack for the indentation's whole
/// words), then its bytes stored through a pointer held in a register and the length set once. Each
/// checked append reloaded the storage and length after every store (a store through a raw pointer
/// may change any memory) and checked the room again: ~160 instructions a tag (issue 18).
struct XMLText: ~Copyable {
    /// The text written so far (a copy).
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: length)) }
    /// The text from `offset` on, as `Data` (one copy).
    func data(from offset: Int = 0) -> Data { Data(bytes: storage + offset, count: length - offset) }
    /// Written by plain stores into memory this text owns: an `Array` checked its uniqueness on every
    /// write, and zero-filling it cost ~8,000 instructions a document (issue 18). Not copyable, so
    /// exactly one owner writes and frees it.
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var length = 0
    /// The open elements, outermost first (for end tags and for the path in messages), in memory this
    /// text owns (an array's appends and removals checked its uniqueness and capacity each time).
    private var openNames: UnsafeMutablePointer<StaticString>
    private var openCapacity: Int
    private var openCount = 0
    /// `<name` of the innermost element is written but not yet its `>` (it may turn out empty: `/>`).
    private var startTagPending = false
    private let namespace: String
    /// The first character XML 1.0 cannot carry, with the path of the element that holds it.
    private(set) var forbidden: (path: String, scalar: Unicode.Scalar)?

    /// The document's element structure without its values (`Shape`): each start tag, primitive and
    /// end tag in order, names by the address of their static text (the same literal, the same
    /// address), kept in memory this text owns with its hash as it grows.
    private var tokens: UnsafeMutablePointer<UInt>
    private var tokenCapacity: Int
    private var tokenCount = 0
    private var digest = Shape.emptyDigest

    /// The element structure written so far (a copy of its tokens).
    var shape: Shape { Shape(tokens: Array(shapeTokens), digest: digest) }
    /// The structure's tokens and hash, read in place (`ValidatedShapes` looks them up without a copy).
    var shapeTokens: UnsafeBufferPointer<UInt> { UnsafeBufferPointer(start: tokens, count: tokenCount) }
    var shapeDigest: UInt64 { digest }

    /// How many elements are open (where the next element goes).
    var depth: Int { openCount }

    /// Where the document's root element starts (after `opening`).
    private(set) var rootStart = 0

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// Room every tag reserves beyond its name and value: the indentation's whole words (up to 64
    /// bytes stored, at most 60 kept), `>\n` of a pending start tag, and the tag's own punctuation.
    private static var slack: Int { 96 }

    /// - Parameter opening: the text before the root element: the XML declaration of a document of its
    ///   own, or the start of the Bundle entry the resource goes into.
    init(namespace: String, opening: String = XMLText.declaration, capacity: Int = 8192) {
        self.namespace = namespace
        self.capacity = Swift.max(capacity, opening.utf8.count, 1)
        storage = .allocate(capacity: self.capacity)
        (openCapacity, tokenCapacity) = (16, 256)
        openNames = .allocate(capacity: openCapacity)
        tokens = .allocate(capacity: tokenCapacity)
        opening.withUTF8Bytes { write(UnsafeRawBufferPointer($0)) }
        rootStart = length
    }

    /// `opening` made of three parts (a Bundle entry's start, its fullUrl, the start of its resource),
    /// written without joining them into one string first.
    init(namespace: String, opening start: StaticString, _ middle: String, _ end: StaticString, capacity: Int = 8192) {
        self.namespace = namespace
        self.capacity = Swift.max(capacity, start.utf8CodeUnitCount + middle.utf8.count + end.utf8CodeUnitCount, 1)
        storage = .allocate(capacity: self.capacity)
        (openCapacity, tokenCapacity) = (16, 256)
        openNames = .allocate(capacity: openCapacity)
        tokens = .allocate(capacity: tokenCapacity)
        writeOpening(start, middle, end)
    }

    deinit {
        storage.deallocate()
        openNames.deallocate()
        tokens.deallocate()
    }

    /// Starts another document in the same memory, as `init(namespace:opening:_:_:)` would (the
    /// entries of one claim are written one after the other: one set of buffers, not one each).
    mutating func restart(opening start: StaticString, _ middle: String, _ end: StaticString) {
        length = 0
        openCount = 0
        startTagPending = false
        forbidden = nil
        tokenCount = 0
        digest = Shape.emptyDigest
        writeOpening(start, middle, end)
    }

    private mutating func writeOpening(_ start: StaticString, _ middle: String, _ end: StaticString) {
        append(start)
        middle.withUTF8Bytes { write(UnsafeRawBufferPointer($0)) }
        append(end)
        rootStart = length
    }

    /// Text after the root element (the end of a Bundle entry).
    mutating func appendClosing(_ text: StaticString) {
        append(text)
    }

    /// `<name>`; the root element also declares the namespace.
    mutating func start(_ name: StaticString) {
        let nameCount = name.utf8CodeUnitCount
        var cursor = reserve(nameCount + Self.slack)
        if startTagPending { cursor = Self.put(0x0A3E, cursor) }   // ">\n"
        cursor = Self.putIndent(openCount, cursor)
        cursor.pointee = UInt8(ascii: "<")
        cursor = Self.put(name, cursor + 1, count: nameCount)
        length = cursor - storage
        if openCount == 0 {
            append(" xmlns=\""); appendEscaped(namespace, name: name); append("\"")
        }
        addToken(UInt(bitPattern: name.utf8Start) << 2 | 1)
        pushOpen(name)
        startTagPending = true
    }

    /// Closes the innermost element: `</name>`, or `/>` when it has no children.
    mutating func end() {
        precondition(openCount > 0, "an end tag closes an open element")
        openCount -= 1
        addToken(3)
        if startTagPending {
            let cursor = reserve(4)
            UnsafeMutableRawPointer(cursor).storeBytes(of: UInt32(littleEndian: 0x0A3E_2F), as: UInt32.self)   // "/>\n" (and a byte of room)
            length += 3
            startTagPending = false
        } else {
            let name = openNames[openCount]
            let nameCount = name.utf8CodeUnitCount
            var cursor = reserve(nameCount + Self.slack)
            cursor = Self.putIndent(openCount, cursor)
            cursor = Self.put(0x2F3C, cursor)   // "</"
            cursor = Self.put(name, cursor, count: nameCount)
            cursor = Self.put(0x0A3E, cursor)   // ">\n"
            length = cursor - storage
        }
    }

    /// `<name value="…"/>`
    /// - Parameter byteByByte: send every byte through the escaping rules, as text that needs escaping
    ///   goes (for tests: the one-pass copy most values take must give the same bytes).
    mutating func primitive(_ name: StaticString, _ value: String, byteByByte: Bool = false) {
        value.withUTF8Bytes { primitive(name, utf8: $0, byteByByte: byteByByte) }
    }

    /// `<name value="…"/>` of a value's UTF-8 bytes: the tag, the value and the tag's end written as
    /// one piece when the value needs no escaping (nearly every value).
    private mutating func primitive(_ name: StaticString, utf8: UnsafeBufferPointer<UInt8>, byteByByte: Bool) {
        let nameCount = name.utf8CodeUnitCount
        var cursor = beginPrimitive(name, count: nameCount, room: utf8.count)
        if !byteByByte, Self.copyIfClean(utf8, to: cursor) {
            cursor += utf8.count
        } else {
            length = cursor - storage
            appendEscapedByteByByte(utf8, name: name)
            cursor = reserve(4)
        }
        endPrimitive(name, cursor)
    }

    /// `<name value="…"/>` of bytes found to need no escaping when they were made (`isClean`), copied
    /// as they are (a resource's fullUrl, written in every reference to it).
    mutating func primitive(_ name: StaticString, clean utf8: UnsafeBufferPointer<UInt8>) {
        let cursor = beginPrimitive(name, count: name.utf8CodeUnitCount, room: utf8.count)
        if let from = utf8.baseAddress { Self.copy(from, to: cursor, count: utf8.count) }
        endPrimitive(name, cursor + utf8.count)
    }

    /// Whether `text` is written as it is: none of its bytes needs escaping or refusing.
    static func isClean(_ text: String) -> Bool {
        text.withUTF8Bytes { utf8 in
            var index = 0
            while index + 8 <= utf8.count {
                if needsCare(UnsafeRawPointer(utf8.baseAddress! + index).loadUnaligned(as: UInt64.self)) { return false }
                index += 8
            }
            while index < utf8.count {
                if needsCare(utf8[index]) { return false }
                index += 1
            }
            return true
        }
    }

    /// `<name value="…"/>` for an integer: its digits written in place (`String(value)` cost a few
    /// hundred instructions; a claim has a dozen sequence numbers).
    mutating func primitive(_ name: StaticString, _ value: Int) {
        let nameCount = name.utf8CodeUnitCount
        var cursor = beginPrimitive(name, count: nameCount, room: 20)
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 { digits += 1; rest /= 10 }
        if value < 0 { cursor.pointee = UInt8(ascii: "-"); cursor += 1 }
        var position = cursor + digits
        repeat {
            position -= 1
            position.pointee = UInt8(48 + magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        endPrimitive(name, cursor + digits)
    }

    /// A FHIR primitive value (`FHIRElement.Value`), integers without making their text first.
    mutating func primitive(_ name: StaticString, _ value: FHIRElement.Value) {
        switch value {
        case .integer(let number): primitive(name, number)
        case .string(let text), .decimal(let text): primitive(name, text)
        case .boolean(let flag): primitive(name, flag ? "true" : "false")
        }
    }

    /// `<name value="` (after `>\n` of a pending start tag and the indentation), with room after it
    /// for `room` bytes and the tag's end; returns where the value goes.
    @inline(__always)
    private mutating func beginPrimitive(_ name: StaticString, count nameCount: Int, room: Int) -> UnsafeMutablePointer<UInt8> {
        var cursor = reserve(nameCount + room + Self.slack)
        if startTagPending {
            cursor = Self.put(0x0A3E, cursor)   // ">\n"
            startTagPending = false
        }
        cursor = Self.putIndent(openCount, cursor)
        cursor.pointee = UInt8(ascii: "<")
        cursor = Self.put(name, cursor + 1, count: nameCount)
        UnsafeMutableRawPointer(cursor).storeBytes(of: UInt64(littleEndian: 0x223D_6575_6C61_7620), as: UInt64.self)   // ` value="`
        return cursor + 8
    }

    /// `"/>\n` at `cursor` (within reserved room), and the primitive's shape token.
    @inline(__always)
    private mutating func endPrimitive(_ name: StaticString, _ cursor: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(cursor).storeBytes(of: UInt32(littleEndian: 0x0A3E_2F22), as: UInt32.self)   // `"/>\n`
        length = cursor + 4 - storage
        addToken(UInt(bitPattern: name.utf8Start) << 2 | 2)
    }

    /// Elements written once in advance (`Fragment.rendering`): their bytes copied in one piece and
    /// their tokens added to the shape, exactly what writing them element by element gives.
    mutating func insert(_ fragment: Fragment) {
        fragment.bytes.withUnsafeBufferPointer { bytes in
            fragment.tokens.withUnsafeBufferPointer { insert(FragmentView(depth: fragment.depth, bytes: bytes, tokens: $0)) }
        }
    }

    /// `insert(_: Fragment)` from memory its owner keeps (`FHIRFragment`).
    mutating func insert(_ fragment: FragmentView) {
        precondition(openCount == fragment.depth, "a fragment goes where it was rendered")
        var cursor = reserve(fragment.bytes.count + 2)
        if startTagPending {
            cursor = Self.put(0x0A3E, cursor)   // ">\n"
            startTagPending = false
        }
        if let from = fragment.bytes.baseAddress {
            Self.copy(from, to: cursor, count: fragment.bytes.count)
        }
        length = cursor + fragment.bytes.count - storage
        let added = fragment.tokens.count
        if tokenCount + added > tokenCapacity { growTokens(atLeast: added) }
        if let from = fragment.tokens.baseAddress {
            (tokens + tokenCount).update(from: from, count: added)
        }
        tokenCount += added
        // The hash of the tokens added one by one, from the fragment's own (`Shape.mixed`).
        digest = digest &* fragment.tokenPower &+ fragment.tokenHash
    }

    /// An optional primitive: absent when there is no text (FHIR forbids empty values).
    mutating func optional(_ name: StaticString, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        primitive(name, value)
    }

    // MARK: - Storage

    /// At least `count` bytes of room after the text; where they start.
    @inline(__always)
    private mutating func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity - length < count { grow(atLeast: count) }
        return storage + length
    }

    /// `count` spaces for `depth` open elements (libxml2 indents two spaces per level, up to 30
    /// levels), stored as whole words: the room reserved (`slack`) covers the words past the spaces.
    @inline(__always)
    private static func putIndent(_ depth: Int, _ cursor: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let count = 2 * Swift.min(depth, 30)
        let target = UnsafeMutableRawPointer(cursor)
        let spaces: UInt64 = 0x2020_2020_2020_2020
        target.storeBytes(of: spaces, as: UInt64.self)
        target.storeBytes(of: spaces, toByteOffset: 8, as: UInt64.self)
        var stored = 16
        while stored < count {
            target.storeBytes(of: spaces, toByteOffset: stored, as: UInt64.self)
            stored += 8
        }
        return cursor + count
    }

    /// Two bytes (little-endian: the first in the low byte) at `cursor`.
    @inline(__always)
    private static func put(_ pair: UInt16, _ cursor: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        UnsafeMutableRawPointer(cursor).storeBytes(of: UInt16(littleEndian: pair), as: UInt16.self)
        return cursor + 2
    }

    /// A name's bytes at `cursor`.
    @inline(__always)
    private static func put(_ name: StaticString, _ cursor: UnsafeMutablePointer<UInt8>, count: Int) -> UnsafeMutablePointer<UInt8> {
        copy(name.utf8Start, to: cursor, count: count)
        return cursor + count
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { write(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        if length == capacity { grow(atLeast: 1) }
        storage[length] = byte
        length += 1
    }

    /// Copies `source` after the text, growing the storage (doubling) when it is full.
    @inline(__always)
    private mutating func write(_ source: UnsafeRawBufferPointer) {
        guard let from = source.baseAddress, source.count > 0 else { return }
        if length + source.count > capacity { grow(atLeast: source.count) }
        Self.copy(from, to: UnsafeMutableRawPointer(storage + length), count: source.count)
        length += source.count
    }

    /// Tags, names and indentation are a few bytes: copied by two to four overlapping loads and
    /// stores, not a call to `memcpy` (a document makes a few hundred such copies; issue 18).
    @inline(__always)
    static func copy(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer, count: Int) {
        switch count {
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 17...32:
            let first = from.loadUnaligned(as: UInt64.self), second = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let third = from.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            let last = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: first, as: UInt64.self)
            to.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: third, toByteOffset: count - 16, as: UInt64.self)
            to.storeBytes(of: last, toByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            for index in 0..<count { to.storeBytes(of: from.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self) }
        default:
            to.copyMemory(from: from, byteCount: count)
        }
    }

    @inline(__always)
    private static func copy(_ from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, count: Int) {
        copy(UnsafeRawPointer(from), to: UnsafeMutableRawPointer(to), count: count)
    }

    private mutating func grow(atLeast extra: Int) {
        let larger = Swift.max(2 * capacity, length + extra)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: storage, count: length)
        storage.deallocate()
        storage = moved
        capacity = larger
    }

    @inline(__always)
    private mutating func pushOpen(_ name: StaticString) {
        if openCount == openCapacity {
            let larger = UnsafeMutablePointer<StaticString>.allocate(capacity: 2 * openCapacity)
            larger.update(from: openNames, count: openCount)
            openNames.deallocate()
            openNames = larger
            openCapacity *= 2
        }
        openNames[openCount] = name
        openCount += 1
    }

    @inline(__always)
    private mutating func addToken(_ token: UInt) {
        if tokenCount == tokenCapacity { growTokens(atLeast: 1) }
        tokens[tokenCount] = token
        tokenCount += 1
        digest = Shape.mixed(digest, token)
    }

    private mutating func growTokens(atLeast extra: Int) {
        let larger = Swift.max(2 * tokenCapacity, tokenCount + extra)
        let moved = UnsafeMutablePointer<UInt>.allocate(capacity: larger)
        moved.update(from: tokens, count: tokenCount)
        tokens.deallocate()
        tokens = moved
        tokenCapacity = larger
    }

    // MARK: - Escaping

    /// Attribute text escaped as libxml2 escapes it (`& < > "` and tab/LF/CR as character references;
    /// everything else, including non-ASCII UTF-8, as is).
    private mutating func appendEscaped(_ value: String, name: StaticString) {
        value.withUTF8Bytes { utf8 in
            let cursor = reserve(utf8.count)
            if Self.copyIfClean(utf8, to: cursor) {
                length += utf8.count
            } else {
                appendEscapedByteByByte(utf8, name: name)
            }
        }
    }

    /// Copies `utf8` to `target` (room for all of it) when none of its bytes needs escaping or
    /// refusing; false (what was copied is left as room) otherwise. Checked and copied in one pass,
    /// eight bytes at a time (a byte at a time cost ~370 instructions a value, issue 18).
    @inline(__always)
    private static func copyIfClean(_ utf8: UnsafeBufferPointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) -> Bool {
        guard let source = utf8.baseAddress else { return true }
        let count = utf8.count
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
            if needsCare(word) { return false }
            UnsafeMutableRawPointer(target + index).storeBytes(of: word, as: UInt64.self)
            index += 8
        }
        // The last partial word of a value of eight bytes or more: the word ending with its last
        // byte (bytes already copied are checked and stored again, unchanged), not byte by byte.
        if index < count && count >= 8 {
            let word = UnsafeRawPointer(source + count - 8).loadUnaligned(as: UInt64.self)
            if needsCare(word) { return false }
            UnsafeMutableRawPointer(target + count - 8).storeBytes(of: word, as: UInt64.self)
            return true
        }
        while index < count {
            let byte = source[index]
            if needsCare(byte) { return false }
            target[index] = byte
            index += 1
        }
        return true
    }

    /// Each byte through the escaping rules (text that has something to escape or refuse).
    private mutating func appendEscapedByteByByte(_ utf8: UnsafeBufferPointer<UInt8>, name: StaticString) {
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case 0x22: append("&quot;")
            case 0x26: append("&amp;")
            case 0x3C: append("&lt;")
            case 0x3E: append("&gt;")
            case 0x09: append("&#9;")
            case 0x0A: append("&#10;")
            case 0x0D: append("&#13;")
            case 0x00..<0x20:
                noteForbidden(Unicode.Scalar(byte), in: name)
                append(byte)
            case 0xEF where index + 2 < utf8.count && utf8[index + 1] == 0xBF && (utf8[index + 2] == 0xBE || utf8[index + 2] == 0xBF):
                // U+FFFE / U+FFFF
                noteForbidden(Unicode.Scalar(utf8[index + 2] == 0xBE ? 0xFFFE : 0xFFFF)!, in: name)
                append(byte)
            default:
                append(byte)
            }
            index += 1
        }
    }

    /// `" & < >`, a control character, or 0xEF (U+FFFE and U+FFFF start with it): what the escaping
    /// loop must look at. Letters and most punctuation take one comparison.
    @inline(__always)
    static func needsCare(_ byte: UInt8) -> Bool {
        if byte >= 0x40 { return byte == 0xEF }
        // Bits 0x22, 0x26, 0x3C, 0x3E, and every byte below 0x20.
        let marked: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E | 0xFFFF_FFFF
        return marked >> UInt64(byte) & 1 != 0
    }

    /// Whether any of the eight bytes of `word` needs care (`needsCare(_: UInt8)`), tested all at
    /// once: exact as a yes/no (a borrow can only spread past a byte that already matched).
    @inline(__always)
    static func needsCare(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // Each test's marks, or-ed before the one comparison (no branch per test).
        @inline(__always) func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value }
        let control = (word &- 0x20 &* ones) & ~word                      // a byte below 0x20
        let quoteOrAmpersand = zeroBytes((word | 0x04 &* ones) ^ 0x26 &* ones)   // 0x22 " or 0x26 &
        let angle = zeroBytes((word | 0x02 &* ones) ^ 0x3E &* ones)              // 0x3C < or 0x3E >
        let lead = zeroBytes(word ^ 0xEF &* ones)                                // 0xEF (U+FFFE, U+FFFF)
        return (control | quoteOrAmpersand | angle | lead) & highs != 0
    }

    private mutating func noteForbidden(_ scalar: Unicode.Scalar, in name: StaticString) {
        guard forbidden == nil else { return }
        let path = UnsafeBufferPointer(start: openNames, count: openCount).map(\.description) + [name.description]
        forbidden = (path.joined(separator: "/"), scalar)
    }
}

extension XMLText {
    /// Complete elements at one depth, as text and shape tokens: written by the same calls as any
    /// other element (so the bytes are theirs by construction), once, then copied (`insert`).
    struct Fragment: Sendable {
        let depth: Int
        let bytes: [UInt8]
        let tokens: [UInt]

        /// What `write` writes inside `depth` open elements (its indentation, no namespace).
        /// Constant text only: nothing in it may need refusing.
        static func rendering(depth: Int, _ write: (inout XMLText) -> Void) -> Fragment {
            precondition(depth > 0, "the root element declares the namespace; a fragment goes inside it")
            var text = XMLText(namespace: "", opening: "", capacity: 256)
            for _ in 0..<depth { text.pushOpen("fragment") }
            write(&text)
            precondition(text.openCount == depth && !text.startTagPending && text.forbidden == nil,
                         "a fragment is complete elements of constant, writable text")
            return Fragment(depth: depth, bytes: text.bytes, tokens: Array(text.shapeTokens))
        }
    }

    /// A `Fragment` in memory its owner allocates (`init(copying:)`) and frees (`deallocate`): copied
    /// and inserted without reference counting.
    struct FragmentView {
        let depth: Int
        let bytes: UnsafeBufferPointer<UInt8>
        let tokens: UnsafeBufferPointer<UInt>
        /// The tokens' hash from zero and the multiplier they apply (`Shape.mixed` of each in turn
        /// turns a hash `h` into `h * tokenPower + tokenHash`): the shape's hash in one step.
        let tokenHash: UInt64
        let tokenPower: UInt64

        init(depth: Int, bytes: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<UInt>) {
            self.depth = depth; self.bytes = bytes; self.tokens = tokens
            (tokenHash, tokenPower) = Shape.hashAndPower(of: tokens)
        }

        /// A copy of `fragment` (nil: an empty view that is never inserted).
        init(copying fragment: Fragment?) {
            self.init(depth: fragment?.depth ?? -1,
                      bytes: UnsafeBufferPointer(UnsafeMutableBufferPointer.allocateCopy(of: fragment?.bytes ?? [])),
                      tokens: UnsafeBufferPointer(UnsafeMutableBufferPointer.allocateCopy(of: fragment?.tokens ?? [])))
        }

        func deallocate() {
            bytes.deallocate()
            tokens.deallocate()
        }
    }

    /// An element structure: the tokens `XMLText` notes (start tag, primitive, end tag) and a hash
    /// of them kept as they are added, so a set of shapes hashes one number per lookup, not the
    /// whole document's tokens (that was ~10,000 instructions per claim).
    struct Shape: Hashable, Sendable {
        let tokens: [UInt]
        let digest: UInt64

        /// The hash of no tokens.
        static var emptyDigest: UInt64 { 0xCBF2_9CE4_8422_2325 }   // FNV-1a's offset basis and prime
        static var multiplier: UInt64 { 0x100_0000_01B3 }

        /// The hash after one more token: a polynomial in the multiplier, so the tokens of a fragment
        /// are added in one step (`hashAndPower`).
        @inline(__always)
        static func mixed(_ digest: UInt64, _ token: UInt) -> UInt64 { digest &* multiplier &+ UInt64(token) }

        /// `tokens`' hash from zero and `multiplier` to the power of their count.
        static func hashAndPower(of tokens: UnsafeBufferPointer<UInt>) -> (hash: UInt64, power: UInt64) {
            var hash: UInt64 = 0, power: UInt64 = 1
            for token in tokens {
                hash = mixed(hash, token)
                power = power &* multiplier
            }
            return (hash, power)
        }

        /// The shape of `tokens` added one by one from no tokens.
        init(tokens: [UInt]) {
            self.tokens = tokens
            digest = tokens.reduce(Self.emptyDigest, Self.mixed)
        }

        init(tokens: [UInt], digest: UInt64) {
            self.tokens = tokens; self.digest = digest
        }

        func hash(into hasher: inout Hasher) { hasher.combine(digest) }

        static func == (lhs: Shape, rhs: Shape) -> Bool {
            lhs.digest == rhs.digest && lhs.tokens.withUnsafeBufferPointer { rhs.sameTokens(as: $0) }
        }

        /// The same tokens as `other`, in order.
        func sameTokens(as other: UnsafeBufferPointer<UInt>) -> Bool {
            tokens.count == other.count && tokens.withUnsafeBytes { mine in
                mine.isEmpty || memcmp(mine.baseAddress!, other.baseAddress!, mine.count) == 0
            }
        }
    }
}

extension UnsafeMutableBufferPointer {
    /// New memory holding a copy of `elements` (the caller deallocates it).
    static func allocateCopy(of elements: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let copy = UnsafeMutableBufferPointer<Element>.allocate(capacity: elements.count)
        _ = copy.initialize(from: elements)
        return copy
    }
}
