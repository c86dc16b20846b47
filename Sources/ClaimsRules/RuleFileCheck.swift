import Yams

extension RuleBookLoader {
    /// The diagnostics of one rule file read against an already parsed shared part (nil: none), as
    /// `combine` reports them for that file. For the fuzz tests, which check thousands of mutated
    /// payer files without reading the shared file again for each.
    static func diagnostics(of source: Source, shared: SharedPart) -> [RuleFileDiagnostic]? {
        if let tooDeep = YAMLNestingLimit.problem(in: source.text, file: source.path) { return [tooDeep] }
        let node: Node
        // The same guarded reading as `combine` (no aliases, bounded size and nodes).
        switch GuardedYAML.compose(source.text, file: source.path) {
        case .failure(let problem): return [problem]
        case .success(nil): return [RuleFileDiagnostic(file: source.path, line: 1, column: 1, message: "the file is empty")]
        case .success(let composed?): node = composed
        }
        if node["kind"]?.string == "shared" {
            var parser = SharedFileParser(source: source, root: node)
            _ = parser.parse()
            return parser.reader.diagnostics.isEmpty ? nil : parser.reader.diagnostics.sorted()
        }
        var parser = PayerFileParser(source: source, node: node, shared: shared)
        _ = parser.parse()
        return parser.reader.diagnostics.isEmpty ? nil : parser.reader.diagnostics.sorted()
    }
}
