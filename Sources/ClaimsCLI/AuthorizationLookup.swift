import ClaimsCore
import ClaimsStore
import Foundation

/// Where `check` finds stored authorizations without writing anything.
enum AuthorizationLookup {
    /// Lookups of authorizations by patient and of the authorizations an encounter already used. When
    /// the store file does not exist, nothing is on file and no file is created.
    static func open(_ global: GlobalOptions) throws -> (authorizations: (String) throws -> [PriorAuthorization], usedBy: (String) throws -> Set<Int64>) {
        guard FileManager.default.fileExists(atPath: global.dbPath) else { return ({ _ in [] }, { _ in [] }) }
        let store = try StoreSupport.open(global)
        return ({ patientId in try StoreSupport.read { () throws(StoreError) in try store.authorizations(forPatients: [patientId]) } },
                { encounterId in try StoreSupport.read { () throws(StoreError) in try store.authorizationIdsUsed(byEncounter: encounterId) } })
    }
}
