import ClaimsCore
import CSV
import Foundation

/// Reads the EHR's CSV export (docs/csv-input.md): one row per service line, the encounter's fields
/// repeated (or left empty) on each of its rows, columns named by the JSON field paths of
/// CONTRACT §2. Each encounter becomes the same JSON value a JSON export would give, so one decoder
/// validates both, and errors name the row and column. Streamed: one encounter's rows at a time.
///
/// ```swift
/// let reader = try EncounterCSVReader(path: "Samples/encounters.csv")
/// while let record = reader.next() { … }   // each: the first row, and the encounter's JSON or a CSV error
/// ```
public final class EncounterCSVReader {
    /// One encounter read from the file: its JSON value, or why its rows cannot be read.
    public struct Record: Sendable {
        public var ordinal: Int
        /// The encounter's first row (the header is row 1).
        public var row: Int
        public var value: Result<JSONValue, InputError>
        /// Turns a JSON field path of the decoder (`services[1].charge`) into `row R, column C`.
        public var locate: @Sendable (String) -> String
    }

    /// Lines per encounter accepted before its rows are refused (the decoder allows 50).
    public static let maxRowsPerEncounter = 60
    /// Separator inside a cell for lists (`diagnoses`, `service.modifiers`, …).
    public static let listSeparator: Character = ";"

    private let csv: CSVReader
    private let header: [String]
    private var rowNumber = 1
    private var reportedError = false
    private var ordinal = 0
    /// The first row of the next encounter, read while looking for the end of the previous one.
    private var pending: (cells: [String], number: Int)?

