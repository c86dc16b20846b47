import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore
import ClaimsX12

/// `claims claim show ENCOUNTER` (CONTRACT §8): one claim's whole history.
struct ClaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Show a claim's status and history.",
        subcommands: [ClaimShowCommand.self]
    )
}

struct ClaimShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One claim's status, money, adjustments and every event (sent, accepted, rejected, paid, denied, reversed…).",
        discussion: """
        Example:
          claims claim show ENC-2026-0001 --format json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The encounter id (the claim's CLM01).") var encounter: String
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let codes = try ResponsesSupport.codes(global)
        let store = try StoreSupport.open(global)
        let (histories, intents) = try StoreSupport.read { () throws(StoreError) in
            (try store.claimHistories(encounterId: encounter), try store.claimIntents(encounterId: encounter))
        }
        // The encounter's claim at its primary payer as it stands, then every claim (corrections, voids,
        // the secondary claim) with its links (docs/corrections.md).
        guard let history = histories.last(where: { $0.claim.submission.coverage == .primary }) ?? histories.last else {
            throw CLIError(.invalidData, "no claim was sent for encounter '\(VisibleText.bounded(encounter, limit: 60))'; check the id (claims ar lists the claims with a balance)")
        }
        let statements = histories.map(ClaimStatement.init)
        let statement = ClaimStatement(history)
        switch format {
        case .text:
            if statements.count == 1 && intents.isEmpty {
                print(ResponsesText.claim(statement, codes: codes), terminator: "")
            } else {
                print(ResponsesText.claims(statements, intents: intents, codes: codes), terminator: "")
            }
        case .json:
            var document = ClaimJSON(statement, codes: codes, all: statements)
            document.claims = statements.map { ClaimJSON($0, codes: codes, all: statements) }
            document.requests = intents.map(ClaimJSON.Request.init)
            try CommandSupport.printJSON(document)
        }
    }
}

/// CONTRACT §8 `claim show --format json`.
struct ClaimJSON: Encodable {
    struct Adjustment: Encodable {
        var line: Int?
        var group: String
        var reason: String
        var amount: String
        var description: String
        var remarks: [String]
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(line, forKey: .line)  // null for a claim-level adjustment
            try container.encode(group, forKey: .group); try container.encode(reason, forKey: .reason)
            try container.encode(amount, forKey: .amount); try container.encode(description, forKey: .description)
            try container.encode(remarks, forKey: .remarks)
        }
        enum CodingKeys: String, CodingKey { case line, group, reason, amount, description, remarks }
    }
    struct Event: Encodable {
        var date: String?
        var kind: String
        var source: String
        var file: String?
        var message: String?
    }
    var encounter: String
    var payer: String
    var status: String
    var billed: String
    var paid: String
    var patientResponsibility: String
    var payerClaimNumber: String?
    var frequency: String
    var adjustments: [Adjustment]
    var events: [Event]
    /// docs/corrections.md: the claim's store id and kind, and its links to the encounter's other claims.
    var claim: Int64
    var coverage: String
    var replaces: Int64?
    var replacedBy: Int64?
    var follows: Int64?
    var sentPayerClaimNumber: String?
    /// Only in the top-level document: every claim of the encounter, and the correct/void requests.
    var claims: [ClaimJSON]?
    var requests: [Request]?

    struct Request: Encodable {
        var kind: String, reason: String, by: String, recorded: String, claim: Int64, payerClaimNumber: String, sentAs: Int64?
        init(_ record: ClaimIntentRecord) {
            kind = record.kind.rawValue; reason = record.reason; by = record.requestedBy; recorded = record.recordedAt
            claim = record.claimId; payerClaimNumber = record.payerClaimNumber; sentAs = record.sentClaimId
        }
    }

    init(_ statement: ClaimStatement, codes: ResponseCodeLists, all: [ClaimStatement] = []) {
        let submission = statement.history.claim.submission
        claim = statement.history.claim.claimId
        coverage = submission.coverage.rawValue
        replaces = submission.replacesClaimId
        follows = submission.followsClaimId
        sentPayerClaimNumber = submission.payerClaimNumber
        replacedBy = all.last { $0.history.claim.submission.replacesClaimId == statement.history.claim.claimId }?.history.claim.claimId
        let claim = statement.history.claim
        encounter = claim.encounterId; payer = claim.payer; status = statement.status
        billed = CentsText.format(statement.billedCents); paid = CentsText.format(statement.paidCents)
        patientResponsibility = CentsText.format(statement.patientResponsibilityCents)
        payerClaimNumber = statement.payerClaimNumber
        frequency = submission.frequency
        adjustments = statement.adjustments.map {
            Adjustment(line: $0.line, group: $0.group, reason: $0.reason, amount: CentsText.format($0.amountCents),
                       description: codes.adjustmentReasons.describe($0.reason), remarks: $0.remarks)
        }
        events = statement.history.events.map { event in
            let record = event.record
            return Event(date: record.date, kind: record.kind, source: record.source,
                         file: record.kind == "sent" ? record.message : event.file, message: record.kind == "sent" ? nil : record.message)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(encounter, forKey: .encounter); try container.encode(payer, forKey: .payer)
        try container.encode(status, forKey: .status); try container.encode(billed, forKey: .billed); try container.encode(paid, forKey: .paid)
        try container.encode(patientResponsibility, forKey: .patientResponsibility)
        try container.encode(payerClaimNumber, forKey: .payerClaimNumber)  // null until an 835 names it
        try container.encode(frequency, forKey: .frequency)
        try container.encode(adjustments, forKey: .adjustments); try container.encode(events, forKey: .events)
        try container.encode(claim, forKey: .claim); try container.encode(coverage, forKey: .coverage)
        try container.encode(replaces, forKey: .replaces); try container.encode(replacedBy, forKey: .replacedBy)
        try container.encode(follows, forKey: .follows); try container.encode(sentPayerClaimNumber, forKey: .sentPayerClaimNumber)
        try container.encodeIfPresent(claims, forKey: .claims); try container.encodeIfPresent(requests, forKey: .requests)
    }
    enum CodingKeys: String, CodingKey {
        case encounter, payer, status, billed, paid, patientResponsibility, payerClaimNumber, frequency, adjustments, events
        case claim, coverage, replaces, replacedBy, follows, sentPayerClaimNumber, claims, requests
    }
}
