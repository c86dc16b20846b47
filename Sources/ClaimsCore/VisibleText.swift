/// Text that is safe to show on a terminal, in a log line or in an HTML report: control characters
/// (ESC, BEL, NUL, C1 controls, …) are written as visible escapes such as `\u{1B}`, so input can never
/// move the cursor, ring the bell or rewrite what a person sees; overlong text is cut.
public enum VisibleText {
    /// `text` with every control character except newline and tab made visible.
    public static func escapingControls(_ text: String, keepNewlines: Bool = false) -> String {
        // The usual case: printable ASCII (and non-control non-ASCII) needs no copy.
        if !text.unicodeScalars.contains(where: { isControl($0, keepNewlines: keepNewlines) }) { return text }
        var shown = ""
        shown.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar, keepNewlines: keepNewlines) {
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    /// At most `limit` characters of `text` (controls made visible), with `…` where it was cut.
    public static func bounded(_ text: String, limit: Int) -> String {
        let shown = escapingControls(text)
        guard shown.utf8.count > limit, shown.count > limit else { return shown }
        return String(shown.prefix(limit)) + "…"
    }

    static func isControl(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let value = scalar.value
        if keepNewlines && (value == 0x0A || value == 0x09) { return false }
        // C0, DEL, C1; and the bidirectional overrides that can disguise text on a terminal.
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}

/// The characters that separate X12 elements, components, repetitions and segments in our
/// interchanges (`* : ^ ~`, and `|`, which some clearinghouses use): text that must travel in an 837P
/// may not hold them. One definition for the encounter validator and the clinic profile loader.
public enum X12Separators {
    public static let scalars: Set<Unicode.Scalar> = ["*", ":", "^", "~", "|"]

    public static func contains(_ scalar: Unicode.Scalar) -> Bool { scalars.contains(scalar) }

    /// Whether the byte is one of the separators (they are all ASCII).
    @inline(__always)
    public static func contains(byte: UInt8) -> Bool {
        byte == 0x2A || byte == 0x3A || byte == 0x5E || byte == 0x7E || byte == 0x7C
    }
}
