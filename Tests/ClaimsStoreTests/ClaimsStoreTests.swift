import ClaimsCore
import ClaimsStore
import ClaimsTestSupport
import Foundation
import GRDB
import Testing

private typealias S = StoreTestSupport

/// Issue 18's memory goal: the encounter history a batch streams through the writer does not stay in
/// its page cache, and the cache a run's transaction may fill is bounded.
@Suite("Store memory")
struct ClaimsStoreMemoryTests {
    @Test func savedEncountersDoNotStayInTheWritersCache() throws {
        let (store, _) = try S.makeStore("memory")
        #expect(try store.writerCacheLimitBytes() == 8 * 1024 * 1024)
        let padding = String(repeating: "x", count: 900)
        for block in 0..<4 {
            let records = (0..<1_000).map { index in
                let id = "E-\(block)-\(index)"
                return (id: id, dateOfService: S.date("2026-11-02"), payer: "bcbs-il", json: #"{"id":"\#(id)","note":"\#(padding)"}"#)
            }
            try store.saveEncounters(records)
            // ~1 MB of rows per save; without letting the pages go the cache would hold them all (4 MB).
            #expect(store.writerCacheBytes() < 256 * 1024, "after save \(block): \(store.writerCacheBytes()) bytes cached")
        }
        #expect(try store.rowCounts()["encounter"] == 4_000)
    }
}

@Suite("Store file, migrations and history")
struct ClaimsStoreFileTests {
    @Test func freshFileIsOwnerOnlyWALAndMigrated() throws {
        let (store, url) = try S.makeStore("fresh")
        _ = try store.add(S.auth(), by: "alice", vocabulary: S.vocabulary)
        #expect(try store.journalMode() == "wal")
        #expect(try store.appliedMigrations() == ClaimsStore.migrationIdentifiers)
        #expect(ClaimsStore.migrationIdentifiers == ["v1-prior-authorizations", "v2-control-numbers", "v3-batch-runs", "v4-rule-versions", "v5-rule-installs",
                                                      "v6-payer-responses", "v7-billed-units", "v8-estimates", "v9-claim-corrections", "v10-eligibility",
                                                       "v11-authorization-requests", "v12-check-lists"])
        #expect(try S.mode(url.path) == 0o600)
        // While the store is open after a write, SQLite keeps -wal/-shm beside it with the file's mode.
        #expect(FileManager.default.fileExists(atPath: url.path + "-wal"))
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: url.path + suffix) {
            #expect(try S.mode(url.path + suffix) == 0o600, "\(suffix) must be owner-only")
        }
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func reopeningKeepsDataAndMigrationsAreIdempotent() throws {
        let (store, url) = try S.makeStore("reopen")
        let added = try store.add(S.auth(authNumber: "A-1"), by: "alice", vocabulary: S.vocabulary)
        let counts = try store.rowCounts()
        try store.close()

        for _ in 0..<3 {
            let again = try S.reopen(url)
            #expect(try again.appliedMigrations() == ClaimsStore.migrationIdentifiers)
            #expect(try again.rowCounts() == counts)
            #expect(try again.authorization(.id(added.id!)) == added)
            try again.close()
        }
    }

    @Test func openFailuresAreReportedAsCannotOpenOrCorrupt() throws {
        let directory = try Fixtures.temporaryDirectory("open-fail")
        let missing = directory.appendingPathComponent("no/such/dir/claims.sqlite").path
        #expect { try ClaimsStore(path: missing, configuration: .init(clock: { Date() })) } throws: { error in
            (error as? StoreError)?.code == .cannotOpen && "\(error)".contains("directory")
        }
        let notADatabase = directory.appendingPathComponent("notes.sqlite")
        try Data(String(repeating: "this is not a database\n", count: 200).utf8).write(to: notADatabase)
        #expect { try ClaimsStore(path: notADatabase.path, configuration: .init(clock: { Date() })) } throws: { error in
            (error as? StoreError)?.code == .corrupt
        }
    }

    @Test func addWritesACreatedHistoryRow() throws {
        let clock = TestClock("2026-11-20T09:15:00.250Z")
        let (store, _) = try S.makeStore("history", clock: clock)
        let added = try store.add(S.auth(status: .approved, authNumber: "BC-778", units: 12, note: "verbal approval"),
                                  by: "alice", vocabulary: S.vocabulary)
        #expect(added.id != nil)
        let history = try store.history(of: added.id!)
        #expect(history.count == 1)
        let entry = try #require(history.first)
        #expect(entry.action == .created)
        #expect(entry.by == "alice")
        #expect(StoreTimestamp.format(entry.at) == "2026-11-20T09:15:00.250Z")
        #expect(entry.changes["status"] == FieldChange(from: nil, to: .text("approved")))
        #expect(entry.changes["units"] == FieldChange(from: nil, to: .integer(12)))
        #expect(entry.changes["authNumber"] == FieldChange(from: nil, to: .text("BC-778")))
        #expect(entry.changes["end"] == FieldChange(from: nil, to: .text("2026-12-31")))
        #expect(entry.changes["submittedOn"] == nil, "only a submitted request gets a submission day")
    }

    @Test func updateRecordsOnlyChangedFieldsAndANoOpWritesNothing() throws {
        let clock = TestClock()
        let (store, _) = try S.makeStore("update", clock: clock)
        let added = try store.add(S.auth(status: .submitted, end: nil), by: "alice", vocabulary: S.vocabulary)
        #expect(added.submittedOn == S.date("2026-11-20"), "today from the clock")

        clock.advance(seconds: 3600)
        let result = try store.update(.id(added.id!), with: AuthorizationChanges(status: .approved, authNumber: "BC-9", units: 6,
                                                                                end: S.date("2027-02-28")), by: "bob")
        #expect(result.changed)
        #expect(Set(result.changes.keys) == ["status", "authNumber", "units", "end"])
        #expect(result.changes["status"] == FieldChange(from: .text("submitted"), to: .text("approved")))
        #expect(result.changes["end"] == FieldChange(from: nil, to: .text("2027-02-28")))

        let unchanged = try store.update(.authNumber("BC-9"), with: AuthorizationChanges(status: .approved, units: 6), by: "bob")
        #expect(!unchanged.changed)

        let history = try store.history(of: added.id!)
        #expect(history.map(\.action) == [.created, .updated])
        #expect(history[1].by == "bob")
        #expect(StoreTimestamp.format(history[1].at) == "2026-11-20T16:30:00.000Z")
        #expect(history[1].changes == result.changes)

        // Clearing an optional field is recorded as a change to null.
        let cleared = try store.update(.id(added.id!), with: AuthorizationChanges(clearing: [.units]), by: "bob")
        #expect(cleared.changes == ["units": FieldChange(from: .integer(6), to: nil)])
        #expect(try store.authorization(.id(added.id!)).units == nil)
    }

    @Test func resubmittingResetsTheSubmissionDay() throws {
        let clock = TestClock("2026-11-01T12:00:00.000Z")
        let (store, _) = try S.makeStore("resubmit", clock: clock)
        let added = try store.add(S.auth(status: .submitted), by: "alice", vocabulary: S.vocabulary)
        #expect(added.submittedOn == S.date("2026-11-01"))
        clock.set("2026-11-05T12:00:00.000Z")
        _ = try store.update(.id(added.id!), with: AuthorizationChanges(status: .pending), by: "alice")
        clock.set("2026-11-09T12:00:00.000Z")
        let back = try store.update(.id(added.id!), with: AuthorizationChanges(status: .submitted), by: "alice")
        #expect(back.authorization.submittedOn == S.date("2026-11-09"))
    }

    @Test func referencesResolveByIdOrAuthNumber() throws {
        let (store, _) = try S.makeStore("reference")
        let first = try store.add(S.auth(authNumber: "A-100"), by: "alice", vocabulary: S.vocabulary)
        let second = try store.add(S.auth(payer: "cigna", authNumber: "A-100"), by: "alice", vocabulary: S.vocabulary)
        let numeric = try store.add(S.auth(payer: "aetna", authNumber: "\(first.id!)"), by: "alice", vocabulary: S.vocabulary)

        #expect(try store.authorization(.id(second.id!)).payer == "cigna")
        do {
            _ = try store.authorization(.idOrAuthNumber("A-100"))
            Issue.record("an auth number shared by two payers must be ambiguous")
        } catch { #expect(error.code == .ambiguous && error.message.contains("give the id")) }
        // "1" is both the id of `first` and the auth number of `numeric`: refuse to guess.
        do {
            _ = try store.authorization(.idOrAuthNumber("\(first.id!)"))
            Issue.record("expected ambiguity")
        } catch { #expect(error.code == .ambiguous) }
        #expect(try store.authorization(.idOrAuthNumber("\(numeric.id!)")).id == numeric.id)
        do {
            _ = try store.authorization(.idOrAuthNumber("NOPE"))
            Issue.record("expected not found")
        } catch { #expect(error.code == .notFound && error.message.contains("preauth list")) }
        // The same payer may not record one auth number twice.
        #expect { try store.add(S.auth(patient: "PT-9", authNumber: "A-100"), by: "alice", vocabulary: S.vocabulary) } throws: { error in
            (error as? StoreError)?.field == "auth-number"
        }
    }
}

@Suite("Refused input stores nothing")
struct ClaimsStoreValidationTests {
    struct BadInput: CustomStringConvertible, Sendable {
        var description: String
        var field: String
        var auth: PriorAuthorization
    }

    static let badInputs: [BadInput] = [
        BadInput(description: "unknown payer", field: "payer", auth: S.auth(payer: "bcbs")),
        BadInput(description: "unknown service", field: "service", auth: S.auth(service: "ketamine")),
        BadInput(description: "end before start", field: "end", auth: S.auth(start: "2026-12-01", end: "2026-11-30")),
        BadInput(description: "negative units", field: "units", auth: S.auth(units: -1)),
        BadInput(description: "empty patient", field: "patient", auth: S.auth(patient: "")),
        BadInput(description: "patient with a newline", field: "patient", auth: S.auth(patient: "PT-1\n")),
        BadInput(description: "auth number with an X12 separator", field: "auth-number", auth: S.auth(authNumber: "A~1")),
        BadInput(description: "auth number too long", field: "auth-number", auth: S.auth(authNumber: String(repeating: "9", count: 51))),
        BadInput(description: "note with a control character", field: "note", auth: S.auth(note: "bad\u{07}")),
        BadInput(description: "units used on a new authorization", field: "unitsUsed",
                 auth: { var auth = S.auth(); auth.unitsUsed = 2; return auth }()),
    ]

    @Test(arguments: badInputs)
    func refusedAddLeavesNothingBehind(_ input: BadInput) throws {
        let (store, url) = try S.makeStore("refused")
        _ = try store.add(S.auth(authNumber: "KEEP-1"), by: "alice", vocabulary: S.vocabulary)
        let counts = try store.rowCounts()
        let bytes = S.fileBytes(url)
        do {
            _ = try store.add(input.auth, by: "alice", vocabulary: S.vocabulary)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == input.field)
            #expect(error.message.count > 20, "the message says how to fix it: \(error.message)")
        }
        #expect(try store.rowCounts() == counts)
        #expect(S.fileBytes(url) == bytes)
    }

    @Test func refusedUpdateLeavesNothingBehind() throws {
        let (store, url) = try S.makeStore("refused-update")
        let added = try store.add(S.auth(units: 10), by: "alice", vocabulary: S.vocabulary)
        let counts = try store.rowCounts()
        let bytes = S.fileBytes(url)
        let attempts: [(AuthorizationChanges, String)] = [
            (AuthorizationChanges(end: S.date("2026-10-01")), "end"),
            (AuthorizationChanges(units: -3), "units"),
            (AuthorizationChanges(status: .denied), "status"),
            (AuthorizationChanges(authNumber: "X*1"), "auth-number"),
        ]
        for (changes, field) in attempts {
            #expect { try store.update(.id(added.id!), with: changes, by: "bob") } throws: { error in
                (error as? StoreError)?.field == field
            }
        }
        #expect { try store.update(.id(added.id!), with: AuthorizationChanges(note: "x"), by: " ") } throws: { error in
            (error as? StoreError)?.field == "by"
        }
        #expect(try store.rowCounts() == counts)
        #expect(S.fileBytes(url) == bytes)
        #expect(try store.authorization(.id(added.id!)) == added)
    }

    @Test func textInputIsParsedWithFieldNamedErrors() throws {
        #expect(try AuthorizationInput.status("Approved") == .approved)
        #expect(try AuthorizationInput.units("12") == 12)
        #expect(try AuthorizationInput.units("unlimited") == nil)
        #expect(try AuthorizationInput.date("2026-11-20", field: "start") == S.date("2026-11-20"))
        #expect(try AuthorizationInput.state("expired") == .expired)

        let cases: [(() throws -> Void, String, String)] = [
            ({ _ = try AuthorizationInput.status("aproved") }, "status", "use one of submitted, pending"),
            ({ _ = try AuthorizationInput.status("expired") }, "status", "derived"),
            ({ _ = try AuthorizationInput.date("2026-02-30", field: "end") }, "end", "YYYY-MM-DD"),
            ({ _ = try AuthorizationInput.date("11/20/2026", field: "start") }, "start", "YYYY-MM-DD"),
            ({ _ = try AuthorizationInput.units("-1") }, "units", "negative"),
            ({ _ = try AuthorizationInput.units("twelve") }, "units", "whole number"),
            ({ _ = try AuthorizationInput.state("done") }, "status", "expired, exhausted"),
        ]
        for (attempt, field, hint) in cases {
            do {
                try attempt()
                Issue.record("accepted input for \(field)")
            } catch let error as StoreError {
                #expect(error.field == field)
                #expect(error.message.contains(hint), "\(error.message)")
            }
        }
    }

    @Test func timestampsRoundTrip() {
        let date = StoreTimestamp.parse("2026-02-28T23:59:59.999Z")!
        #expect(StoreTimestamp.format(date) == "2026-02-28T23:59:59.999Z")
        #expect(StoreTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(StoreTimestamp.parse("2026-02-28 23:59:59") == nil)
        let chicago = TimeZone(identifier: "America/Chicago")!
        #expect(StoreTimestamp.localDay(of: StoreTimestamp.parse("2026-11-21T03:00:00.000Z")!, in: chicago) == S.date("2026-11-20"))
    }
}

