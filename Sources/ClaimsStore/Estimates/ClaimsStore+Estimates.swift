import ClaimsCore
import Foundation
import GRDB

/// A recorded Good Faith Estimate (table `good_faith_estimate`) and its items (`estimate_item`).
public struct StoredEstimate: StoreRecord, Sendable, Hashable {
    public static let databaseTableName = "good_faith_estimate"

    /// One expected item (table `estimate_item`).
    public struct Item: StoreRecord, Sendable, Hashable {
        public static let databaseTableName = "estimate_item"
        public var estimateId: Int64?
        public var encounterId: String
        public var line: Int
        public var dateOfService: String
        public var code: String
        /// Units as written (TEXT).
        public var units: Decimal
        public var chargeCents: Int64
    }

    public var id: Int64?
    public var number: String
    public var patientId: String
    public var issued: String
    public var totalCents: Int64
    public var htmlFile: String
    public var pdfFile: String?
    public var recordedAt: String?

    enum CodingKeys: String, CodingKey { case id, number, patientId, issued, totalCents, htmlFile, pdfFile, recordedAt }
}

extension ClaimsStore {
    /// Records estimates given, with the files written for each (relative to the output folder), in
    /// one transaction. An estimate whose number is on file already (the same patient, the same
    /// day) is replaced: its row is updated and its items rewritten.
    public func recordEstimates(_ estimates: [(estimate: GoodFaithEstimate, htmlFile: String, pdfFile: String?)]) throws(StoreError) {
        try write { tx in
            let db = tx.db
            for (estimate, html, pdf) in estimates {
                var row = StoredEstimate(id: nil, number: estimate.number, patientId: estimate.patient.id, issued: estimate.issued.iso,
                                         totalCents: Money.cents(of: estimate.total), htmlFile: html, pdfFile: pdf, recordedAt: tx.timestamp)
                if let existing = try StoredEstimate.fetchOne(db, sql: "SELECT * FROM good_faith_estimate WHERE number = ?", arguments: [estimate.number]) {
                    row.id = existing.id
                    try row.update(db)
                    try db.execute(sql: "DELETE FROM estimate_item WHERE estimate_id = ?", arguments: [existing.id])
                } else {
                    try row.insert(db)
                    row.id = db.lastInsertedRowID
                }
                for item in estimate.items {
                    try StoredEstimate.Item(estimateId: row.id, encounterId: item.encounterId, line: item.line,
                                            dateOfService: item.dateOfService.iso, code: item.code, units: item.units,
                                            chargeCents: Money.cents(of: item.charge)).insert(db)
                }
            }
        }
    }

    /// The estimates on file for these patients (every one when `patients` is nil), with their items.
    public func estimates(forPatients patients: [String]? = nil) throws(StoreError) -> [EstimateOnFile] {
        try read { db in
            let rows: [StoredEstimate]
            if let patients {
                guard !patients.isEmpty else { return [] }
                rows = try StoredEstimate.filter(Set(patients).contains(Column("patient_id"))).order(Column("id")).fetchAll(db)
            } else {
                rows = try StoredEstimate.order(Column("id")).fetchAll(db)
            }
            return try rows.map { row in
                let items = try StoredEstimate.Item.fetchAll(db, sql: "SELECT * FROM estimate_item WHERE estimate_id = ? ORDER BY date_of_service, encounter_id, line",
                                                             arguments: [row.id])
                return EstimateOnFile(number: row.number, patientId: row.patientId, issued: try Self.day(row.issued), items: try items.map {
                    EstimateOnFile.Item(encounterId: $0.encounterId, dateOfService: try Self.day($0.dateOfService), code: $0.code,
                                        units: $0.units, charge: Decimal($0.chargeCents) / 100)
                })
            }
        }
    }

    /// A stored date; the schema's CHECK keeps them well formed, so a bad one is a damaged store.
    private static func day(_ text: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw StoreError(.corrupt, "the store holds an estimate date that is not a date; restore it from a backup")
        }
        return date
    }
}
