import ClaimsCore
@testable import ClaimsEngine
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// A batch run's one store transaction, open while the run streams (docs/batch.md, "Crash
/// safety"): nothing of it is visible before it commits, a failure or an abandoned run records
/// nothing, and its control numbers are never handed out twice. Real SQLite files.
@Suite struct RunTransactionTests {
    static let start = LocalDate(iso: "2000-01-01")!

    static func claim(_ encounter: String, line: Int = 1, x12File: String = "x12/cigna-000000001.x12") -> StoredClaim {
        StoredClaim(encounterId: encounter, patientId: "PT-\(encounter)", payer: "cigna", dateOfService: "2026-11-03", x12File: x12File,
                    fhirFile: "fhir/cigna-run1.xml", interchangeControlNumber: "000000001", groupControlNumber: "1",
                    transactionSetControlNumber: "0001", totalCents: 21_000, authNumber: nil, ruleVersion: "v",
                    lines: [.init(line: line, code: "99214", chargeCents: 21_000, units: 1)])
    }

    static func store(_ name: String) throws -> (ClaimsStore, URL) {
        let directory = try Fixtures.temporaryDirectory(name)
        let store = try ClaimsStore(path: directory.appendingPathComponent("s.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        return (store, directory)
    }

    /// Finishes `transaction` the way a batch does: the last rows, then the go-ahead.
    static func commit(_ transaction: RunTransaction, plan: String = #"{"runNumber":1}"#,
                       controlNumbers: [(counter: String, reserved: ClosedRange<Int>, used: Int)] = []) -> (any Error)? {
        transaction.finish(plan: plan, superbills: [], uses: [], controlNumbers: controlNumbers) {}
        return transaction.waitForEnd()
    }

    @Test func claimsAndHistoryAreVisibleOnlyOnceTheRunCommits() throws {
        let (store, directory) = try Self.store("run-transaction-commit")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        transaction.insert((1...700).map { Self.claim("E\($0)") })
        transaction.saveEncounters([(id: "E1", dateOfService: LocalDate(iso: "2026-11-03")!, payer: "cigna", json: "{}")])
        // Another connection (a reader, or another process) sees nothing of the open run.
        #expect(try store.claims(since: Self.start).isEmpty)
        #expect(try store.preparedRuns().isEmpty)
        #expect(Self.commit(transaction) == nil)
        let claims = try store.claims(since: Self.start)
        #expect(claims.count == 700 && Set(claims.map(\.encounterId)) == Set((1...700).map { "E\($0)" }))
        #expect(claims.allSatisfy { $0.run == 1 && $0.x12File == "x12/cigna-000000001.x12" && $0.lines.count == 1 })
        #expect(try store.preparedRuns().map(\.plan) == [#"{"runNumber":1}"#])
        #expect(try store.encounters(since: Self.start).map(\.id) == ["E1"])
        #expect(try store.integrityCheck() == ["ok"])
        // The commit left the run's pages in the WAL; they are copied into the store file right
        // after (the writer's next use waits for it), and the writer checkpoints as usual again.
        #expect(try store.writerAutocheckpointPages() == 1000)
        let storeFile = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        #expect(storeFile > 200_000, "the run's rows are in the store file: \(storeFile) bytes")
    }

    /// A store another process keeps locked fails the run when its transaction opens, before any
    /// work (not after the whole input was processed).
    @Test func aLockedStoreFailsTheRunBeforeItStarts() throws {
        let (store, directory) = try Self.store("run-transaction-locked")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let impatient = try ClaimsStore(path: store.path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }, busyTimeout: 0.2))
        defer { try? impatient.close() }
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
        Thread {
            try? store.write { _ in holding.signal(); release.wait() }
            released.signal()
        }.start()
        holding.wait()
        #expect(throws: StoreError.self) { _ = try impatient.openRun(number: 1, outputDirectory: directory.path) }
        release.signal()
        released.wait()
        let transaction = try impatient.openRun(number: 1, outputDirectory: directory.path)
        #expect(Self.commit(transaction) == nil)
        #expect(try store.preparedRuns().map(\.number) == [1])
    }

