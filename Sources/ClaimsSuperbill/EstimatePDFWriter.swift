import ClaimsCore
import ClaimsPDF
import Foundation

/// Writes a Good Faith Estimate as a PDF 1.4 file with the superbill's writer and look (ClaimsPDF,
/// embedded subset fonts or the Helvetica fallback): the same content as `EstimateRenderer.html`.
/// Deterministic: `/CreationDate` is the estimate's date.
public struct EstimatePDFWriter: Sendable {
    public let clinic: ClinicProfile
    public let fonts: PDFFonts

    public init(clinic: ClinicProfile, fonts: PDFFonts = .system) { self.clinic = clinic; self.fonts = fonts }

    /// The estimate as PDF bytes; drawn with Helvetica should an embedded font prove unreadable.
    public func pdf(_ estimate: GoodFaithEstimate) -> Data {
        if let data = try? document(estimate, styles: SuperbillPDFStyles(fonts: fonts)) { return data }
        return (try? document(estimate, styles: SuperbillPDFStyles(fonts: .standard))) ?? Data()
    }

    private func document(_ estimate: GoodFaithEstimate, styles: SuperbillPDFStyles) throws(TrueTypeError) -> Data {
        let glyphs = styles.fonts.makeGlyphRecorder()
        let layout = EstimatePDFLayout(estimate: estimate, clinic: clinic, styles: styles)
        return try PDFDocumentBuilder.document(
            pages: layout.render(glyphs: glyphs),
            info: .init(title: "\(EstimateText.title) \(estimate.number) – \(PDFFormat.name(estimate.patient.person))",
                        author: clinic.billingProvider.name, subject: EstimateText.subtitle, date: estimate.issued.compact),
            fonts: styles.fonts, glyphs: glyphs)
    }
}

/// The estimate's pages: masthead, patient and primary service, providers and sites, the items table
/// with its total, the separately scheduled items, the disclaimers and the date.
struct EstimatePDFLayout: PDFPageDesign {
    let estimate: GoodFaithEstimate
    let clinic: ClinicProfile
    let styles: SuperbillPDFStyles

    private typealias Page = SuperbillPDFLayout

    func render(glyphs: PDFGlyphRecorder?) -> [PDFContentStream] {
        let name = PDFFormat.name(estimate.patient.person)
        let running = encode("\(EstimateText.title) \(estimate.number) · \(name) · continued")
        var pages = PDFPaginator(runningHeaderHeight: 26, glyphs: glyphs) {
            var block = PDFBlock()
            block.text(PDFTextWrap.fit(running, style: styles.small, width: Page.width), x: Page.left, width: Page.width,
                       baseline: 9, style: styles.small, align: .right)
            block.line(x1: Page.left, y1: 15, x2: Page.right, y2: 15, width: 1, color: Page.navy)
            block.height = 26
            return block
        }
        pages.draw(masthead())
        pages.gap(10)
        pages.draw(parties(name: name))
        pages.gap(4)
        providersTable(on: &pages)
        pages.gap(4)
        itemsTable(on: &pages)
        for (heading, text) in [("Items scheduled separately", EstimateText.separatelyScheduled)] + EstimateText.disclaimers {
            pages.gap(4)
            pages.draw(paragraph(heading: heading, text))
        }
        pages.gap(8)
        pages.draw(paragraph(heading: nil, EstimateText.dateLine(estimate), style: styles.bold))
        let footer = PDFTextWrap.fit(encode("\(EstimateText.title) \(estimate.number) · \(name)"), style: styles.footerStyle, width: Page.width - 90)
        return pages.finish { number, count in pageFooter(footer, number: number, count: count) }
    }

    private func masthead() -> PDFBlock {
        var block = PDFBlock()
        let title = PDFTextStyle(font: styles.boldFont, size: 16, color: Page.navy, charSpacing: 1.2, leading: 19)
        block.text(encode(EstimateText.title.uppercased()), x: Page.left, width: Page.width, baseline: title.baselineOffset + 1,
                   style: title, align: .right)
        var top = 20.0
        let subtitleWidth = Page.width * 0.55
        top += block.lines(PDFTextWrap.wrap(encode(EstimateText.subtitle), style: styles.small, width: subtitleWidth),
                           x: Page.right - subtitleWidth, width: subtitleWidth, top: top, style: styles.small, align: .right)
        for (label, value) in [("Estimate no.", estimate.number), ("Date of estimate", SuperbillFormat.date(estimate.issued)),
                               ("Scheduled", EstimateText.period(estimate))] {
            let baseline = top + styles.body.baselineOffset
            block.text(encode(value), x: Page.left, width: Page.width, baseline: baseline, style: styles.bold, align: .right)
            block.text(encode(label), x: Page.left, width: Page.width - styles.bold.width(encode(value)) - 8, baseline: baseline,
                       style: styles.labelStyle, align: .right)
            top += styles.body.leading + 0.5
        }
        let billing = clinic.billingProvider
        let nameStyle = PDFTextStyle(font: styles.boldFont, size: 14, color: Page.navy, leading: 17)
        var left = block.lines(PDFTextWrap.wrap(encode(billing.name), style: nameStyle, width: 250), x: Page.left, width: 250,
                               top: 0, style: nameStyle) + 3
        let contact = SuperbillFormat.addressLines(billing.address) + (billing.phone.map { ["Phone \(SuperbillFormat.phone($0))"] } ?? [])
        for line in contact {
            left += block.lines([encode(line)], x: Page.left, width: 250, top: left, style: styles.body)
        }
        let ruleY = max(top, left) + 6
        block.line(x1: Page.left, y1: ruleY, x2: Page.right, y2: ruleY, width: 2.5, color: Page.navy)
        block.height = ruleY + 1.25
        return block
    }

