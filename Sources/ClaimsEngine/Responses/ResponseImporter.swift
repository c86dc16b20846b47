import ClaimsCore
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims responses import`: reads 999, 277CA and 835 files in any mix and order, matches them to
/// the claims we sent and records each file in one store transaction (all or nothing).
/// A file (by content) or a transaction set (by identity) already recorded changes nothing; an 835
/// that does not balance is reported and not posted; unmatched items are kept and reported.
public struct ResponseImporter {
    /// Larger files are refused before reading (an 835 of 10,000 claims is about 2 MB).
    public static let maximumFileBytes = 256 << 20

    public struct FileOutcome: Sendable {
        public enum Status: String, Sendable { case imported, alreadyImported = "already-imported", nothingNew = "nothing-new", refused }
        public var path: String
        public var status: Status
        /// Why the file was refused or skipped, in words (nil when imported).
        public var message: String?
        var transactions: [TransactionOutcome] = []

        /// Event kind → how many claims got it.
        public var eventCounts: [String: Int] { transactions.reduce(into: [:]) { for (kind, list) in $1.events { $0[kind, default: 0] += list.count } } }
        public var unmatched: [String] { transactions.flatMap(\.unmatched) }
        public var notes: [String] { transactions.flatMap(\.notes) }
        /// `999 0001`, `835 0001 (already imported)`.
        public var transactionSummaries: [String] { transactions.map { "\($0.kind) \($0.controlNumber)" + ($0.skipped ? " (already imported)" : "") } }
    }

    let store: ClaimsStore
    let codes: ResponseCodeLists
    /// Test hook: called with `before-commit` inside each file's transaction (a test process may kill itself there).
    public var checkpoint: (String) -> Void = { _ in }

    public init(store: ClaimsStore, codes: ResponseCodeLists) { self.store = store; self.codes = codes }

    /// Imports each file in turn; one file's failure never stops the others.
    public func importFiles(_ paths: [String]) throws(StoreError) -> [FileOutcome] {
        let matcher = ResponseMatcher(claims: try store.sentClaims(), codes: codes)
        var outcomes: [FileOutcome] = []
        for path in paths {
            outcomes.append(try importFile(path, matcher: matcher))
        }
        return outcomes
    }

    func importFile(_ path: String, matcher: ResponseMatcher) throws(StoreError) -> FileOutcome {
        let name = (path as NSString).lastPathComponent
        func refused(_ message: String) -> FileOutcome { FileOutcome(path: path, status: .refused, message: message) }

        let file: InboundFile
        switch InboundFile.read(path, maximumBytes: Self.maximumFileBytes) {
        case .success(let read): file = read
        case .failure(let refusal): return refused(refusal.message)
        }
        let hash = file.hash
        if let earlier = try store.importedResponseFile(contentHash: hash) {
            return FileOutcome(path: path, status: .alreadyImported,
                               message: "already imported on \(earlier.importedAt.prefix(10)) (as \(earlier.name)); nothing changed")
        }
        guard let text = file.text else { return refused("is not text (X12 is ASCII or UTF-8)") }

        let responses: [X12Response]
        do { responses = try X12Response.read(text) } catch { return refused("\(error); nothing was imported from it") }
        guard !responses.isEmpty else { return refused("holds no transaction set (ST…SE); nothing was imported from it") }
        if case .other(let set)? = responses.first(where: { if case .other = $0 { true } else { false } }) {
            return refused("transaction set \(set.controlNumber) is an \(set.transactionSetId) (GS01 \(set.functionalId)); "
                           + "this command reads 999, 277CA and 835 responses only; nothing was imported from it")
        }
        for case .remittance835(let set, let remittance) in responses where !remittance.isBalanced {
            let claims = remittance.claims.reduce(X12Amount.zero) { $0 + $1.paid }
            let plb = remittance.providerAdjustments.reduce(X12Amount.zero) { $0 + $1.amount }
            return refused("835 transaction set \(set.controlNumber) does not balance: BPR02 is \(remittance.totalPaid) but Σ CLP04 \(claims) − Σ PLB \(plb) = "
                           + "\(remittance.computedTotal); nothing was posted from this file (ask the payer for a corrected 835)")
        }

        let identities = responses.map(Self.identity)
        let known = try store.knownResponseTransactions(identities)
        var transactions: [ResponsePosting.Transaction] = []
        var outcomes: [TransactionOutcome] = []
        var seen: Set<String> = []
        for (response, identity) in zip(responses, identities) {
            let set = response.transactionSet
            var outcome = TransactionOutcome(kind: Self.kind(response), controlNumber: set.controlNumber)
            guard !known.contains(identity), seen.insert(identity).inserted else {
                outcome.skipped = true
                outcomes.append(outcome)
                continue
            }
            var transaction = ResponsePosting.Transaction(record: ResponseTransactionRecord(
                kind: outcome.kind, identity: identity, sender: set.senderId, isa13: set.interchangeControlNumber,
                gs06: set.groupControlNumber, st02: set.controlNumber))
            switch response {
            case .acknowledgment999(_, let ack): matcher.post(ack, set: set, into: &transaction, outcome: &outcome)
            case .claimAcknowledgment277(_, let ack): matcher.post(ack, into: &transaction, outcome: &outcome)
            case .remittance835(_, let remittance): matcher.post(remittance, into: &transaction, outcome: &outcome)
            case .other: break
            }
            transactions.append(transaction)
            outcomes.append(outcome)
        }
        guard !transactions.isEmpty else {
            return FileOutcome(path: path, status: .nothingNew, message: "every transaction set in it was imported before; nothing changed",
                               transactions: outcomes)
        }
        try store.recordResponses(ResponsePosting(file: ResponseFileRecord(contentHash: hash, name: name, importedAt: ""),
                                                  transactions: transactions), beforeCommit: { checkpoint("before-commit") })
        return FileOutcome(path: path, status: .imported, message: nil, transactions: outcomes)
    }

    static func kind(_ response: X12Response) -> String {
        switch response {
        case .acknowledgment999: "999"
        case .claimAcknowledgment277: "277CA"
        case .remittance835: "835"
        case .other(let set): set.transactionSetId
        }
    }

    /// What makes a transaction set the same one in another file: an 835 is its payer and payment
    /// trace (TRN03/TRN02); a 999 or 277CA its sender and content (ST…SE without the control numbers).
    static func identity(_ response: X12Response) -> String {
        let set = response.transactionSet
        if case .remittance835(_, let remittance) = response {
            return "835|\(remittance.payerIdentifier)|\(remittance.traceNumber)"
        }
        let body = set.segments.dropFirst().dropLast().map(\.segment.description).joined(separator: "~")
        return "\(kind(response))|\(set.senderId)|" + SHA256.hex(Array(body.utf8))
    }
}
