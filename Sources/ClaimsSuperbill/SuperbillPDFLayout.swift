import ClaimsCore
import Foundation

/// The page design: colours, type sizes and the positions of every block.
struct SuperbillPDFLayout {
    let bill: Superbill
    let clinic: ClinicProfile
    let styles: SuperbillPDFStyles
    let clinicText: ClinicPDFText

    // Page geometry (points): 0.6 in side margins.
    static let left = 43.2
    static let right = PDFDocumentBuilder.pageWidth - 43.2
    static let width = right - left

    // Colours of the HTML stylesheet.
    static let ink = PDFColor(hex: 0x1b1b1b)
    static let navy = PDFColor(hex: 0x1f3a5f)
    static let label = PDFColor(hex: 0x555555)
    static let muted = PDFColor(hex: 0x777777)
    static let headerFill = PDFColor(hex: 0xeef2f6)
    static let headerRule = PDFColor(hex: 0xb8c4d2)
    static let gridRule = PDFColor(hex: 0xe1e6ec)
    static let headingRule = PDFColor(hex: 0xc9d3df)
    static let green = PDFColor(hex: 0x2e7d32)

    // Computed once per superbill.
    let patientName: String
    let totalCharges: Decimal
    let totalPaid: Decimal
    var balanceDue: Decimal { totalCharges - totalPaid }

    init(bill: Superbill, clinic: ClinicProfile, styles: SuperbillPDFStyles, text: ClinicPDFText) {
        self.bill = bill; self.clinic = clinic; self.styles = styles; clinicText = text
        patientName = PDFFormat.name(bill.encounter.patient.person)
        totalCharges = bill.totalCharges
        totalPaid = bill.totalPaid
    }

    private func encode(_ text: String) -> [UInt8] { styles.encode(text) }

    // MARK: - Document

    func render(glyphs: PDFGlyphRecorder?) -> [PDFContentStream] {
        let layout = self
        var pages = PDFPaginator(runningHeaderHeight: 26, glyphs: glyphs) { layout.runningHeader() }
        pages.draw(masthead())
        pages.gap(10)
        pages.draw(parties())

        pages.gap(4)
        diagnosesTable(on: &pages)
        pages.gap(4)
        servicesTable(on: &pages)
        pages.gap(6)
        settlement(on: &pages)
        pages.gap(4)
        statement(on: &pages)
        pages.gap(22)
        pages.place(signature())

        let footerLeft = PDFTextWrap.fit(encode("Superbill \(bill.number) · \(patientName)"), style: styles.footerStyle,
                                         width: Self.width - 90)
        return pages.finish { number, count in
            var block = PDFBlock()
            let baseline = PDFDocumentBuilder.pageHeight - 30
            block.text(footerLeft, x: Self.left, baseline: baseline, style: styles.footerStyle)
            block.text(Array("Page \(number) of \(count)".utf8), x: Self.left, width: Self.width, baseline: baseline,
                       style: styles.footerStyle, align: .right)
            return block
        }
    }

    /// Pages 2 onwards: practice, superbill number and patient, above a rule.
    private func runningHeader() -> PDFBlock {
        var block = PDFBlock()
        let title = styles.bold.with(size: 10, color: Self.navy)
        let person = bill.encounter.patient.person
        let identity = PDFTextWrap.fit(encode("Superbill \(bill.number) · \(patientName) · DOB \(SuperbillFormat.date(person.dateOfBirth)) · continued"),
                                       style: styles.small, width: Self.width * 0.6)
        block.text(identity, x: Self.left, width: Self.width, baseline: 9, style: styles.small, align: .right)
        block.text(PDFTextWrap.fit(clinicText.name, style: title, width: Self.width - styles.small.width(identity) - 16),
                   x: Self.left, baseline: 9, style: title)
        block.line(x1: Self.left, y1: 15, x2: Self.right, y2: 15, width: 1, color: Self.navy)
        block.height = 26
        return block
    }

    // MARK: - Masthead

