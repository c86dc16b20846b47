import ArgumentParser
import ClaimsCore
import ClaimsStore
import Foundation

/// The `claims` executable: a thin layer that parses options, calls the library targets and
/// maps every failure to a documented exit code (docs/errors.md).
public struct ClaimsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Insurance eligibility and billing-claims processing for interventional-psychiatry clinics.",
        discussion: """
        Every command accepts the global options --db, --payers, --as-of and --clinic (or the environment variables CLAIMS_DB, CLAIMS_PAYERS, CLAIMS_AS_OF, CLAIMS_CLINIC). Exit codes: 0 done, 3 some encounters rejected, 64 usage, 65 invalid data, 66 no input, 70 internal, 74 I/O, 75 another batch running, 77 not permitted (docs/errors.md).

        Examples:
          claims check Samples/encounters.json --as-of 2026-11-20
          claims batch Samples/encounters.json --out out/2026-11-20 --as-of 2026-11-20
          claims --generate-completion-script bash > /etc/bash_completion.d/claims
        """,
        subcommands: [CheckCommand.self, BatchCommand.self, PreauthCommand.self, PayersCommand.self, ResponsesCommand.self,
                      ClaimCommand.self, ARCommand.self, X12Command.self,
                      EstimateCommand.self, EligibilityCommand.self, CorrectCommand.self, VoidCommand.self]
    )

    public init() {}

    /// Runs the command line and exits with the documented code; never prints a stack trace.
    public static func run(arguments: [String]? = nil) -> Never {
        // Documents, reports and the store hold patient data: owner-only (files 0600, folders 0700).
        umask(0o077)
        // Past a file-size limit (ulimit -f) a write must fail with EFBIG and a message, not end
        // the process silently with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(ExitStatus.success.rawValue)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(error.status.rawValue)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as StoreError {
            // A store failure met anywhere (damage found mid-run included): the store's exit code,
            // its message (which never carries SQL).
            let cliError = StoreSupport.cliError(error)
            FileHandle.standardError.write(Data("error: \(cliError.message)\n".utf8))
            Foundation.exit(cliError.status.rawValue)
        } catch {
            // Help, version and argument errors from ArgumentParser; anything else is a bug.
            let status = exitCode(for: error)
            var message = fullMessage(for: error)
            // One error prefix for every message, ours and argument-parser's.
            if status != .success, message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            if !message.isEmpty {
                let stream = status == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data("\(message)\n".utf8))
            }
            if status == .success { Foundation.exit(0) }
            Foundation.exit(status == .validationFailure ? ExitStatus.usage.rawValue : ExitStatus.internalFailure.rawValue)
        }
    }
}

/// Exit codes (docs/errors.md). Usage errors follow sysexits (64); others are ours.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// Some encounters were rejected but the run completed (batch/check).
    case completedWithRejections = 3
    /// Bad command line.
    case usage = 64
    /// Invalid input data: encounter file unreadable as a whole, invalid rule file, invalid clinic profile, refused store change.
    case invalidData = 65
    /// A file or directory named on the command line does not exist.
    case noInput = 66
    /// Internal failure (a bug): please report it.
    case internalFailure = 70
    /// The store or an output directory could not be read or written.
    case ioFailure = 74
    /// Another batch is running on the same store or output folder: try again when it ends (sysexits EX_TEMPFAIL).
    case busy = 75
    /// Not allowed: a non-admin tried to change rules.
    case notPermitted = 77
}

/// A failure the CLI reports in one line, with its exit status.
public struct CLIError: Error, Sendable {
    public var status: ExitStatus
    public var message: String
    public init(_ status: ExitStatus, _ message: String) { self.status = status; self.message = message }
}
