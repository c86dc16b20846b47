/// One transaction set (ST…SE) with the envelope it travelled in: the generic unit every
/// response reader (999, 277CA, 835, and later 271) starts from.
public struct X12TransactionSet: Sendable, Hashable {
    /// ISA06 / ISA08 (trimmed) and ISA13 of the interchange.
    public var senderId: String, receiverId: String, interchangeControlNumber: String
    /// GS01 (functional identifier: `FA` 999, `HN` 277, `HP` 835), GS06 and GS08 (version).
    public var functionalId: String, groupControlNumber: String, version: String
    /// GS04: the date the sender created the group.
    public var groupDate: X12Date?
    /// ST01 (`999`, `277`, `835`) and ST02.
    public var transactionSetId: String, controlNumber: String
    /// Every segment from ST to SE inclusive, each with its 1-based position in the file.
    public var segments: [LocatedSegment]

    /// ST03 when present, else GS08: the implementation guide this set claims to follow.
    public var implementationGuide: String {
        let st03 = segments.first?.segment.value(3) ?? ""
        return st03.isEmpty ? version : st03
    }

    /// Splits a document into its transaction sets. The envelope must be sound first
    /// (`X12Document.envelopeProblems`): a response read from a broken envelope could be matched wrongly.
    public static func split(_ document: X12Document) throws(X12Error) -> [X12TransactionSet] {
        if let first = document.envelopeProblems().first { throw first }
        var sets: [X12TransactionSet] = []
        var isa: X12Segment?, gs: X12Segment?
        var current: [LocatedSegment]?
        for (index, segment) in document.segments.enumerated() {
            let located = LocatedSegment(segment, number: index + 1)
            switch segment.id {
            case "ISA": isa = segment
            case "GS": gs = segment
            case "ST": current = [located]
            case "SE":
                current?.append(located)
                if let body = current, let isa, let gs {
                    sets.append(X12TransactionSet(
                        senderId: trimmed(isa.value(6)), receiverId: trimmed(isa.value(8)), interchangeControlNumber: isa.value(13),
                        functionalId: gs.value(1), groupControlNumber: gs.value(6), version: gs.value(8), groupDate: X12Date(gs.value(4)),
                        transactionSetId: body[0].segment.value(1), controlNumber: body[0].segment.value(2), segments: body))
                }
                current = nil
            default: current?.append(located)
            }
        }
        return sets
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// A segment with its 1-based position in the file, so every error can say where it is.
public struct LocatedSegment: Sendable, Hashable {
    public var segment: X12Segment
    public var number: Int
    public init(_ segment: X12Segment, number: Int) { self.segment = segment; self.number = number }

    public var id: String { segment.id }

    /// `CLP04`: the segment id and a 2-digit position, as implementation guides name elements.
    public func name(_ position: Int, component: Int? = nil) -> String {
        id + X12Writer.position(position) + (component.map { "-\($0)" } ?? "")
    }

    /// An error about element `position` of this segment.
    public func error(_ position: Int?, _ message: String) -> X12Error {
        X12Error(message, segmentNumber: number, elementPosition: position)
    }

    /// The value at `position` (first component), or nil when absent or empty.
    public func optional(_ position: Int, component: Int = 1) -> String? {
        guard let element = segment[position] else { return nil }
        let components = element.components
        let value = component <= components.count ? components[component - 1] : ""
        return value.isEmpty ? nil : value
    }

    /// The value at `position`, or an error naming the element when it is missing.
    public func required(_ position: Int, _ what: String, component: Int = 1) throws(X12Error) -> String {
        guard let value = optional(position, component: component) else {
            throw error(position, "\(name(position, component: component == 1 ? nil : component)) (\(what)) is missing")
        }
        return value
    }

    /// A money amount (X12 `R`, at most 2 decimal places, may be negative), required.
    public func amount(_ position: Int, _ what: String) throws(X12Error) -> X12Amount {
        try parseAmount(try required(position, what), position, what)
    }

    /// A money amount when present, nil when the element is absent or empty.
    public func optionalAmount(_ position: Int, _ what: String) throws(X12Error) -> X12Amount? {
        guard let text = optional(position) else { return nil }
        return try parseAmount(text, position, what)
    }

    private func parseAmount(_ text: String, _ position: Int, _ what: String) throws(X12Error) -> X12Amount {
        guard let amount = X12Amount(text) else {
            throw error(position, "\(name(position)) (\(what)) is '\(X12Amount.preview(text))', not an amount such as 120.50 or -40")
        }
        return amount
    }

    /// A `CCYYMMDD` date, required.
    public func date(_ position: Int, _ what: String) throws(X12Error) -> X12Date {
        let text = try required(position, what)
        guard let date = X12Date(text) else {
            throw error(position, "\(name(position)) (\(what)) is '\(X12Amount.preview(text))', not a CCYYMMDD date")
        }
        return date
    }
}

/// A money amount from an X12 `R` element, in cents (exact; amounts with more than two decimal places are refused).
public struct X12Amount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var cents: Int64
    public init(cents: Int64) { self.cents = cents }

    /// `120`, `120.5`, `-40.00`, `.5`; nil for anything else (exponents, 3 decimals, over 15 digits).
    public init?(_ text: String) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") { negative = true; bytes = bytes.dropFirst() }
        var whole: Int64 = 0, fraction: Int64 = 0, fractionDigits = -1, digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard fractionDigits < 0 else { return nil }
                fractionDigits = 0
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            digits += 1
            guard digits <= 15 else { return nil }
            if fractionDigits >= 0 {
                fractionDigits += 1
                guard fractionDigits <= 2 else { return nil }
                fraction = fraction * 10 + Int64(byte - 48)
            } else {
                whole = whole * 10 + Int64(byte - 48)
            }
        }
        guard digits > 0 else { return nil }
        if fractionDigits == 1 { fraction *= 10 }
        let value = whole * 100 + fraction
        cents = negative ? -value : value
    }

    public static let zero = X12Amount(cents: 0)
    public static func + (lhs: X12Amount, rhs: X12Amount) -> X12Amount { X12Amount(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: X12Amount, rhs: X12Amount) -> X12Amount { X12Amount(cents: lhs.cents - rhs.cents) }
    public static func < (lhs: X12Amount, rhs: X12Amount) -> Bool { lhs.cents < rhs.cents }

    /// `-40.00`, always two decimals.
    public var description: String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    static func preview(_ text: String) -> String {
        String(text.prefix(20).unicodeScalars.map { X12Text.isControl($0) ? "?" : Character($0) })
    }
}

/// A `CCYYMMDD` date as read (kept as its parts; ClaimsCore's LocalDate is built from it by callers).
public struct X12Date: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        func number(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) } }
        year = number(0..<4); month = number(4..<6); day = number(6..<8)
        let days = [31, (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day) else { return nil }
    }
    /// `2026-11-20`.
    public var iso: String {
        func pad(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
    public var description: String { iso }
    public static func < (lhs: X12Date, rhs: X12Date) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }
}

import Foundation

extension X12Amount {
    /// The amount as money (`Decimal`), for callers outside the X12 layer.
    public var decimal: Decimal { Decimal(cents) / 100 }
}
