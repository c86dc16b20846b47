
public struct Checklist: Sendable, Hashable, Encodable {
    public var asOf: LocalDate
    public var items: [ChecklistItem]
    /// Records of the file with input errors: not checked.
    public var rejected: [ChecklistRejection]

    public init(asOf: LocalDate, items: [ChecklistItem], rejected: [ChecklistRejection] = []) {
        self.asOf = asOf; self.items = items; self.rejected = rejected
    }
}

public struct ChecklistItem: Sendable, Hashable, Encodable {
    public var patient: String
    public var payer: PayerSlug
    public var payerName: String
    public var service: ServiceName
    /// The scheduled dates of this patient × payer × service in the file.
    public var dates: [LocalDate]
    public var encounters: [String]
    public var priorAuth: ChecklistPriorAuth
    public var requirements: [ChecklistRequirement]
    /// What the patient must sign before being charged (POLICY §5.3–§5.4); an addition to CONTRACT §4.
    public var patientDocuments: [ChecklistDocument]
    public var warnings: [ChecklistWarning]
    /// Plain sentences for the front desk, most urgent first.
    public var nextSteps: [String]
    public var ready: Bool
    /// The stored eligibility answer for the scheduled dates (CONTRACT §7).
    public var eligibility: EligibilitySummary = .unknown
}

public struct ChecklistRequirement: Sendable, Hashable, Encodable {
    public var id: String
    public var description: String
    public var status: ConditionOutcome.State
    /// Why it is not met (nil when met).
    public var explanation: String?
    /// The qualified rule it comes from (`bcbs-il/spravato/criteria`).
    public var rule: String
    public var met: Bool { status == .met }

    public init(id: String, description: String, status: ConditionOutcome.State, explanation: String?, rule: String) {
        self.id = id; self.description = description; self.status = status; self.explanation = explanation; self.rule = rule
    }

    private enum CodingKeys: String, CodingKey { case id, description, met, status, explanation, rule }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(description, forKey: .description)
        try container.encode(met, forKey: .met)
        try container.encode(status, forKey: .status)
        try container.encode(explanation, forKey: .explanation)
        try container.encode(rule, forKey: .rule)
    }
}

public struct ChecklistPriorAuth: Sendable, Hashable, Encodable {
    public var required: Bool
    /// A stored status, `expired`, `exhausted`, `missing` (none on file) or `not-required`.
    public var status: String
    /// The authorization shown (the one that covers the date, or the most relevant one).
    public var authorization: PriorAuthorization?
    /// Why the scheduled dates are not covered (nil when they are, or when none is required).
    public var message: String?

    public static let notRequired = ChecklistPriorAuth(required: false, status: "not-required", authorization: nil, message: nil)

    public var authNumber: String? { authorization?.authNumber }
    public var unitsRemaining: Int? { authorization?.unitsRemaining }
    public var end: LocalDate? { authorization?.end }

    private enum CodingKeys: String, CodingKey {
        case required, status, authNumber, unitsRemaining, end, id, start, units, unitsUsed, submittedOn, message
    }
    /// Every key is written, null when unknown, as CONTRACT §4 shows.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(required, forKey: .required)
        try container.encode(status, forKey: .status)
        try container.encode(authNumber, forKey: .authNumber)
        try container.encode(unitsRemaining, forKey: .unitsRemaining)
        try container.encode(end?.iso, forKey: .end)
        try container.encode(authorization?.id, forKey: .id)
        try container.encode(authorization?.start?.iso, forKey: .start)
        try container.encode(authorization?.units, forKey: .units)
        try container.encode(authorization?.unitsUsed, forKey: .unitsUsed)
        try container.encode(authorization?.submittedOn?.iso, forKey: .submittedOn)
        try container.encode(message, forKey: .message)
    }
}

public struct ChecklistWarning: Sendable, Hashable, Encodable {
    /// `ends-soon`, `units-short`, `decision-overdue`, `past-date`.
    public var code: String
    public var message: String
    public init(code: String, message: String) { self.code = code; self.message = message }
}

