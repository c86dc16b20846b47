import Foundation

extension JSONTape {
    /// Reads the document through `JSONTapeValue`s, which are valid only inside `body`.
    func withRoot<Result>(_ body: (JSONTapeValue) -> Result) -> Result {
        nodes.withUnsafeBufferPointer { nodes in
            bytes.withUnsafeBufferPointer { bytes in
                decodedStrings.withUnsafeBufferPointer { strings in
                    body(JSONTapeValue(storage: JSONTapeValue.Storage(nodes: nodes, bytes: bytes, strings: strings), index: 0))
                }
            }
        }
    }
}

/// A node of a `JSONTape` as the encounter decoder reads it (`EncounterJSONValue`): plain pointers,
/// no reference counting, no dictionary; a `String` is made only for a string or number that is read.
/// Valid only inside `JSONTape.withRoot`.
struct JSONTapeValue: EncounterJSONValue {
    struct Storage {
        let nodes: UnsafeBufferPointer<JSONTape.Node>
        let bytes: UnsafeBufferPointer<UInt8>
        let strings: UnsafeBufferPointer<String>

        func text(of node: JSONTape.Node) -> String {
            if node.decoded >= 0 { return strings[node.decoded] }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[node.start..<node.end]), as: UTF8.self)
        }

        /// The bytes of a string without escapes and past-ASCII bytes (nil for any other).
        func asciiBytes(of node: JSONTape.Node) -> UnsafeBufferPointer<UInt8>? {
            guard node.kind == .string, node.decoded < 0, !node.nonASCII else { return nil }
            return UnsafeBufferPointer(rebasing: bytes[node.start..<node.end])
        }
    }

    let storage: Storage
    let index: Int

    private var node: JSONTape.Node { storage.nodes[index] }

    var isNull: Bool { node.kind == .null }

    func readASCII<Result>(_ read: (_ bytes: UnsafeBufferPointer<UInt8>, _ isNumber: Bool) -> Result?) -> Result? {
        let node = node
        switch node.kind {
        case .number: return read(UnsafeBufferPointer(rebasing: storage.bytes[node.start..<node.end]), true)
        case .string where node.decoded < 0 && !node.nonASCII:
            return read(UnsafeBufferPointer(rebasing: storage.bytes[node.start..<node.end]), false)
        default: return nil
        }
    }

    var content: JSONContent<JSONTapeObject, JSONTapeItems> {
        let node = node
        switch node.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(storage.text(of: node))
        case .string: return .string(storage.text(of: node))
        case .array: return .array(JSONTapeItems(storage: storage, index: index))
        case .object: return .object(JSONTapeObject(storage: storage, index: index))
        }
    }
}

/// An object of a tape: members are found by comparing names in order (an encounter's objects
/// have a handful of members; cheaper than hashing every name into a dictionary).
struct JSONTapeObject: EncounterJSONObject {
    let storage: JSONTapeValue.Storage
    let index: Int

    var count: Int { storage.nodes[index].count }

    subscript(name: StaticString) -> JSONTapeValue? {
        let length = name.utf8CodeUnitCount
        let end = storage.nodes[index].next
        var key = index + 1
        while key < end {
            let node = storage.nodes[key]
            if name.isASCII, node.decoded < 0, !node.nonASCII {
                if node.end - node.start == length && (length == 0 || memcmp(storage.bytes.baseAddress! + node.start, name.utf8Start, length) == 0) {
                    return JSONTapeValue(storage: storage, index: key + 1)
                }
            } else if storage.text(of: node) == name.description {
                // Escaped or past-ASCII names compare as Swift strings do (canonical equivalence).
                return JSONTapeValue(storage: storage, index: key + 1)
            }
            key = storage.nodes[key + 1].next
        }
        return nil
    }

    func unknownNames(_ known: MemberNames, _ extra: MemberNames?) -> [String] {
        var unknown: [String] = []
        let end = storage.nodes[index].next
        var key = index + 1
        while key < end {
            let node = storage.nodes[key]
            if let bytes = storage.asciiBytes(of: node) {
                if !known.contains(ascii: bytes) && extra?.contains(ascii: bytes) != true { unknown.append(storage.text(of: node)) }
            } else {
                let name = storage.text(of: node)
                if !known.names.contains(name) && extra?.names.contains(name) != true { unknown.append(name) }
            }
            key = storage.nodes[key + 1].next
        }
        return unknown.count > 1 ? unknown.sorted() : unknown
    }

    func forEachMember(_ body: (String, JSONTapeValue) -> Void) {
        let end = storage.nodes[index].next
        var key = index + 1
        while key < end {
            body(storage.text(of: storage.nodes[key]), JSONTapeValue(storage: storage, index: key + 1))
            key = storage.nodes[key + 1].next
        }
    }
}

/// The elements of a tape's array, in order (an index is the element's node).
struct JSONTapeItems: Collection {
    let storage: JSONTapeValue.Storage
    let index: Int

    var startIndex: Int { index + 1 }
    var endIndex: Int { storage.nodes[index].next }
    var count: Int { storage.nodes[index].count }
    func index(after element: Int) -> Int { storage.nodes[element].next }
    subscript(element: Int) -> JSONTapeValue { JSONTapeValue(storage: storage, index: element) }
}
