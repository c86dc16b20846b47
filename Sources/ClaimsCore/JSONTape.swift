import Foundation

/// A JSON document parsed without building a tree: one flat list of nodes over the document's
/// UTF-8 bytes, in document order (an object's members as key, value, key, value, …). Strings without
/// escapes stay byte ranges until someone asks for them, so the encounter decoder pays for no
/// dictionary and no key strings (`JSONTapeValue`). `JSONParser` builds its `JSONValue` trees from the
/// same nodes: one parser, one set of syntax errors (RFC 8259, strict).
struct JSONTape {
    enum Kind: UInt8 { case null, `true`, `false`, number, string, array, object }

    /// `Node.nameSlot` of a member name that has no bit of its own (an escape or bytes past ASCII).
    static let noNameSlot: UInt8 = 0xFF

    /// 32 bytes: the parser writes about one node per 8 bytes of an encounter, the decoder reads them.
    struct Node {
        var kind: Kind
        /// Strings: the text holds bytes past ASCII (already checked to be valid UTF-8).
        var nonASCII = false
        /// Strings: the text held an escape; `start` is then the index of its decoded text in
        /// `JSONTape.decodedStrings`.
        var escaped = false
        /// Member names: the number of the name's bit (`JSONTapeParser.nameBit`), computed once by the
        /// parser for the duplicate check and reused to match names; `noNameSlot` for a name with an
        /// escape or bytes past ASCII.
        var nameSlot = JSONTape.noNameSlot
        /// Arrays and objects: how many elements or members.
        private var storedCount: UInt32 = 0
        /// Strings and numbers: the bytes of the text (inside the quotes).
        var start = 0
        var end = 0
        /// The index of the node after this one and everything inside it.
        var next = 0

        init(kind: Kind, nonASCII: Bool = false, start: Int = 0, end: Int = 0) {
            self.kind = kind; self.nonASCII = nonASCII; self.start = start; self.end = end
        }

        /// A string with an escape: its text is `decodedStrings[index]`.
        init(decoded index: Int) {
            self.kind = .string; self.escaped = true; self.start = index
        }

        var count: Int {
            get { Int(storedCount) }
            set { storedCount = UInt32(newValue) }
        }

        /// Objects: the bits of their member names (`JSONTapeParser.nameBit`; every bit once a name
        /// has an escape or bytes past ASCII), kept in `start`, which objects use for nothing else.
        /// A name whose bit is not set is not a member.
        var memberNameBits: UInt64 {
            get { UInt64(UInt(bitPattern: start)) }
            set { start = Int(bitPattern: UInt(newValue)) }
        }
    }

    /// The most nodes a document of `byteCount` bytes can have, even one that fails part way: each
    /// node starts at its own byte, and each one after the first child of its array or object follows
    /// a ',' or ':' of its own; only the at most 64 arrays and objects still open when parsing
    /// fails lack their closing byte. So 2 × nodes − 1 − 64 ≤ bytes.
    static func maxNodes(byteCount: Int) -> Int { (byteCount + 65) / 2 + 1 }

    let bytes: [UInt8]
    let nodes: [Node]
    /// The text of strings that held escapes, decoded once by the parser.
    let decodedStrings: [String]

    /// Parses `bytes` as one JSON document; `line`/`column` say where the bytes start in their file,
    /// so errors point into the file.
    init(bytes: [UInt8], line: Int = 1, column: Int = 1) throws(JSONSyntaxError) {
        self.bytes = bytes
        var failure: JSONSyntaxError?
        var strings: [String] = []
        // The nodes are written straight into the array's storage, sized for the most a document of
        // this length can have: no capacity or copy-on-write check per node.
        let nodes = bytes.withUnsafeBufferPointer { buffer in
            [Node](unsafeUninitializedCapacity: Self.maxNodes(byteCount: buffer.count)) { nodes, initialized in
                var parser = JSONTapeParser(bytes: buffer, nodes: nodes, line: line, column: column)
                do throws(JSONSyntaxError) {
                    try parser.parseDocument()
                } catch {
                    failure = error
                }
                initialized = parser.nodeCount
                strings = parser.decodedStrings
            }
        }
        if let failure { throw failure }
        self.nodes = nodes
        self.decodedStrings = strings
    }

    /// The `JSONValue` tree of the node at `index` (the document is node 0).
    func value(at index: Int = 0) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(text(of: node))
        case .string: return .string(text(of: node))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(node.count)
            var child = index + 1
            while child < node.next {
                elements.append(value(at: child))
                child = nodes[child].next
            }
            return .array(elements)
        case .object:
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(node.count)
            var key = index + 1
            while key < node.next {
                // Duplicates were refused while parsing.
                members[text(of: nodes[key])] = value(at: key + 1)
                key = nodes[key + 1].next
            }
            return .object(members)
        }
    }

    /// The text of a string or number node.
    func text(of node: Node) -> String {
        if node.escaped { return decodedStrings[node.start] }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[node.start..<node.end]), as: UTF8.self) }
    }
}
