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
        let claim = try claimElement(for: evaluation, payer: payer, claimId: claimId)
        return try checkedDocument(claim, subject: "encounter \(evaluation.encounterId)")
    }

    /// One `Bundle` of type `collection` holding a `Claim` per evaluation, all for `payer`.
    public func bundleXML(for evaluations: [EncounterEvaluation], payer: PayerRules,
                          bundleId: String) throws(FHIRWriteError) -> Data {
        let subject = "bundle \(bundleId)"
        try Self.checkResourceId(bundleId, subject: subject)
        var entries: [FHIRElement] = []
        for evaluation in evaluations {
            if let encounterPayer = evaluation.encounter?.coverage?.payer, encounterPayer != payer.slug {
                throw FHIRWriteError(code: .payerMismatch, subject: "encounter \(evaluation.encounterId)",
                                     message: "its payer is '\(encounterPayer)' but the bundle is for '\(payer.slug)'; group claims by payer")
            }
            let claim = try claimElement(for: evaluation, payer: payer, claimId: nil)
            entries.append(.node("entry", [.node("resource", [claim])]))
        }
        let bundle = FHIRElement.node("Bundle", [.primitive("id", bundleId), .primitive("type", "collection")] + entries)
        return try checkedDocument(bundle, subject: subject)
    }

    /// The project's XSD for what this writer produces (parsed once per process).
    public static func projectSchema() throws(XMLSchemaError) -> XMLSchema {
        try parsedProjectSchema.get()
    }

    private static let parsedProjectSchema: Result<XMLSchema, XMLSchemaError> = Result { () throws(XMLSchemaError) in
        try XMLSchema(xsd: FHIRSubsetSchema.xsd, name: FHIRSubsetSchema.name)
    }

    // MARK: - Mapping (element order follows the R4 Claim definition; the XSD enforces it)

    func claimElement(for evaluation: EncounterEvaluation, payer: PayerRules,
                      claimId: String?) throws(FHIRWriteError) -> FHIRElement {
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

        let diagnoses = encounter.diagnoses.enumerated().map { offset, code in
            FHIRElement.node("diagnosis", [
                .primitive("sequence", String(offset + 1)),
                .node("diagnosisCodeableConcept", [coding(FHIRCodeSystem.icd10CM, code.dotted)]),
                offset == 0 ? .node("type", [coding(FHIRCodeSystem.diagnosisType, "principal", display: "Principal Diagnosis")]) : nil,
            ])
        }

        let items = billed.enumerated().map { offset, billedLine in
            item(sequence: offset + 1, line: billedLine.line, encounter: encounter)
        }

        return .node("Claim", [
            .primitive("id", id),
            .node("identifier", [.primitive("value", encounter.id)]),
            .primitive("status", "active"),
            .node("type", [coding(FHIRCodeSystem.claimType, "professional", display: "Professional")]),
            .primitive("use", "claim"),
            .node("patient", [
                identifier(type: "MR", typeDisplay: "Medical record number", value: encounter.patient.id),
                .optional("display", Self.fullName(first: person.firstName, middle: person.middleName, last: person.lastName)),
            ]),
            .node("billablePeriod", [
                .primitive("start", encounter.dateOfService.iso), .primitive("end", encounter.dateOfService.iso),
            ]),
            .primitive("created", created.iso),
            .node("insurer", [
                payer.payerId.flatMap { Self.clean($0) }.map { .node("identifier", [.primitive("value", $0)]) },
                .optional("display", Self.clean(payer.name)),
            ]),
            .node("provider", [
                npiIdentifier(provider.npi),
                .optional("display", Self.clean(provider.name)),
            ]),
            .node("priority", [coding(FHIRCodeSystem.processPriority, "normal", display: "Normal")]),
            .node("careTeam", [
                .primitive("sequence", "1"),
                .node("provider", [
                    npiIdentifier(rendering.npi),
                    .optional("display", Self.fullName(first: rendering.firstName, middle: nil, last: rendering.lastName)),
                ]),
                .node("role", [coding(FHIRCodeSystem.careTeamRole, "primary", display: "Primary provider")]),
                rendering.taxonomy.flatMap { Self.clean($0) }.map {
                    .node("qualification", [coding(FHIRCodeSystem.providerTaxonomy, $0)])
                },
            ]),
        ] + diagnoses + [
            .node("insurance", [
                .primitive("sequence", "1"),
                .primitive("focal", "true"),
                .node("coverage", [
                    identifier(type: "MB", typeDisplay: "Member Number", value: coverage.memberId),
                    .optional("display", Self.clean(payer.name)),
                ]),
                .optional("preAuthRef", evaluation.billedAuthNumber.flatMap { Self.clean($0) }),
            ]),
        ] + items + [
            money("total", total),
        ])
    }

    private func item(sequence: Int, line: ServiceLine, encounter: Encounter) -> FHIRElement {
        let placeOfService = encounter.placeOfService
        return .node("item", [
            .primitive("sequence", String(sequence)),
            .primitive("careTeamSequence", "1"),
        ] + line.diagnosisPointers.map { .primitive("diagnosisSequence", String($0)) } + [
            .node("productOrService", [coding(FHIRCodeSystem.procedureSystem(for: line.code), line.code)]),
        ] + line.modifiers.map { modifier in
            .node("modifier", [coding(FHIRCodeSystem.procedureSystem(for: modifier), modifier)])
        } + [
            .primitive("servicedDate", encounter.dateOfService.iso),
            .node("locationCodeableConcept", [
                coding(FHIRCodeSystem.placeOfService, placeOfService, display: FHIRCodeSystem.placeOfServiceNames[placeOfService]),
            ]),
            .node("quantity", [.primitive("value", Money.plain(line.units))]),
            Self.exactUnitPrice(charge: line.charge, units: line.units).map { money("unitPrice", $0) },
            money("net", line.charge),
            line.ndc.map { ndc in
                .node("detail", [
                    .primitive("sequence", "1"),
                    .node("productOrService", [coding(FHIRCodeSystem.ndc, ndc)]),
                    line.ndcQuantity.map { quantity in
                        .node("quantity", [.primitive("value", Money.plain(quantity)), .optional("unit", line.ndcUnit)])
                    },
                ])
            },
        ])
    }

    private func coding(_ system: String, _ code: String, display: String? = nil) -> FHIRElement {
        .node("coding", [.primitive("system", system), .primitive("code", code), .optional("display", display)])
    }

    private func identifier(type: String, typeDisplay: String, value: String) -> FHIRElement {
        .node("identifier", [
            .node("type", [coding(FHIRCodeSystem.identifierType, type, display: typeDisplay)]),
            .optional("value", Self.clean(value)),
        ])
    }

    private func npiIdentifier(_ npi: String) -> FHIRElement {
        .node("identifier", [.primitive("system", FHIRCodeSystem.npi), .primitive("value", npi)])
    }

    private func money(_ name: String, _ amount: Decimal) -> FHIRElement {
        .node(name, [.primitive("value", Money.format(amount)), .primitive("currency", "USD")])
    }

    /// FHIR says net = quantity × unitPrice. A unit price is written only when it is exact in cents
    /// (1120.00 for 84 mg is 13.333…/mg: written as net alone, never as a rounded price that disagrees).
    static func exactUnitPrice(charge: Decimal, units: Decimal) -> Decimal? {
        guard units > 0 else { return nil }
        if units == 1 { return charge }
        guard let cents = Decimal(string: Money.format(charge / units), locale: Locale(identifier: "en_US_POSIX")),
              cents * units == charge else { return nil }
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

    private func checkedDocument(_ root: FHIRElement, subject: String) throws(FHIRWriteError) -> Data {
        try Self.rejectForbiddenCharacters(in: root, path: root.name, subject: subject)
        let schema: XMLSchema
        do { schema = try Self.projectSchema() } catch {
            throw FHIRWriteError(code: .schemaViolation, subject: subject,
                                 message: "internal error (a bug in ClaimsFHIR): the embedded schema does not parse; nothing was written",
                                 diagnostics: error.diagnostics)
        }
        // Validate the tree as built (one pass); only a failure pays for re-parsing the text to get line numbers.
        let (data, valid) = XMLTree.serialize(root, namespace: FHIRCodeSystem.namespace, validatingWith: schema)
        let problems = valid ? [] : schema.validate(data, documentName: "\(root.name).xml")
        guard problems.isEmpty else {
            throw FHIRWriteError(code: .schemaViolation, subject: subject,
                                 message: "internal error (a bug in ClaimsFHIR, not in the input): the generated \(root.name) breaks the project's FHIR schema, so nothing was written; please report it with these lines",
                                 diagnostics: problems)
        }
        return data
    }

    private static func rejectForbiddenCharacters(in element: FHIRElement, path: String,
                                                  subject: String) throws(FHIRWriteError) {
        if let value = element.value, let bad = XMLTree.firstForbiddenCharacter(in: value) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            throw FHIRWriteError(code: .invalidText, subject: subject,
                                 message: "\(path) contains the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex), which XML cannot carry; remove it from the input")
        }
        for child in element.children {
            try rejectForbiddenCharacters(in: child, path: path + "/" + child.name, subject: subject)
        }
    }
}
