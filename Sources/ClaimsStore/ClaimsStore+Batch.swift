import ClaimsCore
import Foundation
import GRDB

/// One claim a batch records (table `claim`; money in cents): the one type for it, from the
/// batch's plan to the store. Its lines are rows of their own table (`billed_line`), recorded and
/// read with it; `id`, `run` and `createdAt` are set by the store when it records the claim.
public struct StoredClaim: Codable, Sendable, Hashable {
    /// One billed service line (table `billed_line`): `encounterId` and `claimId` are set by the store.
    public struct BilledLine: Codable, Sendable, Hashable {
        public var encounterId: String?
        public var line: Int
        public var claimId: Int64?
        public var code: String
        public var chargeCents: Int64
        /// Units as written (TEXT); a line recorded before units were kept (NULL) counts one.
        public var units: Decimal
        public init(line: Int, code: String, chargeCents: Int64, units: Decimal = 1, encounterId: String? = nil, claimId: Int64? = nil) {
            self.line = line; self.code = code; self.chargeCents = chargeCents; self.units = units
            self.encounterId = encounterId; self.claimId = claimId
        }

        enum CodingKeys: String, CodingKey { case encounterId, line, claimId, code, chargeCents, units }

        public init(from decoder: any Decoder) throws {
            let row = try decoder.container(keyedBy: CodingKeys.self)
            self.init(line: try row.decode(Int.self, forKey: .line), code: try row.decode(String.self, forKey: .code),
                      chargeCents: try row.decode(Int64.self, forKey: .chargeCents),
                      units: try row.decodeIfPresent(Decimal.self, forKey: .units) ?? 1,
                      encounterId: try row.decodeIfPresent(String.self, forKey: .encounterId),
                      claimId: try row.decodeIfPresent(Int64.self, forKey: .claimId))
        }
    }

    public var id: Int64?
    public var run: Int?
    public var encounterId: String
    public var patientId: String
    public var payer: String
    public var dateOfService: String
    public var x12File: String
    public var fhirFile: String
    public var interchangeControlNumber: String
    public var groupControlNumber: String
    public var transactionSetControlNumber: String
    public var totalCents: Int64
    public var authNumber: String?
    /// Content hash of the payer rule file the decision used.
    public var ruleVersion: String
    public var createdAt: String?
    /// Not a column: the claim's rows in `billed_line`.
    public var lines: [BilledLine] = []
    /// What kind of claim it is (migration v9, docs/corrections.md): CLM05-3, the payer it goes to, the
    /// claim it replaces or voids, the primary claim a secondary claim follows, REF*F8, the intent it carries.
    public var submission = ClaimSubmission()

    /// The columns (the control numbers keep their X12 element names, ISA13, GS06, ST02). `lines` is
    /// left out: it is another table, so neither a column nor part of the claim's coding.
    enum CodingKeys: String, CodingKey {
        case id, run, encounterId, patientId, payer, dateOfService, x12File, fhirFile
        case interchangeControlNumber = "isa13", groupControlNumber = "gs06", transactionSetControlNumber = "st02"
        case totalCents, authNumber, ruleVersion, createdAt
    }

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        self.init(encounterId: try row.decode(String.self, forKey: .encounterId), patientId: try row.decode(String.self, forKey: .patientId),
                  payer: try row.decode(String.self, forKey: .payer), dateOfService: try row.decode(String.self, forKey: .dateOfService),
                  x12File: try row.decode(String.self, forKey: .x12File), fhirFile: try row.decode(String.self, forKey: .fhirFile),
                  interchangeControlNumber: try row.decode(String.self, forKey: .interchangeControlNumber),
                  groupControlNumber: try row.decode(String.self, forKey: .groupControlNumber),
                  transactionSetControlNumber: try row.decode(String.self, forKey: .transactionSetControlNumber),
                  totalCents: try row.decode(Int64.self, forKey: .totalCents), authNumber: try row.decodeIfPresent(String.self, forKey: .authNumber),
                  ruleVersion: try row.decode(String.self, forKey: .ruleVersion), lines: [],
                  id: try row.decodeIfPresent(Int64.self, forKey: .id), run: try row.decodeIfPresent(Int.self, forKey: .run),
                  createdAt: try row.decodeIfPresent(String.self, forKey: .createdAt))
        submission = try ClaimSubmission(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var row = encoder.container(keyedBy: CodingKeys.self)
        try row.encodeIfPresent(id, forKey: .id); try row.encodeIfPresent(run, forKey: .run)
        try row.encode(encounterId, forKey: .encounterId); try row.encode(patientId, forKey: .patientId); try row.encode(payer, forKey: .payer)
        try row.encode(dateOfService, forKey: .dateOfService); try row.encode(x12File, forKey: .x12File); try row.encode(fhirFile, forKey: .fhirFile)
        try row.encode(interchangeControlNumber, forKey: .interchangeControlNumber)
        try row.encode(groupControlNumber, forKey: .groupControlNumber)
        try row.encode(transactionSetControlNumber, forKey: .transactionSetControlNumber)
        try row.encode(totalCents, forKey: .totalCents); try row.encodeIfPresent(authNumber, forKey: .authNumber)
        try row.encode(ruleVersion, forKey: .ruleVersion); try row.encodeIfPresent(createdAt, forKey: .createdAt)
        try submission.encode(to: encoder)
    }

