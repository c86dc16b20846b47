import ClaimsCore
import Foundation

/// How values look on a printed superbill (US conventions, no locale lookups, so output is deterministic).
enum SuperbillFormat {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes.
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    // Each value has a fast path for the usual input (ASCII text, a four-digit year, cents) and the
    // general path for the rest; a test compares the two on inputs of both kinds. The batch formats
    // every superbill twice (HTML and PDF), and the general paths went through Foundation and
    // Characters (several thousand instructions a value).

    /// `11/03/2026`, as US payers' claim forms print dates.
    static func date(_ date: LocalDate) -> String {
        guard (1000...9999).contains(date.year) else { return generalDate(date) }
        return String(decoding: PDFFormat.date(date), as: UTF8.self)
    }

    static func generalDate(_ date: LocalDate) -> String {
        let iso = date.iso   // YYYY-MM-DD
        let parts = iso.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }

    /// `$1,120.00`; a negative amount as `-$40.00`.
    static func money(_ amount: Decimal) -> String {
        guard PDFFormat.formatsMoneyFast(amount) else { return generalMoney(amount) }
        return String(decoding: PDFFormat.money(amount), as: UTF8.self)
    }

    static func generalMoney(_ amount: Decimal) -> String {
        let plain = Money.format(amount)
        let negative = plain.hasPrefix("-")
        let digits = negative ? String(plain.dropFirst()) : plain
        let parts = digits.split(separator: ".")
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (negative ? "-$" : "$") + whole + grouped + "." + parts[1]
    }

    /// ASCII without a carriage return: one Character per byte, so byte positions are Character
    /// positions and `isNumber` means 0-9 (CR LF would be one Character of two bytes).
    private static func isPlainASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D } }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `37-1234567` (EIN layout) for a 9-digit tax id; anything else as given.
    static func taxId(_ text: String) -> String {
        guard isPlainASCII(text) else { return generalTaxId(text) }
        let utf8 = Array(text.utf8)
        guard utf8.count == 9, utf8.allSatisfy(isDigit) else { return text }
        return String(decoding: utf8[0..<2] + [0x2D] + utf8[2...], as: UTF8.self)
    }

    static func generalTaxId(_ text: String) -> String {
        guard text.count == 9, text.allSatisfy(\.isNumber) else { return text }
        return text.prefix(2) + "-" + text.dropFirst(2)
    }

    /// `62901-3210` for ZIP+4.
    static func zip(_ text: String) -> String {
        guard isPlainASCII(text) else { return generalZip(text) }
        let utf8 = Array(text.utf8)
        return utf8.count == 9 ? String(decoding: utf8[0..<5] + [0x2D] + utf8[5...], as: UTF8.self) : text
    }

    static func generalZip(_ text: String) -> String {
        text.count == 9 ? text.prefix(5) + "-" + text.dropFirst(5) : text
    }

    /// `(618) 555-0100` for 10 digits.
    static func phone(_ text: String) -> String {
        guard isPlainASCII(text) else { return generalPhone(text) }
        let digits = text.utf8.filter(isDigit)
        guard digits.count == 10 else { return text }
        return String(decoding: [0x28] + digits[0..<3] + [0x29, 0x20] + digits[3..<6] + [0x2D] + digits[6..<10], as: UTF8.self)
    }

    static func generalPhone(_ text: String) -> String {
        let digits = Array(text.filter(\.isNumber))
        guard digits.count == 10 else { return text }
        return "(\(String(digits[0..<3]))) \(String(digits[3..<6]))-\(String(digits[6..<10]))"
    }

    /// `50458-0028-03`: the 11-digit billing NDC in its 5-4-2 layout.
    static func ndc(_ text: String) -> String {
        guard isPlainASCII(text) else { return generalNDC(text) }
        let utf8 = Array(text.utf8)
        guard utf8.count == 11 else { return text }
        return String(decoding: utf8[0..<5] + [0x2D] + utf8[5..<9] + [0x2D] + utf8[9..<11], as: UTF8.self)
    }

    static func generalNDC(_ text: String) -> String {
        guard text.count == 11 else { return text }
        let chars = Array(text)
        return String(chars[0..<5]) + "-" + String(chars[5..<9]) + "-" + String(chars[9..<11])
    }

    /// The full name; trims a part only when an end is whitespace (the trimming is costly).
    static func name(_ person: Person) -> String {
        let parts = [person.firstName, person.middleName ?? "", person.lastName]
        guard parts.allSatisfy({ !hasOuterWhitespace($0) }) else { return generalName(person) }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func generalName(_ person: Person) -> String {
        [person.firstName, person.middleName ?? "", person.lastName]
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// True when `text` starts or ends with a character that may be whitespace (a superset of what
    /// `.whitespaces` trims, so the fast path never skips a trim).
    private static func hasOuterWhitespace(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        return isWhitespace(first) || isWhitespace(last)
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x20 || scalar.value == 0x09 || (scalar.value > 0x7F && scalar.properties.isWhitespace)
    }

    static func addressLines(_ address: Address) -> [String] {
        [address.line1, address.line2 ?? ""].filter { !$0.isEmpty }
            + ["\(address.city), \(address.state) \(zip(address.zip))"]
    }

    /// Where the services were given: the service site's name and address when it is not the billing
    /// provider's address, else the billing provider's address.
    static func serviceAddressLines(_ bill: Superbill, clinic: ClinicProfile) -> [String] {
        guard let site = bill.serviceSite else { return addressLines(clinic.billingProvider.address) }
        return [site.name] + addressLines(site.address)
    }

    /// `card` → `Card`, `hsa-fsa` → `HSA/FSA`.
    static func paymentMethod(_ method: String) -> String {
        switch method.lowercased() {
        case "hsa-fsa", "hsa", "fsa": return method.uppercased().replacingOccurrences(of: "-", with: "/")
        default: return method.prefix(1).uppercased() + method.dropFirst()
        }
    }

    static let placeOfServiceNames: [String: String] = [
        "02": "Telehealth (not in patient's home)",
        "10": "Telehealth (patient's home)",
        "11": "Office",
        "19": "Off-campus outpatient hospital",
        "22": "On-campus outpatient hospital",
    ]

    static func placeOfService(_ code: String) -> String {
        placeOfServiceNames[code].map { "\(code) – \($0)" } ?? code
    }
}
