import ClaimsCore

/// Turns text typed by a person into Core values, and checks values before they are stored.
/// Every refusal names the field and says how to fix it.
public enum AuthorizationInput {
    static let statusList = AuthorizationStatus.allCases.map(\.rawValue).joined(separator: ", ")
    static let stateList = AuthorizationState.allCases.map(\.rawValue).joined(separator: ", ")
    /// REF02 (auth number in the 837P) is at most 50 characters.
    static let maximumAuthNumberLength = 50
    static let maximumPatientIdLength = 64
    static let maximumNoteLength = 2000
    static let maximumUnits = 100_000
    /// Characters that separate X12 elements, components, repetitions and segments.
    static let x12Separators: Set<Character> = ["~", "*", ":", "^", "|", ">"]

    public static func status(_ text: String) throws(StoreError) -> AuthorizationStatus {
        if let status = AuthorizationStatus(rawValue: text.lowercased()) { return status }
        if AuthorizationState(rawValue: text.lowercased()) != nil {
            throw .invalid("status", "'\(text)' is derived from the end date and the units used, never stored; use one of \(statusList)")
        }
        throw .invalid("status", "'\(text)' is not a status; use one of \(statusList)")
    }

    /// A stored status or a derived state (for list filters).
    public static func state(_ text: String) throws(StoreError) -> AuthorizationState {
        guard let state = AuthorizationState(rawValue: text.lowercased()) else {
            throw .invalid("status", "'\(text)' is not a status; use one of \(stateList)")
        }
        return state
    }

    public static func date(_ text: String, field: String) throws(StoreError) -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw .invalid(field, "'\(text)' is not a date; write YYYY-MM-DD, e.g. 2026-11-20")
        }
        return date
    }

    /// A whole number ≥ 0, or `unlimited` (nil).
    public static func units(_ text: String) throws(StoreError) -> Int? {
        if text.lowercased() == "unlimited" { return nil }
        guard let units = Int(text) else {
            throw .invalid("units", "'\(text)' is not a whole number; give the number of approved units (sessions), e.g. 36, or 'unlimited'")
        }
        try checkUnits(units)
        return units
    }

    static func checkUnits(_ units: Int?) throws(StoreError) {
        guard let units else { return }
        if units < 0 { throw .invalid("units", "\(units) is negative; give the number of approved units, 0 or more") }
        if units > maximumUnits { throw .invalid("units", "\(units) is more than \(maximumUnits); check the number on the approval letter") }
    }

    /// Checks a whole authorization as it is about to be stored.
    static func validate(_ auth: PriorAuthorization, vocabulary: AuthorizationVocabulary?) throws(StoreError) {
        try checkText(auth.patientId, field: "patient", maximum: maximumPatientIdLength, what: "the patient id from the EHR")
        if let vocabulary {
            guard vocabulary.payers.contains(auth.payer) else {
                throw .invalid("payer", "'\(auth.payer)' is not a payer in the rule files; use one of \(vocabulary.payers.sorted().joined(separator: ", "))")
            }
            guard vocabulary.services.contains(auth.service) else {
                throw .invalid("service", "'\(auth.service)' is not a service; use one of \(vocabulary.services.sorted().joined(separator: ", "))")
            }
        }
        if let number = auth.authNumber {
            try checkText(number, field: "auth-number", maximum: maximumAuthNumberLength, what: "the number on the approval letter")
            if let bad = number.first(where: { x12Separators.contains($0) }) {
                throw .invalid("auth-number", "contains '\(bad)', which cannot travel in an 837P; type the number without it")
            }
        }
        try checkUnits(auth.units)
        if let start = auth.start, let end = auth.end, end < start {
            throw .invalid("end", "\(end.iso) is before the start \(start.iso); check the dates on the approval letter")
        }
        if let note = auth.note {
            guard note.count <= maximumNoteLength else {
                throw .invalid("note", "is longer than \(maximumNoteLength) characters; shorten it")
            }
            guard !note.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
                throw .invalid("note", "contains control characters; remove them")
            }
        }
    }

    private static func checkText(_ text: String, field: String, maximum: Int, what: String) throws(StoreError) {
        guard !text.isEmpty else { throw .invalid(field, "is empty; give \(what)") }
        guard text.trimmingSpaces == text else { throw .invalid(field, "has leading or trailing spaces; remove them") }
        guard text.count <= maximum else { throw .invalid(field, "is longer than \(maximum) characters; give \(what)") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field, "contains control characters (tab, newline, …); remove them")
        }
    }
}

private extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return slice
    }
}
