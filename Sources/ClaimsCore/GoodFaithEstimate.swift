import Foundation

/// A Good Faith Estimate (No Surprises Act, 45 CFR 149.610) for one uninsured or self-pay patient:
/// every scheduled item the patient is expected to pay for, with its codes, diagnoses and expected
/// charge, and who provides it where. Built by `GoodFaithEstimateBuilder`; printed by
/// `EstimateRenderer` (ClaimsSuperbill); recorded in the store as an `EstimateOnFile`.
public struct GoodFaithEstimate: Sendable, Hashable {
    /// One expected item or service (one scheduled service line).
    public struct Item: Sendable, Hashable {
        public var encounterId: String
        /// 1-based line number in the scheduled encounter.
        public var line: Int
        public var dateOfService: LocalDate
        public var code: String
        public var modifiers: [String]
        /// Plain-language description from the code table (nil when it has none).
        public var description: String?
        public var service: ServiceName
        public var units: Decimal
        /// The expected charge: the line's charge (the clinic's self-pay price).
        public var charge: Decimal
        /// The diagnoses the line points at.
        public var diagnoses: [DiagnosisCode]
        /// The rendering clinician's NPI and name as the encounter gives them (see `providers`).
        public var providerNPI: String
        public var providerName: String
        /// The clinic profile location id, nil = the billing provider's address (see `sites`).
        public var location: String?
        /// Why the patient pays for it (the deciding rule's reason, or the document it waits for).
        public var basis: String
    }

    /// A provider represented in the estimate: the practice (the convening provider) or a clinician.
    public struct Provider: Sendable, Hashable {
        public var role: String
        public var name: String
        public var npi: String
        /// Taxpayer identification number; clinicians bill under the practice's.
        public var taxId: String
    }

    /// Where items are expected to be furnished.
    public struct Site: Sendable, Hashable {
        public var id: String?
        public var name: String
        public var address: Address
        public var npi: String?
    }

    /// `GFE-<patient id>-<YYYYMMDD of issue>`: the same patient on the same day gets the same number,
    /// so running the command again replaces that estimate instead of adding one.
    public var number: String
    /// The date of the estimate: the run's processing date (`--as-of`), never the clock.
    public var issued: LocalDate
    public var patient: Patient
    /// The primary item or service, in plain language (the first scheduled procedure's service).
    public var primaryService: String
    public var items: [Item]
    public var providers: [Provider]
    public var sites: [Site]

    public var total: Decimal { items.reduce(Decimal(0)) { $0 + $1.charge } }
    public var dates: [LocalDate] { Array(Set(items.map(\.dateOfService))).sorted() }
    /// Every diagnosis of the items, in order of first appearance.
    public var diagnoses: [DiagnosisCode] {
        var seen: Set<DiagnosisCode> = []
        return items.flatMap(\.diagnoses).filter { seen.insert($0).inserted }
    }

    /// What the store keeps of it (the batch compares later bills with it, the checklist shows it).
    public var onFile: EstimateOnFile {
        EstimateOnFile(number: number, patientId: patient.id, issued: issued, items: items.map {
            EstimateOnFile.Item(encounterId: $0.encounterId, dateOfService: $0.dateOfService, code: $0.code, units: $0.units, charge: $0.charge)
        })
    }

    /// The amount above the estimate from which the patient may start patient-provider dispute
    /// resolution (45 CFR 149.620: "substantially in excess" is at least $400 more).
    public static let disputeThreshold: Decimal = 400
}

