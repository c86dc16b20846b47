/// Text made safe for HTML element content and quoted attributes (superbills, the batch report).
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        // Printable ASCII without `&<>"'` (most names, codes and labels) is its own escape: one pass.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x26 && $0 != 0x3C && $0 != 0x3E && $0 != 0x22 && $0 != 0x27 }) {
            return text
        }
        // Nothing to replace (any text, `José – Peña`): only the controls are made visible, and what
        // that writes (`\u{1B}`) has nothing to replace either; the Character loop would rebuild the text.
        if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) {
            return VisibleText.escapingControls(text, keepNewlines: true)
        }
        let text = VisibleText.escapingControls(text, keepNewlines: true)
        // ASCII text (the report's reasons and codes): each byte is one Character, so replacing bytes
        // is `escapeCharacters`, without its Character breaking (~150 instructions a character).
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return escapeASCII(text) }
        return escapeCharacters(text)
    }

    /// The general path, Character by Character (a combining mark after `&` makes another Character,
    /// left as it is). `text`'s controls are already visible.
    static func escapeCharacters(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func escapeASCII(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case 0x26: escaped += Array("&amp;".utf8)
            case 0x3C: escaped += Array("&lt;".utf8)
            case 0x3E: escaped += Array("&gt;".utf8)
            case 0x22: escaped += Array("&quot;".utf8)
            case 0x27: escaped += Array("&#39;".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
