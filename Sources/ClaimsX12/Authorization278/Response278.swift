import ClaimsCore

/// A 278 response (005010X217, Health Care Services Review – Response): per patient event (2000E),
/// the requester's trace (TRN, TRN01 = 2 as the payer returns it, or 1), the decision (HCR01 A1
/// certified, A3 denied, A4 pended, A6 modified; HCR02 certification number; HCR03 reason), the
/// approved visits (HSD*VS) and dates (DTP AAH/472 range, 007 effective, 036 expiration). A 2000F
/// service's HCR, HSD and DTP fill what the event leaves open.
public struct Response278: Sendable, Hashable {
    public struct Decision: Sendable, Hashable {
        public var trace: String
        /// HCR01.
        public var action: String
        public var certificationNumber: String?
        public var reason: String?
        public var units: Int?
        public var start: LocalDate?
        public var end: LocalDate?
        /// The segment number of the event's HL, for messages.
        public var segment: Int
    }

    public var decisions: [Decision] = []

    public init(_ set: X12TransactionSet) throws(X12Error) {
        var current: Decision?
        var level = ""
        func finish() { if let decision = current { decisions.append(decision) }; current = nil }
        for located in set.segments {
            let segment = located.segment
            switch segment.id {
            case "HL":
                level = segment.value(3)
                if level == "EV" {
                    finish()
                    current = Decision(trace: "", action: "", segment: located.number)
                }
            case "TRN" where level == "EV":
                // Our trace comes back with TRN01 = 2 (referenced); a payer's own TRN*1 carries its trace (9 + id in TRN03).
                let trace = try located.required(2, "the trace number")
                if segment.value(1) == "2" || current?.trace.isEmpty == true && !segment.value(3).hasPrefix("9") {
                    current?.trace = trace
                }
            case "HCR":
                let action = try located.required(1, "the action code")
                if current?.action.isEmpty == true || level == "EV" {
                    current?.action = action
                    if let number = located.optional(2) { current?.certificationNumber = number }
                    if let reason = located.optional(3) { current?.reason = reason }
                }
            case "HSD" where segment.value(1) == "VS":
                if current?.units == nil || level == "EV" { current?.units = Int(segment.value(2)) }
            case "DTP":
                try readDate(located, into: &current, eventLevel: level == "EV")
            default: break
            }
        }
        finish()
        for decision in decisions where decision.trace.isEmpty {
            throw X12Error("278 response \(set.controlNumber): the patient event at segment \(decision.segment) has no TRN trace number; it cannot be matched to a request")
        }
    }

    private func readDate(_ located: LocatedSegment, into decision: inout Decision?, eventLevel: Bool) throws(X12Error) {
        let qualifier = located.segment.value(1)
        let format = located.segment.value(2)
        let text = located.segment.value(3)
        func date(_ compact: Substring) throws(X12Error) -> LocalDate {
            guard let parsed = X12Date(String(compact)), let local = LocalDate(year: parsed.year, month: parsed.month, day: parsed.day) else {
                throw located.error(3, "'\(text)' is not a CCYYMMDD date")
            }
            return local
        }
        let fill = eventLevel || decision?.start == nil
        switch (qualifier, format) {
        case ("AAH", "RD8"), ("472", "RD8"):
            let parts = text.split(separator: "-")
            guard parts.count == 2 else { throw located.error(3, "'\(text)' is not a CCYYMMDD-CCYYMMDD range") }
            if fill { decision?.start = try date(parts[0]); decision?.end = try date(parts[1]) }
        case ("AAH", "D8"), ("472", "D8"), ("007", "D8"):
            if fill { decision?.start = try date(Substring(text)) }
        case ("036", "D8"):
            if eventLevel || decision?.end == nil { decision?.end = try date(Substring(text)) }
        default: break
        }
    }
}
