import Foundation

/// Writes FHIR XML text directly, in the exact layout libxml2's indented serializer produces
/// (`xmlDocDumpFormatMemoryEnc`, UTF-8): an XML declaration, two spaces per level, `<name value="…"/>`
/// for primitives, and the namespace as the root's default namespace. FHIR puts every primitive in a
/// `value` attribute, so an element has either a value or children.
///
/// The mapping writes elements once, in document order. Characters XML 1.0 cannot carry are noted
/// while writing (`forbidden`), so callers reject them without a second pass; the element structure
/// is noted too (`shape`), so a caller validates each distinct structure once (`ValidatedShapes`).
struct XMLText {
    /// The text written so far.
    var bytes: ArraySlice<UInt8> { storage[..<length] }
    /// Zero-filled ahead of `length` so a write is one copy into place: `Array.append(contentsOf:)`
    /// of each short piece cost ~70 instructions besides the copy, a tenth of a batch's FHIR time.
    private var storage: [UInt8]
    private var length = 0
    /// The open elements, outermost first (for end tags and for the path in messages).
    private var open: [StaticString] = []
    /// `<name` of the innermost element is written but not yet its `>` (it may turn out empty: `/>`).
    private var startTagPending = false
    private let namespace: String
    /// The first character XML 1.0 cannot carry, with the path of the element that holds it.
    private(set) var forbidden: (path: String, scalar: Unicode.Scalar)?

    /// The document's element structure without its values: each start tag, primitive and end tag in
    /// order, names by the address of their static text (the same literal, the same address).
    private(set) var shape: [UInt] = []

    /// Where the document's root element starts (after `opening`).
    private(set) var rootStart = 0

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// - Parameter opening: the text before the root element: the XML declaration of a document of its
    ///   own, or the start of the Bundle entry the resource goes into.
    init(namespace: String, opening: String = XMLText.declaration, capacity: Int = 8192) {
        self.namespace = namespace
        shape.reserveCapacity(256)
        storage = Self.zeroed(Swift.max(capacity, opening.utf8.count))
        var opening = opening
        opening.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        rootStart = length
    }

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
    mutating func primitive(_ name: StaticString, _ value: String) {
        beginChild()
        append("<"); append(name); append(" value=\"")
        appendEscaped(value, name: name)
        append("\"/>\n")
        shape.append(UInt(bitPattern: name.utf8Start) << 2 | 2)
    }

    /// An optional primitive: absent when there is no text (FHIR forbids empty values).
    mutating func optional(_ name: StaticString, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        primitive(name, value)
    }

    private mutating func beginChild() {
        if startTagPending {
            append(">\n")
            startTagPending = false
        }
        indent()
    }

    private mutating func indent() {
        // libxml2 indents two spaces per level, up to 30 levels.
        let count = 2 * min(open.count, 30)
        Self.spaces.withUTF8Buffer { write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<count])) }
    }

    private static let spaces: StaticString = "                                                            "

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { write(UnsafeRawBufferPointer($0)) }
    }

    private mutating func append(_ byte: UInt8) {
        if length == storage.count { grow(atLeast: 1) }
        storage[length] = byte
        length += 1
    }

    /// Copies `source` after the text, growing the storage (doubling) when it is full.
    private mutating func write(_ source: UnsafeRawBufferPointer) {
        guard let from = source.baseAddress, source.count > 0 else { return }
        if length + source.count > storage.count { grow(atLeast: source.count) }
        let offset = length
        storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: offset).copyMemory(from: from, byteCount: source.count) }
        length += source.count
    }

    private mutating func grow(atLeast extra: Int) {
        var larger = Self.zeroed(Swift.max(2 * storage.count, length + extra))
        let written = length
        if written > 0 {
            larger.withUnsafeMutableBytes { target in
                storage.withUnsafeBytes { target.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: written) }
            }
        }
        storage = larger
    }

    /// `count` zero bytes, set by `memset` (`Array(repeating:count:)` stored them one by one: ~7,000
    /// instructions for each document's 8 KB).
    private static func zeroed(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let start = buffer.baseAddress { memset(start, 0, count) }
            initialized = count
        }
    }

    /// Attribute text escaped as libxml2 escapes it (`& < > "` and tab/LF/CR as character references;
    /// everything else, including non-ASCII UTF-8, as is).
    private mutating func appendEscaped(_ value: String, name: StaticString) {
        var value = value
        value.withUTF8 { utf8 in
            var clean = true
            for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0xEF {
                clean = false
                break
            }
            if clean {
                write(UnsafeRawBufferPointer(utf8))
                return
            }
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
    }

    private mutating func noteForbidden(_ scalar: Unicode.Scalar, in name: StaticString) {
        guard forbidden == nil else { return }
        forbidden = ((open + [name]).map(\.description).joined(separator: "/"), scalar)
    }
}
