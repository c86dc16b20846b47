import ArgumentParser
import ClaimsCore
import ClaimsStore

/// Typed command-line values: a malformed value is a usage error (exit 64) with argument-parser's
/// message and ours, the same for every command. Whether a well-formed value is allowed (a payer
/// of the rule files, a status change the workflow permits) is the store's refusal (exit 65).
enum Arguments {
    static func date(_ text: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else { throw ValidationError("'\(text)' is not a date; write YYYY-MM-DD, e.g. 2026-11-20") }
        return date
    }

    /// A stored status (`expired` and `exhausted` are derived, never stored).
    static func status(_ text: String) throws -> AuthorizationStatus {
        do { return try AuthorizationInput.status(text) } catch { throw ValidationError(error.message) }
    }

    /// A stored status or a derived state (list filters).
    static func state(_ text: String) throws -> AuthorizationState {
        do { return try AuthorizationInput.state(text) } catch { throw ValidationError(error.message) }
    }

    /// Approved units: a whole number from 0, or `unlimited`.
    static func units(_ text: String) throws -> Units {
        do { return Units(count: try AuthorizationInput.units(text)) } catch { throw ValidationError(error.message) }
    }

    /// Days of a window: 0 to 36,500 (a hundred years; any longer window gives the same answer).
    static func days(_ text: String) throws -> Int {
        guard let days = Int(text), (0...36_500).contains(days) else {
            throw ValidationError("'\(text)' must be a whole number of days from 0 to 36500")
        }
        return days
    }

    /// `--units`: a count, or nil for unlimited.
    struct Units: Sendable, Hashable {
        var count: Int?
    }
}

/// The fields `preauth add` and `preauth update` share.
struct AuthorizationFields: ParsableArguments {
    @Option(name: .customLong("auth-number"), help: "The payer's authorization number (in update, \"\" clears it).")
    var authNumber: String?
    @Option(help: "Approved units (whole number), or 'unlimited'.", transform: Arguments.units)
    var units: Arguments.Units?
    @Option(help: "First day covered, YYYY-MM-DD.", transform: Arguments.date)
    var start: LocalDate?
    @Option(help: "Last day covered, YYYY-MM-DD.", transform: Arguments.date)
    var end: LocalDate?
    @Option(help: "Free text for the billing office, no patient names needed (in update, \"\" clears it).")
    var note: String?
    @Option(name: .customLong("submitted-on"), help: "Day the request went to the payer (default: the processing date when the status is submitted).",
            transform: Arguments.date)
    var submittedOn: LocalDate?
    @Option(help: "Who records it (default: the operating-system account).")
    var by: String?

    var isEmpty: Bool { authNumber == nil && units == nil && start == nil && end == nil && note == nil && submittedOn == nil }
}
