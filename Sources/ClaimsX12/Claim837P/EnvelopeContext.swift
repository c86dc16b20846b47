import ClaimsCore

/// Everything about an 837P interchange that is not claim data: control numbers and the
/// creation moment. The caller (batch engine) draws them from its store and clock, so the
/// encoder stays pure and a re-run with the same context writes the same bytes.
public struct EnvelopeContext: Sendable, Hashable {
    /// ISA13 = IEA02, written as 9 digits zero-padded. Never reuse one per trading partner.
    public var interchangeControlNumber: Int
    /// GS06 = GE02, 1–9 digits.
    public var groupControlNumber: Int
    /// ST02 = SE02 of the first transaction set; later sets in the same group (every 5,000
    /// claims) take the next numbers. Written with at least 4 digits (`0001`).
    public var firstTransactionSetControlNumber: Int
    /// ISA09 (YYMMDD), GS04 and BHT04 (CCYYMMDD).
    public var creationDate: LocalDate
    /// ISA10, GS05 and BHT05: `HHMM`, 24-hour clock.
    public var creationTime: String
    /// BHT03 (defaults to ISA13); when the claims fill several transaction sets, `-<ST02>` is appended.
    public var batchReference: String?
    /// ISA14: ask the receiver for a TA1 interchange acknowledgment.
    public var requestTA1: Bool

    public init(interchangeControlNumber: Int, groupControlNumber: Int, firstTransactionSetControlNumber: Int = 1,
                creationDate: LocalDate, creationTime: String, batchReference: String? = nil, requestTA1: Bool = false) {
        self.interchangeControlNumber = interchangeControlNumber; self.groupControlNumber = groupControlNumber
        self.firstTransactionSetControlNumber = firstTransactionSetControlNumber; self.creationDate = creationDate
        self.creationTime = creationTime; self.batchReference = batchReference; self.requestTA1 = requestTA1
    }

    /// ISA13 as written: `000000101`.
    public var formattedInterchangeControlNumber: String { Self.zeroPadded(interchangeControlNumber, width: 9) }

    /// ST02 of the transaction set at `index` (0-based): `0001`, `0002`, …
    public func transactionSetControlNumber(at index: Int) -> String {
        Self.zeroPadded(firstTransactionSetControlNumber + index, width: 4)
    }

    static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static let maxControlNumber = 999_999_999

    /// ISA and GS of an interchange with one functional group (`HC` 837P, `HI` 278).
    func interchangeHeader(sender: (qualifier: String, id: String), receiver: (qualifier: String, id: String),
                           application: (sender: String, receiver: String), usage: String, functionalId: String, guide: String,
                           delimiters: X12Delimiters) -> [X12Segment] {
        func padded(_ value: String, _ width: Int) -> String { value + String(repeating: " ", count: max(0, width - value.count)) }
        let date = creationDate
        let isaDate = Self.zeroPadded(date.year % 100, width: 2) + Self.zeroPadded(date.month, width: 2) + Self.zeroPadded(date.day, width: 2)
        return [
            X12Segment(id: "ISA", elements: [
                "00", X12Element(padded("", 10)), "00", X12Element(padded("", 10)),
                X12Element(sender.qualifier), X12Element(padded(sender.id, 15)),
                X12Element(receiver.qualifier), X12Element(padded(receiver.id, 15)),
                X12Element(isaDate), X12Element(creationTime),
                X12Element(String(Character(delimiters.repetition ?? "^"))), "00501",
                X12Element(formattedInterchangeControlNumber), requestTA1 ? "1" : "0",
                X12Element(usage), X12Element(String(Character(delimiters.component))),
            ]),
            X12Segment("GS", X12Element(functionalId), X12Element(application.sender), X12Element(application.receiver),
                       X12Element(date.compact), X12Element(creationTime), X12Element(String(groupControlNumber)),
                       "X", X12Element(guide)),
        ]
    }

    /// Problems with the context itself (control numbers out of range, a malformed time).
    func problems(transactionSetCount: Int) -> [Claim837PError] {
        var problems: [Claim837PError] = []
        func fail(_ field: String, _ message: String) { problems.append(Claim837PError(encounterId: nil, field: "envelope." + field, message: message)) }
        if !(1...Self.maxControlNumber).contains(interchangeControlNumber) {
            fail("interchangeControlNumber", "is \(interchangeControlNumber); ISA13 must be 1–999999999 (9 digits)")
        }
        if !(1...Self.maxControlNumber).contains(groupControlNumber) {
            fail("groupControlNumber", "is \(groupControlNumber); GS06 must be 1–999999999")
        }
        let lastSet = firstTransactionSetControlNumber + max(transactionSetCount, 1) - 1
        if firstTransactionSetControlNumber < 1 || lastSet > Self.maxControlNumber {
            fail("firstTransactionSetControlNumber",
                 "is \(firstTransactionSetControlNumber); ST02 of all \(transactionSetCount) transaction set(s) must stay within 1–999999999")
        }
        let isFourDigits = creationTime.utf8.count == 4 && creationTime.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        if !isFourDigits || (Int(creationTime) ?? 0) / 100 > 23 || (Int(creationTime) ?? 0) % 100 > 59 {
            fail("creationTime", "is '\(creationTime)'; write the creation time as HHMM on a 24-hour clock (e.g. 1030)")
        }
        if let batchReference {
            switch X12Text.prepare(batchReference) {
            case .failure(let problem): fail("batchReference", problem.description)
            case .success(let value) where value.isEmpty || value.count > 40:
                fail("batchReference", "must be 1–40 characters (BHT03 holds at most 50 with the -ST02 suffix)")
            case .success: break
            }
        }
        return problems
    }
}
