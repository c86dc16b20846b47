import ArgumentParser
import ClaimsCore
import ClaimsStore

struct PreauthAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record a prior authorization; prints its id.",
        discussion: """
        --payer must name a rule file in --payers and --service a service of the rule files.
        --units is the number of approved units (one per treatment encounter), or `unlimited` (the default).

        % claims preauth add --patient PT-1001 --payer cigna --service tms --status submitted --note "faxed packet"
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "The patient id from the EHR (the encounter's patient.id).") var patient: String
    @Option(help: "The payer slug (a file in --payers), e.g. bcbs-il.") var payer: String
    @Option(help: "The service: spravato, tms, iv-ketamine, sgb, office-visit, psych-eval, psychotherapy.") var service: String
    @Option(help: "submitted, pending, approved, denied, appealed or cancelled.") var status: String
    @Option(name: .customLong("auth-number"), help: "The payer's authorization number.") var authNumber: String?
    @Option(help: "Approved units (whole number), or 'unlimited'.") var units: String?
    @Option(help: "First day covered, YYYY-MM-DD.") var start: String?
    @Option(help: "Last day covered, YYYY-MM-DD.") var end: String?
    @Option(help: "Free text for the billing office (no patient names needed).") var note: String?
    @Option(name: .customLong("submitted-on"), help: "Day the request went to the payer (default: today when --status submitted).")
    var submittedOn: String?
    @Option(help: "Who records it (default: the OS user).") var by: String?

    func run() throws {
        let rules = try CommandSupport.loadRules(global)
        let store = try StoreSupport.open(global)
        let added = try StoreSupport.run { () throws(StoreError) -> PriorAuthorization in
            let authorization = PriorAuthorization(
                patientId: patient, payer: payer, service: service, status: try AuthorizationInput.status(status),
                authNumber: authNumber, units: try units.flatMap(AuthorizationInput.units),
                start: try start.map { text throws(StoreError) in try AuthorizationInput.date(text, field: "start") },
                end: try end.map { text throws(StoreError) in try AuthorizationInput.date(text, field: "end") },
                note: note,
                submittedOn: try submittedOn.map { text throws(StoreError) in try AuthorizationInput.date(text, field: "submitted-on") })
            return try store.add(authorization, by: by ?? GlobalOptions.osUser, vocabulary: StoreSupport.vocabulary(rules))
        }
        print(added.id!)
    }
}
