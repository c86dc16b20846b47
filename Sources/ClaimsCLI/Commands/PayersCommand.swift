import ArgumentParser
import ClaimsCore
import ClaimsRules
import Foundation

/// `claims payers …`: the admin's side of the rule files.
struct PayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payers",
        abstract: "Validate, apply and inspect payer rule files.",
        discussion: """
        Coverage policy lives in the rule files (docs/rule-files.md); an admin's update is validated, previewed against recent encounters and installed with an audit trail (docs/admin-guide.md).

        Examples:
          claims payers validate
          claims payers apply ~/edits/cigna.yaml --reason "J0013 replaces S0013" --dry-run
          claims payers history cigna
        """,
        subcommands: [PayersValidateCommand.self, PayersApplyCommand.self, PayersHistoryCommand.self, PayersShowCommand.self,
                      PayersRollbackCommand.self, PayersStatusCommand.self]
    )
}

/// `claims payers validate [PATH...]`: every problem as `file:line:column: message`.
struct PayersValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate rule files; print every problem as file:line:column: message.",
        discussion: """
        With no PATH, validates the whole --payers directory. A PATH may be a directory or a single payer file; a single file is checked together with the shared file and the other payers of --payers (a file with the same name replaces the installed one). Exit 0 when valid, 65 otherwise.

        Examples:
          claims payers validate
          claims payers validate ~/edits/bcbs-il.yaml
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "Rule files or directories (default: the --payers directory).") var paths: [String] = []

    func run() throws {
        let targets = paths.isEmpty ? [global.payersPath] : paths
        var problems: [RuleFileDiagnostic] = []
        var checked = 0
        for target in targets {
            do {
                let sources = try RuleSources.resolve(target, payersDirectory: global.payersPath)
                checked += sources.count
                _ = try RuleBookLoader.combine(sources)
            } catch let invalid as RuleFilesInvalid {
                problems += invalid.diagnostics
            }
        }
        if problems.isEmpty {
            CommandSupport.printLine("ok: \(checked) rule file\(checked == 1 ? "" : "s") valid")
            return
        }
        let unique = Array(Set(problems)).sorted()
        for problem in unique { CommandSupport.printLine(problem.description) }
        CommandSupport.printError("\(unique.count) problem\(unique.count == 1 ? "" : "s") found")
        throw ExitCode(ExitStatus.invalidData.rawValue)
    }
}

/// Which sources to combine when validating or applying a path.
enum RuleSources {
    /// A directory: its files. A file: the installed directory's files, with this file in place of its namesake.
    static func resolve(_ path: String, payersDirectory: String) throws -> [RuleBookLoader.Source] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuleFilesInvalid(diagnostics: [RuleFileDiagnostic(file: path, line: 1, column: 1, message: "no such file or directory")])
        }
        if isDirectory.boolValue { return try RuleBookLoader.sources(inDirectory: path) }
        let candidate = try RuleBookLoader.source(atPath: path)
        let installed = (try? RuleBookLoader.sources(inDirectory: payersDirectory)) ?? []
        return installed.filter { $0.fileName != candidate.fileName } + [candidate]
    }
}