    private func masthead() -> PDFBlock {
        var block = PDFBlock()
        let encounter = bill.encounter

        // Right: document identity, then label/value pairs right-aligned.
        let title = PDFTextStyle(font: styles.boldFont, size: 20, color: Self.navy, charSpacing: 2.4, leading: 22)
        block.text(Array("SUPERBILL".utf8), x: Self.left, width: Self.width, baseline: title.baselineOffset + 1,
                   style: title, align: .right)
        let subtitle = styles.small
        block.text(Array("Itemized statement for insurance reimbursement".utf8), x: Self.left, width: Self.width,
                   baseline: 22 + subtitle.baselineOffset + 1, style: subtitle, align: .right)
        let labels: [[UInt8]] = [Array("Superbill no.".utf8), Array("Statement date".utf8), Array("Date of service".utf8),
                                 Array("Place of service".utf8)]
        let values = [encode(bill.number), PDFFormat.date(bill.statementDate), PDFFormat.date(encounter.dateOfService),
                      encode(SuperbillFormat.placeOfService(encounter.placeOfService))]
        let valueWidth = values.map(styles.bold.width).max() ?? 0
        let labelWidth = labels.map(styles.labelStyle.width).max() ?? 0
        let labelRight = Self.right - valueWidth - 10
        var y = 22 + subtitle.leading + 5
        for (label, value) in zip(labels, values) {
            let baseline = y + styles.body.baselineOffset
            block.text(label, x: Self.left, width: labelRight - Self.left, baseline: baseline, style: styles.labelStyle, align: .right)
            block.text(value, x: Self.left, width: Self.width, baseline: baseline, style: styles.bold, align: .right)
            y += styles.body.leading + 0.5
        }
        let rightHeight = y

        // Left: the practice, wrapped so it never runs into the identity column.
        let leftWidth = min(300, labelRight - labelWidth - 18 - Self.left)
        let nameStyle = PDFTextStyle(font: styles.boldFont, size: 15, color: Self.navy, leading: 18)
        var top = 0.0
        top += block.lines(PDFTextWrap.wrap(clinicText.name, style: nameStyle, width: leftWidth),
                           x: Self.left, width: leftWidth, top: top, style: nameStyle)
        top += 3
        for line in clinicText.contactLines {
            top += block.lines(PDFTextWrap.wrap(line, style: styles.body, width: leftWidth),
                               x: Self.left, width: leftWidth, top: top, style: styles.body)
        }

        let ruleY = max(top, rightHeight) + 6
        block.line(x1: Self.left, y1: ruleY, x2: Self.right, y2: ruleY, width: 2.5, color: Self.navy)
        block.height = ruleY + 1.25
        return block
    }

    // MARK: - Provider and patient

    private func parties() -> PDFBlock {
        let encounter = bill.encounter
        let person = encounter.patient.person
        let rendering = encounter.renderingProvider
        let gutter = 14.0
        let columnWidth = (Self.width - 2 * gutter) / 2

        var provider: [(StaticString, [[UInt8]])] = [
            ("Rendering provider", [encode("\(rendering.firstName) \(rendering.lastName)")]),
            ("Rendering NPI", [encode(rendering.npi)]),
        ]
        if let taxonomy = rendering.taxonomy { provider.append(("Taxonomy", [encode(taxonomy)])) }
        provider += [
            ("Practice", [clinicText.name]),
            ("Group NPI", [clinicText.npi]),
            ("Tax ID (EIN)", [clinicText.taxId]),
            ("Service address", clinicText.addressLines),
        ]

        var patient: [(StaticString, [[UInt8]])] = [
            ("Name", [encode(patientName)]),
            ("Date of birth", [PDFFormat.date(person.dateOfBirth)]),
            ("Address", SuperbillFormat.addressLines(person.address).map(encode)),
        ]
        if let phone = person.phone { patient.append(("Phone", [PDFFormat.phone(phone, fonts: styles.fonts)])) }
        patient.append(("Account no.", [encode(encounter.patient.id)]))
        if let coverage = encounter.coverage {
            patient.append(("Insurance", [encode(bill.payerName ?? coverage.payer)]))
            patient.append(("Member ID", [encode(coverage.memberId)]))
            if let group = coverage.groupNumber { patient.append(("Group no.", [encode(group)])) }
            patient.append(("Relationship", [encode(coverage.relationship.rawValue.capitalized)]))
        } else {
            // Self-pay on file: lines the patient fills in.
            patient.append(("Insurance", []))
            patient.append(("Member ID", []))
        }

        var block = PDFBlock()
        let leftColumn = facts(title: "Provider", rows: provider, width: columnWidth)
        let rightColumn = facts(title: "Patient", rows: patient, width: columnWidth, emphasizeFirst: true)
        block.append(leftColumn, x: Self.left, top: 0)
        block.append(rightColumn, x: Self.left + columnWidth + 2 * gutter, top: 0)
        let dividerX = Self.left + columnWidth + gutter
        block.line(x1: dividerX, y1: 0, x2: dividerX, y2: block.height, width: 0.75, color: Self.gridRule)
        return block
    }

