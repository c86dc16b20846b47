import ArgumentParser
import ClaimsCore
import ClaimsStore

struct PreauthListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List authorizations with their derived state (expired, exhausted) and units used/remaining.",
        discussion: """
        --status takes a stored status or a derived state and matches the state shown on the processing date: `approved` lists approvals that can still be used, `expired` and `exhausted` the others.

        Example:
          claims preauth list --status approved --expiring-within 14
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "Only this patient id.") var patient: String?
    @Option(help: "Only this payer slug.") var payer: String?
    @Option(help: "Only this service.") var service: String?
    @Option(help: "submitted, pending, approved, denied, appealed, cancelled, expired or exhausted.", transform: Arguments.state)
    var status: AuthorizationState?
    @Option(name: .customLong("expiring-within"), help: "Only approvals ending within DAYS (0–36500) of the processing date.",
            transform: Arguments.days)
    var expiringWithin: Int?
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let asOf = try global.processingDate()
        let store = try StoreSupport.open(global)
        let auths = try StoreSupport.read { () throws(StoreError) -> [PriorAuthorization] in
            let filter = AuthorizationFilter(asOf: asOf, patientId: patient, payer: payer, service: service,
                                             state: status, expiringWithinDays: expiringWithin)
            return try store.list(filter)
        }
        switch format {
        case .text: print(PreauthText.list(auths, asOf: asOf))
        case .json:
            struct Document: Encodable { var asOf: LocalDate; var authorizations: [AuthorizationJSON] }
            try CommandSupport.printJSON(Document(asOf: asOf, authorizations: auths.map { AuthorizationJSON(authorization: $0, asOf: asOf) }))
        }
    }
}

struct PreauthShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one authorization with its history and the encounters that used it.",
        discussion: """
        Example:
          claims preauth show 12 --format json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The authorization's id, or its auth number.") var id: String
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let asOf = try global.processingDate()
        let store = try StoreSupport.open(global)
        let (auth, history, uses) = try StoreSupport.read { () throws(StoreError) in
            let auth = try store.authorization(.idOrAuthNumber(id))
            return (auth, try store.history(of: auth.id!), try store.uses(of: auth.id!))
        }
        switch format {
        case .text: print(PreauthText.show(auth, history: history, uses: uses, asOf: asOf))
        case .json:
            struct Document: Encodable {
                var asOf: LocalDate; var authorization: AuthorizationJSON; var history: [HistoryJSON]; var uses: [UseJSON]
            }
            try CommandSupport.printJSON(Document(asOf: asOf, authorization: AuthorizationJSON(authorization: auth, asOf: asOf),
                                                  history: history.map(HistoryJSON.init), uses: uses.map(UseJSON.init)))
        }
    }
}
