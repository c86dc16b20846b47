/// Refuses YAML nested deeper than any rule file or clinic profile needs, before Yams reads it:
/// Yams composes flow mappings used as keys (`{{{…}}}`) in time quadratic in their depth, so a
/// 2 KB file of 950 nested `{` took over 10 seconds to refuse (found by fuzzing; docs/testing.md).
enum YAMLNestingLimit {
    /// Flow collections (`{…}`, `[…]`) nested deeper than this are refused (the rule files nest 4).
    static let maximumFlowDepth = 64

    /// Where the flow nesting first goes past the limit, or nil. Brackets inside quoted scalars and
    /// comments do not count; a quote opens a scalar only where one can start (after a space, a line
    /// start or `[ { , :`), so an apostrophe inside a word is text.
    static func problem(in text: String, file: String) -> RuleFileDiagnostic? {
        var depth = 0
        var line = 1, column = 0
        var inDouble = false, inSingle = false, inComment = false, escaped = false
        var previous: Unicode.Scalar = "\n"
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if scalar == "\n" {
                line += 1; column = 0; inComment = false
                continue
            }
            column += 1
            if inComment { continue }
            if inDouble {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inDouble = false }
                continue
            }
            if inSingle {
                // `''` inside a single-quoted scalar closes and reopens it: the state comes out the same.
                if scalar == "'" { inSingle = false }
                continue
            }
            let canStartScalar = previous == " " || previous == "\t" || previous == "\n" || previous == "\r" || "[{,:".unicodeScalars.contains(previous)
            switch scalar {
            case "#" where previous == " " || previous == "\t" || previous == "\n" || previous == "\r": inComment = true
            case "\"" where canStartScalar: inDouble = true
            case "'" where canStartScalar: inSingle = true
            case "{", "[":
                depth += 1
                if depth > maximumFlowDepth {
                    return RuleFileDiagnostic(file: file, line: line, column: column,
                                              message: "lists and mappings are nested more than \(maximumFlowDepth) levels deep ({ } or [ ]); no rule file or clinic profile needs that many — check the brackets here")
                }
            case "}", "]": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }
}