    /// A headed column of label/value rows, at x = 0; an empty value is a line to write on.
    private func facts(title: String, rows: [(StaticString, [[UInt8]])], width: Double, emphasizeFirst: Bool = false) -> PDFBlock {
        var block = heading(title, width: width, topMargin: 0)
        let labelWidth = (width * 0.36).rounded()
        let valueX = labelWidth + 4
        let valueWidth = width - valueX
        var top = block.height
        for (index, (label, values)) in rows.enumerated() {
            let rowTop = top + 0.8
            var labelBytes: [UInt8] = []
            PDFBytes.append(label, to: &labelBytes)
            block.text(labelBytes, x: 0, baseline: rowTop + styles.body.baselineOffset, style: styles.labelStyle)
            let style = emphasizeFirst && index == 0 ? styles.bold : styles.body
            var used = 0.0
            for value in values {
                used += block.lines(PDFTextWrap.wrap(value, style: style, width: valueWidth),
                                    x: valueX, width: valueWidth, top: rowTop + used, style: style)
            }
            if values.isEmpty {
                let lineY = rowTop + styles.body.leading - 0.5
                block.line(x1: valueX, y1: lineY, x2: valueX + min(150, valueWidth), y2: lineY, width: 0.6,
                           color: PDFColor(hex: 0x9aa5b1))
                used = styles.body.leading + 3
            }
            top = rowTop + max(used, styles.body.leading) + 0.8
        }
        block.height = top
        return block
    }

    /// A section heading: uppercase, letter-spaced, navy, over a thin rule; at x = 0.
    private func heading(_ title: String, width: Double, topMargin: Double = 10) -> PDFBlock {
        var block = PDFBlock()
        let style = styles.heading
        block.text(encode(title.uppercased()), x: 0, baseline: topMargin + style.baselineOffset, style: style)
        let ruleY = topMargin + style.leading + 1.5
        block.line(x1: 0, y1: ruleY, x2: width, y2: ruleY, width: 0.75, color: Self.headingRule)
        block.height = ruleY + 4
        return block
    }

    private func sectionHeading(_ title: String) -> PDFBlock {
        var block = PDFBlock()
        block.append(heading(title, width: Self.width), x: Self.left, top: 0)
        return block
    }

    // MARK: - Tables

    /// A grid of columns starting at `x`: a shaded header row, then rows whose cells wrap.
    struct Table {
        struct Column { var title: String; var width: Double; var align: PDFAlignment = .left }
        /// One paragraph in a cell.
        struct Run { var text: [UInt8]; var style: PDFTextStyle }

        var x: Double
        var styles: SuperbillPDFStyles
        var columns: [Column]
        var paddingX = 5.0
        var paddingY = 2.8

        var width: Double { columns.reduce(0) { $0 + $1.width } }

        func header() -> PDFBlock {
            var block = PDFBlock()
            let style = styles.columnHeader
            let height = style.leading + 7
            block.fill(x: x, y: 0, width: width, height: height, color: SuperbillPDFLayout.headerFill)
            var left = x
            for column in columns {
                block.text(Array(column.title.uppercased().utf8), x: left + paddingX, width: column.width - 2 * paddingX,
                           baseline: 3.5 + style.baselineOffset, style: style, align: column.align)
                left += column.width
            }
            block.line(x1: x, y1: height, x2: x + width, y2: height, width: 0.75, color: SuperbillPDFLayout.headerRule)
            block.height = height
            return block
        }