@Suite("Status transitions")
struct ClaimsStoreTransitionTests {
    static let pairs = AuthorizationStatus.allCases.flatMap { from in AuthorizationStatus.allCases.map { (from, $0) } }

    @Test(arguments: pairs)
    func transitionIsAllowedExactlyWhenTheStateMachineSaysSo(_ from: AuthorizationStatus, _ to: AuthorizationStatus) throws {
        let (store, _) = try S.makeStore("transition")
        let added = try store.add(S.auth(status: from), by: "alice", vocabulary: S.vocabulary)
        let counts = try store.rowCounts()
        if from.canMove(to: to) {
            let result = try store.update(.id(added.id!), with: AuthorizationChanges(status: to, note: "moved"), by: "bob")
            #expect(result.authorization.status == to)
            #expect(try store.history(of: added.id!).count == 2)
        } else {
            do {
                _ = try store.update(.id(added.id!), with: AuthorizationChanges(status: to, note: "moved"), by: "bob")
                Issue.record("\(from) → \(to) was allowed")
            } catch {
                #expect(error.code == .transitionRefused)
                #expect(error.field == "status")
                #expect(error.message.contains("is \(from.rawValue)") && error.message.contains("not \(to.rawValue)"))
            }
            #expect(try store.rowCounts() == counts)
            #expect(try store.authorization(.id(added.id!)) == added)
        }
    }
}

