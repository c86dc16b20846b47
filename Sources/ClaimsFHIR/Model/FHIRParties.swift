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
        /// The insurer's `name` (what a reference to it displays), as the insurer resource has it.
        let insurerName: String
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
    ///   - practitioner: the rendering provider's Practitioner when the caller keeps one (a writer
    ///     keeps each provider's: `FHIRClaimWriter.Practitioners`); nil: built here.
    public init(encounter: Encounter, clinic: ClinicProfile, payerNamed: (PayerSlug) -> PayerRules?,
                organizations: FHIROrganizations? = nil, practitioner: FHIRResource? = nil) {
        let patient = Self.patient(of: encounter)
        self.patient = patient
        billingProvider = organizations?.billing ?? Self.billingOrganization(clinic.billingProvider)
        self.practitioner = practitioner ?? Self.practitioner(encounter.renderingProvider)
        // Primary, then secondary, each numbered by its place among those present (built straight
        // into one array: the list of plans and its enumeration were two more arrays a claim).
        var coverages: [CoverageResources] = []
        coverages.reserveCapacity(2)
        if let plan = encounter.coverage {
            coverages.append(Self.coverageResources(plan, order: 1, patient: patient, payerNamed: payerNamed, organizations: organizations))
        }
        if let plan = encounter.secondaryCoverage {
            coverages.append(Self.coverageResources(plan, order: coverages.count + 1, patient: patient, payerNamed: payerNamed,
                                                    organizations: organizations))
        }
        self.coverages = coverages
    }

    private static func coverageResources(_ plan: Coverage, order: Int, patient: FHIRResource, payerNamed: (PayerSlug) -> PayerRules?,
                                          organizations: FHIROrganizations?) -> CoverageResources {
        let insurer: FHIRResource, insurerName: String
        if let kept = organizations?.insurersAndNames[plan.payer] {
            (insurer, insurerName) = kept
        } else {
            let rules = payerNamed(plan.payer)
            (insurer, insurerName) = (Self.insurer(plan.payer, rules: rules), Self.insurerName(plan.payer, rules: rules))
        }
        let subscriber = plan.relationship == .`self` ? nil : plan.subscriber.map { Self.relatedPerson($0, of: patient, plan: plan) }
        let coverage = Self.coverage(plan, order: order, patient: patient, subscriber: subscriber, insurer: insurer)
        return CoverageResources(coverage: coverage, insurer: insurer, subscriber: subscriber, payer: plan.payer, insurerName: insurerName)
    }

    /// The encounter's Patient. Its description keeps the encounter (one shared reference) and reads
    /// the patient in place: a copy of the patient was a dozen strings retained and released a claim.
    static func patient(of encounter: Encounter) -> FHIRResource {
        FHIRResource(deferred: "Patient", id: FHIRResourceId.uuid("Patient|", encounter.patient.id)) {
            $0.node("identifier", repeats: true) {   // identifier(type: ("MR", …), value:), its type written once
                $0.fixed(Fragments.medicalRecordType)
                $0.string("value", encounter.patient.id)
            }
            person(encounter.patient.person, into: &$0)
        }
    }

    /// name, telecom, gender, birthDate, address (the order Patient and RelatedPerson share).
    private static func person(_ person: Person, into node: inout FHIRNode) {
        node.node("name", repeats: true) {
            $0.cleanString("family", person.lastName)
            $0.cleanString("given", person.firstName, repeats: true)
            $0.cleanString("given", person.middleName, repeats: true)
        }
        if let phone = person.phone.flatMap(FHIRText.clean) {
            node.node("telecom", repeats: true) { $0.fixed(Fragments.phoneSystem); $0.string("value", phone) }
        }
        node.fixed(person.sex == .female ? Fragments.female : person.sex == .male ? Fragments.male : Fragments.unknownGender)
        node.string("birthDate", person.dateOfBirth.iso)
        address(person.address, into: &node)
    }

    private static func address(_ address: Address, into node: inout FHIRNode) {
        node.node("address", repeats: true) {
            $0.cleanString("line", address.line1, repeats: true)
            $0.cleanString("line", address.line2, repeats: true)
            $0.cleanString("city", address.city)
            $0.cleanString("state", address.state)
            $0.string("postalCode", postalCode(address.zip))
            $0.fixed(Fragments.countryUS)
        }
    }

    /// ZIP+4 with its hyphen (`629011234` -> `62901-1234`), any other ZIP as given. Printable ASCII
    /// (every ZIP) is one Character a byte, so its bytes are counted and copied instead of its
    /// Characters (an interpolation of two substrings, ~1,500 instructions a claim).
    static func postalCode(_ zip: String) -> String {
        let ascii: String?? = zip.withUTF8Bytes { utf8 in
            for byte in utf8 where byte < 0x20 || byte >= 0x7F { return .none }
            guard utf8.count == 9 else { return .some(nil) }
            return .some(String(unsafeUninitializedCapacity: 10) { hyphenated in
                for index in 0..<9 { hyphenated[index < 5 ? index : index + 1] = utf8[index] }
                hyphenated[5] = UInt8(ascii: "-")
                return 10
            })
        }
        if let ascii { return ascii ?? zip }
        return zip.count == 9 ? "\(zip.prefix(5))-\(zip.suffix(4))" : zip
    }

    static func relatedPerson(_ subscriber: Person, of patient: FHIRResource, plan: Coverage) -> FHIRResource {
        FHIRResource(deferred: "RelatedPerson", id: FHIRResourceId.uuid("RelatedPerson|", patient.id, plan.payer, plan.memberId)) {
            $0.reference("patient", to: patient)
            $0.fixed(Fragments.policyHolder)
            person(subscriber, into: &$0)
        }
    }

    static func coverage(_ plan: Coverage, order: Int, patient: FHIRResource, subscriber: FHIRResource?,
                         insurer: FHIRResource) -> FHIRResource {
        let member = FHIRText.clean(plan.memberId)
        // What the description reads of the plan, taken out of it (the plan's strings are not kept).
        let relationship = plan.relationship, groupNumber = plan.groupNumber
        return FHIRResource(deferred: "Coverage", id: FHIRResourceId.uuid("Coverage|", patient.id, plan.payer, plan.memberId)) {
            if let member {
                $0.node("identifier", repeats: true) {   // identifier(type: ("MB", …), value:), its type written once
                    $0.fixed(Fragments.memberNumberType)
                    $0.string("value", member)
                }
            }
            $0.fixed(Fragments.statusActive)
            $0.reference("subscriber", to: subscriber ?? patient)
            $0.string("subscriberId", member)
            $0.reference("beneficiary", to: patient)
            $0.fixed(Fragments.subscriberRelationship(relationship))
            $0.reference("payor", repeats: true, to: insurer)
            if let group = groupNumber.flatMap(FHIRText.clean) {
                $0.node("class", repeats: true) {
                    $0.fixed(Fragments.groupClass)
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
            $0.string("name", insurerName(slug, rules: rules))
        }
    }

    /// The insurer Organization's `name`: the payer's name, or its slug when the payer is unknown.
    static func insurerName(_ slug: PayerSlug, rules: PayerRules?) -> String {
        rules.flatMap { FHIRText.clean($0.name) } ?? slug
    }

    /// - Parameter kept: its element tree built now (a writer keeps it for every claim of the provider)
    ///   rather than written from the description each time.
    static func practitioner(_ provider: RenderingProvider, kept: Bool = false) -> FHIRResource {
        let id = FHIRResourceId.uuid("Practitioner|npi|", provider.npi)
        let build: @Sendable (inout FHIRNode) -> Void = {
            $0.identifier(system: FHIRCodeSystem.npi, value: provider.npi)
            $0.node("name", repeats: true) {
                $0.string("family", FHIRText.clean(provider.lastName))
                $0.string("given", FHIRText.clean(provider.firstName), repeats: true)
            }
            if let taxonomy = provider.taxonomy.flatMap(FHIRText.clean) {
                $0.node("qualification", repeats: true) { $0.concept("code", FHIRCodeSystem.providerTaxonomy, taxonomy) }
            }
        }
        return kept ? FHIRResource("Practitioner", id: id, build: build) : FHIRResource(deferred: "Practitioner", id: id, build: build)
    }
}

/// The parties' constant elements, each written as one piece (`FHIRFragment`).
private enum Fragments {
    static let medicalRecordType = FHIRFragment {
        $0.concept("type", FHIRCodeSystem.identifierType, "MR", display: "Medical record number")
    }
    static let memberNumberType = FHIRFragment { $0.concept("type", FHIRCodeSystem.identifierType, "MB", display: "Member Number") }
    static let phoneSystem = FHIRFragment { $0.string("system", "phone") }
    static let female = FHIRFragment { $0.string("gender", "female") }
    static let male = FHIRFragment { $0.string("gender", "male") }
    static let unknownGender = FHIRFragment { $0.string("gender", "unknown") }
    static let countryUS = FHIRFragment { $0.string("country", "US") }
    static let policyHolder = FHIRFragment {
        $0.concept("relationship", repeats: true, FHIRCodeSystem.relatedPersonRole, "POLHOLD", display: "policy holder")
    }
    static let statusActive = FHIRFragment { $0.string("status", "active") }
    static let groupClass = FHIRFragment { $0.concept("type", FHIRCodeSystem.coverageClass, "group", display: "Group") }
    private static func relationship(_ relationship: Relationship) -> FHIRFragment {
        FHIRFragment { $0.concept("relationship", FHIRCodeSystem.subscriberRelationship, relationship.rawValue) }
    }
    private static let selfRelationship = relationship(.`self`), spouse = relationship(.spouse)
    private static let child = relationship(.child), other = relationship(.other)
    static func subscriberRelationship(_ relationship: Relationship) -> FHIRFragment {
        switch relationship {
        case .`self`: selfRelationship
        case .spouse: spouse
        case .child: child
        case .other: other
        }
    }
}

/// The Organizations that come from the clinic profile and the payer files alone: the same for every
/// claim a writer drafts, so it builds them once.
public struct FHIROrganizations: Sendable {
    public let billing: FHIRResource
    public let insurers: [PayerSlug: FHIRResource]
    /// Their names (a claim's insurance displays it; reading it from the resource cost ~2,000
    /// instructions a claim).
    let insurerNames: [PayerSlug: String]
    /// Each insurer with its name, found by one lookup (two cost ~350 instructions more a claim).
    let insurersAndNames: [PayerSlug: (resource: FHIRResource, name: String)]

    public init(clinic: ClinicProfile, payers: [PayerSlug: PayerRules]) {
        billing = FHIRParties.billingOrganization(clinic.billingProvider)
        insurers = payers.mapValues { FHIRParties.insurer($0.slug, rules: $0) }
        insurerNames = payers.mapValues { FHIRParties.insurerName($0.slug, rules: $0) }
        var insurersAndNames: [PayerSlug: (resource: FHIRResource, name: String)] = [:]
        for (slug, insurer) in insurers { insurersAndNames[slug] = (insurer, insurerNames[slug]!) }
        self.insurersAndNames = insurersAndNames
    }
}
