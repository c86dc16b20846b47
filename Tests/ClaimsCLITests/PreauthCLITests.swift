import ClaimsTestSupport
import Foundation
import Testing

/// Runs the built `claims` binary (end-to-end: argument parsing, store, exit codes, output).
enum PreauthCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `claims` binary SwiftPM builds next to the test executable.
    static var binary: String? {
        #if os(Linux)
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let path = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("claims").path
        #else
        let path = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/claims").path
        #endif
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static let payers = Fixtures.repositoryRoot.appendingPathComponent("Payers").path

    /// Runs `claims` with a fixed processing date and the repository's payer rules.
    static func run(_ arguments: [String], db: String, asOf: String = "2026-11-20") throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary!)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["CLAIMS_DB": db, "CLAIMS_AS_OF": asOf, "CLAIMS_PAYERS": payers, "USER": "frontdesk"]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func freshDatabase(_ label: String) throws -> String {
        try Fixtures.temporaryDirectory(label).appendingPathComponent("claims.sqlite").path
    }

    /// `preauth add` needs the payer rule files and a working store: a failure here fails the test.
    static func requireRules(db: String) throws {
        try #require(FileManager.default.fileExists(atPath: payers), "no Payers/ directory at \(payers)")
        let probe = try run(["preauth", "list"], db: db)
        try #require(probe.status == 0, "claims preauth list failed: \(probe.stderr)")
    }

    static func add(_ arguments: [String], db: String) throws -> Int {
        let result = try run(["preauth", "add"] + arguments, db: db)
        #expect(result.status == 0, "add failed: \(result.stderr)")
        return try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "add prints the new id: \(result.stdout)")
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

private typealias CLI = PreauthCLI

@Suite("claims preauth (end to end)", .enabled(if: PreauthCLI.binary != nil, "the claims binary is not built (run `swift build`)"))
struct PreauthCLITests {
    @Test func storeThatCannotBeOpenedExitsWithIOFailure() throws {
        let result = try CLI.run(["preauth", "list", "--db", "/nonexistent/directory/claims.sqlite"], db: "unused")
        #expect(result.status == 74)
        #expect(result.stderr.contains("/nonexistent/directory/claims.sqlite") && result.stderr.contains("directory exists"))
        #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
    }

    @Test func unknownAuthorizationExitsWithInvalidData() throws {
        let db = try CLI.freshDatabase("cli-unknown")
        let result = try CLI.run(["preauth", "update", "4711", "--status", "approved"], db: db)
        #expect(result.status == 65)
        #expect(result.stderr.contains("no authorization with id or auth number 4711"))
        let show = try CLI.run(["preauth", "show", "4711"], db: db)
        #expect(show.status == 65)
    }

    @Test func listOnAFreshStoreCreatesItOwnerOnly() throws {
        let db = try CLI.freshDatabase("cli-fresh")
        let result = try CLI.run(["preauth", "list", "--format", "json"], db: db)
        #expect(result.status == 0)
        let document = try CLI.json(result.stdout)
        #expect(document["asOf"] as? String == "2026-11-20")
        #expect((document["authorizations"] as? [Any])?.isEmpty == true)
        let mode = (try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode.map { $0 & 0o777 } == 0o600)
    }

    @Test func usageErrorsExitWith64() throws {
        let db = try CLI.freshDatabase("cli-usage")
        #expect(try CLI.run(["preauth", "update", "1"], db: db).status == 64, "update with nothing to change")
        #expect(try CLI.run(["preauth", "list", "--expiring-within", "-3"], db: db).status == 64)
        #expect(try CLI.run(["preauth", "list", "--format", "xml"], db: db).status == 64)
    }

