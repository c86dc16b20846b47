import ClaimsCore
import ClaimsEngine
import ClaimsStore
import Foundation

/// Where `check` finds stored authorizations without writing anything.
enum AuthorizationLookup {
    /// Lookups of authorizations by patient, of the authorizations an encounter already used, and of
    /// the units recorded claims bill for a patient on a date (POLICY §5.2). When the store file does
    /// not exist, nothing is on file and no file is created.
    static func open(_ global: GlobalOptions) throws -> (authorizations: (String) throws -> [PriorAuthorization],
                                                          usedBy: (String) throws -> Set<Int64>,
                                                          billedUnits: DailyUnitsLedger.Load,
                                                          eligibility: (ClinicProfile?) throws -> EligibilityBook?) {
        guard FileManager.default.fileExists(atPath: global.dbPath) else { return ({ _ in [] }, { _ in [] }, { _, _ in [] }, { _ in nil }) }
        let store = try StoreSupport.open(global)
        return ({ patientId in try StoreSupport.read { () throws(StoreError) in try store.authorizations(forPatients: [patientId]) } },
                { encounterId in try StoreSupport.read { () throws(StoreError) in try store.authorizationIdsUsed(byEncounter: encounterId) } },
                { patientId, date in try StoreSupport.read { () throws(StoreError) in try store.billedUnits(patientId: patientId, dateOfService: date) } },
                { clinic in try StoreSupport.read { () throws(StoreError) in try EligibilityBook.load(from: store, clinic: clinic) } })
    }
}
