import Foundation

/// Writes FHIR XML text directly, in the exact layout libxml2's indented serializer produces
/// (`xmlDocDumpFormatMemoryEnc`, UTF-8): an XML declaration, two spaces per level, `<name value="…"/>`
/// for primitives, and the namespace as the root's default namespace. FHIR puts every primitive in a
/// `value` attribute, so an element has either a value or children.
///
/// The mapping writes elements once, in document order. Characters XML 1.0 cannot carry are noted
/// while writing (`forbidden`), so callers reject them without a second pass; the element structure
/// is noted too (`shape`), so a caller validates each distinct structure once (`ValidatedShapes`).
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
    /// The open elements, outermost first (for end tags and for the path in messages).
    private var open: [StaticString] = []
    /// `<name` of the innermost element is written but not yet its `>` (it may turn out empty: `/>`).
    private var startTagPending = false
    private let namespace: String
    /// The first character XML 1.0 cannot carry, with the path of the element that holds it.
    private(set) var forbidden: (path: String, scalar: Unicode.Scalar)?

    /// The document's element structure without its values: each start tag, primitive and end tag in
    /// order, names by the address of their static text (the same literal, the same address), with a
    /// hash of it kept as it grows (`ValidatedShapes` looks shapes up without hashing them again).
    private(set) var shape = Shape()

    /// How many elements are open (where the next element goes).
    var depth: Int { open.count }

    /// Where the document's root element starts (after `opening`).
    private(set) var rootStart = 0

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// - Parameter opening: the text before the root element: the XML declaration of a document of its
    ///   own, or the start of the Bundle entry the resource goes into.
    init(namespace: String, opening: String = XMLText.declaration, capacity: Int = 8192) {
        self.namespace = namespace
        self.capacity = Swift.max(capacity, opening.utf8.count, 1)
        storage = .allocate(capacity: self.capacity)
        open.reserveCapacity(16)   // growing it from empty cost ~2,700 instructions a claim
        opening.withUTF8Bytes { write(UnsafeRawBufferPointer($0)) }
        rootStart = length
    }

    /// `opening` made of three parts (a Bundle entry's start, its fullUrl, the start of its resource),
    /// written without joining them into one string first.
    init(namespace: String, opening start: StaticString, _ middle: String, _ end: StaticString, capacity: Int = 8192) {
        self.namespace = namespace
        self.capacity = Swift.max(capacity, start.utf8CodeUnitCount + middle.utf8.count + end.utf8CodeUnitCount, 1)
        storage = .allocate(capacity: self.capacity)
        open.reserveCapacity(16)
        append(start)
        middle.withUTF8Bytes { write(UnsafeRawBufferPointer($0)) }
        append(end)
        rootStart = length
    }

    deinit { storage.deallocate() }

    /// Text after the root element (the end of a Bundle entry).
    mutating func appendClosing(_ text: StaticString) {
        append(text)
    }

    /// `<name>`; the root element also declares the namespace.
    mutating func start(_ name: StaticString) {
        beginChild()
        append("<"); append(name)
        if open.isEmpty {
            append(" xmlns=\""); appendEscaped(namespace, name: name); append("\"")
        }
        shape.append(UInt(bitPattern: name.utf8Start) << 2 | 1)
        open.append(name)
        startTagPending = true
    }

    /// Closes the innermost element: `</name>`, or `/>` when it has no children.
    mutating func end() {
        let name = open.removeLast()
        shape.append(3)
        if startTagPending {
            append("/>\n")
            startTagPending = false
        } else {
            indent()
            append("</"); append(name); append(">\n")
        }
    }

    /// `<name value="…"/>`
    /// - Parameter byteByByte: send every byte through the escaping rules, as text that needs escaping
    ///   goes (for tests: the one-pass copy most values take must give the same bytes).
    mutating func primitive(_ name: StaticString, _ value: String, byteByByte: Bool = false) {
        beginPrimitive(name)
        appendEscaped(value, name: name, byteByByte: byteByByte)
        endPrimitive(name)
    }

    /// `<name value="…"/>` for an integer: its digits written in place (`String(value)` cost a few
    /// hundred instructions; a claim has a dozen sequence numbers).
    mutating func primitive(_ name: StaticString, _ value: Int) {
        beginPrimitive(name)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { start -= 1; digits[start] = UInt8(ascii: "-") }
            write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(digits)[start...]))
        }
        endPrimitive(name)
    }

    /// A FHIR primitive value (`FHIRElement.Value`), integers without making their text first.
    mutating func primitive(_ name: StaticString, _ value: FHIRElement.Value) {
        if case .integer(let number) = value { primitive(name, number) } else { primitive(name, value.text) }
    }

    @inline(__always)
    private mutating func beginPrimitive(_ name: StaticString) {
        beginChild()
        append("<"); append(name); append(" value=\"")
    }

    @inline(__always)
    private mutating func endPrimitive(_ name: StaticString) {
        append("\"/>\n")
        shape.append(UInt(bitPattern: name.utf8Start) << 2 | 2)
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
        precondition(open.count == fragment.depth, "a fragment goes where it was rendered")
        if startTagPending {
            append(">\n")
            startTagPending = false
        }
        write(UnsafeRawBufferPointer(fragment.bytes))
        shape.append(contentsOf: fragment.tokens)
    }

    /// An optional primitive: absent when there is no text (FHIR forbids empty values).
    mutating func optional(_ name: StaticString, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        primitive(name, value)
    }

    @inline(__always)
    private mutating func beginChild() {
        if startTagPending {
            append(">\n")
            startTagPending = false
        }
        indent()
    }

    @inline(__always)
    private mutating func indent() {
        // libxml2 indents two spaces per level, up to 30 levels.
        let count = 2 * min(open.count, 30)
        Self.spaces.withUTF8Buffer { write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<count])) }
    }

    private static let spaces: StaticString = "                                                            "

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

    /// Copies `source` after the text, growing the storage (doubling) when it is full. Inlined, like
    /// the small writers above: a tag's length is then a constant and the copy a load and a store
    /// (called, these copies were ~46 instructions each, a million of them in 2,000 encounters).
    @inline(__always)
    private mutating func write(_ source: UnsafeRawBufferPointer) {
        guard let from = source.baseAddress, source.count > 0 else { return }
        if length + source.count > capacity { grow(atLeast: source.count) }
        Self.copy(from, to: UnsafeMutableRawPointer(storage + length), count: source.count)
        length += source.count
    }

    /// Tags, names and indentation are a few bytes: copied by two overlapping loads and stores, not a
    /// call to `memcpy` (a document makes a few hundred such copies; issue 18).
    @inline(__always)
    static func copy(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer, count: Int) {
        switch count {
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
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

    private mutating func grow(atLeast extra: Int) {
        let larger = Swift.max(2 * capacity, length + extra)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: storage, count: length)
        storage.deallocate()
        storage = moved
        capacity = larger
    }

    /// Attribute text escaped as libxml2 escapes it (`& < > "` and tab/LF/CR as character references;
    /// everything else, including non-ASCII UTF-8, as is).
    private mutating func appendEscaped(_ value: String, name: StaticString, byteByByte: Bool = false) {
        value.withUTF8Bytes { utf8 in
            if byteByByte { return appendEscapedByteByByte(utf8, name: name) }
            // Most values need no escaping: copied and checked in one pass, eight bytes at a time (a
            // byte at a time cost ~370 instructions a value, issue 18); the first byte that needs care
            // sends the whole value byte by byte through the rules instead.
            guard let source = utf8.baseAddress else { return }
            let count = utf8.count
            if length + count > capacity { grow(atLeast: count) }
            let target = storage + length   // held in a register: `storage` and `length` are `self`'s
            var clean = true
            var index = 0
            while index + 8 <= count {
                let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                if Self.needsCare(word) { clean = false; break }
                UnsafeMutableRawPointer(target + index).storeBytes(of: word, as: UInt64.self)
                index += 8
            }
            // The last partial word of a value of eight bytes or more: the word ending with its last
            // byte (bytes already copied are checked and stored again, unchanged), not byte by byte.
            if clean && index < count && count >= 8 {
                let word = UnsafeRawPointer(source + count - 8).loadUnaligned(as: UInt64.self)
                if Self.needsCare(word) {
                    clean = false
                } else {
                    UnsafeMutableRawPointer(target + count - 8).storeBytes(of: word, as: UInt64.self)
                    index = count
                }
            }
            while clean && index < count {
                let byte = source[index]
                if Self.needsCare(byte) { clean = false; break }
                target[index] = byte
                index += 1
            }
            if clean {
                length += utf8.count
            } else {
                appendEscapedByteByByte(utf8, name: name)
            }
        }
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
        forbidden = ((open + [name]).map(\.description).joined(separator: "/"), scalar)
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
            text.open = Array(repeating: "fragment", count: depth)
            write(&text)
            precondition(text.open.count == depth && !text.startTagPending && text.forbidden == nil,
                         "a fragment is complete elements of constant, writable text")
            return Fragment(depth: depth, bytes: text.bytes, tokens: text.shape.tokens)
        }
    }

    /// A `Fragment` in memory its owner allocates (`init(copying:)`) and frees (`deallocate`): copied
    /// and inserted without reference counting.
    struct FragmentView {
        let depth: Int
        let bytes: UnsafeBufferPointer<UInt8>
        let tokens: UnsafeBufferPointer<UInt>

        init(depth: Int, bytes: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<UInt>) {
            self.depth = depth; self.bytes = bytes; self.tokens = tokens
        }

        /// A copy of `fragment` (nil: an empty view that is never inserted).
        init(copying fragment: Fragment?) {
            depth = fragment?.depth ?? -1
            bytes = UnsafeBufferPointer(UnsafeMutableBufferPointer.allocateCopy(of: fragment?.bytes ?? []))
            tokens = UnsafeBufferPointer(UnsafeMutableBufferPointer.allocateCopy(of: fragment?.tokens ?? []))
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
        private(set) var tokens: [UInt] = []
        private var digest: UInt64 = 0xCBF2_9CE4_8422_2325   // FNV-1a offset basis

        init() { tokens.reserveCapacity(256) }

        mutating func append(_ token: UInt) {
            tokens.append(token)
            digest = (digest ^ UInt64(token)) &* 0x100_0000_01B3
        }

        mutating func append(contentsOf added: UnsafeBufferPointer<UInt>) {
            tokens.append(contentsOf: added)
            for token in added { digest = (digest ^ UInt64(token)) &* 0x100_0000_01B3 }
        }

        func hash(into hasher: inout Hasher) { hasher.combine(digest) }

        static func == (lhs: Shape, rhs: Shape) -> Bool {
            lhs.digest == rhs.digest && lhs.tokens.count == rhs.tokens.count && lhs.tokens.withUnsafeBytes { left in
                rhs.tokens.withUnsafeBytes { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
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
