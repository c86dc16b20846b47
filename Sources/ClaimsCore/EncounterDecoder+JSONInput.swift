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
            // Fast path: a valid encounter's id, when its bytes are the id as written, is the raw id
            // (`rawId` would make the same text again).
            if let encounter, root.asObject?["id"]?.readASCII({ bytes, isNumber in
                var id = encounter.id
                return !isNumber && id.withUTF8 { $0.elementsEqual(bytes) } ? true : nil
            }) == true {
                return (encounter, errors, encounter.id)
            }
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
    /// For each of the 64 slots a plain name can have (the number of its `JSONTapeParser.nameBit`, the
    /// one the parser stores in each plain member name's `nameSlot`): 1 + the index of the first name
    /// with that slot, 0 for none; `nextWithSlot` chains the other names with the same slot (0 ends it).
    private let firstWithSlot: [UInt8]
    private let nextWithSlot: [UInt8]
    /// The names' bytes one after another: name i is `allBytes[starts[i]..<starts[i + 1]]`.
    private let starts: [Int]
    private let allBytes: [UInt8]

    init(arrayLiteral names: String...) { self.init(names) }

    init(_ names: [String]) {
        assert(names.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }, "member names are ASCII: bytes compare as strings do")
        assert(names.count < Int(UInt8.max), "a name's index + 1 fits a byte")
        self.names = Set(names)
        let bytes = names.map { Array($0.utf8) }
        var starts = [0]
        for text in bytes { starts.append(starts.last! + text.count) }
        self.starts = starts
        allBytes = bytes.flatMap { $0 }
        var firstWithSlot = [UInt8](repeating: 0, count: 64)
        var nextWithSlot = [UInt8](repeating: 0, count: names.count)
        for (index, text) in bytes.enumerated().reversed() {
            // The empty name's bit depends on no byte (`nameBit` reads none).
            let slot = text.isEmpty ? 0 : text.withUnsafeBufferPointer { JSONTapeParser.nameBit($0.baseAddress!, count: $0.count) }.trailingZeroBitCount
            nextWithSlot[index] = firstWithSlot[slot]
            firstWithSlot[slot] = UInt8(index + 1)
        }
        self.firstWithSlot = firstWithSlot
        self.nextWithSlot = nextWithSlot
    }

    /// Whether the (ASCII) name in `bytes` is one of these names; plain ASCII bytes are equal as
    /// strings exactly when they are equal as bytes.
    func contains(ascii bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return names.contains("") }
        return contains(ascii: bytes, slot: UInt8(JSONTapeParser.nameBit(start, count: bytes.count).trailingZeroBitCount))
    }

    /// `contains(ascii:)` for a name whose slot is known (the parser's): equal names have equal
    /// slots, so only the names with that slot are compared (usually one).
    @inline(__always)
    func contains(ascii name: UnsafeBufferPointer<UInt8>, slot: UInt8) -> Bool {
        var entry = firstWithSlot[Int(slot & 63)]
        if entry == 0 { return false }
        return allBytes.withUnsafeBufferPointer { allBytes in
            while entry != 0 {
                let index = Int(entry) - 1
                let start = starts[index]
                let length = starts[index + 1] - start
                if length == name.count
                    && (length == 0 || JSONTapeValue.Storage.sameBytes(allBytes.baseAddress! + start, name.baseAddress!, count: length)) {
                    return true
                }
                entry = nextWithSlot[index]
            }
            return false
        }
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
