import ClaimsCore
import Foundation

/// Builds superbills — itemized statements of what the patient was charged: a receipt, or a statement
/// the patient may send to an insurer (wording by purpose, `SuperbillPurposeText`) — from the `superbill` lines of an evaluated encounter, as printable HTML.
///
/// ```swift
/// let renderer = SuperbillRenderer(clinic: clinic, statementDate: asOf, codes: ruleBook.codes)
/// let bill = try renderer.superbill(for: evaluation, payerName: payerRules?.name)
/// let html = renderer.html(bill)
/// let pdf: Data = renderer.pdf(bill)   // native PDF writer, or:
/// let outcome = try SuperbillPDFWriter().write(bill, renderer: renderer, to: dir.appendingPathComponent("ENC-0001.pdf"))
/// ```
/// The page is self-contained (inline CSS, no images, no template files), letter size for print,
/// and depends only on its inputs.
public struct SuperbillRenderer: Sendable {
    public var clinic: ClinicProfile
    public var statementDate: LocalDate
    /// CPT/HCPCS code → plain description.
    public var procedureDescriptions: [String: String]
    /// Dotted ICD-10-CM code → title.
    public var diagnosisDescriptions: [String: String]

    public init(clinic: ClinicProfile, statementDate: LocalDate, procedureDescriptions: [String: String],
                diagnosisDescriptions: [String: String] = DiagnosisDescriptions.builtIn) {
        self.clinic = clinic; self.statementDate = statementDate
        self.procedureDescriptions = procedureDescriptions; self.diagnosisDescriptions = diagnosisDescriptions
    }

    /// Descriptions from the rule data's code table.
    public init(clinic: ClinicProfile, statementDate: LocalDate, codes: CodeTable,
                diagnosisDescriptions: [String: String] = DiagnosisDescriptions.builtIn) {
        self.init(clinic: clinic, statementDate: statementDate,
                  procedureDescriptions: codes.codes.mapValues(\.description), diagnosisDescriptions: diagnosisDescriptions)
    }

    /// The superbill's content; throws when the encounter has no `superbill` line.
    public func superbill(for evaluation: EncounterEvaluation, payerName: String? = nil) throws(SuperbillError) -> Superbill {
        let selected = evaluation.serviceLines(with: .superbill)
        guard let encounter = evaluation.encounter, !selected.isEmpty else {
            throw SuperbillError(encounterId: evaluation.encounterId,
                                 message: "no line has the decision 'superbill'; only those lines go on a superbill")
        }
        let rendering = encounter.renderingProvider
        return Superbill(
            encounter: encounter,
            provider: Superbill.Provider(rendering, profile: clinic.providers.first { $0.npi == rendering.npi }),
            serviceSite: clinic.serviceFacility(encounter.location),
            statementDate: statementDate, payerName: payerName,
            lines: selected.map { index, line in
                Superbill.Line(inputLine: index, service: line, description: procedureDescriptions[line.code])
            },
            diagnoses: encounter.diagnoses.enumerated().map { offset, code in
                Superbill.Diagnosis(pointer: offset + 1, code: code, description: diagnosisDescriptions[code.dotted])
            },
            purpose: SuperbillPurposeText.purpose(of: evaluation.lines, payer: encounter.payerSlug, clinic: clinic))
    }

    public func html(for evaluation: EncounterEvaluation, payerName: String? = nil) throws(SuperbillError) -> String {
        html(try superbill(for: evaluation, payerName: payerName))
    }

    /// Used when the clinic profile has no `superbillStatement`.
    public static let defaultStatement = "This is an itemized statement of services from an out-of-network provider. "
        + "Please submit it with your insurer's member claim form to request reimbursement."

    /// Who paid and who is owed, agreeing with the balance: "has paid" only when nothing is due.
    public static func assignmentStatement(balanceDue: Decimal) -> String {
        let paid = balanceDue > 0
            ? "The patient is responsible for the balance due shown above; benefits are not assigned to the provider. "
            : "The patient has paid the provider directly for the services listed; benefits are not assigned to the provider. "
        return paid + "Please send any reimbursement to the patient (insured)."
    }

    // MARK: - HTML

