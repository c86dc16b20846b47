import Foundation

/// A payer's answer to one eligibility inquiry (a 271, or a 999 rejecting our 270), as stored
/// (docs/eligibility.md). Pure data: the engine reads answers from the store and passes them in.
public struct EligibilityAnswer: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// EB01 1–5.
        case active
        /// EB01 6–8.
        case inactive
        /// The payer could not answer: AAA in the 271, or a 999 rejecting the 270.
        case error
    }

    /// The store's row id (later answers have higher ids).
    public var id: Int64?
    public var patientId: String
    public var payer: PayerSlug
    /// The date of service the inquiry asked about (DTP*291 of our 270).
    public var dateOfService: LocalDate
    /// When the payer answered: BHT04 of the 271 (GS04 of a 999).
    public var checked: LocalDate
    public var status: Status
    /// DTP*346/347 (plan begin/end) or DTP*291 (plan, D8 or RD8) of the 271.
    public var planBegin: LocalDate?
    public var planEnd: LocalDate?
    /// EB05 of the active-coverage benefit.
    public var planName: String?
    public var benefits: [EligibilityBenefit]
    /// 2120C entities of `R`/`U`/`MC` benefits: who else pays (a behavioral-health carve-out, another insurer).
    public var otherPayers: [EligibilityOtherPayer]
    /// MSG texts of the answer.
    public var messages: [String]
    /// AAA segments (any loop) and 999 rejections.
    public var rejections: [EligibilityRejection]

    public init(id: Int64? = nil, patientId: String, payer: PayerSlug, dateOfService: LocalDate, checked: LocalDate, status: Status,
                planBegin: LocalDate? = nil, planEnd: LocalDate? = nil, planName: String? = nil, benefits: [EligibilityBenefit] = [],
                otherPayers: [EligibilityOtherPayer] = [], messages: [String] = [], rejections: [EligibilityRejection] = []) {
        self.id = id; self.patientId = patientId; self.payer = payer; self.dateOfService = dateOfService; self.checked = checked
        self.status = status; self.planBegin = planBegin; self.planEnd = planEnd; self.planName = planName; self.benefits = benefits
        self.otherPayers = otherPayers; self.messages = messages; self.rejections = rejections
    }
}

/// One 2110C/D EB loop.
public struct EligibilityBenefit: Sendable, Hashable, Codable {
    /// EB12 in-plan-network indicator.
    public enum Network: String, Sendable, Hashable, Codable {
        case `in`, out, notApplicable = "not-applicable", unknown
    }
    /// EB01: `1` active, `6` inactive, `A` coinsurance, `B` copay, `C` deductible, `G` out of pocket, `R` other payer, …
    public var code: String
    /// EB03 (repeated); empty = the plan as a whole.
    public var serviceTypes: [String]
    /// EB02 (`IND`, `FAM`, …).
    public var coverageLevel: String?
    /// EB06 time period (`27` visit, `23` calendar year, `29` remaining, …).
    public var period: String?
    /// EB07.
    public var amount: Decimal?
    /// EB08 as a percentage (`.2` → 20).
    public var percent: Decimal?
    /// EB11: true `Y`, false `N`, nil absent or `U`.
    public var authorizationRequired: Bool?
    public var network: Network
    /// EB13-2 when the benefit is for one procedure code.
    public var procedure: String?
    /// MSG texts inside this EB loop.
    public var messages: [String]

    public init(code: String, serviceTypes: [String], coverageLevel: String? = nil, period: String? = nil, amount: Decimal? = nil,
                percent: Decimal? = nil, authorizationRequired: Bool? = nil, network: Network = .unknown, procedure: String? = nil,
                messages: [String] = []) {
        self.code = code; self.serviceTypes = serviceTypes; self.coverageLevel = coverageLevel; self.period = period; self.amount = amount
        self.percent = percent; self.authorizationRequired = authorizationRequired; self.network = network; self.procedure = procedure
        self.messages = messages
    }