/// A Good Faith Estimate as recorded in the store: its number, patient, issue date and items.
public struct EstimateOnFile: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var encounterId: String
        public var dateOfService: LocalDate
        public var code: String
        public var units: Decimal
        public var charge: Decimal
        public init(encounterId: String, dateOfService: LocalDate, code: String, units: Decimal, charge: Decimal) {
            self.encounterId = encounterId; self.dateOfService = dateOfService; self.code = code; self.units = units; self.charge = charge
        }
    }
    public var number: String
    public var patientId: String
    public var issued: LocalDate
    public var items: [Item]
    public init(number: String, patientId: String, issued: LocalDate, items: [Item]) {
        self.number = number; self.patientId = patientId; self.issued = issued; self.items = items
    }

    /// The rule id of the batch warning when a bill exceeds its estimate (docs/errors.md).
    public static let exceededRule = "estimate/exceeded"

    /// Of `estimates`, the latest issued one of `patientId` with items on `date` (ties: the higher number).
    public static func latest(_ estimates: [EstimateOnFile], patientId: String, date: LocalDate) -> EstimateOnFile? {
        estimates.filter { $0.patientId == patientId && $0.items.contains { $0.dateOfService == date } }
            .max { ($0.issued, $0.number) < ($1.issued, $1.number) }
    }

    /// The batch's warning (45 CFR 149.620) when the encounter's self-pay charges (its `superbill`
    /// lines) exceed the items the patient's latest estimate expected on that date by $400 or more.
    public static func excessWarning(_ evaluation: EncounterEvaluation, estimates: [EstimateOnFile]) -> Warning? {
        // Without an estimate there is nothing to exceed (and nothing to add up).
        guard !estimates.isEmpty, let encounter = evaluation.encounter else { return nil }
        let charged = evaluation.lines.filter { $0.decision == .superbill }
            .reduce(Decimal(0)) { $0 + encounter.services[$1.line - 1].charge }
        guard charged > 0, let estimate = latest(estimates, patientId: encounter.patient.id, date: encounter.dateOfService) else { return nil }
        let expected = estimate.items.filter { $0.dateOfService == encounter.dateOfService }.reduce(Decimal(0)) { $0 + $1.charge }
        let excess = charged - expected
        guard excess >= GoodFaithEstimate.disputeThreshold else { return nil }
        return Warning(rule: exceededRule, message:
            "self-pay charges of \(Money.format(charged)) on \(encounter.dateOfService.iso) exceed Good Faith Estimate \(estimate.number) "
            + "(issued \(estimate.issued.iso): \(Money.format(expected)) for that date) by \(Money.format(excess)), $400 or more: "
            + "the patient may start patient-provider dispute resolution (45 CFR 149.620); charge no more than the estimate, "
            + "or give a new estimate before the service")
    }
}

/// Builds the Good Faith Estimates of a schedule: one per patient who is expected to pay for some
/// scheduled item (docs/patient-charges.md, "Good Faith Estimates"). Pure: the encounters, the
/// stored authorizations, the clinic profile and the processing date come in.
///
/// A scheduled line is an estimated item when, decided as `claims check` decides it, no claim for it
/// goes to a plan and the patient pays: its decision is `superbill` (no insurance; IV ketamine and
/// other off-label or investigational services; a Medicare ABN option 2; a Medicaid private-pay
/// agreement), or it only waits for the patient to sign an ABN or a private-pay agreement (45 CFR
/// 149.610(a)(2): an individual without benefits for the item, or who does not want a claim
/// submitted, is "uninsured (or self-pay)"). Lines billed to a plan — with GA after an ABN option 1
/// too — are not estimated.
public struct GoodFaithEstimateBuilder: Sendable {
    public var rules: RuleBook
    public var clinic: ClinicProfile

    public init(rules: RuleBook, clinic: ClinicProfile) { self.rules = rules; self.clinic = clinic }

    public func build(encounters: [Encounter], authorizations: [PriorAuthorization], asOf: LocalDate) -> [GoodFaithEstimate] {
        let evaluator = CoverageEvaluator(rules: rules)
        let ordered = encounters.sorted { ($0.dateOfService, $0.id) < ($1.dateOfService, $1.id) }
        var byPatient: [String: (patient: Patient, items: [GoodFaithEstimate.Item])] = [:]
        var order: [String] = []
        for encounter in ordered {
            let outcome = evaluator.evaluate(encounter, asOf: asOf, authorizations: authorizations)
            guard outcome.errors.isEmpty else { continue }
            let items = estimatedItems(encounter, outcome: outcome)
            guard !items.isEmpty else { continue }
            if byPatient[encounter.patient.id] == nil { order.append(encounter.patient.id) }
            byPatient[encounter.patient.id, default: (encounter.patient, [])].items += items
        }
        return order.map { id in
            let (patient, items) = byPatient[id]!
            return GoodFaithEstimate(number: Self.number(patientId: id, issued: asOf), issued: asOf, patient: patient,
                                     primaryService: primaryService(items), items: items,
                                     providers: providers(items), sites: sites(items))
        }
    }

