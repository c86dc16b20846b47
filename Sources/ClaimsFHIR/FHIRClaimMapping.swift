import ClaimsCore
import Foundation

/// The `Claim` of one encounter's `bill` lines, in the element order of the R4 Claim definition
/// (the XSD enforces it). References point at the resources of `parties` (same Bundle).
/// A class: the writer passes it around and captures it in closures, and copying its clinic profile,
/// encounter and payer field by field cost ~10,000 instructions a claim (issue 18).
final class FHIRClaimMapping {
    let clinic: ClinicProfile
    /// `Claim.created`'s text (the writer's processing date, made once per writer).
    let created: String
    let encounter: Encounter
    /// The evaluation's `billedAuthNumber` (the evaluation itself is not kept: copying it into the
    /// mapping retained its arrays, ~400 instructions a claim).
    let authNumber: String?
    let billed: [ServiceLine]
    let payer: PayerRules
    let parties: FHIRParties
    let displays: Displays

    /// The displays of the references to the billing provider and the rendering practitioner: the
    /// same for every claim of a writer or of a provider, so the writer makes them once and keeps them.
    struct Displays {
        /// `FHIRText.clean` of the billing provider's name.
        let billingProvider: String?
        /// `FHIRText.fullName` of the rendering provider's first and last name.
        let practitioner: String?

        init(billingProvider: String?, practitioner: String?) {
            self.billingProvider = billingProvider; self.practitioner = practitioner
        }
    }

    init(clinic: ClinicProfile, created: String, encounter: Encounter, evaluation: EncounterEvaluation,
         billed: [ServiceLine], payer: PayerRules, parties: FHIRParties, displays: Displays) {
        self.clinic = clinic; self.created = created; self.encounter = encounter; authNumber = evaluation.billedAuthNumber
        self.billed = billed; self.payer = payer; self.parties = parties; self.displays = displays
    }

    func claim(id: String) -> FHIRResource {
        FHIRResource("Claim", id: id, fullUrlKey: fullUrlKey) { elements(of: &$0) }
    }

    /// What the Claim's `fullUrl` is derived from (the encounter, whatever the claim's id).
    var fullUrlKey: String { "Claim|\(clinic.billingProvider.npi)|\(encounter.id)" }

    /// The Claim's `fullUrl`: what `FHIRResource.fullUrl(id:fullUrlKey:)` gives for `fullUrlKey`,
    /// without building the key.
    var fullUrl: String { FHIRResourceId.uuid("Claim|", clinic.billingProvider.npi, encounter.id, urn: true) }

    /// The Claim's elements after its id: kept (`claim(id:)`) or written as built (`FHIRResource.writeXML`).
    func elements(of x: inout FHIRNode) {
        let person = encounter.patient.person
        let total = Self.total(of: billed)
        // The plans are read in place by index (a copy of one is five references retained and released).
        let coverages = parties.coverages
        let billedPlan = coverages.firstIndex { $0.payer == payer.slug } ?? 0
        x.identifier(value: encounter.id)
        x.fixed(Self.statusTypeUse)
        x.reference("patient", to: parties.patient,
                    display: FHIRText.fullName(first: person.firstName, middle: person.middleName, last: person.lastName))
        // The date of service's text once a claim (`period`, each line's `servicedDate`).
        let dateOfService = encounter.dateOfService.iso
        x.node("billablePeriod") {   // period(start:end:) with the text made once
            $0.string("start", dateOfService)
            $0.string("end", dateOfService)
        }
        x.string("created", created)
        x.reference("insurer", to: coverages[billedPlan].insurer, display: FHIRText.clean(payer.name))
        x.reference("provider", to: parties.billingProvider, display: displays.billingProvider)
        x.fixed(Self.priority)
        // CONTRACT §6: the service site, when it is not the billing provider's address (as 2310C):
        // a logical reference (identifier and name), not a resource of the Bundle.
        if let site = clinic.serviceFacility(encounter.location) {
            x.node("facility") {
                if let npi = site.npi { $0.identifier(repeats: false, system: FHIRCodeSystem.npi, value: npi) }
                $0.cleanString("display", site.name)
            }
        }
        x.node("careTeam", repeats: true) {
            $0.fixed(Self.sequenceOne)
            $0.reference("provider", to: parties.practitioner, display: displays.practitioner)
            $0.fixed(Self.primaryRole)
            if let taxonomy = encounter.renderingProvider.taxonomy.flatMap(FHIRText.clean) {
                $0.concept("qualification", FHIRCodeSystem.providerTaxonomy, taxonomy)
            }
        }
        for (offset, code) in encounter.diagnoses.enumerated() {
            x.node("diagnosis", repeats: true) {
                $0.integer("sequence", offset + 1)
                $0.concept("diagnosisCodeableConcept", FHIRCodeSystem.icd10CM, code.dotted)
                if offset == 0 { $0.fixed(Self.principalType) }
            }
        }
        // Every plan of the patient, primary first; `focal` only on the one this claim goes to.
        for offset in coverages.indices {
            let focal = coverages[offset].coverage.id == coverages[billedPlan].coverage.id
            x.node("insurance", repeats: true) {
                $0.integer("sequence", offset + 1)
                $0.boolean("focal", focal)
                $0.reference("coverage", to: coverages[offset].coverage, display: coverages[offset].insurerName)
                if focal { $0.cleanString("preAuthRef", authNumber, repeats: true) }
            }
        }
        let location = Self.locationConcept(encounter.placeOfService)
        for offset in billed.indices {   // each line read in place, not copied (its strings retained)
            item(&x, sequence: offset + 1, line: billed[offset], dateOfService: dateOfService, location: location)
        }
        x.money("total", total)
    }

