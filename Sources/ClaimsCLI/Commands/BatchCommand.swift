import ArgumentParser

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "The billing office's batch run.")
    @OptionGroup var global: GlobalOptions
    @Argument var file: String
    @Option var out: String
    func run() throws { throw CLIError(.internalFailure, "not implemented yet") }
}