@Suite("Derived states, units used and filters")
struct ClaimsStoreStateTests {
    @Test func derivedStatesAndFilters() throws {
        let (store, _) = try S.makeStore("states")
        let asOf = S.date("2026-11-20")
        let expired = try store.add(S.auth(patient: "PT-1", end: "2026-11-19"), by: "a", vocabulary: S.vocabulary)
        let exhausted = try store.add(S.auth(patient: "PT-2", units: 2), by: "a", vocabulary: S.vocabulary)
        let endingSoon = try store.add(S.auth(patient: "PT-3", service: "tms", units: 30, end: "2026-11-30"), by: "a", vocabulary: S.vocabulary)
        let pending = try store.add(S.auth(patient: "PT-1", payer: "cigna", status: .pending), by: "a", vocabulary: S.vocabulary)
        let lastDay = try store.add(S.auth(patient: "PT-4", end: "2026-11-20"), by: "a", vocabulary: S.vocabulary)
        try store.recordUse(authorizationId: exhausted.id!, encounterId: "ENC-1", date: S.date("2026-11-02"))
        try store.recordUse(authorizationId: exhausted.id!, encounterId: "ENC-2", date: S.date("2026-11-09"))

        func ids(_ filter: AuthorizationFilter) throws -> [Int64] { try store.list(filter).map { $0.id! } }
        let all = try store.list(AuthorizationFilter(asOf: asOf))
        #expect(all.map { $0.state(asOf: asOf) } == [.expired, .exhausted, .approved, .pending, .approved])
        #expect(try ids(AuthorizationFilter(asOf: asOf, state: .expired)) == [expired.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, state: .exhausted)) == [exhausted.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, state: .approved)) == [endingSoon.id!, lastDay.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, state: .pending)) == [pending.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, patientId: "PT-1")) == [expired.id!, pending.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, payer: "cigna")) == [pending.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, service: "tms")) == [endingSoon.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, expiringWithinDays: 10)) == [endingSoon.id!, lastDay.id!])
        #expect(try ids(AuthorizationFilter(asOf: asOf, expiringWithinDays: 0)) == [lastDay.id!])
        // A day later the last-day approval has expired.
        #expect(try ids(AuthorizationFilter(asOf: asOf.adding(days: 1), state: .expired)) == [expired.id!, lastDay.id!])
    }

