import ClaimsCore
import ClaimsEngine
import ClaimsRules
import Foundation

/// Shared plumbing for commands: loading rules, reading encounter files, printing JSON.
enum CommandSupport {
    /// Loads and validates every rule file in --payers; refuses to run on an invalid file.
    static func loadRules(_ global: GlobalOptions) throws -> RuleBook {
        // An interrupted `payers apply` is finished (or abandoned) before any rule is read.
        RuleAdministrationSupport.recover(global)
        let rules: RuleBook
        do {
            rules = try RuleBookLoader.load(directory: global.payersPath)
        } catch let invalid as RuleFilesInvalid {
            throw CLIError(.invalidData, "the payer rules are invalid; nothing was done.\n" + invalid.description)
        }
        // Drift: a file edited by hand since its last recorded version is worth a warning every time.
        if FileManager.default.fileExists(atPath: global.dbPath), let lines = try? RuleAdministrationSupport.status(global) {
            for line in lines where line.isDrift { printError("warning: \(line.text)") }
        }
        return rules
    }

    /// Loads the clinic profile (--clinic); refuses to run on an invalid one.
    static func loadClinic(_ global: GlobalOptions) throws -> ClinicProfile {
        guard FileManager.default.fileExists(atPath: global.clinicPath) else {
            throw CLIError(.noInput, "\(global.clinicPath): no clinic profile there; pass --clinic FILE or set CLAIMS_CLINIC (Samples/clinic.yaml is an example)")
        }
        do {
            return try ClinicProfileLoader.load(path: global.clinicPath)
        } catch {
            throw CLIError(.invalidData, "the clinic profile is invalid; nothing was done.\n"
                           + error.diagnostics.map(\.description).joined(separator: "\n"))
        }
    }

    /// The clinic profile when its file exists (refusing an invalid one), or nil when there is none.
    static func loadClinicIfPresent(_ global: GlobalOptions) throws -> ClinicProfile? {
        guard FileManager.default.fileExists(atPath: global.clinicPath) else { return nil }
        return try loadClinic(global)
    }

    /// Reads an encounter file (JSON array or JSON Lines), streaming, and calls `body` with each
    /// record: the validated encounter or its input errors.
    /// `allowFutureDates` is true for the checklist (scheduled encounters).
    static func forEachEncounter(in path: String, rules: RuleBook, asOf: LocalDate, allowFutureDates: Bool,
                                 _ body: (DecodedRecord) throws -> Void) throws {
        let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf, allowFutureDates: allowFutureDates)
        do {
            try EncounterFileReader(decoder: decoder).read(path: path, body)
        } catch let error as InputFileError {
            throw CLIError(error.kind == .missing ? .noInput : .ioFailure, error.description)
        }
    }

    /// Prints a JSON document with sorted keys (stable output for scripts and golden files).
    static func printJSON(_ value: some Encodable) throws {
        FileHandle.standardOutput.write(try jsonData(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func jsonData(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func printLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

enum OutputFormat: String, CaseIterable, Sendable {
    case text, json
}
