/// Text rules shared by every FHIR resource written: FHIR strings must not start or end with
/// whitespace, and ids have their own alphabet.
public enum FHIRText {
    /// Trims and collapses runs of whitespace; nil when empty.
    public static func clean(_ text: String) -> String? {
        // Most values are already clean: printable ASCII with single inner spaces.
        var previousSpace = true
        var alreadyClean = !text.isEmpty
        var printableASCII = true
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F { alreadyClean = false; printableASCII = false; break }
            if byte == 0x20 && previousSpace { alreadyClean = false }
            previousSpace = byte == 0x20
        }
        if alreadyClean && !previousSpace { return text }
        // Printable ASCII (a name joined around an absent middle name: "Ann  Lee"): each byte is one
        // Character and only the space is whitespace, so collapsing the bytes is the same as below.
        if printableASCII {
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

    public static func fullName(first: String, middle: String?, last: String) -> String? {
        // Printable ASCII parts (nearly every name): each part cleaned, one space between them, is what
        // cleaning the joined text gives (only the space is whitespace there), without joining the
        // parts and splitting them again around an absent middle name (~4,000 instructions a name).
        // The words of the three parts joined by one space are written straight into the new string
        // (no array of parts, no appends: ~6,000 instructions a claim for two names, issue 18).
        if isPrintableASCII(first), isPrintableASCII(middle ?? ""), isPrintableASCII(last) {
            let capacity = first.utf8.count + (middle?.utf8.count ?? 0) + last.utf8.count + 2
            let name = String(unsafeUninitializedCapacity: capacity) { buffer in
                var count = 0
                func words(_ part: String) {
                    var spaceBefore = count > 0
                    for byte in part.utf8 {
                        if byte == 0x20 { spaceBefore = count > 0; continue }
                        if spaceBefore { buffer[count] = 0x20; count += 1; spaceBefore = false }
                        buffer[count] = byte
                        count += 1
                    }
                }
                words(first)
                if let middle { words(middle) }
                words(last)
                return count
            }
            return name.isEmpty ? nil : name
        }
        return clean([first, middle ?? "", last].joined(separator: " "))
    }

    private static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// FHIR `id`: 1–64 of `A–Z a–z 0–9 - .`.
    public static func isResourceId(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 46
        }
    }
}
