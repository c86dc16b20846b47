import Foundation

/// Services are named by rule data (`spravato`, `tms`, …); a wrapper keeps them apart from other strings.
public typealias ServiceName = String
public typealias PayerSlug = String

public struct Address: Sendable, Hashable, Codable {
    public var line1: String
    public var line2: String?
    public var city: String
    public var state: String
    /// 5 or 9 digits, no hyphen.
    public var zip: String
    public init(line1: String, line2: String? = nil, city: String, state: String, zip: String) {
        self.line1 = line1; self.line2 = line2; self.city = city; self.state = state; self.zip = zip
    }
}

public enum Sex: String, Sendable, Hashable, Codable { case female = "F", male = "M", unknown = "U" }

public struct Person: Sendable, Hashable, Codable {
    public var firstName: String
    public var middleName: String?
    public var lastName: String
    public var dateOfBirth: LocalDate
    public var sex: Sex
    public var address: Address
    public var phone: String?
    public init(firstName: String, middleName: String? = nil, lastName: String, dateOfBirth: LocalDate,
                sex: Sex, address: Address, phone: String? = nil) {
        self.firstName = firstName; self.middleName = middleName; self.lastName = lastName
        self.dateOfBirth = dateOfBirth; self.sex = sex; self.address = address; self.phone = phone
    }
}

public struct Patient: Sendable, Hashable, Codable {
    public var id: String
    public var person: Person
    public init(id: String, person: Person) { self.id = id; self.person = person }
}

public enum Relationship: String, Sendable, Hashable, Codable, CaseIterable {
    case `self` = "self", spouse, child, other
    /// X12 individual relationship code (SBR02 / PAT01).
    public var x12Code: String {
        switch self {
        case .self: "18"
        case .spouse: "01"
        case .child: "19"
        case .other: "G8"
        }
    }
}

public struct Coverage: Sendable, Hashable, Codable {
    public var payer: PayerSlug
    public var memberId: String
    public var groupNumber: String?
    public var relationship: Relationship
    /// Present when `relationship` is not `self`.
    public var subscriber: Person?
    public init(payer: PayerSlug, memberId: String, groupNumber: String? = nil,
                relationship: Relationship = .self, subscriber: Person? = nil) {
        self.payer = payer; self.memberId = memberId; self.groupNumber = groupNumber
        self.relationship = relationship; self.subscriber = subscriber
    }
}

public struct RenderingProvider: Sendable, Hashable, Codable {
    public var npi: String
    public var firstName: String
    public var lastName: String
    public var taxonomy: String?
    public init(npi: String, firstName: String, lastName: String, taxonomy: String? = nil) {
        self.npi = npi; self.firstName = firstName; self.lastName = lastName; self.taxonomy = taxonomy
    }
}

/// An ICD-10-CM code, stored without the dot and upper-cased.
public struct DiagnosisCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `F332`, as X12 HI wants it.
    public let compact: String
    public init(compact: String) { self.compact = compact }
    /// Accepts `F33.2` or `F332`; nil when the text is not ICD-10-CM shaped.
    public init?(_ text: String) {
        if ASCII.all(text, { $0 < 0x80 }) {
            guard let compact = Self.compact(ascii: text) else { return nil }
            self.compact = compact
            return
        }
        let upper = text.uppercased()
        let compact = upper.filter { $0 != "." }
        let dotCount = upper.filter { $0 == "." }.count
        guard dotCount <= 1, DiagnosisCode.isWellFormed(compact) else { return nil }
        if dotCount == 1 {
            guard let dot = upper.firstIndex(of: "."), upper.distance(from: upper.startIndex, to: dot) == 3,
                  upper.index(after: dot) != upper.endIndex else { return nil }
        }
        self.compact = compact
    }
    /// `F33.2`, as FHIR and people want it. Printable ASCII (every code `init?(_:)` accepts) is one
    /// character a byte: its bytes are copied around the dot into the new string (the substrings and
    /// appends cost ~1,800 instructions a code, issue 18).
    public var dotted: String {
        let ascii: String?? = compact.utf8.withContiguousStorageIfAvailable { utf8 in
            guard utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
            guard utf8.count > 3 else { return compact }
            return String(unsafeUninitializedCapacity: utf8.count + 1) { text in
                for index in 0..<utf8.count { text[index < 3 ? index : index + 1] = utf8[index] }
                text[3] = UInt8(ascii: ".")
                return utf8.count + 1
            }
        }
        if let ascii, let dotted = ascii { return dotted }
        return Self.dottedByCharacters(compact)
    }

    /// `dotted` of any text, character by character (what the bytes must agree with).
    static func dottedByCharacters(_ compact: String) -> String {
        compact.count > 3 ? String(compact.prefix(3)) + "." + String(compact.dropFirst(3)) : compact
    }
    public var description: String { dotted }

    /// `init` for ASCII text (every real code), byte by byte without Unicode case mapping: the same
    /// answer (in ASCII a byte is a character, and CR LF, one character, fails the checks either way).
    private static func compact(ascii text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            // At most 7 characters and one dot: longer text is no code. The compact code is built on
            // the stack, not in an array.
            guard bytes.count <= 8 else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { compact -> String? in
                var count = 0
                var dot: Int?
                for (offset, byte) in bytes.enumerated() {
                    if byte == UInt8(ascii: ".") {
                        guard dot == nil else { return nil }
                        dot = offset
                    } else {
                        compact[count] = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
                        count += 1
                    }
                }
                if let dot, dot != 3 || dot == bytes.count - 1 { return nil }
                guard (3...7).contains(count), ASCII.isUppercase(compact[0]), compact[0] != UInt8(ascii: "U"), ASCII.isDigit(compact[1]),
                      compact[2..<count].allSatisfy(ASCII.isDigitOrUppercase) else { return nil }
                return String(decodingUTF8: UnsafeBufferPointer(rebasing: compact[..<count]))
            }
        }
    }

    /// Letter (not U), digit, letter-or-digit, then up to four letters or digits.
    static func isWellFormed(_ code: String) -> Bool {
        let chars = Array(code)
        guard (3...7).contains(chars.count) else { return false }
        guard chars[0].isASCII, chars[0].isLetter, chars[0] != "U" else { return false }
        guard chars[1].isASCII, chars[1].isNumber else { return false }
        return chars.dropFirst(2).allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) }
    }
}

