import ClaimsCore
import Foundation

/// `claims check --format json` (CONTRACT §3). Extra fields (`payer`, `sourceLine`) are additions.
public struct CheckReport: Codable, Sendable {
    public struct Result: Codable, Sendable {
        public var encounter: String
        public var payer: String?
        public var sourceLine: Int
        public var errors: [InputError]
        public var warnings: [Warning]
        public var lines: [Line]
    }
    public struct Line: Codable, Sendable {
        public var line: Int
        public var code: String
        public var service: String
        public var decision: String
        public var reasons: [Reason]
        /// Modifiers the rules add to a billed line (GA, POLICY §5.3); absent when none.
        public var addedModifiers: [String]?
    }
    public var asOf: String
    public var results: [Result]

    public init(asOf: LocalDate, results: [Result] = []) { self.asOf = asOf.iso; self.results = results }

    public static func result(for evaluation: EncounterEvaluation) -> Result {
        Result(encounter: evaluation.encounterId, payer: evaluation.payer, sourceLine: evaluation.sourceLine,
               errors: evaluation.errors, warnings: evaluation.warnings,
               lines: evaluation.lines.map { Line(line: $0.line, code: $0.code, service: $0.service, decision: $0.decision.rawValue, reasons: $0.reasons,
                                                   addedModifiers: $0.addedModifiers.isEmpty || $0.decision != .bill ? nil : $0.addedModifiers) })
    }
}
