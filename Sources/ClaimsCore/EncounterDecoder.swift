import Foundation

/// Turns one parsed JSON record into a validated `Encounter`, collecting every problem with its
/// field path and a message that says how to fix it (CONTRACT §2). Never stops at the first error.
public struct EncounterDecoder: Sendable {
    public var codes: CodeTable
    public var payers: Set<PayerSlug>
    public var asOf: LocalDate
    /// The checklist reads scheduled encounters: dates after the processing date are fine there.
    public var allowFutureDates: Bool

    public init(codes: CodeTable, payers: Set<PayerSlug>, asOf: LocalDate, allowFutureDates: Bool = false) {
        self.codes = codes; self.payers = payers; self.asOf = asOf; self.allowFutureDates = allowFutureDates
    }

    public static let maxDiagnoses = 12
    public static let maxLines = 50
    public static let maxPayments = 50
    public static let maxClinicalFacts = 100
    /// Units and NDC quantities: at most this much, with at most 3 decimal places (SV104 and CTP04
    /// are 15-character decimals; no real service line comes near it, a typo or an overflow does).
    public static let maxQuantity = Decimal(maxWholeQuantity)
    static let maxWholeQuantity = 99_999
    public static let maxQuantityDecimalPlaces = 3
    /// Errors reported per record; the rest are counted ("… and N more"), so a hostile record
    /// with millions of unknown fields cannot flood the report.
    public static let maxErrorsPerRecord = 50
    public static let ndcUnits: Set<String> = ["UN", "ML", "GR", "F2", "ME"]

    static let encounterKeys: MemberNames = ["id", "dateOfService", "placeOfService", "patient", "coverage", "renderingProvider",
                                             "diagnoses", "clinical", "services", "priorAuthorization", "payments", "location",
                                             "secondaryCoverage", "patientAgreements"]
    static let personKeys: MemberNames = ["firstName", "middleName", "lastName", "dateOfBirth", "sex", "address", "phone"]
    /// The patient is a person with an id.
    static let patientExtraKeys: MemberNames = ["id"]
    static let addressKeys: MemberNames = ["line1", "line2", "city", "state", "zip"]
    static let coverageKeys: MemberNames = ["payer", "memberId", "groupNumber", "relationship", "subscriber"]
    static let providerKeys: MemberNames = ["npi", "firstName", "lastName", "taxonomy"]
    static let serviceKeys: MemberNames = ["code", "modifiers", "units", "charge", "diagnosisPointers", "ndc", "ndcQuantity", "ndcUnit",
                                           "description", "details"]
    static let paymentKeys: MemberNames = ["date", "amount", "method"]

    /// The id as written, for reports about records that failed validation.
    public static func rawId(of value: JSONValue) -> String { rawId(of: value as JSONValue?) }

