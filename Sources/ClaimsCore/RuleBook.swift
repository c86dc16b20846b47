import Foundation

/// The coverage rules of every payer, as loaded from `Payers/`. Pure data: `ClaimsRules`
/// decodes it from YAML, `CoverageEvaluator` interprets it. No Swift code is written per payer.
public struct RuleBook: Sendable, Hashable {
    public static let selfPaySlug: PayerSlug = "self-pay"
    /// The pseudo-payer whose rules (from the shared file) apply to every payer.
    public static let commonSlug: PayerSlug = "common"

    public var codes: CodeTable
    /// Named conditions any payer file may reference with `ref:`.
    public var sharedConditions: [String: Condition]
    /// Rules of the shared file, applied to every payer, with ids `common/…`.
    public var commonRules: [Rule]
    public var payers: [PayerSlug: PayerRules]

    public init(codes: CodeTable, sharedConditions: [String: Condition] = [:], commonRules: [Rule] = [],
                payers: [PayerSlug: PayerRules]) {
        self.codes = codes; self.sharedConditions = sharedConditions; self.commonRules = commonRules; self.payers = payers
    }

    public func payer(_ slug: PayerSlug) -> PayerRules? { payers[slug] }

    /// What one payer's encounters are evaluated against: the named conditions (shared ones,
    /// shadowed by the payer's own) and the rules (shared ones it does not opt out of, then its own).
    public struct PayerView: Sendable {
        public var conditions: [String: Condition]
        public var rules: [Rule]
    }

    public func view(of payer: PayerRules) -> PayerView {
        PayerView(conditions: sharedConditions.merging(payer.conditions) { _, own in own },
                  rules: commonRules.filter { !payer.excludedCommonRules.contains($0.id) } + payer.rules)
    }

    /// `view(of:)` for every payer: evaluators build it once, not per encounter.
    public var payerViews: [PayerSlug: PayerView] { payers.mapValues(view(of:)) }

    /// Codes some payer's `max-units` rule limits: only their units are counted across encounters.
    public var unitLimitedCodes: Set<String> {
        let limits = (commonRules + payers.values.flatMap(\.rules)).filter { if case .maxUnits = $0.kind { true } else { false } }
        return Set(codes.codes.values.filter { code in limits.contains { $0.lines.matches(code: code.code, service: code.service) } }.map(\.code))
    }
}

/// Procedure codes and the services they belong to.
public struct CodeTable: Sendable, Hashable {
    public var services: [ServiceName: ServiceDefinition]
    public var codes: [String: ProcedureCode]
    /// Known NDCs for drug codes: NDC → expected billing units.
    public var ndcs: [String: NDCDefinition]
    public init(services: [ServiceName: ServiceDefinition], codes: [String: ProcedureCode], ndcs: [String: NDCDefinition] = [:]) {
        self.services = services; self.codes = codes; self.ndcs = ndcs
    }
    public func service(of code: String) -> ServiceName? { codes[code]?.service }
}

public struct ServiceDefinition: Sendable, Hashable {
    public var name: ServiceName
    public var description: String
    public init(name: ServiceName, description: String) { self.name = name; self.description = description }
}

public struct ProcedureCode: Sendable, Hashable {
    public var code: String
    public var service: ServiceName
    public var description: String
    /// `CPT` or `HCPCS` (X12 SV101-1 is HC for both).
    public var system: String
    /// An add-on code is reported only with a primary code.
    public var addOn: Bool
    /// A drug code must carry an NDC.
    public var drug: Bool
    public var validFrom: LocalDate?
    public var validTo: LocalDate?
    /// The code to use instead once this one is deleted.
    public var replacedBy: String?
    public init(code: String, service: ServiceName, description: String, system: String = "CPT", addOn: Bool = false,
                drug: Bool = false, validFrom: LocalDate? = nil, validTo: LocalDate? = nil, replacedBy: String? = nil) {
        self.code = code; self.service = service; self.description = description; self.system = system
        self.addOn = addOn; self.drug = drug; self.validFrom = validFrom; self.validTo = validTo; self.replacedBy = replacedBy
    }
}

public struct NDCDefinition: Sendable, Hashable {
    public var ndc: String
    public var description: String
    /// Billing units the drug line must carry with this NDC (e.g. 84 for an 84 mg kit of J0013).
    public var units: Decimal
    public var codes: Set<String>
    public init(ndc: String, description: String, units: Decimal, codes: Set<String>) {
        self.ndc = ndc; self.description = description; self.units = units; self.codes = codes
    }
}

