import ClaimsCore
import ClaimsPDF
import Foundation

/// The superbill's values as the layout's text bytes (ASCII, or the fonts' encoding for the rest), formatted exactly as `SuperbillFormat` formats them for the
/// HTML, without the Foundation string round trips (the native writer makes thousands of PDFs a second).
/// Anything outside the fast paths falls back to `SuperbillFormat`.
enum PDFFormat {
    /// `11/03/2026`.
    static func date(_ date: LocalDate) -> [UInt8] {
        guard (1000...9999).contains(date.year) else { return Array(SuperbillFormat.generalDate(date).utf8) }
        return [digit(date.month / 10), digit(date.month % 10), 0x2F, digit(date.day / 10), digit(date.day % 10), 0x2F,
                digit(date.year / 1000), digit(date.year / 100 % 10), digit(date.year / 10 % 10), digit(date.year % 10)]
    }

    /// `$1,120.00`, `-$40.00`. Amounts with at most two decimals (all parsed money) are formatted from
    /// their exact whole cents; any other amount takes `SuperbillFormat.money`.
    static func money(_ amount: Decimal) -> [UInt8] {
        guard formatsMoneyFast(amount) else { return Array(SuperbillFormat.generalMoney(amount).utf8) }
        var cents = Int(Money.cents(of: amount))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        if cents < 0 { bytes.append(0x2D); cents = -cents }
        bytes.append(0x24)
        appendGrouped(cents / 100, to: &bytes)
        bytes.append(0x2E)
        bytes.append(digit(cents % 100 / 10)); bytes.append(digit(cents % 10))
        return bytes
    }

    /// True when `money` formats `amount` from its whole cents.
    static func formatsMoneyFast(_ amount: Decimal) -> Bool { amount.exponent >= -2 && abs(amount) < 10_000_000_000 }

    /// Units as `Money.plain` prints them: `1`, `50`, `1.5`.
    static func quantity(_ value: Decimal) -> [UInt8] { Array(Money.plain(value).utf8) }

    /// `(618) 555-0100` for ten ASCII digits; otherwise as `SuperbillFormat.phone`.
    static func phone(_ text: String, fonts: PDFFonts) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return fonts.encode(SuperbillFormat.phone(text)) }
        return [0x28] + utf8[0..<3] + [0x29, 0x20] + utf8[3..<6] + [0x2D] + utf8[6..<10]
    }

    /// `50458-0028-03` for an 11-character NDC; otherwise as given.
    static func ndc(_ text: String, fonts: PDFFonts) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count == 11, utf8.allSatisfy({ $0 < 0x80 }) else { return fonts.encode(SuperbillFormat.ndc(text)) }
        return utf8[0..<5] + [0x2D] + utf8[5..<9] + [0x2D] + utf8[9..<11]
    }

    /// The patient's full name as the HTML shows it.
    static func name(_ person: Person) -> String { SuperbillFormat.name(person) }

    @inline(__always)
    static func digit(_ value: Int) -> UInt8 { UInt8(0x30 + value) }

    /// `1234567` → `1,234,567`.
    static func appendGrouped(_ value: Int, to bytes: inout [UInt8]) {
        if value < 1000 { PDFBytes.appendInteger(value, to: &bytes); return }
        appendGrouped(value / 1000, to: &bytes)
        let group = value % 1000
        bytes.append(0x2C); bytes.append(digit(group / 100)); bytes.append(digit(group / 10 % 10)); bytes.append(digit(group % 10))
    }
}

/// What every superbill of one practice repeats, encoded and wrapped once per `NativePDFWriter`.
struct ClinicPDFText: Sendable {
    let name: [UInt8]
    let addressLines: [[UInt8]]
    /// Address lines, then `Phone (618) 555-0100` when known.
    let contactLines: [[UInt8]]
    let npi: [UInt8]
    let taxId: [UInt8]
    /// The out-of-network statement and the assignment paragraph, wrapped to the page width, for a
    /// bill paid in full and for one with a balance due; `true` marks the last line of a paragraph.
    let statementLinesPaid: [([UInt8], Bool)]
    let statementLinesDue: [([UInt8], Bool)]

    func statementLines(balanceDue: Decimal) -> [([UInt8], Bool)] { balanceDue > 0 ? statementLinesDue : statementLinesPaid }

    /// Wrapped purpose paragraphs by their text: a batch's receipts and coverage statements repeat a
    /// handful of texts (they vary only with the plan's name and whether a balance is due).
    let paragraphCache = WrappedParagraphs()

    /// `paragraphLines(paragraphs, styles:)`, each paragraph wrapped once per writer. `styles` must be
    /// the styles this text was made with (the writer passes them together).
    func cachedParagraphLines(_ paragraphs: [String], styles: SuperbillPDFStyles) -> [([UInt8], Bool)] {
        paragraphs.flatMap { paragraph in
            if let lines = paragraphCache.lookUp(paragraph) { return lines }
            let lines = Self.paragraphLines([paragraph], styles: styles)
            paragraphCache.keep(lines, for: paragraph)
            return lines
        }
    }

    init(_ clinic: ClinicProfile, styles: SuperbillPDFStyles) {
        let billing = clinic.billingProvider
        let fonts = styles.fonts
        name = fonts.encode(billing.name)
        addressLines = SuperbillFormat.addressLines(billing.address).map(fonts.encode)
        contactLines = addressLines + (billing.phone.map { [Array("Phone ".utf8) + PDFFormat.phone($0, fonts: fonts)] } ?? [])
        npi = fonts.encode(billing.npi)
        taxId = fonts.encode(SuperbillFormat.taxId(billing.taxId))
        let statement = clinic.superbillStatement ?? SuperbillRenderer.defaultStatement
        statementLinesPaid = Self.paragraphLines([statement, SuperbillRenderer.assignmentStatement(balanceDue: 0)], styles: styles)
        statementLinesDue = Self.paragraphLines([statement, SuperbillRenderer.assignmentStatement(balanceDue: 1)], styles: styles)
    }

    static func paragraphLines(_ paragraphs: [String], styles: SuperbillPDFStyles) -> [([UInt8], Bool)] {
        paragraphs.flatMap { paragraph -> [([UInt8], Bool)] in
            let lines = PDFTextWrap.wrap(styles.encode(paragraph), style: styles.statementStyle, width: SuperbillPDFLayout.width)
            return lines.enumerated().map { ($0.element, $0.offset == lines.count - 1) }
        }
    }
}

/// `ClinicPDFText`'s wrapped paragraphs, shared by the threads that draw superbills. Bounded: emptied
/// when it holds `limit` texts, so a batch whose texts all differ does not grow it.
final class WrappedParagraphs: @unchecked Sendable {
    static let limit = 64
    private let lock = NSLock()
    private var lines: [String: [([UInt8], Bool)]] = [:]   // guarded by `lock`

    func lookUp(_ paragraph: String) -> [([UInt8], Bool)]? { lock.withLock { lines[paragraph] } }

    func keep(_ wrapped: [([UInt8], Bool)], for paragraph: String) {
        lock.withLock {
            if lines.count >= Self.limit { lines.removeAll(keepingCapacity: true) }
            lines[paragraph] = wrapped
        }
    }

    var count: Int { lock.withLock { lines.count } }
}