    private enum CodingKeys: String, CodingKey {
        case code, serviceTypes, coverageLevel, period, amount, percent, authorizationRequired, network, procedure, messages
    }
    /// Amounts travel as decimal text (exact; a JSON number would pass through a binary float when read).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func decimal(_ key: CodingKeys) throws -> Decimal? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "'\(text)' is not a decimal")
            }
            return value
        }
        self.init(code: try container.decode(String.self, forKey: .code), serviceTypes: try container.decode([String].self, forKey: .serviceTypes),
                  coverageLevel: try container.decodeIfPresent(String.self, forKey: .coverageLevel),
                  period: try container.decodeIfPresent(String.self, forKey: .period), amount: try decimal(.amount), percent: try decimal(.percent),
                  authorizationRequired: try container.decodeIfPresent(Bool.self, forKey: .authorizationRequired),
                  network: try container.decode(Network.self, forKey: .network), procedure: try container.decodeIfPresent(String.self, forKey: .procedure),
                  messages: try container.decode([String].self, forKey: .messages))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(serviceTypes, forKey: .serviceTypes)
        try container.encodeIfPresent(coverageLevel, forKey: .coverageLevel)
        try container.encodeIfPresent(period, forKey: .period)
        try container.encodeIfPresent(amount.map(Money.plain), forKey: .amount)
        try container.encodeIfPresent(percent.map(Money.plain), forKey: .percent)
        try container.encodeIfPresent(authorizationRequired, forKey: .authorizationRequired)
        try container.encode(network, forKey: .network)
        try container.encodeIfPresent(procedure, forKey: .procedure)
        try container.encode(messages, forKey: .messages)
    }
}

/// A 2120C entity named by an `R` (other payer), `U` (contact entity) or `MC` (managed care coordinator) benefit.
public struct EligibilityOtherPayer: Sendable, Hashable, Codable {
    /// NM103.
    public var name: String
    /// NM101 (`PRP` primary payer, `Y2` managed care organization, `VN` vendor, …).
    public var entity: String
    /// NM109 (payer id), when given.
    public var identifier: String?
    /// EB03 of the benefit naming it; empty = every service.
    public var serviceTypes: [String]
    /// EB01 of that benefit.
    public var benefitCode: String
    public init(name: String, entity: String, identifier: String?, serviceTypes: [String], benefitCode: String) {
        self.name = name; self.entity = entity; self.identifier = identifier; self.serviceTypes = serviceTypes; self.benefitCode = benefitCode
    }
}

/// Why the payer could not answer: an AAA (reason AAA03, follow-up AAA04) or a 999 rejection.
public struct EligibilityRejection: Sendable, Hashable, Codable {
    /// The loop it came from (`2100A` … `2110D`, or `999`).
    public var loop: String
    public var reason: String
    public var followUp: String?
    /// The reason and follow-up in words.
    public var description: String
    public init(loop: String, reason: String, followUp: String?, description: String) {
        self.loop = loop; self.reason = reason; self.followUp = followUp; self.description = description
    }
}

/// Service types (EB03/EQ01) of the mental-health benefit an interventional-psychiatry clinic bills under.
public enum EligibilityServiceTypes {
    /// `30`: health benefit plan coverage, asked in every inquiry.
    public static let plan = "30"
    /// MH mental health, A4 psychiatric, A6 psychotherapy, A8 psychiatric – outpatient, CF mental health provider – outpatient.
    public static let mentalHealth: Set<String> = ["MH", "A4", "A6", "A8", "CF"]

    /// What a 270 asks for the services of one inquiry: `30`, then `MH` and `A8` (every service of ours is
    /// outpatient psychiatric care), and `A6` when psychotherapy is scheduled (docs/eligibility.md).
    public static func inquiry(for services: Set<ServiceName>) -> [String] {
        var types = [plan, "MH", "A8"]
        if services.contains("psychotherapy") { types.append("A6") }
        return types
    }
}