public struct ChecklistRejection: Sendable, Hashable, Encodable {
    /// The id as written (may be empty or invalid).
    public var encounter: String
    public var record: Int
    public var line: Int
    public var errors: [InputError]
    public init(encounter: String, record: Int, line: Int, errors: [InputError]) {
        self.encounter = encounter; self.record = record; self.line = line; self.errors = errors
    }
}

// MARK: - Text layout for people

extension Checklist {
    /// Grouped by first scheduled date and patient; ✓ met, ✗ not met, ? missing from the chart.
    public func text() -> String {
        var lines = ["Pre-authorization checklist as of \(asOf.iso)"]
        let readyCount = items.filter(\.ready).count
        var summary = "\(items.count) item\(items.count == 1 ? "" : "s"): \(readyCount) ready, \(items.count - readyCount) not ready"
        if !rejected.isEmpty { summary += "; \(rejected.count) encounter\(rejected.count == 1 ? "" : "s") with input errors" }
        lines.append(summary)
        var heading: (LocalDate?, String)? = nil
        for item in items {
            let date = item.dates.first
            if heading == nil || heading! != (date, item.patient) {
                lines.append("")
                lines.append("\(date?.iso ?? "no date")  \(item.patient)")
                heading = (date, item.patient)
            }
            lines.append("  \(item.ready ? "✓" : "✗") \(item.service) · \(item.payerName) (\(item.payer)) — \(item.ready ? "READY" : "NOT READY")")
            if item.dates.count > 1 { lines.append("      dates: \(item.dates.map(\.iso).joined(separator: ", "))") }
            for requirement in item.requirements {
                let mark = switch requirement.status {
                case .met: "✓"
                case .notMet: "✗"
                case .missing: "?"
                }
                let why = requirement.explanation.map { " — \($0)" } ?? ""
                lines.append("      \(mark) \(requirement.description)\(requirement.id == "not-covered" ? "" : why)")
            }
            lines.append("      prior auth: \(Self.describe(item.priorAuth))")
            if item.eligibility.status != .unknown { lines.append("      eligibility: \(item.eligibility.text)") }
            for document in item.patientDocuments {
                let state = document.kind == ChecklistDocument.estimateKind
                    ? (document.onFile ? "given \(document.signed?.iso ?? "?") (on file)" : "NOT given (none on file)")
                    : document.onFile ? "on file, signed \(document.signed?.iso ?? "?")" + (document.option.map { ", option \($0)" } ?? "") : "NOT on file"
                lines.append("      \(document.satisfied ? "✓" : "✗") \(document.description) for \(document.codes.joined(separator: ", ")): \(state)")
            }
            for warning in item.warnings { lines.append("      ! \(warning.message)") }
            for step in item.nextSteps { lines.append("      → \(step)") }
        }
        if !rejected.isEmpty {
            lines.append("")
            lines.append("Encounters with input errors (not checked)")
            for rejection in rejected {
                let name = rejection.encounter.isEmpty ? "(no id)" : rejection.encounter
                lines.append("  \(name) (record \(rejection.record), line \(rejection.line))")
                for error in rejection.errors { lines.append("      ✗ \(error.field): \(error.message)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ priorAuth: ChecklistPriorAuth) -> String {
        guard priorAuth.required else { return "not required" }
        guard let auth = priorAuth.authorization else { return "required; none on file" }
        var parts = ["required; \(priorAuth.status)"]
        parts.append("authorization \(auth.id.map(String.init) ?? "?")" + (auth.authNumber.map { " #\($0)" } ?? ""))
        if auth.start != nil || auth.end != nil { parts.append("\(auth.start?.iso ?? "…") – \(auth.end?.iso ?? "…")") }
        if let units = auth.units {
            parts.append("\(auth.unitsRemaining ?? 0) of \(units) units left")
        } else if auth.status == .approved {
            parts.append("units unlimited")
        }
        return parts.joined(separator: ", ")
    }
}
