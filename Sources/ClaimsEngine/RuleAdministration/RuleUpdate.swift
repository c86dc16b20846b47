import ClaimsCore
import ClaimsRules
import ClaimsStore

/// What an admin asks of `Payers/`: install a new version of one file, or re-install a recorded one.
public enum RuleUpdateOperation: Sendable, Hashable {
    /// Install this text under the source's file name (which says which file it replaces).
    case apply(RuleBookLoader.Source)
    /// Re-install version `to` of the file `slug` (recorded as a new version).
    case rollback(slug: String, to: Int)

    /// As recorded in the store (`rule_install.action`, `rule_version.action`).
    public var action: String {
        switch self {
        case .apply: "apply"
        case .rollback: "rollback"
        }
    }
}

/// Who asks for a rule update, why, and how far back its impact is previewed. The caller
/// determines `account` (the operating-system account running it; the CLI's `OperatingSystemAccount`)
/// and passes the clinic's admins: the engine never asks who its user is.
public struct RuleUpdateRequest: Sendable, Hashable {
    public var operation: RuleUpdateOperation
    /// The account running the update: the only name an update is made (and recorded) by.
    public var account: String
    /// The author named on the command line (`--by`), if any: refused unless it is `account`.
    public var claimedAuthor: String?
    /// The clinic profile's `admins:`, and where they were read (named in a refusal).
    public var admins: [String]
    public var clinicProfilePath: String
    /// Why (kept in the history); refused when blank.
    public var reason: String
    /// The processing date and how many days of stored encounters before it the impact re-evaluates.
    public var asOf: LocalDate
    public var impactDays: Int

    public init(operation: RuleUpdateOperation, account: String, claimedAuthor: String?, admins: [String], clinicProfilePath: String,
                reason: String, asOf: LocalDate, impactDays: Int) {
        self.operation = operation; self.account = account; self.claimedAuthor = claimedAuthor; self.admins = admins
        self.clinicProfilePath = clinicProfilePath; self.reason = reason; self.asOf = asOf; self.impactDays = impactDays
    }
}

/// One line decision a rule update would change, among the stored encounters of the impact window.
public struct RuleImpact: Codable, Sendable, Hashable {
    public var encounter: String
    public var line: Int
    public var code: String
    public var before: String
    public var after: String
    /// Why the line is decided as it is under the new rules.
    public var reasons: [Reason]
}

/// Everything an update would do, worked out without changing anything: the file it would install
/// and the one it replaces, the rule-level diff, the decisions it changes, who and why.
/// Only `RuleAdministration.preview` makes one (the admin check is behind it); `apply` installs it.
public struct RuleUpdatePreview: Sendable {
    public let operation: RuleUpdateOperation
    public let slug: String
    /// What would be installed (its `path` is where), and the installed file it replaces (nil: a new file).
    public let candidate: RuleBookLoader.Source
    public let previous: RuleBookLoader.Source?
    /// The account the update is made by (always the account running it) and why.
    public let author: String
    public let reason: String
    /// An apply of a file identical to the installed one: nothing to diff, preview or install.
    public let nothingToApply: Bool
    public let changes: [RuleChange]
    public let impact: [RuleImpact]
    public let encountersReevaluated: Int
    public let impactDays: Int
    /// Interrupted earlier updates this preview finished first (one line each, for the operator).
    public let recoveries: [String]
}

/// Why a rule update (or a status read) could not be done: a kind the caller maps to its exit code,
/// and a message that says what is wrong and how to fix it.
public struct RuleAdministrationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A bad request (a blank reason).
        case usage
        /// The account is not an admin, or named someone else; the refusal is recorded.
        case notPermitted
        /// An invalid rule file (candidate or installed), an unknown version, a preview gone stale.
        case invalidData
        /// The rules directory or a file in it could not be locked, read or written.
        case ioFailure
        /// The store refused or failed: `storeError` says how; `changing` when the call would have changed it.
        case store(changing: Bool)
    }

    public var kind: Kind
    public var message: String
    public var storeError: StoreError?

    init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }

    init(_ error: StoreError, changing: Bool) {
        self.kind = .store(changing: changing); self.message = error.message; self.storeError = error
    }

    public var description: String { message }

    /// Runs a store call and keeps its error as a store failure.
    static func store<T>(changing: Bool, _ body: () throws(StoreError) -> T) throws(RuleAdministrationError) -> T {
        do { return try body() } catch { throw RuleAdministrationError(error, changing: changing) }
    }
}
