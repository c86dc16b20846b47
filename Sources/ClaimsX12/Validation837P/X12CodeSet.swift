/// A code list of the guide (`SBR01`'s P S T …, the states, the places of service) looked up by the
/// bytes of an element, without building a string: codes of up to 7 bytes (all but one of the
/// guide's) are packed with their length into one number and found by binary search. A value that
/// is not ASCII is looked up as a `String`, so it matches exactly what string comparison matches
/// (Swift compares canonically: the Kelvin sign U+212A equals `K`).
struct X12CodeSet: Sendable {
    /// The short codes packed (`pack`), sorted.
    private let packed: [UInt64]
    /// Codes too long to pack (`005010X222A1`), as bytes.
    private let long: [[UInt8]]
    /// The codes as text (messages list them; a value that is not ASCII is looked up here).
    let strings: Set<String>

    init<Codes: Sequence<String>>(_ codes: Codes) {
        var packed: [UInt64] = [], long: [[UInt8]] = []
        for code in codes {
            let bytes = Array(code.utf8)
            if let number = bytes.withUnsafeBufferPointer(Self.pack) { packed.append(number) } else { long.append(bytes) }
        }
        self.packed = packed.sorted()
        self.long = long
        strings = Set(codes)
    }

    var isEmpty: Bool { strings.isEmpty }

    func contains(_ value: X12Bytes) -> Bool {
        guard value.isASCII else { return strings.contains(value.text) }
        guard let number = Self.pack(value) else { return long.contains { $0.elementsEqual(value) } }
        var low = 0, high = packed.count
        while low < high {
            let middle = (low + high) / 2
            if packed[middle] < number { low = middle + 1 } else { high = middle }
        }
        return low < packed.count && packed[low] == number
    }

    /// Up to 7 bytes and their count in one number (the count keeps `A` and `A\0` apart); nil when longer.
    private static func pack(_ bytes: X12Bytes) -> UInt64? {
        guard bytes.count <= 7 else { return nil }
        var number = UInt64(bytes.count)
        for byte in bytes { number = number << 8 | UInt64(byte) }
        return number
    }
}
