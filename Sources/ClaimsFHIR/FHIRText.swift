/// Text rules shared by every FHIR resource written: FHIR strings must not start or end with
/// whitespace, and ids have their own alphabet.
public enum FHIRText {
    /// Trims and collapses runs of whitespace; nil when empty.
    public static func clean(_ text: String) -> String? {
        // Most values are already clean: printable ASCII with single inner spaces.
        // Read through the contiguous UTF-8 (iterating the `utf8` view cost several times as much).
        let (alreadyClean, printableASCII) = text.withUTF8Bytes { utf8 -> (Bool, Bool) in
            var previousSpace = true
            var alreadyClean = !utf8.isEmpty
            for byte in utf8 {
                if byte < 0x20 || byte >= 0x7F { return (false, false) }
                if byte == 0x20 && previousSpace { alreadyClean = false }
                previousSpace = byte == 0x20
            }
            return (alreadyClean && !previousSpace, true)
        }
        if alreadyClean { return text }
        // Printable ASCII (a name joined around an absent middle name: "Ann  Lee"), or text whose only
        // white space is the space standing alone (`spacesAreTheOnlyWhitespace`): collapsing the
        // bytes is the same as the Character split below.
        if printableASCII || spacesAreTheOnlyWhitespace(text) {
            let words = text.utf8.split(separator: 0x20)
            guard !words.isEmpty else { return nil }
            var collapsed: [UInt8] = []
            collapsed.reserveCapacity(text.utf8.count)
            for (index, word) in words.enumerated() {
                if index > 0 { collapsed.append(0x20) }
                collapsed.append(contentsOf: word)
            }
            return String(decoding: collapsed, as: UTF8.self)
        }
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.isEmpty ? nil : collapsed
    }

    /// Whether `clean` gives `text` itself: not empty, no space at either end or next to another, and
    /// its bytes collapsed around spaces by `clean` (`spacesSeparateWords`: printable ASCII, accented
    /// names; nearly every name, address line and identifier). Writers check this in place
    /// (`FHIRNode.cleanString`) rather than take the copy `clean` returns (a retain and a release).
    static func isClean(_ text: String) -> Bool {
        text.withUTF8Bytes { utf8 in
            var previousSpace = true
            for byte in utf8 {
                if byte == 0x20 && previousSpace { return false }
                previousSpace = byte == 0x20
            }
            return !previousSpace && spacesSeparateWords(utf8)
        }
    }

    public static func fullName(first: String, middle: String?, last: String) -> String? {
        // Parts whose joined text `clean` collapses byte by byte (`spacesSeparateWords` of the joined
        // text, checked part by part: each part, and no joining space followed by a byte beyond ASCII;
        // printable ASCII and accented names): the words of the three parts joined by one space,
        // written straight into the new string (no array of parts, no appends, no iterating the `utf8`
        // views: ~5,000 instructions an ASCII name, issue 18; ~7,000 more a name beyond ASCII).
        let joined: String?? = first.withUTF8Bytes { first in
            (middle ?? "").withUTF8Bytes { middle in
                last.withUTF8Bytes { last in
                    guard spacesSeparateWords(first), spacesSeparateWords(middle), spacesSeparateWords(last),
                          (middle.first ?? 0) < 0x80, (last.first ?? 0) < 0x80 else { return .none }
                    let name = String(unsafeUninitializedCapacity: first.count + middle.count + last.count + 2) { buffer in
                        var count = 0
                        func words(_ part: UnsafeBufferPointer<UInt8>) {
                            var spaceBefore = count > 0
                            for byte in part {
                                if byte == 0x20 { spaceBefore = count > 0; continue }
                                if spaceBefore { buffer[count] = 0x20; count += 1; spaceBefore = false }
                                buffer[count] = byte
                                count += 1
                            }
                        }
                        words(first)
                        words(middle)
                        words(last)
                        return count
                    }
                    return .some(name.isEmpty ? nil : name)
                }
            }
        }
        if let joined { return joined }
        return clean([first, middle ?? "", last].joined(separator: " "))
    }

    /// Whether collapsing the bytes around spaces gives what the Character split gives, for text
    /// beyond ASCII (accented and Cyrillic names, CJK): printable ASCII, and scalars from U+00C0 to
    /// U+05FF or U+4000 to U+9FFF only (lead bytes C3–D7, E4–E9: no white space and no prepended
    /// mark among them), and no space followed by a byte beyond ASCII (a combining mark would join
    /// the space into one Character). Each space is then a Character of its own and the only white
    /// space. The Character split cost ~12,000 instructions a name (issue 18).
    static func spacesAreTheOnlyWhitespace(_ text: String) -> Bool {
        text.withUTF8Bytes(spacesSeparateWords)
    }

    /// `spacesAreTheOnlyWhitespace` of UTF-8 bytes.
    static func spacesSeparateWords(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var afterSpace = false
        for byte in utf8 {
            if afterSpace && byte >= 0x80 { return false }
            switch byte {
            case 0x20...0x7E, 0x80...0xBF, 0xC3...0xD7, 0xE4...0xE9: break
            default: return false
            }
            afterSpace = byte == 0x20
        }
        return true
    }

    /// FHIR `id`: 1–64 of `A–Z a–z 0–9 - .`.
    public static func isResourceId(_ id: String) -> Bool {
        // Read in place (the `utf8` view's generic `allSatisfy` cost ~500 instructions an id).
        id.withUTF8Bytes { utf8 in
            (1...64).contains(utf8.count) && utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 46
            }
        }
    }
}

extension String {
    /// The string's UTF-8 bytes, read in place. `var copy = text; copy.withUTF8 { … }` retained and
    /// released the string's storage for every value written (~150 atomic operations a claim, issue
    /// 18); a native string is contiguous, so a copy is made only for one that is not (bridged).
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
