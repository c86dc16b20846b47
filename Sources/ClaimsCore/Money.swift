import Foundation

/// Money is `Decimal`, parsed from text and printed without a locale, in one place.
public enum Money {
    /// The largest amount accepted for one service line's charge or one payment (docs/errors.md):
    /// far above any real charge, far below what a claim's 18-character CLM02/SV102 can hold, and
    /// small enough that a batch's totals stay exact in 64-bit cents.
    public static let maximumAmount = Decimal(sign: .plus, exponent: -2, significand: Decimal(999_999_999))

    /// Parses `"210.00"`, `"210"`, `"0.5"`: digits with at most two decimal places, no sign, no exponent.
    public static func parse(_ text: String) -> Decimal? {
        switch scanAmount(text.utf8) {
        case .notAnAmount: return nil
        case .amount(let amount): return amount
        // More digits than 64 bits hold: Foundation reads them.
        case .long: return Decimal(string: text, locale: posix)
        }
    }

    /// What `parse` makes of the bytes of an amount.
    enum AmountText { case notAnAmount, amount(Decimal), long }

    /// `parse` without the String: the encounter decoder reads amounts straight from a record's bytes.
    static func scanAmount<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> AmountText {
        // Digits, then optionally '.' and one or two digits; read byte by byte.
        var digits: UInt64 = 0
        var wholeDigits = 0
        var fractionDigits = -1
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard fractionDigits < 0, wholeDigits > 0 else { return .notAnAmount }
                fractionDigits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return .notAnAmount }
            if fractionDigits >= 0 { fractionDigits += 1 } else { wholeDigits += 1 }
            if wholeDigits + max(fractionDigits, 0) <= 18 { digits = digits * 10 + UInt64(byte - 48) }
        }
        guard wholeDigits > 0, fractionDigits != 0, fractionDigits <= 2 else { return .notAnAmount }
        // Up to 18 digits fit exactly: the same value (and exponent) Decimal(string:) gives, without parsing twice.
        if wholeDigits + max(fractionDigits, 0) <= 18 {
            return .amount(Decimal(sign: .plus, exponent: -max(fractionDigits, 0), significand: Decimal(digits)))
        }
        return .long
    }

    /// `1120` → `"1120.00"`, always two places, `.` as separator.
    public static func format(_ amount: Decimal) -> String {
        if let cents = cents(amount) { return text(cents: cents, trimmed: false) }
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        // Exact for any size (no detour through a 64-bit integer that could wrap).
        var text = NSDecimalString(&rounded, posix)
        if !text.contains(".") { text += ".00" } else if text.split(separator: ".").last?.count == 1 { text += "0" }
        return text
    }

    /// The amount in whole cents (rounded half away from zero beyond two places), as the store keeps it.
    /// Amounts are limited at input (`maximumAmount` per line), so every total fits; one that did not
    /// would be clamped to the Int64 range, never wrapped into a small wrong amount.
    /// `cents` hundredths as a `Decimal`: the amount a sum of charges in whole cents stands for, equal
    /// to their `Decimal` sum and written the same by `format` and `x12` (summing cents instead of
    /// `Decimal`s saved thousands of instructions a claim, issue 18).
    public static func amount(cents: Int64) -> Decimal {
        Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude))
    }

    public static func cents(of amount: Decimal) -> Int64 {
        if let cents = cents(amount) { return cents.negative ? -Int64(cents.cents) : Int64(cents.cents) }
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let scaled = rounded * 100
        // NSDecimalNumber.int64Value wraps out of range (2^64/100 + 210.00 became 210.00).
        if scaled >= Decimal(Int64.max) { return Int64.max }
        if scaled <= Decimal(Int64.min) { return Int64.min }
        return NSDecimalNumber(decimal: scaled).int64Value
    }

    /// X12 amounts drop trailing zeros (`1120`, `40.5`), as 5010 R (decimal) elements allow.
    public static func x12(_ amount: Decimal) -> String {
        if let cents = cents(amount) { return text(cents: cents, trimmed: true) }
        var text = format(amount)
        while text.hasSuffix("0") && text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Whether `amount` has at most two decimal places (rounding it to cents changes nothing).
    public static func hasAtMostTwoDecimalPlaces(_ amount: Decimal) -> Bool {
        if let parts = parts(amount), parts.exponent >= -2 { return true }
        var copy = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &copy, 2, .plain)
        return rounded == amount
    }

    /// A plain number string for quantities (units), no locale, no grouping.
    public static func plain(_ value: Decimal) -> String {
        if let text = plainFast(value) { return text }
        var copy = value
        return NSDecimalString(&copy, posix)
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// Decimal text as `plain` writes it (and JSON numbers are), read back; small whole numbers
    /// (units, counts, scores) skip the Foundation parser.
    public static func decimal(plain text: String) -> Decimal? {
        let bytes = text.utf8
        if !bytes.isEmpty, bytes.count <= 9, bytes.allSatisfy(ASCII.isDigit), let whole = Int(text) { return Decimal(whole) }
        return Decimal(string: text, locale: posix)
    }

    // MARK: Fast paths
    //
    // Amounts and quantities are small numbers with at most two decimal places; Foundation's
    // rounding, NSDecimalNumber and NSDecimalString are slow for them. `parts` reads the value as
    // sign, 64-bit mantissa and exponent, and only answers when rebuilding the Decimal from those
    // gives back exactly the same value and representation; everything else takes the general path.

    /// Sign, mantissa and exponent (`amount = ±mantissa × 10^exponent`), or nil (NaN, mantissa past 64 bits).
    static func parts(_ amount: Decimal) -> (negative: Bool, mantissa: UInt64, exponent: Int)? {
        guard amount.isFinite, MemoryLayout<Decimal>.size == 20 else { return nil }
        let raw: (negative: Bool, mantissa: UInt64)? = withUnsafeBytes(of: amount) { bytes in
            // swift-foundation layout: exponent (Int8), length (high nibble) and flags, reserved,
            // then eight little-endian 16-bit mantissa words.
            for index in 12..<20 where bytes[index] != 0 { return nil }
            var mantissa: UInt64 = 0
            for word in 0..<4 {
                mantissa |= (UInt64(bytes[4 + 2 * word]) | UInt64(bytes[5 + 2 * word]) << 8) << (16 * word)
            }
            return (bytes[1] & 0x08 != 0, mantissa)
        }
        guard let raw else { return nil }
        let exponent = amount.exponent
        // The check that makes the layout reading safe: same exponent, same mantissa, same sign.
        guard amount.significand == Decimal(raw.mantissa), (amount < 0) == (raw.negative && raw.mantissa != 0) else { return nil }
        return (raw.negative && raw.mantissa != 0, raw.mantissa, exponent)
    }

    /// The amount in cents when it has at most two decimal places and is well within Int64.
    static func cents(_ amount: Decimal) -> (negative: Bool, cents: UInt64)? {
        guard let parts = parts(amount), (-2...4).contains(parts.exponent), parts.mantissa < 1_000_000_000_000 else { return nil }
        var cents = parts.mantissa
        for _ in 0..<(parts.exponent + 2) { cents *= 10 }
        return (parts.negative, cents)
    }

    /// `W.FF` (or without trailing zeros and the dot when `trimmed`), `-` first when negative.
    static func text(cents: (negative: Bool, cents: UInt64), trimmed: Bool) -> String {
        let whole = cents.cents / 100, fraction = Int(cents.cents % 100)
        var text = cents.negative ? "-" + String(whole) : String(whole)
        if trimmed && fraction == 0 { return text }
        text.unicodeScalars.append(".")
        text.unicodeScalars.append(Unicode.Scalar(UInt8(48 + fraction / 10)))
        if !trimmed || fraction % 10 != 0 { text.unicodeScalars.append(Unicode.Scalar(UInt8(48 + fraction % 10))) }
        return text
    }

    /// What NSDecimalString writes, for the unambiguous small cases: an integer mantissa with
    /// zeros appended (exponent ≥ 0), or a mantissa without trailing zero and a dot inside.
    static func plainFast(_ value: Decimal) -> String? {
        guard let parts = parts(value), parts.exponent >= -18, parts.exponent <= 18 else { return nil }
        if parts.mantissa == 0 { return parts.exponent == 0 ? "0" : nil }
        let digits = String(parts.mantissa)
        var text = parts.negative ? "-" : ""
        if parts.exponent >= 0 {
            text += digits
            text += String(repeating: "0", count: parts.exponent)
            return text
        }
        guard parts.mantissa % 10 != 0 else { return nil }
        let places = -parts.exponent
        if digits.utf8.count > places {
            let split = digits.index(digits.startIndex, offsetBy: digits.utf8.count - places)
            text += digits[..<split]
            text += "."
            text += digits[split...]
        } else {
            text += "0."
            text += String(repeating: "0", count: places - digits.utf8.count)
            text += digits
        }
        return text
    }
}
