import Foundation

/// Turning free text (names, addresses) into X12 element values.
///
/// Policy (docs/x12.md): upper-case; transliterate letters outside ASCII to their base letter
/// (`Müller` → `MULLER`, `Peña` → `PENA`, `Straße` → `STRASSE`), typographic quotes and dashes to
/// ASCII ones; then every character must be in the X12 basic or extended set. Separators and
/// control characters are never removed or replaced: the text is refused, because silently
/// changing a name or an address is how claims get matched to the wrong member.
public enum X12Text {
    /// Why a value cannot be written.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case delimiter(Character)
        case control(Unicode.Scalar)
        case outsideCharacterSet(Character)

        public var description: String {
            switch self {
            case .delimiter(let character):
                "contains '\(character)', an X12 separator; remove it from the source record (X12 has no escape)"
            case .control(let scalar):
                "contains the control character \(X12Delimiters.describe(scalar)) (a line break or tab?); remove it from the source record"
            case .outsideCharacterSet(let character):
                "contains '\(character)', which has no ASCII equivalent in the X12 character set; spell it with A–Z, 0–9 and basic punctuation"
            }
        }
    }

    /// Upper-cased, transliterated value ready for an element, or the first problem found.
    /// Leading/trailing spaces are trimmed and inner runs of spaces collapsed (pure formatting).
    public static func prepare(_ text: String, delimiters: X12Delimiters = .standard) -> Result<String, Problem> {
        prepared(text, delimiters: delimiters).result
    }

    /// `prepare`, and whether the value is known to be ASCII (what the fast path gives), so a caller
    /// that counts characters need not look at the bytes again (`false`: not known, look).
    static func prepared(_ text: String, delimiters: X12Delimiters) -> (result: Result<String, Problem>, isKnownASCII: Bool) {
        if let plain = text.utf8.withContiguousStorageIfAvailable({ plainASCII($0, of: text, delimiters: delimiters) }), let plain {
            return (.success(plain), true)
        }
        return (preparedGenerally(text, delimiters: delimiters), false)
    }

    /// Fast path for the common case, over the bytes in place: ASCII from the basic character set, no
    /// separator, single spaces, nothing to trim. Only lower-case letters change (when none is there,
    /// `text` itself is the answer); nil when the text needs `preparedGenerally` (which gives the same
    /// value for any text this accepts).
    static func plainASCII(_ utf8: UnsafeBufferPointer<UInt8>, of text: String, delimiters: X12Delimiters) -> String? {
        // One bit test a byte: the bytes whose upper-case form X12 allows and is not a separator.
        let accepted = delimiters == .standard ? standardAcceptedBits : acceptedBits(delimiters)
        var hasLowerCase = false
        var previousSpace = true
        for byte in utf8 {
            guard byte < 0x80, (byte < 64 ? accepted.low >> byte : accepted.high >> (byte - 64)) & 1 == 1,
                  !(byte == 0x20 && previousSpace) else { return nil }
            hasLowerCase = hasLowerCase || (byte >= 0x61 && byte <= 0x7A)
            previousSpace = byte == 0x20
        }
        if previousSpace { return nil }  // empty, or a trailing space
        guard hasLowerCase else { return text }
        return String(unsafeUninitializedCapacity: utf8.count) { buffer in
            for index in utf8.indices {
                let byte = utf8[index]
                buffer[index] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
            }
            return utf8.count
        }
    }

    /// Bytes below 0x80 that `plainASCII` accepts as they are or upper-cased: allowed in upper case
    /// (`asciiAllowedBits`, plus a–z for A–Z), and neither a separator nor one once upper-cased, as
    /// `preparedGenerally` checks (a separator that is an upper-case letter refuses its lower-case
    /// letter too; the fast path before session 11 let a lower-case separator through upper-cased).
    static func acceptedBits(_ delimiters: X12Delimiters) -> (low: UInt64, high: UInt64) {
        var (low, high) = asciiAllowedBits
        // A–Z are bits 1–26 of the high word (0x41–0x5A), a–z bits 33–58 (0x61–0x7A).
        high |= (high & (0x3FF_FFFF << 1)) << 32
        for separator in [delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition] {
            guard let separator, separator.isASCII else { continue }
            let byte = UInt8(separator.value)
            if byte < 64 { low &= ~(1 << UInt64(byte)) } else { high &= ~(1 << UInt64(byte - 64)) }
            if byte >= 0x41 && byte <= 0x5A { high &= ~(1 << UInt64(byte - 64 + 32)) }
        }
        return (low, high)
    }

    static let standardAcceptedBits = acceptedBits(.standard)

    /// `prepare` for any text: separators and controls refused, each character transliterated, runs
    /// of spaces collapsed and the ends trimmed.
    static func preparedGenerally(_ text: String, delimiters: X12Delimiters) -> Result<String, Problem> {
        for scalar in text.unicodeScalars {
            if delimiters.contains(scalar) { return .failure(.delimiter(Character(scalar))) }
            if isControl(scalar) { return .failure(.control(scalar)) }
        }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            guard let ascii = transliterate(character) else { return .failure(.outsideCharacterSet(character)) }
            output += ascii
        }
        let collapsed = output.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        // Transliteration may not introduce a separator (it maps only to letters and basic punctuation).
        if let scalar = collapsed.unicodeScalars.first(where: { delimiters.contains($0) }) {
            return .failure(.delimiter(Character(scalar)))
        }
        return .success(collapsed)
    }

    /// Control characters (C0, DEL, C1) and invisible format/separator characters.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// Upper-case characters X12 allows in element data (basic set plus the extended set's
    /// punctuation). `*` and `:` are in the basic set; as our separators they are refused earlier.
    /// `allowed`, as a table over ASCII for the fast path.
    static let asciiAllowed: [Bool] = (0..<128).map { allowed.contains(Character(Unicode.Scalar(UInt8($0)))) }

    /// `asciiAllowed` as two 64-bit masks (bit n: byte n, then byte 64 + n), read without an array.
    static let asciiAllowedBits: (low: UInt64, high: UInt64) = (0..<128).reduce((UInt64(0), UInt64(0))) { bits, byte in
        guard asciiAllowed[byte] else { return bits }
        return byte < 64 ? (bits.0 | 1 << UInt64(byte), bits.1) : (bits.0, bits.1 | 1 << UInt64(byte - 64))
    }

    static let allowed: Set<Character> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()+,-./;?=%@[]_{}\\|<>#$*:")

    /// Letters that do not decompose into a base letter plus marks.
    static let special: [Character: String] = [
        "ß": "SS", "ẞ": "SS", "Æ": "AE", "æ": "AE", "Œ": "OE", "œ": "OE", "Ø": "O", "ø": "O", "Ł": "L", "ł": "L",
        "Đ": "D", "đ": "D", "Ð": "D", "ð": "D", "Þ": "TH", "þ": "TH", "ı": "I", "Ħ": "H", "ħ": "H",
        "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'", "\u{2032}": "'", "\u{02BC}": "'",
        "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"", "\u{2033}": "\"",
        "\u{2010}": "-", "\u{2011}": "-", "\u{2012}": "-", "\u{2013}": "-", "\u{2014}": "-", "\u{2212}": "-",
        "\u{00A0}": " ", "\u{2007}": " ", "\u{202F}": " ",
    ]

    /// ASCII upper-case spelling of one character, or nil when there is none.
    static func transliterate(_ character: Character) -> String? {
        // Printable ASCII (one scalar; "\r\n" is not in the range): only a–z change, and the table
        // says whether X12 allows it. Names with one accented letter take this for all the others.
        if let ascii = character.asciiValue, ascii >= 0x20 && ascii < 0x7F {
            let upper = ascii >= 0x61 && ascii <= 0x7A ? ascii - 0x20 : ascii
            return asciiAllowed[Int(upper)] ? String(Character(Unicode.Scalar(upper))) : nil
        }
        if let base = accentedLatinLetters[character] { return base }
        return transliterateGenerally(character)
    }

    /// What `transliterateGenerally` gives for the accented letters of Latin-1 and Latin Extended-A
    /// that decompose into an ASCII letter and marks (`é` → `E`), looked up rather than decomposed
    /// (~10,000 instructions a letter; names such as Peña or Müller are common). Keys match any
    /// canonically equivalent spelling (`e` + U+0301 too). X12FastPathTests compares every entry
    /// with the general path.
    static let accentedLatinLetters: [Character: String] = {
        let groups: [(base: String, letters: String)] = [
            ("A", "ÀÁÂÃÄÅàáâãäåĀāĂăĄą"), ("C", "ÇçĆćĈĉĊċČč"), ("D", "Ďď"), ("E", "ÈÉÊËèéêëĒēĔĕĖėĘęĚě"),
            ("G", "ĜĝĞğĠġĢģ"), ("H", "Ĥĥ"), ("I", "ÌÍÎÏìíîïĨĩĪīĬĭĮįİ"), ("J", "Ĵĵ"), ("K", "Ķķ"), ("L", "ĹĺĻļĽľ"),
            ("N", "ÑñŃńŅņŇň"), ("O", "ÒÓÔÕÖòóôõöŌōŎŏŐő"), ("R", "ŔŕŖŗŘř"), ("S", "ŚśŜŝŞşŠš"), ("T", "ŢţŤť"),
            ("U", "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų"), ("W", "Ŵŵ"), ("Y", "ÝýÿŶŷŸ"), ("Z", "ŹźŻżŽž"),
        ]
        var table: [Character: String] = [:]
        for (base, letters) in groups { for letter in letters { table[letter] = base } }
        return table
    }()

    /// `transliterate` for any character: the special spellings, case mapping, then the base letter.
    static func transliterateGenerally(_ character: Character) -> String? {
        if let mapped = special[character] { return mapped }
        let upper = character.uppercased()
        if upper.count == 1, let single = upper.first, allowed.contains(single) { return upper }
        // Canonical decomposition: base letter + combining marks (é = e + U+0301) → keep the base.
        let decomposed = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
        guard let base = decomposed.first, base.isASCII,
              decomposed.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) else { return nil }
        let baseUpper = Character(base).uppercased()
        guard baseUpper.count == 1, let single = baseUpper.first, allowed.contains(single) else { return nil }
        return baseUpper
    }
}