    @Test func addUpdateListAndShow() throws {
        let db = try CLI.freshDatabase("cli-flow")
        try CLI.requireRules(db: db)
        let id = try CLI.add(["--patient", "PT-1001", "--payer", "bcbs-il", "--service", "spravato", "--status", "submitted",
                              "--note", "faxed packet"], db: db)
        let updated = try CLI.run(["preauth", "update", "\(id)", "--status", "approved", "--auth-number", "BC-778", "--units", "12",
                                   "--start", "2026-11-01", "--end", "2027-04-30", "--by", "alice"], db: db)
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(updated.stdout.contains("status submitted → approved"))
        let byNumber = try CLI.run(["preauth", "update", "BC-778", "--note", "", "--by", "bob"], db: db)
        #expect(byNumber.status == 0 && byNumber.stdout.contains("note faxed packet → –"), "\(byNumber.stdout)\(byNumber.stderr)")

        let list = try CLI.run(["preauth", "list", "--patient", "PT-1001"], db: db)
        #expect(list.stdout.contains("bcbs-il") && list.stdout.contains("approved") && list.stdout.contains("0 of 12 used, 12 left"))

        let show = try CLI.json(try CLI.run(["preauth", "show", "\(id)", "--format", "json"], db: db).stdout)
        let auth = try #require(show["authorization"] as? [String: Any])
        #expect(auth["status"] as? String == "approved" && auth["state"] as? String == "approved")
        #expect(auth["authNumber"] as? String == "BC-778" && auth["units"] as? Int == 12 && auth["unitsRemaining"] as? Int == 12)
        #expect(auth["note"] is NSNull)
        let history = try #require(show["history"] as? [[String: Any]])
        #expect(history.map { $0["action"] as? String } == ["created", "updated", "updated"])
        #expect(history.map { $0["by"] as? String } == ["frontdesk", "alice", "bob"], "--by, defaulting to the OS user")
        let change = (history[1]["changes"] as? [String: Any])?["status"] as? [String: Any]
        #expect(change?["from"] as? String == "submitted" && change?["to"] as? String == "approved")
    }

    @Test func refusedInputExitsWithInvalidDataAndStoresNothing() throws {
        let db = try CLI.freshDatabase("cli-refused")
        try CLI.requireRules(db: db)
        _ = try CLI.add(["--patient", "PT-1001", "--payer", "cigna", "--service", "tms", "--status", "approved", "--units", "30"], db: db)
        let base = ["preauth", "add", "--patient", "PT-1001", "--service", "tms"]
        // Well-formed values the store refuses: invalid data (65), naming the option.
        let refused: [([String], String)] = [
            (base + ["--payer", "cignaa", "--status", "submitted"], "--payer"),
            (base + ["--payer", "cigna", "--status", "approved", "--start", "2026-12-01", "--end", "2026-11-01"], "--end"),
            (["preauth", "add", "--patient", "PT-1001", "--payer", "cigna", "--service", "ketamine", "--status", "submitted"], "--service"),
            (["preauth", "update", "1", "--status", "denied"], "--status"),
        ]
        for (arguments, option) in refused {
            let result = try CLI.run(arguments, db: db)
            #expect(result.status == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: \(option): "), "names the option: \(result.stderr)")
            #expect(result.stderr.contains("nothing was changed"))
        }
        // Malformed values: usage errors (64) from the typed options, with the option and our explanation.
        let malformed: [([String], String, String)] = [
            (base + ["--payer", "cigna", "--status", "aproved"], "--status", "is not a status"),
            (base + ["--payer", "cigna", "--status", "expired"], "--status", "derived"),
            (base + ["--payer", "cigna", "--status", "approved", "--start", "2026/12/01"], "--start", "is not a date"),
            (base + ["--payer", "cigna", "--status", "approved", "--units=-1"], "--units", "negative"),
        ]
        for (arguments, option, explanation) in malformed {
            let result = try CLI.run(arguments, db: db)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: "), "one error prefix: \(result.stderr)")
            #expect(result.stderr.contains(option) && result.stderr.contains(explanation), "\(result.stderr)")
        }
        // A read-only command never says that nothing was changed.
        let listing = try CLI.run(["preauth", "show", "4711"], db: db)
        #expect(listing.status == 65)
        #expect(!listing.stderr.contains("nothing was changed"))
        let list = try CLI.json(try CLI.run(["preauth", "list", "--format", "json"], db: db).stdout)
        #expect((list["authorizations"] as? [Any])?.count == 1)
        let show = try CLI.json(try CLI.run(["preauth", "show", "1", "--format", "json"], db: db).stdout)
        #expect((show["history"] as? [Any])?.count == 1)
    }