    /// Voids and secondary claims read the encounter records through the run's transaction: they see
    /// the history this run saved (not yet committed), which the store's readers do not.
    @Test func readsThroughTheRunSeeItsOwnHistory() throws {
        let (store, directory) = try Self.store("run-transaction-reads")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        transaction.saveEncounters([(id: "E1", dateOfService: LocalDate(iso: "2026-11-03")!, payer: "cigna", json: #"{"id":"E1"}"#)])
        #expect(try transaction.encounterRecord("E1") == #"{"id":"E1"}"#)
        #expect(try store.encounterRecord("E1") == nil)
        #expect(try transaction.secondaryClaimCandidates().isEmpty)
        let corrections = RunCorrectionStore(base: StoreBatchAdapter(store: store), transaction: transaction)
        #expect(try corrections.encounterRecord("E1") == #"{"id":"E1"}"#)
        #expect(Self.commit(transaction) == nil)
        #expect(try store.encounterRecord("E1") == #"{"id":"E1"}"#)
        // After its end a read through it fails (it never hangs).
        #expect(throws: (any Error).self) { _ = try transaction.encounterRecord("E1") }
    }

    @Test func anAbandonedRunRecordsNothing() throws {
        let (store, directory) = try Self.store("run-transaction-abandon")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        transaction.insert([Self.claim("E1")])
        transaction.saveEncounters([(id: "E1", dateOfService: LocalDate(iso: "2026-11-03")!, payer: "cigna", json: "{}")])
        transaction.abandon()
        #expect(transaction.waitForEnd() == nil)
        #expect(try store.claims(since: Self.start).isEmpty)
        #expect(try store.encounters(since: Self.start).isEmpty)
        #expect(try store.preparedRuns().isEmpty)
        // The store's writer is free again.
        #expect(try store.allocateControlNumbers(name: "isa13") == 1...1)
        // A refused go-ahead (the files did not reach the disk) rolls back the same way.
        struct NotSynced: Error {}
        let refused = try store.openRun(number: 2, outputDirectory: directory.path)
        refused.insert([Self.claim("E2")])
        refused.finish(plan: "{}", superbills: [], uses: [], controlNumbers: []) { throw NotSynced() }
        #expect(refused.waitForEnd() is NotSynced)
        #expect(try store.claims(since: Self.start).isEmpty)
        #expect(try store.preparedRuns().isEmpty)
    }

    /// A line already on a claim fails the run's transaction where it is inserted; the run goes on
    /// (later work is dropped, never waited for) and its end reports the failure, with nothing recorded.
    @Test func aFailedInsertFailsTheWholeRunWithoutBlockingIt() throws {
        let (store, directory) = try Self.store("run-transaction-failure")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let first = try store.openRun(number: 1, outputDirectory: directory.path)
        first.insert([Self.claim("E1")])
        #expect(Self.commit(first) == nil)
        let second = try store.openRun(number: 2, outputDirectory: directory.path)
        second.insert([Self.claim("E2")])
        second.insert([Self.claim("E1")])
        for index in 0..<(RunTransaction.maximumWaiting * 3) { second.insert([Self.claim("L\(index)")]) }
        let failure = Self.commit(second)
        #expect("\(failure.map { "\($0)" } ?? "")".contains("billed_line: this line of the encounter is on a claim already"))
        #expect(try store.claims(since: Self.start).map(\.encounterId) == ["E1"])
        #expect(try store.preparedRuns().map(\.number) == [1])
    }

    @Test func unusedReservedNumbersAreGivenBackOnlyWhenNoOneDrewAfterThem() throws {
        let (store, directory) = try Self.store("run-transaction-numbers")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let adapter = StoreBatchAdapter(store: store)
        let numbers = try RunControlNumbers.reserve(store: adapter, payers: 3, inputBytes: 100_000)
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        numbers.drawBeyondReservation(from: transaction)
        #expect(try [numbers.next("isa13"), numbers.next("gs06"), numbers.next("st02"), numbers.next("st02"), numbers.next("isa13")] == [1, 1, 1, 2, 2])
        #expect(Self.commit(transaction, controlNumbers: numbers.usage) == nil)
        // The counters continue where the run stopped, as if it had drawn one number at a time.
        #expect(try store.allocateControlNumbers(name: "isa13") == 3...3)
        #expect(try store.allocateControlNumbers(name: "st02") == 3...3)
        #expect(try store.allocateControlNumbers(name: "gs06") == 2...2)

        // Someone draws from a counter while a run holds a reservation: that run's unused numbers stay a gap.
        let second = try RunControlNumbers.reserve(store: adapter, payers: 3, inputBytes: 100_000)
        let taken = try store.allocateControlNumbers(name: "st02")
        let run = try store.openRun(number: 2, outputDirectory: directory.path)
        second.drawBeyondReservation(from: run)
        let drawn = try second.next("st02")
        #expect(drawn == 4 && taken.lowerBound > drawn)
        #expect(Self.commit(run, controlNumbers: second.usage) == nil)
        #expect(try store.allocateControlNumbers(name: "st02").lowerBound == taken.upperBound + 1)

        // A run killed (never committed) leaves its whole reservation as a gap: never a repeat.
        let killed = try RunControlNumbers.reserve(store: adapter, payers: 3, inputBytes: 100_000)
        let killedRun = try store.openRun(number: 3, outputDirectory: directory.path)
        killed.drawBeyondReservation(from: killedRun)
        let lost = try killed.next("isa13")
        killedRun.abandon()
        #expect(try store.allocateControlNumbers(name: "isa13").lowerBound > lost)

        // A run that failed before its commit (nothing published) gives its whole reservation back.
        let before = try store.allocateControlNumbers(name: "st02").lowerBound
        let failed = try RunControlNumbers.reserve(store: adapter, payers: 3, inputBytes: 100_000)
        let failedRun = try store.openRun(number: 4, outputDirectory: directory.path)
        failed.drawBeyondReservation(from: failedRun)
        _ = try failed.next("st02")
        failedRun.abandon()
        try adapter.giveBackControlNumbers(failed.unusedAfterFailure)
        #expect(try store.allocateControlNumbers(name: "st02").lowerBound == before + 1)
    }

    /// The open transaction's pages are bounded by the run's smaller cache while it streams (issue 18),
    /// and the writer's own cache limit comes back after it ends.
    @Test func theOpenTransactionKeepsItsCacheSmall() throws {
        let (store, directory) = try Self.store("run-transaction-cache")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        // ~20 MB of history and claims: far more than the cache holds (CACHE_USED counts ~5 % of
        // page headers on top of the pages).
        let record = String(repeating: "x", count: 2_000)
        for block in 0..<10 {
            transaction.saveEncounters((0..<1_000).map { (id: "E\(block)-\($0)", dateOfService: LocalDate(iso: "2026-11-03")!, payer: "cigna", json: record) })
            transaction.insert((0..<500).map { Self.claim("C\(block)-\($0)") })
        }
        var peak = 0
        transaction.finish(plan: "{}", superbills: [], uses: [], controlNumbers: []) {
            // On the transaction's thread, before the commit: every row is inserted.
            peak = store.writerCacheBytesInTransaction()
        }
        #expect(transaction.waitForEnd() == nil)
        #expect(peak > 0 && peak <= 4 * 1024 * 1024 * 11 / 10, "the open transaction cache: \(peak) bytes")
        #expect(try store.encounters(since: Self.start).count == 10_000)
        #expect(try store.writerCacheLimitBytes() == 8 * 1024 * 1024)
    }

    /// The run's statement journals (one per insert: the foreign keys and triggers make every insert
    /// abortable half-way) live in memory while it streams, not in a temporary file written ~360,000
    /// times at 40,000 encounters (issue 18); the writer's default comes back after the run.
    @Test func theRunsStatementJournalsStayInMemory() throws {
        let (store, directory) = try Self.store("run-transaction-temp-store")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        #expect(store.writerTempStore(inTransaction: false) == 0)
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        transaction.insert((0..<50).map { Self.claim("C\($0)") })
        var during = -1
        transaction.finish(plan: "{}", superbills: [], uses: [], controlNumbers: []) {
            during = store.writerTempStore(inTransaction: true)
        }
        #expect(transaction.waitForEnd() == nil)
        #expect(during == 2, "PRAGMA temp_store while the run streams: \(during)")
        #expect(store.writerTempStore(inTransaction: false) == 0)
    }

    /// Claims go in several rows to a statement (`RunTransaction.rowsPerStatement`): every line still lands on
    /// its own claim, in order, whatever the chunk boundaries, and each claim gets its `sent` event.
    @Test func severalRowsToAStatementKeepEachLineOnItsClaim() throws {
        let (store, directory) = try Self.store("run-transaction-chunks")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let perStatement = RunTransaction.rowsPerStatement
        // Claims with 0 to 2 statements' worth of lines, in calls that end on, before and past a chunk.
        var number = 0
        func claims(_ count: Int) -> [StoredClaim] {
            (0..<count).map { _ in
                number += 1
                var claim = Self.claim("E\(number)")
                // Texts are bound in place: an empty one stays '' (not NULL), others keep every byte.
                claim.authNumber = [nil, "", "AUTH-\(number)", "Zoë-\(number)"][number % 4]
                claim.lines = (0..<(number * 7 % (2 * perStatement + 3))).map { line in
                    .init(line: line + 1, code: "E\(number)-\(line + 1)", chargeCents: Int64(number * 100 + line), units: 1)
                }
                return claim
            }
        }
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        for count in [1, perStatement, perStatement + 1, 2 * perStatement - 1, 3] { transaction.insert(claims(count)) }
        #expect(Self.commit(transaction) == nil)
        let stored = try store.claims(since: Self.start).sorted { $0.id! < $1.id! }
        #expect(stored.map(\.encounterId) == (1...number).map { "E\($0)" })
        for claim in stored {
            let encounter = Int(claim.encounterId.dropFirst())!
            #expect(claim.lines.map(\.code) == (0..<(encounter * 7 % (2 * perStatement + 3))).map { "\(claim.encounterId)-\($0 + 1)" })
            #expect(claim.lines.allSatisfy { $0.claimId == claim.id && $0.encounterId == claim.encounterId })
            #expect(claim.authNumber == [nil, "", "AUTH-\(encounter)", "Zoë-\(encounter)"][encounter % 4])
        }
        let histories = try store.claimHistories()
        #expect(histories.count == number && histories.allSatisfy { $0.events.map(\.record.kind) == ["sent"] })
    }

    /// Encounter history saved several rows to a statement: the last record of an encounter wins,
    /// within one statement as across statements.
    @Test func theLastRecordOfAnEncounterWinsInsideAStatement() throws {
        let (store, directory) = try Self.store("run-transaction-history-chunks")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let day = LocalDate(iso: "2026-11-03")!
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        // 20 encounters over 69 records: each repeats inside the first statement and across the others.
        let count = RunTransaction.rowsPerStatement * 2 + 5
        var records = (0..<count).map { (id: "E\($0 % 20)", dateOfService: day, payer: "cigna", json: "{\"n\":\($0)}") }
        records.append((id: "E1", dateOfService: day, payer: "aetna", json: "{\"last\":true}"))
        transaction.saveEncounters(records)
        #expect(Self.commit(transaction) == nil)
        let saved = Dictionary(uniqueKeysWithValues: try store.encounters(since: Self.start).map { ($0.id, $0) })
        #expect(saved.count == 20)
        #expect(saved["E1"]?.json == #"{"last":true}"# && saved["E1"]?.payer == "aetna")
        for id in 2..<20 { #expect(saved["E\(id)"]?.json == "{\"n\":\((0..<count).last { $0 % 20 == id }!)}") }
    }

    /// A run that needs more numbers than it reserved draws them inside its transaction.
    @Test func numbersBeyondTheReservationComeFromTheRunsTransaction() throws {
        let (store, directory) = try Self.store("run-transaction-overflow")
        defer { try? store.close(); try? FileManager.default.removeItem(at: directory) }
        let adapter = StoreBatchAdapter(store: store)
        let numbers = try RunControlNumbers.reserve(store: adapter, payers: 0, inputBytes: 0)
        let reserved = try #require(numbers.usage.first { $0.counter == "st02" }).reserved
        let transaction = try store.openRun(number: 1, outputDirectory: directory.path)
        numbers.drawBeyondReservation(from: transaction)
        var drawn: [Int] = []
        for _ in 0..<(reserved.count + 3) { drawn.append(try numbers.next("st02")) }
        #expect(drawn == Array(1...(reserved.count + 3)))
        #expect(Self.commit(transaction, controlNumbers: numbers.usage) == nil)
        #expect(try store.allocateControlNumbers(name: "st02").lowerBound == reserved.count + 4)
    }
}
