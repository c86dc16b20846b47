import ClaimsCore
import Foundation

/// Shared plumbing for commands: loading rules, reading encounter files, printing JSON.
enum CommandSupport {
    /// Loads and validates every rule file in --payers; refuses to run on an invalid file.
    static func loadRules(_ global: GlobalOptions) throws -> RuleBook {
        throw CLIError(.internalFailure, "rule loading is not wired yet")
    }

    /// Reads an encounter file (JSON array or JSON Lines), streaming, and calls `body` with each
    /// record's evaluation input: the validated encounter or its input errors.
    /// `allowFutureDates` is true for the checklist (scheduled encounters).
    static func forEachEncounter(in path: String, rules: RuleBook, asOf: LocalDate, allowFutureDates: Bool,
                                 _ body: (EncounterRecord) throws -> Void) throws {
        throw CLIError(.internalFailure, "encounter reading is not wired yet")
    }

    /// Prints a JSON document with sorted keys (stable output for scripts and golden files).
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// One record of an encounter file after validation.
struct EncounterRecord {
    var ordinal: Int
    var line: Int
    /// The id as written (even when invalid), for reports.
    var id: String
    /// The validated encounter, or nil with `errors` non-empty.
    var encounter: Encounter?
    var errors: [InputError]
}
