import ClaimsCore
import Foundation

/// Units of the codes a `max-units` rule limits, per patient and date of service: those claims of
/// earlier runs carry (read from the store) and those encounters earlier in this run bill.
/// `max-units` counts them with an encounter's own units (POLICY §5.2), so two encounters of one
/// patient on one day are decided in input order, in `check` as in `batch`.
///
/// The batch reads the store once per block (`prepare`, one query for the block's patients and
/// dates) and keeps only that block's figures; `check` reads once per patient and date (`load`).
/// This run's units are a `SpilledUnits`: in a batch, beyond a few thousand patients and dates they
/// go to the run's work directory (docs/batch.md, "Memory").
public final class DailyUnitsLedger {
    public struct Key: Hashable, Sendable {
        public var patientId: String
        public var date: LocalDate
        public init(patientId: String, date: LocalDate) { self.patientId = patientId; self.date = date }
    }

    /// Stored billed units of a patient on a date: (encounter, code, units).
    public typealias Load = (_ patientId: String, _ date: LocalDate) throws -> [(encounterId: String, code: String, units: Decimal)]
    /// Stored billed units of many patients and dates in one read, by key (a key without units may be absent).
    public typealias LoadMany = (_ keys: [Key]) throws -> [Key: [(encounterId: String, code: String, units: Decimal)]]

    private let load: Load
    private let loadMany: LoadMany?
    private var stored: [Key: [BilledUnits]] = [:]
    private let inRun: SpilledUnits

    /// - Parameters:
    ///   - load: the store's billed units of one patient and date (none when there is no store, as in a preview).
    ///   - loadMany: the same for many at once; with it, `prepare` reads a whole block in one query.
    ///   - scratchDirectory: where this run's units go past a few thousand keys (nil: kept in memory).
    public init(load: @escaping Load = { _, _ in [] }, loadMany: LoadMany? = nil, scratchDirectory: String? = nil) {
        self.load = load
        self.loadMany = loadMany
        inRun = SpilledUnits(spillingInto: scratchDirectory)
    }

    /// This run's units are kept under the digest of the patient and date.
    private static func inRunKey(_ patientId: String, _ date: LocalDate) -> SpilledKeySet.Key {
        SpilledKeySet.Key(hashing: "\(patientId)\u{0}\(date.iso)")
    }

    /// The last digest made: an encounter asks for its own twice in a row (`sameDay`, then `record`).
    private var lastInRunKey: (patientId: String, date: LocalDate, key: SpilledKeySet.Key)?

    private func inRunKey(_ patientId: String, _ date: LocalDate) -> SpilledKeySet.Key {
        if let last = lastInRunKey, last.date == date, last.patientId == patientId { return last.key }
        let key = Self.inRunKey(patientId, date)
        lastInRunKey = (patientId, date, key)
        return key
    }

    /// Reads, in one query, the stored units of every patient and date among `encounters` that has
    /// one of `codes`. They replace the previous block's (the store does not change during a run, so
    /// a pair seen again is read again): what is kept does not grow with the batch.
    func prepare(for encounters: some Sequence<Encounter>, codes: Set<String>) throws {
        try prepare(keys: encounters.lazy.filter { $0.services.contains(where: { codes.contains($0.code) }) }
            .map { Key(patientId: $0.patient.id, date: $0.dateOfService) })
    }

    /// `prepare(for:codes:)` given the patients and dates of the encounters that have one of the codes.
    func prepare(keys wanted: some Sequence<Key>) throws {
        try inRun.spillIfFull()
        guard let loadMany else { return }
        var keys: [Key] = []
        var seen = Set<Key>(minimumCapacity: wanted.underestimatedCount)
        for key in wanted where seen.insert(key).inserted { keys.append(key) }
        let found = keys.isEmpty ? [:] : try loadMany(keys)
        stored = Dictionary(uniqueKeysWithValues: keys.map { key in
            (key, (found[key] ?? []).map { BilledUnits(encounterId: $0.encounterId, code: $0.code, units: $0.units, earlierRun: true) })
        })
    }

    /// What other encounters bill of `codes` for this encounter's patient on its date. The
    /// encounter's own lines never count: a re-run of it is not held against its own earlier claim.
    func sameDay(as encounter: Encounter, codes: Set<String>) throws -> [BilledUnits] {
        let key = Key(patientId: encounter.patient.id, date: encounter.dateOfService)
        if stored[key] == nil {
            stored[key] = try load(key.patientId, key.date).map { BilledUnits(encounterId: $0.encounterId, code: $0.code, units: $0.units, earlierRun: true) }
        }
        let thisRun = try inRun.units(for: inRunKey(key.patientId, key.date))
        // An encounter decided again in this run (as `check` decides a billed one) counts once, as now.
        let earlier = (stored[key] ?? []).filter { units in !thisRun.contains { $0.encounterId == units.encounterId } }
        return (earlier + thisRun).filter { $0.encounterId != encounter.id && codes.contains($0.code) }
    }

    /// Counts the `bill` lines of `evaluation` among `codes` for the encounters after it.
    func record(_ evaluation: EncounterEvaluation, codes: Set<String>) {
        guard let encounter = evaluation.encounter else { return }
        var billed: [BilledUnits] = []
        for index in evaluation.lines.indices where evaluation.lines[index].decision == .bill && codes.contains(evaluation.lines[index].code) {
            let line = evaluation.lines[index]
            billed.append(BilledUnits(encounterId: encounter.id, code: line.code, units: encounter.services[line.line - 1].units, earlierRun: false))
        }
        guard !billed.isEmpty else { return }
        inRun.add(billed, for: inRunKey(encounter.patient.id, encounter.dateOfService))
    }

    /// Takes back what `record` counted for an encounter whose documents were refused.
    func release(_ evaluation: EncounterEvaluation) {
        guard let encounter = evaluation.encounter else { return }
        inRun.release(encounterId: encounter.id, key: inRunKey(encounter.patient.id, encounter.dateOfService))
    }
}
