import CYaml
import Foundation
import Yams

/// Limits on every YAML file this program reads (rule files and the clinic profile); docs/rule-files.md.
/// The shipped files are under 10 KB, use no anchors or aliases, and nest at most 8 levels.
public enum YAMLLimits {
    /// A larger file is refused before it is read into memory.
    public static let maximumBytes = 1 << 20
    /// Scalars, lists and mappings together.
    public static let maximumNodes = 100_000
    /// Lists and mappings inside each other (the readers recurse; this keeps the stack small).
    public static let maximumDepth = 64
}

/// Composes YAML only after a streaming pass over libyaml's events has checked the limits.
///
/// Anchors (`&name`) and aliases (`*name`) are refused outright: the rule format does not need them
/// (named conditions and `ref:` are the way to reuse), and an alias is expanded by every reader of
/// the composed tree — ten levels of ten aliases is a 2 KB file that expands to 10^9 nodes
/// ("billion laughs"). The event pass keeps no tree, so it runs in memory bounded by the file size.
enum GuardedYAML {
    /// The root node, nil for an empty document, or the first problem with its position.
    static func compose(_ text: String, file: String) -> Result<Node?, RuleFileDiagnostic> {
        if let problem = firstViolation(text, file: file) { return .failure(problem) }
        do {
            return .success(try Yams.compose(yaml: text))
        } catch let error as YamlError {
            let (line, column, problem) = error.positionAndProblem
            return .failure(RuleFileDiagnostic(file: file, line: line, column: column, message: problem))
        } catch {
            return .failure(RuleFileDiagnostic(file: file, line: 1, column: 1, message: "cannot read YAML: \(error)"))
        }
    }

    /// The first anchor, alias, or exceeded limit. YAML syntax errors are left to `Yams.compose`,
    /// which reports them with the same positions and better wording.
    static func firstViolation(_ text: String, file: String) -> RuleFileDiagnostic? {
        let size = text.utf8.count
        if size > YAMLLimits.maximumBytes {
            return RuleFileDiagnostic(file: file, line: 1, column: 1, message: sizeMessage(size))
        }
        guard size > 0 else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return RuleFileDiagnostic(file: file, line: 1, column: 1, message: "cannot start the YAML reader (out of memory?)")
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> RuleFileDiagnostic? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var nodes = 0
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                func problem(_ message: String) -> RuleFileDiagnostic {
                    RuleFileDiagnostic(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: message)
                }
                var anchor: UnsafeMutablePointer<yaml_char_t>?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_ALIAS_EVENT:
                    return problem(aliasMessage(name(event.data.alias.anchor)))
                case YAML_SCALAR_EVENT:
                    anchor = event.data.scalar.anchor
                    nodes += 1
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    nodes += 1
                    depth += 1
                    if depth > YAMLLimits.maximumDepth {
                        return problem("lists and mappings are nested more than \(YAMLLimits.maximumDepth) levels deep; rule files need far fewer — check the brackets and indentation here")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                default:
                    break
                }
                if let anchor { return problem(anchorMessage(name(anchor))) }
                if nodes > YAMLLimits.maximumNodes {
                    return problem("the file has more than \(YAMLLimits.maximumNodes) YAML values (scalars, lists and mappings); split it or remove what is repeated")
                }
            }
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
        guard let pointer else { return "" }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    static func sizeMessage(_ size: Int) -> String {
        "the file is \(size) bytes; a rule file or clinic profile may be at most \(YAMLLimits.maximumBytes) bytes (1 MiB) — is this the right file?"
    }

    static func anchorMessage(_ name: String) -> String {
        "YAML anchors (&\(name)) are not allowed in rule files; write the value out in full, or define a named condition under `conditions:` and use `ref:`"
    }

    static func aliasMessage(_ name: String) -> String {
        "YAML aliases (*\(name)) are not allowed in rule files; write the value out in full, or define a named condition under `conditions:` and use `ref:`"
    }
}