    @Test func unitsUsedCountRecordedUsesAndRecordingIsIdempotent() throws {
        let (store, _) = try S.makeStore("uses")
        let auth = try store.add(S.auth(units: 3), by: "alice", vocabulary: S.vocabulary)
        let other = try store.add(S.auth(patient: "PT-2002", service: "tms"), by: "alice", vocabulary: S.vocabulary)
        #expect(try store.recordUse(authorizationId: auth.id!, encounterId: "ENC-1", date: S.date("2026-11-03")))
        #expect(try store.recordUse(authorizationId: auth.id!, encounterId: "ENC-2", date: S.date("2026-11-10")))
        #expect(try !store.recordUse(authorizationId: auth.id!, encounterId: "ENC-1", date: S.date("2026-11-03")), "second time is a no-op")

        let stored = try store.authorization(.id(auth.id!))
        #expect(stored.unitsUsed == 2)
        #expect(stored.unitsRemaining == 1)
        #expect(try store.uses(of: auth.id!).map(\.encounterId) == ["ENC-1", "ENC-2"])
        #expect(try store.history(of: auth.id!).map(\.action) == [.created, .used, .used])
        #expect(try store.history(of: auth.id!).last?.changes == ["unitsUsed": FieldChange(from: .integer(1), to: .integer(2))])

        let forPatients = try store.authorizations(forPatients: ["PT-1001", "PT-2002", "PT-none"])
        #expect(forPatients.map(\.id) == [auth.id, other.id])
        #expect(forPatients.map(\.unitsUsed) == [2, 0])
        #expect(try store.authorizations(forPatients: [String]()).isEmpty)

        #expect { try store.recordUse(authorizationId: 9999, encounterId: "ENC-1", date: S.date("2026-11-03")) } throws: { error in
            (error as? StoreError)?.code == .notFound
        }
    }

    @Test func aUseTheAuthorizationNoLongerCoversIsRefused() throws {
        let (store, _) = try S.makeStore("uses-refused")
        let one = try store.add(S.auth(units: 1), by: "alice", vocabulary: S.vocabulary)
        #expect(try store.recordUse(authorizationId: one.id!, encounterId: "ENC-1", date: S.date("2026-11-03")))
        let counts = try store.rowCounts()
        // The last unit is gone: a second batch that evaluated before the first committed must not spend it.
        #expect { try store.recordUse(authorizationId: one.id!, encounterId: "ENC-2", date: S.date("2026-11-04")) } throws: { error in
            (error as? StoreError)?.code == .authorizationUnusable && "\(error)".contains("all 1 units are used")
        }
        // Recording an encounter already recorded stays a no-op, even now.
        #expect(try !store.recordUse(authorizationId: one.id!, encounterId: "ENC-1", date: S.date("2026-11-03")))

        let pending = try store.add(S.auth(patient: "PT-2", status: .pending), by: "alice", vocabulary: S.vocabulary)
        #expect { try store.recordUse(authorizationId: pending.id!, encounterId: "ENC-3", date: S.date("2026-11-05")) } throws: { error in
            "\(error)".contains("it is pending")
        }
        let window = try store.add(S.auth(patient: "PT-3"), by: "alice", vocabulary: S.vocabulary)
        #expect { try store.recordUse(authorizationId: window.id!, encounterId: "ENC-4", date: S.date("2027-01-02")) } throws: { error in
            "\(error)".contains("outside 2026-11-01–2026-12-31")
        }
        #expect(try store.rowCounts()["authorization_use"] == counts["authorization_use"])
    }

    @Test func aBatchCanGroupUsesAndControlNumbersInOneTransaction() throws {
        let (store, _) = try S.makeStore("batch-tx")
        let auth = try store.add(S.auth(units: 5), by: "alice", vocabulary: S.vocabulary)
        struct Abort: Error {}
        // A failure after recording rolls back the use and the allocation together.
        #expect(throws: (any Error).self) {
            try store.write { tx in
                try tx.recordUse(authorizationId: auth.id!, encounterId: "ENC-9", date: S.date("2026-11-03"))
                _ = try tx.allocateControlNumbers(name: "isa13")
                throw Abort()
            }
        }
        #expect(try store.authorization(.id(auth.id!)).unitsUsed == 0)
        let range = try store.write { tx in
            try tx.recordUse(authorizationId: auth.id!, encounterId: "ENC-9", date: S.date("2026-11-03"))
            return try tx.allocateControlNumbers(name: "isa13")
        }
        #expect(range == 1...1)
        #expect(try store.authorization(.id(auth.id!)).unitsUsed == 1)
    }
}