    public init(encounterId: String, patientId: String, payer: String, dateOfService: String, x12File: String, fhirFile: String,
                interchangeControlNumber: String, groupControlNumber: String, transactionSetControlNumber: String, totalCents: Int64,
                authNumber: String?, ruleVersion: String, lines: [BilledLine], id: Int64? = nil, run: Int? = nil, createdAt: String? = nil) {
        self.encounterId = encounterId; self.patientId = patientId; self.payer = payer; self.dateOfService = dateOfService
        self.x12File = x12File; self.fhirFile = fhirFile; self.interchangeControlNumber = interchangeControlNumber
        self.groupControlNumber = groupControlNumber; self.transactionSetControlNumber = transactionSetControlNumber
        self.totalCents = totalCents; self.authNumber = authNumber; self.ruleVersion = ruleVersion; self.lines = lines
        self.id = id; self.run = run; self.createdAt = createdAt
    }
}

/// One superbill a batch records (table `superbill`); `run` and `createdAt` are set by the store.
public struct StoredSuperbill: Codable, Sendable, Hashable {
    public var encounterId: String
    public var run: Int?
    public var file: String
    public var totalCents: Int64
    public var balanceDueCents: Int64
    public var createdAt: String?
    public init(encounterId: String, file: String, totalCents: Int64, balanceDueCents: Int64, run: Int? = nil, createdAt: String? = nil) {
        self.encounterId = encounterId; self.file = file; self.totalCents = totalCents; self.balanceDueCents = balanceDueCents
        self.run = run; self.createdAt = createdAt
    }
}

/// The latest version of an encounter a batch read (table `encounter`), kept for rule-change previews.
public struct StoredEncounter: Codable, Sendable, Hashable {
    public var id: String
    public var dateOfService: String
    public var payer: String
    /// The record's JSON text as read.
    public var json: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey { case id, dateOfService, payer, json = "record", updatedAt }
}

/// A batch run (table `batch_run`): `prepared` once its claims are recorded, `committed` once its files are in place.
public struct BatchRunRecord: Codable, Sendable, Hashable {
    public var number: Int
    public var status: String
    public var outputDirectory: String
    /// What finishing the run needs (the file moves), as JSON.
    public var plan: String
    public var preparedAt: String
    public var committedAt: String?
}

extension StoredClaim: StoreRecord { public static let databaseTableName = "claim" }
extension StoredClaim.BilledLine: StoreRecord { public static let databaseTableName = "billed_line" }
extension StoredSuperbill: StoreRecord { public static let databaseTableName = "superbill" }
extension StoredEncounter: StoreRecord { public static let databaseTableName = "encounter" }
extension BatchRunRecord: StoreRecord { public static let databaseTableName = "batch_run" }

extension ClaimsStore {
    /// Line numbers of an encounter already on a recorded claim.
    public func billedLines(encounterId: String) throws(StoreError) -> Set<Int> {
        try read { db in Set(try Int.fetchAll(db, sql: "SELECT line FROM billed_line WHERE encounter_id = ?", arguments: [encounterId])) }
    }

