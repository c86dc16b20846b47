import ClaimsCore
import ClaimsFHIR
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims preauth request`: writes the request for a stored authorization as an X12 278 or a Da Vinci
/// PAS Bundle (JSON) and moves the authorization to `submitted` with history
/// (docs/prior-auth-requests.md). The patient, plan, diagnoses and clinician come from the patient's
/// latest encounter with that payer: from `encounters` when given, else from the store (the batch
/// keeps every encounter it read). The criteria are the payer's rules for the service on the start
/// date, evaluated on that encounter's clinical facts (the checklist's requirements).
public struct AuthorizationRequester {
    public enum Format: String, Sendable, CaseIterable { case x12, fhir }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        /// True when the input (authorization, encounter) is at fault, false for output failures.
        public var isInput: Bool
        public var description: String { message }
    }

    public struct Written: Sendable {
        public var path: String
        public var trace: String
        public var update: AuthorizationUpdate
        public var encounterId: String
    }

    public var store: ClaimsStore
    public var rules: RuleBook
    public var clinic: ClinicProfile
    public var asOf: LocalDate
    /// HHMM of the clock, and its zone (`Z`, `-06:00`), for ISA10/GS05/BHT05 and the Bundle timestamp.
    public var createdTime: String
    public var createdZone: String

    public init(store: ClaimsStore, rules: RuleBook, clinic: ClinicProfile, asOf: LocalDate, createdTime: String, createdZone: String) {
        self.store = store; self.rules = rules; self.clinic = clinic; self.asOf = asOf
        self.createdTime = createdTime; self.createdZone = createdZone
    }

    public func request(_ reference: AuthorizationReference, format: Format, outputDirectory: String,
                        encounters: [Encounter]?, by user: String) throws -> Written {
        let authorization = try store.authorization(reference)
        let id = authorization.id!
        guard authorization.status.canMove(to: .submitted) else {
            throw Failure(message: "authorization \(id) is \(authorization.status.rawValue); only a submitted or pending authorization is requested (record a new one with `claims preauth add` for a renewal)", isInput: true)
        }
        guard let payer = rules.payer(authorization.payer) else {
            throw Failure(message: "authorization \(id): payer '\(authorization.payer)' has no rule file in --payers", isInput: true)
        }
        let (encounter, history) = try latestEncounter(of: authorization, given: encounters)
        let content = requestContent(authorization, payer: payer, encounter: encounter, history: history, trace: "")
        let number = try store.allocateControlNumbers(name: "prior-auth-trace").lowerBound
        var request = content
        request.trace = "PA\(id)-\(number)"
        let data: Data
        let fileName: String
        switch format {
        case .x12:
            let isa = try store.allocateControlNumbers(name: "isa13", maximum: 999_999_999).lowerBound
            let gs = try store.allocateControlNumbers(name: "gs06").lowerBound
            let st = try store.allocateControlNumbers(name: "st02").lowerBound
            let envelope = EnvelopeContext(interchangeControlNumber: isa, groupControlNumber: gs, firstTransactionSetControlNumber: st,
                                           creationDate: asOf, creationTime: createdTime)
            do { data = Data(try Request278Encoder(clinic: clinic).encode(request, envelope: envelope).utf8) } catch {
                throw Failure(message: "authorization \(id): the 278 cannot be written: \(error)", isInput: true)
            }
            fileName = "\(payer.slug)-auth\(id)-\(request.trace).x12"
        case .fhir:
            let timestamp = "\(asOf.iso)T\(createdTime.prefix(2)):\(createdTime.suffix(2)):00\(createdZone)"
            data = FHIRJSONEncoder.data(PASRequestBundle.bundle(request, clinic: clinic, timestamp: timestamp))
            fileName = "\(payer.slug)-auth\(id)-\(request.trace).json"
        }
        let path = (outputDirectory as NSString).appendingPathComponent(fileName)
        do {
            try AtomicFiles.createDirectory(outputDirectory)
            try AtomicFiles.writeDurably(data, to: path + ".tmp")
            try AtomicFiles.moveIntoPlace(path + ".tmp", path)
        } catch {
            throw Failure(message: "\(path): cannot write the request (\(error)); nothing was recorded", isInput: false)
        }
        do {
            let update = try store.recordAuthorizationRequest(authorizationId: id, format: format.rawValue, trace: request.trace, file: path,
                                                              encounterId: encounter.id, submittedOn: asOf, by: user)
            return Written(path: path, trace: request.trace, update: update, encounterId: encounter.id)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// The request's content: the service's codes as the patient's latest encounter with the service
    /// billed them (else the code table's first), the authorization's units and dates (start: the
    /// processing date when none), the criteria.
    func requestContent(_ authorization: PriorAuthorization, payer: PayerRules, encounter: Encounter, history: [Encounter],
                        trace: String) -> AuthorizationRequestContent {
        let service = authorization.service
        let codesOf = { (visit: Encounter) in visit.services.map(\.code).filter { self.rules.codes.service(of: $0) == service } }
        var codes = history.sorted { ($0.dateOfService, $0.id) > ($1.dateOfService, $1.id) }.lazy.map(codesOf).first { !$0.isEmpty } ?? []
        if codes.isEmpty {
            codes = rules.codes.codes.values.filter { $0.service == service && !$0.addOn }.map(\.code).sorted().prefix(1).map { $0 }
        }
        var seen = Set<String>()
        codes = codes.filter { seen.insert($0).inserted }
        let start = authorization.start ?? asOf
        // The criteria as the checklist states them, for the service on the start date.
        var scheduled = encounter
        scheduled.dateOfService = start
        scheduled.services = codes.map { ServiceLine(code: $0, units: 1, charge: 0, diagnosisPointers: [1]) }
        let checklist = ChecklistBuilder(rules: rules, clinic: clinic).build(encounters: [scheduled], authorizations: [], asOf: asOf)
        let requirements = checklist.items.first { $0.payer == payer.slug && $0.service == service }?.requirements ?? []
        return AuthorizationRequestContent(trace: trace, payer: payer, encounter: encounter, service: service, procedureCodes: codes,
                                           units: authorization.units, start: start, end: authorization.end,
                                           requirements: requirements.filter { $0.id != "not-covered" }, created: asOf)
    }

    /// The patient's latest encounter with the authorization's payer, and all of them.
    func latestEncounter(of authorization: PriorAuthorization, given: [Encounter]?) throws -> (Encounter, [Encounter]) {
        var candidates = given ?? []
        if given == nil {
            let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf, allowFutureDates: true)
            for stored in try store.encounters(since: LocalDate(year: 1900, month: 1, day: 1)!) where stored.payer == authorization.payer {
                guard let value = try? JSONParser.parse(stored.json), let encounter = decoder.decode(value).encounter else { continue }
                candidates.append(encounter)
            }
        }
        let matching = candidates.filter { $0.patient.id == authorization.patientId && $0.coverage?.payer == authorization.payer }
        guard let latest = matching.max(by: { ($0.dateOfService, $0.id) < ($1.dateOfService, $1.id) }) else {
            let source = given == nil ? "the store holds no encounter of patient \(authorization.patientId) with \(authorization.payer) (run `claims batch` on one first)"
                : "the encounter file has no encounter of patient \(authorization.patientId) with \(authorization.payer)"
            throw Failure(message: "authorization \(authorization.id!): \(source); the request needs the patient's demographics, plan and diagnoses — give --encounters FILE with one", isInput: true)
        }
        return (latest, matching)
    }
}
