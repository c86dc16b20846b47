import ClaimsCore
import Foundation

/// How a claim goes out (CONTRACT §9, docs/corrections.md): an original, a replacement or a void of a
/// claim the payer adjudicated (CLM05-3 7/8 with REF*F8), and, for the secondary payer, the primary
/// payer's adjudication (loops 2320, 2330A, 2330B, 2430).
public struct Claim837PSubmission: Sendable, Hashable {
    /// CLM05-3: `1` original, `7` replacement of a prior claim, `8` void of a prior claim.
    public var frequency: String
    /// REF*F8: the payer's claim number (835 CLP07) of the claim replaced or voided.
    public var payerClaimNumber: String?
    /// Set on a claim to the secondary payer: SBR01 becomes `S` and the primary's adjudication follows.
    public var primary: Claim837PPriorPayer?

    public init(frequency: String = "1", payerClaimNumber: String? = nil, primary: Claim837PPriorPayer? = nil) {
        self.frequency = frequency; self.payerClaimNumber = payerClaimNumber; self.primary = primary
    }

    public static let original = Claim837PSubmission()
}

/// The primary payer and what its 835 said, as the claim to the secondary payer carries it.
public struct Claim837PPriorPayer: Sendable, Hashable {
    /// One CAS reason/amount (group CO, PR, OA, PI).
    public struct Adjustment: Sendable, Hashable {
        public var group: String, reason: String
        public var amount: Decimal
        public init(group: String, reason: String, amount: Decimal) { self.group = group; self.reason = reason; self.amount = amount }
    }
    /// One adjudicated service line (2430): the encounter's line number, what was paid, the units paid.
    public struct Line: Sendable, Hashable {
        public var paid: Decimal
        public var units: Decimal?
        public var adjustments: [Adjustment]
        public init(paid: Decimal, units: Decimal? = nil, adjustments: [Adjustment]) {
            self.paid = paid; self.units = units; self.adjustments = adjustments
        }
    }

    /// The primary coverage (2320 SBR, 2330A subscriber).
    public var coverage: Coverage
    /// The primary payer's name, payer id and claim filing indicator (2330B NM1, 2320 SBR09).
    public var payerName: String, payerId: String, claimFilingIndicator: String
    /// AMT*D: what the primary paid on the claim.
    public var paid: Decimal
    /// AMT*EAF: what remains the patient's after the primary (its PR adjustments).
    public var remainingPatientLiability: Decimal
    /// DTP*573: the primary's adjudication (remittance) date.
    public var adjudicated: LocalDate
    /// The primary's claim number (2330B REF*F8).
    public var payerClaimNumber: String?
    /// CAS at claim level (2320).
    public var claimAdjustments: [Adjustment]
    /// By encounter line number (2430 after each line the primary adjudicated).
    public var lines: [Int: Line]

    public init(coverage: Coverage, payerName: String, payerId: String, claimFilingIndicator: String, paid: Decimal,
                remainingPatientLiability: Decimal, adjudicated: LocalDate, payerClaimNumber: String?,
                claimAdjustments: [Adjustment], lines: [Int: Line]) {
        self.coverage = coverage; self.payerName = payerName; self.payerId = payerId; self.claimFilingIndicator = claimFilingIndicator
        self.paid = paid; self.remainingPatientLiability = remainingPatientLiability; self.adjudicated = adjudicated
        self.payerClaimNumber = payerClaimNumber; self.claimAdjustments = claimAdjustments; self.lines = lines
    }
}

