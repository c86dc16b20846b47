import ClaimsCore
import ClaimsStore
import Foundation

/// The batch's view of `ClaimsStore`.
public final class StoreBatchAdapter: BatchStore, Sendable {
    let store: ClaimsStore

    public init(store: ClaimsStore) { self.store = store }

    public func encountersWithHistory() throws -> Set<String> { try store.encountersWithHistory() }

    public func priorState(encounterId: String) throws -> PriorEncounterState {
        let state = try store.priorBilling(encounterId: encounterId)
        return PriorEncounterState(billed: state.billed.mapValues { .init(code: $0.code, chargeCents: $0.chargeCents, units: $0.units,
                                                                          dateOfService: LocalDate(iso: $0.dateOfService)) },
                                   authorizationsUsed: state.authorizationsUsed, superbillIssued: state.superbillIssued)
    }

    public func allAuthorizations() throws -> [PriorAuthorization] { try store.allAuthorizations() }
    public func estimatesOnFile() throws -> [EstimateOnFile] { try store.estimates() }

    public func billedUnits(patientId: String, dateOfService: LocalDate) throws -> [(encounterId: String, code: String, units: Decimal)] {
        try store.billedUnits(patientId: patientId, dateOfService: dateOfService)
    }

    public func billedUnits(on keys: [DailyUnitsLedger.Key]) throws -> [DailyUnitsLedger.Key: [(encounterId: String, code: String, units: Decimal)]] {
        var found: [DailyUnitsLedger.Key: [(encounterId: String, code: String, units: Decimal)]] = [:]
        // A few hundred pairs per query keeps the statement's parameters far below SQLite's limit.
        for start in stride(from: 0, to: keys.count, by: 500) {
            let part = keys[start..<min(start + 500, keys.count)].map { (patientId: $0.patientId, dateOfService: $0.date) }
            for row in try store.billedUnits(patientsAndDates: part) {
                found[.init(patientId: row.patientId, date: row.dateOfService), default: []].append((row.encounterId, row.code, row.units))
            }
        }
        return found
    }

    public func allocateControlNumbers(_ counter: String, count: Int) throws -> ClosedRange<Int> {
        try store.allocateControlNumbers(name: counter, count: count, maximum: 999_999_999)
    }

    public func unfinishedRuns() throws -> [PreparedRun] {
        try store.preparedRuns().map { try JSONDecoder().decode(PreparedRun.self, from: Data($0.plan.utf8)) }
    }

    public func reserveControlNumbers(_ counter: String, count: Int) throws -> ClosedRange<Int> {
        try store.reserveControlNumbers(counter, count: count, maximum: 999_999_999)
    }

    public func giveBackControlNumbers(_ unused: [(counter: String, reserved: ClosedRange<Int>, used: Int)]) throws {
        try store.giveBackControlNumbers(unused)
    }

    public func openRun(number: Int, outputDirectory: String) throws -> RunTransaction {
        try store.openRun(number: number, outputDirectory: outputDirectory)
    }

    public func recordPrepared(_ run: PreparedRun, beforeCommit: () throws -> Void) throws {
        // The plan kept for recovery holds only what finishing needs: the file moves.
        let uses = run.authorizationUses.map { (authorizationId: $0.authorizationId, encounterId: $0.encounterId, date: LocalDate(iso: $0.dateOfService)!) }
        try store.recordPreparedRun(number: run.runNumber, outputDirectory: run.outputDirectory, plan: run.recoveryPlanJSON,
                                    claims: run.claims, superbills: run.superbills, uses: uses, beforeCommit: beforeCommit)
    }

    public func markCommitted(runNumber: Int) throws { try store.markRunCommitted(number: runNumber) }

    public func saveEncounters(_ records: [(id: String, dateOfService: LocalDate, payer: String, json: String)]) throws {
        try store.saveEncounters(records)
    }
}
