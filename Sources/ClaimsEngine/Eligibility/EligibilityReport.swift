import ClaimsCore
import Foundation

/// `claims eligibility show`: per payer, the latest answer as CONTRACT §7 reads it, then the history.
public struct EligibilityReport: Encodable, Sendable {
    public struct Payer: Encodable, Sendable {
        public var payer: String
        /// The latest answer (for its own date of service), as the checklist shows it.
        public var latest: EligibilitySummary
        /// Every answer, newest first.
        public var history: [EligibilityAnswer]
        public var warnings: [String]
    }
    public var patient: String
    public var asOf: LocalDate
    public var payers: [Payer]

    public init(patient: String, answers: [EligibilityAnswer], network: [String: ClinicProfile.NetworkStatus], maxAgeDays: Int, asOf: LocalDate) {
        self.patient = patient
        self.asOf = asOf
        let book = EligibilityBook(answers: answers, network: network, maxAgeDays: maxAgeDays)
        payers = Dictionary(grouping: answers, by: \.payer).sorted { $0.key < $1.key }.map { payer, list in
            let newestFirst = list.sorted { ($0.checked, $0.id ?? 0) > ($1.checked, $1.id ?? 0) }
            let latest = newestFirst[0]
            return Payer(payer: payer,
                         latest: EligibilitySummary(latest, dateOfService: latest.dateOfService, network: network[payer] ?? .out),
                         history: newestFirst, warnings: book.staleWarning(latest, asOf: asOf).map { [$0.message] } ?? [])
        }
    }

    /// For the front desk: the latest answer in one line per payer, then each answer with its benefits.
    public func text() -> String {
        guard !payers.isEmpty else { return "No eligibility answer stored for \(patient).\n" }
        var lines = ["Eligibility of \(patient) as of \(asOf.iso)"]
        for payer in payers {
            lines.append("")
            lines.append("\(payer.payer): \(payer.latest.text)")
            for warning in payer.warnings { lines.append("  ! \(warning)") }
            for answer in payer.history {
                var head = "  \(answer.checked.iso) for \(answer.dateOfService.iso): \(answer.status.rawValue)"
                if let name = answer.planName { head += ", \(name)" }
                if answer.planBegin != nil || answer.planEnd != nil { head += ", plan \(answer.planBegin?.iso ?? "…") – \(answer.planEnd?.iso ?? "…")" }
                lines.append(head)
                for rejection in answer.rejections { lines.append("      ✗ \(rejection.description) (\(rejection.loop) AAA \(rejection.reason))") }
                for benefit in answer.benefits { lines.append("      " + Self.describe(benefit)) }
                for other in answer.otherPayers {
                    lines.append("      other payer: \(other.name) for \(other.serviceTypes.isEmpty ? "all services" : other.serviceTypes.joined(separator: ", "))")
                }
                for message in answer.messages { lines.append("      “\(message)”") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let benefitNames = ["1": "active coverage", "6": "inactive", "7": "inactive (pending update)", "8": "inactive (pending investigation)",
                               "A": "coinsurance", "B": "copay", "C": "deductible", "G": "out of pocket", "R": "other payer",
                               "U": "contact entity", "MC": "managed care coordinator", "F": "limitation", "I": "not covered"]
    static let periods = ["23": "calendar year", "24": "year to date", "27": "visit", "29": "remaining", "22": "service year", "25": "contract",
                          "32": "lifetime", "33": "lifetime remaining", "34": "month", "7": "day"]

    static func describe(_ benefit: EligibilityBenefit) -> String {
        var parts = [benefitNames[benefit.code] ?? "EB01 \(benefit.code)"]
        if !benefit.serviceTypes.isEmpty { parts.append(benefit.serviceTypes.joined(separator: "^")) }
        if let amount = benefit.amount { parts.append(Money.format(amount)) }
        if let percent = benefit.percent { parts.append("\(Money.plain(percent))%") }
        if let period = benefit.period { parts.append(periods[period] ?? "period \(period)") }
        if let level = benefit.coverageLevel { parts.append(level) }
        switch benefit.network {
        case .in: parts.append("in network")
        case .out: parts.append("out of network")
        case .notApplicable, .unknown: break
        }
        if let auth = benefit.authorizationRequired { parts.append(auth ? "authorization required" : "no authorization") }
        if let procedure = benefit.procedure { parts.append("for \(procedure)") }
        return parts.joined(separator: " · ") + benefit.messages.map { " “\($0)”" }.joined()
    }
}
