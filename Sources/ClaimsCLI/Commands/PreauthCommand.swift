import ArgumentParser

/// Placeholder: the prior-authorization commands (add, update, list, show, checklist) replace this file.
struct PreauthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "preauth", abstract: "Prior authorizations.")
}
