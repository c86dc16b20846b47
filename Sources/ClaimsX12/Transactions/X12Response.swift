/// What a payer or clearinghouse sends back, read from any file: each transaction set typed by
/// its ST01 (999, 277, 835). Anything else is kept as `.other` so a caller can report it.
public enum X12Response: Sendable, Hashable {
    case acknowledgment999(X12TransactionSet, Acknowledgment999)
    case claimAcknowledgment277(X12TransactionSet, ClaimAcknowledgment277)
    case remittance835(X12TransactionSet, Remittance835)
    case other(X12TransactionSet)

    public var transactionSet: X12TransactionSet {
        switch self {
        case .acknowledgment999(let set, _), .claimAcknowledgment277(let set, _), .remittance835(let set, _), .other(let set): set
        }
    }

    /// Reads every transaction set of `text`. The first syntax or loop error stops the file:
    /// a response that cannot be read whole is never posted in part.
    public static func read(_ text: String) throws(X12Error) -> [X12Response] {
        let document = try X12Reader.read(text)
        return try X12TransactionSet.split(document).map { set throws(X12Error) -> X12Response in
            switch set.transactionSetId {
            case "999": .acknowledgment999(set, try Acknowledgment999(set))
            case "277": .claimAcknowledgment277(set, try ClaimAcknowledgment277(set))
            case "835": .remittance835(set, try Remittance835(set))
            default: .other(set)
            }
        }
    }
}
