import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore
import Foundation

/// `claims eligibility request / import / show` (CONTRACT §7, docs/eligibility.md).
struct EligibilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligibility",
        abstract: "Ask payers whether patients are covered (X12 270) and record their answers (271).",
        discussion: """
        docs/eligibility.md describes the inquiries, the matching and how check, batch and the checklist use the answers.

        Examples:
          claims eligibility request Samples/schedule.json --out out/eligibility
          claims eligibility import inbox/*.x12
          claims eligibility show PT-1001
        """,
        subcommands: [EligibilityRequestCommand.self, EligibilityImportCommand.self, EligibilityShowCommand.self]
    )
}

struct EligibilityRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Write one 270 per payer for the encounters in FILE (one inquiry per patient, payer and date of service).",
        discussion: """
        Self-pay encounters get no inquiry. The files are DIR/<payer>-<ISA13>.270.x12; control numbers and trace numbers come from the store and are never reused. CLAIMS_NOW=YYYY-MM-DDTHH:MM fixes the creation time. Exit 3 when some encounters were rejected (input errors, or an inquiry that cannot be written), 65 when the clinic profile or a payer file cannot make a 270.

        Example:
          claims eligibility request Samples/schedule.json --out out/eligibility
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The encounters (scheduled or past): a JSON array, JSON Lines or .csv.") var file: String
    @Option(help: "The folder for the 270 files (created when missing).") var out: String
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let asOf = try global.processingDate()
        let rules = try CommandSupport.loadRules(global)
        let clinic = try CommandSupport.loadClinic(global)
        var records: [DecodedRecord] = []
        try CommandSupport.forEachEncounter(in: file, rules: rules, asOf: asOf, allowFutureDates: true) { records.append($0) }
        let store = try StoreSupport.open(global)
        let (date, time) = Clock.now()
        let requester = EligibilityRequester(store: store, rules: rules, clinic: clinic, creationDate: date, creationTime: time)
        let outcome: EligibilityRequester.Outcome
        do {
            outcome = try requester.request(records, into: out)
        } catch let error as EligibilityRequestError {
            throw CLIError(.invalidData, "\(error); nothing was written")
        } catch let error as OutputError {
            throw CLIError(.ioFailure, "\(error); nothing was recorded")
        } catch let error as StoreError {
            throw StoreSupport.cliError(error, changing: true)
        }
        switch format {
        case .text:
            for file in outcome.files { CommandSupport.printLine("\(file.path): \(file.inquiries) inquir\(file.inquiries == 1 ? "y" : "ies") to \(file.payer)") }
            if outcome.files.isEmpty { CommandSupport.printLine("no inquiry to send") }
            if !outcome.selfPay.isEmpty { CommandSupport.printLine("self-pay (no inquiry): \(outcome.selfPay.joined(separator: ", "))") }
            for rejected in outcome.rejected { CommandSupport.printLine("rejected \(rejected.encounter.isEmpty ? "(no id)" : rejected.encounter): \(rejected.reason)") }
        case .json:
            try CommandSupport.printJSON(RequestJSON(outcome))
        }
        if !outcome.rejected.isEmpty { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }

    struct RequestJSON: Encodable {
        struct File: Encodable { var payer: String, path: String, inquiries: Int, interchangeControlNumber: String }
        struct Rejected: Encodable { var encounter: String, reason: String }
        var files: [File], selfPay: [String], rejected: [Rejected]
        init(_ outcome: EligibilityRequester.Outcome) {
            files = outcome.files.map { File(payer: $0.payer, path: $0.path, inquiries: $0.inquiries, interchangeControlNumber: $0.interchangeControlNumber) }
            selfPay = outcome.selfPay
            rejected = outcome.rejected.map { Rejected(encounter: $0.encounter, reason: $0.reason) }
        }
    }
}

struct EligibilityImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record 271 answers (and 999s to our 270s), matched to our inquiries by trace number and member id.",
        discussion: """
        Each file is recorded in one transaction; a file or answer imported before changes nothing; an answer that matches no inquiry is kept and listed. Exit 0 when every file was imported (or had been), 3 when some file was refused (the others are imported), 66 when a FILE does not exist (nothing is imported).

        Example:
          claims eligibility import Samples/eligibility/*.x12
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "271 or 999 files.") var files: [String]
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw CLIError(.noInput, "\(file): no such file; nothing was imported")
        }
        let asOf = try global.processingDate()
        let store = try StoreSupport.open(global)
        let importer = EligibilityImporter(store: store, asOf: asOf)
        let outcomes = try StoreSupport.run { () throws(StoreError) in try importer.importFiles(files) }
        switch format {
        case .text:
            for outcome in outcomes {
                CommandSupport.printLine("\(outcome.path): \(outcome.status.rawValue)" + (outcome.message.map { " — \($0)" } ?? ""))
                for line in outcome.stored { CommandSupport.printLine("  stored \(line)") }
                for line in outcome.unmatched { CommandSupport.printLine("  unmatched (kept): \(line)") }
                for line in outcome.notes { CommandSupport.printLine("  \(line)") }
            }
        case .json:
            try CommandSupport.printJSON(outcomes.map { outcome in
                ["file": .string(outcome.path), "status": .string(outcome.status.rawValue), "message": outcome.message.map(JSONText.string) ?? .null,
                 "stored": .list(outcome.stored), "unmatched": .list(outcome.unmatched), "notes": .list(outcome.notes)] as [String: JSONText]
            })
        }
        if outcomes.contains(where: { $0.status == .refused }) { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }
}

/// A small JSON value for the import's machine-readable output.
enum JSONText: Encodable {
    case string(String), list([String]), null
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .list(let list): try container.encode(list)
        case .null: try container.encodeNil()
        }
    }
}

struct EligibilityShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The latest stored eligibility answer of a patient, per payer, and its history.",
        discussion: """
        For each payer (or only --payer): the latest answer read for the clinic's network status (CONTRACT §7), then every answer, newest first, with its benefits. Exit 0 also when nothing is stored (it says so).

        Example:
          claims eligibility show PT-1001 --format json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The patient id (as in the encounters).") var patient: String
    @Option(help: "Only this payer (slug).") var payer: String?
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let store = try StoreSupport.open(global)
        let answers = try StoreSupport.read { () throws(StoreError) in try store.eligibilityAnswers(patientId: patient, payer: payer) }
        let clinic = try CommandSupport.loadClinicIfPresent(global)
        let asOf = try global.processingDate()
        let report = EligibilityReport(patient: patient, answers: answers, network: clinic?.network ?? [:],
                                       maxAgeDays: clinic?.eligibilityMaxAgeDays ?? EligibilityBook.defaultMaxAgeDays, asOf: asOf)
        switch format {
        case .text: print(report.text(), terminator: "")
        case .json: try CommandSupport.printJSON(report)
        }
    }
}
