import Foundation

/// The authorizations `scripts/seed-sample-authorizations.sh` records, read from the script itself
/// so tests and the script never disagree.
public enum SampleAuthorizations {
    /// The arguments after `add` on each line (double quotes group words).
    public static func addArguments() -> [[String]] {
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/seed-sample-authorizations.sh")
        let text = (try? String(contentsOf: script, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix("add ") }.map { line in
            var words: [String] = []
            var current = ""
            var quoted = false
            for character in line.dropFirst(4) {
                if character == "\"" { quoted.toggle(); continue }
                if character == " " && !quoted {
                    if !current.isEmpty { words.append(current) }
                    current = ""
                    continue
                }
                current.append(character)
            }
            if !current.isEmpty { words.append(current) }
            return words
        }
    }
}
