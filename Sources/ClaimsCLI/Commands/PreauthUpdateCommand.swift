import ArgumentParser
import ClaimsCore
import ClaimsStore

struct PreauthUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a prior authorization; every change is kept as history.",
        discussion: """
        ID is the id `preauth add` printed, or the payer's auth number. Options not given are left as they
        are; --auth-number "" and --note "" clear them, --units unlimited removes the unit limit.
        A status change the workflow does not allow (e.g. approved → denied) is refused and changes nothing.

        % claims preauth update 12 --status approved --auth-number BC-778 --units 24 --start 2026-11-01 --end 2027-04-30
        """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The authorization's id, or its auth number.") var id: String
    @Option(help: "The new status (see `claims preauth --help`).") var status: String?
    @Option(name: .customLong("auth-number"), help: "The payer's authorization number (\"\" clears it).") var authNumber: String?
    @Option(help: "Approved units, or 'unlimited'.") var units: String?
    @Option(help: "First day covered, YYYY-MM-DD.") var start: String?
    @Option(help: "Last day covered, YYYY-MM-DD.") var end: String?
    @Option(help: "Free text (\"\" clears it).") var note: String?
    @Option(name: .customLong("submitted-on"), help: "Day the request went to the payer (default: today when the status becomes submitted).")
    var submittedOn: String?
    @Option(help: "Who makes the change (default: the OS user).") var by: String?

    func validate() throws {
        if [status, authNumber, units, start, end, note, submittedOn].allSatisfy({ $0 == nil }) {
            throw ValidationError("nothing to change: give --status or another field to update")
        }
    }

    func run() throws {
        let store = try StoreSupport.open(global)
        let result = try StoreSupport.run { () throws(StoreError) -> AuthorizationUpdate in
            var changes = AuthorizationChanges()
            changes.status = try status.map(AuthorizationInput.status)
            if let authNumber { if authNumber.isEmpty { changes.clearing.insert(.authNumber) } else { changes.authNumber = authNumber } }
            if let units {
                if let value = try AuthorizationInput.units(units) { changes.units = value } else { changes.clearing.insert(.units) }
            }
            changes.start = try start.map { text throws(StoreError) in try AuthorizationInput.date(text, field: "start") }
            changes.end = try end.map { text throws(StoreError) in try AuthorizationInput.date(text, field: "end") }
            if let note { if note.isEmpty { changes.clearing.insert(.note) } else { changes.note = note } }
            changes.submittedOn = try submittedOn.map { text throws(StoreError) in try AuthorizationInput.date(text, field: "submitted-on") }
            return try store.update(.idOrAuthNumber(id), with: changes, by: by ?? GlobalOptions.osUser)
        }
        let storedId = result.authorization.id!
        guard result.changed else {
            print("authorization \(storedId) unchanged: it already has these values")
            return
        }
        let summary = result.changes.sorted { $0.key < $1.key }.map { field, change in
            "\(field) \(PreauthText.value(change.from)) → \(PreauthText.value(change.to))"
        }
        print("authorization \(storedId) updated: \(summary.joined(separator: ", "))")
    }
}
