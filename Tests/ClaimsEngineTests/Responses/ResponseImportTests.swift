import ClaimsCore
@testable import ClaimsEngine
import ClaimsStore
import ClaimsTestSupport
import ClaimsX12
import Foundation
import Testing

/// A store (a real SQLite file) holding the claims the response fixtures answer (Tests/Fixtures/responses):
/// group 101 / set 0001 holds ENC-R-0001, -0002, -0005, -0006, -0007; group 102 holds ENC-R-0003 (set 0001) and ENC-R-0004 (set 0002).
struct ResponseWorkspace {
    let store: ClaimsStore
    let path: String
    let codes: ResponseCodeLists

    static func claim(_ id: String, date: String, group: String, set: String, lines: [(String, Int64)]) -> StoredClaim {
        StoredClaim(encounterId: id, patientId: "PT-" + id.suffix(4), payer: "bcbs-il", dateOfService: date, x12File: "bcbs-il-\(group).x12",
                    fhirFile: "bcbs-il-\(group).xml", interchangeControlNumber: "000000\(group)", groupControlNumber: group,
                    transactionSetControlNumber: set, totalCents: lines.reduce(0) { $0 + $1.1 }, authNumber: nil, ruleVersion: "test",
                    lines: lines.enumerated().map { StoredClaim.BilledLine(line: $0.offset + 1, code: $0.element.0, chargeCents: $0.element.1) })
    }

    init() throws {
        let directory = try Fixtures.temporaryDirectory("responses")
        path = directory.appendingPathComponent("claims.sqlite").path
        store = try ClaimsStore(path: path, configuration: .init(clock: { Date(timeIntervalSince1970: 1_795_000_000) }))
        codes = try CodeListLoader.load(payers: Fixtures.repositoryRoot.appendingPathComponent("Payers").path)
        try store.recordPreparedRun(number: 1, outputDirectory: directory.path, plan: "{}", claims: [
            Self.claim("ENC-R-0001", date: "2026-11-03", group: "101", set: "0001", lines: [("99214", 21_000), ("J0013", 112_000)]),
            Self.claim("ENC-R-0002", date: "2026-11-05", group: "101", set: "0001", lines: [("90837", 18_000)]),
            Self.claim("ENC-R-0005", date: "2026-08-10", group: "101", set: "0001", lines: [("J0013", 112_000)]),
            Self.claim("ENC-R-0006", date: "2026-11-10", group: "101", set: "0001", lines: [("99213", 15_000), ("90833", 9_500)]),
            Self.claim("ENC-R-0007", date: "2026-11-12", group: "101", set: "0001", lines: [("99214", 21_000)]),
            Self.claim("ENC-R-0003", date: "2026-11-06", group: "102", set: "0001", lines: [("90868", 30_000)]),
            Self.claim("ENC-R-0004", date: "2026-11-07", group: "102", set: "0002", lines: [("99213", 15_000)]),
        ], superbills: [], uses: [])
    }

    func importing(_ names: [String]) throws -> [ResponseImporter.FileOutcome] {
        try ResponseImporter(store: store, codes: codes).importFiles(names.map { ResponseFixtures.path($0) })
    }

    func statement(_ encounter: String) throws -> ClaimStatement {
        ClaimStatement(try #require(try store.claimHistories(encounterId: encounter).last))
    }

    func receivables(asOf: String = "2026-12-10") throws -> Receivables {
        try Receivables.load(store: store, asOf: LocalDate(iso: asOf)!, codes: codes)
    }
}

enum ResponseFixtures {
    static let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/responses")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    static let inOrder = ["999-accepted.x12", "999-rejected.x12", "277ca-accepted.x12", "277ca-rejected.x12",
                          "835-paid-partial-denied.x12", "835-reversal-repayment-plb.x12"]
}

