import ClaimsCore
import ClaimsStore
import Foundation

/// What the batch needs from the store. `ClaimsStore` implements it (StoreBatchAdapter); the
/// protocol keeps the batch's ordering of file writes and transactions testable.
public protocol BatchStore: AnyObject, Sendable {
    /// Every stored authorization (loaded once per run).
    func allAuthorizations() throws -> [PriorAuthorization]
    /// Ids of encounters with any recorded history (claims, superbills, authorization uses).
    func encountersWithHistory() throws -> Set<String>
    /// What earlier runs did with this encounter (one read instead of three).
    func priorState(encounterId: String) throws -> PriorEncounterState
    /// Units recorded claims bill for a patient on a date of service (POLICY §5.2 units per day).
    func billedUnits(patientId: String, dateOfService: LocalDate) throws -> [(encounterId: String, code: String, units: Decimal)]
    /// The same for many patients and dates in one read (a pair without recorded units may be absent).
    func billedUnits(on keys: [DailyUnitsLedger.Key]) throws -> [DailyUnitsLedger.Key: [(encounterId: String, code: String, units: Decimal)]]
    /// Numbers drawn from a named counter; never handed out twice.
    func allocateControlNumbers(_ counter: String, count: Int) throws -> ClosedRange<Int>
    /// Up to `count` numbers reserved for one run (committed at once; fewer only near the counter's
    /// maximum); the run gives back what it did not use when it commits (`RunTransaction.finish`).
    func reserveControlNumbers(_ counter: String, count: Int) throws -> ClosedRange<Int>
    /// Gives back what a run reserved and did not use, when no one drew from the counter since.
    func giveBackControlNumbers(_ unused: [(counter: String, reserved: ClosedRange<Int>, used: Int)]) throws
    /// Opens run `number`'s one store transaction: its claims and the encounter history go into it
    /// as the run streams; it commits with the run (docs/batch.md, "Crash safety").
    func openRun(number: Int, outputDirectory: String) throws -> RunTransaction
    /// Runs recorded as prepared whose files may not all be in place yet (a crash after the commit).
    func unfinishedRuns() throws -> [PreparedRun]
    /// Records a run's claims, superbills and authorization uses, and its file moves, in one
    /// transaction; `beforeCommit` runs inside it, after the inserts and before the commit.
    func recordPrepared(_ run: PreparedRun, beforeCommit: () throws -> Void) throws
    func markCommitted(runNumber: Int) throws
    /// Keeps the latest version of encounters read (idempotent), for rule-change previews (a batch
    /// saves them through its `RunTransaction`).
    func saveEncounters(_ records: [(id: String, dateOfService: LocalDate, payer: String, json: String)]) throws
    /// The Good Faith Estimates on file (`claims estimate`), compared with self-pay bills.
    func estimatesOnFile() throws -> [EstimateOnFile]
}

public struct PriorEncounterState: Sendable, Hashable {
    /// What an earlier run put on the encounter's claim, by line number.
    public struct BilledContent: Sendable, Hashable {
        public var code: String
        public var chargeCents: Int64
        /// nil: recorded before units were kept (not compared).
        public var units: Decimal?
        /// The claim's date of service (nil: not known to the caller, not compared).
        public var dateOfService: LocalDate?
        public init(code: String, chargeCents: Int64, units: Decimal? = nil, dateOfService: LocalDate? = nil) {
            self.code = code; self.chargeCents = chargeCents; self.units = units; self.dateOfService = dateOfService
        }
    }
    public var billed: [Int: BilledContent]
    public var authorizationsUsed: Set<Int64>
    public var superbillIssued: Bool
    public init(billed: [Int: BilledContent] = [:], authorizationsUsed: Set<Int64> = [], superbillIssued: Bool = false) {
        self.billed = billed; self.authorizationsUsed = authorizationsUsed; self.superbillIssued = superbillIssued
    }
    public init(billedLines: Set<Int>, authorizationsUsed: Set<Int64> = [], superbillIssued: Bool = false) {
        self.init(billed: Dictionary(uniqueKeysWithValues: billedLines.map { ($0, BilledContent(code: "", chargeCents: 0)) }),
                  authorizationsUsed: authorizationsUsed, superbillIssued: superbillIssued)
    }
    public var billedLines: Set<Int> { Set(billed.keys) }
    /// The encounter is on a claim already: its CLM01 is taken (POLICY §5.1).
    public var hasClaim: Bool { !billed.isEmpty }
}

/// A run ready to be made visible: everything it bills, and the files to rename into place.
public struct PreparedRun: Codable, Sendable, Hashable {
    public struct FileMove: Codable, Sendable, Hashable {
        public var temporary: String
        public var final: String
    }
    /// The store's record types, used as they are (one type per table).
    public typealias ClaimRecord = StoredClaim
    public typealias BilledLine = StoredClaim.BilledLine
    public typealias SuperbillRecord = StoredSuperbill
    public struct UseRecord: Codable, Sendable, Hashable {
        public var authorizationId: Int64
        public var encounterId: String
        public var dateOfService: String
    }

    public var runNumber: Int
    public var outputDirectory: String
    public var workDirectory: String
    public var moves: [FileMove]
    public var claims: [ClaimRecord]
    public var superbills: [SuperbillRecord]
    public var authorizationUses: [UseRecord]
    /// Claims the batch inserted into its transaction as it streamed (`RunTransaction`), not held
    /// here; not part of the plan kept for recovery (a recorded run needs only its moves).
    public var streamedClaims: Int? = nil

    /// The claims the run records: those held and those streamed.
    public var claimCount: Int { claims.count + (streamedClaims ?? 0) }
}

extension BatchStore {
    public func recordPrepared(_ run: PreparedRun) throws { try recordPrepared(run, beforeCommit: {}) }
}
