import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsStore
import Foundation

/// The CLI's side of rule administration (the work is `ClaimsEngine.RuleAdministration`): the
/// engine set up from the global options, its reports printed, its errors turned into exit codes.
enum RuleAdministrationSupport {
    static func administration(_ global: GlobalOptions) -> RuleAdministration {
        RuleAdministration(payersDirectory: global.payersPath, storePath: global.dbPath, storeConfiguration: StoreSupport.configuration)
    }

    /// Finishes interrupted rule updates and says so on stderr; never fails the command.
    static func recover(_ global: GlobalOptions) {
        for line in administration(global).recoverInterruptedUpdates() { CommandSupport.printError(line) }
    }

    /// Each rule file against its last recorded version, as `payers status` prints it.
    static func status(_ global: GlobalOptions) throws -> [(text: String, isDrift: Bool)] {
        recover(global)
        let statuses: [RuleFileStatus]
        do { statuses = try administration(global).status() } catch { throw cliError(error) }
        return statuses.map { (text($0), $0.isDrift) }
    }

    static func text(_ status: RuleFileStatus) -> String {
        let file = status.fileName
        switch status.state {
        case .noStore: return "\(file): untracked (no store yet; `claims payers apply` records versions)"
        case .beingInstalled(let action, let author, let startedAt): return "\(file): being installed (\(action) by \(author), started \(startedAt))"
        case .untracked: return "\(file): untracked (no version recorded; the first apply records it as a baseline)"
        case .recorded(let version): return "\(file): ok (version \(version))"
        case .drift(let version, let hash, let recordedHash):
            return "\(file): DRIFT — edited by hand since version \(version) (sha256 \(hash.prefix(12)) ≠ \(recordedHash.prefix(12))); apply it with `claims payers apply` or roll back"
        }
    }

    static func cliError(_ error: RuleAdministrationError) -> CLIError {
        switch error.kind {
        case .usage: CLIError(.usage, error.message)
        case .notPermitted: CLIError(.notPermitted, error.message)
        case .invalidData: CLIError(.invalidData, error.message)
        case .ioFailure: CLIError(.ioFailure, error.message)
        case .store(let changing): error.storeError.map { StoreSupport.cliError($0, changing: changing) } ?? CLIError(.ioFailure, error.message)
        }
    }

    /// How `payers show` names a rule's kind.
    static func kindName(_ kind: Rule.Kind) -> String {
        switch kind {
        case .notCovered: "not-covered"
        case .criteria: "criteria"
        case .priorAuthorization: "prior-auth"
        case .route(let decision, _, _): "route → \(decision.rawValue)"
        case .hold: "hold"
        case .codeValidity: "code-validity"
        case .mutuallyExclusive: "mutually-exclusive"
        case .addOnRequiresPrimary: "add-on-requires-primary"
        case .modifierRequired(let modifiers): "modifier-required \(modifiers.joined(separator: "/"))"
        case .maxUnits(let maximum): "max-units \(maximum)"
        case .oneClaimPerEncounter: "one-claim-per-encounter"
        case .ndcRequired: "ndc"
        case .timelyFiling(let days, _): "timely-filing \(days) days"
        case .abn(let modifier): "abn (option 1 adds \(modifier))"
        case .privatePay: "private-pay"
        }
    }
}
