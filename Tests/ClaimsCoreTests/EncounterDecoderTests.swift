import ClaimsCore
import Testing

@Suite struct EncounterDecoderTests {
    static let codes = CodeTable(
        services: ["office-visit": .init(name: "office-visit", description: "Office visit"), "spravato": .init(name: "spravato", description: "Spravato")],
        codes: ["99214": ProcedureCode(code: "99214", service: "office-visit", description: "Visit"),
                "J0013": ProcedureCode(code: "J0013", service: "spravato", description: "Esketamine", system: "HCPCS", drug: true)])
    let decoder = EncounterDecoder(codes: Self.codes, payers: ["bcbs-il", "self-pay"], asOf: LocalDate(iso: "2026-11-20")!)

    static let valid = #"""
    {"id": "ENC-1", "dateOfService": "2026-11-03", "placeOfService": "11",
     "patient": {"id": "PT-1", "firstName": "Dana", "middleName": null, "lastName": "Reyes", "dateOfBirth": "1984-02-11", "sex": "F",
                 "address": {"line1": "412 W Main St", "line2": null, "city": "Carbondale", "state": "IL", "zip": "629011234"}, "phone": "6185550101"},
     "coverage": {"payer": "bcbs-il", "memberId": "XOF123456789", "groupNumber": "G-5521", "relationship": "self", "subscriber": null},
     "renderingProvider": {"npi": "1234567893", "firstName": "Ravi", "lastName": "Patel", "taxonomy": "2084P0800X"},
     "diagnoses": ["F33.2", "R45.851"], "clinical": {"failedAntidepressantTrials": 2, "remsPatientEnrolled": true},
     "services": [{"code": "99214", "modifiers": ["25"], "units": 1, "charge": "210.00", "diagnosisPointers": [1]},
                  {"code": "J0013", "units": 84, "charge": 1120.10, "diagnosisPointers": [1, 2], "ndc": "50458002803", "ndcQuantity": 3, "ndcUnit": "UN"}],
     "priorAuthorization": null, "payments": [{"date": "2026-11-03", "amount": "40.00", "method": "card"}]}
    """#

    private func errors(_ mutate: (inout [String: JSONValue]) -> Void) throws -> [InputError] {
        guard case .object(var root) = try JSONParser.parse(Self.valid) else { fatalError() }
        mutate(&root)
        return decoder.decode(.object(root)).errors
    }

    @Test func decodesTheContractExample() throws {
        let (encounter, errors) = decoder.decode(try JSONParser.parse(Self.valid))
        #expect(errors.isEmpty)
        let value = try #require(encounter)
        #expect(value.services[1].charge == Money.parse("1120.10"))
        #expect(value.diagnoses.map(\.compact) == ["F332", "R45851"])
        #expect(value.clinical["failedAntidepressantTrials"] == .number(2))
        #expect(value.totalPayments == 40)
    }

    @Test(arguments: [
        ("renderingProvider.npi", "Luhn"),
        ("diagnoses[0]", "not an ICD-10-CM code"),
        ("services[0].code", "unknown procedure code"),
        ("services[0].diagnosisPointers[0]", "out of range"),
        ("dateOfService", "not a real date"),
        ("dateOfService", "after the processing date"),
        ("id", "must be 1–20 characters"),
        ("patient.lastName", "cannot be sent in a claim"),
        ("patient.address.line1", "control character"),
        ("coverage.subscriber", "required"),
        ("diagnoses", "at most 12"),
        ("services", "at most 50"),
        ("coverage.payer", "unknown payer"),
    ])
    func reportsEachInputError(_ field: String, _ fragment: String) throws {
        let found = try errors { root in
            func set(_ path: [String], _ value: JSONValue) { root = Self.setting(.object(root), path, value).objectValue }
            switch (field, fragment) {
            case ("renderingProvider.npi", _): set(["renderingProvider", "npi"], .string("1234567890"))
            case ("diagnoses[0]", _): root["diagnoses"] = .array([.string("F3.32")])
            case ("services[0].code", _): set(["services"], .array([.object(["code": .string("99999"), "charge": .string("1.00"), "diagnosisPointers": .array([.number("1")])])]))
            case ("services[0].diagnosisPointers[0]", _): set(["services"], .array([.object(["code": .string("99214"), "charge": .string("1.00"), "diagnosisPointers": .array([.number("3")])])]))
            case ("dateOfService", "not a real date"): root["dateOfService"] = .string("2026-02-30")
            case ("dateOfService", _): root["dateOfService"] = .string("2026-12-01")
            case ("id", _): root["id"] = .string("ENC 1!")
            case ("patient.lastName", _): set(["patient", "lastName"], .string("O*Brien"))
            case ("patient.address.line1", _): set(["patient", "address", "line1"], .string("12 Main\u{7}"))
            case ("coverage.subscriber", _): set(["coverage", "relationship"], .string("child"))
            case ("diagnoses", _): root["diagnoses"] = .array((0..<13).map { .string("F33.\($0 % 10)\($0)") })
            case ("services", _): root["services"] = .array(Array(repeating: .object(["code": .string("99214"), "charge": .string("1"), "diagnosisPointers": .array([.number("1")])]), count: 51))
            default: set(["coverage", "payer"], .string("humana"))
            }
        }
        #expect(found.contains { $0.field == field && $0.message.contains(fragment) }, "got \(found)")
    }

    @Test func collectsEveryErrorNotJustTheFirst() throws {
        let found = try errors { root in
            root["id"] = .string("bad id")
            root["dateOfService"] = .string("2026-02-30")
            root["placeOfService"] = .string("office")
        }
        #expect(Set(found.map(\.field)) == ["id", "dateOfService", "placeOfService"])
    }

    @Test func futureDatesAreFineForTheChecklist() throws {
        var scheduled = decoder
        scheduled.allowFutureDates = true
        guard case .object(var root) = try JSONParser.parse(Self.valid) else { return }
        root["dateOfService"] = .string("2026-12-01")
        #expect(scheduled.decode(.object(root)).errors.isEmpty)
    }

    static func setting(_ value: JSONValue, _ path: [String], _ new: JSONValue) -> JSONValue {
        guard let first = path.first else { return new }
        guard case .object(var members) = value else { return value }
        members[first] = setting(members[first] ?? .null, Array(path.dropFirst()), new)
        return .object(members)
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }
}

@Suite struct InputErrorPrivacyTests {
    @Test func birthDatesPhonesAndZipsAreNotEchoedInMessages() throws {
        let decoder = EncounterDecoder(codes: EncounterDecoderTests.codes, payers: ["bcbs-il"], asOf: LocalDate(iso: "2026-11-20")!)
        guard case .object(var root) = try JSONParser.parse(EncounterDecoderTests.valid) else { return }
        root = EncounterDecoderTests.setting(.object(root), ["patient", "dateOfBirth"], .string("1984-02-30")).objectValue
        root = EncounterDecoderTests.setting(.object(root), ["patient", "phone"], .string("61855501")).objectValue
        root = EncounterDecoderTests.setting(.object(root), ["patient", "address", "zip"], .string("6290")).objectValue
        let errors = decoder.decode(.object(root)).errors
        #expect(Set(errors.map(\.field)) == ["patient.dateOfBirth", "patient.phone", "patient.address.zip"])
        for error in errors {
            #expect(!error.message.contains("1984") && !error.message.contains("61855501") && !error.message.contains("6290"))
        }
    }
}
