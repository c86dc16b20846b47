import ClaimsCore
import ClaimsStore
import ClaimsX12
import Foundation

extension Receivables {
    /// Reads every claim's history and the patients' recorded payments, and computes the AR.
    public static func load(store: ClaimsStore, asOf: LocalDate, codes: ResponseCodeLists) throws(StoreError) -> Receivables {
        let statements = try store.claimHistories().map(ClaimStatement.init)
        let owing = Set(statements.filter { $0.patientResponsibilityCents != 0 }.map(\.encounterId))
        var collected: [String: Int64] = [:]
        var secondary: Set<String> = []
        for (id, json) in try store.encounterRecords(owing) {
            guard let record = try? JSONParser.parse(json) else { continue }
            if let coverage = record["secondaryCoverage"], coverage != .null { secondary.insert(id) }
            guard case .array(let payments)? = record["payments"] else { continue }
            for payment in payments {
                let amount: String? = switch payment["amount"] {
                case .string(let text)?, .number(let text)?: text
                default: nil
                }
                if let amount, let value = Money.parse(amount) { collected[id, default: 0] += Money.cents(of: value) }
            }
        }
        return Receivables(statements: statements, asOf: asOf, codes: codes, collected: collected, hasSecondary: secondary)
    }
}

/// Cents as money text with two decimals (`-40.00`), the one format of every amount `ar` and `claim show` print.
public enum CentsText {
    public static func format(_ cents: Int64) -> String { X12Amount(cents: cents).description }
}
