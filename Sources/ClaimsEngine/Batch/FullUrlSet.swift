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

    /// The bits of `urn:uuid:` followed by 36 characters: lowercase hex digits in groups 8-4-4-4-12.
    /// Anything else (upper case included, so one URL never has two keys) is nil.
    private static func uuidBits(_ fullUrl: String) -> SpilledKeySet.Key? {
        guard fullUrl.utf8.count == 45 else { return nil }
        var text = fullUrl
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes -> SpilledKeySet.Key? in
            for index in 0..<9 where bytes[index] != uuidPrefix[index] { return nil }
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
            return SpilledKeySet.Key(high: high, low: low)
        } ?? nil
    }
}
