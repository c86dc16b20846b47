/// An 835 Health Care Claim Payment/Advice (005010X221A1) as typed loops: the payment (BPR/TRN),
/// the payer (1000A), the payee (1000B), each claim (2100 CLP) with its service lines (2110 SVC),
/// and the provider-level adjustments (PLB). Amounts are exact cents; nothing is rounded.
public struct Remittance835: Sendable, Hashable {
    /// BPR01: `C` payment with remittance, `I` remittance only, `H` notification, …
    public var handlingCode: String
    /// BPR02: the total actually paid (may be 0).
    public var totalPaid: X12Amount
    /// BPR03: `C` credit or `D` debit.
    public var creditDebit: String
    /// BPR04: `ACH`, `CHK`, `NON`, …
    public var paymentMethod: String
    /// BPR16: the payment (effective) date.
    public var paymentDate: X12Date?
    /// TRN02: the check or EFT trace number; with TRN03 (the payer's id) it identifies the payment.
    public var traceNumber: String
    /// TRN03: the payer's identifier (1 + TIN), or ISA06 when absent.
    public var payerIdentifier: String
    /// 1000A N102.
    public var payerName: String
    /// 1000B N104 (NPI or TIN of the payee).
    public var payeeIdentifier: String
    public var claims: [Claim]
    public var providerAdjustments: [ProviderAdjustment]

    /// Loop 2100: one adjudicated claim.
    public struct Claim: Sendable, Hashable {
        /// CLP01: our CLM01 (the patient control number).
        public var patientControlNumber: String
        /// CLP02: `1` primary, `2` secondary, `4` denied, `22` reversal of a previous payment, …
        public var statusCode: String
        /// CLP03, CLP04, CLP05.
        public var charge: X12Amount, paid: X12Amount, patientResponsibility: X12Amount?
        /// CLP07: the payer's claim control number (sent back in REF*F8 on a corrected claim).
        public var payerClaimNumber: String?
        /// CLP09: the claim frequency code.
        public var frequency: String?
        /// CAS at claim level (2100).
        public var adjustments: [Adjustment]
        /// MOA remark codes (claim level).
        public var remarks: [String]
        /// DTM*232 (statement from), for matching lines that carry no date of their own.
        public var statementDate: X12Date?
        public var lines: [ServiceLine]
        /// Position of the CLP segment in the file.
        public var segmentNumber: Int

        /// 2100 NM1*TT NM103: the payer the claim was crossed over to (Medicare to Medicaid, a supplement).
        public var crossoverCarrier: String?

        public var isReversal: Bool { statusCode == "22" }
        /// CLP02 19/20 (processed as primary/secondary, forwarded to additional payers) or an NM1*TT:
        /// the payer sent the claim on to the next payer itself, so no secondary claim is sent.
        public var wasCrossedOver: Bool { statusCode == "19" || statusCode == "20" || crossoverCarrier != nil }
        public var isDenied: Bool { statusCode == "4" }
    }

    /// Loop 2110: one adjudicated service line.
    public struct ServiceLine: Sendable, Hashable {
        /// SVC01-2 (adjudicated procedure code) and SVC01-3… (modifiers).
        public var procedureCode: String, modifiers: [String]
        /// SVC06-2 when the payer changed the code: the code we submitted.
        public var submittedProcedureCode: String?
        /// SVC02, SVC03, SVC05 (units paid).
        public var charge: X12Amount, paid: X12Amount, units: String?
        /// DTM*472 (or 150).
        public var serviceDate: X12Date?
        /// REF*6R: our line item control number.
        public var controlNumber: String?
        public var adjustments: [Adjustment]
        /// LQ*HE remark codes.
        public var remarks: [String]
        public var segmentNumber: Int
    }

    /// One CAS reason/amount pair.
    public struct Adjustment: Sendable, Hashable {
        /// `CO`, `PR`, `OA`, `PI` (and `CR` in older files).
        public var group: String
        /// The CARC.
        public var reason: String
        public var amount: X12Amount
        public var quantity: String?
    }

    /// One PLB adjustment (PLB03/05/…: reason:reference, PLB04/06/…: amount).
    public struct ProviderAdjustment: Sendable, Hashable {
        public var provider: String
        public var fiscalPeriodDate: X12Date?
        public var reason: String, reference: String?
        public var amount: X12Amount
    }

    /// Σ CLP04 − Σ PLB amounts: what BPR02 must equal (PLB amounts reduce the payment when positive).
    public var computedTotal: X12Amount {
        claims.reduce(X12Amount.zero) { $0 + $1.paid } - providerAdjustments.reduce(X12Amount.zero) { $0 + $1.amount }
    }

    public var isBalanced: Bool { computedTotal == totalPaid }
}