        func row(_ cells: [[Run]]) -> PDFBlock {
            var block = PDFBlock()
            var left = x
            var tallest = 0.0
            for (column, runs) in zip(columns, cells) {
                let inner = column.width - 2 * paddingX
                var top = paddingY
                for run in runs {
                    top += block.lines(PDFTextWrap.wrap(run.text, style: run.style, width: inner),
                                       x: left + paddingX, width: inner, top: top, style: run.style, align: column.align)
                }
                tallest = max(tallest, top - paddingY)
                left += column.width
            }
            let height = max(tallest, styles.body.leading) + 2 * paddingY
            block.line(x1: x, y1: height, x2: x + width, y2: height, width: 0.5, color: SuperbillPDFLayout.gridRule)
            block.height = height
            return block
        }
    }

    /// A headed table; rows that do not fit go to the next page under a repeated heading and header.
    /// The heading stays with the header and the first row; `footer` (if any) follows the last row.
    private func place(table: Table, title: String, rows: [PDFBlock], footer: PDFBlock? = nil,
                       on pages: inout PDFPaginator) {
        let heading = sectionHeading(title)
        let header = table.header()
        let footerHeight = footer?.height ?? 0
        let first = (rows.first?.height ?? 0) + (rows.count <= 1 ? footerHeight : 0)
        if !pages.fits(heading.height + header.height + first) && !pages.isAtPageTop { pages.newPage() }
        pages.draw(heading)
        pages.draw(header)
        let all = rows + (footer.map { [$0] } ?? [])
        for (index, row) in all.enumerated() {
            // The footer (a total) never stands alone: the last row moves with it.
            let keep = footer != nil && index == all.count - 2 ? footerHeight : 0
            if index > 0 && !pages.fits(row.height + keep) {
                pages.newPage()
                pages.draw(sectionHeading("\(title) (continued)"))
                pages.draw(header)
            }
            pages.draw(row)
        }
    }

    // MARK: - Diagnoses

    private func diagnosesTable(on pages: inout PDFPaginator) {
        let table = Table(x: Self.left, styles: styles, columns: [
            .init(title: "Ptr", width: 34, align: .center),
            .init(title: "Code", width: 66),
            .init(title: "Description", width: Self.width - 100),
        ])
        let rows = bill.diagnoses.map { diagnosis in
            table.row([
                [.init(text: Array(diagnosis.letter.utf8), style: styles.body)],
                [.init(text: encode(diagnosis.code.dotted), style: styles.bold)],
                diagnosis.description.map { [.init(text: encode($0), style: styles.body)] } ?? [],
            ])
        }
        place(table: table, title: "Diagnoses (ICD-10-CM)", rows: rows, on: &pages)
    }

    // MARK: - Services

