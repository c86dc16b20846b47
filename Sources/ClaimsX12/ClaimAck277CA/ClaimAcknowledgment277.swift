/// A 277CA Claim Acknowledgment (005010X214) as typed loops: the claims (2200D, keyed by
/// `TRN*2*<our CLM01>`) with their statuses (STC) and, when the payer sent them, their service
/// lines (2220D). Statuses at the receiver and provider levels (2200B/2200C) are kept too.
public struct ClaimAcknowledgment277: Sendable, Hashable {
    public var claims: [Claim]
    /// STC of the information receiver / billing provider levels (a file-wide rejection lives there).
    public var headerStatuses: [Status]

    public struct Claim: Sendable, Hashable {
        /// 2200D TRN02: our CLM01.
        public var patientControlNumber: String
        public var statuses: [Status]
        /// REF*1K: the payer's claim control number; REF*D9: the clearinghouse trace number.
        public var payerClaimNumber: String?, clearinghouseTrace: String?
        public var lines: [Line]
        public var segmentNumber: Int

        /// The first status's category decides: A1/A2 accepted, A3/A6/A7/A8 rejected (A4 not found too).
        public var verdict: Status.Verdict { statuses.first?.verdict ?? .informational }
    }

    public struct Line: Sendable, Hashable {
        /// SVC01-2, REF*FJ (our REF*6R).
        public var procedureCode: String?, controlNumber: String?
        public var statuses: [Status]
    }

    /// One STC: STC01 (category:status:entity), up to two more composites in STC10/STC11.
    public struct Status: Sendable, Hashable {
        public var category: String, code: String, entity: String?
        public var date: X12Date?
        public var amount: X12Amount?
        /// Further category:code pairs of the same STC (STC10, STC11).
        public var additional: [(category: String, code: String, entity: String?)] { extra.map { ($0[0], $0[1], $0.count > 2 ? $0[2] : nil) } }
        var extra: [[String]]

        public enum Verdict: String, Sendable { case accepted, rejected, informational }

        public var verdict: Verdict {
            switch category {
            case "A1", "A2": .accepted
            case "A3", "A4", "A6", "A7", "A8": .rejected
            default: .informational
            }
        }
    }

    public init(_ set: X12TransactionSet) throws(X12Error) {
        var claims: [Claim] = []
        var headerStatuses: [Status] = []
        var level = ""          // HL03 of the current hierarchical level
        var inClaim = false     // after TRN*2 in a patient level
        for located in set.segments {
            let segment = located.segment
            switch segment.id {
            case "HL":
                level = segment.value(3); inClaim = false
            case "TRN":
                if level == "PT" && segment.value(1) == "2" {
                    claims.append(Claim(patientControlNumber: try located.required(2, "patient control number"), statuses: [],
                                        payerClaimNumber: nil, clearinghouseTrace: nil, lines: [], segmentNumber: located.number))
                    inClaim = true
                }
            case "STC":
                let status = try Self.status(located)
                if inClaim {
                    if claims[claims.count - 1].lines.isEmpty { claims[claims.count - 1].statuses.append(status) }
                    else { claims[claims.count - 1].lines[claims[claims.count - 1].lines.count - 1].statuses.append(status) }
                } else {
                    headerStatuses.append(status)
                }
            case "REF":
                guard inClaim else { continue }
                switch segment.value(1) {
                case "1K": claims[claims.count - 1].payerClaimNumber = located.optional(2)
                case "D9": claims[claims.count - 1].clearinghouseTrace = located.optional(2)
                case "FJ" where !claims[claims.count - 1].lines.isEmpty:
                    claims[claims.count - 1].lines[claims[claims.count - 1].lines.count - 1].controlNumber = located.optional(2)
                default: break
                }
            case "SVC":
                guard inClaim else { continue }
                let procedure = segment[1]?.components ?? []
                claims[claims.count - 1].lines.append(Line(procedureCode: procedure.count > 1 ? procedure[1] : nil, controlNumber: nil, statuses: []))
            default: break
            }
        }
        self.claims = claims
        self.headerStatuses = headerStatuses
    }

    static func status(_ located: LocatedSegment) throws(X12Error) -> Status {
        let composite = located.segment[1]?.components ?? []
        guard composite.count >= 2, !composite[0].isEmpty, !composite[1].isEmpty else {
            throw located.error(1, "STC01 (health care claim status) needs a category and a status code, e.g. A7:21")
        }
        let extra = [10, 11].compactMap { position -> [String]? in
            let parts = located.segment[position]?.components ?? []
            return parts.count >= 2 && !parts[0].isEmpty ? parts : nil
        }
        return Status(category: composite[0], code: composite[1], entity: composite.count > 2 && !composite[2].isEmpty ? composite[2] : nil,
                      date: located.optional(2).flatMap(X12Date.init), amount: try located.optionalAmount(4, "total claim charge amount"),
                      extra: extra)
    }
}