extension Remittance835 {
    /// Reads the typed loops of one 835 transaction set; every error names the segment and element.
    public init(_ set: X12TransactionSet) throws(X12Error) {
        var bpr: LocatedSegment?, trn: LocatedSegment?
        var payerName = "", payeeIdentifier = ""
        var claims: [Claim] = []
        var plbs: [ProviderAdjustment] = []
        var entity = ""  // the N1 loop we are in (PR/PE)

        for located in set.segments {
            let segment = located.segment
            switch segment.id {
            case "BPR": bpr = located
            case "TRN": trn = located
            case "N1":
                entity = segment.value(1)
                if entity == "PR" { payerName = segment.value(2) }
                if entity == "PE" { payeeIdentifier = segment.value(4) }
            case "CLP":
                claims.append(Claim(
                    patientControlNumber: try located.required(1, "patient control number"),
                    statusCode: try located.required(2, "claim status code"),
                    charge: try located.amount(3, "total claim charge"), paid: try located.amount(4, "claim payment amount"),
                    patientResponsibility: try located.optionalAmount(5, "patient responsibility amount"),
                    payerClaimNumber: located.optional(7), frequency: located.optional(9),
                    adjustments: [], remarks: [], statementDate: nil, lines: [], segmentNumber: located.number))
            case "CAS":
                guard !claims.isEmpty else { throw located.error(nil, "CAS before any CLP: an adjustment must follow its claim or service line") }
                let adjustments = try Self.adjustments(located)
                if claims[claims.count - 1].lines.isEmpty {
                    claims[claims.count - 1].adjustments += adjustments
                } else {
                    claims[claims.count - 1].lines[claims[claims.count - 1].lines.count - 1].adjustments += adjustments
                }
            case "MOA":
                guard !claims.isEmpty else { continue }
                for position in 3...7 { if let code = located.optional(position) { claims[claims.count - 1].remarks.append(code) } }
            case "DTM":
                guard !claims.isEmpty else { continue }
                let qualifier = segment.value(1)
                if claims[claims.count - 1].lines.isEmpty {
                    if qualifier == "232" { claims[claims.count - 1].statementDate = try located.date(2, "claim statement period start") }
                } else if qualifier == "472" || qualifier == "150" {
                    claims[claims.count - 1].lines[claims[claims.count - 1].lines.count - 1].serviceDate = try located.date(2, "service date")
                }
            case "SVC":
                guard !claims.isEmpty else { throw located.error(nil, "SVC before any CLP: a service line must follow its claim") }
                let procedure = segment[1]?.components ?? []
                guard procedure.count >= 2, !procedure[1].isEmpty else {
                    throw located.error(1, "SVC01 (composite medical procedure) has no procedure code in SVC01-2")
                }
                let submitted = segment[6]?.components ?? []
                claims[claims.count - 1].lines.append(ServiceLine(
                    procedureCode: procedure[1], modifiers: Array(procedure.dropFirst(2).prefix(4)).filter { !$0.isEmpty },
                    submittedProcedureCode: submitted.count >= 2 && !submitted[1].isEmpty ? submitted[1] : nil,
                    charge: try located.amount(2, "line item charge amount"), paid: try located.amount(3, "line item provider payment amount"),
                    units: located.optional(5), serviceDate: nil, controlNumber: nil, adjustments: [], remarks: [],
                    segmentNumber: located.number))
            case "NM1":
                if segment.value(1) == "TT", !claims.isEmpty, claims[claims.count - 1].lines.isEmpty {
                    claims[claims.count - 1].crossoverCarrier = located.optional(3) ?? located.optional(9) ?? "crossover carrier"
                }
            case "REF":
                if segment.value(1) == "6R", !claims.isEmpty, !claims[claims.count - 1].lines.isEmpty {
                    claims[claims.count - 1].lines[claims[claims.count - 1].lines.count - 1].controlNumber = try located.required(2, "line item control number")
                }
            case "LQ":
                if segment.value(1) == "HE", !claims.isEmpty, !claims[claims.count - 1].lines.isEmpty {
                    claims[claims.count - 1].lines[claims[claims.count - 1].lines.count - 1].remarks.append(try located.required(2, "remark code"))
                }
            case "PLB":
                plbs += try Self.providerAdjustments(located)
            default: break
            }
        }
        guard let bpr else { throw X12Error("the 835 transaction set \(set.controlNumber) has no BPR (financial information) segment",
                                            segmentNumber: set.segments.first?.number) }
        guard let trn else { throw X12Error("the 835 transaction set \(set.controlNumber) has no TRN (reassociation trace number) segment",
                                            segmentNumber: set.segments.first?.number) }
        self.init(handlingCode: try bpr.required(1, "transaction handling code"), totalPaid: try bpr.amount(2, "total actual provider payment"),
                  creditDebit: bpr.optional(3) ?? "C", paymentMethod: bpr.optional(4) ?? "",
                  paymentDate: bpr.optional(16).flatMap(X12Date.init), traceNumber: try trn.required(2, "check or EFT trace number"),
                  payerIdentifier: trn.optional(3) ?? set.senderId, payerName: payerName, payeeIdentifier: payeeIdentifier,
                  claims: claims, providerAdjustments: plbs)
    }

    /// CAS01 group, then up to six reason (02/05/…)/amount (03/06/…)/quantity (04/07/…) triplets.
    static func adjustments(_ located: LocatedSegment) throws(X12Error) -> [Adjustment] {
        let group = try located.required(1, "claim adjustment group code")
        var result: [Adjustment] = []
        for start in stride(from: 2, through: 17, by: 3) {
            guard let reason = located.optional(start) else { continue }
            result.append(Adjustment(group: group, reason: reason, amount: try located.amount(start + 1, "adjustment amount"),
                                     quantity: located.optional(start + 2)))
        }
        if result.isEmpty { throw located.error(2, "CAS02 (claim adjustment reason code) is missing") }
        return result
    }

    /// PLB01 provider, PLB02 fiscal period date, then reason:reference/amount pairs (03/04 … 13/14).
    static func providerAdjustments(_ located: LocatedSegment) throws(X12Error) -> [ProviderAdjustment] {
        let provider = try located.required(1, "provider identifier")
        let date = located.optional(2).flatMap(X12Date.init)
        var result: [ProviderAdjustment] = []
        for start in stride(from: 3, through: 13, by: 2) {
            guard let reason = located.optional(start) else { continue }
            result.append(ProviderAdjustment(provider: provider, fiscalPeriodDate: date, reason: reason,
                                             reference: located.optional(start, component: 2),
                                             amount: try located.amount(start + 1, "provider adjustment amount")))
        }
        if result.isEmpty { throw located.error(3, "PLB03 (provider adjustment identifier) is missing") }
        return result
    }
}
