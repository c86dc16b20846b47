import ClaimsCore
@testable import ClaimsEngine
import ClaimsRules
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// POLICY §5.2 units per day across encounters, §5.1 vanished billed lines, and the clinic profile's
/// providers (CONTRACT §6), with the real rule files and a real SQLite store.
@Suite struct ClaimIntegrityTests {
    static let rules = EncounterFileReaderTests.rules
    static let asOf = LocalDate(iso: "2026-11-20")!

    /// A Medicare G2083 visit of patient PT-1001 on 2026-11-03 (no authorization needed).
    static func gCodeVisit(_ id: String, date: String = "2026-11-03", units: Decimal = 1) -> DecodedRecord {
        let encounter = Fixtures.encounter(id: id, date: date, payer: "medicare-j6", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "99214", modifiers: ["25"], charge: 210), ServiceLine(code: "G2083", units: units, charge: Decimal(string: "1289.82")!),
        ])
        return DecodedRecord(ordinal: 0, line: 0, id: id, encounter: encounter, errors: [])
    }

    static func pass(_ dailyUnits: DailyUnitsLedger = DailyUnitsLedger()) -> EvaluationPass {
        EvaluationPass(rules: rules, asOf: asOf, ledger: AuthorizationLedger(all: []), dailyUnits: dailyUnits)
    }

    @Test func twoEncountersOfOneDayAreDecidedInInputOrder() throws {
        let pass = Self.pass()
        let first = try pass.evaluate(Self.gCodeVisit("ENC-A"))
        let second = try pass.evaluate(Self.gCodeVisit("ENC-B"))
        let otherDay = try pass.evaluate(Self.gCodeVisit("ENC-C", date: "2026-11-04"))
        #expect(first.lines.map(\.decision) == [.bill, .bill])
        #expect(second.lines.map(\.decision) == [.hold, .hold])
        #expect(second.lines[1].reasons.first?.message == "G2083 allows at most 1 unit per date of service; found 2, with ENC-A (1 unit) on 2026-11-03")
        #expect(otherDay.lines.map(\.decision) == [.bill, .bill])
    }

    /// An encounter whose documents were refused bills nothing: its units are given back.
    @Test func refusedDocumentsGiveTheUnitBack() throws {
        let pass = Self.pass()
        let first = try pass.evaluate(Self.gCodeVisit("ENC-A"))
        pass.giveBack(first, ownUses: [])
        #expect(try pass.evaluate(Self.gCodeVisit("ENC-B")).lines.map(\.decision) == [.bill, .bill])
    }

    /// A held line spends no unit: the next encounter of the day may bill.
    @Test func aHeldEncounterCountsNoUnits() throws {
        let pass = Self.pass()
        let twoUnits = try pass.evaluate(Self.gCodeVisit("ENC-A", units: 2))
        #expect(twoUnits.lines.map(\.decision) == [.hold, .hold])
        #expect(try pass.evaluate(Self.gCodeVisit("ENC-B")).lines.map(\.decision) == [.bill, .bill])
    }

    /// A claim an earlier run recorded counts for another encounter of the day, never for itself, and
    /// an encounter decided again in this run (as `check` decides it) counts once.
    @Test func claimsOfEarlierRunsCountFromTheStore() throws {
        let directory = try Fixtures.temporaryDirectory("same-day-store")
        let store = try ClaimsStore(path: directory.appendingPathComponent("s.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        defer { try? store.close() }
        let claim = PreparedRun.ClaimRecord(encounterId: "ENC-A", patientId: "PT-1001", payer: "medicare-j6", dateOfService: "2026-11-03",
                                            x12File: "x", fhirFile: "f", interchangeControlNumber: "000000001", groupControlNumber: "1",
                                            transactionSetControlNumber: "0001", totalCents: 149_982, authNumber: nil, ruleVersion: "v",
                                            lines: [.init(line: 1, code: "99214", chargeCents: 21_000), .init(line: 2, code: "G2083", chargeCents: 128_982, units: 1)])
        try StoreBatchAdapter(store: store).recordPrepared(PreparedRun(runNumber: 1, outputDirectory: "/tmp", workDirectory: "/tmp/w", moves: [],
                                                                       claims: [claim], superbills: [], authorizationUses: []))
        let stored = try store.billedUnits(patientId: "PT-1001", dateOfService: LocalDate(iso: "2026-11-03")!)
        #expect(stored.map(\.code) == ["99214", "G2083"])
        #expect(stored.map(\.units) == [1, 1])
        #expect(try store.billedUnits(patientId: "PT-1001", dateOfService: LocalDate(iso: "2026-11-04")!).isEmpty)

        let pass = Self.pass(DailyUnitsLedger(load: { try store.billedUnits(patientId: $0, dateOfService: $1) }))
        let again = try pass.evaluate(Self.gCodeVisit("ENC-A"))
        #expect(again.lines.map(\.decision) == [.bill, .bill], "its own earlier claim does not count against it")
        let other = try pass.evaluate(Self.gCodeVisit("ENC-B"))
        #expect(other.lines.map(\.decision) == [.hold, .hold])
        #expect(other.lines[1].reasons.first?.message == "G2083 allows at most 1 unit per date of service; found 2, with ENC-A (1 unit) on 2026-11-03",
                "ENC-A decided again in this run counts once")

        let fresh = Self.pass(DailyUnitsLedger(load: { try store.billedUnits(patientId: $0, dateOfService: $1) }))
        let alone = try fresh.evaluate(Self.gCodeVisit("ENC-B"))
        #expect(alone.lines[1].reasons.first?.message
                == "G2083 allows at most 1 unit per date of service; found 2, with ENC-A (1 unit, billed in an earlier run) on 2026-11-03")
    }

    // MARK: POLICY §5.1, an already billed encounter re-sent

    static func prior(_ lines: [Int: (String, Int64)], date: String = "2026-11-03") -> PriorEncounterState {
        PriorEncounterState(billed: lines.mapValues { .init(code: $0.0, chargeCents: $0.1, units: 1, dateOfService: LocalDate(iso: date)) })
    }

    static func evaluated(_ record: DecodedRecord, prior: PriorEncounterState) throws -> EncounterEvaluation {
        try pass().evaluate(record) { BatchPlanner.holdAlreadyBilled(&$0, prior: prior) }
    }

    @Test func aVanishedBilledLineHoldsTheEncounterNamingIt() throws {
        var record = Self.gCodeVisit("ENC-A")
        record.encounter!.services.removeLast()
        let evaluation = try Self.evaluated(record, prior: Self.prior([1: ("99214", 21_000), 2: ("G2083", 128_982)]))
        #expect(evaluation.lines.map(\.decision) == [.hold])
        #expect(evaluation.lines[0].reasons == [Reason(rule: BatchPlanner.encounterBilledRule, message:
            "billed line 2 (G2083, 2026-11-03) is missing from the re-sent encounter: encounter ENC-A already billed on a claim; to send this content, run claims correct ENC-A --reason TEXT, then the batch again")])
        #expect(evaluation.warnings.isEmpty)
    }

    @Test func anUnchangedReSendIsAlreadyBilled() throws {
        let evaluation = try Self.evaluated(Self.gCodeVisit("ENC-A"), prior: Self.prior([1: ("99214", 21_000), 2: ("G2083", 128_982)]))
        #expect(evaluation.lines.map(\.decision) == [.hold, .hold])
        #expect(evaluation.lines.map { $0.reasons.map(\.rule) } == [[BatchPlanner.alreadyBilledRule], [BatchPlanner.alreadyBilledRule]])
    }

    /// Another code in a billed line's place: that line is changed, and the billed code is missing.
    @Test func anotherCodeInABilledLinesPlaceIsChangedAndNamesTheMissingCode() throws {
        var record = Self.gCodeVisit("ENC-A")
        record.encounter!.services[1] = ServiceLine(code: "G2082", charge: 905)
        let evaluation = try Self.evaluated(record, prior: Self.prior([1: ("99214", 21_000), 2: ("G2083", 128_982)]))
        #expect(evaluation.lines.map(\.decision) == [.hold, .hold])
        #expect(evaluation.lines[1].reasons.map(\.message).first?.hasPrefix("changed since it was billed") == true)
        #expect(evaluation.lines.allSatisfy { $0.reasons.contains { $0.message.hasPrefix("billed line 2 (G2083, 2026-11-03) is missing") } })
    }

    /// A different date of service or different units is changed content too.
    @Test func aChangedDateOrUnitsIsChangedContent() throws {
        let billed = [1: ("99214", Int64(21_000)), 2: ("G2083", Int64(128_982))]
        let moved = try Self.evaluated(Self.gCodeVisit("ENC-A", date: "2026-11-04"), prior: Self.prior(billed))
        #expect(moved.lines.map { $0.reasons.first?.rule } == [BatchPlanner.encounterBilledRule, BatchPlanner.encounterBilledRule])
        var record = Self.gCodeVisit("ENC-A")
        record.encounter!.services[0].units = 2
        let units = try Self.evaluated(record, prior: Self.prior(billed))
        #expect(units.lines.map { $0.reasons.first?.rule } == [BatchPlanner.encounterBilledRule, BatchPlanner.alreadyBilledRule])
    }

    /// With no line left that would bill, the missing line is a warning: the difference is never silent.
    @Test func aVanishedLineWithNothingLeftToBillIsAWarning() throws {
        var record = Self.gCodeVisit("ENC-A")
        record.encounter!.coverage = nil
        record.encounter!.services.removeLast()
        let evaluation = try Self.evaluated(record, prior: Self.prior([1: ("99214", 21_000), 2: ("G2083", 128_982)]))
        #expect(evaluation.lines.map(\.decision) == [.superbill])
        #expect(evaluation.warnings.map(\.rule) == [BatchPlanner.encounterBilledRule])
        #expect(evaluation.warnings.first?.message.hasPrefix("billed line 2 (G2083, 2026-11-03) is missing from the re-sent encounter") == true)
    }

    // MARK: CONTRACT §6 providers

    @Test func aRenderingProviderNotInTheProfileIsAWarningNotAnError() throws {
        let clinic = try ClinicProfileLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path)
        let drafter = DocumentDrafter(clinic: clinic, rules: Self.rules, statementDate: Self.asOf, created: Self.asOf)
        var record = Self.gCodeVisit("ENC-A")
        let known = try Self.pass().check(record, drafter: drafter)
        #expect(known.errors.isEmpty && known.lines.map(\.decision) == [.bill, .bill])
        #expect(known.warnings.isEmpty, "Ravi Patel is in the sample profile")
        record.encounter!.renderingProvider = RenderingProvider(npi: "1667432102", firstName: "Jordan", lastName: "Lee", taxonomy: "2084P0800X")
        let unknown = try Self.pass().check(record, drafter: drafter)
        #expect(unknown.errors.isEmpty)
        #expect(unknown.lines.map(\.decision) == [.bill, .bill])
        #expect(unknown.warnings == [Warning(rule: DocumentDrafter.unknownProviderRule, message:
            "rendering provider Jordan Lee (NPI 1667432102) is not among the clinic profile's providers; add them under providers in the clinic profile (credentials and license) or correct renderingProvider.npi")])
        // The billing organization's NPI is an input error (POLICY §5.2), not this warning.
        record.encounter!.renderingProvider.npi = clinic.billingProvider.npi
        let billingNPI = try Self.pass().check(record, drafter: drafter)
        #expect(billingNPI.errors.map(\.field) == ["renderingProvider.npi"])
        #expect(billingNPI.warnings.isEmpty)
        // A profile that lists no providers predates them: nothing to compare with.
        var older = clinic
        older.providers = []
        let withoutProviders = DocumentDrafter(clinic: older, rules: Self.rules, statementDate: Self.asOf, created: Self.asOf)
        record.encounter!.renderingProvider.npi = "1667432102"
        let unlisted = try Self.pass().check(record, drafter: withoutProviders)
        #expect(unlisted.errors.isEmpty && unlisted.warnings.isEmpty)
    }

    // MARK: POLICY §5.4 in-network plans

    /// A superbill line for a payer the clinic profile marks `in` network warns unless a waiver signed
    /// on or before the date of service covers it; an out-of-network payer (the default) never warns.
    @Test func anInNetworkSuperbillWithoutAWaiverIsAWarning() throws {
        var clinic = try ClinicProfileLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml").path)
        var ketamine = Fixtures.encounter(id: "ENC-K", payer: "bcbs-il", diagnoses: ["F33.2"], services: [
            ServiceLine(code: "96365", charge: 450), ServiceLine(code: "J3490", charge: 150, ndc: "42023011310", ndcQuantity: 1, ndcUnit: "ML"),
        ], payments: [Payment(date: LocalDate(iso: "2026-11-03")!, amount: 600, method: "card")])
        func waiverWarnings() throws -> [Warning] {
            let drafter = DocumentDrafter(clinic: clinic, rules: Self.rules, statementDate: Self.asOf, created: Self.asOf)
            let evaluation = try Self.pass().check(DecodedRecord(ordinal: 0, line: 0, id: "ENC-K", encounter: ketamine, errors: []), drafter: drafter)
            #expect(evaluation.errors.isEmpty && evaluation.lines.map(\.decision) == [.superbill, .superbill], "\(evaluation.errors)")
            return evaluation.warnings.filter { $0.rule == DocumentDrafter.inNetworkWaiverRule }
        }
        #expect(try waiverWarnings().isEmpty, "bcbs-il is out of network in the sample profile")
        clinic.network["bcbs-il"] = .in
        #expect(try waiverWarnings() == [Warning(rule: DocumentDrafter.inNetworkWaiverRule, message:
            "in-network plan: a signed waiver is needed before the patient is charged (bcbs-il is in network in the clinic profile; no waiver signed on or before 2026-11-03 covers lines 1 (96365), 2 (J3490))")])
        ketamine.agreements = [PatientAgreement(kind: .waiver, signed: LocalDate(iso: "2026-11-04")!)]
        #expect(try waiverWarnings().count == 1, "a waiver signed after the service does not count")
        ketamine.agreements = [PatientAgreement(kind: .waiver, signed: LocalDate(iso: "2026-11-03")!, codes: ["96365"])]
        #expect(try waiverWarnings().first?.message.hasSuffix("covers line 2 (J3490))") == true, "the waiver names 96365 only")
        ketamine.agreements = [PatientAgreement(kind: .waiver, signed: LocalDate(iso: "2026-11-01")!)]
        #expect(try waiverWarnings().isEmpty)
        ketamine.agreements = [PatientAgreement(kind: .abn, signed: LocalDate(iso: "2026-11-01")!, option: 2)]
        #expect(try waiverWarnings().count == 1, "only a waiver counts")
    }
}