    /// Every stored authorization with its units used (the batch loads them once instead of per patient).
    public func allAuthorizations() throws(StoreError) -> [PriorAuthorization] {
        try read { db in try AuthorizationRecord.fetch(db, where: "1 = 1", StatementArguments()) }
    }

    /// Every encounter id an earlier run billed, used an authorization for, or issued a superbill for
    /// (so the batch asks `priorState` only for those).
    public func encountersWithHistory() throws(StoreError) -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT encounter_id FROM billed_line UNION SELECT encounter_id FROM superbill UNION SELECT encounter_id FROM authorization_use
                """))
        }
    }

    /// What earlier runs did with an encounter, in one read: lines billed, authorizations used, superbill issued.
    public func priorState(encounterId: String) throws(StoreError) -> (billedLines: Set<Int>, authorizationsUsed: Set<Int64>, superbillIssued: Bool) {
        let state = try priorBilling(encounterId: encounterId)
        return (Set(state.billed.keys), state.authorizationsUsed, state.superbillIssued)
    }

    /// What earlier runs recorded for an encounter: each billed line's code, charge, units and date of
    /// service (to tell an unchanged re-run from changed or missing content, POLICY §5.1), the
    /// authorizations it used, and whether it got a superbill.
    public func priorBilling(encounterId: String) throws(StoreError)
        -> (billed: [Int: (code: String, chargeCents: Int64, units: Decimal?, dateOfService: String)], authorizationsUsed: Set<Int64>,
            superbillIssued: Bool) {
        // Cached statements: a batch asks once per encounter with history, and preparing these anew
        // (~270,000 instructions of SQLite parsing and planning each) cost ~50 times running them.
        try read { db in
            var billed: [Int: (code: String, chargeCents: Int64, units: Decimal?, dateOfService: String)] = [:]
            if let current = try Self.currentPrimaryClaim(db, encounterId: encounterId) {
                for row in try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT b.line, b.code, b.charge_cents, b.units, c.date_of_service FROM billed_line b JOIN claim c ON c.id = b.claim_id
                    WHERE b.claim_id = ?
                    """), arguments: [current]) {
                    billed[row["line"]] = (row["code"], row["charge_cents"], row["units"] as Decimal?, row["date_of_service"])
                }
            }
            let uses = Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT authorization_id FROM authorization_use WHERE encounter_id = ?"),
                                              arguments: [encounterId]))
            let superbill = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM superbill WHERE encounter_id = ?"), arguments: [encounterId]) ?? false
            return (billed, uses, superbill)
        }
    }

    /// The units billed on recorded claims for a patient on a date of service, in claim and line order
    /// (POLICY §5.2 units per day; a line recorded before units were kept counts 1).
    public func billedUnits(patientId: String, dateOfService: LocalDate) throws(StoreError)
        -> [(encounterId: String, code: String, units: Decimal)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.encounter_id, b.code, b.units FROM billed_line b JOIN claim c ON c.id = b.claim_id
                WHERE c.patient_id = ? AND c.date_of_service = ? AND \(Self.currentClaimAtPrimary)
                ORDER BY c.id, b.line
                """, arguments: [patientId, dateOfService.iso]).map { row in
                (row["encounter_id"], row["code"], (row["units"] as Decimal?) ?? 1)
            }
        }
    }

    /// `billedUnits(patientId:dateOfService:)` for many patients and dates in one read (the batch asks
    /// once per block of encounters): rows in claim and line order, each with its patient and date.
    public func billedUnits(patientsAndDates keys: [(patientId: String, dateOfService: LocalDate)]) throws(StoreError)
        -> [(patientId: String, dateOfService: LocalDate, encounterId: String, code: String, units: Decimal)] {
        guard !keys.isEmpty else { return [] }
        let wanted = Set(keys.map { "\($0.patientId)\u{0}\($0.dateOfService.iso)" })
        let patients = Array(Set(keys.map(\.patientId)))
        let dates = Array(Set(keys.map(\.dateOfService.iso)))
        // The index on (patient_id, date_of_service) serves both lists; pairs not asked for are dropped below.
        let sql = """
            SELECT c.patient_id, c.date_of_service, b.encounter_id, b.code, b.units FROM billed_line b JOIN claim c ON c.id = b.claim_id
            WHERE c.patient_id IN (\(Array(repeating: "?", count: patients.count).joined(separator: ",")))
              AND c.date_of_service IN (\(Array(repeating: "?", count: dates.count).joined(separator: ",")))
              AND \(Self.currentClaimAtPrimary) ORDER BY c.id, b.line
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(patients + dates)).compactMap { row in
                let patientId: String = row["patient_id"], date: String = row["date_of_service"]
                guard wanted.contains("\(patientId)\u{0}\(date)"), let day = LocalDate(iso: date) else { return nil }
                return (patientId, day, row["encounter_id"], row["code"], (row["units"] as Decimal?) ?? 1)
            }
        }
    }

    /// Authorizations this encounter already used (a re-run must not count its own use against it).
    public func authorizationIdsUsed(byEncounter encounterId: String) throws(StoreError) -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT authorization_id FROM authorization_use WHERE encounter_id = ?", arguments: [encounterId])) }
    }

    /// Runs recorded as prepared and not yet committed, oldest first.
    public func preparedRuns() throws(StoreError) -> [BatchRunRecord] {
        try read { db in try BatchRunRecord.fetchAll(db, sql: "SELECT * FROM batch_run WHERE status = 'prepared' ORDER BY number") }
    }

    /// Records a run's claims, billed lines, superbills and authorization uses in one transaction,
    /// with the run in status 'prepared'. A line already billed, or a use the authorization no longer
    /// allows, rolls the whole run back.
    /// `beforeCommit` runs inside the transaction after every insert (a batch waits there for its
    /// files to reach the disk, so the inserts overlap the flush and the commit still follows it).
    public func recordPreparedRun(number: Int, outputDirectory: String, plan: String, claims: some Sequence<StoredClaim>,
                                  superbills: [StoredSuperbill], uses: [(authorizationId: Int64, encounterId: String, date: LocalDate)],
                                  beforeCommit: () throws -> Void = {}) throws(StoreError) {
        try write { tx in
            var rows = try RunRows(tx, number: number, outputDirectory: outputDirectory)
            try rows.insert(Array(claims))
            try rows.finish(plan: plan, superbills: superbills, uses: uses, controlNumbers: [])
            try beforeCommit()
        }
    }

    /// Keeps the latest JSON of each encounter (idempotent; one transaction per call).
    public func saveEncounters(_ records: [(id: String, dateOfService: LocalDate, payer: String, json: String)]) throws(StoreError) {
        guard !records.isEmpty else { return }
        try write { tx in try RunRows.saveEncounters(records, in: tx) }
        // The history streams through the writer (~0.9 KB an encounter) and is not read again by the
        // run: its pages are let go after each save instead of filling the writer's cache for the
        // rest of the batch.
        pool.writeWithoutTransaction { $0.releaseMemory() }
    }

    /// Stored encounters with a date of service from `from` on, oldest first.
    public func encounters(since from: LocalDate) throws(StoreError) -> [StoredEncounter] {
        try read { db in
            try StoredEncounter.fetchAll(db, sql: "SELECT * FROM encounter WHERE date_of_service >= ? ORDER BY date_of_service, id", arguments: [from.iso])
        }
    }

    public func markRunCommitted(number: Int) throws(StoreError) {
        try write { tx in
            guard var run = try BatchRunRecord.fetchOne(tx.db, key: number) else { return }
            run.status = "committed"
            run.committedAt = tx.timestamp
            try run.update(tx.db, columns: ["status", "committed_at"])
        }
    }

    /// Claims recorded for dates of service from `from` on, with their lines (the rule-change impact preview re-evaluates them).
    public func claims(since from: LocalDate) throws(StoreError) -> [StoredClaim] {
        try read { db in
            try StoredClaim.fetchAll(db, sql: "SELECT * FROM claim WHERE date_of_service >= ? ORDER BY date_of_service, encounter_id",
                                     arguments: [from.iso]).map { claim in
                var claim = claim
                claim.lines = try StoredClaim.BilledLine.fetchAll(db, sql: "SELECT * FROM billed_line WHERE claim_id = ? ORDER BY line",
                                                                   arguments: [claim.id])
                return claim
            }
        }
    }
}