    /// The lines' total charge: its value is all `Money.format` writes of it. One line's charge is the
    /// total (`0 + charge` was a Foundation addition); charges of at most two decimal places (what
    /// clinics bill) are added as whole cents (Foundation's `+` cost ~4,900 instructions an addition,
    /// issue 18); any other amount takes Foundation's sum.
    static func total(of lines: [ServiceLine]) -> Decimal {
        if lines.count == 1 { return lines[0].charge }
        var cents: Int64 = 0
        for index in lines.indices {
            let charge = lines[index].charge
            guard charge.isFinite, charge.exponent >= -2 else { return generalTotal(of: lines) }
            let lineCents = Money.cents(of: charge)
            let (sum, overflow) = cents.addingReportingOverflow(lineCents)
            guard lineCents != .max, lineCents != .min, !overflow else { return generalTotal(of: lines) }
            cents = sum
        }
        return Money.amount(cents: cents)
    }

    /// The lines' total charge by Foundation's addition (what `total(of:)` must agree with).
    static func generalTotal(of lines: [ServiceLine]) -> Decimal {
        lines.reduce(Decimal(0)) { $0 + $1.charge }
    }

    // The Claim's constant elements, written as one piece each (`FHIRFragment`).
    private static let statusTypeUse = FHIRFragment {
        $0.string("status", "active")
        $0.concept("type", FHIRCodeSystem.claimType, "professional", display: "Professional")
        $0.string("use", "claim")
    }
    private static let priority = FHIRFragment { $0.concept("priority", FHIRCodeSystem.processPriority, "normal", display: "Normal") }
    private static let sequenceOne = FHIRFragment { $0.integer("sequence", 1) }
    private static let primaryRole = FHIRFragment {
        $0.concept("role", FHIRCodeSystem.careTeamRole, "primary", display: "Primary provider")
    }
    private static let principalType = FHIRFragment {
        $0.concept("type", repeats: true, FHIRCodeSystem.diagnosisType, "principal", display: "Principal Diagnosis")
    }
    private static let careTeamSequenceOne = FHIRFragment { $0.integer("careTeamSequence", 1, repeats: true) }

    /// The place of service as a concept, for the codes with a display (nearly every claim's): constant.
    static let locationConcepts = Dictionary(uniqueKeysWithValues: FHIRCodeSystem.placeOfServiceNames.map { code, name in
        (code, FHIRFragment { $0.concept("locationCodeableConcept", FHIRCodeSystem.placeOfService, code, display: name) })
    })
    /// The same, as a list: a code of two bytes is a small string, found by comparing its bits
    /// (`sameBytes`) with a handful of others rather than by hashing it (~350 instructions a claim).
    private static let locationConceptList = Array(locationConcepts)

    /// `locationConcepts[code]`.
    static func locationConcept(_ code: String) -> FHIRFragment? {
        for entry in locationConceptList where sameBytes(entry.key, code) { return entry.value }
        // Another spelling of a listed code (`==` is canonical equivalence) is found by its key.
        return locationConcepts[code]
    }

    private func item(_ x: inout FHIRNode, sequence: Int, line: ServiceLine, dateOfService: String, location: FHIRFragment?) {
        let placeOfService = encounter.placeOfService
        x.node("item", repeats: true) {
            $0.integer("sequence", sequence)
            $0.fixed(Self.careTeamSequenceOne)
            for pointer in line.diagnosisPointers {
                $0.integer("diagnosisSequence", pointer, repeats: true)
            }
            $0.concept("productOrService", FHIRCodeSystem.procedureSystem(for: line.code), line.code)
            for modifier in line.modifiers {
                $0.concept("modifier", repeats: true, FHIRCodeSystem.procedureSystem(for: modifier), modifier)
            }
            $0.string("servicedDate", dateOfService)
            if let location {
                $0.fixed(location)
            } else {
                $0.concept("locationCodeableConcept", FHIRCodeSystem.placeOfService, placeOfService,
                           display: FHIRCodeSystem.placeOfServiceNames[placeOfService])
            }
            $0.node("quantity") { $0.decimal("value", line.units) }
            if let unitPrice = FHIRClaimWriter.exactUnitPrice(charge: line.charge, units: line.units) {
                $0.money("unitPrice", unitPrice)
            }
            $0.money("net", line.charge)
            if let ndc = line.ndc {
                $0.node("detail", repeats: true) {
                    $0.integer("sequence", 1)
                    $0.concept("productOrService", FHIRCodeSystem.ndc, ndc)
                    if let quantity = line.ndcQuantity {
                        $0.node("quantity") {
                            $0.decimal("value", quantity)
                            $0.string("unit", line.ndcUnit)
                        }
                    }
                }
            }
        }
    }
}
