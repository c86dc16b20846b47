import Yams

extension RuleBookLoader {
    /// The diagnostics of one rule file read against an already parsed shared part (nil: none), as
    /// `combine` reports them for that file. For the fuzz tests, which check thousands of mutated
    /// payer files without reading the shared file again for each.
    static func diagnostics(of source: Source, shared: SharedPart) -> [RuleFileDiagnostic]? {
        if let tooDeep = YAMLNestingLimit.problem(in: source.text, file: source.path) { return [tooDeep] }
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: source.text) else {
                return [RuleFileDiagnostic(file: source.path, line: 1, column: 1, message: "the file is empty")]
            }
            node = composed
        } catch let error as YamlError {
            let (line, column, problem) = error.positionAndProblem
            return [RuleFileDiagnostic(file: source.path, line: line, column: column, message: problem)]
        } catch {
            return [RuleFileDiagnostic(file: source.path, line: 1, column: 1, message: "cannot read YAML: \(error)")]
        }
        if node["kind"]?.string == "shared" {
            var parser = SharedFileParser(source: source)
            _ = parser.parse()
            return parser.reader.diagnostics.isEmpty ? nil : parser.reader.diagnostics.sorted()
        }
        var parser = PayerFileParser(source: source, node: node, shared: shared)
        _ = parser.parse()
        return parser.reader.diagnostics.isEmpty ? nil : parser.reader.diagnostics.sorted()
    }
}
