/// The `fullUrl`s a payer's FHIR Bundle lists so far (a patient, plan or provider is listed once).
/// A batch's bundles hold a few entries per claim, so the set grows with the run: it is a
/// `SpilledKeySet`, whose older keys go to the run's work directory. A `urn:uuid:` URL (what the
/// FHIR writer gives every resource) is keyed by its 128 bits; any other URL by the SHA-256 of its text.
struct FullUrlSet {
    private let keys: SpilledKeySet

    /// - Parameters:
    ///   - directory: the run's work directory (nil: every key stays in memory).
    ///   - name: the name of the set's files there (one set per payer).
    init(spillingInto directory: String?, name: String, memoryLimit: Int = SpilledKeySet.defaultMemoryLimit) {
        keys = SpilledKeySet(spillingInto: directory, name: name, memoryLimit: memoryLimit)
    }

    /// Adds `fullUrl`; false when it was there already.
    func insert(_ fullUrl: String) throws -> Bool {
        try keys.insert(Self.uuidBits(fullUrl) ?? SpilledKeySet.Key(hashing: fullUrl))
    }

    /// Made once (built inside the check, it was allocated for every fullUrl of the run).
    private static let uuidPrefix: [UInt8] = Array("urn:uuid:".utf8)

    /// Each byte's value as a hex digit (`0`–`9`, `a`–`f`), 0xFF for any other byte: one load a
    /// character instead of a comparison chain (~1,000 instructions a URL, five URLs a claim).
    private static let hexValues: [UInt8] = (0...255).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        default: 0xFF
        }
    }

    /// The bits of `urn:uuid:` followed by 36 characters: lowercase hex digits in groups 8-4-4-4-12.
    /// Anything else (upper case included, so one URL never has two keys) is nil.
    static func uuidBits(_ fullUrl: String) -> SpilledKeySet.Key? {
        guard fullUrl.utf8.count == 45 else { return nil }
        var text = fullUrl
        return text.withUTF8 { bytes -> SpilledKeySet.Key? in
            for index in 0..<9 where bytes[index] != uuidPrefix[index] { return nil }
            guard bytes[17] == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: "-"), bytes[27] == UInt8(ascii: "-"),
                  bytes[32] == UInt8(ascii: "-") else { return nil }
            return hexValues.withUnsafeBufferPointer { values -> SpilledKeySet.Key? in
                var high: UInt64 = 0, low: UInt64 = 0
                var invalid: UInt8 = 0
                // Digits at 9..<17, 18..<22, 23..<27 (high: 16 digits), 28..<32, 33..<45 (low: 16 digits).
                @inline(__always) func take(_ range: Range<Int>, into word: inout UInt64) {
                    for index in range {
                        let value = values[Int(bytes[index])]
                        invalid |= value
                        word = word << 4 | UInt64(value & 0x0F)
                    }
                }
                take(9..<17, into: &high); take(18..<22, into: &high); take(23..<27, into: &high)
                take(28..<32, into: &low); take(33..<45, into: &low)
                // A hex digit's value is below 16; 0xFF marks any other byte.
                return invalid & 0xF0 == 0 ? SpilledKeySet.Key(high: high, low: low) : nil
            }
        }
    }
}
