import ClaimsTestSupport
import Foundation
import Testing

/// Issue 17, as a new user would try it: a Spravato authorization requested as a 278 and as a PAS
/// Bundle, the payer's answers imported, and the checklist showing the approval.
@Suite(.enabled(if: PreauthCLI.binary != nil, "the claims binary is not built"))
struct PreauthRequestCLITests {
    static let root = Fixtures.repositoryRoot
    static let clinic = root.appendingPathComponent("Samples/clinic.yaml").path
    static let encounters = root.appendingPathComponent("Samples/encounters.json").path
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/prior-auth/\(name)").path }

    func run(_ arguments: [String], db: String) throws -> PreauthCLI.Result {
        try PreauthCLI.run(arguments + ["--clinic", Self.clinic], db: db)
    }

    @Test func aSpravatoAuthorizationIsRequestedAnsweredAndReady() throws {
        let db = try PreauthCLI.freshDatabase("pas-e2e")
        let out = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("requests").path
        try PreauthCLI.requireRules(db: db)
        let id = try PreauthCLI.add(["--patient", "PT-1009", "--payer", "il-medicaid", "--service", "spravato", "--status", "pending",
                                     "--start", "2026-11-01", "--end", "2027-04-30"], db: db)
        #expect(id == 1)

        // The 278: the trace PA1-1 (authorization 1, first trace number of this store) is what the fixtures answer.
        let x12 = try run(["preauth", "request", "1", "--out", out, "--format", "x12", "--encounters", Self.encounters], db: db)
        #expect(x12.status == 0, "\(x12.stderr)")
        #expect(x12.stdout.contains("request PA1-1 written to"))
        #expect(x12.stdout.contains("status pending → submitted"))
        let x12Text = try String(contentsOfFile: "\(out)/il-medicaid-auth1-PA1-1.x12", encoding: .utf8)
        #expect(x12Text.contains("GS*HI*"))
        #expect(x12Text.contains("ST*278*"))
        #expect(x12Text.contains("TRN*1*PA1-1*1371234567~"))
        #expect(x12Text.contains("UM*HS*I*A8*11:B~"))
        #expect(x12Text.contains("HI*ABK:F332~"))
        #expect(x12Text.contains("SV1*HC:S0013~"))
        #expect(x12Text.contains("DTP*472*RD8*20261101-20270430~"))

        let pas = try run(["preauth", "request", "1", "--out", out, "--format", "fhir", "--encounters", Self.encounters], db: db)
        #expect(pas.status == 0, "\(pas.stderr)")
        let pasPath = "\(out)/il-medicaid-auth1-PA1-2.json"
        let bundle = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pasPath))) as? [String: Any])
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        let claim = try #require(entries.first?["resource"] as? [String: Any])
        #expect(claim["resourceType"] as? String == "Claim")
        #expect(claim["use"] as? String == "preauthorization")
        #expect((claim["meta"] as? [String: Any])?["profile"] as? [String] == ["http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim"])
        #expect((claim["supportingInfo"] as? [Any])?.count == 3)
        if Fixtures.sharedDirectory != nil {
            // The official FHIR R4 JSON schema and reference resolution (python jsonschema).
            let check = try CLIRunner.runShell("bash \(Self.root.path)/scripts/validate-pas.sh \"$0\"", arguments: [pasPath])
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }

        // The payer certifies (278 A1): approved with the certification number, units and dates.
        let imported = try run(["preauth", "import", Self.fixture("278-certified.x12")], db: db)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("applied: authorization 1 certified: authNumber – → IL278-55001, status submitted → approved, units – → 8"))
        // The same answer again, and an answer to a request this store never sent: nothing changes.
        let again = try run(["preauth", "import", Self.fixture("278-certified.x12")], db: db)
        #expect(again.status == 0 && again.stdout.contains("already-imported"))
        let unknown = try run(["preauth", "import", Self.fixture("278-unknown-request.x12")], db: db)
        #expect(unknown.status == 65 && unknown.stdout.contains("unknown-request"))
        // A later "pended" answer cannot undo the approval: refused, nothing changed.
        let pended = try run(["preauth", "import", Self.fixture("pas-response-pended.json")], db: db)
        #expect(pended.status == 65 && pended.stdout.contains("error"))

        let show = try run(["preauth", "show", "1", "--format", "json"], db: db)
        let shown = try #require(JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let authorization = try #require(shown["authorization"] as? [String: Any])
        #expect(authorization["status"] as? String == "approved")
        #expect(authorization["authNumber"] as? String == "IL278-55001")
        #expect(authorization["units"] as? Int == 8)
        #expect((shown["history"] as? [Any])?.count == 3)   // created, submitted, approved

        let checklist = try run(["preauth", "checklist", Self.root.appendingPathComponent("Samples/prior-auth/schedule.json").path,
                                 "--format", "json"], db: db)
        let items = try #require((JSONSerialization.jsonObject(with: Data(checklist.stdout.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        let spravato = try #require(items.first { $0["service"] as? String == "spravato" })
        let priorAuth = try #require(spravato["priorAuth"] as? [String: Any])
        #expect(priorAuth["status"] as? String == "approved")
        #expect(priorAuth["authNumber"] as? String == "IL278-55001")
        #expect(spravato["ready"] as? Bool == true)
    }

    @Test func anApprovedAuthorizationIsNotRequestedAgain() throws {
        let db = try PreauthCLI.freshDatabase("pas-approved")
        try PreauthCLI.requireRules(db: db)
        _ = try PreauthCLI.add(["--patient", "PT-1009", "--payer", "il-medicaid", "--service", "spravato", "--status", "approved",
                                "--auth-number", "X-1"], db: db)
        let out = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("requests").path
        let result = try run(["preauth", "request", "1", "--out", out, "--format", "x12", "--encounters", Self.encounters], db: db)
        #expect(result.status == 65)
        #expect(result.stderr.contains("is approved; only a submitted or pending authorization is requested"))
        let written = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(written.isEmpty)
    }

    @Test func withoutAnEncounterOfThePatientTheRequestSaysWhatIsMissing() throws {
        let db = try PreauthCLI.freshDatabase("pas-no-encounter")
        try PreauthCLI.requireRules(db: db)
        _ = try PreauthCLI.add(["--patient", "PT-9999", "--payer", "il-medicaid", "--service", "spravato", "--status", "submitted"], db: db)
        let out = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("requests").path
        let result = try run(["preauth", "request", "1", "--out", out, "--format", "fhir"], db: db)
        #expect(result.status == 65)
        #expect(result.stderr.contains("--encounters FILE"))
        let list = try run(["preauth", "show", "1", "--format", "json"], db: db)
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["history"] as? [Any] != nil)
    }
}
