import ClaimsCore
import Foundation

/// Writes HL7 FHIR R4 `Claim` resources (XML) for the `bill` lines of evaluated encounters.
///
/// ```swift
/// let writer = FHIRClaimWriter(clinic: clinic, created: asOf)
/// let xml: Data = try writer.claimXML(for: evaluation, payer: payerRules)        // one Claim
/// let bundle: Data = try writer.bundleXML(for: evaluations, payer: payerRules,    // or a collection
///                                         bundleId: "bcbs-il-2026-11-20")
/// ```
/// Every document is validated against the project's own XSD (`FHIRSubsetSchema`) before it is
/// returned; a violation throws a `FHIRWriteError` whose `isBug` is true, so no invalid file is written.
/// The output depends only on the inputs (no clock): `created` is injected.
public struct FHIRClaimWriter: Sendable {
    public var clinic: ClinicProfile
    /// `Claim.created`: the processing (as-of) date of the run.
    public var created: LocalDate

    public init(clinic: ClinicProfile, created: LocalDate) {
        self.clinic = clinic; self.created = created
    }

    /// One `Claim` document for `evaluation`'s `bill` lines.
    /// - Parameter claimId: the resource id; defaults to the encounter id (the patient control number).
    public func claimXML(for evaluation: EncounterEvaluation, payer: PayerRules,
                         claimId: String? = nil) throws(FHIRWriteError) -> Data {
        let subject = "encounter \(evaluation.encounterId)"
        let schema = try Self.schema(for: subject)
        var text = XMLText(namespace: FHIRCodeSystem.namespace, validation: schema.streamValidation(namespace: FHIRCodeSystem.namespace))
        try writeClaim(to: &text, for: evaluation, payer: payer, claimId: claimId)
        return try checkedDocument(text, schema: schema, rootName: "Claim", subject: subject)
    }

    /// One `Bundle` of type `collection` holding a `Claim` per evaluation, all for `payer`.
    public func bundleXML(for evaluations: [EncounterEvaluation], payer: PayerRules,
                          bundleId: String) throws(FHIRWriteError) -> Data {
        let subject = "bundle \(bundleId)"
        try Self.checkResourceId(bundleId, subject: subject)
        let schema = try Self.schema(for: subject)
        var text = XMLText(namespace: FHIRCodeSystem.namespace, capacity: 8192 * max(1, evaluations.count),
                           validation: schema.streamValidation(namespace: FHIRCodeSystem.namespace))
        text.start("Bundle")
        text.primitive("id", bundleId)
        text.primitive("type", "collection")
        for evaluation in evaluations {
            if let encounterPayer = evaluation.encounter?.coverage?.payer, encounterPayer != payer.slug {
                throw FHIRWriteError(code: .payerMismatch, subject: "encounter \(evaluation.encounterId)",
                                     message: "its payer is '\(encounterPayer)' but the bundle is for '\(payer.slug)'; group claims by payer")
            }
            text.start("entry")
            text.start("resource")
            try writeClaim(to: &text, for: evaluation, payer: payer, claimId: nil)
            text.end()
            text.end()
        }
        text.end()
        return try checkedDocument(text, schema: schema, rootName: "Bundle", subject: subject)
    }

    /// The project's XSD for what this writer produces (parsed once per process).
    public static func projectSchema() throws(XMLSchemaError) -> XMLSchema {
        try parsedProjectSchema.get()
    }

    private static let parsedProjectSchema: Result<XMLSchema, XMLSchemaError> = Result { () throws(XMLSchemaError) in
        try XMLSchema(xsd: FHIRSubsetSchema.xsd, name: FHIRSubsetSchema.name)
    }

    // MARK: - Mapping (element order follows the R4 Claim definition; the XSD enforces it)

