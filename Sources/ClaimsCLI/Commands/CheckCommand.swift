import ArgumentParser
import ClaimsCore
import ClaimsEngine
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `claims check FILE`: decisions per service line, printed; writes nothing.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate every encounter in FILE against the payer rules and the prior-auth store; writes nothing.",
        discussion: """
        FILE is a JSON array of encounters, JSON Lines (one encounter per line) or a CSV export (a name ending in .csv, docs/csv-input.md). Besides the rules, every document the batch would write is drafted and checked, so an encounter the batch would refuse is rejected here with the same errors. Exit 0 when every encounter was valid, 3 when some were rejected (their errors are in the output), 65 for invalid rule files.

        Examples:
          claims check Samples/encounters.json --as-of 2026-11-20
          claims check Samples/encounters.csv --as-of 2026-11-20 --format json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The encounter file (JSON array, JSON Lines or .csv).") var file: String
    @Option(help: "text (a table for a person) or json (for scripts).") var format: OutputFormat = .text

    func run() throws {
        let asOf = try global.processingDate()
        let rules = try CommandSupport.loadRules(global)
        // The documents `batch` would write are drafted and checked the same way (one validation
        // path); without a clinic profile only the input and the rules can be checked.
        let drafter = try CommandSupport.loadClinicIfPresent(global).map {
            DocumentDrafter(clinic: $0, rules: rules, statementDate: asOf, created: asOf)
        }
        if drafter == nil {
            CommandSupport.printError("note: no clinic profile at \(global.clinicPath); the 837P, FHIR and superbill checks that `batch` runs were skipped (give --clinic)")
        }
        let lookup = try AuthorizationLookup.open(global)
        let pass = EvaluationPass(rules: rules, asOf: asOf, ledger: AuthorizationLedger(load: lookup.authorizations),
                                  dailyUnits: DailyUnitsLedger(load: lookup.billedUnits))
        pass.eligibility = try lookup.eligibility(try CommandSupport.loadClinicIfPresent(global))
        var report = CheckReport(asOf: asOf)
        var rejected = 0
        try CommandSupport.forEachEncounter(in: file, rules: rules, asOf: asOf, allowFutureDates: false) { record in
            let ownUses = record.encounter == nil ? [] : try lookup.usedBy(record.id)
            let evaluation = try pass.check(record, ownUses: ownUses, drafter: drafter)
            if evaluation.isRejected { rejected += 1 }
            report.results.append(CheckReport.result(for: evaluation))
        }
        switch format {
        case .json: try CommandSupport.printJSON(report)
        case .text: CommandSupport.printLine(CheckTextLayout.render(report))
        }
        if rejected > 0 { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }
}

/// The table a person reads at a terminal.
enum CheckTextLayout {
    static func render(_ report: CheckReport) -> String {
        var rows: [[String]] = [["ENCOUNTER", "LINE", "CODE", "SERVICE", "DECISION", "REASON"]]
        var notes: [String] = []
        var counts: [String: Int] = [:]
        for result in report.results {
            let name = result.encounter.isEmpty ? "(record at line \(result.sourceLine))" : result.encounter
            if !result.errors.isEmpty {
                counts["rejected", default: 0] += 1
                for error in result.errors {
                    rows.append([name, "-", "-", "-", "rejected", "\(error.field): \(error.message)"])
                }
                continue
            }
            for line in result.lines {
                counts[line.decision, default: 0] += 1
                let reasons = line.reasons.isEmpty ? [""] : line.reasons.map { "\($0.message) [\($0.rule)]" }
                for (index, reason) in reasons.enumerated() {
                    // A modifier the rules add shows beside the decision: "bill +GA".
                    let decision = line.decision + (line.addedModifiers ?? []).map { " +\($0)" }.joined()
                    rows.append(index == 0 ? [name, String(line.line), line.code, line.service, decision, reason]
                                           : ["", "", "", "", "", reason])
                }
            }
            for warning in result.warnings { notes.append("warning: \(name): \(warning.message) [\(warning.rule)]") }
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = rows.map { row in
            (0..<5).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "  " + row[5]
        }.joined(separator: "\n")
        if !notes.isEmpty { text += "\n\n" + notes.joined(separator: "\n") }
        let order = ["bill", "hold", "superbill", "not-covered", "criteria-not-met", "rejected"]
        text += "\n\nas of \(report.asOf): " + order.map { "\(counts[$0, default: 0]) \($0)" }.joined(separator: ", ")
        return text
    }
}
