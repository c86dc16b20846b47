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

    public var encounter: Encounter
    /// The date printed as the statement date (injected, never the clock).
    public var statementDate: LocalDate
    /// The patient's insurer, when known (printed so the patient can submit for reimbursement).
    public var payerName: String?
    public var lines: [Line]
    public var diagnoses: [Diagnosis]

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
