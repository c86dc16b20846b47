import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore

struct PreauthChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "What each scheduled patient needs before treatment (criteria, prior authorization, warnings).",
        discussion: """
        FILE holds scheduled encounters (today or later), in the same formats as `claims check`. One item per patient, payer and service that needs an authorization, has criteria, or is not covered. Exit 3 when some encounters had input errors (they are listed, not checked).

        Examples:
          claims preauth checklist Samples/schedule.json --as-of 2026-11-20
          claims preauth checklist Samples/schedule.json --format json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The scheduled encounters: a JSON array, JSON Lines or .csv.") var file: String
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let asOf = try global.processingDate()
        let rules = try CommandSupport.loadRules(global)
        var encounters: [Encounter] = []
        var rejected: [ChecklistRejection] = []
        try CommandSupport.forEachEncounter(in: file, rules: rules, asOf: asOf, allowFutureDates: true) { record in
            if let encounter = record.encounter, record.errors.isEmpty {
                encounters.append(encounter)
            } else {
                rejected.append(ChecklistRejection(encounter: record.id, record: record.ordinal, line: record.line, errors: record.errors))
            }
        }
        let store = try StoreSupport.open(global)
        let (authorizations, estimates) = try StoreSupport.read { () throws(StoreError) in
            let patients = encounters.map(\.patient.id)
            return (try store.authorizations(forPatients: patients), try store.estimates(forPatients: patients))
        }
        let clinic = try CommandSupport.loadClinicIfPresent(global)
        var builder = ChecklistBuilder(rules: rules, decisionDeadlineDays: rules.payers.compactMapValues(\.priorAuthorizationDecisionDays),
                                       clinic: clinic)
        builder.eligibility = try StoreSupport.read { () throws(StoreError) in try EligibilityBook.load(from: store, clinic: clinic) }
        let checklist = builder.build(encounters: encounters, authorizations: authorizations, asOf: asOf, rejected: rejected,
                                      estimates: estimates)
        switch format {
        case .text: print(checklist.text(), terminator: "")
        case .json: try CommandSupport.printJSON(checklist)
        }
        if !rejected.isEmpty { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }
}
