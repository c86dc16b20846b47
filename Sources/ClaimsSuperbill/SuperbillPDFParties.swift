import ClaimsCore
import ClaimsPDF
import Foundation

/// The top of the superbill: the masthead (practice, document identity) and the provider and patient columns.
extension SuperbillPDFLayout {
    // MARK: - Masthead

    func masthead() -> PDFBlock {
        var block = PDFBlock()
        let encounter = bill.encounter

        // Right: document identity, then label/value pairs right-aligned.
        let title = PDFTextStyle(font: styles.boldFont, size: 20, color: Self.navy, charSpacing: 2.4, leading: 22)
        block.text(Array("SUPERBILL".utf8), x: Self.left, width: Self.width, baseline: title.baselineOffset + 1,
                   style: title, align: .right)
        let subtitle = styles.small
        block.text(encode(SuperbillPurposeText.subtitle(bill.purpose)), x: Self.left, width: Self.width,
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

    func parties() -> PDFBlock {
        let encounter = bill.encounter
        let person = encounter.patient.person
        let rendering = bill.provider
        let gutter = 14.0
        let columnWidth = (Self.width - 2 * gutter) / 2

        var provider: [(StaticString, [[UInt8]])] = [
            ("Rendering provider", [encode(rendering.displayName)]),
            ("Rendering NPI", [encode(rendering.npi)]),
        ]
        if let license = rendering.license { provider.append(("License", [encode(license)])) }
        if let taxonomy = rendering.taxonomy { provider.append(("Taxonomy", [encode(taxonomy)])) }
        provider += [
            ("Practice", [clinicText.name]),
            ("Group NPI", [clinicText.npi]),
            ("Tax ID (EIN)", [clinicText.taxId]),
            ("Service address", bill.serviceSite == nil ? clinicText.addressLines
                : SuperbillFormat.serviceAddressLines(bill, clinic: clinic).map(encode)),
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
}
