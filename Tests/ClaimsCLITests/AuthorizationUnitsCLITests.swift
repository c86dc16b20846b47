import ClaimsTestSupport
import Foundation
import Testing

/// Every path that spends or gives back an authorization unit, end to end: `claims check`,
/// `claims batch`, then what `claims preauth show/list` say was used, and what went on the claims
/// (REF*G1 in the 837P, `preAuthRef` in the FHIR Claim). One-unit authorizations make a wrongly
/// spent unit visible: the next encounter on the same authorization is then held as exhausted.
@Suite(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built (run swift build)"))
struct AuthorizationUnitsCLITests {
    typealias Workspace = BatchCommandTests.Workspace

    /// A store with one approved Spravato authorization of one unit for PT-1001 at BCBS (id 1).
    static func workspaceWithOneUnit(_ label: String) throws -> Workspace {
        let workspace = Workspace(root: try Fixtures.temporaryDirectory(label))
        let add = try CLIRunner.run(["preauth", "add", "--by", "front-desk", "--patient", "PT-1001", "--payer", "bcbs-il",
                                     "--service", "spravato", "--status", "approved", "--auth-number", "BCB-ONE", "--units", "1",
                                     "--start", "2026-10-01", "--end", "2026-11-30"], environment: workspace.environment)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        return workspace
    }

    /// A sample encounter by id, as a JSON object to change.
    static func sample(_ id: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/encounters.json"))
        let all = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return try #require(all.first { $0["id"] as? String == id })
    }

    /// ENC-2026-0001 (BCBS: visit 99214-25 + J0013 84 mg for PT-1001) under another id and date.
    static func spravato(_ id: String, date: String = "2026-11-03", change: (inout [String: Any]) -> Void = { _ in }) throws -> [String: Any] {
        var encounter = try sample("ENC-2026-0001")
        encounter["id"] = id
        encounter["dateOfService"] = date
        change(&encounter)
        return encounter
    }

    /// J0013 with 56 units against the 84 mg NDC: held by the NDC rule, while the visit is billed.
    static func wrongUnits(_ encounter: inout [String: Any]) {
        var services = encounter["services"] as! [[String: Any]]
        services[1]["units"] = 56
        encounter["services"] = services
    }

    /// A patient name longer than NM103 allows: valid input, refused by the 837P encoder.
    static func nameTooLongForThe837P(_ encounter: inout [String: Any]) {
        var patient = encounter["patient"] as! [String: Any]
        patient["lastName"] = String(repeating: "Reyes-", count: 14)
        encounter["patient"] = patient
    }

    static func write(_ encounters: [[String: Any]], in workspace: Workspace) throws -> String {
        let lines = try encounters.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let url = workspace.root.appendingPathComponent("input.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    // MARK: - What the commands say

    static func check(_ input: String, in workspace: Workspace) throws -> [String: [String]] {
        let result = try CLIRunner.run(["check", input, "--format", "json"], environment: workspace.environment)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        var decisions: [String: [String]] = [:]
        for item in report["results"] as? [[String: Any]] ?? [] {
            let lines = (item["lines"] as? [[String: Any]] ?? []).map { $0["decision"] as? String ?? "" }
            decisions[item["encounter"] as? String ?? ""] = (item["errors"] as? [Any] ?? []).isEmpty ? lines : ["rejected"]
        }
        return decisions
    }

    /// Reasons of one line in `claims check --format json`.
    static func checkReasons(_ input: String, encounter: String, line: Int, in workspace: Workspace) throws -> [String] {
        let result = try CLIRunner.run(["check", input, "--format", "json"], environment: workspace.environment)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let item = (report["results"] as? [[String: Any]] ?? []).first { $0["encounter"] as? String == encounter }
        let decided = (item?["lines"] as? [[String: Any]] ?? []).first { $0["line"] as? Int == line }
        return (decided?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    /// `claims preauth show ID --format json`: units used and the encounters that used it.
    static func shown(_ id: String, in workspace: Workspace) throws -> (unitsUsed: Int?, encounters: [String]) {
        let result = try CLIRunner.run(["preauth", "show", id, "--format", "json"], environment: workspace.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let auth = json["authorization"] as? [String: Any]
        let uses = (json["uses"] as? [[String: Any]] ?? []).compactMap { $0["encounter"] as? String }
        return (auth?["unitsUsed"] as? Int, uses)
    }

    /// `claims preauth list --format json`: units used per authorization id.
    static func listedUnitsUsed(in workspace: Workspace) throws -> [Int: Int] {
        let result = try CLIRunner.run(["preauth", "list", "--format", "json"], environment: workspace.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        var used: [Int: Int] = [:]
        for auth in json["authorizations"] as? [[String: Any]] ?? [] {
            if let id = auth["id"] as? Int { used[id] = auth["unitsUsed"] as? Int }
        }
        return used
    }

    /// The segments of one claim (CLM up to the next CLM or SE) in the batch's 837P files.
    static func claimSegments(_ encounter: String, in workspace: Workspace) throws -> [String] {
        for name in workspace.files("x12") {
            let text = try String(contentsOf: workspace.out.appendingPathComponent("x12/\(name)"), encoding: .utf8)
            let segments = text.split(separator: "~").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard let start = segments.firstIndex(of: segments.first { $0.hasPrefix("CLM*\(encounter)*") } ?? "") else { continue }
            let end = segments[(start + 1)...].firstIndex { $0.hasPrefix("CLM*") || $0.hasPrefix("SE*") } ?? segments.endIndex
            return Array(segments[start..<end])
        }
        return []
    }

    /// The FHIR Claim of one encounter in the batch's bundles.
    static func fhirClaim(_ encounter: String, in workspace: Workspace) throws -> String? {
        for name in workspace.files("fhir") {
            let text = try String(contentsOf: workspace.out.appendingPathComponent("fhir/\(name)"), encoding: .utf8)
            if let claim = text.components(separatedBy: "</Claim>").first(where: { $0.contains(#"<value value="\#(encounter)"/>"#) }) {
                return claim
            }
        }
        return nil
    }

    // MARK: - Held: not spent

    /// The evaluator's `uses.filter { billedServices.contains($0.service) }` is what keeps this unit.
    @Test func aHeldSpravatoLineKeepsItsUnitAndGoesOnNoClaimAsAuthorized() throws {
        let workspace = try Self.workspaceWithOneUnit("held-keeps-unit")
        let input = try Self.write([try Self.spravato("ENC-HELD-1", change: Self.wrongUnits),
                                    try Self.spravato("ENC-NEXT-1", date: "2026-11-10")], in: workspace)

        let decisions = try Self.check(input, in: workspace)
        // One claim per encounter (POLICY §5.1): the visit waits with the held J0013.
        #expect(decisions["ENC-HELD-1"] == ["hold", "hold"])
        #expect(try Self.checkReasons(input, encounter: "ENC-HELD-1", line: 2, in: workspace)
            .contains { $0.contains("do not match NDC 50458002803") })
        #expect(try Self.checkReasons(input, encounter: "ENC-HELD-1", line: 1, in: workspace)
            .contains { $0.contains("waits for line 2") })
        #expect(decisions["ENC-NEXT-1"] == ["bill", "bill"], "the held J0013 must not have taken the only unit")

        let batch = try workspace.batch(input)
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(try workspace.claimIds() == ["ENC-NEXT-1"], "no claim for the held encounter")
        #expect(try Self.fhirClaim("ENC-HELD-1", in: workspace) == nil)

        let next = try Self.claimSegments("ENC-NEXT-1", in: workspace)
        #expect(next.contains("REF*G1*BCB-ONE"))
        #expect(try Self.fhirClaim("ENC-NEXT-1", in: workspace)?.contains(#"<preAuthRef value="BCB-ONE"/>"#) == true)

        let shown = try Self.shown("1", in: workspace)
        #expect(shown.unitsUsed == 1)
        #expect(shown.encounters == ["ENC-NEXT-1"])
        #expect(try Self.listedUnitsUsed(in: workspace) == [1: 1])
    }

    /// Alone on the store, the held line spends nothing at all.
    @Test func aHeldLineAloneSpendsNothing() throws {
        let workspace = try Self.workspaceWithOneUnit("held-alone")
        let input = try Self.write([try Self.spravato("ENC-HELD-2", change: Self.wrongUnits)], in: workspace)
        let batch = try workspace.batch(input)
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(try workspace.claimIds() == [], "the whole encounter waits (POLICY §5.1)")
        let shown = try Self.shown("BCB-ONE", in: workspace)
        #expect(shown.unitsUsed == 0)
        #expect(shown.encounters.isEmpty)
        #expect(try workspace.counts()["authorization_use"] == 0)
    }

    // MARK: - Billed: spent once, never twice

    @Test func aBilledEncounterSpendsOneUnitOnceAcrossReRuns() throws {
        let workspace = try Self.workspaceWithOneUnit("billed-once")
        let input = try Self.write([try Self.spravato("ENC-BILL-1")], in: workspace)
        let first = try workspace.batch(input)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.claimSegments("ENC-BILL-1", in: workspace).contains("REF*G1*BCB-ONE"))
        #expect(try Self.fhirClaim("ENC-BILL-1", in: workspace)?.contains(#"<preAuthRef value="BCB-ONE"/>"#) == true)
        #expect(try Self.shown("1", in: workspace).unitsUsed == 1)

        // Re-evaluating the billed encounter gives its own unit back: the same decision, not "exhausted".
        #expect(try Self.check(input, in: workspace)["ENC-BILL-1"] == ["bill", "bill"])
        let second = try workspace.batch(input)
        #expect(second.status == 0, "\(second.stderr)")
        let report = try workspace.report()
        let already = report["alreadyBilled"] as? [[String: Any]] ?? []
        #expect(already.map { $0["encounter"] as? String } == ["ENC-BILL-1"])
        #expect((report["held"] as? [[String: Any]] ?? []).isEmpty, "nothing held as exhausted on a re-run")
        let shown = try Self.shown("1", in: workspace)
        #expect(shown.unitsUsed == 1)
        #expect(shown.encounters == ["ENC-BILL-1"])
        #expect(try workspace.counts()["authorization_use"] == 1)
    }

    // MARK: - Two encounters, one unit

    @Test func theSecondEncounterOnAOneUnitAuthorizationIsHeldAsExhaustedInCheckAndBatch() throws {
        let workspace = try Self.workspaceWithOneUnit("exhausted")
        let input = try Self.write([try Self.spravato("ENC-FIRST-1"), try Self.spravato("ENC-SECOND-1", date: "2026-11-10")], in: workspace)
        let decisions = try Self.check(input, in: workspace)
        #expect(decisions["ENC-FIRST-1"] == ["bill", "bill"])
        #expect(decisions["ENC-SECOND-1"] == ["hold", "hold"])
        #expect(try Self.checkReasons(input, encounter: "ENC-SECOND-1", line: 2, in: workspace).contains { $0.contains("is exhausted") })

        let batch = try workspace.batch(input)
        #expect(batch.status == 0, "\(batch.stderr)")
        let held = try workspace.report()["held"] as? [[String: Any]] ?? []
        #expect(held.map { "\($0["encounter"] as? String ?? "")/\($0["code"] as? String ?? "")" } == ["ENC-SECOND-1/99214", "ENC-SECOND-1/J0013"])
        let reasons = (held.last?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(reasons.contains { $0.contains("is exhausted") })
        #expect(!(try Self.claimSegments("ENC-SECOND-1", in: workspace)).contains { $0.hasPrefix("REF*G1") })
        let shown = try Self.shown("1", in: workspace)
        #expect(shown.unitsUsed == 1)
        #expect(shown.encounters == ["ENC-FIRST-1"])
    }

    // MARK: - Refused by the encoder: given back

    @Test func anEncounterTheEncoderRefusesGivesItsUnitBackInCheck() throws {
        let workspace = try Self.workspaceWithOneUnit("refused-check")
        let input = try Self.write([try Self.spravato("ENC-REFUSED-1", change: Self.nameTooLongForThe837P),
                                    try Self.spravato("ENC-AFTER-1", date: "2026-11-10")], in: workspace)
        let decisions = try Self.check(input, in: workspace)
        #expect(decisions["ENC-REFUSED-1"] == ["rejected"])
        #expect(decisions["ENC-AFTER-1"] == ["bill", "bill"], "the refused encounter's unit is given back")
    }

    /// In a batch the unit comes back when the refused encounter's block is recorded, after the next
    /// block was decided (docs/batch.md): an encounter two blocks of 256 later can use it, and the
    /// store never records a use for the refused encounter.
    @Test func anEncounterTheEncoderRefusesGivesItsUnitBackInBatch() throws {
        let workspace = try Self.workspaceWithOneUnit("refused-batch")
        var filler = try Self.sample("ENC-2026-0002")   // criteria-not-met: no document, no unit
        var encounters = [try Self.spravato("ENC-REFUSED-2", change: Self.nameTooLongForThe837P)]
        for index in 1...511 {
            filler["id"] = "ENC-FILL-\(index)"
            encounters.append(filler)
        }
        encounters.append(try Self.spravato("ENC-AFTER-2", date: "2026-11-10"))
        let input = try Self.write(encounters, in: workspace)
        let batch = try workspace.batch(input)
        #expect(batch.status == 3, "\(batch.stderr)")
        let rejected = try workspace.report()["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.map { $0["encounter"] as? String } == ["ENC-REFUSED-2"])
        #expect(try workspace.claimIds() == ["ENC-AFTER-2"])
        #expect(try Self.claimSegments("ENC-AFTER-2", in: workspace).contains("REF*G1*BCB-ONE"))
        let shown = try Self.shown("1", in: workspace)
        #expect(shown.unitsUsed == 1)
        #expect(shown.encounters == ["ENC-AFTER-2"])
    }

    /// Within one block the refused encounter's unit is not yet back (its neighbour is held as
    /// exhausted, docs/batch.md); the store records no use for it, so once the refused encounter is
    /// out of the export the next run bills the encounter that waited.
    @Test func aRefusedEncounterRecordsNoUseAndTheNextRunBillsTheOneThatWaited() throws {
        let workspace = try Self.workspaceWithOneUnit("refused-rerun")
        let waiting = try Self.spravato("ENC-AFTER-3", date: "2026-11-10")
        let input = try Self.write([try Self.spravato("ENC-REFUSED-3", change: Self.nameTooLongForThe837P), waiting], in: workspace)
        let first = try workspace.batch(input)
        #expect(first.status == 3, "\(first.stderr)")
        let heldFirst = try workspace.report()["held"] as? [[String: Any]] ?? []
        #expect(heldFirst.map { "\($0["encounter"] as? String ?? "")/\($0["code"] as? String ?? "")" } == ["ENC-AFTER-3/99214", "ENC-AFTER-3/J0013"])
        let afterFirst = try Self.shown("1", in: workspace)
        #expect(afterFirst.unitsUsed == 0)
        #expect(afterFirst.encounters.isEmpty)

        let second = try workspace.batch(try Self.write([waiting], in: workspace))
        #expect(second.status == 0, "\(second.stderr)")
        #expect((try workspace.report()["held"] as? [[String: Any]] ?? []).isEmpty, "its J0013 is billed now")
        let shown = try Self.shown("1", in: workspace)
        #expect(shown.unitsUsed == 1)
        #expect(shown.encounters == ["ENC-AFTER-3"])
    }
}
