import ClaimsCore
import ClaimsStore
import ClaimsX12

/// Accounts receivable as of a date (CONTRACT §8): what each payer still owes by age, what patients
/// owe, the denials to work and the rejections to fix. Pure over the claim histories.
public struct Receivables: Sendable {
    public struct PayerBalance: Sendable {
        public var payer: String
        public var outstandingCents: Int64
        /// "0-30", "31-60", "61-90", "91+" → cents, aged from the date of service.
        public var buckets: [String: Int64]
        public var claims: Int
        /// The part of `outstandingCents` owed by the payer as a secondary payer (docs/corrections.md).
        public var secondaryCents: Int64 = 0
    }
    public struct PatientBalance: Sendable {
        public var patient: String
        /// Net patient responsibility (PR) minus what the patient already paid toward those encounters.
        public var balanceCents: Int64
        public var encounters: [String]
    }
    public struct Denial: Sendable {
        public var encounter: String, payer: String
        public var line: Int?
        public var group: String, reason: String, description: String
        public var remarks: [(code: String, description: String)]
        public var amountCents: Int64
        /// One of: correct and resubmit, appeal, bill the patient, write off, bill the secondary, review.
        public var action: String
    }
    public struct Rejection: Sendable {
        public var encounter: String, payer: String, source: String, message: String, date: String?
    }

    public static let bucketNames = ["0-30", "31-60", "61-90", "91+"]

    public var asOf: LocalDate
    public var payers: [PayerBalance]
    public var patients: [PatientBalance]
    public var denials: [Denial]
    public var rejections: [Rejection]
    public var patientBalanceCents: Int64 { patients.reduce(0) { $0 + $1.balanceCents } }

    /// `collected`: encounter id → what the patient already paid (the encounter's `payments`).
    /// `secondaryPayer`: encounters with a second coverage (a PR amount there is billed to it first).
    public init(statements: [ClaimStatement], asOf: LocalDate, codes: ResponseCodeLists,
                collected: [String: Int64], hasSecondary: Set<String> = []) {
        self.asOf = asOf
        var payers: [String: PayerBalance] = [:]
        var patients: [String: PatientBalance] = [:]
        var denials: [Denial] = []
        var rejections: [Rejection] = []
        let chains = ClaimChains(statements)
        for statement in statements {
            let claim = statement.history.claim
            // Corrected and voided claims, and voids, leave AR (CONTRACT §9); a replacement owes what
            // its chain still owes; a secondary claim what the primary left to the patient until it answers.
            guard chains.isOpen(statement) else { continue }
            let outstanding = chains.outstandingCents(statement)
            if outstanding != 0 {
                let age = LocalDate(iso: claim.dateOfService).map { $0.days(until: asOf) } ?? 0
                let bucket = age <= 30 ? "0-30" : age <= 60 ? "31-60" : age <= 90 ? "61-90" : "91+"
                var balance = payers[claim.payer] ?? PayerBalance(payer: claim.payer, outstandingCents: 0, buckets: [:], claims: 0)
                balance.outstandingCents += outstanding
                balance.buckets[bucket, default: 0] += outstanding
                balance.claims += 1
                if claim.submission.coverage == .secondary { balance.secondaryCents += outstanding }
                payers[claim.payer] = balance
            }
            let responsibility = chains.hasSecondary(statement) ? 0 : chains.patientResponsibilityCents(statement)
            if responsibility != 0 {
                let owed = max(0, responsibility - (collected[claim.encounterId] ?? 0))
                var balance = patients[claim.patientId] ?? PatientBalance(patient: claim.patientId, balanceCents: 0, encounters: [])
                balance.balanceCents += owed
                if owed > 0 { balance.encounters.append(claim.encounterId) }
                patients[claim.patientId] = balance
            }
            for adjustment in statement.denialAdjustments {
                var action = codes.adjustmentReasons.entries[adjustment.reason]?.action ?? "review"
                if action == "bill-patient", hasSecondary.contains(claim.encounterId) { action = "bill-secondary" }
                denials.append(Denial(encounter: claim.encounterId, payer: claim.payer, line: adjustment.line, group: adjustment.group,
                                      reason: adjustment.reason, description: codes.adjustmentReasons.describe(adjustment.reason),
                                      remarks: adjustment.remarks.map { ($0, codes.remarks.describe($0)) }, amountCents: adjustment.amountCents,
                                      action: Self.actionText(action)))
            }
            if let rejection = statement.rejection {
                rejections.append(Rejection(encounter: claim.encounterId, payer: claim.payer, source: rejection.record.source,
                                            message: rejection.record.message ?? "rejected", date: rejection.record.date))
            }
        }
        self.payers = payers.values.sorted { $0.payer < $1.payer }
        self.patients = patients.values.filter { $0.balanceCents > 0 }.sorted { $0.patient < $1.patient }
        self.denials = denials
        self.rejections = rejections
    }

