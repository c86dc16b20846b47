import Foundation

/// A problem with one encounter's input: the encounter is rejected and not billed.
public struct InputError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// JSON path of the field (`services[2].charge`), or `json` for a syntax error.
    public var field: String
    public var message: String
    /// Input text quoted in a message may hold anything: control characters are made visible and
    /// overlong text cut here, once, so no report, terminal or HTML page ever gets them raw.
    public init(field: String, message: String) {
        self.field = VisibleText.bounded(field, limit: 200)
        self.message = VisibleText.bounded(message, limit: 1_000)
    }
    public var description: String { "\(field): \(message)" }
}

public struct Reason: Sendable, Hashable, Codable {
    /// Qualified rule id: `bcbs-il/spravato/prior-auth`.
    public var rule: String
    public var message: String
    public init(rule: String, message: String) { self.rule = rule; self.message = message }
}

public struct Warning: Sendable, Hashable, Codable {
    public var rule: String
    public var message: String
    public init(rule: String, message: String) { self.rule = rule; self.message = message }
}

public struct LineDecision: Sendable, Hashable {
    /// 1-based line number within the encounter.
    public var line: Int
    public var code: String
    public var service: ServiceName
    public var decision: Decision
    public var reasons: [Reason]
    /// Modifiers the rules add to a billed line (GA after an ABN, POLICY §5.3); the claim carries the
    /// line's own modifiers followed by these.
    public var addedModifiers: [String]
    /// For a `superbill` line, what its superbill is (a receipt, investigational, not covered), as the
    /// deciding rule says; nil: the clinic's network decides (out-of-network reimbursement request, or
    /// not covered by an in-network plan).
    public var superbillPurpose: SuperbillPurpose?
    public init(line: Int, code: String, service: ServiceName, decision: Decision, reasons: [Reason], addedModifiers: [String] = [],
                superbillPurpose: SuperbillPurpose? = nil) {
        self.line = line; self.code = code; self.service = service; self.decision = decision; self.reasons = reasons
        self.addedModifiers = addedModifiers; self.superbillPurpose = superbillPurpose
    }
}

/// What a superbill is for, which decides its wording (POLICY §5.3–§5.4, docs/superbills.md). Declared
/// in the order one purpose outranks another when an encounter's lines differ.
public enum SuperbillPurpose: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The patient pays and no plan is billed: no insurance, Medicare ABN option 2, Medicaid private pay.
    case receipt
    /// Off-label or investigational (IV ketamine, a stellate ganglion block without CRPS).
    case investigational
    /// A service the patient's plan does not cover.
    case notCovered = "not-covered"
    /// An itemized statement the patient sends to an out-of-network plan for reimbursement.
    case outOfNetwork = "out-of-network"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A document the patient must sign before a line may be charged to them (POLICY §5.3–§5.4): where a
/// rule of kind `abn` or `private-pay` looked for one, and what it found.
public struct AgreementNeed: Sendable, Hashable {
    /// 1-based line number within the encounter.
    public var line: Int
    public var kind: PatientAgreement.Kind
    /// The qualified rule that asks for it.
    public var rule: String
    /// The agreement signed on or before the date of service that covers the line; nil = none on file.
    public var onFile: PatientAgreement?
    public init(line: Int, kind: PatientAgreement.Kind, rule: String, onFile: PatientAgreement?) {
        self.line = line; self.kind = kind; self.rule = rule; self.onFile = onFile
    }
}

/// The authorization a billed encounter used, per service.
public struct AuthorizationUse: Sendable, Hashable {
    public var authorizationId: Int64
    public var authNumber: String?
    public var service: ServiceName
    public init(authorizationId: Int64, authNumber: String?, service: ServiceName) {
        self.authorizationId = authorizationId; self.authNumber = authNumber; self.service = service
    }
}

/// The outcome for one encounter record of an input file.
public struct EncounterEvaluation: Sendable, Hashable {
    /// The id from the input (may be empty or invalid when the record is rejected).
    public var encounterId: String
    /// 1-based position of the record in the input and the line where it starts.
    public var recordOrdinal: Int
    public var sourceLine: Int
    /// The validated encounter; nil when the record was rejected.
    public var encounter: Encounter?
    public var payer: PayerSlug?
    public var errors: [InputError]
    public var warnings: [Warning]
    public var lines: [LineDecision]
    /// Authorizations the `bill` lines use (one unit each per encounter and service).
    public var authorizationUses: [AuthorizationUse]

    public init(encounterId: String, recordOrdinal: Int = 0, sourceLine: Int = 0, encounter: Encounter? = nil,
                payer: PayerSlug? = nil, errors: [InputError] = [], warnings: [Warning] = [], lines: [LineDecision] = [],
                authorizationUses: [AuthorizationUse] = []) {
        self.encounterId = encounterId; self.recordOrdinal = recordOrdinal; self.sourceLine = sourceLine
        self.encounter = encounter; self.payer = payer; self.errors = errors; self.warnings = warnings
        self.lines = lines; self.authorizationUses = authorizationUses
    }

    public var isRejected: Bool { !errors.isEmpty }

    /// The service lines (with their input) that got `decision`, carrying the modifiers the rules added.
    public func serviceLines(with decision: Decision) -> [(index: Int, line: ServiceLine)] {
        selectedLines(with: decision) { ($0, $1) }
    }

    /// `serviceLines(with:)` without the line numbers (`serviceLines(with:).map(\.line)` in one array).
    public func lines(with decision: Decision) -> [ServiceLine] {
        selectedLines(with: decision) { $1 }
    }

    /// Each service line that got `decision` (its number and the line with the rules' modifiers), as
    /// `make` makes it. By index, not `filter` then `map`: filtering copied each decision (and retained
    /// its strings); room for every line reserved at once (grown from empty, the array was reallocated
    /// for the first, second and third line), and a line without added modifiers copied once.
    @inline(__always)
    private func selectedLines<Selected>(with decision: Decision, _ make: (Int, ServiceLine) -> Selected) -> [Selected] {
        guard let encounter else { return [] }
        var selected: [Selected] = []
        selected.reserveCapacity(lines.count)
        for position in lines.indices where lines[position].decision == decision {
            let number = lines[position].line
            if lines[position].addedModifiers.isEmpty {
                selected.append(make(number, encounter.services[number - 1]))
                continue
            }
            var line = encounter.services[number - 1]
            line.modifiers += lines[position].addedModifiers.filter { !line.modifiers.contains($0) }
            selected.append(make(number, line))
        }
        return selected
    }

    /// The authorization number to report on the claim (REF*G1, FHIR preAuthRef), if any.
    public var billedAuthNumber: String? {
        authorizationUses.compactMap(\.authNumber).first
    }
}

/// Units of a code that another encounter of the same patient bills on the same date of service:
/// earlier in the same run, or on a claim an earlier run recorded. The `max-units` rule counts them
/// with the encounter's own units (POLICY §5.2: the limit is per date of service, not per encounter).
public struct BilledUnits: Sendable, Hashable {
    public var encounterId: String
    public var code: String
    public var units: Decimal
    /// On a claim an earlier run recorded (not earlier in this run).
    public var earlierRun: Bool
    public init(encounterId: String, code: String, units: Decimal, earlierRun: Bool) {
        self.encounterId = encounterId; self.code = code; self.units = units; self.earlierRun = earlierRun
    }
}
