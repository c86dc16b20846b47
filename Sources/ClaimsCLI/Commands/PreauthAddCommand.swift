import ArgumentParser
import ClaimsCore
import ClaimsStore

struct PreauthAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record a prior authorization; prints its id.",
        discussion: """
        --payer must name a rule file in --payers and --service a service of the rule files. --units is the number of approved units (one per treatment encounter), or 'unlimited' (the default). Exit 64 for a malformed value, 65 when the store refuses it (unknown payer or service, end before start).

        Example:
          claims preauth add --patient PT-1001 --payer cigna --service tms --status submitted --note "faxed packet"
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The patient id from the EHR (the encounter's patient.id).") var patient: String
    @Option(help: "The payer slug (a file in --payers), e.g. bcbs-il.") var payer: String
    @Option(help: "The service: spravato, tms, iv-ketamine, sgb, office-visit, psych-eval, psychotherapy.") var service: String
    @Option(help: "submitted, pending, approved, denied, appealed or cancelled.", transform: Arguments.status)
    var status: AuthorizationStatus
    @OptionGroup var fields: AuthorizationFields

    func run() throws {
        let rules = try CommandSupport.loadRules(global)
        let store = try StoreSupport.open(global)
        let added = try StoreSupport.run { () throws(StoreError) -> PriorAuthorization in
            let authorization = PriorAuthorization(
                patientId: patient, payer: payer, service: service, status: status,
                authNumber: fields.authNumber, units: fields.units?.count, start: fields.start, end: fields.end, note: fields.note,
                submittedOn: fields.submittedOn)
            return try store.add(authorization, by: fields.by ?? GlobalOptions.osUser, vocabulary: StoreSupport.vocabulary(rules))
        }
        print(added.id!)
    }
}
