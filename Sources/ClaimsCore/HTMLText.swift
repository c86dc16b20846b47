/// Text made safe for HTML element content and quoted attributes (superbills, the batch report).
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        let text = VisibleText.escapingControls(text, keepNewlines: true)
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
}
