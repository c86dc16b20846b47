import ArgumentParser

struct PayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payers", abstract: "Payer rule files.")
}
