/// A 999 Implementation Acknowledgment (005010X231A1) as typed loops: the group it answers (AK1),
/// one response per transaction set (2000 AK2 … IK5) with its segment errors (2100 IK3) and their
/// element errors (2110 IK4), and the group's verdict (AK9).
public struct Acknowledgment999: Sendable, Hashable {
    /// AK101 (`HC` for an 837), AK102 (the GS06 we sent), AK103 (its version).
    public var functionalId: String, groupControlNumber: String, version: String?
    public var transactions: [TransactionResponse]
    /// AK901: `A` accepted, `E` accepted with errors, `P` partially accepted, `R` rejected.
    public var groupStatus: String
    /// AK905…: functional group error codes.
    public var groupErrors: [String]

    /// Loop 2000.
    public struct TransactionResponse: Sendable, Hashable {
        /// AK201 (`837`), AK202 (the ST02 we sent).
        public var transactionSetId: String, controlNumber: String
        /// IK501: `A`, `E`, `R`, `M`, `W`, `X`.
        public var status: String
        /// IK502…: transaction set error codes.
        public var errors: [String]
        public var segmentErrors: [SegmentError]
        /// Position of the AK2 in the file.
        public var segmentNumber: Int

        public init(transactionSetId: String, controlNumber: String, status: String, errors: [String], segmentErrors: [SegmentError],
                    segmentNumber: Int) {
            self.transactionSetId = transactionSetId; self.controlNumber = controlNumber; self.status = status; self.errors = errors
            self.segmentErrors = segmentErrors; self.segmentNumber = segmentNumber
        }

        /// `A` accepted and `E` accepted with errors go on to the payer; everything else was rejected.
        public var isAccepted: Bool { status == "A" || status == "E" }
    }

    /// Loop 2100 IK3: a segment of our transaction in error.
    public struct SegmentError: Sendable, Hashable {
        /// IK301 segment id, IK302 its position in our transaction set, IK303 loop id, IK304 error code.
        public var segmentId: String, position: String, loop: String?, code: String?
        public var elementErrors: [ElementError]
    }

    /// Loop 2110 IK4.
    public struct ElementError: Sendable, Hashable {
        /// IK401-1 element position (IK401-2 component), IK402 data element reference number, IK403 error code, IK404 the bad value.
        public var position: String, component: String?, reference: String?, code: String, value: String?
    }

    /// The 999 of one transaction set; every error names the segment and element.
    public init(_ set: X12TransactionSet) throws(X12Error) {
        var ak1: LocatedSegment?
        var transactions: [TransactionResponse] = []
        var groupStatus: String?, groupErrors: [String] = []
        for located in set.segments {
            switch located.id {
            case "AK1": ak1 = located
            case "AK2":
                transactions.append(TransactionResponse(
                    transactionSetId: try located.required(1, "transaction set identifier code"),
                    controlNumber: try located.required(2, "transaction set control number"),
                    status: "", errors: [], segmentErrors: [], segmentNumber: located.number))
            case "IK3":
                guard !transactions.isEmpty else { throw located.error(nil, "IK3 before any AK2: a segment error must follow its transaction set response") }
                transactions[transactions.count - 1].segmentErrors.append(SegmentError(
                    segmentId: try located.required(1, "segment id code"), position: try located.required(2, "segment position in transaction set"),
                    loop: located.optional(3), code: located.optional(4), elementErrors: []))
            case "IK4":
                guard !transactions.isEmpty, !transactions[transactions.count - 1].segmentErrors.isEmpty else {
                    throw located.error(nil, "IK4 before any IK3: an element error must follow its segment error")
                }
                let error = ElementError(position: try located.required(1, "element position in segment"), component: located.optional(1, component: 2),
                                         reference: located.optional(2), code: try located.required(3, "implementation data element syntax error code"),
                                         value: located.optional(4))
                let last = transactions.count - 1
                transactions[last].segmentErrors[transactions[last].segmentErrors.count - 1].elementErrors.append(error)
            case "IK5":
                guard !transactions.isEmpty else { throw located.error(nil, "IK5 before any AK2") }
                transactions[transactions.count - 1].status = try located.required(1, "transaction set acknowledgment code")
                transactions[transactions.count - 1].errors = (2...6).compactMap { located.optional($0) }
            case "AK9":
                groupStatus = try located.required(1, "functional group acknowledge code")
                groupErrors = (5...9).compactMap { located.optional($0) }
            default: break
            }
        }
        guard let ak1 else { throw X12Error("the 999 transaction set \(set.controlNumber) has no AK1 (functional group response header)",
                                            segmentNumber: set.segments.first?.number) }
        guard let groupStatus else { throw X12Error("the 999 transaction set \(set.controlNumber) has no AK9 (functional group response trailer)",
                                                    segmentNumber: set.segments.last?.number) }
        if let open = transactions.first(where: { $0.status.isEmpty }) {
            throw X12Error("the AK2 for transaction set \(open.controlNumber) has no IK5 (its verdict)", segmentNumber: open.segmentNumber)
        }
        self.functionalId = try ak1.required(1, "functional identifier code")
        self.groupControlNumber = try ak1.required(2, "group control number")
        self.version = ak1.optional(3)
        self.transactions = transactions
        self.groupStatus = groupStatus
        self.groupErrors = groupErrors
    }
}
