import ClaimsCore
import Foundation

/// Timestamps are stored as ISO 8601 UTC text with milliseconds (`2026-11-20T14:03:22.123Z`):
/// sortable as text, readable in `sqlite3`, and formatted without a locale or a formatter object.
public enum StoreTimestamp {
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (days, dayMillis) = floorDivision(millis, 86_400_000)
        let day = LocalDate(dayNumber: Int(days))
        let seconds = dayMillis / 1000
        return "\(day.iso)T\(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60)).\(pad(dayMillis % 1000, 3))Z"
    }

    /// Parses what `format` writes; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z"),
              let day = LocalDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
              let hours = number(bytes[11..<13]), let minutes = number(bytes[14..<16]),
              let seconds = number(bytes[17..<19]), let millis = number(bytes[20..<23]),
              hours < 24, minutes < 60, seconds < 60 else { return nil }
        let total = Int64(day.dayNumber) * 86_400_000 + Int64(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
        return Date(timeIntervalSince1970: Double(total) / 1000)
    }

    /// The calendar day of `date` in `timeZone` (the clinic's "today").
    public static func localDay(of date: Date, in timeZone: TimeZone) -> LocalDate {
        let shifted = date.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: date)))
        let (days, _) = floorDivision(Int64((shifted.timeIntervalSince1970 * 1000).rounded(.down)), 86_400_000)
        return LocalDate(dayNumber: Int(days))
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    private static func pad(_ value: Int64, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
