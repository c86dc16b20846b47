/// A problem in a rule file or the clinic profile, printed like a compiler diagnostic:
/// `Payers/bcbs-il.yaml:14:7: unknown service 'spravto'; known services: …`.
public struct RuleFileDiagnostic: Error, Sendable, Hashable, CustomStringConvertible, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }

    public static func < (lhs: RuleFileDiagnostic, rhs: RuleFileDiagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.message)
    }
}

/// Thrown when any rule file is invalid: every command that loads rules refuses to run.
public struct RuleFilesInvalid: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [RuleFileDiagnostic]
    public init(diagnostics: [RuleFileDiagnostic]) { self.diagnostics = diagnostics.sorted() }
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s") in the rule files; fix them and run `claims payers validate`."
    }
}
