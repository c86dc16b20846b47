import Foundation

/// How a service line's `details` (CONTRACT §6 `services[].details`) print under it on the superbill,
/// in the HTML and the PDF alike: `Dose 35 mg · Start 09:10 · Stop 09:55`.
enum ServiceDetailsFormat {
    /// Facts an infusion record usually has, printed first in this order with their label and unit.
    static let known: [(key: String, label: String, unit: String?)] = [
        ("drug", "Drug", nil),
        ("doseMg", "Dose", "mg"),
        ("doseMgPerKg", "Dose", "mg/kg"),
        ("route", "Route", nil),
        ("start", "Start", nil),
        ("end", "Stop", nil),
        ("stop", "Stop", nil),
        ("durationMinutes", "Duration", "min"),
        ("lot", "Lot", nil),
    ]
    private static let knownKeys = Set(known.map(\.key))

    /// The facts on one line: the known ones first, then any other in the order of its name, labelled
    /// from the name (`lotNumber` → `Lot number`); nil when there is none. Empty values are left out.
    static func text(_ details: [String: String]) -> String? {
        var parts: [String] = []
        for (key, label, unit) in known {
            guard let value = value(details[key]) else { continue }
            parts.append("\(label) \(value)" + (unit.map { " \($0)" } ?? ""))
        }
        for key in details.keys.sorted() where !knownKeys.contains(key) {
            guard let value = value(details[key]) else { continue }
            parts.append("\(label(key)) \(value)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    private static func value(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// `lotNumber`, `lot_number` or `lot-number` → `Lot number`.
    static func label(_ key: String) -> String {
        var words = ""
        var previous: Character?
        for character in key {
            if character == "_" || character == "-" {
                words.append(" ")
            } else if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                words.append(" ")
                words.append(contentsOf: character.lowercased())
            } else {
                words.append(character)
            }
            previous = character
        }
        let trimmed = words.split(separator: " ").joined(separator: " ")
        return trimmed.prefix(1).uppercased() + trimmed.dropFirst()
    }
}
