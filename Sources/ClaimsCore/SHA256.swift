/// SHA-256 (FIPS 180-4), for content hashes of rule files in the audit trail and deterministic FHIR ids.
/// Written here because Foundation on Linux has no digest API and the core takes no dependency.
/// The batch hashes several short keys per claim (`FHIRResourceId`), so the compression loop works
/// on raw buffers without per-block arrays.
public enum SHA256 {
    private static let initial: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)

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
            let state = words.baseAddress!, schedule = state + 8
            (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]) = initial
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let padded = tail.baseAddress!
                padded.initialize(repeating: 0, count: paddedCount)
                if tailCount > 0 { padded.update(from: message.baseAddress! + fullBlocks * 64, count: tailCount) }
                padded[tailCount] = 0x80
                let bitLength = UInt64(message.count) &* 8
                UnsafeMutableRawPointer(padded + paddedCount - 8).storeBytes(of: bitLength.bigEndian, as: UInt64.self)
                if let start = message.baseAddress {
                    for block in 0..<fullBlocks { compress(UnsafeRawPointer(start + block * 64), state, schedule) }
                }
                compress(UnsafeRawPointer(padded), state, schedule)
                if paddedCount == 128 { compress(UnsafeRawPointer(padded + 64), state, schedule) }
            }
            let target = UnsafeMutableRawPointer(out.baseAddress!)
            for index in 0..<8 { target.storeBytes(of: state[index].bigEndian, toByteOffset: 4 * index, as: UInt32.self) }
        }
    }

    /// One 64-byte block into the state `h`, `w` the 64-word message schedule (scratch). The 64 rounds
    /// are written out with their constants as immediates (no table loads), the variables' roles
    /// rotated in the arguments instead of moved: ~2,900 instructions a block, was ~3,600 (issue 18;
    /// the reader hashes every encounter id, drafting three or four FHIR ids a claim).
    private static func compress(_ block: UnsafeRawPointer, _ h: UnsafeMutablePointer<UInt32>, _ w: UnsafeMutablePointer<UInt32>) {
        for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        for i in 16..<64 {
            let x = w[i - 15], y = w[i - 2]
            let s0 = rotr(rotr(x, 11) ^ x, 7) ^ (x &>> 3)            // rotr 7 ^ rotr 18 ^ shr 3
            let s1 = rotr(rotr(y, 2) ^ y, 17) ^ (y &>> 10)           // rotr 17 ^ rotr 19 ^ shr 10
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        var bc = b ^ c
        round(a, b, &d, e, f, g, &hh, &bc, 0x428a2f98 &+ w[0])
        round(hh, a, &c, d, e, f, &g, &bc, 0x71374491 &+ w[1])
        round(g, hh, &b, c, d, e, &f, &bc, 0xb5c0fbcf &+ w[2])
        round(f, g, &a, b, c, d, &e, &bc, 0xe9b5dba5 &+ w[3])
        round(e, f, &hh, a, b, c, &d, &bc, 0x3956c25b &+ w[4])
        round(d, e, &g, hh, a, b, &c, &bc, 0x59f111f1 &+ w[5])
        round(c, d, &f, g, hh, a, &b, &bc, 0x923f82a4 &+ w[6])
        round(b, c, &e, f, g, hh, &a, &bc, 0xab1c5ed5 &+ w[7])
        round(a, b, &d, e, f, g, &hh, &bc, 0xd807aa98 &+ w[8])
        round(hh, a, &c, d, e, f, &g, &bc, 0x12835b01 &+ w[9])
        round(g, hh, &b, c, d, e, &f, &bc, 0x243185be &+ w[10])
        round(f, g, &a, b, c, d, &e, &bc, 0x550c7dc3 &+ w[11])
        round(e, f, &hh, a, b, c, &d, &bc, 0x72be5d74 &+ w[12])
        round(d, e, &g, hh, a, b, &c, &bc, 0x80deb1fe &+ w[13])
        round(c, d, &f, g, hh, a, &b, &bc, 0x9bdc06a7 &+ w[14])
        round(b, c, &e, f, g, hh, &a, &bc, 0xc19bf174 &+ w[15])
        round(a, b, &d, e, f, g, &hh, &bc, 0xe49b69c1 &+ w[16])
        round(hh, a, &c, d, e, f, &g, &bc, 0xefbe4786 &+ w[17])
        round(g, hh, &b, c, d, e, &f, &bc, 0x0fc19dc6 &+ w[18])
        round(f, g, &a, b, c, d, &e, &bc, 0x240ca1cc &+ w[19])
        round(e, f, &hh, a, b, c, &d, &bc, 0x2de92c6f &+ w[20])
        round(d, e, &g, hh, a, b, &c, &bc, 0x4a7484aa &+ w[21])
        round(c, d, &f, g, hh, a, &b, &bc, 0x5cb0a9dc &+ w[22])
        round(b, c, &e, f, g, hh, &a, &bc, 0x76f988da &+ w[23])
        round(a, b, &d, e, f, g, &hh, &bc, 0x983e5152 &+ w[24])
        round(hh, a, &c, d, e, f, &g, &bc, 0xa831c66d &+ w[25])
        round(g, hh, &b, c, d, e, &f, &bc, 0xb00327c8 &+ w[26])
        round(f, g, &a, b, c, d, &e, &bc, 0xbf597fc7 &+ w[27])
        round(e, f, &hh, a, b, c, &d, &bc, 0xc6e00bf3 &+ w[28])
        round(d, e, &g, hh, a, b, &c, &bc, 0xd5a79147 &+ w[29])
        round(c, d, &f, g, hh, a, &b, &bc, 0x06ca6351 &+ w[30])
        round(b, c, &e, f, g, hh, &a, &bc, 0x14292967 &+ w[31])
        round(a, b, &d, e, f, g, &hh, &bc, 0x27b70a85 &+ w[32])
        round(hh, a, &c, d, e, f, &g, &bc, 0x2e1b2138 &+ w[33])
        round(g, hh, &b, c, d, e, &f, &bc, 0x4d2c6dfc &+ w[34])
        round(f, g, &a, b, c, d, &e, &bc, 0x53380d13 &+ w[35])
        round(e, f, &hh, a, b, c, &d, &bc, 0x650a7354 &+ w[36])
        round(d, e, &g, hh, a, b, &c, &bc, 0x766a0abb &+ w[37])
        round(c, d, &f, g, hh, a, &b, &bc, 0x81c2c92e &+ w[38])
        round(b, c, &e, f, g, hh, &a, &bc, 0x92722c85 &+ w[39])
        round(a, b, &d, e, f, g, &hh, &bc, 0xa2bfe8a1 &+ w[40])
        round(hh, a, &c, d, e, f, &g, &bc, 0xa81a664b &+ w[41])
        round(g, hh, &b, c, d, e, &f, &bc, 0xc24b8b70 &+ w[42])
        round(f, g, &a, b, c, d, &e, &bc, 0xc76c51a3 &+ w[43])
        round(e, f, &hh, a, b, c, &d, &bc, 0xd192e819 &+ w[44])
        round(d, e, &g, hh, a, b, &c, &bc, 0xd6990624 &+ w[45])
        round(c, d, &f, g, hh, a, &b, &bc, 0xf40e3585 &+ w[46])
        round(b, c, &e, f, g, hh, &a, &bc, 0x106aa070 &+ w[47])
        round(a, b, &d, e, f, g, &hh, &bc, 0x19a4c116 &+ w[48])
        round(hh, a, &c, d, e, f, &g, &bc, 0x1e376c08 &+ w[49])
        round(g, hh, &b, c, d, e, &f, &bc, 0x2748774c &+ w[50])
        round(f, g, &a, b, c, d, &e, &bc, 0x34b0bcb5 &+ w[51])
        round(e, f, &hh, a, b, c, &d, &bc, 0x391c0cb3 &+ w[52])
        round(d, e, &g, hh, a, b, &c, &bc, 0x4ed8aa4a &+ w[53])
        round(c, d, &f, g, hh, a, &b, &bc, 0x5b9cca4f &+ w[54])
        round(b, c, &e, f, g, hh, &a, &bc, 0x682e6ff3 &+ w[55])
        round(a, b, &d, e, f, g, &hh, &bc, 0x748f82ee &+ w[56])
        round(hh, a, &c, d, e, f, &g, &bc, 0x78a5636f &+ w[57])
        round(g, hh, &b, c, d, e, &f, &bc, 0x84c87814 &+ w[58])
        round(f, g, &a, b, c, d, &e, &bc, 0x8cc70208 &+ w[59])
        round(e, f, &hh, a, b, c, &d, &bc, 0x90befffa &+ w[60])
        round(d, e, &g, hh, a, b, &c, &bc, 0xa4506ceb &+ w[61])
        round(c, d, &f, g, hh, a, &b, &bc, 0xbef9a3f7 &+ w[62])
        round(b, c, &e, f, g, hh, &a, &bc, 0xc67178f2 &+ w[63])
        h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
        h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
    }

    /// One round: `d` and `h` take their new values (the caller renames the rest). `bc` comes in as
    /// b ^ c and leaves as a ^ b: the next round's b ^ c (Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c))).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
                              _ h: inout UInt32, _ bc: inout UInt32, _ constantAndWord: UInt32) {
        // Σ1(e) = rotr 6 ^ rotr 11 ^ rotr 25, Σ0(a) = rotr 2 ^ rotr 13 ^ rotr 22: nested, one copy each.
        let sigma1 = rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6)
        let t1 = h &+ sigma1 &+ (g ^ (e & (f ^ g))) &+ constantAndWord
        let ab = a ^ b
        let sigma0 = rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2)
        let t2 = sigma0 &+ (b ^ (ab & bc))
        bc = ab
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

    /// Masking shifts (`&>>`, `&<<`): a constant count then compiles to one rotate instruction.
    @inline(__always)
    private static func rotr(_ value: UInt32, _ count: UInt32) -> UInt32 { (value &>> count) | (value &<< (32 &- count)) }
}
