/// SHA-256 (FIPS 180-4), for content hashes of rule files in the audit trail and deterministic FHIR ids.
/// Written here because Foundation on Linux has no digest API and the core takes no dependency.
/// The batch hashes several short keys per claim (`FHIRResourceId`), so the compression loop works
/// on raw buffers without per-block arrays.
public enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    private static let initial: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

    public static func digest(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBufferPointer { digest($0) }
    }

    /// The digest of `message`'s bytes (32 bytes).
    public static func digest(_ message: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            digest(message, into: out)
            count = 32
        }
    }

    /// The digest of `message`'s bytes into the first 32 bytes of `out`, without allocating: the state,
    /// the message schedule and the padded tail live on the stack.
    public static func digest(_ message: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(out.count >= 32, "SHA256.digest(_:into:) needs 32 bytes")
        let fullBlocks = message.count / 64
        // The padded tail: the last partial block, 0x80, zeros, the bit length (one or two blocks).
        let tailCount = message.count - fullBlocks * 64
        let paddedCount = tailCount < 56 ? 64 : 128
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 + 64) { words in
            let state = UnsafeMutableBufferPointer(rebasing: words[0..<8])
            let schedule = UnsafeMutableBufferPointer(rebasing: words[8..<72])
            for index in 0..<8 { state[index] = initial[index] }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let padded = UnsafeMutableBufferPointer(rebasing: tail[0..<paddedCount])
                padded.initialize(repeating: 0)
                for index in 0..<tailCount { padded[index] = message[fullBlocks * 64 + index] }
                padded[tailCount] = 0x80
                let bitLength = UInt64(message.count) &* 8
                for byte in 0..<8 { padded[paddedCount - 1 - byte] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * byte)) }
                k.withUnsafeBufferPointer { constants in
                    for block in 0..<fullBlocks {
                        compress(UnsafeBufferPointer(rebasing: message[(block * 64)..<(block * 64 + 64)]), state, schedule, constants)
                    }
                    for start in stride(from: 0, to: paddedCount, by: 64) {
                        compress(UnsafeBufferPointer(rebasing: padded[start..<(start + 64)]), state, schedule, constants)
                    }
                }
            }
            for index in 0..<8 {
                for byte in 0..<4 { out[4 * index + byte] = UInt8(truncatingIfNeeded: state[index] >> UInt32(24 - 8 * byte)) }
            }
        }
    }

    private static func compress(_ block: UnsafeBufferPointer<UInt8>, _ h: UnsafeMutableBufferPointer<UInt32>,
                                 _ w: UnsafeMutableBufferPointer<UInt32>, _ k: UnsafeBufferPointer<UInt32>) {
        for i in 0..<16 {
            w[i] = UInt32(block[4 * i]) << 24 | UInt32(block[4 * i + 1]) << 16 | UInt32(block[4 * i + 2]) << 8 | UInt32(block[4 * i + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        // Eight rounds per pass with the variables' roles rotated in the arguments instead of moved
        // (the one-round loop spent a third of its instructions shuffling registers).
        var i = 0
        while i < 64 {
            round(a, b, c, &d, e, f, g, &hh, k[i] &+ w[i])
            round(hh, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
            round(g, hh, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
            round(f, g, hh, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
            round(e, f, g, &hh, a, b, c, &d, k[i + 4] &+ w[i + 4])
            round(d, e, f, &g, hh, a, b, &c, k[i + 5] &+ w[i + 5])
            round(c, d, e, &f, g, hh, a, &b, k[i + 6] &+ w[i + 6])
            round(b, c, d, &e, f, g, hh, &a, k[i + 7] &+ w[i + 7])
            i += 8
        }
        h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
        h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
    }

    /// One round: `d` and `h` take their new values (the caller renames the rest).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ constantAndWord: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ constantAndWord
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d = d &+ t1
        h = t1 &+ t2
    }

    public static func hex(_ message: [UInt8]) -> String {
        hexDigits(digest(message))
    }

    /// Lower-case hexadecimal, two digits a byte.
    private static func hexDigits(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes { appendHex(byte, to: &text) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `byte` as two lower-case hexadecimal digits (UTF-8).
    public static func appendHex(_ byte: UInt8, to text: inout [UInt8]) {
        text.append(hexDigit(byte >> 4))
        text.append(hexDigit(byte & 0x0F))
    }

    /// The lower-case hexadecimal digit (UTF-8) of a value 0–15.
    public static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }

    private static func rotr(_ value: UInt32, _ count: UInt32) -> UInt32 { (value >> count) | (value << (32 - count)) }
}