    public func html(_ bill: Superbill) -> String {
        let e = SuperbillFormat.escape
        let encounter = bill.encounter
        let person = encounter.patient.person
        let billing = clinic.billingProvider
        let provider = bill.provider
        // Each total is a sum of Decimals: computed once (same values as the bill's properties).
        let totalCharges = bill.totalCharges, totalPaid = bill.totalPaid
        let balanceDue = totalCharges - totalPaid, isPaidInFull = balanceDue <= 0

        var page = HTMLPage()
        page.open(title: "Superbill \(bill.number) – \(SuperbillFormat.name(person))", css: Self.css(footer: "Superbill \(bill.number)"))
        // Masthead: practice on the left, document identity on the right.
        page.masthead(billing, title: "Superbill", subtitle: SuperbillPurposeText.subtitle(bill.purpose), meta: [
            ("Superbill no.", e(bill.number), nil),
            ("Statement date", SuperbillFormat.date(bill.statementDate), nil),
            ("Date of service", SuperbillFormat.date(encounter.dateOfService), nil),
            ("Place of service", e(SuperbillFormat.placeOfService(encounter.placeOfService)), nil),
        ])

        // Provider and patient side by side.
        page += "<table class=\"parties\"><tr>"
        page += "<td class=\"party\">"
        page += "<h2>Provider</h2>"
        page += "<table class=\"facts\">"
        page += fact("Rendering provider", e(provider.displayName), cssClass: "rendering-provider")
        page += fact("Rendering NPI", e(provider.npi), cssClass: "npi-rendering")
        if let license = provider.license { page += fact("License", e(license), cssClass: "license") }
        if let taxonomy = provider.taxonomy { page += fact("Taxonomy", e(taxonomy)) }
        page += fact("Practice", e(billing.name))
        page += fact("Group NPI", e(billing.npi), cssClass: "npi-group")
        page += fact("Tax ID (EIN)", e(SuperbillFormat.taxId(billing.taxId)), cssClass: "tax-id")
        page += fact("Service address", SuperbillFormat.serviceAddressLines(bill, clinic: clinic).map(e).joined(separator: "<br>"),
                     cssClass: "service-address")
        page += "</table>"
        page += "</td>"
        page += "<td class=\"party\">"
        page += "<h2>Patient</h2>"
        page += "<table class=\"facts\">"
        page += fact("Name", e(SuperbillFormat.name(person)), cssClass: "patient-name")
        page += fact("Date of birth", SuperbillFormat.date(person.dateOfBirth), cssClass: "patient-dob")
        page += fact("Address", SuperbillFormat.addressLines(person.address).map(e).joined(separator: "<br>"), cssClass: "patient-address")
        if let phone = person.phone { page += fact("Phone", e(SuperbillFormat.phone(phone))) }
        page += fact("Account no.", e(encounter.patient.id))
        if let coverage = encounter.coverage {
            page += fact("Insurance", e(bill.payerName ?? coverage.payer))
            page += fact("Member ID", e(coverage.memberId))
            if let group = coverage.groupNumber { page += fact("Group no.", e(group)) }
            page += fact("Relationship", e(coverage.relationship.rawValue.capitalized))
        } else {
            // Self-pay on file: the patient writes in the insurer they submit to.
            page += fact("Insurance", "<span class=\"fill\"></span>")
            page += fact("Member ID", "<span class=\"fill\"></span>")
        }
        page += "</table>"
        page += "</td>"
        page += "</tr></table>"

        // Diagnoses, lettered as on a CMS-1500 (box 21).
        page += "<h2>Diagnoses (ICD-10-CM)</h2>"
        page += "<table class=\"grid diagnoses\">"
        page += "<thead><tr><th class=\"ptr\">Ptr</th><th class=\"code\">Code</th><th>Description</th></tr></thead>"
        page += "<tbody>"
        for diagnosis in bill.diagnoses {
            page += "<tr><td class=\"ptr\">\(diagnosis.letter)</td><td class=\"code\">\(e(diagnosis.code.dotted))</td>"
                + "<td>\(diagnosis.description.map(e) ?? "")</td></tr>"
        }
        page += "</tbody></table>"

        // Services.
        page += "<h2>Services</h2>"
        page += "<table class=\"grid services\">"
        page += "<thead><tr><th class=\"date\">Date</th><th class=\"pos\">POS</th><th class=\"code\">CPT/HCPCS</th>"
            + "<th class=\"mod\">Modifiers</th><th>Description</th><th class=\"ptr\">Dx ptr</th>"
            + "<th class=\"num\">Units</th><th class=\"num\">Fee</th></tr></thead>"
        page += "<tbody>"
        for line in bill.lines {
            let service = line.service
            var description = line.description.map(e) ?? "<span class=\"muted\">(no description on file)</span>"
            if let ndc = service.ndc {
                var drug = "NDC \(e(SuperbillFormat.ndc(ndc)))"
                if let quantity = service.ndcQuantity {
                    drug += " · \(e(Money.plain(quantity)))\(service.ndcUnit.map { " " + e($0) } ?? "")"
                }
                description += "<div class=\"ndc\">\(drug)</div>"
            }
            if let details = ServiceDetailsFormat.text(service.details) {
                description += "<div class=\"details\">\(e(details))</div>"
            }
            let pointers = service.diagnosisPointers.map(Superbill.pointerLetter).joined(separator: ", ")
            page += "<tr>"
                + "<td class=\"date\">\(SuperbillFormat.date(encounter.dateOfService))</td>"
                + "<td class=\"pos\">\(e(encounter.placeOfService))</td>"
                + "<td class=\"code\">\(e(service.code))</td>"
                + "<td class=\"mod\">\(e(service.modifiers.joined(separator: ", ")))</td>"
                + "<td class=\"desc\">\(description)</td>"
                + "<td class=\"ptr\">\(pointers)</td>"
                + "<td class=\"num\">\(e(Money.plain(service.units)))</td>"
                + "<td class=\"num\">\(SuperbillFormat.money(service.charge))</td>"
                + "</tr>"
        }
        page += "</tbody>"
        page += "<tfoot><tr><td colspan=\"7\">Total charges</td><td class=\"num total-charges\">\(SuperbillFormat.money(totalCharges))</td></tr></tfoot>"
        page += "</table>"

        // Payments and the balance.
        page += "<table class=\"settlement\"><tr>"
        page += "<td class=\"payments\">"
        page += "<h2>Payments received</h2>"
        if bill.payments.isEmpty {
            page += "<p class=\"muted no-payments\">No payments received.</p>"
        } else {
            page += "<table class=\"grid payments\">"
            page += "<thead><tr><th class=\"date\">Date</th><th>Method</th><th class=\"num\">Amount</th></tr></thead><tbody>"
            for payment in bill.payments {
                page += "<tr><td class=\"date\">\(SuperbillFormat.date(payment.date))</td>"
                    + "<td>\(e(SuperbillFormat.paymentMethod(payment.method)))</td>"
                    + "<td class=\"num\">\(SuperbillFormat.money(payment.amount))</td></tr>"
            }
            page += "</tbody></table>"
        }
        page += "</td>"
        page += "<td class=\"summary\">"
        page += "<table class=\"totals\">"
        page += "<tr><th>Total charges</th><td class=\"num\">\(SuperbillFormat.money(totalCharges))</td></tr>"
        page += "<tr><th>Payments received</th><td class=\"num total-paid\">\(SuperbillFormat.money(totalPaid))</td></tr>"
        if balanceDue < 0 {
            page += "<tr class=\"balance\"><th>Credit balance</th><td class=\"num balance-due\">\(SuperbillFormat.money(-balanceDue))</td></tr>"
        } else {
            page += "<tr class=\"balance\"><th>Balance due</th><td class=\"num balance-due\">\(SuperbillFormat.money(balanceDue))</td></tr>"
        }
        page += "</table>"
        if isPaidInFull { page += "<div class=\"paid-in-full\">Paid in full</div>" }
        page += "</td>"
        page += "</tr></table>"

        // What the patient's insurer needs to read.
        page += "<div class=\"statement \(bill.purpose.rawValue)\">"
        page += "<h2>\(e(SuperbillPurposeText.heading(bill.purpose)))</h2>"
        for paragraph in SuperbillPurposeText.paragraphs(bill, clinic: clinic) { page += "<p>\(e(paragraph))</p>" }
        if let auth = encounter.priorAuthorization { page += "<p>Prior authorization: \(e(auth))</p>" }
        page += "</div>"

        // Signature.
        page += "<table class=\"signature\"><tr>"
        page += "<td class=\"sign\"><div class=\"rule\"></div>Provider signature<br>"
            + "<span class=\"muted\">\(e(provider.signatureLine))</span></td>"
        page += "<td class=\"sign-date\"><div class=\"rule\"></div>Date</td>"
        page += "</tr></table>"

        page += "</body>"
        page += "</html>"
        return page.text
    }

