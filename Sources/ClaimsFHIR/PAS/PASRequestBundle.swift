import ClaimsCore
import Foundation

/// A Da Vinci PAS request (FHIR R4, JSON only): a `Bundle` of type `collection` whose first entry is
/// a `Claim` with `use` = `preauthorization` and the PAS Claim profile, then every resource it
/// references once (Patient, Coverage, the requesting Organization, the rendering Practitioner, the
/// insurer). The payer's criteria go in `supportingInfo`, one entry per requirement, with whether
/// the chart meets it. Built from the same resource model as the batch claims (`FHIRParties`).
public enum PASRequestBundle {
    public static let claimProfile = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim"
    public static let bundleProfile = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-request-bundle"
    /// The system of the request identifier the answer quotes back (docs/prior-auth-requests.md).
    public static let traceSystem = "https://claims.example.org/fhir/sid/prior-auth-request"

    public static func bundle(_ request: AuthorizationRequestContent, clinic: ClinicProfile, timestamp: String) -> FHIRResource {
        let encounter = request.encounter
        let parties = FHIRParties(encounter: encounter, clinic: clinic, payerNamed: { $0 == request.payer.slug ? request.payer : nil })
        let primary = parties.coverages[0]
        let claim = FHIRResource("Claim", id: FHIRResourceId.uuid("PAS-Claim|\(request.trace)")) { x in
            x.node("meta") { $0.string("profile", claimProfile, repeats: true) }
            x.identifier(system: traceSystem, value: request.trace)
            x.string("status", "active")
            x.concept("type", FHIRCodeSystem.claimType, "professional", display: "Professional")
            x.string("use", "preauthorization")
            x.reference("patient", to: parties.patient)
            x.string("created", request.created.iso)
            x.reference("insurer", to: primary.insurer, display: FHIRText.clean(request.payer.name))
            x.reference("provider", to: parties.billingProvider, display: FHIRText.clean(clinic.billingProvider.name))
            x.concept("priority", FHIRCodeSystem.processPriority, "normal", display: "Normal")
            x.node("careTeam", repeats: true) {
                $0.integer("sequence", 1)
                $0.reference("provider", to: parties.practitioner)
                $0.concept("role", FHIRCodeSystem.careTeamRole, "primary", display: "Primary provider")
            }
            for (offset, requirement) in request.requirements.enumerated() {
                x.node("supportingInfo", repeats: true) {
                    $0.integer("sequence", offset + 1)
                    $0.concept("category", FHIRCodeSystem.claimInformationCategory, "info", display: "Information")
                    $0.node("code") { $0.string("text", "\(requirement.id): \(requirement.description)") }
                    switch requirement.status {
                    case .missing: $0.string("valueString", "missing from the chart")
                    default: $0.boolean("valueBoolean", requirement.met)
                    }
                }
            }
            for (offset, code) in encounter.diagnoses.enumerated() {
                x.node("diagnosis", repeats: true) {
                    $0.integer("sequence", offset + 1)
                    $0.concept("diagnosisCodeableConcept", FHIRCodeSystem.icd10CM, code.dotted)
                }
            }
            x.node("insurance", repeats: true) {
                $0.integer("sequence", 1)
                $0.boolean("focal", true)
                $0.reference("coverage", to: primary.coverage)
            }
            for (offset, code) in request.procedureCodes.enumerated() {
                x.node("item", repeats: true) {
                    $0.integer("sequence", offset + 1)
                    $0.integer("careTeamSequence", 1, repeats: true)
                    $0.integer("diagnosisSequence", 1, repeats: true)
                    $0.concept("productOrService", FHIRCodeSystem.procedureSystem(for: code), code)
                    $0.period("servicedPeriod", start: request.start, end: request.end)
                    $0.concept("locationCodeableConcept", FHIRCodeSystem.placeOfService, encounter.placeOfService,
                               display: FHIRCodeSystem.placeOfServiceNames[encounter.placeOfService])
                    if let units = request.units { $0.node("quantity") { $0.integer("value", units) } }
                }
            }
        }
        // Only what the request references: the first plan's parties (a second plan is not asked).
        let resources = [claim, parties.patient] + [primary.subscriber].compactMap { $0 }
            + [primary.coverage, parties.billingProvider, parties.practitioner, primary.insurer]
        return FHIRResource("Bundle", id: FHIRResourceId.uuid("PAS-Bundle|\(request.trace)")) { x in
            x.node("meta") { $0.string("profile", bundleProfile, repeats: true) }
            x.identifier(repeats: false, system: FHIRCodeSystem.uriIdentifier, value: "urn:uuid:" + FHIRResourceId.uuid("PAS-Request|\(request.trace)"))
            x.string("type", "collection")
            x.string("timestamp", timestamp)
            for resource in resources {
                x.node("entry", repeats: true) {
                    $0.string("fullUrl", resource.fullUrl)
                    $0.resource(resource)
                }
            }
        }
    }
}
