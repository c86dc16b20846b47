import ClaimsCore
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

private typealias S = StoreTestSupport

/// The record types read back what was written, field for field: the bulk inserts of a run and the
/// GRDB coding of each record agree on every column.
@Suite("Store records")
struct StoreRecordTests {
    @Test func aRecordedRunReadsBackAsTheSameRecords() throws {
        let clock = TestClock("2026-11-20T17:30:00.125Z")
        let (store, _) = try S.makeStore("records-run", clock: clock)
        let claim = StoredClaim(encounterId: "E-1", patientId: "PT-1", payer: "cigna", dateOfService: "2026-11-03", x12File: "x12/cigna.x12",
                                fhirFile: "fhir/cigna.xml", interchangeControlNumber: "000000007", groupControlNumber: "7",
                                transactionSetControlNumber: "0007", totalCents: 128_982, authNumber: "PA-1", ruleVersion: "sha",
                                lines: [.init(line: 1, code: "G2083", chargeCents: 128_932), .init(line: 2, code: "99214", chargeCents: 50)])
        let superbill = StoredSuperbill(encounterId: "E-2", file: "superbills/E-2.html", totalCents: 90_500, balanceDueCents: 40_550)
        try store.recordPreparedRun(number: 4, outputDirectory: "/out", plan: #"{"moves":[]}"#, claims: [claim], superbills: [superbill], uses: [])

        var expected = claim
        expected.run = 4
        expected.createdAt = "2026-11-20T17:30:00.125Z"
        let stored = try store.claims(since: S.date("2026-11-01"))
        #expect(stored.count == 1)
        expected.id = stored.first?.id
        expected.lines = claim.lines.map { line in
            var line = line
            line.encounterId = "E-1"
            line.claimId = stored.first?.id
            return line
        }
        #expect(stored == [expected])
        let runs = try store.preparedRuns()
        #expect(runs.map(\.number) == [4])
        #expect(runs.map(\.plan) == [#"{"moves":[]}"#])
        #expect(runs.map(\.outputDirectory) == ["/out"])
        #expect(runs.map(\.preparedAt) == ["2026-11-20T17:30:00.125Z"])
        #expect(runs.first?.committedAt == nil)
        clock.advance(seconds: 1)
        try store.markRunCommitted(number: 4)
        #expect(try store.preparedRuns().isEmpty)
        #expect(try store.priorBilling(encounterId: "E-2").superbillIssued)
    }

    @Test func historyAndUsesReadBackTheirTimestampsAndChanges() throws {
        let clock = TestClock("2026-11-20T09:15:00.250Z")
        let (store, _) = try S.makeStore("records-history", clock: clock)
        let added = try store.add(S.auth(authNumber: "BC-7", units: 2, note: "a/b"), by: "alice", vocabulary: S.vocabulary)
        let id = try #require(added.id)
        clock.advance(seconds: 60)
        #expect(try store.recordUse(authorizationId: id, encounterId: "E-1", date: S.date("2026-11-03")))
        let uses = try store.uses(of: id)
        #expect(uses.map(\.authorizationId) == [id])
        #expect(uses.map(\.encounterId) == ["E-1"])
        #expect(uses.map(\.dateOfService) == [S.date("2026-11-03")])
        #expect(uses.map(\.recordedAt) == [StoreTimestamp.parse("2026-11-20T09:16:00.250Z")!])
        let history = try store.history(of: id)
        #expect(history.map(\.action) == [.created, .used])
        #expect(history.map(\.at) == [StoreTimestamp.parse("2026-11-20T09:15:00.250Z")!, StoreTimestamp.parse("2026-11-20T09:16:00.250Z")!])
        #expect(history.first?.changes["note"] == FieldChange(from: nil, to: .text("a/b")))
        #expect(history.last?.changes["unitsUsed"] == FieldChange(from: .integer(0), to: .integer(1)))
        #expect(try store.authorization(.id(id)).unitsUsed == 1)
    }
}
