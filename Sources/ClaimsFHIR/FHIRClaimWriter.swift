import ClaimsCore
import Foundation

/// Writes HL7 FHIR R4 `Claim`s (XML) for the `bill` lines of evaluated encounters, with the
/// resources they reference (Patient, Coverage, Organizations, Practitioner: `FHIRParties`).
///
/// ```swift
/// let writer = FHIRClaimWriter(clinic: clinic, created: asOf, payers: rules.payers)
/// let entries = try writer.claimEntries(for: evaluation, payer: payerRules)   // Bundle entries, checked
/// let bundle: Data = try writer.bundleXML(for: evaluations, payer: payerRules,
///                                         bundleId: "bcbs-il-2026-11-20", timestamp: "2026-11-20T09:30:00Z")
/// ```
/// Every resource structure is validated against the project's own XSD (`FHIRSubsetSchema`) the first
/// time the writer produces it (`document`); a violation throws a `FHIRWriteError` whose `isBug` is
/// true, so no invalid file is written.
/// The output depends only on the inputs (no clock): `created` and the Bundle timestamp are injected.
public struct FHIRClaimWriter: Sendable {
    public let clinic: ClinicProfile
    /// `Claim.created`: the processing (as-of) date of the run.
    public let created: LocalDate
    /// The payer files: the insurer of a second coverage is named from them.
    public let payers: [PayerSlug: PayerRules]
    private let partyEntries = EntryCache()
    private let practitioners = Practitioners()
    private let validatedShapes = ValidatedShapes()

    /// Built once from the clinic profile and the payer files (every claim references them).
    private let organizations: FHIROrganizations
    /// What every Claim of this writer says the same way: `created`'s text and the billing provider's
    /// display (made once, not once a claim).
    private let createdText: String
    private let billingProviderDisplay: String?

    public init(clinic: ClinicProfile, created: LocalDate, payers: [PayerSlug: PayerRules] = [:]) {
        self.clinic = clinic; self.created = created; self.payers = payers
        organizations = FHIROrganizations(clinic: clinic, payers: payers)
        createdText = created.iso
        billingProviderDisplay = FHIRText.clean(clinic.billingProvider.name)
    }

    /// One Bundle entry: its `fullUrl` (what references say) and its XML, `<entry>…</entry>`.
    public struct Entry: Sendable {
        public var fullUrl: String
        public var xml: Data
    }

    /// The Claim for `evaluation`'s `bill` lines and the resources it references.
    public func claimResources(for evaluation: EncounterEvaluation, payer: PayerRules,
                               claimId: String? = nil) throws(FHIRWriteError) -> (claim: FHIRResource, parties: FHIRParties) {
        let (mapping, id) = try claimMapping(for: evaluation, payer: payer, claimId: claimId)
        return (mapping.claim(id: id), mapping.parties)
    }

    /// What the Claim is made from, checked: the mapping (with the resources it references) and its id.
    private func claimMapping(for evaluation: EncounterEvaluation, payer: PayerRules,
                              claimId: String?) throws(FHIRWriteError) -> (mapping: FHIRClaimMapping, id: String) {
        // Named only for an error (the text cost two string builds a claim); the id captured alone
        // (capturing the evaluation copied it, its arrays retained and released, for each claim).
        let encounterId = evaluation.encounterId
        func subject() -> String { "encounter \(encounterId)" }
        let billed = evaluation.lines(with: .bill)
        guard let encounter = evaluation.encounter, !billed.isEmpty else {
            throw FHIRWriteError(code: .nothingToBill, subject: subject(),
                                 message: "no line has the decision 'bill'; only billable encounters get a FHIR claim")
        }
        guard encounter.coverage != nil else {
            throw FHIRWriteError(code: .noCoverage, subject: subject(),
                                 message: "the patient has no coverage (self-pay); a Claim needs an insurer — use a superbill")
        }
        let id = claimId ?? encounter.id
        try Self.checkResourceId(id, subject: subject())
        let payers = payers   // captured alone, not the whole writer (a copy of it per claim)
        let practitioner = practitioners.kept(for: encounter.renderingProvider)
        let parties = FHIRParties(encounter: encounter, clinic: clinic, payerNamed: { slug in slug == payer.slug ? payer : payers[slug] },
                                  organizations: organizations, practitioner: practitioner.resource)
        let mapping = FHIRClaimMapping(clinic: clinic, created: createdText, encounter: encounter, evaluation: evaluation,
                                       billed: billed, payer: payer, parties: parties,
                                       displays: .init(billingProvider: billingProviderDisplay, practitioner: practitioner.display))
        return (mapping, id)
    }