    private func servicesTable(on pages: inout PDFPaginator) {
        let encounter = bill.encounter
        // Amounts never wrap: the fee column widens (and the description narrows) for large fees.
        let fees = bill.lines.map { PDFFormat.money($0.service.charge) }
        let totalText = PDFFormat.money(totalCharges)
        let widestFee = max(fees.map(styles.body.width).max() ?? 0, styles.bold.width(totalText))
        let fixed: [Double] = [56, 30, 60, 58, 42, 36, max(64, (widestFee + 12).rounded(.up))]
        let table = Table(x: Self.left, styles: styles, columns: [
            .init(title: "Date", width: fixed[0]),
            .init(title: "POS", width: fixed[1]),
            .init(title: "CPT/HCPCS", width: fixed[2]),
            .init(title: "Modifiers", width: fixed[3]),
            .init(title: "Description", width: Self.width - fixed.reduce(0, +)),
            .init(title: "Dx ptr", width: fixed[4], align: .center),
            .init(title: "Units", width: fixed[5], align: .right),
            .init(title: "Fee", width: fixed[6], align: .right),
        ])
        let date = PDFFormat.date(encounter.dateOfService)
        let pos = encode(encounter.placeOfService)
        let rows = bill.lines.enumerated().map { index, line -> PDFBlock in
            let service = line.service
            var description: [Table.Run] = [line.description.map { .init(text: encode($0), style: styles.body) }
                ?? .init(text: Array("(no description on file)".utf8), style: styles.body.with(color: Self.muted))]
            if let ndc = service.ndc {
                var drug = Array("NDC ".utf8) + PDFFormat.ndc(ndc, fonts: styles.fonts)
                if let quantity = service.ndcQuantity {
                    drug += encode(" · ") + PDFFormat.quantity(quantity)
                    if let unit = service.ndcUnit { drug.append(0x20); drug += encode(unit) }
                }
                description.append(.init(text: drug, style: styles.small))
            }
            let pointers = service.diagnosisPointers.map(Superbill.pointerLetter).joined(separator: ", ")
            return table.row([
                [.init(text: date, style: styles.body)],
                [.init(text: pos, style: styles.body)],
                [.init(text: encode(service.code), style: styles.bold)],
                [.init(text: encode(service.modifiers.joined(separator: ", ")), style: styles.body)],
                description,
                [.init(text: Array(pointers.utf8), style: styles.body)],
                [.init(text: PDFFormat.quantity(service.units), style: styles.body)],
                [.init(text: fees[index], style: styles.body)],
            ])
        }

        // Total charges under the fee column.
        var total = PDFBlock()
        total.line(x1: Self.left, y1: 0, x2: Self.right, y2: 0, width: 1.5, color: Self.navy)
        let feeWidth = fixed[6]
        let baseline = 4 + styles.bold.baselineOffset
        total.text(Array("Total charges".utf8), x: Self.left, width: Self.width - feeWidth - 5, baseline: baseline,
                   style: styles.bold, align: .right)
        total.text(totalText, x: Self.right - feeWidth, width: feeWidth - 5,
                   baseline: baseline, style: styles.bold, align: .right)
        total.height = 4 + styles.bold.leading + 3
        place(table: table, title: "Services", rows: rows, footer: total, on: &pages)
    }

    // MARK: - Payments and balance

    private func settlement(on pages: inout PDFPaginator) {
        let paymentsWidth = (Self.width * 0.56).rounded()
        let summaryX = Self.left + paymentsWidth + 18
        let summaryWidth = Self.right - summaryX

        // Left: payments received.
        let paymentsTable = Table(x: Self.left, styles: styles, columns: [
            .init(title: "Date", width: 70),
            .init(title: "Method", width: paymentsWidth - 150),
            .init(title: "Amount", width: 80, align: .right),
        ])
        var payments = PDFBlock()
        var paymentHeading = PDFBlock()
        paymentHeading.append(heading("Payments received", width: paymentsWidth), x: Self.left, top: 0)
        payments.append(paymentHeading)
        var paymentRows: [PDFBlock] = []
        if bill.payments.isEmpty {
            var none = PDFBlock()
            none.text(Array("No payments received.".utf8), x: Self.left, baseline: 2 + styles.body.baselineOffset,
                      style: styles.body.with(color: Self.muted))
            none.height = styles.body.leading + 4
            payments.append(none)
        } else {
            payments.append(paymentsTable.header())
            paymentRows = bill.payments.map { payment in
                paymentsTable.row([
                    [.init(text: PDFFormat.date(payment.date), style: styles.body)],
                    [.init(text: encode(SuperbillFormat.paymentMethod(payment.method)), style: styles.body)],
                    [.init(text: PDFFormat.money(payment.amount), style: styles.body)],
                ])
            }
            for row in paymentRows { payments.append(row) }
        }

        // Right: the totals, the balance in bold navy over a rule, and a stamp when paid in full.
        var summary = PDFBlock()
        var top = paymentHeading.height + 2
        let rowHeight = styles.body.leading + 5
        for (label, amount) in [("Total charges", totalCharges), ("Payments received", totalPaid)] {
            let baseline = top + 2.5 + styles.body.baselineOffset
            summary.text(Array(label.utf8), x: summaryX, baseline: baseline, style: styles.body.with(color: PDFColor(hex: 0x333333)))
            summary.text(PDFFormat.money(amount), x: summaryX, width: summaryWidth, baseline: baseline,
                         style: styles.body, align: .right)
            top += rowHeight
        }
        summary.line(x1: summaryX, y1: top + 1, x2: Self.right, y2: top + 1, width: 1.5, color: Self.navy)
        let balanceStyle = PDFTextStyle(font: styles.boldFont, size: 10.5, color: Self.navy, leading: 14)
        let balance = balanceDue
        let credit = balance < 0
        let balanceBaseline = top + 5 + balanceStyle.baselineOffset
        summary.text(Array((credit ? "Credit balance" : "Balance due").utf8), x: summaryX, baseline: balanceBaseline, style: balanceStyle)
        summary.text(PDFFormat.money(credit ? -balance : balance), x: summaryX,
                     width: summaryWidth, baseline: balanceBaseline, style: balanceStyle, align: .right)
        top += 5 + balanceStyle.leading + 2
        if balance <= 0 {
            let stamp = PDFTextStyle(font: styles.boldFont, size: 9, color: Self.green, charSpacing: 1.2, leading: 16)
            let text = Array("PAID IN FULL".utf8)
            let stampWidth = stamp.width(text) + 16
            let stampTop = top + 8
            summary.ops.append(.box(x: Self.right - stampWidth, y: stampTop, width: stampWidth, height: stamp.leading,
                                    lineWidth: 1.5, color: Self.green))
            summary.text(text, x: Self.right - stampWidth + 8, baseline: stampTop + stamp.baselineOffset, style: stamp)
            top = stampTop + stamp.leading + 2
        }
        summary.height = top

        var block = payments
        block.append(summary, top: 0)
        if pages.fits(block.height) || block.height <= pages.fullPageHeight {
            pages.place(block)
            return
        }
        // More payments than a page holds: the totals first, then the payments as a table that breaks between rows.
        pages.place(summary)
        place(table: paymentsTable, title: "Payments received", rows: paymentRows, on: &pages)
    }

