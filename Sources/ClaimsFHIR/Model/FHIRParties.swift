import ClaimsCore

/// The resources a claim or a prior-authorization request refers to, built from the encounter,
/// the clinic profile and the payer files: Patient, Coverage (with a RelatedPerson subscriber for a
/// dependent), the billing Organization, the insurer Organization and the rendering Practitioner.
/// Ids are deterministic (`FHIRResourceId`), so one patient or payer is one resource in every Bundle.
public struct FHIRParties: Sendable {
    public struct CoverageResources: Sendable {
        public let coverage: FHIRResource
        public let insurer: FHIRResource
        /// The policy holder when the patient is a dependent.
        public let subscriber: FHIRResource?
        public let payer: PayerSlug
    }

    public let patient: FHIRResource
    public let billingProvider: FHIRResource
    public let practitioner: FHIRResource
    /// Primary first, then `secondaryCoverage` (order 1 and 2).
    public let coverages: [CoverageResources]

    /// Every resource once, in the order a Bundle lists them.
    public var resources: [FHIRResource] {
        // A handful of resources: a linear look for a repeated id costs less than hashing them.
        var list: [FHIRResource] = []
        list.reserveCapacity(3 + 3 * coverages.count)
        func add(_ resource: FHIRResource) {
            if !list.contains(where: { $0.id == resource.id }) { list.append(resource) }
        }
        add(patient)
        for coverage in coverages {
            if let subscriber = coverage.subscriber { add(subscriber) }
            add(coverage.coverage)
        }
        add(billingProvider)
        add(practitioner)
        for coverage in coverages { add(coverage.insurer) }
        return list
    }

    /// - Parameters:
    ///   - payerNamed: the rules of a payer slug (for the insurer's name and payer id); nil = unknown.
    ///   - organizations: the billing and insurer Organizations built already (a writer builds them
    ///     once for all its claims); what it lacks is built here.
    public init(encounter: Encounter, clinic: ClinicProfile, payerNamed: (PayerSlug) -> PayerRules?,
                organizations: FHIROrganizations? = nil) {
        let patient = Self.patient(encounter.patient)
        self.patient = patient
        billingProvider = organizations?.billing ?? Self.billingOrganization(clinic.billingProvider)
        practitioner = Self.practitioner(encounter.renderingProvider)
        let plans = [encounter.coverage, encounter.secondaryCoverage].compactMap { $0 }
        coverages = plans.enumerated().map { offset, plan in
            let insurer = organizations?.insurers[plan.payer] ?? Self.insurer(plan.payer, rules: payerNamed(plan.payer))
            let subscriber = plan.relationship == .`self` ? nil : plan.subscriber.map { Self.relatedPerson($0, of: patient, plan: plan) }
            let coverage = Self.coverage(plan, order: offset + 1, patient: patient, subscriber: subscriber, insurer: insurer)
            return CoverageResources(coverage: coverage, insurer: insurer, subscriber: subscriber, payer: plan.payer)
        }
    }

    static func patient(_ patient: Patient) -> FHIRResource {
        FHIRResource(deferred: "Patient", id: FHIRResourceId.uuid("Patient|\(patient.id)")) {
            $0.identifier(type: ("MR", "Medical record number"), value: patient.id)
            person(patient.person, into: &$0)
        }
    }

    /// name, telecom, gender, birthDate, address (the order Patient and RelatedPerson share).
    private static func person(_ person: Person, into node: inout FHIRNode) {
        node.node("name", repeats: true) {
            $0.string("family", FHIRText.clean(person.lastName))
            $0.string("given", FHIRText.clean(person.firstName), repeats: true)
            $0.string("given", person.middleName.flatMap(FHIRText.clean), repeats: true)
        }
        if let phone = person.phone.flatMap(FHIRText.clean) {
            node.node("telecom", repeats: true) { $0.string("system", "phone"); $0.string("value", phone) }
        }
        node.string("gender", person.sex == .female ? "female" : person.sex == .male ? "male" : "unknown")
        node.string("birthDate", person.dateOfBirth.iso)
        address(person.address, into: &node)
    }

    private static func address(_ address: Address, into node: inout FHIRNode) {
        node.node("address", repeats: true) {
            $0.string("line", FHIRText.clean(address.line1), repeats: true)
            $0.string("line", address.line2.flatMap(FHIRText.clean), repeats: true)
            $0.string("city", FHIRText.clean(address.city))
            $0.string("state", FHIRText.clean(address.state))
            $0.string("postalCode", address.zip.count == 9 ? "\(address.zip.prefix(5))-\(address.zip.suffix(4))" : address.zip)
            $0.string("country", "US")
        }
    }