    /// Writes one `Claim` element; every check that can throw runs before anything is written.
    func writeClaim(to x: inout XMLText, for evaluation: EncounterEvaluation, payer: PayerRules,
                    claimId: String?) throws(FHIRWriteError) {
        let subject = "encounter \(evaluation.encounterId)"
        let billed = evaluation.serviceLines(with: .bill)
        guard let encounter = evaluation.encounter, !billed.isEmpty else {
            throw FHIRWriteError(code: .nothingToBill, subject: subject,
                                 message: "no line has the decision 'bill'; only billable encounters get a FHIR claim")
        }
        guard let coverage = encounter.coverage else {
            throw FHIRWriteError(code: .noCoverage, subject: subject,
                                 message: "the patient has no coverage (self-pay); a Claim needs an insurer — use a superbill")
        }
        let id = claimId ?? encounter.id
        try Self.checkResourceId(id, subject: subject)

        let provider = clinic.billingProvider
        let rendering = encounter.renderingProvider
        let person = encounter.patient.person
        let total = billed.reduce(Decimal(0)) { $0 + $1.line.charge }
        let payerName = Self.clean(payer.name)

        x.start("Claim")
        x.primitive("id", id)
        x.start("identifier"); x.primitive("value", encounter.id); x.end()
        x.primitive("status", "active")
        x.start("type"); coding(&x, FHIRCodeSystem.claimType, "professional", display: "Professional"); x.end()
        x.primitive("use", "claim")
        x.start("patient")
        identifier(&x, type: "MR", typeDisplay: "Medical record number", value: encounter.patient.id)
        x.optional("display", Self.fullName(first: person.firstName, middle: person.middleName, last: person.lastName))
        x.end()
        x.start("billablePeriod")
        x.primitive("start", encounter.dateOfService.iso)
        x.primitive("end", encounter.dateOfService.iso)
        x.end()
        x.primitive("created", created.iso)
        x.start("insurer")
        if let payerId = payer.payerId.flatMap({ Self.clean($0) }) {
            x.start("identifier"); x.primitive("value", payerId); x.end()
        }
        x.optional("display", payerName)
        x.end()
        x.start("provider")
        npiIdentifier(&x, provider.npi)
        x.optional("display", Self.clean(provider.name))
        x.end()
        x.start("priority"); coding(&x, FHIRCodeSystem.processPriority, "normal", display: "Normal"); x.end()
        // CONTRACT §6: the service site, when it is not the billing provider's address (as 2310C).
        if let site = clinic.serviceFacility(encounter.location) {
            x.start("facility")
            if let npi = site.npi { npiIdentifier(&x, npi) }
            x.optional("display", Self.clean(site.name))
            x.end()
        }
        x.start("careTeam")
        x.primitive("sequence", "1")
        x.start("provider")
        npiIdentifier(&x, rendering.npi)
        x.optional("display", Self.fullName(first: rendering.firstName, middle: nil, last: rendering.lastName))
        x.end()
        x.start("role"); coding(&x, FHIRCodeSystem.careTeamRole, "primary", display: "Primary provider"); x.end()
        if let taxonomy = rendering.taxonomy.flatMap({ Self.clean($0) }) {
            x.start("qualification"); coding(&x, FHIRCodeSystem.providerTaxonomy, taxonomy); x.end()
        }
        x.end()
        for (offset, code) in encounter.diagnoses.enumerated() {
            x.start("diagnosis")
            x.primitive("sequence", String(offset + 1))
            x.start("diagnosisCodeableConcept"); coding(&x, FHIRCodeSystem.icd10CM, code.dotted); x.end()
            if offset == 0 {
                x.start("type"); coding(&x, FHIRCodeSystem.diagnosisType, "principal", display: "Principal Diagnosis"); x.end()
            }
            x.end()
        }
        x.start("insurance")
        x.primitive("sequence", "1")
        x.primitive("focal", "true")
        x.start("coverage")
        identifier(&x, type: "MB", typeDisplay: "Member Number", value: coverage.memberId)
        x.optional("display", payerName)
        x.end()
        x.optional("preAuthRef", evaluation.billedAuthNumber.flatMap { Self.clean($0) })
        x.end()
        for (offset, billedLine) in billed.enumerated() {
            item(&x, sequence: offset + 1, line: billedLine.line, encounter: encounter)
        }
        money(&x, "total", total)
        x.end()
    }

    private func item(_ x: inout XMLText, sequence: Int, line: ServiceLine, encounter: Encounter) {
        let placeOfService = encounter.placeOfService
        x.start("item")
        x.primitive("sequence", String(sequence))
        x.primitive("careTeamSequence", "1")
        for pointer in line.diagnosisPointers {
            x.primitive("diagnosisSequence", String(pointer))
        }
        x.start("productOrService"); coding(&x, FHIRCodeSystem.procedureSystem(for: line.code), line.code); x.end()
        for modifier in line.modifiers {
            x.start("modifier"); coding(&x, FHIRCodeSystem.procedureSystem(for: modifier), modifier); x.end()
        }
        x.primitive("servicedDate", encounter.dateOfService.iso)
        x.start("locationCodeableConcept")
        coding(&x, FHIRCodeSystem.placeOfService, placeOfService, display: FHIRCodeSystem.placeOfServiceNames[placeOfService])
        x.end()
        x.start("quantity"); x.primitive("value", Money.plain(line.units)); x.end()
        if let unitPrice = Self.exactUnitPrice(charge: line.charge, units: line.units) {
            money(&x, "unitPrice", unitPrice)
        }
        money(&x, "net", line.charge)
        if let ndc = line.ndc {
            x.start("detail")
            x.primitive("sequence", "1")
            x.start("productOrService"); coding(&x, FHIRCodeSystem.ndc, ndc); x.end()
            if let quantity = line.ndcQuantity {
                x.start("quantity")
                x.primitive("value", Money.plain(quantity))
                x.optional("unit", line.ndcUnit)
                x.end()
            }
            x.end()
        }
        x.end()
    }

