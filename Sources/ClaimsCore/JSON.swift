/// A JSON value that keeps numbers as their source text, so money and units are read
/// exactly (`"210.10"` never passes through `Double`), and keeps where each value started.
/// Not `indirect`: arrays and dictionaries already hold their elements out of line, so every
/// other value (most of a record) is stored inline instead of in a heap box of its own.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var typeName: String { content.typeName }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// A syntax error in JSON input, with the 1-based line and column where it was found.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes, giving `JSONValue` trees (the nodes and the
/// syntax errors come from `JSONTape`).
public struct JSONParser {
    private let bytes: [UInt8]
    private let line: Int
    private let column: Int

    /// `line`/`column` say where `bytes` starts in its file, so errors point into the file.
    public init(bytes: [UInt8], line: Int = 1, column: Int = 1) {
        self.bytes = bytes
        self.line = line
        self.column = column
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    public mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        try JSONTape(bytes: bytes, line: line, column: column).value()
    }

    /// The index of the first byte in `from..<to` that does not belong to a well-formed UTF-8
    /// sequence (overlong forms, surrogates and values past U+10FFFF included), or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= end else { return index }
            guard (low...high).contains(bytes[index + 1]) else { return index }
            for offset in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[index + offset]) { return index }
            index += length
        }
        return nil
    }
}

extension JSONValue {
    /// Compact JSON text with sorted keys (numbers written back exactly as they were read).
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): JSONValue.writeString(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// `text` as a JSON string literal, escaped (public: the FHIR JSON encoder writes strings with it).
    public static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