@Suite("Control numbers")
struct ClaimsStoreControlNumberTests {
    @Test func numbersAreConsecutiveAndNeverReusedAcrossReopen() throws {
        let (store, url) = try S.makeStore("control")
        #expect(try store.allocateControlNumbers(name: "isa13") == 1...1)
        #expect(try store.allocateControlNumbers(name: "isa13", count: 5) == 2...6)
        #expect(try store.allocateControlNumbers(name: "st02") == 1...1, "counters are independent")
        try store.close()
        let reopened = try S.reopen(url)
        #expect(try reopened.allocateControlNumbers(name: "isa13", count: 2) == 7...8)
    }

    @Test func refusedAllocationsChangeNothing() throws {
        let (store, _) = try S.makeStore("control-refused")
        #expect(try store.allocateControlNumbers(name: "gs06", count: 9, maximum: 10) == 1...9)
        #expect { try store.allocateControlNumbers(name: "gs06", count: 2, maximum: 10) } throws: { error in
            (error as? StoreError)?.code == .exhausted
        }
        #expect { try store.allocateControlNumbers(name: "gs06", count: 0) } throws: { error in
            (error as? StoreError)?.field == "count"
        }
        #expect(try store.allocateControlNumbers(name: "gs06", count: 1, maximum: 10) == 10...10)
    }

    @Test func concurrentAllocationsInOneProcessNeverOverlap() async throws {
        let (store, _) = try S.makeStore("control-threads")
        let ranges = try await withThrowingTaskGroup(of: ClosedRange<Int>.self) { group in
            for index in 0..<40 { group.addTask { try store.allocateControlNumbers(name: "isa13", count: index % 3 + 1) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let numbers = ranges.flatMap { Array($0) }.sorted()
        #expect(numbers == Array(1...numbers.count))
    }
}

@Suite("Audit rows are append-only")
struct ClaimsStoreAppendOnlyTests {
    /// Raw SQL on its own GRDB connection, as `sqlite3` would send it: the store's triggers refuse it.
    @Test(arguments: ["UPDATE prior_authorization_history SET \"by\" = 'mallory'", "DELETE FROM prior_authorization_history",
                      "DELETE FROM prior_authorization", "UPDATE authorization_use SET encounter_id = 'E-X'"])
    func auditRowsCannotBeRewrittenEvenWithSQL(_ sql: String) throws {
        let (store, url) = try S.makeStore("append-only")
        let added = try store.add(S.auth(), by: "alice", vocabulary: S.vocabulary)
        #expect(try store.recordUse(authorizationId: added.id!, encounterId: "E-1", date: S.date("2026-11-02"), by: "batch"))
        try store.close()
        let raw = try DatabaseQueue(path: url.path)
        let error = #expect(throws: DatabaseError.self, "\(sql) must be refused") { try raw.write { try $0.execute(sql: sql) } }
        // Refused by the store's own triggers (RAISE(ABORT, …)), not by some other failure.
        #expect(error?.resultCode == .SQLITE_CONSTRAINT)
        #expect(["append-only", "never deleted"].contains { error?.message?.contains($0) == true }, "\(String(describing: error))")
        try raw.close()
        let reopened = try S.reopen(url)
        #expect(try reopened.history(of: 1).map(\.by) == ["alice", "batch"])
        #expect(try reopened.uses(of: 1).map(\.encounterId) == ["E-1"])
        #expect(try reopened.rowCounts()["prior_authorization"] == 1)
    }
}

@Suite("Batch records")
struct BatchRecordTests {
    private func claim(_ encounter: String, lines: [Int], auth: String? = nil) -> StoredClaim {
        StoredClaim(encounterId: encounter, patientId: "PT-1", payer: "bcbs-il", dateOfService: "2026-11-02", x12File: "x12/a.x12",
                    fhirFile: "fhir/a.xml", interchangeControlNumber: "000000001", groupControlNumber: "1", transactionSetControlNumber: "0001",
                    totalCents: 30_500, authNumber: auth, ruleVersion: "abc", lines: lines.map { .init(line: $0, code: "99214", chargeCents: 21_000) })
    }

    @Test func aRunIsRecordedWithItsClaimsLinesAndSuperbills() throws {
        let (store, _) = try S.makeStore("batch-record")
        var calledBeforeCommit = false
        try store.recordPreparedRun(number: 1, outputDirectory: "/out", plan: "{}",
                                    claims: [claim("E-1", lines: [1, 2], auth: "PA-9"), claim("E-2", lines: [1])],
                                    superbills: [StoredSuperbill(encounterId: "E-3", file: "superbills/E-3.html", totalCents: 45_000, balanceDueCents: 0)],
                                    uses: [], beforeCommit: { calledBeforeCommit = true })
        #expect(calledBeforeCommit)
        #expect(try store.billedLines(encounterId: "E-1") == [1, 2])
        #expect(try store.billedLines(encounterId: "E-2") == [1])
        let summaries = try store.claims(since: S.date("2026-11-01"))
        #expect(summaries.map(\.encounterId) == ["E-1", "E-2"])
        #expect(summaries.map(\.totalCents) == [30_500, 30_500])
        #expect(try store.integrityCheck() == ["ok"])
    }

    /// POLICY §5.1/§5.2: what a re-sent encounter is compared with (code, charge, units, date of service)
    /// and the units of a patient's day. A line recorded before units were kept (NULL) counts one unit.
    @Test func billedUnitsAndPriorBillingCarryUnitsAndTheDate() throws {
        let (store, url) = try S.makeStore("batch-units")
        var twoUnits = claim("E-1", lines: [1, 2])
        twoUnits.lines[1].code = "G2083"
        twoUnits.lines[1].units = Decimal(string: "2.5")!
        try store.recordPreparedRun(number: 1, outputDirectory: "/out", plan: "{}", claims: [twoUnits, claim("E-2", lines: [1])], superbills: [], uses: [])
        let day = try store.billedUnits(patientId: "PT-1", dateOfService: S.date("2026-11-02"))
        #expect(day.map(\.encounterId) == ["E-1", "E-1", "E-2"])
        #expect(day.map(\.code) == ["99214", "G2083", "99214"])
        #expect(day.map(\.units) == [1, Decimal(string: "2.5")!, 1])
        #expect(try store.billedUnits(patientId: "PT-2", dateOfService: S.date("2026-11-02")).isEmpty)
        #expect(try store.billedUnits(patientId: "PT-1", dateOfService: S.date("2026-11-03")).isEmpty)
        let prior = try store.priorBilling(encounterId: "E-1").billed
        #expect(prior[2]?.code == "G2083" && prior[2]?.units == Decimal(string: "2.5")! && prior[2]?.dateOfService == "2026-11-02")
        try store.close()
        // A line recorded before migration v7 has no units.
        let raw = try DatabaseQueue(path: url.path)
        try raw.write { try $0.execute(sql: "UPDATE billed_line SET units = NULL WHERE encounter_id = 'E-1' AND line = 2") }
        try raw.close()
        let reopened = try S.reopen(url)
        #expect(try reopened.billedUnits(patientId: "PT-1", dateOfService: S.date("2026-11-02")).map(\.units) == [1, 1, 1])
        #expect(try reopened.priorBilling(encounterId: "E-1").billed[2]?.units == nil)
    }

    @Test func aLineBilledTwiceFailsTheWholeRunAndRecordsNothingOfIt() throws {
        let (store, _) = try S.makeStore("batch-twice")
        try store.recordPreparedRun(number: 1, outputDirectory: "/out", plan: "{}", claims: [claim("E-1", lines: [1])], superbills: [], uses: [])
        let error = #expect(throws: StoreError.self) {
            try store.recordPreparedRun(number: 2, outputDirectory: "/out", plan: "{}",
                                        claims: [claim("E-2", lines: [1]), claim("E-1", lines: [1])], superbills: [], uses: [])
        }
        #expect(error?.description.contains("billed_line") == true)
        #expect(try store.billedLines(encounterId: "E-2").isEmpty, "the run's earlier inserts were rolled back")
        #expect(try store.claims(since: S.date("2026-11-01")).map(\.run) == [1])
    }

    @Test func encountersAreKeptWithTheirLatestJSON() throws {
        let (store, _) = try S.makeStore("batch-encounters")
        try store.saveEncounters([("E-1", S.date("2026-11-02"), "bcbs-il", #"{"id":"E-1","v":1}"#),
                                  ("E-2", S.date("2026-10-01"), "aetna", #"{"id":"E-2"}"#)])
        try store.saveEncounters([("E-1", S.date("2026-11-03"), "bcbs-il", #"{"id":"E-1","v":2,"name":"Zoë"}"#)])
        let kept = try store.encounters(since: S.date("2026-11-01"))
        #expect(kept.map(\.id) == ["E-1"])
        #expect(kept.first?.json == #"{"id":"E-1","v":2,"name":"Zoë"}"#)
    }
}
