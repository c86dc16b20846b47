/// Reading `Map837PTable`'s text. Read as bytes (the table is ASCII): splitting it by characters made
/// reading the map cost more than checking a file of thousands of claims.
extension Map837P {
    /// The table's lines: indentation (the depth in the tree), kind (`L` loop, `S` segment, `E`
    /// element, `C` composite, `X` external code set) and the `|`-separated fields after the kind.
    /// Blank lines are left out.
    static func lines(of table: String) -> [(depth: Int, kind: UInt8, fields: [String])] {
        var text = table
        return text.withUTF8 { bytes in
            var lines: [(depth: Int, kind: UInt8, fields: [String])] = []
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                var body = start
                while body < end && bytes[body] == UInt8(ascii: " ") { body += 1 }
                if body < end {
                    var fields: [String] = []
                    var fieldStart = min(body + 2, end)
                    for position in fieldStart...end where position == end || bytes[position] == UInt8(ascii: "|") {
                        fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<position]), as: UTF8.self))
                        fieldStart = position + 1
                    }
                    lines.append((body - start, bytes[body], fields))
                }
                start = end + 1
            }
            return lines
        }
    }

    /// The space-separated words of a field (`P0809 C1110`, a code list).
    static func words(_ field: String) -> [String] {
        field.utf8.split(separator: UInt8(ascii: " ")).map { String(Substring($0)) }
    }
}
