/// Text rules shared by every FHIR resource written: FHIR strings must not start or end with
/// whitespace, and ids have their own alphabet.
public enum FHIRText {
    /// Trims and collapses runs of whitespace; nil when empty.
    public static func clean(_ text: String) -> String? {
        // Most values are already clean: printable ASCII with single inner spaces.
        var previousSpace = true
        var alreadyClean = !text.isEmpty
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F || (byte == 0x20 && previousSpace) { alreadyClean = false; break }
            previousSpace = byte == 0x20
        }
        if alreadyClean && !previousSpace { return text }
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.isEmpty ? nil : collapsed
    }

    public static func fullName(first: String, middle: String?, last: String) -> String? {
        clean([first, middle ?? "", last].joined(separator: " "))
    }

    /// FHIR `id`: 1–64 of `A–Z a–z 0–9 - .`.
    public static func isResourceId(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 46
        }
    }
}
