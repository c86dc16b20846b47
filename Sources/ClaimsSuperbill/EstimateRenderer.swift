import ClaimsCore
import Foundation

/// A Good Faith Estimate as a printable, self-contained HTML page (the superbill's stylesheet and
/// formats: US letter, DejaVu Sans, `MM/DD/YYYY`, `$1,120.00`), and as PDF bytes with the same
/// content (`EstimatePDFWriter`). Depends only on its inputs.
///
/// ```swift
/// let renderer = EstimateRenderer(clinic: clinic)
/// let html = renderer.html(estimate)
/// let pdf: Data = renderer.pdf(estimate)
/// ```
public struct EstimateRenderer: Sendable {
    public var clinic: ClinicProfile

    public init(clinic: ClinicProfile) { self.clinic = clinic }

    public func pdf(_ estimate: GoodFaithEstimate) -> Data { EstimatePDFWriter(clinic: clinic).pdf(estimate) }

    public func html(_ estimate: GoodFaithEstimate) -> String {
        let e = SuperbillFormat.escape
        let person = estimate.patient.person
        let billing = clinic.billingProvider
        let name = SuperbillFormat.name(person)

        var page = HTMLPage()
        page.open(title: "\(EstimateText.title) \(estimate.number) – \(name)",
                  css: SuperbillRenderer.css(footer: "\(EstimateText.title) \(estimate.number)") + "\n" + Self.css)
        page.masthead(billing, title: EstimateText.title, subtitle: EstimateText.subtitle, meta: [
            ("Estimate no.", e(estimate.number), "estimate-number"),
            ("Date of estimate", SuperbillFormat.date(estimate.issued), "estimate-date"),
            ("Scheduled", e(EstimateText.period(estimate)), "period"),
        ])

        page += "<table class=\"parties\"><tr>"
        page += "<td class=\"party\">"
        page += "<h2>Patient</h2>"
        page += "<table class=\"facts\">"
        page += fact("Name", e(name), cssClass: "patient-name")
        page += fact("Date of birth", SuperbillFormat.date(person.dateOfBirth), cssClass: "patient-dob")
        page += fact("Address", SuperbillFormat.addressLines(person.address).map(e).joined(separator: "<br>"))
        page += fact("Account no.", e(estimate.patient.id))
        page += "</table>"
        page += "<p class=\"intro\">\(e(EstimateText.introduction))</p>"
        page += "</td>"
        page += "<td class=\"party\">"
        page += "<h2>Primary service</h2>"
        page += "<p class=\"primary-service\">\(e(estimate.primaryService))</p>"
        page += "<table class=\"facts\">"
        page += fact("Diagnoses", estimate.diagnoses.map { code in
            e(code.dotted) + (DiagnosisDescriptions.builtIn[code.dotted].map { " – " + e($0) } ?? "")
        }.joined(separator: "<br>"), cssClass: "diagnoses")
        page += fact("Total estimate", SuperbillFormat.money(estimate.total), cssClass: "estimate-total")
        page += "</table>"
        page += "</td>"
        page += "</tr></table>"

        page += "<h2>Providers and facilities</h2>"
        page += "<table class=\"grid providers\">"
        page += "<thead><tr><th>Role</th><th>Name</th><th class=\"code\">NPI</th><th class=\"code\">Tax ID (TIN)</th></tr></thead><tbody>"
        for provider in estimate.providers {
            page += "<tr><td>\(e(provider.role))</td><td>\(e(provider.name))</td><td class=\"code npi\">\(e(provider.npi))</td>"
                + "<td class=\"code tin\">\(e(SuperbillFormat.taxId(provider.taxId)))</td></tr>"
        }
        page += "</tbody></table>"
        page += "<table class=\"facts sites\">"
        for site in estimate.sites {
            page += fact("Location", EstimateText.siteLines(site).map(e).joined(separator: "<br>"), cssClass: "site")
        }
        page += "</table>"

        page += "<h2>Expected items and services</h2>"
        page += "<table class=\"grid services\">"
        page += "<thead><tr><th class=\"date\">Date</th><th class=\"code\">Service code</th><th>Description</th>"
            + "<th class=\"dx\">Diagnosis</th><th class=\"num\">Qty</th><th class=\"num\">Expected charge</th></tr></thead>"
        page += "<tbody>"
        for item in estimate.items {
            let modifiers = item.modifiers.isEmpty ? "" : "-" + item.modifiers.joined(separator: "-")
            page += "<tr>"
                + "<td class=\"date\">\(SuperbillFormat.date(item.dateOfService))</td>"
                + "<td class=\"code\">\(e(item.code + modifiers))</td>"
                + "<td class=\"desc\">\(item.description.map(e) ?? "<span class=\"muted\">(no description on file)</span>")"
                + "<div class=\"details\">\(e(item.basis))</div></td>"
                + "<td class=\"dx\">\(e(item.diagnoses.map(\.dotted).joined(separator: ", ")))</td>"
                + "<td class=\"num\">\(e(Money.plain(item.units)))</td>"
                + "<td class=\"num\">\(SuperbillFormat.money(item.charge))</td>"
                + "</tr>"
        }
        page += "</tbody>"
        page += "<tfoot><tr><td colspan=\"5\">Total estimated charges</td><td class=\"num total-charges\">\(SuperbillFormat.money(estimate.total))</td></tr></tfoot>"
        page += "</table>"

        page += "<h2>Items scheduled separately</h2>"
        page += "<p class=\"separate\">\(e(EstimateText.separatelyScheduled))</p>"

        page += "<div class=\"disclaimers\">"
        for (heading, text) in EstimateText.disclaimers {
            page += "<h2>\(e(heading))</h2>"
            page += "<p>\(e(text))</p>"
        }
        page += "</div>"
        page += "<p class=\"estimate-date-line\">\(e(EstimateText.dateLine(estimate)))</p>"
        page += "</body>"
        page += "</html>"
        return page.text
    }

    private func fact(_ label: String, _ valueHTML: String, cssClass: String? = nil) -> String {
        HTMLPage.fact(label, valueHTML, cssClass: cssClass)
    }

    /// Additions to the superbill's stylesheet.
    static let css = """
        .intro, .separate, .disclaimers p { margin: 3pt 0 4pt; }
        .primary-service { font-weight: bold; font-size: 10pt; margin: 2pt 0 4pt; }
        .dx { width: 0.9in; }
        .estimate-total td { font-weight: bold; }
        .disclaimers { page-break-inside: auto; }
        .estimate-date-line { margin-top: 10pt; font-weight: bold; }
        """
}