    // MARK: - Statement and signature

    private func statement(on pages: inout PDFPaginator) {
        var paragraphLines = clinicText.statementLines(balanceDue: bill.balanceDue)
        if let auth = bill.encounter.priorAuthorization {
            paragraphLines += ClinicPDFText.paragraphLines(["Prior authorization: \(auth)"], styles: styles)
        }
        let style = styles.statementStyle
        let lines = paragraphLines.map { text, endsParagraph -> PDFBlock in
            var line = PDFBlock()
            line.text(text, x: Self.left, baseline: style.baselineOffset, style: style)
            line.height = style.leading + (endsParagraph ? 4 : 0)
            return line
        }
        var block = sectionHeading("Statement for out-of-network submission")
        for line in lines { block.append(line) }
        if pages.fits(block.height) || block.height <= pages.fullPageHeight {
            pages.place(block)
            return
        }
        // A statement longer than a page: line by line, the heading kept with the first.
        var first = sectionHeading("Statement for out-of-network submission")
        if let line = lines.first { first.append(line) }
        pages.place(first)
        for line in lines.dropFirst() { pages.place(line) }
    }

    private func signature() -> PDFBlock {
        let rendering = bill.encounter.renderingProvider
        var block = PDFBlock()
        let signWidth = (Self.width * 0.62).rounded() - 30
        let dateX = Self.left + (Self.width * 0.62).rounded()
        let ruleY = 20.0
        block.line(x1: Self.left, y1: ruleY, x2: Self.left + signWidth, y2: ruleY, width: 0.75, color: Self.ink)
        block.line(x1: dateX, y1: ruleY, x2: Self.right, y2: ruleY, width: 0.75, color: Self.ink)
        block.text(Array("Provider signature".utf8), x: Self.left, baseline: ruleY + 3 + styles.body.baselineOffset, style: styles.body)
        block.text(Array("Date".utf8), x: dateX, baseline: ruleY + 3 + styles.body.baselineOffset, style: styles.body)
        block.text(encode("\(rendering.firstName) \(rendering.lastName), NPI \(rendering.npi)"), x: Self.left,
                   baseline: ruleY + 3 + styles.body.leading + styles.body.baselineOffset, style: styles.body.with(color: Self.muted))
        block.height = ruleY + 3 + 2 * styles.body.leading
        return block
    }
}
