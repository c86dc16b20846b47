import ClaimsCore
import Foundation

/// Turns input values into element values and collects every problem on the way, so one pass
/// both builds the segments and lists all that is wrong with an encounter (not just the first).
struct FieldChecker {
    let encounterId: String?
    let delimiters: X12Delimiters
    private(set) var problems: [Claim837PError] = []

    init(encounterId: String?, delimiters: X12Delimiters) {
        self.encounterId = encounterId; self.delimiters = delimiters
    }

    mutating func fail(_ field: String, _ message: String) {
        problems.append(Claim837PError(encounterId: encounterId, field: field, message: message))
    }

    /// Free text for element `element` (e.g. `NM103`): upper-cased and transliterated, within `length`.
    /// Returns "" for a missing optional value.
    mutating func text(_ value: String?, _ field: @autoclosure () -> String, _ element: String, length: ClosedRange<Int>, required: Bool = true) -> String {
        guard let value else {
            if required { fail(field(), "is missing; \(element) is required") }
            return ""
        }
        let (result, isKnownASCII) = X12Text.prepared(value, delimiters: delimiters)
        switch result {
        case .failure(let problem):
            fail(field(), "\(problem) (\(element))")
            return ""
        case .success(let prepared):
            if prepared.isEmpty {
                if required { fail(field(), "is empty; \(element) is required") }
                return ""
            }
            // `prepare` gives ASCII in all but odd cases (a character canonically equivalent to an
            // ASCII one, such as the Kelvin sign): count bytes when they are all ASCII.
            let count = isKnownASCII || prepared.utf8.allSatisfy({ $0 < 0x80 }) ? prepared.utf8.count : prepared.count
            if !length.contains(count) {
                fail(field(), "'\(prepared)' has \(count) characters; \(element) takes \(describe(length))")
            }
            return prepared
        }
    }

    /// A value made only of ASCII digits, whose count is one of `counts`.
    mutating func digits(_ value: String?, _ field: @autoclosure () -> String, _ element: String, counts: [Int], what: String) -> String {
        guard let value, !value.isEmpty else {
            fail(field(), "is missing; \(element) needs \(what)")
            return ""
        }
        guard value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), counts.contains(value.utf8.count) else {
            fail(field(), "is '\(value)'; \(element) needs \(what)")
            return ""
        }
        return value
    }

    /// An NPI: 10 digits with a valid Luhn check digit over `80840` + the first 9 (pyx12 does not check it).
    mutating func npi(_ value: String, _ field: @autoclosure () -> String, _ element: String) -> String {
        let npi = digits(value, field(), element, counts: [10], what: "a 10-digit NPI")
        if !npi.isEmpty && !NPI.isValid(npi) {
            fail(field(), "'\(npi)' fails the NPI check digit; copy the NPI again from NPPES")
        }
        return npi
    }

    /// A US state or territory code: 2 letters.
    mutating func state(_ value: String, _ field: @autoclosure () -> String) -> String {
        let state = text(value, field(), "N402", length: 2...2)
        if !state.isEmpty && !state.unicodeScalars.allSatisfy({ $0 >= "A" && $0 <= "Z" }) {
            fail(field(), "'\(state)' is not a 2-letter state code (N402)")
        }
        return state
    }

    /// A money amount: not negative, at most 2 decimal places (the caller writes it: no text made).
    /// Returns the amount in whole cents when it passes (nil when it does not; Int64.max when too
    /// large for 64-bit cents, which `Money.cents(of:)` clamps).
    mutating func checkedCents(_ value: Decimal, _ field: @autoclosure () -> String, _ element: String) -> Int64? {
        let negative = value < 0
        if negative { fail(field(), "is \(Money.plain(value)); \(element) cannot be negative") }
        guard Money.hasAtMostTwoDecimalPlaces(value) else {
            fail(field(), "is \(Money.plain(value)); \(element) takes at most 2 decimal places")
            return nil
        }
        return negative ? nil : Money.cents(of: value)
    }

    /// A positive quantity (units, NDC quantity): plain decimal text.
    mutating func quantity(_ value: Decimal, _ field: @autoclosure () -> String, _ element: String) -> String {
        let text = Money.plain(value)
        if value <= 0 { fail(field(), "is \(text); \(element) must be greater than 0") }
        if text.count > 15 { fail(field(), "is \(text); \(element) takes at most 15 characters") }
        return text
    }

    private func describe(_ length: ClosedRange<Int>) -> String {
        length.lowerBound == length.upperBound ? "exactly \(length.lowerBound)" : "\(length.lowerBound)–\(length.upperBound)"
    }
}
