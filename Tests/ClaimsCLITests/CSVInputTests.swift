import ClaimsTestSupport
import Foundation
import Testing

/// CSV input (docs/csv-input.md): `Samples/encounters.csv` holds the same encounters as
/// `Samples/encounters.json`, and every command gives the same decisions and documents for both.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct CSVInputTests {
    typealias Workspace = BatchCommandTests.Workspace

    private func checkResults(_ file: String, _ workspace: Workspace) throws -> [[String: Any]] {
        let result = try CLIRunner.run(["check", file, "--format", "json"], environment: workspace.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // The source line is where each record starts in its own file: a JSON line or a CSV row.
        return try #require(document["results"] as? [[String: Any]]).map { $0.filter { $0.key != "sourceLine" } }
    }

    @Test func checkGivesTheSameDecisionsForCSVAndJSON() throws {
        let workspace = try Workspace.make("csv-check")
        let fromJSON = try checkResults("Samples/encounters.json", workspace)
        let fromCSV = try checkResults("Samples/encounters.csv", workspace)
        #expect(fromJSON.count == 59)
        #expect(NSArray(array: fromCSV).isEqual(to: fromJSON))
    }

    @Test func batchWritesTheSameDocumentsForCSVAndJSON() throws {
        var outputs: [[String: Data]] = []
        for file in ["Samples/encounters.json", "Samples/encounters.csv"] {
            let workspace = try Workspace.make("csv-batch")
            let result = try workspace.batch(file)
            #expect(result.status == 0, "\(result.stderr)")
            var documents: [String: Data] = [:]
            for folder in ["x12", "fhir", "superbills"] {
                for name in workspace.files(folder) {
                    documents["\(folder)/\(name)"] = try Data(contentsOf: workspace.out.appendingPathComponent("\(folder)/\(name)"))
                }
            }
            outputs.append(documents)
        }
        #expect(outputs[0].count == 22, "7 837Ps, 7 FHIR files, 8 superbills")
        #expect(outputs[0].keys.sorted() == outputs[1].keys.sorted())
        for (name, bytes) in outputs[0] { #expect(outputs[1][name] == bytes, "\(name) differs") }
    }

    @Test func theChecklistReadsCSV() throws {
        let workspace = try Workspace.make("csv-checklist")
        let schedule = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/schedule.json"), encoding: .utf8)
        let json = workspace.root.appendingPathComponent("schedule.json")
        try schedule.write(to: json, atomically: true, encoding: .utf8)
        let csv = workspace.root.appendingPathComponent("schedule.csv")
        let converter = try CLIRunner.runShell("python3 \"$0\" \"$1\" > \"$2\"",
            arguments: [Fixtures.repositoryRoot.appendingPathComponent("scripts/encounters-json-to-csv.py").path, json.path, csv.path])
        #expect(converter.status == 0, "\(converter.stderr)")
        let fromJSON = try CLIRunner.run(["preauth", "checklist", json.path, "--format", "json"], environment: workspace.environment)
        let fromCSV = try CLIRunner.run(["preauth", "checklist", csv.path, "--format", "json"], environment: workspace.environment)
        #expect(fromJSON.status == 0, "\(fromJSON.stderr)")
        #expect(fromCSV.stdout == fromJSON.stdout)
        #expect(fromCSV.stdout.contains("\"items\""))
    }

    @Test func errorsNameTheRowAndTheColumn() throws {
        let workspace = try Workspace.make("csv-errors")
        let file = workspace.root.appendingPathComponent("bad.csv")
        let sample = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.csv"), encoding: .utf8)
        var lines = sample.components(separatedBy: "\n")
        // Row 3 is ENC-2026-0001's second service line (J0013, charge 1120.00).
        #expect(lines[2].contains(",J0013,,84,1120.00,"))
        lines[2] = lines[2].replacingOccurrences(of: ",J0013,,84,1120.00,", with: ",J0013,,84,11x0.00,")
        // Row 4 repeats ENC-2026-0002's date of service differently.
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["check", file.path, "--format", "json"], environment: workspace.environment)
        #expect(result.status == 3)
        #expect(result.stdout.contains("row 3, column service.charge: '11x0.00' is not an amount"), "\(result.stdout.prefix(2000))")
    }

    @Test func aCellThatDiffersFromTheEncountersFirstRowIsNamed() throws {
        let workspace = try Workspace.make("csv-differs")
        let file = workspace.root.appendingPathComponent("differs.csv")
        try """
        id,dateOfService,service.code,service.charge,service.diagnosisPointers
        E1,2026-11-03,99214,10.00,1
        E1,2026-11-04,99214,10.00,1

        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["check", file.path, "--format", "json"], environment: workspace.environment)
        #expect(result.status == 3)
        #expect(result.stdout.contains("row 3, column dateOfService: '2026-11-04' differs from the encounter's first row (row 2)"), "\(result.stdout)")
    }
}