/// One payer's file.
public struct PayerRules: Sendable, Hashable, CustomReflectable {
    @inlinable public var slug: PayerSlug {
        _read { yield storage.fields.slug }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.slug }
    }
    @inlinable public var name: String {
        _read { yield storage.fields.name }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.name }
    }
    /// Clearinghouse payer ID (2010BB NM109); nil for self-pay.
    @inlinable public var payerId: String? {
        _read { yield storage.fields.payerId }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.payerId }
    }
    /// false when the policy marks the identifier unverified.
    @inlinable public var payerIdVerified: Bool {
        _read { yield storage.fields.payerIdVerified }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.payerIdVerified }
    }
    /// SBR09 claim filing indicator (MC, MB, BL, CI, …); nil for self-pay.
    @inlinable public var claimFilingIndicator: String? {
        _read { yield storage.fields.claimFilingIndicator }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.claimFilingIndicator }
    }
    @inlinable public var rules: [Rule] {
        _read { yield storage.fields.rules }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.rules }
    }
    /// Calendar days the payer has to decide a complete prior-authorization request (Illinois
    /// state-regulated plans: 5, 215 ILCS 200); nil when no deadline applies.
    @inlinable public var priorAuthorizationDecisionDays: Int? {
        _read { yield storage.fields.priorAuthorizationDecisionDays }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.priorAuthorizationDecisionDays }
    }
    /// Named conditions of this file; they shadow the shared file's.
    @inlinable public var conditions: [String: Condition] {
        _read { yield storage.fields.conditions }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.conditions }
    }
    /// Rule ids of the shared file this payer opts out of.
    @inlinable public var excludedCommonRules: Set<String> {
        _read { yield storage.fields.excludedCommonRules }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.excludedCommonRules }
    }
    /// Where the file came from (for messages), and its content hash (for the audit trail).
    @inlinable public var sourceFile: String {
        _read { yield storage.fields.sourceFile }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.sourceFile }
    }
    @inlinable public var contentHash: String {
        _read { yield storage.fields.contentHash }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.contentHash }
    }

    /// The stored fields, behind one reference copies share (`SharedFields`).
    @usableFromInline
    struct Fields: Sendable, Hashable {
        @usableFromInline var slug: PayerSlug
        @usableFromInline var name: String
        @usableFromInline var payerId: String?
        @usableFromInline var payerIdVerified: Bool
        @usableFromInline var claimFilingIndicator: String?
        @usableFromInline var rules: [Rule]
        @usableFromInline var priorAuthorizationDecisionDays: Int?
        @usableFromInline var conditions: [String: Condition]
        @usableFromInline var excludedCommonRules: Set<String>
        @usableFromInline var sourceFile: String
        @usableFromInline var contentHash: String
    }

    @usableFromInline var storage: SharedFields<Fields>

    public static func == (lhs: PayerRules, rhs: PayerRules) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    /// The fields, as a plain struct's would show (`dump`, `print`, test messages).
    public var customMirror: Mirror { Mirror(self, children: Mirror(reflecting: storage.fields).children, displayStyle: .struct) }


    public init(slug: PayerSlug, name: String, payerId: String? = nil, payerIdVerified: Bool = true,
                claimFilingIndicator: String? = nil, priorAuthorizationDecisionDays: Int? = nil, rules: [Rule], conditions: [String: Condition] = [:], excludedCommonRules: Set<String> = [],
                sourceFile: String = "", contentHash: String = "") {
        storage = SharedFields(Fields(slug: slug, name: name, payerId: payerId, payerIdVerified: payerIdVerified, claimFilingIndicator: claimFilingIndicator, rules: rules, priorAuthorizationDecisionDays: priorAuthorizationDecisionDays, conditions: conditions, excludedCommonRules: excludedCommonRules, sourceFile: sourceFile, contentHash: contentHash))
    }

    public var isSelfPay: Bool { slug == RuleBook.selfPaySlug }

    /// The timely-filing limit in days, if the payer has one.
    public var timelyFilingDays: Int? {
        for rule in rules { if case .timelyFiling(let days, _) = rule.kind { return days } }
        return nil
    }
}

