import Foundation

/// A JSON document parsed without building a tree: one flat list of nodes over the document's
/// UTF-8 bytes, in document order (an object's members as key, value, key, value, …). Strings without
/// escapes stay byte ranges until someone asks for them, so the encounter decoder pays for no
/// dictionary and no key strings (`JSONTapeValue`). `JSONParser` builds its `JSONValue` trees from the
/// same nodes: one parser, one set of syntax errors (RFC 8259, strict).
struct JSONTape {
    enum Kind: UInt8 { case null, `true`, `false`, number, string, array, object }

    struct Node {
        var kind: Kind
        /// Strings: the text holds bytes past ASCII (already checked to be valid UTF-8).
        var nonASCII = false
        /// Strings and numbers: the bytes of the text (inside the quotes). A string with an escape
        /// has `decoded` instead: the index of its decoded text in `JSONTape.decodedStrings`.
        var start = 0
        var end = 0
        var decoded = -1
        /// Arrays and objects: how many elements or members.
        var count = 0
        /// The index of the node after this one and everything inside it.
        var next = 0

        /// Objects: the bits of their member names (`JSONTapeParser.nameBit`; every bit once a name
        /// has an escape or bytes past ASCII), kept in `start`, which objects use for nothing else.
        /// A name whose bit is not set is not a member.
        var memberNameBits: UInt64 {
            get { UInt64(UInt(bitPattern: start)) }
            set { start = Int(bitPattern: UInt(newValue)) }
        }
    }

    let bytes: [UInt8]
    private(set) var nodes: [Node] = []
    /// The text of strings that held escapes, decoded once by the parser.
    private(set) var decodedStrings: [String] = []

    /// Parses `bytes` as one JSON document; `line`/`column` say where the bytes start in their file,
    /// so errors point into the file.
    init(bytes: [UInt8], line: Int = 1, column: Int = 1) throws(JSONSyntaxError) {
        self.bytes = bytes
        let parsed: Result<([Node], [String]), JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONTapeParser(bytes: buffer, line: line, column: column)
            do throws(JSONSyntaxError) {
                try parser.parseDocument()
                return .success((parser.nodes, parser.decodedStrings))
            } catch {
                return .failure(error)
            }
        }
        (nodes, decodedStrings) = try parsed.get()
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
        if node.decoded >= 0 { return decodedStrings[node.decoded] }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[node.start..<node.end]), as: UTF8.self) }
    }
}
