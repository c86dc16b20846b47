import ClaimsCore

/// Why an encounter (or the clinic profile, the payer file, the envelope) cannot become an 837P.
/// Names the encounter and the field as the input calls it, so the billing office can fix the
/// source record: `encounter ENC-0001: patient.lastName: contains '*', an X12 separator; …`.
public struct Claim837PError: Error, Sendable, Hashable, CustomStringConvertible {
    /// nil when the problem is not one encounter's (clinic profile, payer file, envelope).
    public var encounterId: String?
    /// Input path: `patient.lastName`, `services[1].modifiers[0]` (0-based like the JSON),
    /// `clinic.billingProvider.address.zip`, `payer.claimFilingIndicator`, `envelope.creationTime`.
    public var field: String
    public var message: String

    public init(encounterId: String?, field: String, message: String) {
        self.encounterId = encounterId; self.field = field; self.message = message
    }

    public var description: String {
        (encounterId.map { "encounter \($0): " } ?? "") + "\(field): \(message)"
    }

    /// The same problem as a ClaimsCore input error (for `check`/`batch` reports).
    public var inputError: InputError { InputError(field: field, message: message) }
}
