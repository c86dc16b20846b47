import ArgumentParser
import ClaimsCore
import Foundation

/// Options every command accepts (CONTRACT §1); each falls back to an environment variable.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store (env CLAIMS_DB, default ./claims.sqlite).")
    var db: String?

    @Option(name: .long, help: "The payer rule files (env CLAIMS_PAYERS, default ./Payers).")
    var payers: String?

    @Option(name: .customLong("as-of"), help: "The processing date YYYY-MM-DD (env CLAIMS_AS_OF, default today).")
    var asOf: String?

    @Option(name: .long, help: "The clinic profile (env CLAIMS_CLINIC, default ./clinic.yaml).")
    var clinic: String?

    public init() {}

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    var dbPath: String { db ?? Self.environment["CLAIMS_DB"] ?? "./claims.sqlite" }
    var payersPath: String { payers ?? Self.environment["CLAIMS_PAYERS"] ?? "./Payers" }
    var clinicPath: String { clinic ?? Self.environment["CLAIMS_CLINIC"] ?? "./clinic.yaml" }

    /// The processing date: the only place the CLI reads the clock.
    func processingDate() throws -> LocalDate {
        if let text = asOf ?? Self.environment["CLAIMS_AS_OF"] {
            guard let date = LocalDate(iso: text) else {
                throw CLIError(.usage, "--as-of '\(text)' is not a date; use YYYY-MM-DD, e.g. --as-of 2026-11-20")
            }
            return date
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// The OS user, for history rows when --by is not given.
    static var osUser: String {
        environment["USER"] ?? environment["LOGNAME"] ?? NSUserName()
    }
}
