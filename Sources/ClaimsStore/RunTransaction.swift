import ClaimsCore
import Foundation
import GRDB

/// The rows of one batch run, written inside one transaction (`recordPreparedRun`, `RunTransaction`):
/// the run first (status `prepared`, so its claims can refer to it), then its claims and the
/// encounter history as they come, then its superbills, authorization uses and recovery plan.
struct RunRows {
    /// Control numbers a run reserved before its transaction and did not use: given back in it
    /// (see `RunTransaction`).
    struct UnusedControlNumbers: Sendable {
        var counter: String
        var reserved: ClosedRange<Int>
        var used: Int
    }

    private let tx: StoreTransaction
    private let number: Int
    private let timestamp: String
    // The bulk path: a run records a claim and its lines per billed encounter. GRDB's `insert`
    // encodes each record into a dictionary of boxed values before binding it; with it the
    // "record in store" phase of `scripts/benchmark.sh 10000` took 2.73 s against 0.79 s for
    // binding the same records' fields to cached statements (RowInserter), so these rows are
    // bound directly, several rows to a statement (`MultiRowStatements`). Every other write goes
    // through the records' GRDB methods.
    private let statements: MultiRowStatements

    init(_ tx: StoreTransaction, number: Int, outputDirectory: String) throws {
        self.tx = tx
        self.number = number
        timestamp = tx.timestamp
        statements = MultiRowStatements(tx.db)
        try BatchRunRecord(number: number, status: "prepared", outputDirectory: outputDirectory, plan: "", preparedAt: timestamp,
                           committedAt: nil).insert(tx.db)
    }

    /// Claims handed over but not inserted yet: they wait for a full statement. A batch hands its
    /// claims over a payer's block at a time (~29 at 2,000 encounters), so each block took a statement
    /// of its own size, and SQLite compiled a statement (its triggers included) for each size it met:
    /// ~1,200,000 instructions each (with the billed lines' statements, 26 at 2,000 encounters, ~16,700
    /// instructions an encounter). Whatever reads the transaction, and the run's end, inserts them
    /// first (`flush`).
    private var waitingClaims: [StoredClaim] = []

    /// Inserts `claims` after those handed over before, in order (their ids follow that order), with
    /// their billed lines; those short of a full statement wait for the next claims or `flush`.
    mutating func insert(_ claims: [StoredClaim]) throws {
        waitingClaims += claims
        let ready = waitingClaims.count - waitingClaims.count % MultiRowStatements.rowsPerStatement
        guard ready > 0 else { return }
        try insertNow(waitingClaims[..<ready])
        waitingClaims.removeFirst(ready)
    }

    /// Inserts the claims still waiting (`insert`).
    mutating func flush() throws {
        guard !waitingClaims.isEmpty else { return }
        let claims = waitingClaims
        waitingClaims = []
        try insertNow(claims[...])
    }

