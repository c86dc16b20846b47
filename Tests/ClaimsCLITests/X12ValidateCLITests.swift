import ClaimsTestSupport
import Foundation
import Testing

/// `claims x12 validate`, end to end with the real binary: exit codes, the text lines and the JSON
/// document (docs/x12-validate.md).
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct X12ValidateCLITests {
    static let root = Fixtures.repositoryRoot
    static let sample = root.appendingPathComponent("Samples/expected/batch/x12/aetna-000000001.x12").path
    static let broken = root.appendingPathComponent("Tests/Fixtures/x12-validate/beyond/claim-total.x12").path

    @Test func cleanFilesExitZero() throws {
        let result = try CLIRunner.run(["x12", "validate", Self.sample])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("aetna-000000001.x12: clean (57 segments, 1 transaction set, 2 claims, 3 service lines)"))
    }

    @Test func aFindingNamesFileSegmentElementAndRuleAndExits65() throws {
        let result = try CLIRunner.run(["x12", "validate", Self.sample, Self.broken])
        #expect(result.status == 65)
        #expect(result.stdout.contains("\(Self.broken): segment 21 (line 21) CLM, CLM02: CLM02 is 1340 but the 2 service line(s) add up to 1330"))
        #expect(result.stdout.contains("[837p/claim-total]"))
        #expect(result.stdout.hasSuffix("checked 2 files: 1 clean, 1 not (1 problem)\n"))
    }

    @Test func jsonListsEveryFileAndFinding() throws {
        let result = try CLIRunner.run(["x12", "validate", Self.broken, Self.sample, "--format", "json"])
        #expect(result.status == 65)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["clean"] as? Bool == false)
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.map { $0["clean"] as? Bool } == [false, true])
        let findings = try #require(files[0]["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        let finding = findings[0]
        #expect(finding["file"] as? String == Self.broken)
        #expect(finding["segment"] as? Int == 21 && finding["line"] as? Int == 21)
        #expect(finding["segmentId"] as? String == "CLM" && finding["element"] as? String == "CLM02")
        #expect(finding["rule"] as? String == "837p/claim-total")
        #expect(files[1]["claims"] as? Int == 2 && files[1]["segments"] as? Int == 57)
    }

    @Test func aMissingFileExits66AndTheOthersAreStillChecked() throws {
        let result = try CLIRunner.run(["x12", "validate", "/nonexistent/claims.x12", Self.broken])
        #expect(result.status == 66)
        #expect(result.stderr.contains("error: /nonexistent/claims.x12: no such file"))
        #expect(result.stdout.contains("[837p/claim-total]"))
    }

    @Test func aDirectoryOrDeviceExits74() throws {
        for path in [Self.root.appendingPathComponent("Samples").path, "/dev/zero"] {
            let result = try CLIRunner.run(["x12", "validate", path])
            #expect(result.status == 74, "\(path): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: \(path): "))
        }
    }

    @Test func noFileIsAUsageError() throws {
        let result = try CLIRunner.run(["x12", "validate"])
        #expect(result.status == 64)
    }
}
