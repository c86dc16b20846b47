import ClaimsCore
import ClaimsStore
import Foundation

/// Opening the store and reporting its errors, for every command that uses it.
enum StoreSupport {
    /// Opens (creating and migrating on first use) the store named by --db / CLAIMS_DB.
    /// The CLI edge is the one place that reads the wall clock.
    static func open(_ global: GlobalOptions) throws -> ClaimsStore {
        do {
            return try ClaimsStore(path: global.dbPath, configuration: configuration)
        } catch {
            throw cliError(error)
        }
    }

    /// The wall clock and the local time zone (the engine opens the store with it for rule updates).
    static var configuration: ClaimsStore.Configuration { .init(clock: { Date() }, timeZone: .current) }

    /// Refused input → invalid data (65) naming the option; a store that cannot be used → I/O failure (74).
    /// `changing`: the command would have changed the store, so the message says nothing was.
    static func cliError(_ error: StoreError, changing: Bool = false) -> CLIError {
        guard error.isRefusedInput else { return CLIError(.ioFailure, error.message) }
        let prefix = error.field.map { "\(optionName($0)): " } ?? ""
        return CLIError(.invalidData, "\(prefix)\(error.message)\(changing ? "; nothing was changed" : "")")
    }

    /// Runs a store call that changes the store and converts its error.
    static func run<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do { return try body() } catch { throw cliError(error, changing: true) }
    }

    /// Runs a store call that only reads and converts its error (never "nothing was changed").
    static func read<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do { return try body() } catch { throw cliError(error) }
    }

    /// The payers and services a new authorization may name: from the rule files, minus the
    /// pseudo-payers that never issue authorizations.
    static func vocabulary(_ rules: RuleBook) -> AuthorizationVocabulary {
        let payers = Set(rules.payers.keys).subtracting([RuleBook.selfPaySlug, RuleBook.commonSlug])
        return AuthorizationVocabulary(payers: payers, services: Set(rules.codes.services.keys))
    }

    private static let options: Set<String> = ["patient", "payer", "service", "status", "auth-number", "units", "start", "end",
                                               "note", "by", "submitted-on", "expiring-within"]

    static func optionName(_ field: String) -> String {
        let kebab = field == "submittedOn" ? "submitted-on" : field
        return options.contains(kebab) ? "--\(kebab)" : field
    }
}