    /// One `Claim` document alone (its references point into the Bundle `claimEntries` fills).
    public func claimXML(for evaluation: EncounterEvaluation, payer: PayerRules,
                         claimId: String? = nil) throws(FHIRWriteError) -> Data {
        let (claim, _) = try claimResources(for: evaluation, payer: payer, claimId: claimId)
        return try document(claim, subject: "encounter \(evaluation.encounterId)")
    }

    /// The Bundle entries of one claim: the resources it references, then the Claim, each checked
    /// against the project's schema. A Bundle lists each `fullUrl` once (the batch skips repeats).
    public func claimEntries(for evaluation: EncounterEvaluation, payer: PayerRules) throws(FHIRWriteError) -> [Entry] {
        let encounterId = evaluation.encounterId   // captured alone, as in `claimMapping`
        func subject() -> String { "encounter \(encounterId)" }
        let (mapping, id) = try claimMapping(for: evaluation, payer: payer, claimId: nil)
        let resources = mapping.parties.resources
        var entries: [Entry] = []
        entries.reserveCapacity(resources.count + 1)   // grown from empty it was reallocated twice a claim
        // The claim's entries are written one after the other into one text (its buffers allocated
        // once a claim, not once an entry).
        var text = XMLText(namespace: FHIRCodeSystem.namespace, opening: Self.entryStart, "", Self.entryResource)
        for resource in resources {
            // Patient, Coverage, Practitioner: written as described (the same bytes every time for the
            // same input, so there is nothing to look up).
            if resource.isDeferred {
                entries.append(try entry(resource, into: &text, subject: subject()))
                continue
            }
            if let known = partyEntries.entry(for: resource) {
                entries.append(known)
                continue
            }
            let entry = try entry(resource, into: &text, subject: subject())
            partyEntries.keep(entry, of: resource)
            entries.append(entry)
        }
        // The Claim is written as it is built (it is never reused): the bytes `entry(mapping.claim(id:))` gives.
        let fullUrl = mapping.fullUrl
        text.restart(opening: Self.entryStart, fullUrl, Self.entryResource)
        XMLSink.writing(into: &text) { FHIRResource.writeXML("Claim", id: id, into: $0) { mapping.elements(of: &$0) } }
        let xml = try checked(&text, rootName: "Claim", subject: subject(), entry: true)
        entries.append(Entry(fullUrl: fullUrl, xml: xml))
        return entries
    }

    /// The Claim's entry from its element tree, the way every other resource is written (for tests:
    /// `claimEntries` must give the same bytes).
    func claimEntryFromTree(for evaluation: EncounterEvaluation, payer: PayerRules) throws(FHIRWriteError) -> Entry {
        let (claim, _) = try claimResources(for: evaluation, payer: payer)
        var text = XMLText(namespace: FHIRCodeSystem.namespace, opening: Self.entryStart, "", Self.entryResource)
        return try entry(claim, into: &text, subject: "encounter \(evaluation.encounterId)")
    }

    /// The shapes of the Claim as `claimEntries` writes it and as its element tree gives it (for tests:
    /// constant elements copied in one piece must note the tokens writing them gives).
    func claimShapes(for evaluation: EncounterEvaluation, payer: PayerRules) throws(FHIRWriteError) -> (direct: XMLText.Shape, tree: XMLText.Shape) {
        let (mapping, id) = try claimMapping(for: evaluation, payer: payer, claimId: nil)
        var direct = XMLText(namespace: FHIRCodeSystem.namespace)
        XMLSink.writing(into: &direct) { sink in FHIRResource.writeXML("Claim", id: id, into: sink) { mapping.elements(of: &$0) } }
        var tree = XMLText(namespace: FHIRCodeSystem.namespace)
        FHIRXMLEncoder.write(mapping.claim(id: id), to: &tree)
        return (direct.shape, tree.shape)
    }