    static func rawId<Value: EncounterJSONValue>(of value: Value?) -> String {
        guard case .object(let root)? = value?.content else { return "" }
        // Fast path: the usual id (below) checked on its bytes before its String is made.
        if let id = root["id"]?.readASCII({ bytes, isNumber in
            !isNumber && bytes.count <= 40 && bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) ? String(decodingUTF8: bytes) : nil
        }) {
            return id
        }
        guard case .string(let id)? = root["id"]?.content else { return "" }
        // The usual id, printable ASCII of at most 40 characters, is shown as it is.
        if id.utf8.count <= 40 && id.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return id }
        // Control characters made visible first, then cut: a report's id is never over 40 characters.
        return String(VisibleText.escapingControls(String(id.prefix(40))).prefix(40))
    }

    /// The encounter, or nil and every problem found.
    public func decode(_ value: JSONValue) -> (encounter: Encounter?, errors: [InputError]) { decodeValue(value) }

    func decodeValue<Value: EncounterJSONValue>(_ value: Value) -> (encounter: Encounter?, errors: [InputError]) {
        var context = DecodingContext()
        let encounter = decodeEncounter(value, &context)
        if context.errors.isEmpty {
            // Matched, not compared with nil: no copy of the encounter.
            if case .none = encounter { return (nil, [InputError(field: "", message: "invalid encounter")]) }
            return (encounter, [])
        }
        var errors = context.errors
        if context.errorsNotListed > 0 {
            errors.append(InputError(field: "errors", message: "… and \(context.errorsNotListed) more errors not listed (at most \(Self.maxErrorsPerRecord) are shown per encounter); fix these and check again"))
        }
        return (nil, errors)
    }

    private func decodeEncounter<Value: EncounterJSONValue>(_ value: Value, _ c: inout DecodingContext) -> Encounter? {
        guard case .object(let root) = value.content else {
            c.fail("", "each encounter must be a JSON object, not \(value.content.typeName)")
            return nil
        }
        let known = Self.encounterKeys
        for key in root.unknownNames(known, nil) {
            c.fail(key, "unknown field '\(key)'; expected one of \(known.names.sorted().joined(separator: ", "))")
        }
        let id = c.text(root["id"], "id", required: true)
        if let id, !(1...20).contains(id.utf8.count) || !ASCII.all(id, ASCII.isIdentifier) {
            c.fail("id", "'\(id)' must be 1–20 characters of A–Z, a–z, 0–9 and '-'")
        }
        let date = c.date(root["dateOfService"], "dateOfService", required: true)
        if let date, !allowFutureDates, date > asOf {
            c.fail("dateOfService", "\(date.iso) is after the processing date \(asOf.iso); a claim cannot be billed for a future visit (schedule it through `claims preauth checklist`)")
        }
        let place = c.text(root["placeOfService"], "placeOfService", required: false) ?? "11"
        if place.utf8.count != 2 || !ASCII.all(place, ASCII.isDigit) {
            c.fail("placeOfService", "'\(place)' must be a 2-digit CMS place-of-service code, e.g. \"11\" (office) or \"10\" (telehealth at home)")
        }
        let patientObject = c.object(root["patient"], "patient", required: true)
        var patient: Patient?
        if let patientObject {
            let patientId = c.text(patientObject["id"], "patient.id", required: true)
            if let patientId, !(1...30).contains(patientId.utf8.count) || !ASCII.all(patientId, ASCII.isIdentifier) {
                c.fail("patient.id", "'\(patientId)' must be 1–30 characters of A–Z, a–z, 0–9 and '-'")
            }
            let person = decodePerson(patientObject, "patient", extraKeys: Self.patientExtraKeys, &c)
            if let dob = person?.dateOfBirth, let date, dob > date {
                c.fail("patient.dateOfBirth", "is after the date of service \(date.iso); check the birth date in the chart")
            }
            // Moved into the patient, not copied (a copy retains each of its strings).
            if let patientId, let person = consume person { patient = Patient(id: patientId, person: person) }
        }
        let coverage = decodeCoverage(root["coverage"], &c)
        let provider = decodeProvider(root["renderingProvider"], &c)
        let diagnoses = decodeDiagnoses(root["diagnoses"], &c)
        let clinical = decodeClinical(root["clinical"], &c)
        let services = decodeServices(root["services"], diagnosisCount: diagnoses?.count ?? 0, &c)
        let auth = c.text(root["priorAuthorization"], "priorAuthorization", required: false)
        let payments = decodePayments(root["payments"], &c)
        // Which site is checked against the clinic profile where the documents are drafted.
        let location = c.text(root["location"], "location", required: false)
        if let location, !(1...40).contains(location.utf8.count) || !ASCII.all(location, ASCII.isIdentifier) {
            c.fail("location", "'\(location)' must be the id of one of the clinic profile's locations: 1–40 characters of A–Z, a–z, 0–9 and '-'")
        }
        // CONTRACT §6 additions (the secondary plan is billed after the primary's 835, docs/corrections.md, and the
        // FHIR claim lists it); a waiver is looked for where the clinic profile is known.
        let secondaryCoverage = decodeSecondaryCoverage(root["secondaryCoverage"], &c)
        let agreements = decodePatientAgreements(root["patientAgreements"], &c)
        guard let id, let date, let patient, let provider, let diagnoses, let services, c.errors.isEmpty else { return nil }
        return Encounter(id: id, dateOfService: date, placeOfService: place, patient: patient, coverage: coverage,
                         renderingProvider: provider, diagnoses: diagnoses, clinical: clinical, services: services,
                         priorAuthorization: auth, payments: payments, location: location, agreements: agreements,
                         secondaryCoverage: secondaryCoverage)
    }

    func decodePerson<Object: EncounterJSONObject>(_ object: Object, _ path: String, extraKeys: MemberNames?, _ c: inout DecodingContext) -> Person? {
        for key in object.unknownNames(Self.personKeys, extraKeys) {
            c.fail("\(path).\(key)", "unknown field '\(key)'")
        }
        let first = c.text(object["firstName"], "\(path).firstName", required: true)
        let middle = c.text(object["middleName"], "\(path).middleName", required: false)
        let last = c.text(object["lastName"], "\(path).lastName", required: true)
        let dob = c.date(object["dateOfBirth"], "\(path).dateOfBirth", required: true, echo: false)
        if let dob, dob > asOf.adding(days: allowFutureDates ? 366 : 0) {
            c.fail("\(path).dateOfBirth", "is in the future; check the birth date in the chart")
        }
        let sexText = c.text(object["sex"], "\(path).sex", required: true)
        let sex = sexText.flatMap(Self.sex(_:))
        if let sexText, sex == nil { c.fail("\(path).sex", "'\(sexText)' must be F, M or U") }
        let phone = c.text(object["phone"], "\(path).phone", required: false)
        if let phone, phone.utf8.count != 10 || !ASCII.all(phone, ASCII.isDigit) {
            c.fail("\(path).phone", "must be 10 digits without punctuation")
        }
        var address: Address?
        if let addressObject = c.object(object["address"], "\(path).address", required: true) {
            for key in addressObject.unknownNames(Self.addressKeys, nil) { c.fail("\(path).address.\(key)", "unknown field '\(key)'") }
            let line1 = c.text(addressObject["line1"], "\(path).address.line1", required: true)
            let line2 = c.text(addressObject["line2"], "\(path).address.line2", required: false)
            let city = c.text(addressObject["city"], "\(path).address.city", required: true)
            let state = c.text(addressObject["state"], "\(path).address.state", required: true)
            if let state, state.utf8.count != 2 || !ASCII.all(state, ASCII.isUppercase) {
                c.fail("\(path).address.state", "'\(state)' must be a 2-letter state code such as IL")
            }
            let zip = c.text(addressObject["zip"], "\(path).address.zip", required: true)
            if let zip, ![5, 9].contains(zip.utf8.count) || !ASCII.all(zip, ASCII.isDigit) {
                c.fail("\(path).address.zip", "must be 5 or 9 digits without a hyphen")
            }
            if let line1, let city, let state, let zip { address = Address(line1: line1, line2: line2, city: city, state: state, zip: zip) }
        }
        guard let first, let last, let dob, let sex, let address = consume address else { return nil }
        return Person(firstName: first, middleName: middle, lastName: last, dateOfBirth: dob, sex: sex, address: address, phone: phone)
    }

    private func decodeCoverage<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> Coverage? {
        guard let object = c.object(value, "coverage", required: false) else { return nil }
        for key in object.unknownNames(Self.coverageKeys, nil) { c.fail("coverage.\(key)", "unknown field '\(key)'") }
        let payer = c.text(object["payer"], "coverage.payer", required: true)
        if let payer, !payers.contains(payer) {
            c.fail("coverage.payer", "unknown payer '\(payer)'; known payers: \(payers.sorted().joined(separator: ", ")) (a file in Payers/)")
        }
        let member = c.text(object["memberId"], "coverage.memberId", required: payer != RuleBook.selfPaySlug)
        if let member, !(2...80).contains(DecodingContext.characterCount(member)) { c.fail("coverage.memberId", "must be 2–80 characters") }
        let group = c.text(object["groupNumber"], "coverage.groupNumber", required: false)
        let relationshipText = c.text(object["relationship"], "coverage.relationship", required: false) ?? "self"
        let relationship = Self.relationship(relationshipText)
        if relationship == nil { c.fail("coverage.relationship", "'\(relationshipText)' must be self, spouse, child or other") }
        var subscriber: Person?
        if relationship != nil && relationship != .self {
            if let subscriberObject = c.object(object["subscriber"], "coverage.subscriber", required: true) {
                subscriber = decodePerson(subscriberObject, "coverage.subscriber", extraKeys: nil, &c)
            } else if object["subscriber"]?.isNull ?? true {
                // `object` reported nothing for null: say what is needed.
                if !c.errors.contains(where: { $0.field == "coverage.subscriber" }) {
                    c.fail("coverage.subscriber", "required when relationship is '\(relationshipText)': the policy holder's name, date of birth, sex and address")
                }
            }
        }
        guard let payer, let relationship else { return nil }
        return Coverage(payer: payer, memberId: member ?? "", groupNumber: group, relationship: relationship, subscriber: subscriber)
    }

    private func decodeProvider<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> RenderingProvider? {
        guard let object = c.object(value, "renderingProvider", required: true) else { return nil }
        for key in object.unknownNames(Self.providerKeys, nil) { c.fail("renderingProvider.\(key)", "unknown field '\(key)'") }
        let npi = c.text(object["npi"], "renderingProvider.npi", required: true)
        if let npi, !NPI.isValid(npi) {
            c.fail("renderingProvider.npi", "'\(npi)' is not a valid NPI: it needs 10 digits whose last is the Luhn check digit over 80840 + the first 9; check it in NPPES")
        }
        let first = c.text(object["firstName"], "renderingProvider.firstName", required: true)
        let last = c.text(object["lastName"], "renderingProvider.lastName", required: true)
        let taxonomy = c.text(object["taxonomy"], "renderingProvider.taxonomy", required: false)
        if let taxonomy, taxonomy.utf8.count != 10 || !ASCII.all(taxonomy, ASCII.isDigitOrUppercase) {
            c.fail("renderingProvider.taxonomy", "'\(taxonomy)' must be a 10-character provider taxonomy code, e.g. 2084P0800X")
        }
        guard let npi, let first, let last else { return nil }
        return RenderingProvider(npi: npi, firstName: first, lastName: last, taxonomy: taxonomy)
    }

    private func decodeDiagnoses<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> [DiagnosisCode]? {
        guard let items = c.array(value, "diagnoses", required: true) else { return nil }
        if items.isEmpty { c.fail("diagnoses", "at least one ICD-10-CM diagnosis is needed; the first is the principal diagnosis") }
        if items.count > Self.maxDiagnoses { c.fail("diagnoses", "\(items.count) diagnoses; at most \(Self.maxDiagnoses) fit on a claim") }
        var codes: [DiagnosisCode] = []
        for (index, item) in items.enumerated() {
            func path() -> String { "diagnoses[\(index)]" }
            guard let text = c.text(item, path(), required: true) else { continue }
            guard let code = DiagnosisCode(text) else {
                c.fail(path(), "'\(text)' is not an ICD-10-CM code; write it like F33.2 or F332")
                continue
            }
            if codes.contains(code) { c.fail(path(), "\(code.dotted) is listed twice") }
            codes.append(code)
        }
        return codes
    }

    private func decodeClinical<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> [String: ClinicalFact] {
        guard let object = c.object(value, "clinical", required: false) else { return [:] }
        if object.count > Self.maxClinicalFacts {
            c.fail("clinical", "\(object.count) facts; at most \(Self.maxClinicalFacts) are accepted — export only the facts the coverage rules use")
            return [:]
        }
        // Room for every fact at once: growing the dictionary rehashes each name again.
        var facts = [String: ClinicalFact](minimumCapacity: object.count)
        var problems: [(field: String, message: String)] = []
        object.forEachMember { key, item in
            // Fast path: a number of one to nine digits read from its bytes, the value `decimal` reads.
            if let whole = item.readASCII({ bytes, isNumber in isNumber ? DecodingContext.smallWholeNumber(bytes) : nil }) {
                facts[key] = .number(Decimal(whole))
                return
            }
            switch item.content {
            case .null: break
            case .bool(let flag): facts[key] = .bool(flag)
            case .number(let text):
                if let number = DecodingContext.decimal(text) { facts[key] = .number(number) }
            case .string(let text):
                if let problem = DecodingContext.characterProblem(text) { problems.append(("clinical.\(key)", problem)) }
                facts[key] = .text(text)
            case let other: problems.append(("clinical.\(key)", "must be true/false, a number or text, not \(other.typeName)"))
            }
        }
        c.fail(sortedByField: problems)
        return facts
    }

    private func decodeServices<Value: EncounterJSONValue>(_ value: Value?, diagnosisCount: Int, _ c: inout DecodingContext) -> [ServiceLine]? {
        guard let items = c.array(value, "services", required: true) else { return nil }
        if items.isEmpty { c.fail("services", "at least one service line is needed") }
        if items.count > Self.maxLines { c.fail("services", "\(items.count) service lines; at most \(Self.maxLines) fit on a claim — split the encounter") }
        var lines: [ServiceLine] = []
        lines.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            func path() -> String { "services[\(index)]" }
            guard let object = c.object(item, path(), required: true) else { continue }
            for key in object.unknownNames(Self.serviceKeys, nil) { c.fail("\(path()).\(key)", "unknown field '\(key)'") }
            let code = c.text(object["code"], "\(path()).code", required: true)
            // Looked up, not copied out: only whether the code is known matters here.
            if let code, codes.codes.index(forKey: code) == nil {
                c.fail("\(path()).code", "unknown procedure code '\(code)'; the codes this clinic bills are listed in Payers/common.yaml")
            }
            var modifiers: [String] = []
            if let list = c.array(object["modifiers"], "\(path()).modifiers", required: false) {
                if list.count > 4 { c.fail("\(path()).modifiers", "\(list.count) modifiers; at most 4 are allowed") }
                for (m, entry) in list.enumerated() {
                    guard let modifier = c.text(entry, "\(path()).modifiers[\(m)]", required: true) else { continue }
                    if modifier.utf8.count != 2 || !ASCII.all(modifier, ASCII.isDigitOrUppercase) {
                        c.fail("\(path()).modifiers[\(m)]", "'\(modifier)' must be 2 digits or capital letters, e.g. 25")
                    }
                    modifiers.append(modifier)
                }
            }
            let units = c.quantity(object["units"], "\(path()).units")
            let charge = c.money(object["charge"], "\(path()).charge")
            var pointers: [Int] = []
            if let list = c.array(object["diagnosisPointers"], "\(path()).diagnosisPointers", required: true) {
                if list.isEmpty || list.count > 4 { c.fail("\(path()).diagnosisPointers", "needs 1–4 pointers into diagnoses (1-based)") }
                for (p, entry) in list.enumerated() {
                    func pointerPath() -> String { "\(path()).diagnosisPointers[\(p)]" }
                    // Fast path: a small number read from its bytes, as `Int(text)` reads it.
                    let small = entry.readASCII { bytes, isNumber in isNumber ? DecodingContext.smallWholeNumber(bytes) : nil }
                    guard let pointer = small ?? Self.wholeNumber(entry) else {
                        c.fail(pointerPath(), "must be a whole number (1-based index into diagnoses)")
                        continue
                    }
                    if pointer < 1 || pointer > diagnosisCount {
                        c.fail(pointerPath(), "\(pointer) is out of range: the encounter has \(diagnosisCount) diagnos\(diagnosisCount == 1 ? "is" : "es") (pointers are 1-based)")
                    }
                    if pointers.contains(pointer) { c.fail(pointerPath(), "pointer \(pointer) is repeated") }
                    pointers.append(pointer)
                }
            }
            let ndc = c.text(object["ndc"], "\(path()).ndc", required: false)
            var ndcQuantity: Decimal?
            var ndcUnit: String?
            if let ndc {
                if ndc.utf8.count != 11 || !ASCII.all(ndc, ASCII.isDigit) {
                    c.fail("\(path()).ndc", "'\(ndc)' must be 11 digits without hyphens (5-4-2, e.g. 50458002803)")
                }
                ndcQuantity = c.number(object["ndcQuantity"], "\(path()).ndcQuantity", required: true)
                if let quantity = ndcQuantity { c.checkQuantity(quantity, "\(path()).ndcQuantity") }
                ndcUnit = c.text(object["ndcUnit"], "\(path()).ndcUnit", required: true)
                if let unit = ndcUnit, !Self.ndcUnits.contains(unit) {
                    c.fail("\(path()).ndcUnit", "'\(unit)' must be one of \(Self.ndcUnits.sorted().joined(separator: ", "))")
                }
            } else {
                for key: StaticString in ["ndcQuantity", "ndcUnit"] where object[key].map({ !$0.isNull }) ?? false {
                    c.fail("\(path()).\(key)", "given without an ndc; add the 11-digit ndc or remove it")
                }
            }
            var details: [String: String] = [:]
            if let given = c.object(object["details"], "\(path()).details", required: false) {
                // Free facts a superbill prints (CONTRACT §6): text or numbers (kept as written).
                var problems: [(field: String, message: String)] = []
                given.forEachMember { key, fact in
                    switch fact.content {
                    case .string(let text):
                        // Printed on the superbill only (never in an 837P): times such as "09:10" are fine.
                        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                            problems.append(("\(path()).details.\(key)", "contains a control character; remove it"))
                        } else {
                            details[key] = text
                        }
                    case .number(let text): details[key] = text
                    case .null: break
                    case let other: problems.append(("\(path()).details.\(key)", "must be text or a number, not \(other.typeName)"))
                    }
                }
                c.fail(sortedByField: problems)
            }
            guard let code, let charge else { continue }
            lines.append(ServiceLine(code: code, modifiers: modifiers, units: units, charge: charge, diagnosisPointers: pointers,
                                     ndc: ndc, ndcQuantity: ndcQuantity, ndcUnit: ndcUnit, details: details))
        }
        return lines
    }

    /// `Sex(rawValue:)`: a one-byte text is the only text equal to a one-letter code, so its byte
    /// answers without the enum's string comparisons.
    static func sex(_ text: String) -> Sex? {
        guard text.utf8.count == 1, let byte = text.utf8.first else { return Sex(rawValue: text) }
        switch byte {
        case UInt8(ascii: "F"): return .female
        case UInt8(ascii: "M"): return .male
        case UInt8(ascii: "U"): return .unknown
        default: return nil
        }
    }

    /// `Relationship(rawValue:)`, the usual `self` compared first.
    static func relationship(_ text: String) -> Relationship? {
        text == "self" ? .self : Relationship(rawValue: text)
    }

    /// A diagnosis pointer: a JSON number that is a whole number.
    private static func wholeNumber<Value: EncounterJSONValue>(_ value: Value) -> Int? {
        guard case .number(let text) = value.content else { return nil }
        return Int(text)
    }

    private func decodePayments<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> [Payment] {
        guard let items = c.array(value, "payments", required: false) else { return [] }
        if items.count > Self.maxPayments {
            c.fail("payments", "\(items.count) payments; at most \(Self.maxPayments) are accepted per encounter — record the total of small payments as one")
        }
        var payments: [Payment] = []
        for (index, item) in items.enumerated() {
            func path() -> String { "payments[\(index)]" }
            guard let object = c.object(item, path(), required: true) else { continue }
            for key in object.unknownNames(Self.paymentKeys, nil) { c.fail("\(path()).\(key)", "unknown field '\(key)'") }
            let date = c.date(object["date"], "\(path()).date", required: true)
            if let date, !allowFutureDates, date > asOf { c.fail("\(path()).date", "\(date.iso) is after the processing date \(asOf.iso)") }
            let amount = c.money(object["amount"], "\(path()).amount")
            let method = c.text(object["method"], "\(path()).method", required: false) ?? "unspecified"
            if let date, let amount { payments.append(Payment(date: date, amount: amount, method: method)) }
        }
        return payments
    }
}
