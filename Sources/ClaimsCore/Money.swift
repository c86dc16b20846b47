import Foundation

/// Money is `Decimal`, parsed from text and printed without a locale, in one place.
public enum Money {
    /// Parses `"210.00"`, `"210"`, `"0.5"`: digits with at most two decimal places, no sign, no exponent.
    public static func parse(_ text: String) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// `1120` → `"1120.00"`, always two places, `.` as separator.
    public static func format(_ amount: Decimal) -> String {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let negative = rounded < 0
        let cents = NSDecimalNumber(decimal: (negative ? -rounded : rounded) * 100).int64Value
        let text = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
        return negative ? "-" + text : text
    }

    /// X12 amounts drop trailing zeros (`1120`, `40.5`), as 5010 R (decimal) elements allow.
    public static func x12(_ amount: Decimal) -> String {
        var text = format(amount)
        while text.hasSuffix("0") && text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A plain number string for quantities (units), no locale, no grouping.
    public static func plain(_ value: Decimal) -> String {
        var copy = value
        return NSDecimalString(&copy, Locale(identifier: "en_US_POSIX"))
    }
}
