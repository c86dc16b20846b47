import ArgumentParser
import ClaimsCore
import ClaimsStore

struct PreauthUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a prior authorization; every change is kept as history.",
        discussion: """
        ID is the id `preauth add` printed, or the payer's auth number. Options not given are left as they are; --auth-number "" and --note "" clear them, --units unlimited removes the unit limit. A status change the workflow does not allow (e.g. approved to denied) is refused (exit 65) and changes nothing.

        Example:
          claims preauth update 12 --status approved --auth-number BC-778 --units 24 --start 2026-11-01 --end 2027-04-30
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The authorization's id, or its auth number.") var id: String
    @Option(help: "The new status: submitted, pending, approved, denied, appealed or cancelled.", transform: Arguments.status)
    var status: AuthorizationStatus?
    @OptionGroup var fields: AuthorizationFields

    func validate() throws {
        if status == nil && fields.isEmpty {
            throw ValidationError("nothing to change: give --status or another field to update")
        }
    }

    func run() throws {
        let store = try StoreSupport.open(global)
        let result = try StoreSupport.run { () throws(StoreError) -> AuthorizationUpdate in
            var changes = AuthorizationChanges()
            changes.status = status
            if let authNumber = fields.authNumber {
                if authNumber.isEmpty { changes.clearing.insert(.authNumber) } else { changes.authNumber = authNumber }
            }
            if let units = fields.units {
                if let count = units.count { changes.units = count } else { changes.clearing.insert(.units) }
            }
            changes.start = fields.start
            changes.end = fields.end
            if let note = fields.note { if note.isEmpty { changes.clearing.insert(.note) } else { changes.note = note } }
            changes.submittedOn = fields.submittedOn
            return try store.update(.idOrAuthNumber(id), with: changes, by: fields.by ?? GlobalOptions.osUser)
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