    private func fact(_ label: String, _ valueHTML: String, cssClass: String? = nil) -> String {
        HTMLPage.fact(label, valueHTML, cssClass: cssClass)
    }

    /// Print-first styling: US letter, DejaVu Sans (installed with the renderer; has every Latin accent).
    static func css(footer: String) -> String {
        // Foundation's replacing costs ~16,000 instructions a call: only when there is something to replace.
        let footerText = !footer.utf8.contains { $0 == 0x5C || $0 == 0x22 || $0 == 0x3C } ? footer
            : footer.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "<", with: "\\3C ")
        return """
        @page { size: letter; margin: 0.5in 0.6in 0.6in 0.6in;
          @bottom-left { content: "\(footerText)"; font: 7.5pt "DejaVu Sans", sans-serif; color: #777; }
          @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt "DejaVu Sans", sans-serif; color: #777; } }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 8.6pt; line-height: 1.35;
          color: #1b1b1b; margin: 0; }
        @media screen { body { max-width: 7.3in; margin: 0.4in auto; } }
        table { border-collapse: collapse; width: 100%; }
        th, td { vertical-align: top; text-align: left; }
        h2 { font-size: 8.2pt; text-transform: uppercase; letter-spacing: 0.06em; color: #1f3a5f;
          margin: 10pt 0 3pt; padding-bottom: 2pt; border-bottom: 1px solid #c9d3df; }
        .masthead { border-bottom: 2.5px solid #1f3a5f; }
        .masthead td { padding-bottom: 6pt; }
        .practice-name { font-size: 14pt; font-weight: bold; color: #1f3a5f; margin-bottom: 2pt; }
        .identity { width: 44%; text-align: right; }
        .doc-title { font-size: 18pt; font-weight: bold; letter-spacing: 0.12em; text-transform: uppercase; color: #1f3a5f; }
        .doc-subtitle { font-size: 8pt; color: #555; margin-bottom: 5pt; }
        .meta { width: auto; margin-left: auto; }
        .meta th { font-weight: normal; color: #555; padding: 0.5pt 8pt 0.5pt 0; text-align: right; }
        .meta td { font-weight: bold; text-align: right; padding: 0.5pt 0; }
        .parties { margin-top: 4pt; }
        .party { width: 50%; padding-right: 14pt; }
        .party + .party { padding-right: 0; padding-left: 14pt; border-left: 1px solid #e1e6ec; }
        .facts th { width: 38%; font-weight: normal; color: #555; padding: 0.6pt 6pt 0.6pt 0; }
        .facts td { padding: 0.6pt 0; }
        .grid th { background: #eef2f6; color: #1f3a5f; font-size: 7.6pt; text-transform: uppercase;
          letter-spacing: 0.03em; padding: 3pt 5pt; border-bottom: 1px solid #b8c4d2; }
        .grid tr { page-break-inside: avoid; }
        .grid td { padding: 2.6pt 5pt; border-bottom: 1px solid #e1e6ec; }
        .grid tfoot td { border-top: 1.5px solid #1f3a5f; border-bottom: none; font-weight: bold; padding-top: 4pt; text-align: right; }
        .grid .num, .grid th.num, .totals .num { text-align: right; white-space: nowrap; }
        .ptr { width: 0.45in; text-align: center; }
        th.ptr { text-align: center; }
        .code { width: 0.8in; font-weight: bold; white-space: nowrap; }
        .date { width: 0.8in; white-space: nowrap; }
        .pos { width: 0.4in; }
        .mod { width: 0.7in; }
        .ndc, .details { font-size: 7.4pt; color: #555; margin-top: 1pt; }
        .muted { color: #777; }
        .fill { display: inline-block; width: 2.1in; border-bottom: 1px solid #9aa5b1; height: 9pt; }
        .settlement { margin-top: 2pt; }
        .settlement > tbody > tr > td, .settlement > tr > td { vertical-align: top; }
        .payments { width: 56%; padding-right: 18pt; }
        .summary { padding-top: 12pt; }
        .payments .grid { width: 100%; }
        .totals th { font-weight: normal; padding: 2.5pt 8pt 2.5pt 0; color: #333; }
        .totals td { padding: 2.5pt 0; }
        .totals .balance th, .totals .balance td { font-weight: bold; font-size: 10.5pt; color: #1f3a5f;
          border-top: 1.5px solid #1f3a5f; padding-top: 4pt; }
        .paid-in-full { margin-top: 8pt; display: inline-block; float: right; border: 2px solid #2e7d32; color: #2e7d32;
          font-weight: bold; letter-spacing: 0.12em; text-transform: uppercase; padding: 2pt 8pt; border-radius: 3pt; }
        .statement { margin-top: 6pt; page-break-inside: avoid; }
        .statement p { margin: 0 0 4pt; }
        .signature { margin-top: 16pt; page-break-inside: avoid; }
        .signature td { padding-top: 0; }
        .sign { width: 62%; padding-right: 30pt; }
        .rule { border-bottom: 1px solid #1b1b1b; height: 20pt; margin-bottom: 3pt; }
        """
    }
}
