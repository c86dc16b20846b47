import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore
import Foundation

/// `claims preauth request ID --out DIR --format x12|fhir` (CONTRACT §10, docs/prior-auth-requests.md).
struct PreauthRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Write the request for a stored authorization (X12 278 or Da Vinci PAS JSON) and mark it submitted.",
        discussion: """
        The patient, plan, diagnoses and clinician come from the patient's latest encounter with the payer: from --encounters FILE when given, else from the store (every encounter `claims batch` read). The payer's criteria for the service, evaluated on that encounter's clinical facts, travel with the request (278 MSG, PAS supportingInfo). Control numbers come from the store and are never reused.

        Examples:
          claims preauth request 10 --out out/requests --format x12
          claims preauth request 10 --out out/requests --format fhir --encounters Samples/schedule.json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The authorization's id, or its auth number.") var id: String
    @Option(help: "The folder the request file is written into (created when missing).") var out: String
    @Option(help: "x12 (278, 005010X217) or fhir (Da Vinci PAS Bundle, JSON).") var format: String = "x12"
    @Option(help: "An encounter file (JSON array or JSON Lines) to take the patient's latest encounter from, instead of the store.")
    var encounters: String?
    @Option(help: "Who sends the request (history); default: the operating-system account.") var by: String?

    func run() throws {
        guard let requestFormat = AuthorizationRequester.Format(rawValue: format) else {
            throw CLIError(.usage, "--format: '\(format)' must be x12 or fhir")
        }
        let rules = try CommandSupport.loadRules(global)
        let clinic = try CommandSupport.loadClinic(global)
        let asOf = try global.processingDate()
        var given: [Encounter]?
        if let encounters {
            var list: [Encounter] = []
            try CommandSupport.forEachEncounter(in: encounters, rules: rules, asOf: asOf, allowFutureDates: true) { record in
                if let encounter = record.encounter { list.append(encounter) }
            }
            given = list
        }
        let store = try StoreSupport.open(global)
        let (_, createdTime) = Clock.now()
        let requester = AuthorizationRequester(store: store, rules: rules, clinic: clinic, asOf: asOf, createdTime: createdTime, createdZone: Clock.zone())
        do {
            let written = try requester.request(.idOrAuthNumber(id), format: requestFormat, outputDirectory: out, encounters: given,
                                                by: by ?? GlobalOptions.osUser)
            let change = written.update.changes["status"].map { " (status \(PreauthText.value($0.from)) → \(PreauthText.value($0.to)))" } ?? ""
            print("authorization \(written.update.authorization.id!): request \(written.trace) written to \(written.path) from encounter \(written.encounterId)\(change)")
        } catch let failure as AuthorizationRequester.Failure {
            throw CLIError(failure.isInput ? .invalidData : .ioFailure, failure.message)
        } catch let error as StoreError {
            throw StoreSupport.cliError(error, changing: true)
        }
    }
}

/// `claims preauth import FILE...`: 278 responses and PAS response Bundles.
struct PreauthImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply payers' answers (X12 278 responses, Da Vinci PAS response Bundles) to the authorizations requested.",
        discussion: """
        Each answer is matched by the trace its request carried (278 TRN, PAS request identifier) and updates the authorization's status, auth number, units and dates, with history. An answer to an unknown request, or one imported before, changes nothing. Exit 0 when every answer was applied (or had been), 65 when some could not be read or matched.

        Example:
          claims preauth import Samples/prior-auth/responses/*
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "278 response files (X12) or PAS response Bundles (JSON).") var files: [String]
    @Option(help: "Who imports (history); default: the operating-system account.") var by: String?

    func run() throws {
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw CLIError(.noInput, "\(file): no such file; nothing was imported")
        }
        let store = try StoreSupport.open(global)
        let importer = AuthorizationResponseImporter(store: store)
        var failed = false
        for file in files {
            for line in importer.importFile(file, by: by ?? GlobalOptions.osUser) {
                print("\(file): \(line.kind.rawValue): \(line.message)")
                if line.kind == .error || line.kind == .unknownRequest { failed = true }
            }
        }
        if failed { throw ExitCode(ExitStatus.invalidData.rawValue) }
    }
}
