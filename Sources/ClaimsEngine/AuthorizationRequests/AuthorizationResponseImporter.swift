import ClaimsCore
import ClaimsFHIR
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims preauth import`: reads payers' answers — X12 278 responses and Da Vinci PAS response
/// Bundles (JSON) — and applies each decision to the authorization whose request it quotes, with
/// history (docs/prior-auth-requests.md). An answer to an unknown request, or one imported before,
/// changes nothing and is reported.
public struct AuthorizationResponseImporter {
    public struct Line: Sendable {
        public enum Kind: String, Sendable { case applied, unchanged, alreadyImported = "already-imported", unknownRequest = "unknown-request", error }
        public var file: String
        public var trace: String?
        public var kind: Kind
        public var message: String
    }

    public var store: ClaimsStore

    public init(store: ClaimsStore) { self.store = store }

    /// A 278 response or a PAS response Bundle is a few kilobytes; a larger file is refused unread.
    public static let maximumFileBytes = 16 << 20

    /// One line per decision found (or per file that could not be read).
    public func importFile(_ path: String, by user: String) -> [Line] {
        func refused(_ message: String) -> [Line] { [Line(file: path, trace: nil, kind: .error, message: message)] }
        let file: InboundFile
        switch InboundFile.read(path, maximumBytes: Self.maximumFileBytes) {
        case .success(let read): file = read
        case .failure(let refusal): return refused(refusal.message)
        }
        guard let text = file.text else { return refused("is not text (a 278 is ASCII or UTF-8, a PAS Bundle UTF-8 JSON)") }
        let decisions: [AuthorizationDecision]
        do {
            decisions = try Self.decisions(in: text)
        } catch {
            return [Line(file: path, trace: nil, kind: .error, message: "\(error); nothing was changed")]
        }
        if decisions.isEmpty {
            return [Line(file: path, trace: nil, kind: .error, message: "holds no 278 response or PAS ClaimResponse; nothing was changed")]
        }
        return decisions.map { decision in
            do {
                switch try store.applyAuthorizationDecision(decision, file: path, by: user) {
                case .unknownRequest:
                    return Line(file: path, trace: decision.trace, kind: .unknownRequest,
                                message: "no request with trace \(decision.trace) was sent from this store; nothing was changed (was it requested with another --db?)")
                case .alreadyImported(let request):
                    return Line(file: path, trace: decision.trace, kind: .alreadyImported,
                                message: "authorization \(request.authorizationId): this answer was imported before; nothing was changed")
                case .applied(let request, let update):
                    let summary = update.changes.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.text($0.value.from)) → \(Self.text($0.value.to))" }
                    return Line(file: path, trace: decision.trace, kind: update.changed ? .applied : .unchanged,
                                message: "authorization \(request.authorizationId) \(decision.outcome.rawValue): "
                                    + (summary.isEmpty ? "already recorded as such" : summary.joined(separator: ", ")))
                }
            } catch {
                return Line(file: path, trace: decision.trace, kind: .error, message: "\(error); nothing was changed")
            }
        }
    }

    /// The decisions of a 278 response interchange or a PAS response (JSON).
    static func decisions(in text: String) throws -> [AuthorizationDecision] {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("ISA") {
            let sets = try X12TransactionSet.split(try X12Reader.read(text)).filter { $0.transactionSetId == "278" }
            return try sets.flatMap { set in
                try Response278(set).decisions.map { decision in
                    try decisionOf(trace: decision.trace, action: decision.action, number: decision.certificationNumber, units: decision.units,
                                   start: decision.start, end: decision.end, reason: decision.reason.map { "278 HCR03 reason \($0)" },
                                   where: "278 \(set.controlNumber), segment \(decision.segment)")
                }
            }
        }
        if trimmed.hasPrefix("{") {
            return try PASResponse(json: text).decisions.map { decision in
                try decisionOf(trace: decision.trace, action: decision.action, number: decision.certificationNumber, units: decision.units,
                               start: decision.start, end: decision.end, reason: decision.reason, where: "ClaimResponse for \(decision.trace)")
            }
        }
        throw AuthorizationRequester.Failure(message: "neither an X12 interchange (ISA…) nor FHIR JSON", isInput: true)
    }

    private static func decisionOf(trace: String, action: String, number: String?, units: Int?, start: LocalDate?, end: LocalDate?,
                                   reason: String?, where location: String) throws -> AuthorizationDecision {
        let outcomes: [String: AuthorizationDecision.Outcome] = ["A1": .certified, "A3": .denied, "A4": .pended, "A6": .modified]
        guard let outcome = outcomes[action] else {
            throw AuthorizationRequester.Failure(message: "\(location): action code '\(action)' is not one we apply (A1 certified, A3 denied, A4 pended, A6 modified)", isInput: true)
        }
        let approved = outcome == .certified || outcome == .modified
        return AuthorizationDecision(trace: trace, outcome: outcome, authNumber: approved ? number : nil, units: approved ? units : nil,
                                     start: approved ? start : nil, end: approved ? end : nil, reason: reason)
    }

    static func text(_ value: HistoryValue?) -> String { value.map { "\($0)" } ?? "–" }
}