@Suite struct ResponseImportTests {
    @Test func everyCaseIsPostedToItsClaim() throws {
        let workspace = try ResponseWorkspace()
        let outcomes = try workspace.importing(ResponseFixtures.inOrder)
        #expect(outcomes.map(\.status) == Array(repeating: .imported, count: 6))

        // Fully paid after a reversal and a re-payment: 180 − 180 + 150, CO-45 30 net.
        let repaid = try workspace.statement("ENC-R-0002")
        #expect(repaid.status == "paid" && repaid.paidCents == 15_000 && repaid.outstandingCents == 0)
        #expect(repaid.adjustments.map { "\($0.line ?? 0) \($0.group)-\($0.reason) \($0.amountCents)" } == ["1 CO-45 3000"])
        #expect(repaid.history.events.map(\.record.kind) == ["sent", "accepted", "accepted", "paid", "reversed", "paid"])
        #expect(repaid.payerClaimNumber == "2026342000200")

        // Partial payment with contractual and patient-responsibility adjustments (CONTRACT §8's example).
        let partial = try workspace.statement("ENC-R-0001")
        #expect(partial.status == "paid" && partial.billedCents == 133_000 && partial.paidCents == 101_000)
        #expect(partial.patientResponsibilityCents == 4_000 && partial.payerClaimNumber == "2026311000123" && partial.outstandingCents == 0)
        #expect(partial.adjustments.map { "\($0.line ?? 0) \($0.group)-\($0.reason) \($0.amountCents)" } == ["1 PR-3 4000", "2 CO-45 28000"])

        let denied = try workspace.statement("ENC-R-0005")
        #expect(denied.status == "denied" && denied.denialAdjustments.map(\.reason) == ["197"] && denied.denialAdjustments[0].remarks == ["N54"])

        // One line paid by REF*6R, the other (no REF*6R) matched by code and date and denied.
        let lines = try workspace.statement("ENC-R-0006")
        #expect(lines.status == "partially-paid" && lines.linePaidCents == [1: 10_000, 2: 0])
        #expect(lines.history.payments[0].lines.map(\.matchedBy) == ["control-number", "code-and-date"])
        #expect(lines.denialAdjustments.map { "\($0.line ?? 0) \($0.group)-\($0.reason)" } == ["2 CO-97"])

        let rejected999 = try workspace.statement("ENC-R-0003")
        #expect(rejected999.status == "rejected")
        #expect(rejected999.rejection?.record.message
            == "999: transaction set 0001 rejected: segment NM1 at position 17 (loop 2010): Segment Has Data Element Errors; NM109: Required Data Element Missing; One or More Segments in Error")
        let rejected277 = try workspace.statement("ENC-R-0004")
        #expect(rejected277.status == "rejected" && rejected277.history.events.map(\.record.kind) == ["sent", "accepted", "rejected"])
        #expect(rejected277.rejection?.record.message?.contains("A7:562") == true)
        #expect(rejected277.rejection?.record.message?.contains("Rejected for Invalid Information") == true)

