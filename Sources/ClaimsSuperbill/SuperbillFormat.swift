import ClaimsCore
import Foundation

/// How values look on a printed superbill (US conventions, no locale lookups, so output is deterministic).
enum SuperbillFormat {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes.
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// `11/03/2026`, as US payers' claim forms print dates.
    static func date(_ date: LocalDate) -> String {
        let iso = date.iso   // YYYY-MM-DD
        let parts = iso.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }

    /// `$1,120.00`; a negative amount as `-$40.00`.
    static func money(_ amount: Decimal) -> String {
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

    /// `37-1234567` (EIN layout) for a 9-digit tax id; anything else as given.
    static func taxId(_ text: String) -> String {
        guard text.count == 9, text.allSatisfy(\.isNumber) else { return text }
        return text.prefix(2) + "-" + text.dropFirst(2)
    }

    /// `62901-3210` for ZIP+4.
    static func zip(_ text: String) -> String {
        text.count == 9 ? text.prefix(5) + "-" + text.dropFirst(5) : text
    }

    /// `(618) 555-0100` for 10 digits.
    static func phone(_ text: String) -> String {
        let digits = Array(text.filter(\.isNumber))
        guard digits.count == 10 else { return text }
        return "(\(String(digits[0..<3]))) \(String(digits[3..<6]))-\(String(digits[6..<10]))"
    }

    /// `50458-0028-03`: the 11-digit billing NDC in its 5-4-2 layout.
    static func ndc(_ text: String) -> String {
        guard text.count == 11 else { return text }
        let chars = Array(text)
        return String(chars[0..<5]) + "-" + String(chars[5..<9]) + "-" + String(chars[9..<11])
    }

    static func name(_ person: Person) -> String {
        [person.firstName, person.middleName ?? "", person.lastName]
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
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