    /// The entries of the kept resources claims share, by fullUrl: the billing and insurer
    /// Organizations of every claim (the patient, plan and practitioner are deferred resources, written
    /// anew each time: writing them costs less than building their trees to compare). An entry is
    /// reused only for a resource equal element for element, so the bytes are those drafting it anew
    /// would give. Shared by the drafting threads; bounded (emptied when full).
    ///
    /// The resources claims share are the very same values (the writer's Organizations, a provider's
    /// kept Practitioner): `recent` finds them by the identity of their shared fields first, a few
    /// pointer comparisons instead of hashing a fullUrl and comparing elements (~2,000 instructions a
    /// claim, issue 18). It holds each resource it lists, so an identity stays that resource's.
    final class EntryCache: @unchecked Sendable {
        static let limit = 4096
        static let recentLimit = 16
        private let lock = NSLock()
        private var entries: [String: Kept] = [:]
        private var recent: [Kept] = []

        /// A resource and its entry, behind one reference (a lookup retains one object, not the
        /// resource, the fullUrl and the bytes of a tuple; ~150 instructions a lookup, issue 18).
        private final class Kept: Sendable {
            let resource: FHIRResource
            let entry: Entry
            init(_ resource: FHIRResource, _ entry: Entry) { self.resource = resource; self.entry = entry }
        }

        func entry(for resource: FHIRResource) -> Entry? {
            let identity = resource.fieldsIdentity
            let found: Kept? = lock.withLock {
                for kept in recent where kept.resource.fieldsIdentity == identity { return kept }
                guard let kept = entries[resource.fullUrl] else { return nil }
                if kept.resource.fieldsIdentity == identity, recent.count < Self.recentLimit { recent.append(kept) }
                return kept
            }
            guard let found else { return nil }
            if found.resource.fieldsIdentity == identity { return found.entry }
            return found.resource == resource ? found.entry : nil
        }

        func keep(_ entry: Entry, of resource: FHIRResource) {
            lock.withLock {
                if entries.count >= Self.limit {
                    entries.removeAll(keepingCapacity: true)
                    recent.removeAll(keepingCapacity: true)
                }
                entries[entry.fullUrl] = Kept(resource, entry)
            }
        }
    }

    /// Each rendering provider's Practitioner, kept as an element tree: most claims of a run share a
    /// handful of clinicians, so the resource (its id a SHA-256) is built once per provider and its
    /// entry found in `EntryCache` by the same element storage, instead of drafting it for every claim
    /// (~20,000 instructions a claim, issue 18). Kept only while the provider's details are the same
    /// bytes; shared by the drafting threads; bounded (emptied when full). The name a claim's care
    /// team displays is kept with it, and the provider found last is compared first (the lookup by
    /// NPI hashed the NPI, ~350 instructions a claim).
    final class Practitioners: @unchecked Sendable {
        static let limit = 1024
        private let lock = NSLock()
        private var kept: [String: Kept] = [:]
        private var last: Kept?

        /// One provider's Practitioner and the display of a reference to it.
        final class Kept: Sendable {
            let provider: RenderingProvider
            let resource: FHIRResource
            /// `FHIRText.fullName` of the provider's first and last name (the Claim's careTeam).
            let display: String?

            init(_ provider: RenderingProvider) {
                self.provider = provider
                resource = FHIRParties.practitioner(provider, kept: true)
                display = FHIRText.fullName(first: provider.firstName, middle: nil, last: provider.lastName)
            }
        }

        func resource(for provider: RenderingProvider) -> FHIRResource { kept(for: provider).resource }

        func kept(for provider: RenderingProvider) -> Kept {
            if let recent = lock.withLock({ last }), Self.same(recent.provider, provider) { return recent }
            if let known = lock.withLock({ kept[provider.npi] }), Self.same(known.provider, provider) {
                lock.withLock { last = known }
                return known
            }
            let made = Kept(provider)
            lock.withLock {
                if kept.count >= Self.limit { kept.removeAll(keepingCapacity: true) }
                kept[provider.npi] = made
                last = made
            }
            return made
        }

        /// Every field the Practitioner is written from, byte for byte.
        private static func same(_ one: RenderingProvider, _ other: RenderingProvider) -> Bool {
            sameBytes(one.npi, other.npi) && sameBytes(one.firstName, other.firstName) && sameBytes(one.lastName, other.lastName)
                && (one.taxonomy == nil) == (other.taxonomy == nil) && sameBytes(one.taxonomy ?? "", other.taxonomy ?? "")
        }
    }