/// A clinical fact from the chart that coverage rules look at.
public enum ClinicalFact: Sendable, Hashable {
    case bool(Bool)
    case number(Decimal)
    case text(String)

    public var display: String {
        switch self {
        case .bool(let value): String(value)
        case .number(let value): Money.plain(value)
        case .text(let value): value
        }
    }
}

public struct ServiceLine: Sendable, Hashable {
    public var code: String
    public var modifiers: [String]
    public var units: Decimal
    public var charge: Decimal
    public var diagnosisPointers: [Int]
    public var ndc: String?
    public var ndcQuantity: Decimal?
    public var ndcUnit: String?
    /// Free facts the superbill prints under the line (CONTRACT §6 `services[].details`, e.g. an infusion's
    /// `doseMg`, `start`, `end`); numbers are kept as written. Never sent to a payer.
    public var details: [String: String]
    public init(code: String, modifiers: [String] = [], units: Decimal = 1, charge: Decimal,
                diagnosisPointers: [Int] = [1], ndc: String? = nil, ndcQuantity: Decimal? = nil, ndcUnit: String? = nil,
                details: [String: String] = [:]) {
        self.code = code; self.modifiers = modifiers; self.units = units; self.charge = charge
        self.diagnosisPointers = diagnosisPointers; self.ndc = ndc; self.ndcQuantity = ndcQuantity; self.ndcUnit = ndcUnit
        self.details = details
    }
}

public struct Payment: Sendable, Hashable {
    public var date: LocalDate
    public var amount: Decimal
    public var method: String
    public init(date: LocalDate, amount: Decimal, method: String) { self.date = date; self.amount = amount; self.method = method }
}

/// What the patient signed before the service (CONTRACT §6 `patientAgreements`).
public struct PatientAgreement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case abn, privatePay = "private-pay", waiver }
    public var kind: Kind
    public var signed: LocalDate
    /// The ABN's option (1, 2 or 3), as on the form.
    public var option: Int?
    /// The codes it covers; nil = every line of the encounter.
    public var codes: [String]?
    public init(kind: Kind, signed: LocalDate, option: Int? = nil, codes: [String]? = nil) {
        self.kind = kind; self.signed = signed; self.option = option; self.codes = codes
    }
}

