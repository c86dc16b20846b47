/// An external code list (CARC, RARC, 277 status categories and codes, 999 error codes) as data:
/// a tab-separated text file with a version line, loaded like the payer files (docs/responses.md).
///
/// ```
/// # Claim Adjustment Reason Codes (X12 external code source 139)
/// # version: 2026-11-01
/// 45	Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.	write-off
/// ```
/// Columns: code, official description, and (CARC only) the suggested next action.
/// An unknown code is never dropped: `describe` answers with the code itself.
public struct CodeList: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var code: String, description: String, action: String?
    }

    public var name: String
    public var version: String
    public var entries: [String: Entry]

    public init(name: String, version: String, entries: [String: Entry]) { self.name = name; self.version = version; self.entries = entries }

    public static func empty(_ name: String) -> CodeList { CodeList(name: name, version: "none", entries: [:]) }

    /// The description of `code`, or nil when the list does not know it.
    public func description(of code: String) -> String? { entries[code]?.description }

    /// `description`, or `code` alone when unknown (shown, never dropped).
    public func describe(_ code: String) -> String { entries[code]?.description ?? code }

    /// Parses the file text; an error names the line.
    public static func parse(_ text: String, name: String) throws(CodeListError) -> CodeList {
        var version: String?
        var entries: [String: Entry] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingSpaces.isEmpty { continue }
            if line.hasPrefix("#") {
                let comment = line.dropFirst().trimmingSpaces
                if comment.hasPrefix("version:") { version = String(comment.dropFirst("version:".count).trimmingSpaces) }
                continue
            }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }
            guard columns.count >= 2, !columns[0].isEmpty, !columns[1].isEmpty else {
                throw CodeListError(name: name, line: index + 1, message: "expected CODE<TAB>DESCRIPTION[<TAB>ACTION]")
            }
            guard entries[columns[0]] == nil else {
                throw CodeListError(name: name, line: index + 1, message: "the code '\(columns[0])' is listed twice")
            }
            let action = columns.count > 2 && !columns[2].isEmpty ? columns[2] : nil
            entries[columns[0]] = Entry(code: columns[0], description: columns[1], action: action)
        }
        guard let version else { throw CodeListError(name: name, line: 1, message: "no '# version: …' line; every code list names its version") }
        return CodeList(name: name, version: version, entries: entries)
    }
}

public struct CodeListError: Error, Sendable, Hashable, CustomStringConvertible {
    public var name: String, line: Int, message: String
    public init(name: String, line: Int, message: String) { self.name = name; self.line = line; self.message = message }
    public var description: String { "\(name):\(line): \(message)" }
}

/// The code lists responses are explained with, by file name in `Payers/codes/`.
public struct ResponseCodeLists: Sendable, Hashable {
    /// `carc.tsv`: claim adjustment reason codes, with the suggested action.
    public var adjustmentReasons: CodeList
    /// `rarc.tsv`: remittance advice remark codes.
    public var remarks: CodeList
    /// `claim-status-category.tsv` and `claim-status.tsv` (277 STC01-1 and STC01-2).
    public var statusCategories: CodeList, statuses: CodeList
    /// `x12-errors.tsv`: 999 IK3/IK4/IK5 codes, keyed `IK3-8`, `IK4-7`, `IK5-5`.
    public var x12Errors: CodeList
    /// `adjustment-groups.tsv` (CO, PR, OA, PI, CR) and `plb-reasons.tsv`.
    public var groups: CodeList, providerAdjustmentReasons: CodeList

    public static let fileNames = ["carc.tsv", "rarc.tsv", "claim-status-category.tsv", "claim-status.tsv", "x12-errors.tsv",
                                   "adjustment-groups.tsv", "plb-reasons.tsv"]

    public init(files: [String: CodeList]) {
        func list(_ name: String) -> CodeList { files[name] ?? .empty(name) }
        adjustmentReasons = list("carc.tsv"); remarks = list("rarc.tsv")
        statusCategories = list("claim-status-category.tsv"); statuses = list("claim-status.tsv")
        x12Errors = list("x12-errors.tsv"); groups = list("adjustment-groups.tsv"); providerAdjustmentReasons = list("plb-reasons.tsv")
    }

    public static let none = ResponseCodeLists(files: [:])
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
