import ClaimsCore

/// Stored authorizations per patient, loaded once per patient, with the units that encounters
/// earlier in the same run have used added on top: the second encounter on a one-unit
/// authorization is held as exhausted in `check` just as it is in `batch`.
public final class AuthorizationLedger {
    private let load: ((String) throws -> [PriorAuthorization])?
    private var byPatient: [String: [PriorAuthorization]] = [:]

    public init(load: @escaping (String) throws -> [PriorAuthorization]) { self.load = load }

    /// A ledger over every stored authorization, read once: patients without one cost no query
    /// (nor an entry: `consume` and `release` have nothing to count for them).
    public init(all: [PriorAuthorization]) {
        self.load = nil
        self.byPatient = Dictionary(grouping: all, by: \.patientId)
    }

    public func authorizations(for patientId: String) throws -> [PriorAuthorization] {
        if let cached = byPatient[patientId] { return cached }
        guard let load else { return [] }
        let loaded = try load(patientId)
        byPatient[patientId] = loaded
        return loaded
    }

    /// The patient's authorizations as this encounter should see them: a unit the same encounter
    /// used in an earlier run is given back, so re-evaluating it gives the same decision.
    public func authorizations(for patientId: String, excludingUsesOf ownUses: Set<Int64>) throws -> [PriorAuthorization] {
        let auths = try authorizations(for: patientId)
        guard !ownUses.isEmpty else { return auths }
        return auths.map { auth in
            var copy = auth
            if let id = auth.id, ownUses.contains(id) { copy.unitsUsed = max(0, copy.unitsUsed - 1) }
            return copy
        }
    }

    /// Gives back units counted by `consume` when the claim could not be made after all.
    public func release(_ uses: [AuthorizationUse], patientId: String, ownUses: Set<Int64> = []) {
        guard var auths = byPatient[patientId] else { return }
        for use in uses where !ownUses.contains(use.authorizationId) {
            if let index = auths.firstIndex(where: { $0.id == use.authorizationId }) { auths[index].unitsUsed -= 1 }
        }
        byPatient[patientId] = auths
    }

    /// Counts one unit per use against the in-memory copies. `ownUses`: authorizations this
    /// encounter used in an earlier run; their unit is already in the stored count.
    public func consume(_ uses: [AuthorizationUse], patientId: String, ownUses: Set<Int64> = []) {
        guard var auths = byPatient[patientId] else { return }
        for use in uses where !ownUses.contains(use.authorizationId) {
            if let index = auths.firstIndex(where: { $0.id == use.authorizationId }) { auths[index].unitsUsed += 1 }
        }
        byPatient[patientId] = auths
    }
}
