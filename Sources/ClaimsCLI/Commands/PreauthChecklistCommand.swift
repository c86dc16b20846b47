import ArgumentParser

struct PreauthChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checklist", abstract: "What each scheduled patient needs before treatment.")
    @OptionGroup var global: GlobalOptions
    @Argument var file: String
    @Option(help: "text or json.") var format: PreauthOutputFormat = .text
    func run() throws { throw CLIError(.internalFailure, "not implemented yet") }
}