    /// Opens the file and reads its header row.
    public init(path: String) throws(InputError) {
        guard let stream = InputStream(fileAtPath: path) else {
            throw InputError(field: "csv", message: "cannot open \(path)")
        }
        do {
            csv = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw InputError(field: "csv", message: "row 1: cannot read the header row (\(error)); the first row must name the columns (docs/csv-input.md)")
        }
        header = (csv.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        if let repeated = Dictionary(grouping: header.indices, by: { header[$0] }).first(where: { !$0.key.isEmpty && $0.value.count > 1 }) {
            throw InputError(field: "csv", message: "row 1: column '\(repeated.key)' appears \(repeated.value.count) times; name each column once")
        }
        if !header.contains("id") {
            throw InputError(field: "csv", message: "row 1: no 'id' column; every row needs the encounter's id (docs/csv-input.md)")
        }
    }

    /// The next encounter (its consecutive rows with the same `id`), or nil at the end.
    public func next() -> Record? {
        guard let first = pending ?? readRow().map({ ($0, rowNumber) }) else {
            // A decoding error ends the rows early: it is reported once, as one error record.
            // (`cannotReadFile` is how the library meets the end of the file.)
            guard let error = csv.error, !reportedError else { return nil }
            if let csvError = error as? CSVError, case .cannotReadFile = csvError { return nil }
            reportedError = true
            ordinal += 1
            let row = rowNumber + 1
            return Record(ordinal: ordinal, row: row, value: .failure(InputError(field: "csv", message: "row \(row): the file cannot be read further (\(Self.describe(error)))")),
                          locate: { $0 })
        }
        pending = nil
        let id = cell(first.cells, "id")
        var rows = [first.cells]
        var rowNumbers = [first.number]
        while let row = readRow() {
            guard cell(row, "id") == id && !id.isEmpty else {
                pending = (row, rowNumber)
                break
            }
            rows.append(row)
            rowNumbers.append(rowNumber)
        }
        ordinal += 1
        let numbers = rowNumbers
        let locate: @Sendable (String) -> String = { path in Self.locate(path, rows: numbers) }
        if rows.count > Self.maxRowsPerEncounter {
            return Record(ordinal: ordinal, row: first.number, value: .failure(InputError(field: "services",
                          message: "rows \(first.number)–\(rowNumbers.last!): \(rows.count) rows for encounter '\(id)'; at most \(Self.maxRowsPerEncounter) are read (an encounter has at most 50 lines)")),
                          locate: locate)
        }
        return Record(ordinal: ordinal, row: first.number, value: encounter(rows, rowNumbers: rowNumbers), locate: locate)
    }

    private func readRow() -> [String]? {
        guard let row = csv.next() else { return nil }
        rowNumber += 1
        return row
    }

    private func cell(_ row: [String], _ column: String) -> String {
        guard let index = header.firstIndex(of: column), index < row.count else { return "" }
        return row[index]
    }

    /// The encounter's JSON value: encounter fields from its rows (equal wherever given), one
    /// service line per row.
    private func encounter(_ rows: [[String]], rowNumbers: [Int]) -> Result<JSONValue, InputError> {
        var root: [String: JSONValue] = [:]
        var services: [JSONValue] = []
        for (offset, row) in rows.enumerated() {
            if row.count > header.count, row[header.count...].contains(where: { !$0.isEmpty }) {
                return .failure(InputError(field: "csv", message: "row \(rowNumbers[offset]): \(row.count) cells but the header names \(header.count) columns"))
            }
            var service: [String: JSONValue] = [:]
            for (index, column) in header.enumerated() where index < row.count {
                let text = row[index].trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty, !column.isEmpty else { continue }
                if column.hasPrefix("service.") {
                    let key = String(column.dropFirst("service.".count))
                    if key.hasPrefix("details.") {
                        // `service.details.doseMg`: one of the line's free facts (CONTRACT §6), kept as text.
                        Self.set(.string(text), at: key.split(separator: ".", maxSplits: 1).map(String.init), in: &service)
                    } else {
                        service[key] = Self.serviceValue(key, text)
                    }
                    continue
                }
                let value = Self.encounterValue(column, text)
                let path = column.split(separator: ".").map(String.init)
                if let existing = Self.value(at: path, in: root) {
                    if existing != value {
                        return .failure(InputError(field: column, message: "row \(rowNumbers[offset]), column \(column): '\(text)' differs from the encounter's first row (row \(rowNumbers[0])); repeat the same value or leave the cell empty"))
                    }
                } else {
                    Self.set(value, at: path, in: &root)
                }
            }
            services.append(.object(service))
        }
        root["services"] = .array(services)
        return .success(.object(root))
    }

    // MARK: Cells as JSON values

    private static func list(_ text: String) -> [String] {
        text.split(separator: listSeparator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A number when the cell is written like one (the decoder then checks it), else text, so a
    /// wrong cell is reported by the decoder with its usual message.
    private static func number(_ text: String) -> JSONValue {
        let isNumber = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") } && text.first != "."
        return isNumber ? .number(text) : .string(text)
    }

    static func serviceValue(_ key: String, _ text: String) -> JSONValue {
        switch key {
        case "modifiers": return .array(list(text).map(JSONValue.string))
        case "diagnosisPointers": return .array(list(text).map(number))
        case "units", "ndcQuantity": return number(text)
        default: return .string(text)
        }
    }

    static func encounterValue(_ column: String, _ text: String) -> JSONValue {
        if column == "diagnoses" { return .array(list(text).map(JSONValue.string)) }
        if column == "payments" { return .array(list(text).map(payment)) }
        if column == "patientAgreements" { return .array(list(text).map(agreement)) }
        if column.hasPrefix("clinical.") {
            switch text.lowercased() {
            case "true", "yes": return .bool(true)
            case "false", "no": return .bool(false)
            default:
                let value = number(text)
                return value
            }
        }
        return .string(text)
    }

    /// `2026-11-03 40.00 card`: date, amount and an optional method.
    private static func payment(_ text: String) -> JSONValue {
        let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
        var object: [String: JSONValue] = [:]
        if parts.count > 0 { object["date"] = .string(parts[0]) }
        if parts.count > 1 { object["amount"] = .string(parts[1]) }
        if parts.count > 2 { object["method"] = .string(parts[2]) }
        return .object(object)
    }

    /// `abn 2026-11-10 1 64510 77002`: kind, signed date, then an optional one-character ABN option
    /// and the codes it covers (none = every line); the decoder checks each part.
    private static func agreement(_ text: String) -> JSONValue {
        var parts = text.split(separator: " ").map(String.init)
        var object: [String: JSONValue] = [:]
        if !parts.isEmpty { object["kind"] = .string(parts.removeFirst()) }
        if !parts.isEmpty { object["signed"] = .string(parts.removeFirst()) }
        if let option = parts.first, option.count == 1 { object["option"] = number(option); parts.removeFirst() }
        if !parts.isEmpty { object["codes"] = .array(parts.map(JSONValue.string)) }
        return .object(object)
    }

    private static func value(at path: [String], in object: [String: JSONValue]) -> JSONValue? {
        guard let first = path.first, let value = object[first] else { return nil }
        if path.count == 1 { return value }
        guard case .object(let inner) = value else { return nil }
        return Self.value(at: Array(path.dropFirst()), in: inner)
    }

    private static func set(_ value: JSONValue, at path: [String], in object: inout [String: JSONValue]) {
        guard let first = path.first else { return }
        if path.count == 1 { object[first] = value; return }
        var inner: [String: JSONValue] = [:]
        if case .object(let existing)? = object[first] { inner = existing }
        set(value, at: Array(path.dropFirst()), in: &inner)
        object[first] = .object(inner)
    }

    /// `services[2].charge` → `row 5, column service.charge`; `patient.lastName` → the first row.
    static func locate(_ path: String, rows: [Int]) -> String {
        if path.hasPrefix("services["), let close = path.firstIndex(of: "]"),
           let index = Int(path[path.index(path.startIndex, offsetBy: 9)..<close]), index < rows.count {
            let rest = path[path.index(after: close)...].split(separator: "[").first.map(String.init) ?? ""
            return "row \(rows[index]), column service\(rest)"
        }
        let column = path.split(separator: "[").first.map(String.init) ?? path
        return "row \(rows[0]), column \(column.isEmpty ? "id" : column)"
    }

    private static func describe(_ error: any Error) -> String {
        if let csvError = error as? CSVError, case .unicodeDecoding = csvError {
            return "bytes that are not valid UTF-8; export the file as UTF-8"
        }
        return "\(error)"
    }
}
