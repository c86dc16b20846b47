import ClaimsCore
import Foundation

/// Values for tests: a clinic, a patient, an encounter. Every test changes what it needs.
public enum Fixtures {
    public static let clinic = ClinicProfile(
        billingProvider: .init(name: "Southern Illinois Interventional Psychiatry", npi: "1245319599", taxId: "371234567",
                               taxonomy: "2084P0800X",
                               address: Address(line1: "1200 W Main St", line2: "Suite 4", city: "Carbondale", state: "IL", zip: "629013210"),
                               phone: "6185550100"),
        submitter: .init(name: "Southern Illinois Interventional Psychiatry", id: "SIIP01", contactName: "Billing Office",
                         phone: "6185550100", email: "billing@siip.example"),
        receiver: .init(name: "AVAILITY", id: "030240928"),
        interchange: .init(senderQualifier: "ZZ", senderId: "SIIP01", receiverQualifier: "01", receiverId: "030240928",
                           applicationSenderCode: "SIIP01", applicationReceiverCode: "030240928", usage: "T"),
        admins: ["alice"],
        superbillStatement: "Services rendered by an out-of-network provider. Submit this statement to your insurer for reimbursement."
    )

    public static let patientAddress = Address(line1: "412 W Main St", city: "Carbondale", state: "IL", zip: "629011234")

    public static func patient(id: String = "PT-1001", born: String = "1984-02-11", firstName: String = "Dana",
                               lastName: String = "Reyes") -> Patient {
        Patient(id: id, person: Person(firstName: firstName, lastName: lastName, dateOfBirth: LocalDate(iso: born)!,
                                       sex: .female, address: patientAddress, phone: "6185550101"))
    }

    public static let provider = RenderingProvider(npi: "1234567893", firstName: "Ravi", lastName: "Patel", taxonomy: "2084P0800X")

    /// A TRD patient of `payer` with an office visit and an 84 mg J0013 line.
    public static func encounter(id: String = "ENC-0001", date: String = "2026-11-03", payer: String? = "bcbs-il",
                                 diagnoses: [String] = ["F33.2", "R45.851"],
                                 clinical: [String: ClinicalFact] = trdFacts,
                                 services: [ServiceLine]? = nil, priorAuthorization: String? = nil,
                                 payments: [Payment] = []) -> Encounter {
        Encounter(
            id: id, dateOfService: LocalDate(iso: date)!, placeOfService: "11", patient: patient(),
            coverage: payer.map { Coverage(payer: $0, memberId: "XOF123456789", groupNumber: "G-5521") },
            renderingProvider: provider, diagnoses: diagnoses.map { DiagnosisCode($0)! }, clinical: clinical,
            services: services ?? [
                ServiceLine(code: "99214", modifiers: ["25"], units: 1, charge: 210, diagnosisPointers: [1]),
                ServiceLine(code: "J0013", units: 84, charge: 1120, diagnosisPointers: [1, 2], ndc: "50458002803",
                            ndcQuantity: 3, ndcUnit: "UN"),
            ],
            priorAuthorization: priorAuthorization, payments: payments)
    }

    public static let trdFacts: [String: ClinicalFact] = [
        "failedAntidepressantTrials": .number(2), "onOralAntidepressant": .bool(true), "remsPatientEnrolled": .bool(true),
        "phq9": .number(21), "seizureHistory": .bool(false), "psychotherapyTrial": .bool(true),
    ]

    /// The repository root, found from this file's path (SwiftPM resources cannot reach outside a target).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the repository, when it exists (tests that need it skip otherwise).
    public static var sharedDirectory: URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("CONTRACT.md").path) ? url : nil
    }

    /// A fresh temporary directory per test (tests run in parallel).
    /// Every string of one to `length` pieces (for comparing a fast path with its general path on
    /// all short combinations of awkward pieces), shortest first.
    public static func strings(joining pieces: [String], upTo length: Int) -> [String] {
        var level = [""]
        var strings: [String] = []
        for _ in 0..<length {
            level = level.flatMap { prefix in pieces.map { prefix + $0 } }
            strings += level
        }
        return strings
    }

    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("claims-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// SHA-256 of every file under `directory` by relative path, subfolders (the code lists in
    /// `Payers/codes/`) included: what a command that must change nothing would have touched.
    public static func fingerprint(_ directory: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: directory.path).sorted() {
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[name] = SHA256.hex(Array(try Data(contentsOf: url)))
        }
        return result
    }
}