        // What matched nothing is kept and listed.
        let unmatched = try workspace.store.unmatchedResponses()
        #expect(unmatched.map(\.reference) == ["ENC-X-4242", "ENC-X-9999"])
        #expect(outcomes[4].unmatched.count == 1 && outcomes[3].unmatched.count == 1)
        #expect(try workspace.store.providerAdjustments().map { "\($0.reason) \($0.reference ?? "") \($0.amountCents)" } == ["WO 2026311000124 2500"])
    }

    @Test func importingAgainChangesNothing() throws {
        let workspace = try ResponseWorkspace()
        _ = try workspace.importing(ResponseFixtures.inOrder)
        let before = try workspace.store.rowCounts()
        let again = try workspace.importing(ResponseFixtures.inOrder)
        #expect(again.map(\.status) == Array(repeating: .alreadyImported, count: 6))
        #expect(try workspace.store.rowCounts() == before)

        // The same 835 payment inside another file (another interchange) is recognized by its trace number.
        let copy = try Fixtures.temporaryDirectory("copy").appendingPathComponent("resent.x12")
        let text = try String(contentsOfFile: ResponseFixtures.path("835-paid-partial-denied.x12"), encoding: .utf8)
        try text.replacingOccurrences(of: "000000601", with: "000000777").write(to: copy, atomically: true, encoding: .utf8)
        let resent = try ResponseImporter(store: workspace.store, codes: workspace.codes).importFiles([copy.path])
        #expect(resent[0].status == .nothingNew && resent[0].transactionSummaries == ["835 0001 (already imported)"])
        #expect(try workspace.store.rowCounts() == before)
    }

    /// Files arrive in any order: the claim ends where its latest adjudication puts it.
    @Test func anyOrderGivesTheSameStanding() throws {
        let forward = try ResponseWorkspace(), backward = try ResponseWorkspace()
        _ = try forward.importing(ResponseFixtures.inOrder)
        _ = try backward.importing(Array(ResponseFixtures.inOrder.reversed()))
        for encounter in ["ENC-R-0001", "ENC-R-0002", "ENC-R-0005", "ENC-R-0006"] {
            let a = try forward.statement(encounter), b = try backward.statement(encounter)
            #expect(a.paidCents == b.paidCents && a.adjustments == b.adjustments, "\(encounter)")
        }
        // A late 277CA acceptance does not take a paid claim back to 'accepted'.
        #expect(try backward.statement("ENC-R-0001").status == "paid")
    }

    @Test func anUnbalancedRemittanceIsReportedAndNotPosted() throws {
        let workspace = try ResponseWorkspace()
        let before = try workspace.store.rowCounts()
        let outcome = try workspace.importing(["835-unbalanced.x12"])[0]
        #expect(outcome.status == .refused)
        #expect(outcome.message?.contains("BPR02 is 1300.00 but Σ CLP04 1340.00 − Σ PLB 0.00 = 1340.00") == true)
        #expect(try workspace.store.rowCounts() == before)
        #expect(try workspace.statement("ENC-R-0001").status == "sent")
    }

    @Test func unreadableFilesAreRefusedWithTheirPlace() throws {
        let workspace = try ResponseWorkspace()
        let directory = try Fixtures.temporaryDirectory("bad")
        let broken = directory.appendingPathComponent("broken.x12")
        let text = try String(contentsOfFile: ResponseFixtures.path("835-paid-partial-denied.x12"), encoding: .utf8)
        try text.replacingOccurrences(of: "CLP*ENC-R-0002*1*180*180", with: "CLP*ENC-R-0002*1*180*1B0").write(to: broken, atomically: true, encoding: .utf8)
        let notX12 = directory.appendingPathComponent("notes.txt")
        try "hello".write(to: notX12, atomically: true, encoding: .utf8)
        let claim837 = Fixtures.repositoryRoot.appendingPathComponent("Samples/expected/batch/x12/aetna-000000001.x12")
        let outcomes = try ResponseImporter(store: workspace.store, codes: workspace.codes).importFiles([broken.path, notX12.path, claim837.path])
        #expect(outcomes.map(\.status) == [.refused, .refused, .refused])
        #expect(outcomes[0].message?.hasPrefix("segment 27, element 4") == true && outcomes[0].message?.contains("CLP04 (claim payment amount) is '1B0'") == true)
        #expect(outcomes[1].message?.contains("does not start with an ISA") == true)
        #expect(outcomes[2].message?.contains("is an 837") == true)
        #expect(try workspace.store.rowCounts()["response_file"] == 0)
    }

    @Test func aKilledImportLeavesNothingBehind() throws {
        // The posting is one transaction: a failure inside it (here a claim id that does not exist)
        // rolls back the file row and every transaction before it.
        let workspace = try ResponseWorkspace()
        let before = try workspace.store.rowCounts()
        let posting = ResponsePosting(file: ResponseFileRecord(contentHash: "x", name: "x.x12", importedAt: ""), transactions: [
            .init(record: ResponseTransactionRecord(kind: "999", identity: "a", sender: "s", isa13: "1", gs06: "1", st02: "1")),
            .init(record: ResponseTransactionRecord(kind: "999", identity: "b", sender: "s", isa13: "1", gs06: "1", st02: "2"),
                  events: [ClaimEventRecord(claimId: 9_999, kind: "accepted", source: "999", date: nil, message: nil)]),
        ])
        #expect(throws: StoreError.self) { try workspace.store.recordResponses(posting) }
        #expect(try workspace.store.rowCounts() == before)
    }

    @Test func receivablesAgeBalancesAndQueues() throws {
        let workspace = try ResponseWorkspace()
        _ = try workspace.importing(ResponseFixtures.inOrder)
        let ar = try workspace.receivables()
        // Still owed by the payer: ENC-R-0003 300.00 (rejected, 34 days) and ENC-R-0004 150.00 (rejected, 33 days).
        #expect(ar.payers.count == 1 && ar.payers[0].payer == "bcbs-il" && ar.payers[0].outstandingCents == 45_000)
        #expect(ar.payers[0].buckets == ["31-60": 45_000])
        #expect(ar.patients.map { "\($0.patient) \($0.balanceCents)" } == ["PT-0001 4000"] && ar.patientBalanceCents == 4_000)
        #expect(ar.denials.map { "\($0.encounter) \($0.line ?? 0) \($0.group)-\($0.reason) \($0.action)" }
            == ["ENC-R-0005 1 CO-197 appeal", "ENC-R-0006 2 CO-97 write off"])
        #expect(ar.denials[0].description == "Precertification/authorization/notification/pre-treatment absent.")
        #expect(ar.denials[0].remarks.map(\.code) == ["N54"])
        #expect(ar.rejections.map { "\($0.encounter) \($0.source)" } == ["ENC-R-0003 999", "ENC-R-0004 277CA"])
    }

    @Test func unknownCodesAreShownAsTheirCode() throws {
        let workspace = try ResponseWorkspace()
        _ = try ResponseImporter(store: workspace.store, codes: .none).importFiles(ResponseFixtures.inOrder.map(ResponseFixtures.path))
        let ar = try Receivables.load(store: workspace.store, asOf: LocalDate(iso: "2026-12-10")!, codes: .none)
        #expect(ar.denials.map(\.description) == ["197", "97"] && ar.denials.allSatisfy { $0.action == "review the remittance" })
        #expect(try workspace.statement("ENC-R-0003").rejection?.record.message?.contains("IK3-8") == true)
    }
}