    static func relatedPerson(_ subscriber: Person, of patient: FHIRResource, plan: Coverage) -> FHIRResource {
        FHIRResource(deferred: "RelatedPerson", id: FHIRResourceId.uuid("RelatedPerson|\(patient.id)|\(plan.payer)|\(plan.memberId)")) {
            $0.reference("patient", to: patient)
            $0.concept("relationship", repeats: true, FHIRCodeSystem.relatedPersonRole, "POLHOLD", display: "policy holder")
            person(subscriber, into: &$0)
        }
    }

    static func coverage(_ plan: Coverage, order: Int, patient: FHIRResource, subscriber: FHIRResource?,
                         insurer: FHIRResource) -> FHIRResource {
        let member = FHIRText.clean(plan.memberId)
        return FHIRResource(deferred: "Coverage", id: FHIRResourceId.uuid("Coverage|\(patient.id)|\(plan.payer)|\(plan.memberId)")) {
            if let member { $0.identifier(type: ("MB", "Member Number"), value: member) }
            $0.string("status", "active")
            $0.reference("subscriber", to: subscriber ?? patient)
            $0.string("subscriberId", member)
            $0.reference("beneficiary", to: patient)
            $0.concept("relationship", FHIRCodeSystem.subscriberRelationship, plan.relationship.rawValue)
            $0.reference("payor", repeats: true, to: insurer)
            if let group = plan.groupNumber.flatMap(FHIRText.clean) {
                $0.node("class", repeats: true) {
                    $0.concept("type", FHIRCodeSystem.coverageClass, "group", display: "Group")
                    $0.string("value", group)
                }
            }
            $0.integer("order", order)
        }
    }

    static func billingOrganization(_ provider: ClinicProfile.BillingProvider) -> FHIRResource {
        FHIRResource("Organization", id: FHIRResourceId.uuid("Organization|npi|\(provider.npi)")) {
            $0.identifier(system: FHIRCodeSystem.npi, value: provider.npi)
            $0.identifier(type: ("TAX", "Tax ID number"), system: FHIRCodeSystem.taxId, value: provider.taxId)
            $0.boolean("active", true)
            $0.concept("type", repeats: true, FHIRCodeSystem.organizationType, "prov", display: "Healthcare Provider")
            $0.string("name", FHIRText.clean(provider.name))
            if let phone = provider.phone.flatMap(FHIRText.clean) {
                $0.node("telecom", repeats: true) { $0.string("system", "phone"); $0.string("value", phone) }
            }
            address(provider.address, into: &$0)
        }
    }

    static func insurer(_ slug: PayerSlug, rules: PayerRules?) -> FHIRResource {
        FHIRResource("Organization", id: FHIRResourceId.uuid("Organization|payer|\(slug)")) {
            if let payerId = rules?.payerId.flatMap(FHIRText.clean) {
                $0.identifier(type: ("NIIP", "National Insurance Payor Identifier (Payor)"), system: FHIRCodeSystem.payerId, value: payerId)
            }
            $0.boolean("active", true)
            $0.concept("type", repeats: true, FHIRCodeSystem.organizationType, "pay", display: "Payer")
            $0.string("name", rules.flatMap { FHIRText.clean($0.name) } ?? slug)
        }
    }

    static func practitioner(_ provider: RenderingProvider) -> FHIRResource {
        FHIRResource(deferred: "Practitioner", id: FHIRResourceId.uuid("Practitioner|npi|\(provider.npi)")) {
            $0.identifier(system: FHIRCodeSystem.npi, value: provider.npi)
            $0.node("name", repeats: true) {
                $0.string("family", FHIRText.clean(provider.lastName))
                $0.string("given", FHIRText.clean(provider.firstName), repeats: true)
            }
            if let taxonomy = provider.taxonomy.flatMap(FHIRText.clean) {
                $0.node("qualification", repeats: true) { $0.concept("code", FHIRCodeSystem.providerTaxonomy, taxonomy) }
            }
        }
    }
}

/// The Organizations that come from the clinic profile and the payer files alone: the same for every
/// claim a writer drafts, so it builds them once.
public struct FHIROrganizations: Sendable {
    public let billing: FHIRResource
    public let insurers: [PayerSlug: FHIRResource]

    public init(clinic: ClinicProfile, payers: [PayerSlug: PayerRules]) {
        billing = FHIRParties.billingOrganization(clinic.billingProvider)
        insurers = payers.mapValues { FHIRParties.insurer($0.slug, rules: $0) }
    }
}
