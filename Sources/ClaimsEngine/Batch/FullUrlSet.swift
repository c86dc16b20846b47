/// The `fullUrl`s a payer's FHIR Bundle lists so far (a patient, plan or provider is listed once).
/// A batch's bundles hold a few entries per claim, so the set grows with the run: a `urn:uuid:`
/// URL (what the FHIR writer gives every resource) is kept as its 128 bits, 16 bytes instead of a
/// ~100-byte string; any other URL is kept as text. Exact: the same URL is always the same key.
struct FullUrlSet {
    private struct UUIDBits: Hashable {
        var high: UInt64
        var low: UInt64
    }

    private var uuids = Set<UUIDBits>()
    private var others = Set<String>()

    /// Adds `fullUrl`; false when it was there already.
    mutating func insert(_ fullUrl: String) -> Bool {
        if let bits = Self.uuidBits(fullUrl) { return uuids.insert(bits).inserted }
        return others.insert(fullUrl).inserted
    }

    var count: Int { uuids.count + others.count }

    /// The bits of `urn:uuid:` followed by 36 characters: lowercase hex digits in groups 8-4-4-4-12.
    /// Anything else (upper case included, so one URL never has two keys) is nil.
    private static func uuidBits(_ fullUrl: String) -> UUIDBits? {
        guard fullUrl.utf8.count == 45 else { return nil }
        var text = fullUrl
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes -> UUIDBits? in
            let prefix: [UInt8] = Array("urn:uuid:".utf8)
            for index in 0..<9 where bytes[index] != prefix[index] { return nil }
            var high: UInt64 = 0, low: UInt64 = 0
            var digits = 0
            for index in 9..<45 {
                let byte = bytes[index]
                if index == 17 || index == 22 || index == 27 || index == 32 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                let value: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
                digits += 1
            }
            return UUIDBits(high: high, low: low)
        } ?? nil
    }
}
