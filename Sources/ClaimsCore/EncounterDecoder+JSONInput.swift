import Foundation

extension EncounterDecoder {
    /// A record cut from an encounter file, parsed and validated straight from its bytes (no `JSONValue`
    /// tree): the same syntax errors as `record.result`, the same encounter and errors as `decode(_:)`.
    public func decode(_ record: JSONRecord) -> Result<(encounter: Encounter?, errors: [InputError], rawId: String), JSONSyntaxError> {
        if let structuralError = record.structuralError { return .failure(structuralError) }
        let tape: JSONTape
        do { tape = try JSONTape(bytes: record.bytes, line: record.line, column: record.column) } catch { return .failure(error) }
        return .success(tape.withRoot { root in
            let (encounter, errors) = decodeValue(root)
            return (encounter, errors, Self.rawId(of: root))
        })
    }
}

/// The JSON the encounter decoder reads, however it was parsed: a `JSONValue` tree (tests, CSV
/// exports, stored records) or a node of a `JSONTape` (encounter files: no tree, no dictionary, a
/// string made only for each value read). The decoder is written once against this.
protocol EncounterJSONValue {
    associatedtype Object: EncounterJSONObject where Object.Member == Self
    associatedtype Items: Collection where Items.Element == Self
    var content: JSONContent<Object, Items> { get }
    /// The object this value is, or nil: what `content` says, without the work of making its case
    /// (the decoder asks this first; `content` answers the rest).
    var asObject: Object? { get }
    /// The list this value is, or nil (as `asObject`).
    var asItems: Items? { get }
    var isNull: Bool { get }
    /// `read` applied to the bytes of a number, or of a string written in plain ASCII (no escape),
    /// with whether it is a number; nil for any other value. A fast path: every caller falls back to
    /// `content` when this gives nil, and must answer exactly as it would from `content` (the tests
    /// compare a tape's answers, which take it, with a tree's, which do not).
    func readASCII<Result>(_ read: (_ bytes: UnsafeBufferPointer<UInt8>, _ isNumber: Bool) -> Result?) -> Result?
}

/// A JSON object as the decoder reads it: members looked up by name (a literal: no string to make).
protocol EncounterJSONObject {
    associatedtype Member: EncounterJSONValue where Member.Object == Self
    subscript(name: StaticString) -> Member? { get }
    var count: Int { get }
    /// The member names in neither `known` nor `extra`, sorted so errors come in a stable order.
    func unknownNames(_ known: MemberNames, _ extra: MemberNames?) -> [String]
    func forEachMember(_ body: (String, Member) -> Void)
}

/// One JSON value with strings and numbers as their text.
enum JSONContent<Object, Items> {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array(Items)
    case object(Object)

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The member names an object of the encounter may have: a set (messages, the dictionary path) and
/// their bytes, so a tape's ASCII names are checked without making strings or hashing them.
struct MemberNames: ExpressibleByArrayLiteral {
    let names: Set<String>
    /// The names grouped by the number of their bit (`JSONTapeParser.nameBit`, the one the parser
    /// stores in each plain member name's `nameSlot`): the names with slot s are the entries
    /// `firstEntry[s]..<firstEntry[s + 1]`, each a length and where its bytes start in `allBytes`.
    private let firstEntry: [Int]
    private let entries: [(length: Int, start: Int)]
    private let allBytes: [UInt8]

    init(arrayLiteral names: String...) {
        assert(names.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }, "member names are ASCII: bytes compare as strings do")
        self.names = Set(names)
        let bytes = names.map { Array($0.utf8) }
        func slot(_ text: [UInt8]) -> Int {
            // The empty name's bit depends on no byte (`nameBit` reads none).
            text.isEmpty ? 0 : text.withUnsafeBufferPointer { JSONTapeParser.nameBit($0.baseAddress!, count: $0.count) }.trailingZeroBitCount
        }
        var starts: [Int] = []
        var offset = 0
        for text in bytes { starts.append(offset); offset += text.count }
        allBytes = bytes.flatMap { $0 }
        let bySlot = bytes.indices.sorted { (slot(bytes[$0]), $0) < (slot(bytes[$1]), $1) }
        entries = bySlot.map { (length: bytes[$0].count, start: starts[$0]) }
        firstEntry = (0...64).map { s in bySlot.firstIndex { slot(bytes[$0]) >= s } ?? bySlot.count }
    }

    /// Whether the (ASCII) name in `bytes` is one of these names; plain ASCII bytes are equal as
    /// strings exactly when they are equal as bytes.
    func contains(ascii bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return names.contains("") }
        return contains(ascii: bytes, slot: UInt8(JSONTapeParser.nameBit(start, count: bytes.count).trailingZeroBitCount))
    }

    /// `contains(ascii:)` for a name whose slot is known (the parser's): equal names have equal
    /// slots, so only the names with that slot are compared.
    @inline(__always)
    func contains(ascii name: UnsafeBufferPointer<UInt8>, slot: UInt8) -> Bool {
        var entry = firstEntry[Int(slot)]
        let end = firstEntry[Int(slot) + 1]
        while entry < end {
            let (length, start) = entries[entry]
            if length == name.count && (length == 0 || allBytes.withUnsafeBufferPointer {
                JSONTapeValue.Storage.sameBytes($0.baseAddress! + start, name.baseAddress!, count: length)
            }) {
                return true
            }
            entry += 1
        }
        return false
    }
}

extension JSONValue: EncounterJSONValue {
    var content: JSONContent<[String: JSONValue], [JSONValue]> {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let text): .number(text)
        case .string(let text): .string(text)
        case .array(let items): .array(items)
        case .object(let members): .object(members)
        }
    }

    var asObject: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var asItems: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var isNull: Bool { self == .null }

    /// A tree has Strings already: always the general path.
    func readASCII<Result>(_ read: (_ bytes: UnsafeBufferPointer<UInt8>, _ isNumber: Bool) -> Result?) -> Result? { nil }
}

extension Dictionary: EncounterJSONObject where Key == String, Value == JSONValue {
    typealias Member = JSONValue

    subscript(name: StaticString) -> JSONValue? { self[name.description] }

    func unknownNames(_ known: MemberNames, _ extra: MemberNames?) -> [String] {
        func isUnknown(_ name: String) -> Bool { !known.names.contains(name) && extra?.names.contains(name) != true }
        // No sorting or allocation in the usual case where every member is known.
        guard keys.contains(where: isUnknown) else { return [] }
        return keys.filter(isUnknown).sorted()
    }

    func forEachMember(_ body: (String, JSONValue) -> Void) {
        for (name, value) in self { body(name, value) }
    }
}
