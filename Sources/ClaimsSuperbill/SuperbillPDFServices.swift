import ClaimsCore
import ClaimsPDF
import Foundation

/// The diagnoses and services tables (the services with their total).
extension SuperbillPDFLayout {
    // MARK: - Diagnoses

    func diagnosesTable(on pages: inout PDFPaginator) {
        let table = table([
            column("Ptr", 34, .center),
            column("Code", 66),
            column("Description", Self.width - 100),
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

    /// The services and their total; `keepWithLastRow` (what follows the table) stays on the last row's
    /// page when the last row, the total and it fit on one page.
    func servicesTable(on pages: inout PDFPaginator, keepWithLastRow: Double) {
        let encounter = bill.encounter
        // Amounts never wrap: the fee column widens (and the description narrows) for large fees.
        let fees = bill.lines.map { PDFFormat.money($0.service.charge) }
        let totalText = PDFFormat.money(totalCharges)
        let widestFee = max(fees.map(styles.body.width).max() ?? 0, styles.bold.width(totalText))
        let fixed: [Double] = [56, 30, 60, 58, 42, 36, max(64, (widestFee + 12).rounded(.up))]
        let table = table([
            column("Date", fixed[0]),
            column("POS", fixed[1]),
            column("CPT/HCPCS", fixed[2]),
            column("Modifiers", fixed[3]),
            column("Description", Self.width - fixed.reduce(0, +)),
            column("Dx ptr", fixed[4], .center),
            column("Units", fixed[5], .right),
            column("Fee", fixed[6], .right),
        ])
        let date = PDFFormat.date(encounter.dateOfService)
        let pos = encode(encounter.placeOfService)
        let rows = bill.lines.enumerated().map { index, line -> PDFBlock in
            let service = line.service
            var description: [PDFTable.Run] = [line.description.map { .init(text: encode($0), style: styles.body) }
                ?? .init(text: Array("(no description on file)".utf8), style: styles.body.with(color: Self.muted))]
            if let ndc = service.ndc {
                var drug = Array("NDC ".utf8) + PDFFormat.ndc(ndc, fonts: styles.fonts)
                if let quantity = service.ndcQuantity {
                    drug += encode(" · ") + PDFFormat.quantity(quantity)
                    if let unit = service.ndcUnit { drug.append(0x20); drug += encode(unit) }
                }
                description.append(.init(text: drug, style: styles.small))
            }
            if let details = ServiceDetailsFormat.text(service.details) {
                description.append(.init(text: encode(details), style: styles.small))
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
        let end = (rows.last?.height ?? 0) + total.height + keepWithLastRow
        let honoured = end + sectionHeading("Services (continued)").height + table.header().height <= pages.fullPageHeight
        place(table: table, title: "Services", rows: rows, footer: total, keepWithLastRow: honoured ? keepWithLastRow : 0, on: &pages)
    }
}
