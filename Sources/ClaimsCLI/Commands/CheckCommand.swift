import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Evaluate encounters against the payer rules.")
    @OptionGroup var global: GlobalOptions
    @Argument var file: String
    func run() throws { throw CLIError(.internalFailure, "not implemented yet") }
}