extension Claim837PEncoder {
    /// CAS segments: one per group, at most six reason/amount pairs each (a seventh starts another CAS).
    static func adjustmentSegments(_ adjustments: [Claim837PPriorPayer.Adjustment]) -> [X12Segment] {
        var order: [String] = []
        var byGroup: [String: [Claim837PPriorPayer.Adjustment]] = [:]
        for adjustment in adjustments where adjustment.amount != 0 {
            if byGroup[adjustment.group] == nil { order.append(adjustment.group) }
            byGroup[adjustment.group, default: []].append(adjustment)
        }
        var segments: [X12Segment] = []
        for group in order {
            let all = byGroup[group]!
            for start in stride(from: 0, to: all.count, by: 6) {
                var elements = [X12Element(group)]
                for (index, adjustment) in all[start..<min(start + 6, all.count)].enumerated() {
                    if index > 0 { elements.append("") }  // CAS04/07/…: the quantity, not sent
                    elements.append(X12Element(adjustment.reason))
                    elements.append(X12Element(Money.x12(adjustment.amount)))
                }
                segments.append(X12Segment(id: "CAS", elements: elements))
            }
        }
        return segments
    }

    /// Loops 2320 (the primary's SBR, CAS, AMT*D, AMT*EAF, OI), 2330A (its subscriber) and 2330B (the
    /// primary payer, REF*F8) of a claim to the secondary payer.
    func otherPayerLoops(_ primary: Claim837PPriorPayer, patient: Person, hasLineAdjudication: Bool,
                         check: inout FieldChecker) -> [X12Segment] {
        let coverage = primary.coverage
        let isSelf = coverage.relationship == .self
        let group = check.text(coverage.groupNumber, "coverage.groupNumber", "SBR03 of 2320", length: 1...50, required: false)
        let indicator = primary.claimFilingIndicator.uppercased()
        if !Self.claimFilingIndicators.contains(indicator) {
            check.fail("coverage.payer", "the primary payer's claim filing indicator '\(indicator)' is not an SBR09 code; fix claimFilingIndicator in its payer file")
        }
        var segments = [X12Segment("SBR", "P", X12Element(coverage.relationship.x12Code), X12Element(group), "", "", "", "", "",
                                   X12Element(indicator))]
        segments += Self.adjustmentSegments(primary.claimAdjustments)
        segments.append(X12Segment("AMT", "D", X12Element(Money.x12(primary.paid))))
        segments.append(X12Segment("AMT", "EAF", X12Element(Money.x12(max(0, primary.remainingPatientLiability)))))
        segments.append(X12Segment("OI", "", "", "Y", "", "", "Y"))
        // 2330A: the primary's subscriber (the patient when the relationship is self).
        let subscriber = isSelf ? patient : (coverage.subscriber ?? patient)
        let memberId = check.text(coverage.memberId, "coverage.memberId", "NM109 of 2330A", length: 2...80)
        segments.append(personName("IL", subscriber, field: isSelf ? "patient" : "coverage.subscriber", id: memberId, check: &check))
        // 2330B: the primary payer; its adjudication date here only when no line carries it (2430 DTP*573).
        let name = check.text(primary.payerName, "coverage.payer", "NM103 of 2330B", length: 1...60)
        let payerId = check.text(primary.payerId, "coverage.payer", "NM109 of 2330B", length: 2...80)
        segments.append(X12Segment("NM1", "PR", "2", X12Element(name), "", "", "", "", "PI", X12Element(payerId)))
        if !hasLineAdjudication { segments.append(X12Segment("DTP", "573", "D8", X12Element(primary.adjudicated.compact))) }
        if let number = primary.payerClaimNumber {
            let checked = check.text(number, "coverage.payer", "REF02 of 2330B REF*F8", length: 1...50)
            segments.append(X12Segment("REF", "F8", X12Element(checked)))
        }
        return segments
    }

    /// Loop 2430 of one line: SVD (the primary's payer id, paid, procedure, units), CAS, DTP*573.
    func lineAdjudication(_ line: Claim837PPriorPayer.Line, primary: Claim837PPriorPayer, procedure: X12Element,
                          units: String) -> [X12Segment] {
        let paidUnits = line.units.map { Money.plain($0) } ?? units
        return [X12Segment("SVD", X12Element(primary.payerId), X12Element(Money.x12(line.paid)), procedure, "", X12Element(paidUnits))]
            + Self.adjustmentSegments(line.adjustments)
            + [X12Segment("DTP", "573", "D8", X12Element(primary.adjudicated.compact))]
    }
}
