/// The clinic profile (`clinic.yaml`): who bills, who submits, who receives, and who may change rules.
public struct ClinicProfile: Sendable, Hashable, Codable {
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

    public var billingProvider: BillingProvider
    public var submitter: Submitter
    public var receiver: Receiver
    public var interchange: Interchange
    /// Names allowed to run `claims payers apply` / `rollback`.
    public var admins: [String]
    /// Printed on superbills for out-of-network submission.
    public var superbillStatement: String?
    public var locations: [Location]
    public var providers: [Provider]
    /// Payer slug → network status; a payer not listed is out of network.
    public var network: [String: NetworkStatus]
    /// A stored eligibility answer older than this many days is a warning (docs/eligibility.md).
    public var eligibilityMaxAgeDays: Int

    public init(billingProvider: BillingProvider, submitter: Submitter, receiver: Receiver, interchange: Interchange,
                admins: [String] = [], superbillStatement: String? = nil, locations: [Location] = [], providers: [Provider] = [],
                network: [String: NetworkStatus] = [:], eligibilityMaxAgeDays: Int = EligibilityBook.defaultMaxAgeDays) {
        self.billingProvider = billingProvider; self.submitter = submitter; self.receiver = receiver
        self.interchange = interchange; self.admins = admins; self.superbillStatement = superbillStatement
        self.locations = locations; self.providers = providers; self.network = network
        self.eligibilityMaxAgeDays = eligibilityMaxAgeDays
    }

    public func location(_ id: String) -> Location? { locations.first { $0.id == id } }

    /// The service facility of an encounter at location `id` (2310C, FHIR `Claim.facility`): nil
    /// when the encounter names no location, or one at the billing provider's own address.
    public func serviceFacility(_ id: String?) -> Location? {
        guard let id, let site = location(id), site.address != billingProvider.address else { return nil }
        return site
    }
}
