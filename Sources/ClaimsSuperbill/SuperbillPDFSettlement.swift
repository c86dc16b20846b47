import ClaimsCore
import ClaimsPDF
import Foundation

/// The end of the superbill: payments received beside the totals and balance, the out-of-network
/// statement and the signature lines.
extension SuperbillPDFLayout {
    // MARK: - Payments and balance

    /// Payments received beside the totals, measured before it is placed.
    struct Settlement {
        /// Payments and totals side by side.
        var whole: PDFBlock
        /// For more payments than a page holds: the totals alone, then the payments as a table.
        var summary: PDFBlock
        var paymentsTable: PDFTable
        var paymentRows: [PDFBlock]
        var height: Double { whole.height }
    }

    func settlement() -> Settlement {
        let paymentsWidth = (Self.width * 0.56).rounded()
        let summaryX = Self.left + paymentsWidth + 18
        let summaryWidth = Self.right - summaryX

        // Left: payments received.
        let paymentsTable = table([
            column("Date", 70),
            column("Method", paymentsWidth - 150),
            column("Amount", 80, .right),
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
        return Settlement(whole: block, summary: summary, paymentsTable: paymentsTable, paymentRows: paymentRows)
    }

    func place(_ settlement: Settlement, on pages: inout PDFPaginator) {
        if pages.fits(settlement.height) || settlement.height <= pages.fullPageHeight {
            pages.place(settlement.whole)
            return
        }
        // More payments than a page holds: the totals first, then the payments as a table that breaks between rows.
        pages.place(settlement.summary)
        place(table: settlement.paymentsTable, title: "Payments received", rows: settlement.paymentRows, on: &pages)
    }

    // MARK: - Statement and signature

    /// The out-of-network statement and the signature lines under it, measured before they are placed.
    struct Closing {
        /// The heading and the statement's lines, one block each (the heading with the first line).
        var statementLines: [PDFBlock]
        var signature: PDFBlock
        static let gapBeforeSignature = 22.0
        /// Statement and signature together: one block when it fits on a page.
        var whole: PDFBlock {
            var block = PDFBlock()
            for line in statementLines { block.append(line) }
            block.append(signature, top: block.height + Self.gapBeforeSignature)
            return block
        }
        var height: Double { statementLines.reduce(0) { $0 + $1.height } + Self.gapBeforeSignature + signature.height }
    }

    func closing() -> Closing {
        // The out-of-network statement is wrapped once per writer; the other purposes' text names the
        // plan, and is wrapped once per writer and text.
        var paragraphLines = bill.purpose == .outOfNetwork
            ? clinicText.statementLines(balanceDue: bill.balanceDue)
            : clinicText.cachedParagraphLines(SuperbillPurposeText.paragraphs(bill, clinic: clinic), styles: styles)
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
        var first = sectionHeading(SuperbillPurposeText.heading(bill.purpose))
        if let line = lines.first { first.append(line) }
        return Closing(statementLines: [first] + lines.dropFirst(), signature: signature())
    }

    /// Statement and signature on one page; a statement longer than a page goes line by line, and the
    /// signature follows it.
    func place(_ closing: Closing, on pages: inout PDFPaginator) {
        if closing.height <= pages.fullPageHeight {
            pages.place(closing.whole)
            return
        }
        for line in closing.statementLines { pages.place(line) }
        pages.gap(Closing.gapBeforeSignature)
        pages.place(closing.signature)
    }

    /// Signature and date lines; under the signature, who signs: name, credentials, NPI and license.
    func signature() -> PDFBlock {
        var block = PDFBlock()
        let signWidth = (Self.width * 0.62).rounded() - 30
        let dateX = Self.left + (Self.width * 0.62).rounded()
        let ruleY = 20.0
        block.line(x1: Self.left, y1: ruleY, x2: Self.left + signWidth, y2: ruleY, width: 0.75, color: Self.ink)
        block.line(x1: dateX, y1: ruleY, x2: Self.right, y2: ruleY, width: 0.75, color: Self.ink)
        block.text(Array("Provider signature".utf8), x: Self.left, baseline: ruleY + 3 + styles.body.baselineOffset, style: styles.body)
        block.text(Array("Date".utf8), x: dateX, baseline: ruleY + 3 + styles.body.baselineOffset, style: styles.body)
        let signer = styles.body.with(color: Self.muted)
        let used = block.lines(PDFTextWrap.wrap(encode(bill.provider.signatureLine), style: signer, width: signWidth),
                               x: Self.left, width: signWidth, top: ruleY + 3 + styles.body.leading, style: signer)
        block.height = ruleY + 3 + styles.body.leading + max(used, styles.body.leading)
        return block
    }
}