    /// The code list's action key in words.
    static func actionText(_ key: String) -> String {
        switch key {
        case "correct-and-resubmit": "correct and resubmit"
        case "appeal": "appeal"
        case "bill-patient": "bill the patient"
        case "write-off": "write off"
        case "bill-secondary": "bill the secondary"
        default: "review the remittance"
        }
    }
}

/// How corrected, voided and secondary claims count in AR (docs/corrections.md).
struct ClaimChains {
    private var byId: [Int64: ClaimStatement] = [:]
    private var followed: Set<Int64> = []

    init(_ statements: [ClaimStatement]) {
        for statement in statements {
            byId[statement.history.claim.claimId] = statement
            if let primary = statement.history.claim.submission.followsClaimId { followed.insert(primary) }
        }
    }

    /// Corrected or voided claims and voids are closed: nothing is owed on them any more.
    func isOpen(_ statement: ClaimStatement) -> Bool { !["corrected", "void"].contains(statement.status) }

    /// A primary claim the secondary payer was billed for, by us or by the primary (a crossover: 835
    /// CLP02 19/20 or NM1*TT): its patient responsibility goes to the secondary first, so it is not the
    /// patient's balance (the secondary's own PR is).
    func hasSecondary(_ statement: ClaimStatement) -> Bool {
        followed.contains(statement.history.claim.claimId)
            || statement.history.payments.contains { $0.record.crossoverCarrier != nil || ["19", "20"].contains($0.record.statusCode) }
    }

    /// The patient's part: on a replacement, the net PR of it and the claims it replaced.
    func patientResponsibilityCents(_ statement: ClaimStatement) -> Int64 {
        replaced(by: statement).reduce(statement.patientResponsibilityCents) { $0 + $1.patientResponsibilityCents }
    }

    /// The claims `statement` replaced, newest first (a chain of corrections).
    private func replaced(by statement: ClaimStatement) -> [ClaimStatement] {
        var chain: [ClaimStatement] = []
        var next = statement.history.claim.submission.replacesClaimId
        var seen: Set<Int64> = [statement.history.claim.claimId]
        while let id = next, !seen.contains(id), let earlier = byId[id] {
            seen.insert(id)
            chain.append(earlier)
            next = earlier.history.claim.submission.replacesClaimId
        }
        return chain
    }

    /// A replacement: its billed amount less everything paid and adjusted on it and on the claims it
    /// replaced (a payer reverses the earlier payment on the replacement's 835, so the sums net out).
    /// A secondary claim without an answer yet: what the primary left to the patient.
    func outstandingCents(_ statement: ClaimStatement) -> Int64 {
        let claim = statement.history.claim
        if claim.submission.coverage == .secondary, statement.history.payments.isEmpty {
            return claim.submission.followsClaimId.flatMap { byId[$0] }?.patientResponsibilityCents ?? statement.outstandingCents
        }
        return replaced(by: statement).reduce(statement.outstandingCents) { total, earlier in
            total - earlier.paidCents - earlier.adjustments.reduce(0) { $0 + $1.amountCents }
        }
    }
}
