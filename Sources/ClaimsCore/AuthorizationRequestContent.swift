/// What a prior-authorization request says, whatever its format (X12 278 or Da Vinci PAS): the
/// patient and plan (from an encounter), the service asked for, and the clinical facts behind it.
public struct AuthorizationRequestContent: Sendable, Hashable {
    /// What the payer quotes back (278 TRN02 of the patient event; PAS Claim.identifier).
    public var trace: String
    public var payer: PayerRules
    /// The encounter the patient, plan, diagnoses and clinician come from.
    public var encounter: Encounter
    public var service: ServiceName
    /// The procedure codes of the service, as billed (J0013, 90867, …).
    public var procedureCodes: [String]
    /// Visits or sessions asked for; nil when the authorization names none.
    public var units: Int?
    public var start: LocalDate
    public var end: LocalDate?
    /// The payer's criteria for the service and whether the chart meets each (`ChecklistRequirement`).
    public var requirements: [ChecklistRequirement]
    /// The creation date (BHT04, Claim.created).
    public var created: LocalDate

    public init(trace: String, payer: PayerRules, encounter: Encounter, service: ServiceName, procedureCodes: [String], units: Int?,
                start: LocalDate, end: LocalDate?, requirements: [ChecklistRequirement], created: LocalDate) {
        self.trace = trace; self.payer = payer; self.encounter = encounter; self.service = service
        self.procedureCodes = procedureCodes; self.units = units; self.start = start; self.end = end
        self.requirements = requirements; self.created = created
    }

    /// The criteria as one line of text (278 MSG): `✓`/`✗`/`?` per requirement.
    public var criteriaSummary: String {
        requirements.map { "\($0.id)=\($0.status == .met ? "met" : $0.status == .missing ? "missing" : "not met")" }.joined(separator: "; ")
    }
}