/// Which lines a rule looks at: lines whose service or code is listed (both empty = every line).
public struct LineSelector: Sendable, Hashable {
    public var services: Set<ServiceName>
    public var codes: Set<String>
    public init(services: Set<ServiceName> = [], codes: Set<String> = []) { self.services = services; self.codes = codes }
    public static let all = LineSelector()
    public var isAll: Bool { services.isEmpty && codes.isEmpty }
    public func matches(code: String, service: ServiceName?) -> Bool {
        if isAll { return true }
        if codes.contains(code) { return true }
        if let service, services.contains(service) { return true }
        return false
    }
}

/// A named, described criterion: what the checklist shows and what a failed criterion's reason names.
public struct Requirement: Sendable, Hashable {
    public var id: String
    public var description: String
    public var condition: Condition
    public init(id: String, description: String, condition: Condition) {
        self.id = id; self.description = description; self.condition = condition
    }
}

public enum Decision: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    // Declared in POLICY §3 precedence order: the first that blocks wins.
    case notCovered = "not-covered"
    case criteriaNotMet = "criteria-not-met"
    case superbill
    case hold
    case bill

    public var precedence: Int {
        switch self {
        case .notCovered: 0
        case .criteriaNotMet: 1
        case .superbill: 2
        case .hold: 3
        case .bill: 4
        }
    }
    public static func < (lhs: Decision, rhs: Decision) -> Bool { lhs.precedence < rhs.precedence }
}

public struct Rule: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Selected lines are `not-covered`.
        case notCovered
        /// Selected lines are `criteria-not-met` unless every requirement holds.
        case criteria([Requirement])
        /// Selected lines need an approved prior authorization for their service.
        case priorAuthorization
        /// When `when` holds for the encounter, selected lines get `decision` (IV ketamine → superbill);
        /// `superbillPurpose` says what the superbill of such a line is (nil: decided by the network).
        case route(Decision, warnBalanceDue: Bool, superbillPurpose: SuperbillPurpose? = nil)
        /// Selected lines are `hold` when `when` holds (a payer that does not accept a code).
        case hold
        /// Selected codes are `hold` outside their validity dates in the code table.
        case codeValidity
        /// More than one line among the selected codes on one encounter: all of them `hold`.
        case mutuallyExclusive
        /// Add-on codes among the selected lines need a line of `primary` on the same encounter.
        case addOnRequiresPrimary(primary: LineSelector)
        /// Selected lines need one of `modifiers` when `when` holds for the encounter.
        case modifierRequired([String])
        /// The units of each selected code on the encounter (one date of service) add up to at most `maximum`.
        case maxUnits(Decimal)
        /// POLICY §5.1: when a line that would bill is `hold`, every selected line that would bill is
        /// `hold` too (decided after every other rule), naming the line it waits for.
        case oneClaimPerEncounter
        /// Selected drug lines need a known NDC whose billing units match the line's units.
        case ndcRequired
        /// Lines that would bill are `hold` past `days` after the date of service; a warning `warningDays` before.
        case timelyFiling(days: Int, warningDays: Int)
        /// POLICY §5.3 (Medicare): selected lines that would be `superbill` or `not-covered` follow the
        /// patient's ABN signed on or before the date of service — option 1 `bill` with `modifier` (GA),
        /// option 2 `superbill` (a receipt), option 3 an input error; without one `hold`.
        case abn(modifier: String)
        /// POLICY §5.4 (Medicaid): selected lines that would be `not-covered` are `superbill` (a receipt)
        /// with a private-pay agreement signed on or before the date of service, otherwise stay
        /// `not-covered` saying the patient cannot be charged; `warnPaymentsOnCovered`: payments on an
        /// encounter whose lines all bill are a warning to refund.
        case privatePay(warnPaymentsOnCovered: Bool)
    }

    /// Id within its file (`spravato/prior-auth`); `qualifiedId` adds the file's slug.
    public var id: String
    public var payer: PayerSlug
    public var kind: Kind
    public var lines: LineSelector
    /// The dates of service the rule is in force.
    public var effective: DateWindow
    /// An extra condition on the encounter; nil = always.
    public var when: Condition?
    /// The reason shown to the billing office; nil = a message built from the rule.
    public var message: String?
    /// Where the rule stands in its file (for diagnostics).
    public var sourceLine: Int

    public init(id: String, payer: PayerSlug, kind: Kind, lines: LineSelector = .all, effective: DateWindow = .always,
                when: Condition? = nil, message: String? = nil, sourceLine: Int = 0) {
        self.id = id; self.payer = payer; self.kind = kind; self.lines = lines; self.effective = effective
        self.when = when; self.message = message; self.sourceLine = sourceLine
    }

    public var qualifiedId: String { "\(payer)/\(id)" }
}