/// One visit as the EHR exports it (CONTRACT §2), after validation.
///
/// A value like any struct, its fields behind one reference copies share (`SharedFields`): an
/// encounter goes through the reader, the planner, the drafters and the recorder inside values that
/// are copied several times each, and a copy of its thirty-odd strings and arrays was as many atomic
/// reference-count changes (issue 18).
public struct Encounter: Sendable, Hashable, CustomReflectable {
    @inlinable public var id: String {
        _read { yield storage.fields.id }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.id }
    }
    @inlinable public var dateOfService: LocalDate {
        _read { yield storage.fields.dateOfService }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.dateOfService }
    }
    @inlinable public var placeOfService: String {
        _read { yield storage.fields.placeOfService }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.placeOfService }
    }
    @inlinable public var patient: Patient {
        _read { yield storage.fields.patient }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.patient }
    }
    /// nil for a self-pay patient.
    @inlinable public var coverage: Coverage? {
        _read { yield storage.fields.coverage }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.coverage }
    }
    @inlinable public var renderingProvider: RenderingProvider {
        _read { yield storage.fields.renderingProvider }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.renderingProvider }
    }
    @inlinable public var diagnoses: [DiagnosisCode] {
        _read { yield storage.fields.diagnoses }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.diagnoses }
    }
    @inlinable public var clinical: [String: ClinicalFact] {
        _read { yield storage.fields.clinical }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.clinical }
    }
    @inlinable public var services: [ServiceLine] {
        _read { yield storage.fields.services }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.services }
    }
    @inlinable public var priorAuthorization: String? {
        _read { yield storage.fields.priorAuthorization }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.priorAuthorization }
    }
    @inlinable public var payments: [Payment] {
        _read { yield storage.fields.payments }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.payments }
    }
    /// The clinic profile's service site (CONTRACT §6); nil = the billing provider's own address.
    @inlinable public var location: String? {
        _read { yield storage.fields.location }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.location }
    }
    @inlinable public var agreements: [PatientAgreement] {
        _read { yield storage.fields.agreements }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.agreements }
    }
    /// The patient's second plan (CONTRACT §6): billed after the primary's 835 (coordination of benefits, docs/corrections.md);
    /// the FHIR claim lists it as a second Coverage.
    @inlinable public var secondaryCoverage: Coverage? {
        _read { yield storage.fields.secondaryCoverage }
        _modify { SharedFields.makeUnique(&storage); yield &storage.fields.secondaryCoverage }
    }

    /// The stored fields (what `==`, `hash(into:)` and reflection see).
    @usableFromInline
    struct Fields: Sendable, Hashable {
        @usableFromInline var id: String
        @usableFromInline var dateOfService: LocalDate
        @usableFromInline var placeOfService: String
        @usableFromInline var patient: Patient
        @usableFromInline var coverage: Coverage?
        @usableFromInline var renderingProvider: RenderingProvider
        @usableFromInline var diagnoses: [DiagnosisCode]
        @usableFromInline var clinical: [String: ClinicalFact]
        @usableFromInline var services: [ServiceLine]
        @usableFromInline var priorAuthorization: String?
        @usableFromInline var payments: [Payment]
        @usableFromInline var location: String?
        @usableFromInline var agreements: [PatientAgreement]
        @usableFromInline var secondaryCoverage: Coverage?
    }

    @usableFromInline var storage: SharedFields<Fields>

    public static func == (lhs: Encounter, rhs: Encounter) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    /// The fields, as a plain struct's would show (`dump`, `print`, test messages).
    public var customMirror: Mirror { Mirror(self, children: Mirror(reflecting: storage.fields).children, displayStyle: .struct) }

    public init(id: String, dateOfService: LocalDate, placeOfService: String = "11", patient: Patient,
                coverage: Coverage?, renderingProvider: RenderingProvider, diagnoses: [DiagnosisCode],
                clinical: [String: ClinicalFact] = [:], services: [ServiceLine], priorAuthorization: String? = nil,
                payments: [Payment] = [], location: String? = nil) {
        self.init(id: id, dateOfService: dateOfService, placeOfService: placeOfService, patient: patient, coverage: coverage,
                  renderingProvider: renderingProvider, diagnoses: diagnoses, clinical: clinical, services: services,
                  priorAuthorization: priorAuthorization, payments: payments, location: location, agreements: [], secondaryCoverage: nil)
    }

    /// Every field at once: the decoder builds the encounter in one step.
    init(id: String, dateOfService: LocalDate, placeOfService: String, patient: Patient, coverage: Coverage?,
         renderingProvider: RenderingProvider, diagnoses: [DiagnosisCode], clinical: [String: ClinicalFact], services: [ServiceLine],
         priorAuthorization: String?, payments: [Payment], location: String?, agreements: [PatientAgreement], secondaryCoverage: Coverage?) {
        storage = SharedFields(Fields(id: id, dateOfService: dateOfService, placeOfService: placeOfService, patient: patient, coverage: coverage,
                                 renderingProvider: renderingProvider, diagnoses: diagnoses, clinical: clinical, services: services,
                                 priorAuthorization: priorAuthorization, payments: payments, location: location,
                                 agreements: agreements, secondaryCoverage: secondaryCoverage))
    }

    /// The payer whose rules apply: the coverage's, or `self-pay`.
    public var payerSlug: PayerSlug { coverage?.payer ?? RuleBook.selfPaySlug }
    public var totalCharges: Decimal { services.reduce(Decimal(0)) { $0 + $1.charge } }
    public var totalPayments: Decimal { payments.reduce(Decimal(0)) { $0 + $1.amount } }
    /// The latest agreement of `kind` signed on or before the date of service that covers `code`
    /// (one signed later counts as none: POLICY §5.3–§5.4).
    public func agreement(_ kind: PatientAgreement.Kind, covering code: String) -> PatientAgreement? {
        agreementIndex(kind, covering: code).map { agreements[$0] }
    }
    /// The position of `agreement(kind, covering:)` in `patientAgreements` (for error fields).
    public func agreementIndex(_ kind: PatientAgreement.Kind, covering code: String) -> Int? {
        agreements.indices.filter { agreements[$0].kind == kind && agreements[$0].signed <= dateOfService && (agreements[$0].codes?.contains(code) ?? true) }
            .max { (agreements[$0].signed, $0) < (agreements[$1].signed, $1) }
    }
    public var patientAge: Int { patient.person.dateOfBirth.age(on: dateOfService) }
}
