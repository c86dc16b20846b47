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
        // Fast path for the common case: ASCII from the basic character set, no separator, single
        // spaces, nothing to trim: only lower-case letters change (and when none is there, the
        // text is returned as it is).
        let allowed = asciiAllowed
        var plain = true
        var hasLowerCase = false
        var previousSpace = true
        for byte in text.utf8 {
            let isLower = byte >= 0x61 && byte <= 0x7A
            let upper = isLower ? byte - 0x20 : byte
            if upper >= 0x80 || !allowed[Int(upper)] || delimiters.contains(Unicode.Scalar(upper)) || (upper == 0x20 && previousSpace) {
                plain = false
                break
            }
            hasLowerCase = hasLowerCase || isLower
            previousSpace = upper == 0x20
        }
        if plain && !previousSpace {
            guard hasLowerCase else { return .success(text) }
            let count = text.utf8.count
            return .success(String(unsafeUninitializedCapacity: count) { buffer in
                var index = 0
                for byte in text.utf8 {
                    buffer[index] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                    index += 1
                }
                return count
            })
        }
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