    /// A `Bundle` of type `collection` holding a `Claim` per evaluation (all for `payer`) and every
    /// resource they reference, once each.
    /// - Parameter timestamp: an instant (`2026-11-20T09:30:00Z`): when the Bundle was assembled.
    public func bundleXML(for evaluations: [EncounterEvaluation], payer: PayerRules,
                          bundleId: String, timestamp: String) throws(FHIRWriteError) -> Data {
        let subject = "bundle \(bundleId)"
        try Self.checkResourceId(bundleId, subject: subject)
        var text = bundleOpening(bundleId: bundleId, timestamp: timestamp).data(using: .utf8)!
        var written = Set<String>()
        for evaluation in evaluations {
            if let encounterPayer = evaluation.encounter?.coverage?.payer, encounterPayer != payer.slug {
                throw FHIRWriteError(code: .payerMismatch, subject: "encounter \(evaluation.encounterId)",
                                     message: "its payer is '\(encounterPayer)' but the bundle is for '\(payer.slug)'; group claims by payer")
            }
            for entry in try claimEntries(for: evaluation, payer: payer) where written.insert(entry.fullUrl).inserted {
                text.append(entry.xml)
            }
        }
        text.append(contentsOf: Array(Self.bundleClosing.utf8))
        let schema = try Self.schema(for: subject)
        let problems = schema.validate(text, documentName: "Bundle.xml")
        guard problems.isEmpty else { throw Self.bug("Bundle", subject: subject, problems) }
        return text
    }

