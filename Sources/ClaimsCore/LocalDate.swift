/// A calendar date with no time zone: dates of service, birth dates, authorization windows.
/// Kept apart from `Foundation.Date` so that the domain never depends on a clock or a time zone.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil for anything that is not a real `YYYY-MM-DD` date (2026-02-30, 2026-1-5, …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: String) {
        // Read in place (no array of the bytes) when the String is contiguous, as Swift-made ones are.
        let parsed = text.utf8.withContiguousStorageIfAvailable { Self(isoBytes: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Self(isoBytes: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// `init(iso:)` on the text's UTF-8 bytes (the encounter decoder reads dates straight from a record).
    init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(dayNumber: Int) {
        // Civil-from-days (Howard Hinnant), day 0 = 1970-01-01.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The most days `adding(days:)` moves a date (about 10,000 years): past it the date saturates,
    /// so a huge day count from an option or a rule file can never overflow (ranges are checked
    /// where such numbers come in; this is the last line of defence).
    public static let maximumDayOffset = 3_650_000

    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + min(max(days, -Self.maximumDayOffset), Self.maximumDayOffset))
    }

    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// Whole years of age on `date` (a birthday on Feb 29 counts on Mar 1 in common years).
    public func age(on date: LocalDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    public var iso: String {
        // The common case digit by digit (same text as the padding below; ~900 instructions less a date).
        if let text = digits(separator: UInt8(ascii: "-")) { return text }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `CCYYMMDD`, as X12 DTP and DMG segments want it.
    public var compact: String {
        // The common case, written digit by digit (same text as the padding below).
        if let text = digits(separator: nil) { return text }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }

    /// `CCYY`, `MM`, `DD` zero-padded, with `separator` between them, when the year has at most four
    /// digits (every real date); nil otherwise.
    private func digits(separator: UInt8?) -> String? {
        guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else { return nil }
        return String(unsafeUninitializedCapacity: 10) { buffer in
            var count = 0
            func put(_ value: Int, width: Int) {
                var divisor = width == 4 ? 1000 : 10
                while divisor > 0 {
                    buffer[count] = UInt8(48 + value / divisor % 10)
                    count += 1
                    divisor /= 10
                }
            }
            put(year, width: 4)
            if let separator { buffer[count] = separator; count += 1 }
            put(month, width: 2)
            if let separator { buffer[count] = separator; count += 1 }
            put(day, width: 2)
            return count
        }
    }

    public var description: String { iso }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not a YYYY-MM-DD date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// An inclusive range of dates; either end may be open.
public struct DateWindow: Sendable, Hashable, Codable {
    public var from: LocalDate?
    public var to: LocalDate?
    public init(from: LocalDate? = nil, to: LocalDate? = nil) { self.from = from; self.to = to }
    public func contains(_ date: LocalDate) -> Bool {
        if let from, date < from { return false }
        if let to, date > to { return false }
        return true
    }
    public static let always = DateWindow()
}
