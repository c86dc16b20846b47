import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims responses import FILE...` (CONTRACT §8).
struct ResponsesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "responses",
        abstract: "Import what payers and clearinghouses send back: 999, 277CA and 835 files.",
        discussion: """
        docs/responses.md describes the matching and the posting.

        Example:
          claims responses import inbox/*.x12
        """,
        subcommands: [ResponsesImportCommand.self]
    )
}

struct ResponsesImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Match 999, 277CA and 835 files to the claims we sent and record them (each file once).",
        discussion: """
        Files may come in any mix and order. Each file is recorded in one transaction, all of it or nothing; a file or transaction set imported before changes nothing; an 835 that does not balance (BPR02 = Σ CLP04 − Σ PLB) is not posted; what matches no claim we sent is kept and listed. Exit 0 when every file was imported (or had been), 3 when some file was refused (the others are imported), 66 when a FILE does not exist (nothing is imported).

        Example:
          claims responses import Samples/responses/*.x12
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "999, 277CA or 835 files.") var files: [String]
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw CLIError(.noInput, "\(file): no such file; nothing was imported")
        }
        let codes = try ResponsesSupport.codes(global)
        let store = try StoreSupport.open(global)
        var importer = ResponseImporter(store: store, codes: codes)
        #if DEBUG
        if let stage = ProcessInfo.processInfo.environment["CLAIMS_TEST_KILL_AT"] {
            // Test hook for the crash-safety test (debug builds only): die like `kill -9` at a named stage.
            importer.checkpoint = { if $0 == stage { kill(getpid(), SIGKILL) } }
        }
        #endif
        let outcomes = try StoreSupport.run { () throws(StoreError) in try importer.importFiles(files) }
        switch format {
        case .text: print(ResponsesText.importReport(outcomes), terminator: "")
        case .json: try CommandSupport.printJSON(ImportJSON(files: outcomes.map(ImportJSON.File.init)))
        }
        if outcomes.contains(where: { $0.status == .refused }) { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }
}

enum ResponsesSupport {
    /// The code lists in `<payers>/codes/`; a malformed one stops the command (65).
    static func codes(_ global: GlobalOptions) throws -> ResponseCodeLists {
        do { return try CodeListLoader.load(payers: global.payersPath) } catch {
            throw CLIError(.invalidData, "\(error); fix the code list (docs/responses.md, \"Code lists\"); nothing was done")
        }
    }
}

struct ImportJSON: Encodable {
    struct File: Encodable {
        var file: String, status: String, message: String?
        var transactions: [String], events: [String: Int], unmatched: [String], notes: [String]
        init(_ outcome: ResponseImporter.FileOutcome) {
            file = outcome.path; status = outcome.status.rawValue; message = outcome.message
            transactions = outcome.transactionSummaries; events = outcome.eventCounts; unmatched = outcome.unmatched; notes = outcome.notes
        }
    }
    var files: [File]
}
