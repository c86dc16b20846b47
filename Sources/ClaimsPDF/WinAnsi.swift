import Foundation

/// Text → WinAnsiEncoding (Windows code page 1252) bytes, the encoding the native PDF declares for
/// Helvetica. Latin-1 letters (Müller, Peña, Zoë, José) map to one byte each; a character outside
/// cp1252 is transliterated when it has a Latin base letter (Łódź → Lodz, Ștefan → Stefan, ﬁ → fi)
/// and printed as `?` otherwise. Control characters (tab, newline) become spaces.
enum WinAnsi {
    static let replacement: UInt8 = 0x3F   // ?

    static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        // Fast path: printable ASCII is its own encoding.
        var ascii = true
        for byte in text.utf8 where byte < 0x20 || byte > 0x7E { ascii = false; break }
        if ascii { bytes.append(contentsOf: text.utf8); return bytes }
        // Decomposed input (e + U+0301) is composed first so that it maps to é rather than e.
        let combining = text.unicodeScalars.contains { (0x0300...0x036F).contains($0.value) }
        let scalars = combining ? text.precomposedStringWithCanonicalMapping.unicodeScalars : text.unicodeScalars
        for scalar in scalars { append(scalar, to: &bytes) }
        return bytes
    }

    /// The cp1252 byte of `scalar`, or nil when cp1252 has none.
    @inline(__always)
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        switch value {
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(value)
        case 0x20AC: return 0x80   // €
        case 0x201A: return 0x82   // ‚
        case 0x0192: return 0x83   // ƒ
        case 0x201E: return 0x84   // „
        case 0x2026: return 0x85   // …
        case 0x2020: return 0x86   // †
        case 0x2021: return 0x87   // ‡
        case 0x02C6: return 0x88   // ˆ
        case 0x2030: return 0x89   // ‰
        case 0x0160: return 0x8A   // Š
        case 0x2039: return 0x8B   // ‹
        case 0x0152: return 0x8C   // Œ
        case 0x017D: return 0x8E   // Ž
        case 0x2018: return 0x91   // '
        case 0x2019: return 0x92   // '
        case 0x201C: return 0x93   // "
        case 0x201D: return 0x94   // "
        case 0x2022: return 0x95   // •
        case 0x2013: return 0x96   // –
        case 0x2014: return 0x97   // —
        case 0x02DC: return 0x98   // ˜
        case 0x2122: return 0x99   // ™
        case 0x0161: return 0x9A   // š
        case 0x203A: return 0x9B   // ›
        case 0x0153: return 0x9C   // œ
        case 0x017E: return 0x9E   // ž
        case 0x0178: return 0x9F   // Ÿ
        default: return nil
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        if let byte = byte(for: scalar) { bytes.append(byte); return }
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { bytes.append(0x20); return }   // controls
        if (0x0300...0x036F).contains(value) { return }   // a combining mark after an encoded letter: drop it
        if let special = transliterations[value] { bytes.append(contentsOf: special.utf8); return }
        // Compatibility decomposition: é → e + ◌́, ﬁ → f i, ＡＢ → AB, non-breaking and thin spaces → space.
        let decomposed = String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars
        var kept: [UInt8] = []
        for part in decomposed {
            if let byte = byte(for: part) { kept.append(byte) }
            else if let special = transliterations[part.value] { kept.append(contentsOf: special.utf8) }
            else if (0x0300...0x036F).contains(part.value) { continue }
            else { kept = []; break }   // any part without a Latin equivalent: the whole character is unknown
        }
        bytes.append(contentsOf: kept.isEmpty ? [replacement] : kept)
    }

    /// Latin letters and punctuation with no decomposition to a cp1252 character.
    private static let transliterations: [UInt32: String] = [
        0x0110: "D", 0x0111: "d",   // Đ đ
        0x0126: "H", 0x0127: "h",   // Ħ ħ
        0x0131: "i",                // ı
        0x0141: "L", 0x0142: "l",   // Ł ł
        0x014A: "N", 0x014B: "n",   // Ŋ ŋ
        0x0166: "T", 0x0167: "t",   // Ŧ ŧ
        0x0180: "b", 0x0197: "I", 0x01B5: "Z", 0x01B6: "z",
        0x0218: "S", 0x0219: "s", 0x021A: "T", 0x021B: "t",   // Ș ș Ț ț (also decompose, kept for speed)
        0x0237: "j", 0x0250: "a", 0x0259: "e", 0x018F: "E",   // ȷ ɐ ə Ə
        0x02BB: "'", 0x02BC: "'", 0x02B9: "'", 0x02BA: "\"",   // modifier letters used as apostrophes
        0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2015: "-", 0x2212: "-",   // hyphens, figure dash, minus
        0x2032: "'", 0x2033: "\"",   // prime, double prime
        0x2044: "/", 0x2215: "/",   // fraction and division slashes
        0x2190: "<-", 0x2192: "->",
        0x2264: "<=", 0x2265: ">=", 0x2260: "!=",
        0x2116: "No.",   // №
    ]
}
