import ArgumentParser

/// `claims preauth …`: record prior authorizations, follow their status, and list what each
/// scheduled patient still needs (docs/prior-authorizations.md).
struct PreauthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preauth",
        abstract: "Prior authorizations: record, update, list, show, and the pre-treatment checklist.",
        discussion: """
        Statuses: submitted, pending, approved, denied, appealed, cancelled. `expired` (end date before the processing date) and `exhausted` (no units left) are derived, never stored. Every change is kept as history with who (--by, default the operating-system account) and when.

        Examples:
          claims preauth add --patient PT-1001 --payer bcbs-il --service spravato --status submitted
          claims preauth update 12 --status approved --auth-number BC-778 --units 24 --start 2026-11-01 --end 2027-04-30
          claims preauth list --status expired
          claims preauth checklist Samples/schedule.json
        """,
        subcommands: [PreauthAddCommand.self, PreauthUpdateCommand.self, PreauthListCommand.self,
                      PreauthShowCommand.self, PreauthChecklistCommand.self, PreauthRequestCommand.self, PreauthImportCommand.self]
    )
}