    @Test func listFiltersOnDerivedStates() throws {
        let db = try CLI.freshDatabase("cli-states")
        try CLI.requireRules(db: db)
        let expired = try CLI.add(["--patient", "PT-1", "--payer", "bcbs-il", "--service", "spravato", "--status", "approved",
                                   "--start", "2026-05-01", "--end", "2026-10-31"], db: db)
        let ending = try CLI.add(["--patient", "PT-2", "--payer", "cigna", "--service", "tms", "--status", "approved",
                                  "--start", "2026-10-01", "--end", "2026-11-28", "--units", "36"], db: db)
        let pending = try CLI.add(["--patient", "PT-3", "--payer", "cigna", "--service", "spravato", "--status", "pending"], db: db)

        func ids(_ arguments: [String]) throws -> [Int] {
            let result = try CLI.run(["preauth", "list", "--format", "json"] + arguments, db: db)
            #expect(result.status == 0, "\(result.stderr)")
            return (try CLI.json(result.stdout)["authorizations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(try ids(["--status", "expired"]) == [expired])
        #expect(try ids(["--status", "approved"]) == [ending])
        #expect(try ids(["--status", "pending"]) == [pending])
        #expect(try ids(["--expiring-within", "14"]) == [ending])
        #expect(try ids(["--payer", "cigna", "--service", "spravato"]) == [pending])
        #expect(try ids(["--patient", "PT-1"]) == [expired])
    }

    @Test func listTextLayout() throws {
        let db = try CLI.freshDatabase("cli-golden")
        try CLI.requireRules(db: db)
        _ = try CLI.add(["--patient", "PT-1001", "--payer", "bcbs-il", "--service", "spravato", "--status", "approved",
                         "--auth-number", "BC-778", "--units", "12", "--start", "2026-11-01", "--end", "2027-04-30"], db: db)
        _ = try CLI.add(["--patient", "PT-2002", "--payer", "cigna", "--service", "tms", "--status", "approved",
                         "--start", "2026-05-01", "--end", "2026-10-31"], db: db)
        _ = try CLI.add(["--patient", "PT-2002", "--payer", "cigna", "--service", "tms", "--status", "submitted",
                         "--submitted-on", "2026-11-18"], db: db)
        // Golden text inline (a file under Tests/ would need an `exclude:` in Package.swift).
        let expected = """
        ID  PATIENT  PAYER    SERVICE   STATE      AUTH #  WINDOW                   UNITS
        1   PT-1001  bcbs-il  spravato  approved   BC-778  2026-11-01 – 2027-04-30  0 of 12 used, 12 left
        2   PT-2002  cigna    tms       expired    –       2026-05-01 – 2026-10-31  unlimited (0 used)
        3   PT-2002  cigna    tms       submitted  –       –                        unlimited (0 used)
        3 authorizations as of 2026-11-20

        """
        let actual = try CLI.run(["preauth", "list"], db: db).stdout
        #expect(actual == expected, "\n--- expected\n\(expected)--- actual\n\(actual)")
    }

    @Test func checklistPrintsTheContractShapeAndListsInputErrors() throws {
        let db = try CLI.freshDatabase("cli-checklist")
        try CLI.requireRules(db: db)
        let directory = URL(fileURLWithPath: db).deletingLastPathComponent()
        let file = directory.appendingPathComponent("scheduled.jsonl")
        try [Self.encounter(id: "ENC-1", payer: "bcbs-il", codes: ["99214", "J0013"]),
             Self.encounter(id: "ENC-2", payer: "il-medicaid", codes: ["90868"]),
             Self.encounter(id: "ENC-BAD", payer: "bcbs-il", codes: ["99999"])]
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let result = try CLI.run(["preauth", "checklist", file.path, "--format", "json"], db: db)
        #expect(result.status == 3, "input errors make the exit status 3: \(result.stderr)")
        let document = try CLI.json(result.stdout)
        #expect(document["asOf"] as? String == "2026-11-20")
        let items = try #require(document["items"] as? [[String: Any]])
        let spravato = try #require(items.first { $0["service"] as? String == "spravato" })
        #expect(spravato["patient"] as? String == "PT-1001" && spravato["payer"] as? String == "bcbs-il")
        let priorAuth = try #require(spravato["priorAuth"] as? [String: Any])
        #expect(priorAuth["required"] as? Bool == true && priorAuth["status"] as? String == "missing")
        #expect(priorAuth.keys.contains("authNumber") && priorAuth.keys.contains("unitsRemaining") && priorAuth.keys.contains("end"))
        #expect(spravato["ready"] as? Bool == false)
        #expect((spravato["requirements"] as? [[String: Any]])?.allSatisfy { $0["met"] is Bool && $0["id"] is String } == true)
        let tms = try #require(items.first { $0["service"] as? String == "tms" })
        #expect(tms["ready"] as? Bool == false, "Illinois Medicaid does not cover TMS")
        let rejected = try #require(document["rejected"] as? [[String: Any]])
        #expect(rejected.first?["encounter"] as? String == "ENC-BAD")

        let text = try CLI.run(["preauth", "checklist", file.path], db: db)
        #expect(text.stdout.contains("2026-11-23  PT-1001") && text.stdout.contains("NOT READY"))
        #expect(text.stdout.contains("Encounters with input errors (not checked)") && text.stdout.contains("ENC-BAD"))
    }

    /// One scheduled encounter as JSON Lines (CONTRACT §2).
    static func encounter(id: String, payer: String, codes: [String]) -> String {
        let lines = codes.map { code -> String in
            switch code {
            case "J0013": #"{"code": "J0013", "modifiers": [], "units": 84, "charge": "1120.00", "diagnosisPointers": [1, 2], "ndc": "50458002803", "ndcQuantity": 3, "ndcUnit": "UN"}"#
            case "99214": #"{"code": "99214", "modifiers": ["25"], "units": 1, "charge": "210.00", "diagnosisPointers": [1]}"#
            default: #"{"code": "\#(code)", "modifiers": [], "units": 1, "charge": "300.00", "diagnosisPointers": [1]}"#
            }
        }
        let patient = payer == "il-medicaid" ? "PT-2002" : "PT-1001"
        return #"{"id": "\#(id)", "dateOfService": "2026-11-23", "placeOfService": "11", "patient": {"id": "\#(patient)", "firstName": "Dana", "middleName": null, "lastName": "Reyes", "dateOfBirth": "1984-02-11", "sex": "F", "address": {"line1": "412 W Main St", "line2": null, "city": "Carbondale", "state": "IL", "zip": "629011234"}, "phone": "6185550101"}, "coverage": {"payer": "\#(payer)", "memberId": "XOF123456789", "groupNumber": "G-5521", "relationship": "self", "subscriber": null}, "renderingProvider": {"npi": "1234567893", "firstName": "Ravi", "lastName": "Patel", "taxonomy": "2084P0800X"}, "diagnoses": ["F33.2", "R45.851"], "clinical": {"failedAntidepressantTrials": 2, "onOralAntidepressant": true, "remsPatientEnrolled": true, "phq9": 21, "seizureHistory": false, "psychotherapyTrial": true}, "services": [\#(lines.joined(separator: ", "))], "priorAuthorization": null, "payments": []}"#
    }
}