    private func insertNow(_ claims: ArraySlice<StoredClaim>) throws {
        try statements.insert(.claim, claims, values: { claim, row in
            row.integer(Int64(number)); row.text(claim.encounterId); row.text(claim.patientId); row.text(claim.payer)
            row.text(claim.dateOfService); row.text(claim.x12File); row.text(claim.fhirFile)
            row.text(claim.interchangeControlNumber); row.text(claim.groupControlNumber)
            row.text(claim.transactionSetControlNumber); row.integer(claim.totalCents)
            row.text(claim.authNumber); row.text(claim.ruleVersion); row.text(timestamp)
            row.text(claim.submission.frequency); row.text(claim.submission.coverage.rawValue)
            row.integer(claim.submission.replacesClaimId); row.integer(claim.submission.followsClaimId)
            row.text(claim.submission.payerClaimNumber); row.integer(claim.submission.intentId)
        }, afterEach: { chunk in
            // One statement numbers its rows in order: AUTOINCREMENT gives each the largest id so far
            // plus one, and nothing else inserts claims (the triggers insert events).
            guard tx.db.changesCount == chunk.count else {
                throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "\(tx.db.changesCount) claims inserted of \(chunk.count)")
            }
            let firstId = tx.db.lastInsertedRowID - Int64(chunk.count) + 1
            // Each line as its claim's position in the chunk and its own (no claim or line copied).
            let lines = chunk.indices.flatMap { claim in chunk[claim].lines.indices.map { (claim: claim, line: $0) } }
            try statements.insert(.billedLine, lines[...], values: { item, row in
                let line = chunk[item.claim].lines[item.line]
                row.text(chunk[item.claim].encounterId); row.integer(Int64(line.line))
                row.integer(firstId + Int64(item.claim - chunk.startIndex)); row.text(line.code)
                row.integer(line.chargeCents); row.text(Money.plain(line.units))
            })
        })
    }

    /// The run's superbills and authorization uses, its recovery plan, and the control numbers it
    /// reserved but did not use.
    mutating func finish(plan: String, superbills: [StoredSuperbill], uses: [(authorizationId: Int64, encounterId: String, date: LocalDate)],
                         controlNumbers: [UnusedControlNumbers]) throws {
        try flush()
        let insertSuperbill = try RowInserter(tx.db, sql: """
            INSERT INTO superbill (encounter_id, run, file, total_cents, balance_due_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for superbill in superbills {
            try insertSuperbill.insert(.text(superbill.encounterId), .integer(Int64(number)), .text(superbill.file),
                                       .integer(superbill.totalCents), .integer(superbill.balanceDueCents), .text(timestamp))
        }
        for use in uses {
            _ = try tx.recordUse(authorizationId: use.authorizationId, encounterId: use.encounterId, date: use.date, by: "claims batch")
        }
        try tx.db.execute(sql: "UPDATE batch_run SET plan = ? WHERE number = ?", arguments: [plan, number])
        for counter in controlNumbers {
            try tx.giveBack(counter)
        }
    }

    /// Keeps the latest JSON of each encounter (idempotent), in order (a later record of the same
    /// encounter wins, within one statement as across them).
    func saveEncounters(_ records: [(id: String, dateOfService: LocalDate, payer: String, json: String)]) throws {
        try Self.saveEncounters(records, in: tx, statements: statements)
    }

    /// `saveEncounters` outside a run.
    static func saveEncounters(_ records: [(id: String, dateOfService: LocalDate, payer: String, json: String)], in tx: StoreTransaction,
                               statements: MultiRowStatements? = nil) throws {
        // What `StoredEncounter.upsert` does, bound to cached statements (RowInserter): GRDB's
        // upsert encodes each record and fetches the row back, ~12 % of a batch's instructions
        // (callgrind, 1,000 encounters) for this write alone.
        let timestamp = tx.timestamp
        try (statements ?? MultiRowStatements(tx.db)).insert(.encounter, records[...], values: { record, row in
            row.text(record.id); row.text(record.dateOfService.iso); row.text(record.payer); row.text(record.json); row.text(timestamp)
        })
    }
}

/// The multi-row inserts of a run (claims, billed lines, encounter history), kept by table and row
/// count. Every statement of the run is abortable half-way (the triggers and foreign keys), so
/// SQLite journals each page a statement changes first, and a statement has a fixed cost besides:
/// at one row to a statement the store thread took ~178,000 instructions per encounter, at 32
/// ~135,000 (`scripts/benchmark-instructions.sh 2000`). Kept here rather than looked up in GRDB's
/// cache, which hashes the 32-row statement's text on every call (~200,000 instructions).
final class MultiRowStatements {
    enum Table: Int {
        case claim, billedLine, encounter

        var columns: Int {
            switch self {
            case .claim: 20
            case .billedLine: 6
            case .encounter: 5
            }
        }

        /// Whether a statement short of `rowsPerStatement` rows is the full one with the rows it
        /// lacks left NULL and skipped: billed lines, whose last statement after each claim
        /// statement takes any size, and SQLite compiled a statement (its trigger included) for each
        /// size it met (~11 at 2,000 encounters, up to 31). Claims and the history come in full
        /// statements but for a run's last (`RunRows`, `BatchRecorder.encountersPerSave`).
        var padsShortStatements: Bool { self == .billedLine }

        /// The statement for `rows` rows; `padded`: for up to `rows` rows, those whose first value is
        /// NULL skipped (no row of the table has it NULL).
        func sql(rows: Int, padded: Bool = false) -> String {
            if padded, self == .billedLine {
                let values = RowInserter.multiRowSQL("", columns: columns, rows: rows).dropFirst(" VALUES ".count)
                return "INSERT INTO billed_line (encounter_id, line, claim_id, code, charge_cents, units) SELECT * FROM (VALUES "
                    + values + ") WHERE column1 IS NOT NULL"
            }
            return switch self {
            case .claim:
                RowInserter.multiRowSQL("""
                    INSERT INTO claim (run, encounter_id, patient_id, payer, date_of_service, x12_file, fhir_file, isa13, gs06, st02,
                                       total_cents, auth_number, rule_version, created_at,
                                       frequency, coverage, replaces_claim_id, follows_claim_id, payer_claim_number, intent_id)
                    """, columns: columns, rows: rows)
            case .billedLine:
                RowInserter.multiRowSQL("INSERT INTO billed_line (encounter_id, line, claim_id, code, charge_cents, units)", columns: columns, rows: rows)
            case .encounter:
                RowInserter.multiRowSQL("INSERT INTO encounter (id, date_of_service, payer, record, updated_at)", columns: columns, rows: rows, suffix: """

                     ON CONFLICT (id) DO UPDATE SET date_of_service = excluded.date_of_service, payer = excluded.payer,
                                                    record = excluded.record, updated_at = excluded.updated_at
                    """)
            }
        }
    }

    /// Rows per statement at most.
    static let rowsPerStatement = 32

    private let db: Database
    private var inserters: [Int: RowInserter] = [:]
    /// Bytes of text the last statement of each table bound: room reserved for the next.
    private var textBytes = [0, 0, 0]

    init(_ db: Database) { self.db = db }

    /// Inserts `items` in order, up to `rowsPerStatement` to a statement, each as the row `values`
    /// binds (to the statement's parameters, in order); `afterEach` runs after each statement with
    /// the items it inserted.
    func insert<Item>(_ table: Table, _ items: ArraySlice<Item>, values: (Item, inout RowInserter.Binder) -> Void,
                      afterEach: (ArraySlice<Item>) throws -> Void = { _ in }) throws {
        var start = items.startIndex
        while start < items.endIndex {
            let chunk = items[start..<min(start + Self.rowsPerStatement, items.endIndex)]
            start = chunk.endIndex
            let padded = table.padsShortStatements && chunk.count < Self.rowsPerStatement
            let inserter = try padded ? inserter(table, padded: true) : inserter(table, rows: chunk.count)
            textBytes[table.rawValue] = try inserter.insert(textBytes: textBytes[table.rawValue]) { row in
                for item in chunk { values(item, &row) }
                if padded { row.skip((Self.rowsPerStatement - chunk.count) * table.columns) }
            }
            if padded, db.changesCount != chunk.count {
                throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "\(db.changesCount) rows inserted of \(chunk.count)")
            }
            try afterEach(chunk)
        }
    }

    /// The statement for `rows` rows, or the padded one (`Table.padsShortStatements`).
    private func inserter(_ table: Table, rows: Int = rowsPerStatement, padded: Bool = false) throws -> RowInserter {
        let key = table.rawValue * (Self.rowsPerStatement + 1) + (padded ? 0 : rows)
        if let inserter = inserters[key] { return inserter }
        let inserter = try RowInserter(db, sql: table.sql(rows: rows, padded: padded))
        inserters[key] = inserter
        return inserter
    }
}

extension StoreTransaction {
    /// Lowers a counter back to the last number a run used of those it reserved — only when no one
    /// drew from the counter after the reservation (then the unused numbers stay a gap: a number is
    /// never handed out twice).
    func giveBack(_ unused: RunRows.UnusedControlNumbers) throws {
        let last = unused.reserved.lowerBound - 1 + min(max(unused.used, 0), unused.reserved.count)
        guard last < unused.reserved.upperBound else { return }
        try db.execute(sql: "UPDATE control_number SET last_value = ? WHERE name = ? AND last_value = ?",
                       arguments: [last, unused.counter, unused.reserved.upperBound])
    }
}

/// A batch run's one store transaction, open while the run streams (docs/batch.md, "Crash safety"):
/// the run's claims are inserted as its 837P transaction sets are written and the encounter history
/// as it is read, on a thread of its own, so SQLite's work overlaps the run instead of following it.
/// Nothing is visible to anyone until `finish` commits; a kill or a failure before that leaves
/// nothing (SQLite rolls the transaction back).
///
/// While it is open the transaction holds the store's write lock: every other write of this process
/// would wait for it, so a run draws its control numbers from a reservation made before it opened
/// (`reserve`) and saves the history through it. Other processes' writes wait up to the store's busy
/// timeout, as behind any transaction. Every transaction opened must end with `finish` or `abandon`:
/// until then it keeps the store's writer, and this process's other writes would wait for ever.
///
/// `@unchecked Sendable` is sound here: `waiting`, `ended` and `failure` are reached only under
/// `condition`; an `Answer`'s result is written by the transaction's thread before it signals the
/// answer (or before it sets `ended` under the lock) and read by the asking thread after that.
public final class RunTransaction: @unchecked Sendable {
    /// Work waiting for the transaction's thread, in order.
    private enum Work {
        case claims([StoredClaim])
        case encounters([(id: String, dateOfService: LocalDate, payer: String, json: String)])
        case finish(Finish)
        case abandon
        /// Work whose answer another thread waits for (`inside`): a read that must see the run's own
        /// rows, a control number drawn past the reservation.
        case inside(@Sendable (StoreTransaction) -> Void)
    }

    private struct Finish {
        var plan: String
        var superbills: [StoredSuperbill]
        var uses: [(authorizationId: Int64, encounterId: String, date: LocalDate)]
        var controlNumbers: [RunRows.UnusedControlNumbers]
        var beforeCommit: () throws -> Void
    }

    private struct Abandoned: Error {}

    /// Pieces of work waiting at most; a producer waits beyond that (memory stays flat when SQLite is
    /// slower than the run).
    public static let maximumWaiting = 2
    /// SQLite's default: a commit that leaves the WAL longer than this many pages copies it into the store file.
    static let autocheckpointPages = 1000
    /// The writer's page cache while a run's transaction is open, in KiB.
    static let cacheKiB = 4096

    private let condition = NSCondition()
    private var waiting: [Work] = []
    /// Set once the transaction ended (committed, rolled back, or failed): later work is dropped.
    private var ended = false
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)
    /// Claims, billed lines and history rows inserted by one statement (`RunRows`).
    public static var rowsPerStatement: Int { MultiRowStatements.rowsPerStatement }

    /// Signalled once the transaction has begun (it holds the write lock) or failed to.
    private let opened = DispatchSemaphore(value: 0)

    init(store: ClaimsStore, number: Int, outputDirectory: String) {
        let thread = Thread { [self] in
            var abandoned = false
            // What `beforeCommit` threw, as it was (the store wraps it as a database failure).
            var refusal: (any Error)?
            var result: (any Error)?
            do {
                // SQLite journals each statement's first change of every page (the triggers and foreign
                // keys make each insert abortable half-way); with the default temp store that journal is
                // a file, written ~360,000 times at 40,000 encounters (~1.5 GB through the kernel).
                // In memory it is truncated after every statement. Set before the transaction
                // begins: SQLite reads it then.
                try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
                try store.write { tx in
                    // The open transaction's dirty pages stay in the writer's cache until SQLite
                    // spills them to the WAL: a smaller cache while the run streams (issue 18).
                    try tx.db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
                    // Its commit does not copy the WAL into the store file (below).
                    try tx.db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                    var rows = try RunRows(tx, number: number, outputDirectory: outputDirectory)
                    opened.signal()
                    while true {
                        switch take() {
                        case .claims(let claims):
                            try rows.insert(claims)
                        case .encounters(let records):
                            try rows.saveEncounters(records)
                        case .finish(let finish):
                            try rows.finish(plan: finish.plan, superbills: finish.superbills, uses: finish.uses,
                                            controlNumbers: finish.controlNumbers)
                            do { try finish.beforeCommit() } catch { refusal = error; throw error }
                            return
                        case .abandon:
                            abandoned = true
                            throw Abandoned()
                        case .inside(let body):
                            // What it reads sees every claim handed over before it.
                            try rows.flush()
                            body(tx)
                        }
                    }
                }
            } catch {
                if !abandoned { result = refusal ?? error }
            }
            // The writer's own cache and temp store come back before anyone hears how the run ended.
            store.pool.writeWithoutTransaction { db in
                try? db.execute(sql: "PRAGMA cache_size = -\(ClaimsStore.writerCacheKiB)")
                try? db.execute(sql: "PRAGMA temp_store = DEFAULT")
            }
            condition.lock()
            failure = result
            ended = true
            waiting = []
            condition.broadcast()
            condition.unlock()
            opened.signal()
            done.signal()
            // The run's pages (~60 MB of WAL at 40,000 encounters) are copied into the store file
            // after the run is told how its transaction ended, while it renames its files into
            // place: a checkpoint at the commit itself took ~0.15 s of the run's end at 40,000. The
            // writer's next use (marking the run committed) waits for it.
            store.pool.writeWithoutTransaction { db in
                try? db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                try? db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.autocheckpointPages)")
            }
        }
        thread.name = "claims.store.run"
        thread.start()
    }

    private func take() -> Work {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty { condition.wait() }
        let work = waiting.removeFirst()
        condition.broadcast()
        return work
    }

    private func put(_ work: Work) {
        condition.lock()
        defer { condition.unlock() }
        while !ended && waiting.count >= Self.maximumWaiting { condition.wait() }
        guard !ended else { return }
        waiting.append(work)
        condition.broadcast()
    }

    /// Inserts claims (with their billed lines) in the order given; a failure is reported by `finish`.
    public func insert(_ claims: [StoredClaim]) {
        guard !claims.isEmpty else { return }
        put(.claims(claims))
    }

    /// Keeps the latest JSON of each encounter (idempotent); a failure is reported by `finish`.
    public func saveEncounters(_ records: [(id: String, dateOfService: LocalDate, payer: String, json: String)]) {
        guard !records.isEmpty else { return }
        put(.encounters(records))
    }

    /// Queues the run's last rows: superbills, authorization uses (a use the authorization no longer
    /// allows fails the run), the recovery plan, unused reserved control numbers. Then
    /// `beforeCommit` runs on the transaction's thread (the batch waits there for its files to reach
    /// the disk); the transaction commits when it returns and rolls back when it throws. Returns at
    /// once: `waitForEnd` says how it ended.
    public func finish(plan: String, superbills: [StoredSuperbill], uses: [(authorizationId: Int64, encounterId: String, date: LocalDate)],
                       controlNumbers: [(counter: String, reserved: ClosedRange<Int>, used: Int)],
                       beforeCommit: @escaping () throws -> Void) {
        put(.finish(Finish(plan: plan, superbills: superbills, uses: uses,
                           controlNumbers: controlNumbers.map { .init(counter: $0.counter, reserved: $0.reserved, used: $0.used) },
                           beforeCommit: beforeCommit)))
    }

    /// Runs `body` inside the transaction and returns its result: reads there see the run's own
    /// uncommitted rows, which the store's other connections do not. After the transaction ended it
    /// throws the failure that ended it (never waits for ever).
    private func inside<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) throws -> T {
        let answer = Answer<T>()
        put(.inside { tx in
            answer.result = Result { try body(tx) }
            answer.ready.signal()
        })
        while answer.ready.wait(timeout: .now() + 0.1) == .timedOut {
            condition.lock()
            let finished = ended
            let why = failure
            condition.unlock()
            if finished {
                if let result = answer.result { return try result.get() }
                throw why ?? StoreError(.databaseFailure, "the run's store transaction ended")
            }
        }
        return try answer.result!.get()
    }

    /// The answer to one `inside`, handed from the transaction's thread to the asking one (written
    /// before `ready` is signalled, read after).
    private final class Answer<T: Sendable>: @unchecked Sendable {
        let ready = DispatchSemaphore(value: 0)
        var result: Result<T, any Error>?
    }

    /// `ClaimsStore.secondaryClaimCandidates`, seeing the encounter history this run saved.
    public func secondaryClaimCandidates() throws -> [(encounterId: String, primaryClaimId: Int64, record: String)] {
        try inside { tx in try ClaimsStore.secondaryClaimCandidates(tx.db).map { Candidate(encounterId: $0.0, primaryClaimId: $0.1, record: $0.2) } }
            .map { ($0.encounterId, $0.primaryClaimId, $0.record) }
    }

    private struct Candidate: Sendable {
        var encounterId: String
        var primaryClaimId: Int64
        var record: String
    }

    /// `ClaimsStore.encounterRecord`, seeing the encounter history this run saved.
    public func encounterRecord(_ id: String) throws -> String? {
        try inside { tx in try ClaimsStore.encounterRecord(id, tx.db) }
    }

    /// One number of `counter` drawn inside the transaction (it commits with the run; a run killed
    /// before that hands it out again, but none of its files were published).
    public func allocateControlNumber(_ counter: String, maximum: Int) throws -> Int {
        try inside { tx in try tx.allocateControlNumbers(name: counter, count: 1, maximum: maximum).lowerBound }
    }

    /// Waits until the transaction has begun; the failure that kept it from beginning, if any.
    func waitUntilOpen() -> (any Error)? {
        opened.wait()
        opened.signal()
        condition.lock()
        defer { condition.unlock() }
        return ended ? failure : nil
    }

    /// Rolls back (nothing of the run is recorded) and waits for it.
    public func abandon() {
        put(.abandon)
        _ = waitForEnd()
    }

    /// Waits until the transaction ended; the failure that rolled it back, if any (nil: committed,
    /// or abandoned): a `StoreError`, or what `beforeCommit` threw.
    public func waitForEnd() -> (any Error)? {
        done.wait()
        done.signal()
        condition.lock()
        defer { condition.unlock() }
        return failure
    }
}

extension ClaimsStore {
    /// Opens a batch run's transaction (`RunTransaction`): the run `number` is recorded as prepared
    /// when it commits. Returns once the transaction holds the store's write lock; a store another
    /// process keeps locked beyond the busy timeout fails here, before the run does any work.
    public func openRun(number: Int, outputDirectory: String) throws(StoreError) -> RunTransaction {
        let transaction = RunTransaction(store: self, number: number, outputDirectory: outputDirectory)
        if let failure = transaction.waitUntilOpen() {
            throw failure as? StoreError ?? StoreError(.databaseFailure, "the store \(path): \(failure)")
        }
        return transaction
    }

    /// Gives back reserved control numbers a run did not use (see `StoreTransaction.giveBack`): a run
    /// that failed before its commit published none of its numbers.
    public func giveBackControlNumbers(_ unused: [(counter: String, reserved: ClosedRange<Int>, used: Int)]) throws(StoreError) {
        try write { tx in
            for counter in unused { try tx.giveBack(.init(counter: counter.counter, reserved: counter.reserved, used: counter.used)) }
        }
    }

    /// Draws up to `count` numbers from `counter` for one run (at least one, fewer only near
    /// `maximum`): the reservation commits at once, so a killed run leaves a gap, never a repeat;
    /// the run gives back what it did not use when it commits (`RunTransaction.finish`).
    public func reserveControlNumbers(_ counter: String, count: Int, maximum: Int) throws(StoreError) -> ClosedRange<Int> {
        try write { tx in
            let last = try Int.fetchOne(tx.db, sql: "SELECT last_value FROM control_number WHERE name = ?", arguments: [counter]) ?? 0
            let available = max(1, min(count, maximum - last))
            return try tx.allocateControlNumbers(name: counter, count: available, maximum: maximum)
        }
    }
}
