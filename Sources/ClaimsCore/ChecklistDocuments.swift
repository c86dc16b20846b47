import Foundation

/// A document the patient must have before a scheduled treatment may be charged to them
/// (POLICY §5.3–§5.4): a Medicare ABN, a Medicaid private-pay agreement, or an in-network plan's
/// waiver to sign, or a Good Faith Estimate to be given (45 CFR 149.610); one per kind per checklist
/// item. JSON: the item's `patientDocuments` (docs/patient-charges.md).
public struct ChecklistDocument: Sendable, Hashable, Encodable {
    /// `abn`, `private-pay` or `waiver` (CONTRACT §6 `patientAgreements` kinds), or `good-faith-estimate`.
    public var kind: String
    public var description: String
    /// Why it is needed, for the front desk.
    public var reason: String
    /// The codes of the scheduled lines it must cover.
    public var codes: [String]
    /// The scheduled dates it is needed for.
    public var dates: [LocalDate]
    /// True when one signed on or before each of those dates covers the codes.
    public var onFile: Bool
    /// The latest signed date of those on file (nil when none is); for an estimate, the date it was given.
    public var signed: LocalDate?
    /// The ABN option checked on the form (nil for other kinds or when none is on file).
    public var option: Int?
    /// The rule that asks for it (`medicare-j6/abn`, `il-medicaid/private-pay`, `clinic/in-network-waiver`).
    public var rule: String

    /// On file and not a declined service (ABN option 3).
    public var satisfied: Bool { onFile && option != 3 }

    private enum CodingKeys: String, CodingKey { case kind, description, reason, codes, dates, onFile, signed, option, rule }
    /// Every key is written, null when unknown, like the rest of the checklist.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(description, forKey: .description)
        try container.encode(reason, forKey: .reason)
        try container.encode(codes, forKey: .codes)
        try container.encode(dates.map(\.iso), forKey: .dates)
        try container.encode(onFile, forKey: .onFile)
        try container.encode(signed?.iso, forKey: .signed)
        try container.encode(option, forKey: .option)
        try container.encode(rule, forKey: .rule)
    }

    static func title(_ kind: PatientAgreement.Kind) -> String {
        switch kind {
        case .abn: "Medicare Advance Beneficiary Notice (ABN, CMS-R-131)"
        case .privatePay: "Medicaid private-pay agreement"
        case .waiver: "in-network plan's waiver for a non-covered service"
        }
    }

    static func reason(_ kind: PatientAgreement.Kind, payerName: String) -> String {
        switch kind {
        case .abn: "\(payerName) is not expected to pay: an ABN signed before the service is needed to charge a Medicare patient; otherwise bill with GZ and write it off"
        case .privatePay: "\(payerName) does not cover it: without a private-pay agreement signed before the service the patient cannot be charged"
        case .waiver: "in-network plan: a signed waiver is needed before the patient is charged"
        }
    }

    /// One document per kind from the needs of an item's encounters, in the order ABN, private-pay, waiver.
    static func summarize(_ needs: [(encounter: Encounter, need: AgreementNeed)], payerName: String) -> [ChecklistDocument] {
        let kinds: [PatientAgreement.Kind] = [.abn, .privatePay, .waiver]
        return kinds.compactMap { kind in
            let entries = needs.filter { $0.need.kind == kind }
            guard let first = entries.first else { return nil }
            let onFile = entries.compactMap(\.need.onFile)
            let latest = onFile.max { $0.signed < $1.signed }
            return ChecklistDocument(
                kind: kind.rawValue, description: title(kind), reason: reason(kind, payerName: payerName),
                codes: unique(entries.map { $0.encounter.services[$0.need.line - 1].code }),
                dates: Array(Set(entries.map(\.encounter.dateOfService))).sorted(),
                onFile: onFile.count == entries.count, signed: latest?.signed,
                option: kind == .abn ? latest?.option : nil, rule: first.need.rule)
        }
    }

    /// The `kind` of a Good Faith Estimate entry, and the rule id it carries.
    public static let estimateKind = "good-faith-estimate"
    public static let estimateRule = "clinic/good-faith-estimate"

    /// The estimate due for `lines` (the patient pays for them without a claim): on file when, for
    /// each line, an estimate of the patient lists the same code on the same date.
    static func estimate(_ lines: [(encounter: Encounter, line: Int)], estimates: [EstimateOnFile]) -> ChecklistDocument? {
        guard !lines.isEmpty else { return nil }
        func covering(_ entry: (encounter: Encounter, line: Int)) -> EstimateOnFile? {
            let code = entry.encounter.services[entry.line - 1].code
            return estimates.filter { $0.items.contains { $0.dateOfService == entry.encounter.dateOfService && $0.code == code } }
                .max { ($0.issued, $0.number) < ($1.issued, $1.number) }
        }
        let found = lines.map(covering)
        return ChecklistDocument(
            kind: estimateKind, description: "Good Faith Estimate of expected charges (No Surprises Act, 45 CFR 149.610)",
            reason: "the patient pays for these items without a claim to a plan (uninsured or self-pay): a written estimate is due "
                + "before the service (within 1 business day of scheduling it 3 or more business days ahead; within 3 business days when 10 or more)",
            codes: unique(lines.map { $0.encounter.services[$0.line - 1].code }),
            dates: Array(Set(lines.map(\.encounter.dateOfService))).sorted(),
            onFile: found.allSatisfy { $0 != nil }, signed: found.compactMap { $0?.issued }.max(), option: nil, rule: estimateRule)
    }

    /// What the front desk does about it (nil when nothing is left to do).
    func nextStep(service: ServiceName) -> String? {
        let on = dates.map(\.iso).joined(separator: ", ")
        if kind == Self.estimateKind {
            guard !onFile else { return nil }
            return "give the patient a Good Faith Estimate for \(service) (\(codes.joined(separator: ", "))) before treatment on \(on): "
                + "claims estimate FILE --out DIR"
        }
        if option == 3 {
            return "the patient declined \(service) (\(codes.joined(separator: ", "))) on the ABN signed \(signed?.iso ?? "?"): do not treat, or have a new ABN signed"
        }
        guard !onFile else { return nil }
        return "have the patient sign the \(description) for \(service) (\(codes.joined(separator: ", "))) before treatment on \(on): \(reason)"
    }

    private static func unique(_ codes: [String]) -> [String] {
        var seen: Set<String> = []
        return codes.filter { seen.insert($0).inserted }
    }
}

extension ClinicProfile {
    /// The rule id of the in-network waiver (a warning in `check`/`batch`, a document in the checklist).
    public static let inNetworkWaiverRule = "clinic/in-network-waiver"

    /// POLICY §5.4: `superbill` lines of a payer the profile's `network` marks `in` need a waiver
    /// signed on or before the date of service; each with the one on file, if any.
    public func waiverNeeds(_ encounter: Encounter, lines: [LineDecision]) -> [AgreementNeed] {
        guard network[encounter.payerSlug] == .in else { return [] }
        return lines.filter { $0.decision == .superbill }.map {
            AgreementNeed(line: $0.line, kind: .waiver, rule: Self.inNetworkWaiverRule, onFile: encounter.agreement(.waiver, covering: $0.code))
        }
    }
}
