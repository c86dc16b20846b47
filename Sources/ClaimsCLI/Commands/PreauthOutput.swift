import ClaimsCore
import ClaimsStore
import Foundation

/// An authorization as `preauth list/show --format json` prints it: every field, nulls included.
struct AuthorizationJSON: Encodable {
    var authorization: PriorAuthorization
    var asOf: LocalDate

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        let auth = authorization
        try container.encode(auth.id, forKey: "id")
        try container.encode(auth.patientId, forKey: "patient")
        try container.encode(auth.payer, forKey: "payer")
        try container.encode(auth.service, forKey: "service")
        try container.encode(auth.status.rawValue, forKey: "status")
        try container.encode(auth.state(asOf: asOf).rawValue, forKey: "state")
        try container.encode(auth.authNumber, forKey: "authNumber")
        try container.encode(auth.units, forKey: "units")
        try container.encode(auth.unitsUsed, forKey: "unitsUsed")
        try container.encode(auth.unitsRemaining, forKey: "unitsRemaining")
        try container.encode(auth.start?.iso, forKey: "start")
        try container.encode(auth.end?.iso, forKey: "end")
        try container.encode(auth.note, forKey: "note")
        try container.encode(auth.submittedOn?.iso, forKey: "submittedOn")
    }
}

struct HistoryJSON: Encodable {
    var entry: AuthorizationHistoryEntry
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(StoreTimestamp.format(entry.at), forKey: "at")
        try container.encode(entry.by, forKey: "by")
        try container.encode(entry.action.rawValue, forKey: "action")
        try container.encode(entry.changes, forKey: "changes")
    }
}

struct UseJSON: Encodable {
    var use: AuthorizationUseRecord
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(use.encounterId, forKey: "encounter")
        try container.encode(use.dateOfService.iso, forKey: "dateOfService")
        try container.encode(StoreTimestamp.format(use.recordedAt), forKey: "recordedAt")
    }
}

struct AnyKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

/// Text layouts for people.
enum PreauthText {
    static func value(_ value: HistoryValue?) -> String { value.map { "\($0)" } ?? "–" }

    static func units(_ auth: PriorAuthorization) -> String {
        guard let units = auth.units else { return "unlimited (\(auth.unitsUsed) used)" }
        return "\(auth.unitsUsed) of \(units) used, \(auth.unitsRemaining ?? 0) left"
    }

    static func window(_ auth: PriorAuthorization) -> String {
        guard auth.start != nil || auth.end != nil else { return "–" }
        return "\(auth.start?.iso ?? "…") – \(auth.end?.iso ?? "…")"
    }

    /// Columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func list(_ auths: [PriorAuthorization], asOf: LocalDate) -> String {
        guard !auths.isEmpty else { return "No authorizations match (as of \(asOf.iso))." }
        let rows = auths.map { auth in
            [String(auth.id ?? 0), auth.patientId, auth.payer, auth.service, auth.state(asOf: asOf).rawValue,
             auth.authNumber ?? "–", window(auth), units(auth)]
        }
        return table(["ID", "PATIENT", "PAYER", "SERVICE", "STATE", "AUTH #", "WINDOW", "UNITS"], rows)
            + "\n\(auths.count) authorization\(auths.count == 1 ? "" : "s") as of \(asOf.iso)"
    }

    static func show(_ auth: PriorAuthorization, history: [AuthorizationHistoryEntry], uses: [AuthorizationUseRecord],
                     asOf: LocalDate) -> String {
        let state = auth.state(asOf: asOf)
        var lines = ["Authorization \(auth.id ?? 0)"]
        let fields: [(String, String)] = [
            ("patient", auth.patientId), ("payer", auth.payer), ("service", auth.service),
            ("status", auth.status.rawValue + (state.rawValue == auth.status.rawValue ? "" : " (\(state.rawValue) as of \(asOf.iso))")),
            ("auth number", auth.authNumber ?? "–"), ("window", window(auth)), ("units", units(auth)),
            ("submitted on", auth.submittedOn?.iso ?? "–"), ("note", auth.note ?? "–"),
        ]
        lines += fields.map { "  \($0.0.padding(toLength: 13, withPad: " ", startingAt: 0))\($0.1)" }
        lines.append("History")
        for entry in history {
            let changes = entry.changes.sorted { $0.key < $1.key }.map { "\($0.key) \(value($0.value.from)) → \(value($0.value.to))" }
            lines.append("  \(StoreTimestamp.format(entry.at))  \(entry.by)  \(entry.action.rawValue): \(changes.joined(separator: "; "))")
        }
        lines.append("Uses")
        if uses.isEmpty { lines.append("  none") }
        for use in uses { lines.append("  \(use.dateOfService.iso)  \(use.encounterId)") }
        return lines.joined(separator: "\n")
    }
}