    /// `GFE-PT-1008-20261120`.
    public static func number(patientId: String, issued: LocalDate) -> String {
        "GFE-\(patientId)-\(issued.iso.replacingOccurrences(of: "-", with: ""))"
    }

    /// The lines of a decided encounter the patient is expected to pay for, each with why (the
    /// builder's doc comment says which); the checklist asks for an estimate for the same lines.
    public static func selfPayLines(_ outcome: CoverageEvaluator.Outcome) -> [(line: LineDecision, basis: String)] {
        let awaiting = Dictionary(outcome.agreementNeeds.filter { $0.onFile == nil }.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        return outcome.lines.compactMap { decided -> (LineDecision, String)? in
            if decided.decision == .superbill { return (decided, decided.reasons.first?.message ?? "the patient pays") }
            if let need = awaiting[decided.line], decided.decision == .hold || decided.decision == .notCovered {
                return (decided, "not covered by the plan; the patient pays once the \(ChecklistDocument.title(need.kind)) is signed")
            }
            return nil
        }
    }

    private func estimatedItems(_ encounter: Encounter, outcome: CoverageEvaluator.Outcome) -> [GoodFaithEstimate.Item] {
        Self.selfPayLines(outcome).map { decided, basis in
            let line = encounter.services[decided.line - 1]
            return GoodFaithEstimate.Item(
                encounterId: encounter.id, line: decided.line, dateOfService: encounter.dateOfService, code: line.code,
                modifiers: line.modifiers, description: rules.codes.codes[line.code]?.description, service: decided.service,
                units: line.units, charge: line.charge,
                diagnoses: line.diagnosisPointers.compactMap { encounter.diagnoses.indices.contains($0 - 1) ? encounter.diagnoses[$0 - 1] : nil },
                providerNPI: encounter.renderingProvider.npi,
                providerName: "\(encounter.renderingProvider.firstName) \(encounter.renderingProvider.lastName)", location: encounter.location,
                basis: basis)
        }
    }

    /// The first procedure that is not a visit, else the first item: its service's description.
    private func primaryService(_ items: [GoodFaithEstimate.Item]) -> String {
        let primary = items.first { $0.service != "office-visit" } ?? items[0]
        let name = rules.codes.services[primary.service]?.description ?? primary.service
        let dates = Set(items.filter { $0.service == primary.service }.map(\.dateOfService)).count
        return dates > 1 ? "\(name) (\(dates) scheduled sessions)" : name
    }

    /// The practice first (it bills, under its NPI and TIN), then each clinician once.
    private func providers(_ items: [GoodFaithEstimate.Item]) -> [GoodFaithEstimate.Provider] {
        let billing = clinic.billingProvider
        var result = [GoodFaithEstimate.Provider(role: "Convening provider (practice)", name: billing.name, npi: billing.npi, taxId: billing.taxId)]
        var seen: Set<String> = []
        for item in items where seen.insert(item.providerNPI).inserted {
            let profile = clinic.providers.first { $0.npi == item.providerNPI }
            let name = profile.map { [$0.firstName, $0.lastName].joined(separator: " ") + ($0.credentials.map { ", \($0)" } ?? "") }
            result.append(GoodFaithEstimate.Provider(role: "Rendering clinician", name: name ?? item.providerName,
                                                     npi: item.providerNPI, taxId: billing.taxId))
        }
        return result
    }

    /// Each place the items are expected: a profile location, or the billing provider's address.
    private func sites(_ items: [GoodFaithEstimate.Item]) -> [GoodFaithEstimate.Site] {
        var seen: Set<String> = []
        return items.compactMap { item -> GoodFaithEstimate.Site? in
            guard seen.insert(item.location ?? "").inserted else { return nil }
            if let id = item.location, let site = clinic.location(id) {
                return GoodFaithEstimate.Site(id: id, name: site.name, address: site.address, npi: site.npi)
            }
            let billing = clinic.billingProvider
            return GoodFaithEstimate.Site(id: nil, name: billing.name, address: billing.address, npi: billing.npi)
        }
    }
}
