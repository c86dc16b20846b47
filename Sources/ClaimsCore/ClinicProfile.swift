/// The clinic profile (`clinic.yaml`): who bills, who submits, who receives, and who may change rules.
public struct ClinicProfile: Sendable, Hashable, Codable, CustomReflectable {
    public struct BillingProvider: Sendable, Hashable, Codable {
        public var name: String
        public var npi: String
        /// Employer identification number, 9 digits, no hyphen.
        public var taxId: String
        public var taxonomy: String
        /// ZIP must have 9 digits (ZIP+4) for 2010AA.
        public var address: Address
        public var phone: String?
        public init(name: String, npi: String, taxId: String, taxonomy: String, address: Address, phone: String? = nil) {
            self.name = name; self.npi = npi; self.taxId = taxId; self.taxonomy = taxonomy; self.address = address; self.phone = phone
        }
    }
    public struct Submitter: Sendable, Hashable, Codable {
        public var name: String
        /// 1000A NM109 (the submitter id the clearinghouse assigned).
        public var id: String
        public var contactName: String
        public var phone: String
        public var email: String?
        public init(name: String, id: String, contactName: String, phone: String, email: String? = nil) {
            self.name = name; self.id = id; self.contactName = contactName; self.phone = phone; self.email = email
        }
    }
    public struct Receiver: Sendable, Hashable, Codable {
        public var name: String
        /// 1000B NM109.
        public var id: String
        public init(name: String, id: String) { self.name = name; self.id = id }
    }
    public struct Interchange: Sendable, Hashable, Codable {
        /// ISA05/ISA06 and ISA07/ISA08.
        public var senderQualifier: String
        public var senderId: String
        public var receiverQualifier: String
        public var receiverId: String
        /// GS02 / GS03.
        public var applicationSenderCode: String
        public var applicationReceiverCode: String
        /// ISA15: `T` test or `P` production.
        public var usage: String
        public init(senderQualifier: String = "ZZ", senderId: String, receiverQualifier: String = "ZZ", receiverId: String,
                    applicationSenderCode: String, applicationReceiverCode: String, usage: String = "T") {
            self.senderQualifier = senderQualifier; self.senderId = senderId; self.receiverQualifier = receiverQualifier
            self.receiverId = receiverId; self.applicationSenderCode = applicationSenderCode
            self.applicationReceiverCode = applicationReceiverCode; self.usage = usage
        }
    }

    /// A service site (CONTRACT §6 `locations`); encounters name it by `id`.
    public struct Location: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var address: Address
        /// The site's own NPI, when it has one (2310C NM109).
        public var npi: String?
        public init(id: String, name: String, address: Address, npi: String? = nil) {
            self.id = id; self.name = name; self.address = address; self.npi = npi
        }
    }
    /// A rendering provider the clinic employs (CONTRACT §6 `providers`), by NPI.
    public struct Provider: Sendable, Hashable, Codable {
        public var npi: String
        public var firstName: String
        public var lastName: String
        public var credentials: String?
        public var licenseNumber: String?
        public var licenseState: String?
        public init(npi: String, firstName: String, lastName: String, credentials: String? = nil,
                    licenseNumber: String? = nil, licenseState: String? = nil) {
            self.npi = npi; self.firstName = firstName; self.lastName = lastName; self.credentials = credentials
            self.licenseNumber = licenseNumber; self.licenseState = licenseState
        }
    }
    public enum NetworkStatus: String, Sendable, Hashable, Codable { case `in`, out }

    @inlinable public var billingProvider: BillingProvider {
        _read { yield storage.fields.billingProvider }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.billingProvider }
    }
    @inlinable public var submitter: Submitter {
        _read { yield storage.fields.submitter }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.submitter }
    }
    @inlinable public var receiver: Receiver {
        _read { yield storage.fields.receiver }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.receiver }
    }
    @inlinable public var interchange: Interchange {
        _read { yield storage.fields.interchange }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.interchange }
    }
    /// Names allowed to run `claims payers apply` / `rollback`.
    @inlinable public var admins: [String] {
        _read { yield storage.fields.admins }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.admins }
    }
    /// Printed on superbills for out-of-network submission.
    @inlinable public var superbillStatement: String? {
        _read { yield storage.fields.superbillStatement }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.superbillStatement }
    }
    @inlinable public var locations: [Location] {
        _read { yield storage.fields.locations }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.locations }
    }
    @inlinable public var providers: [Provider] {
        _read { yield storage.fields.providers }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.providers }
    }
    /// Payer slug → network status; a payer not listed is out of network.
    @inlinable public var network: [String: NetworkStatus] {
        _read { yield storage.fields.network }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.network }
    }
    /// A stored eligibility answer older than this many days is a warning (docs/eligibility.md).
    @inlinable public var eligibilityMaxAgeDays: Int {
        _read { yield storage.fields.eligibilityMaxAgeDays }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.eligibilityMaxAgeDays }
    }

    /// The stored fields, behind one reference copies share (`SharedFields`); `Codable` as the plain struct was.
    @usableFromInline
    struct Fields: Sendable, Hashable, Codable {
        @usableFromInline var billingProvider: BillingProvider
        @usableFromInline var submitter: Submitter
        @usableFromInline var receiver: Receiver
        @usableFromInline var interchange: Interchange
        @usableFromInline var admins: [String]
        @usableFromInline var superbillStatement: String?
        @usableFromInline var locations: [Location]
        @usableFromInline var providers: [Provider]
        @usableFromInline var network: [String: NetworkStatus]
        @usableFromInline var eligibilityMaxAgeDays: Int
    }

    @usableFromInline var storage: SharedFields<Fields>

    public static func == (lhs: ClinicProfile, rhs: ClinicProfile) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    /// The fields, as a plain struct's would show (`dump`, `print`, test messages).
    public var customMirror: Mirror { Mirror(self, children: Mirror(reflecting: storage.fields).children, displayStyle: .struct) }

    /// The same keys, in the same order, as the plain struct's synthesized `Codable`.
    public init(from decoder: any Decoder) throws { storage = SharedFields(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }


    public init(billingProvider: BillingProvider, submitter: Submitter, receiver: Receiver, interchange: Interchange,
                admins: [String] = [], superbillStatement: String? = nil, locations: [Location] = [], providers: [Provider] = [],
                network: [String: NetworkStatus] = [:], eligibilityMaxAgeDays: Int = EligibilityBook.defaultMaxAgeDays) {
        storage = SharedFields(Fields(billingProvider: billingProvider, submitter: submitter, receiver: receiver, interchange: interchange, admins: admins, superbillStatement: superbillStatement, locations: locations, providers: providers, network: network, eligibilityMaxAgeDays: eligibilityMaxAgeDays))
    }

    public func location(_ id: String) -> Location? { locations.first { $0.id == id } }

    /// The service facility of an encounter at location `id` (2310C, FHIR `Claim.facility`): nil
    /// when the encounter names no location, or one at the billing provider's own address.
    public func serviceFacility(_ id: String?) -> Location? {
        guard let id, let site = location(id), site.address != billingProvider.address else { return nil }
        return site
    }
}
