import Foundation

extension JSONTape {
    /// Reads the document through `JSONTapeValue`s, which are valid only inside `body`.
    /// Inlined: the caller's `body` then needs no copy of what it captures.
    @inline(__always)
    func withRoot<Result>(_ body: (JSONTapeValue) -> Result) -> Result {
        nodes.withUnsafeBufferPointer { nodes in
            bytes.withUnsafeBufferPointer { bytes in
                decodedStrings.withUnsafeBufferPointer { strings in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: nodes.count) { resume in
                        resume.initialize(repeating: 0)
                        return body(JSONTapeValue(storage: JSONTapeValue.Storage(nodes: nodes, bytes: bytes, strings: strings,
                                                                                 resume: resume.baseAddress!), index: 0))
                    }
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
        /// For each object (by its node), the key after the member its last lookup found (0: none
        /// yet). The decoder reads most members in the order they are written, so the next lookup
        /// in that object starts there and finds its member at once.
        let resume: UnsafeMutablePointer<Int>

        /// Whether the `count` bytes at `a` and `b` are equal: names are short, so words compared in
        /// place cost less than a call to `memcmp` (the last word, or two half words, may overlap
        /// bytes already compared; no byte outside the `count` is read).
        @inline(__always)
        static func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
            if count >= 8 {
                var offset = 0
                while offset + 8 < count {
                    if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                    offset += 8
                }
                return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            }
            if count >= 4 {
                return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                    && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            }
            var offset = 0
            while offset < count {
                if a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) { return false }
                offset += 1
            }
            return true
        }

        func text(of node: JSONTape.Node) -> String {
            if node.escaped { return strings[node.start] }
            return String(decodingUTF8: UnsafeBufferPointer(rebasing: bytes[node.start..<node.end]))
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
        case .string where !node.escaped && !node.nonASCII:
            return read(UnsafeBufferPointer(rebasing: storage.bytes[node.start..<node.end]), false)
        default: return nil
        }
    }

    @inline(__always)
    var asObject: JSONTapeObject? { storage.nodes[index].kind == .object ? JSONTapeObject(storage: storage, index: index) : nil }

    @inline(__always)
    var asItems: JSONTapeItems? { storage.nodes[index].kind == .array ? JSONTapeItems(storage: storage, index: index) : nil }

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

    /// The number of a plain name's bit (`JSONTapeParser.nameBit`), as the parser stores it in `nameSlot`.
    @inline(__always)
    static func nameSlot(_ name: StaticString) -> UInt8 {
        UInt8(truncatingIfNeeded: JSONTapeParser.nameBit(name.utf8Start, count: name.utf8CodeUnitCount).trailingZeroBitCount)
    }

    /// Inlined where the decoder looks a name up (a literal: its length and bit fold to constants);
    /// the two usual answers cost no call, anything else searches (`search`).
    @inline(__always)
    subscript(name: StaticString) -> JSONTapeValue? {
        if name.isASCII {
            let object = storage.nodes[index]
            let length = name.utf8CodeUnitCount
            // A name whose bit the parser did not set is no member's: absent members cost no search.
            if object.memberNameBits & JSONTapeParser.nameBit(name.utf8Start, count: length) == 0 { return nil }
            // The member after the one the object's last lookup found (the first member before any):
            // usually the one asked for. A plain name with another slot is another name.
            let last = storage.resume[index]
            let resume = last > index ? last : index + 1
            if resume < object.next {
                let node = storage.nodes[resume]
                if node.nameSlot == Self.nameSlot(name), node.end - node.start == length,
                   length == 0 || JSONTapeValue.Storage.sameBytes(storage.bytes.baseAddress! + node.start, name.utf8Start, count: length) {
                    storage.resume[index] = storage.nodes[resume + 1].next
                    return JSONTapeValue(storage: storage, index: resume + 1)
                }
            }
        }
        return search(name)
    }

    @inline(never)
    private func search(_ name: StaticString) -> JSONTapeValue? {
        let first = index + 1
        let end = storage.nodes[index].next
        // From where the last lookup in this object stopped to the end, then from the first member
        // there (a name is at most once in an object: where the search starts changes nothing else).
        let resume = storage.resume[index]
        let start = resume > index && resume < end ? resume : first
        guard let key = member(name, from: start, to: end) ?? (start > first ? member(name, from: first, to: start) : nil) else { return nil }
        storage.resume[index] = storage.nodes[key + 1].next
        return JSONTapeValue(storage: storage, index: key + 1)
    }

    /// The key of the member named `name` among the members from the key `start` to `limit` (a key or the end).
    private func member(_ name: StaticString, from start: Int, to limit: Int) -> Int? {
        let length = name.utf8CodeUnitCount
        let slot = name.isASCII ? Self.nameSlot(name) : JSONTape.noNameSlot
        let nodes = storage.nodes
        var key = start
        while key < limit {
            let node = nodes[key]
            if slot != JSONTape.noNameSlot && node.nameSlot != JSONTape.noNameSlot {
                // Both plain ASCII: the slot first, then the length and the bytes.
                if node.nameSlot == slot && node.end - node.start == length
                    && (length == 0 || JSONTapeValue.Storage.sameBytes(storage.bytes.baseAddress! + node.start, name.utf8Start, count: length)) {
                    return key
                }
            } else if storage.text(of: node) == name.description {
                // Escaped or past-ASCII names compare as Swift strings do (canonical equivalence).
                return key
            }
            key = nodes[key + 1].next
        }
        return nil
    }

    func unknownNames(_ known: MemberNames, _ extra: MemberNames?) -> [String] {
        var unknown: [String] = []
        let nodes = storage.nodes
        let end = nodes[index].next
        var key = index + 1
        while key < end {
            let node = nodes[key]
            if node.nameSlot != JSONTape.noNameSlot {
                // A plain name: its slot, from the parser, picks the known names to compare.
                let name = UnsafeBufferPointer(start: storage.bytes.baseAddress! + node.start, count: node.end - node.start)
                if !known.contains(ascii: name, slot: node.nameSlot) && extra?.contains(ascii: name, slot: node.nameSlot) != true {
                    unknown.append(storage.text(of: node))
                }
            } else {
                let name = storage.text(of: node)
                if !known.names.contains(name) && extra?.names.contains(name) != true { unknown.append(name) }
            }
            key = nodes[key + 1].next
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

extension String {
    /// `String(decoding: bytes, as: UTF8.self)`, the same text for any bytes (invalid UTF-8 repaired
    /// alike), made faster for the short texts of a record: a text of at most 15 bytes is built in
    /// place, and the standard library checks nothing more when it is ASCII (most names, codes and
    /// dates); a test compares the two on every kind of byte.
    @inline(__always)
    init(decodingUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count <= 15, let source = bytes.baseAddress {
            self = String(unsafeUninitializedCapacity: bytes.count) { buffer in
                buffer.baseAddress!.initialize(from: source, count: bytes.count)
                return bytes.count
            }
        } else {
            self = String(decoding: bytes, as: UTF8.self)
        }
    }
}
