import ClaimsCore
import ClaimsFHIR
import ClaimsSuperbill
import ClaimsX12
import Foundation

/// What one evaluated encounter becomes: its 837P claim, its FHIR claim and its superbill, drafted
/// in memory and checked. `problems` holds everything an encoder refused, as the encounter's input
/// errors: such an encounter is rejected as a whole (no claim, no superbill), and the others go on.
public struct EncounterDocuments: Sendable {
    public var claim: Claim837PPreparedClaim?
    /// The FHIR Bundle entries of the claim: the resources it references, then the `Claim`.
    public var fhirClaim: [FHIRClaimWriter.Entry]?
    public var superbill: Superbill?
    public var problems: [InputError] = []
    /// What the clinic profile reveals that does not stop billing (an unknown rendering provider).
    public var warnings: [Warning] = []

    public var isRefused: Bool { !problems.isEmpty }
}

/// Drafts the documents of evaluated encounters. `check` and `batch` both call it, so an encounter
/// that `check` accepts is one that `batch` can write, and one that `batch` would refuse is
/// reported by `check` with the same errors (docs/errors.md, "one validation path").
/// Pure apart from libxml2's schema check: safe to call from several threads at once.
public struct DocumentDrafter: Sendable {
    private let encoders: [PayerSlug: Claim837PEncoder]
    let fhirWriter: FHIRClaimWriter
    let superbillRenderer: SuperbillRenderer
    /// The billing organization's NPI (clinic profile, 2010AA): never a rendering provider's (POLICY §5.2).
    private let billingNPI: String
    private let clinic: ClinicProfile

    /// `statementDate` dates superbills; `created` dates FHIR claims.
    public init(clinic: ClinicProfile, rules: RuleBook, statementDate: LocalDate, created: LocalDate) {
        encoders = rules.payers.mapValues { Claim837PEncoder(clinic: clinic, payer: $0) }
        fhirWriter = FHIRClaimWriter(clinic: clinic, created: created, payers: rules.payers)
        superbillRenderer = SuperbillRenderer(clinic: clinic, statementDate: statementDate, codes: rules.codes)
        billingNPI = clinic.billingProvider.npi
        self.clinic = clinic
    }

    /// Input errors only the clinic profile reveals (POLICY §5.2): checked for every encounter,
    /// whatever its decisions, so `check` and `batch` reject the same ones.
    public func profileProblems(of encounter: Encounter) -> [InputError] {
        var problems: [InputError] = []
        if encounter.renderingProvider.npi == billingNPI {
            problems.append(InputError(field: "renderingProvider.npi",
                message: "\(billingNPI) is the billing organization's NPI (clinic profile billingProvider.npi); give the individual NPI of the clinician who rendered the service"))
        }
        if let location = encounter.location, clinic.location(location) == nil {
            let known = clinic.locations.map(\.id)
            problems.append(InputError(field: "location",
                message: "'\(location)' is not one of the clinic profile's locations (\(known.isEmpty ? "it lists none" : "ids: " + known.joined(separator: ", "))); add it under locations in the clinic profile or correct the encounter"))
        }
        return problems
    }

    /// The reason id of the warning for a rendering NPI the clinic profile does not list.
    public static let unknownProviderRule = "clinic/unknown-rendering-provider"
    /// The reason id of the warning for a superbill to the patient of an in-network plan without a waiver.
    public static let inNetworkWaiverRule = ClinicProfile.inNetworkWaiverRule

    /// Warnings only the clinic profile reveals; they do not stop billing.
    /// - A rendering NPI the profile's `providers` do not list (CONTRACT §6): the claim carries the
    ///   encounter's name and NPI all the same, but the office should add the clinician (the
    ///   superbill prints credentials and license from there). A profile listing no providers
    ///   predates them: nothing to compare with, no warning.
    /// - `superbill` lines for a payer the profile's `network` marks `in` without a `waiver` signed on
    ///   or before the date of service (POLICY §5.4): an in-network contract usually forbids charging
    ///   the patient without one.
    public func profileWarnings(of evaluation: EncounterEvaluation) -> [Warning] {
        guard let encounter = evaluation.encounter else { return [] }
        var warnings: [Warning] = []
        let provider = encounter.renderingProvider
        if !clinic.providers.isEmpty, provider.npi != billingNPI, !clinic.providers.contains(where: { $0.npi == provider.npi }) {
            warnings.append(Warning(rule: Self.unknownProviderRule,
                message: "rendering provider \(provider.firstName) \(provider.lastName) (NPI \(provider.npi)) is not among the clinic profile's providers; add them under providers in the clinic profile (credentials and license) or correct renderingProvider.npi"))
        }
        let unwaived = clinic.waiverNeeds(encounter, lines: evaluation.lines).filter { $0.onFile == nil }
        if !unwaived.isEmpty {
            let lines = unwaived.map { "\($0.line) (\(encounter.services[$0.line - 1].code))" }.joined(separator: ", ")
            warnings.append(Warning(rule: Self.inNetworkWaiverRule,
                message: "in-network plan: a signed waiver is needed before the patient is charged (\(encounter.payerSlug) is in network in the clinic profile; no waiver signed on or before \(encounter.dateOfService.iso) covers line\(unwaived.count == 1 ? "" : "s") \(lines))"))
        }
        return warnings
    }

    /// The 837P encoder of `payer` (its header is checked once per payer, not per claim).
    public func encoder(for payer: PayerSlug) -> Claim837PEncoder? { encoders[payer] }

    /// The documents of `evaluation`: a claim when it has `bill` lines, a superbill when it has
    /// `superbill` lines and `superbill` is true (false when one was issued in an earlier run).
    /// `submission`: a replacement, void or secondary claim instead of an original (docs/corrections.md).
    public func draft(_ evaluation: EncounterEvaluation, payer: PayerRules, superbill wanted: Bool,
                      submission: Claim837PSubmission = .original) -> EncounterDocuments {
        var documents = EncounterDocuments()
        guard let encounter = evaluation.encounter else { return documents }
        documents.problems = profileProblems(of: encounter)
        guard documents.problems.isEmpty else { return documents }
        documents.warnings = profileWarnings(of: evaluation)
        if evaluation.lines.contains(where: { $0.decision == .bill }), let encoder = encoders[payer.slug] {
            let (claim, problems) = encoder.prepare(evaluation, submission: submission)
            documents.problems += problems.map(\.inputError)
            if problems.isEmpty {
                documents.claim = claim
                do {
                    documents.fhirClaim = try fhirWriter.claimEntries(for: evaluation, payer: payer)
                } catch {
                    documents.problems.append(Self.inputError(error))
                }
            }
        }
        if wanted, evaluation.lines.contains(where: { $0.decision == .superbill }) {
            do {
                documents.superbill = try superbillRenderer.superbill(for: evaluation, payerName: payer.isSelfPay ? nil : payer.name)
            } catch {
                documents.problems.append(InputError(field: "superbill", message: error.message))
            }
        }
        if documents.isRefused {
            documents.warnings = []
            documents.claim = nil
            documents.fhirClaim = nil
            documents.superbill = nil
        }
        return documents
    }

    /// A FHIR refusal as an input error. A schema violation is our bug, not the input's; the
    /// encounter is still rejected alone, and the message asks for a report.
    static func inputError(_ error: FHIRWriteError) -> InputError {
        let message = error.isBug
            ? "the FHIR claim could not be written (a bug in claims, not in the input: \(error.diagnostics.first?.message ?? error.message)); please report it — the other encounters were processed"
            : error.message
        return InputError(field: "fhir", message: message)
    }
}