    /// The start of a collection Bundle: XML declaration, id, identifier (a `urn:uuid` derived from the
    /// billing NPI and `bundleId`), type and timestamp. Entries follow, then `bundleClosing`.
    public func bundleOpening(bundleId: String, timestamp: String) -> String {
        let identifier = "urn:uuid:" + FHIRResourceId.uuid("Bundle|\(clinic.billingProvider.npi)|\(bundleId)")
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <Bundle xmlns="http://hl7.org/fhir">
          <id value="\(bundleId)"/>
          <identifier>
            <system value="\(FHIRCodeSystem.uriIdentifier)"/>
            <value value="\(identifier)"/>
          </identifier>
          <type value="collection"/>
          <timestamp value="\(timestamp)"/>

        """
    }

    public static let bundleClosing = "</Bundle>\n"

    /// The project's XSD for what this writer produces (parsed once per process).
    public static func projectSchema() throws(XMLSchemaError) -> XMLSchema {
        try parsedProjectSchema.get()
    }

    private static let parsedProjectSchema: Result<XMLSchema, XMLSchemaError> = Result { () throws(XMLSchemaError) in
        try XMLSchema(xsd: FHIRSubsetSchema.xsd, name: FHIRSubsetSchema.name)
    }

    /// FHIR says net = quantity × unitPrice. A unit price is written only when it is exact in cents
    /// (1120.00 for 84 mg is 13.333…/mg: written as net alone, never as a rounded price that disagrees).
    static func exactUnitPrice(charge: Decimal, units: Decimal) -> Decimal? {
        guard units > 0 else { return nil }
        if units == 1 { return charge }
        guard let cents = Money.parse(Money.format(charge / units)), cents * units == charge else { return nil }
        return cents
    }

    static func checkResourceId(_ id: String, subject: @autoclosure () -> String) throws(FHIRWriteError) {
        guard FHIRText.isResourceId(id) else {
            throw FHIRWriteError(code: .invalidIdentifier, subject: subject(),
                                 message: "'\(id)' is not a FHIR resource id (1–64 of A–Z a–z 0–9 - .); choose another id")
        }
    }

    // MARK: - Serialization and the write-time check

    private static let entryStart: StaticString = "  <entry>\n    <fullUrl value=\""
    private static let entryResource: StaticString = "\"/>\n    <resource>\n"
    private static let entryEnd: StaticString = "    </resource>\n  </entry>\n"

    /// `<entry>` with the fullUrl and the resource (written in place of a document's XML declaration),
    /// in `text`'s memory (its previous document is dropped).
    private func entry(_ resource: FHIRResource, into text: inout XMLText, subject: @autoclosure () -> String) throws(FHIRWriteError) -> Entry {
        text.restart(opening: Self.entryStart, resource.fullUrl, Self.entryResource)
        XMLSink.writing(into: &text) { resource.writeXML(into: $0) }
        return Entry(fullUrl: resource.fullUrl, xml: try checked(&text, rootName: resource.type, subject: subject(), entry: true))
    }

    /// One resource as an XML document, checked against the project's schema: libxml2 parses and
    /// validates every document whose element structure (`XMLText.shape`) this writer has not seen
    /// valid yet — values and structure. A document of a structure already found valid differs only in
    /// values, which come from decoded, validated input through the same typed builders; validating it
    /// again cost a third of a batch's time (issue 18), so it is not repeated. The tests validate
    /// every document they write with the official R4 schema.
    func document(_ resource: FHIRResource, subject: String) throws(FHIRWriteError) -> Data {
        var text = XMLText(namespace: FHIRCodeSystem.namespace, opening: XMLText.declaration)
        XMLSink.writing(into: &text) { resource.writeXML(into: $0) }
        return try checked(&text, rootName: resource.type, subject: subject, entry: false)
    }

    /// The document `text` holds, checked as `document` says, as `Data`: the resource alone (after
    /// the XML declaration) or, with `entry`, closed as a Bundle entry.
    private func checked(_ text: inout XMLText, rootName: StaticString, subject: @autoclosure () -> String,
                         entry: Bool) throws(FHIRWriteError) -> Data {
        if let (path, bad) = text.forbidden {
            let hex = String(bad.value, radix: 16, uppercase: true)
            throw FHIRWriteError(code: .invalidText, subject: subject(),
                                 message: "\(path) contains the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex), which XML cannot carry; remove it from the input")
        }
        if !validatedShapes.contains(digest: text.shapeDigest, tokens: text.shapeTokens) {
            // One validation at a time: a thread that waited finds the shape the other one has just
            // validated instead of validating it again (at a run's start the drafting threads meet the
            // same new shapes together: up to ~4,000,000 instructions of repeats in 2,000 encounters).
            validatedShapes.validating.lock()
            defer { validatedShapes.validating.unlock() }
            if !validatedShapes.contains(digest: text.shapeDigest, tokens: text.shapeTokens) {
                validatedShapes.noteValidation()
                let problems = try Self.schema(for: subject()).validate(text.data(from: text.rootStart), documentName: "\(rootName).xml")
                guard problems.isEmpty else { throw Self.bug(rootName.description, subject: subject(), problems) }
                validatedShapes.insert(text.shape)
            }
        }
        if entry { text.appendClosing(Self.entryEnd) }
        return text.data()
    }

    /// The element structures this writer found valid (shared by the drafting threads; a few dozen
    /// in a run, bounded all the same). Looked up by hash, then token by token, from the text's own
    /// memory (no copy of the tokens for a lookup).
    final class ValidatedShapes: @unchecked Sendable {
        static let limit = 4096
        private let lock = NSLock()
        private var shapes: [UInt64: [XMLText.Shape]] = [:]
        private var stored = 0
        private var validations = 0
        /// Held while a shape not found here is validated (see `checked`).
        let validating = NSLock()

        /// How many documents were validated (for tests: once a shape, however many threads draft it).
        var validationCount: Int { lock.withLock { validations } }
        func noteValidation() { lock.withLock { validations += 1 } }

        func contains(digest: UInt64, tokens: UnsafeBufferPointer<UInt>) -> Bool {
            lock.withLock { shapes[digest]?.contains { $0.sameTokens(as: tokens) } ?? false }
        }

        func contains(_ shape: XMLText.Shape) -> Bool {
            shape.tokens.withUnsafeBufferPointer { contains(digest: shape.digest, tokens: $0) }
        }

        func insert(_ shape: XMLText.Shape) {
            lock.withLock {
                guard stored < Self.limit, shapes[shape.digest]?.contains(shape) != true else { return }
                shapes[shape.digest, default: []].append(shape)
                stored += 1
            }
        }

        var count: Int { lock.withLock { stored } }
    }

    /// How many element structures this writer has found valid (for tests).
    var validatedShapeCount: Int { validatedShapes.count }
    /// How many documents this writer has validated (for tests).
    var validationCount: Int { validatedShapes.validationCount }

    private static func bug(_ rootName: String, subject: String, _ problems: [XMLDiagnostic]) -> FHIRWriteError {
        FHIRWriteError(code: .schemaViolation, subject: subject,
                       message: "internal error (a bug in ClaimsFHIR, not in the input): the generated \(rootName) breaks the project's FHIR schema, so nothing was written; please report it with these lines",
                       diagnostics: problems)
    }

    private static func schema(for subject: String) throws(FHIRWriteError) -> XMLSchema {
        do { return try projectSchema() } catch {
            throw FHIRWriteError(code: .schemaViolation, subject: subject,
                                 message: "internal error (a bug in ClaimsFHIR): the embedded schema does not parse; nothing was written",
                                 diagnostics: error.diagnostics)
        }
    }
}