    private func coding(_ x: inout XMLText, _ system: String, _ code: String, display: String? = nil) {
        x.start("coding")
        x.primitive("system", system)
        x.primitive("code", code)
        x.optional("display", display)
        x.end()
    }

    private func identifier(_ x: inout XMLText, type: String, typeDisplay: String, value: String) {
        x.start("identifier")
        x.start("type"); coding(&x, FHIRCodeSystem.identifierType, type, display: typeDisplay); x.end()
        x.optional("value", Self.clean(value))
        x.end()
    }

    private func npiIdentifier(_ x: inout XMLText, _ npi: String) {
        x.start("identifier")
        x.primitive("system", FHIRCodeSystem.npi)
        x.primitive("value", npi)
        x.end()
    }

    private func money(_ x: inout XMLText, _ name: StaticString, _ amount: Decimal) {
        x.start(name)
        x.primitive("value", Money.format(amount))
        x.primitive("currency", "USD")
        x.end()
    }

    /// FHIR says net = quantity × unitPrice. A unit price is written only when it is exact in cents
    /// (1120.00 for 84 mg is 13.333…/mg: written as net alone, never as a rounded price that disagrees).
    static func exactUnitPrice(charge: Decimal, units: Decimal) -> Decimal? {
        guard units > 0 else { return nil }
        if units == 1 { return charge }
        guard let cents = Money.parse(Money.format(charge / units)), cents * units == charge else { return nil }
        return cents
    }

    // MARK: - Text

    /// Trims and collapses runs of whitespace (FHIR strings must not start or end with whitespace); nil when empty.
    static func clean(_ text: String) -> String? {
        // Most values are already clean: printable ASCII with single inner spaces.
        var previousSpace = true
        var alreadyClean = !text.isEmpty
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F || (byte == 0x20 && previousSpace) { alreadyClean = false; break }
            previousSpace = byte == 0x20
        }
        if alreadyClean && !previousSpace { return text }
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.isEmpty ? nil : collapsed
    }

    static func fullName(first: String, middle: String?, last: String) -> String? {
        clean([first, middle ?? "", last].joined(separator: " "))
    }

    static func checkResourceId(_ id: String, subject: String) throws(FHIRWriteError) {
        let allowed = id.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 46
        }
        guard allowed, (1...64).contains(id.utf8.count) else {
            throw FHIRWriteError(code: .invalidIdentifier, subject: subject,
                                 message: "'\(id)' is not a FHIR resource id (1–64 of A–Z a–z 0–9 - .); choose another id")
        }
    }

    // MARK: - Serialization and the write-time check

    private static func schema(for subject: String) throws(FHIRWriteError) -> XMLSchema {
        do { return try projectSchema() } catch {
            throw FHIRWriteError(code: .schemaViolation, subject: subject,
                                 message: "internal error (a bug in ClaimsFHIR): the embedded schema does not parse; nothing was written",
                                 diagnostics: error.diagnostics)
        }
    }

    private func checkedDocument(_ text: XMLText, schema: XMLSchema, rootName: String, subject: String) throws(FHIRWriteError) -> Data {
        if let (path, bad) = text.forbidden {
            let hex = String(bad.value, radix: 16, uppercase: true)
            throw FHIRWriteError(code: .invalidText, subject: subject,
                                 message: "\(path) contains the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex), which XML cannot carry; remove it from the input")
        }
        // The document was validated as it was written (no parsing, no tree); only a failure, or a
        // validator libxml2 could not set up, pays for parsing the text to get line numbers.
        let valid = text.validation?.finish() ?? false
        let data = Data(text.bytes)
        let problems = valid ? [] : schema.validate(data, documentName: "\(rootName).xml")
        guard problems.isEmpty else {
            throw FHIRWriteError(code: .schemaViolation, subject: subject,
                                 message: "internal error (a bug in ClaimsFHIR, not in the input): the generated \(rootName) breaks the project's FHIR schema, so nothing was written; please report it with these lines",
                                 diagnostics: problems)
        }
        return data
    }
}