    private func parties(name: String) -> PDFBlock {
        let person = estimate.patient.person
        let gutter = 14.0
        let columnWidth = (Page.width - 2 * gutter) / 2
        let patient: [(StaticString, [[UInt8]])] = [
            ("Name", [encode(name)]),
            ("Date of birth", [PDFFormat.date(person.dateOfBirth)]),
            ("Address", SuperbillFormat.addressLines(person.address).map(encode)),
            ("Account no.", [encode(estimate.patient.id)]),
        ]
        let service: [(StaticString, [[UInt8]])] = [
            ("Primary service", [encode(estimate.primaryService)]),
            ("Diagnoses", estimate.diagnoses.map { code in
                encode(code.dotted + (DiagnosisDescriptions.builtIn[code.dotted].map { " – " + $0 } ?? ""))
            }),
            ("Total estimate", [PDFFormat.money(estimate.total)]),
        ]
        var left = facts(title: "Patient", rows: patient, width: columnWidth, emphasizeFirst: true)
        let intro = PDFTextWrap.wrap(encode(EstimateText.introduction), style: styles.small, width: columnWidth)
        let introHeight = left.lines(intro, x: 0, width: columnWidth, top: left.height + 3, style: styles.small)
        left.height += introHeight + 3
        var block = PDFBlock()
        block.append(left, x: Page.left, top: 0)
        block.append(facts(title: "Primary service", rows: service, width: columnWidth), x: Page.left + columnWidth + 2 * gutter, top: 0)
        let dividerX = Page.left + columnWidth + gutter
        block.line(x1: dividerX, y1: 0, x2: dividerX, y2: block.height, width: 0.75, color: Page.gridRule)
        return block
    }

    private func providersTable(on pages: inout PDFPaginator) {
        let table = table([column("Role", 150), column("Name / location", Page.width - 300), column("NPI", 70), column("Tax ID (TIN)", 80)])
        var rows = estimate.providers.map { provider in
            table.row([[.init(text: encode(provider.role), style: styles.body)], [.init(text: encode(provider.name), style: styles.bold)],
                       [.init(text: encode(provider.npi), style: styles.body)],
                       [.init(text: encode(SuperbillFormat.taxId(provider.taxId)), style: styles.body)]])
        }
        rows += estimate.sites.map { site in
            let lines = EstimateText.siteLines(site)
            return table.row([[.init(text: encode("Location where services are expected"), style: styles.body)],
                              lines.dropLast(site.npi == nil ? 0 : 1).map { .init(text: encode($0), style: styles.body) },
                              [.init(text: encode(site.npi ?? ""), style: styles.body)], []])
        }
        place(table: table, title: "Providers and facilities", rows: rows, on: &pages)
    }

    private func itemsTable(on pages: inout PDFPaginator) {
        let charges = estimate.items.map { PDFFormat.money($0.charge) }
        let totalText = PDFFormat.money(estimate.total)
        let chargeWidth = max(72, (max(charges.map(styles.body.width).max() ?? 0, styles.bold.width(totalText)) + 12).rounded(.up))
        let fixed = [56.0, 72, 70, 34, chargeWidth]
        let table = table([column("Date", fixed[0]), column("Service code", fixed[1]), column("Description", Page.width - fixed.reduce(0, +)),
                           column("Diagnosis", fixed[2]), column("Qty", fixed[3], .right), column("Expected charge", fixed[4], .right)])
        let rows = estimate.items.enumerated().map { index, item -> PDFBlock in
            let code = item.code + (item.modifiers.isEmpty ? "" : "-" + item.modifiers.joined(separator: "-"))
            return table.row([
                [.init(text: PDFFormat.date(item.dateOfService), style: styles.body)],
                [.init(text: encode(code), style: styles.bold)],
                [.init(text: encode(item.description ?? "(no description on file)"), style: styles.body),
                 .init(text: encode(item.basis), style: styles.small)],
                [.init(text: encode(item.diagnoses.map(\.dotted).joined(separator: ", ")), style: styles.body)],
                [.init(text: PDFFormat.quantity(item.units), style: styles.body)],
                [.init(text: charges[index], style: styles.body)],
            ])
        }
        var total = PDFBlock()
        total.line(x1: Page.left, y1: 0, x2: Page.right, y2: 0, width: 1.5, color: Page.navy)
        let baseline = 4 + styles.bold.baselineOffset
        total.text(encode("Total estimated charges"), x: Page.left, width: Page.width - chargeWidth - 5, baseline: baseline,
                   style: styles.bold, align: .right)
        total.text(totalText, x: Page.right - chargeWidth, width: chargeWidth - 5, baseline: baseline, style: styles.bold, align: .right)
        total.height = 4 + styles.bold.leading + 3
        place(table: table, title: "Expected items and services", rows: rows, footer: total, on: &pages)
    }

    /// A heading (optional) over a wrapped paragraph, kept together.
    private func paragraph(heading title: String?, _ text: String, style: PDFTextStyle? = nil) -> PDFBlock {
        var block = title.map(sectionHeading) ?? PDFBlock()
        let style = style ?? styles.statementStyle
        let used = block.lines(PDFTextWrap.wrap(encode(text), style: style, width: Page.width), x: Page.left, width: Page.width,
                               top: block.height, style: style)
        block.height += used
        return block
    }
}
