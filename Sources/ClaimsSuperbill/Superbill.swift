import ClaimsCore
import Foundation

/// What one superbill states: the encounter's `superbill` lines, its diagnoses and payments, and the totals.
/// Built by `SuperbillRenderer.superbill(for:payerName:)`; rendered by `SuperbillRenderer.html(_:)`.
public struct Superbill: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        /// 1-based line number in the encounter input.
        public var inputLine: Int
        public var service: ServiceLine
        /// Plain-language description; nil when the code table has none.
        public var description: String?
    }

    public struct Diagnosis: Sendable, Hashable {
        /// 1-based position: the number service lines point at (printed as a letter, A–L, as on a CMS-1500).
        public var pointer: Int
        public var code: DiagnosisCode
        public var description: String?
        public var letter: String { Superbill.pointerLetter(pointer) }
    }

    /// The rendering provider as printed: from the clinic profile's `providers` when the encounter's
    /// rendering NPI is there (credentials, license), else as the encounter gives it (CONTRACT §6).
    public struct Provider: Sendable, Hashable {
        public var firstName: String
        public var lastName: String
        public var credentials: String?
        public var npi: String
        public var taxonomy: String?
        public var licenseNumber: String?
        public var licenseState: String?

        init(_ rendering: RenderingProvider, profile: ClinicProfile.Provider?) {
            firstName = profile?.firstName ?? rendering.firstName
            lastName = profile?.lastName ?? rendering.lastName
            credentials = profile?.credentials.flatMap { $0.isEmpty ? nil : $0 }
            npi = rendering.npi
            taxonomy = rendering.taxonomy
            licenseNumber = profile?.licenseNumber.flatMap { $0.isEmpty ? nil : $0 }
            licenseState = profile?.licenseState.flatMap { $0.isEmpty ? nil : $0 }
        }

        /// `Ravi Patel, MD` (the name alone without credentials).
        public var displayName: String {
            let name = "\(firstName) \(lastName)"
            return credentials.map { "\(name), \($0)" } ?? name
        }

        /// `036.123456 (IL)`; nil when the profile has no license number for this provider.
        public var license: String? {
            licenseNumber.map { number in licenseState.map { "\(number) (\($0))" } ?? number }
        }

        /// Under the signature line: `Ravi Patel, MD, NPI 1234567893, license 036.123456 (IL)`.
        public var signatureLine: String {
            "\(displayName), NPI \(npi)" + (license.map { ", license \($0)" } ?? "")
        }
    }

    public var encounter: Encounter
    public var provider: Provider
    /// Where the services were given, when that is not the billing provider's address (CONTRACT §6
    /// `locations`); nil: at the billing provider's address.
    public var serviceSite: ClinicProfile.Location?
    /// The date printed as the statement date (injected, never the clock).
    public var statementDate: LocalDate
    /// The patient's insurer, when known (printed so the patient can submit for reimbursement).
    public var payerName: String?
    public var lines: [Line]
    public var diagnoses: [Diagnosis]
    /// What the superbill is for (its wording): `SuperbillPurposeText.purpose(of:payer:clinic:)`.
    public var purpose: SuperbillPurpose = .outOfNetwork

    /// The superbill number: the encounter id, so a reprint carries the same number.
    public var number: String { encounter.id }
    public var payments: [Payment] { encounter.payments }
    public var totalCharges: Decimal { lines.reduce(Decimal(0)) { $0 + $1.service.charge } }
    public var totalPaid: Decimal { encounter.totalPayments }
    /// Total charges − payments; negative when the patient paid more than these lines (a credit).
    public var balanceDue: Decimal { totalCharges - totalPaid }
    public var isPaidInFull: Bool { balanceDue <= 0 }

    /// `1` → `A`, `12` → `L`.
    public static func pointerLetter(_ pointer: Int) -> String {
        guard (1...26).contains(pointer), let scalar = Unicode.Scalar(64 + pointer) else { return String(pointer) }
        return String(Character(scalar))
    }
}

/// Why no superbill was made for an encounter.
public struct SuperbillError: Error, Sendable, Hashable, CustomStringConvertible {
    public var encounterId: String
    public var message: String
    public init(encounterId: String, message: String) { self.encounterId = encounterId; self.message = message }
    public var description: String { "superbill for encounter \(encounterId): \(message)" }
}
