import ClaimsCore

/// One subscriber inquiry of a 270: a patient, their coverage with one payer, one date of service.
public struct Eligibility270Inquiry: Sendable, Hashable {
    public var patient: Patient
    public var coverage: Coverage
    public var dateOfService: LocalDate
    /// EQ01 (repeated): `30` plus the mental-health types (EligibilityServiceTypes.inquiry).
    public var serviceTypes: [String]
    /// TRN02 of the inquiry: the 271 echoes it (TRN*2), so the answer finds its inquiry.
    public var traceNumber: String
    /// The encounter the inquiry was made for (the first of the patient × payer × date), for errors.
    public var encounterId: String

    public init(patient: Patient, coverage: Coverage, dateOfService: LocalDate, serviceTypes: [String], traceNumber: String,
                encounterId: String) {
        self.patient = patient; self.coverage = coverage; self.dateOfService = dateOfService; self.serviceTypes = serviceTypes
        self.traceNumber = traceNumber; self.encounterId = encounterId
    }
}

/// Writes one payer's inquiries as one 270 005010X279A1 interchange, one transaction set per inquiry
/// (the real-time shape every payer accepts, and the one LinuxForHealth's 270 model reads). Pure like the 837P
/// encoder, whose envelope (ISA/GS from the clinic profile, `EnvelopeContext`) and person segments it reuses:
/// control numbers and the creation moment come in, so the same input gives the same bytes.
///
/// Layout (docs/eligibility.md): per inquiry one ST…SE with BHT03 = its trace number, 2000A information
/// source (the payer), 2000B information receiver (the billing provider), then a 2000C subscriber with TRN, NM1*IL, REF*6P, DMG, DTP*291 and one EQ
/// with the service types repeated; when the patient is not the subscriber, the TRN, DTP and EQ move to a
/// 2000D dependent loop (NM1*03, DMG) under the subscriber.
public struct Eligibility270Encoder: Sendable {
    public static let implementationGuide = "005010X279A1"
    /// The 837P encoder for the parts both share: ISA/GS, the payer's NM1*PR, the billing provider, people's NM1/DMG.
    private let claimEncoder: Claim837PEncoder

    public init(clinic: ClinicProfile, payer: PayerRules, writerConfiguration: X12Writer.Configuration = .init()) {
        claimEncoder = Claim837PEncoder(clinic: clinic, payer: payer, writerConfiguration: writerConfiguration)
    }

    /// Problems of the clinic profile or the payer file (ISA/GS identifiers, the payer's name and id, the
    /// billing provider's NPI): when not empty, no inquiry to this payer can be written.
    public func setupProblems() -> [Claim837PError] {
        // The 837P's own header checks, minus the claim-only ones (SBR09).
        claimEncoder.setupProblems().filter { $0.field != "payer.claimFilingIndicator" }
    }

    /// What keeps one inquiry out of the 270 (empty when it can be written).
    public func problems(in inquiry: Eligibility270Inquiry) -> [Claim837PError] {
        subscriberLoop(inquiry, hierarchicalId: 3).problems
    }

    /// The interchange for `inquiries` (each checked with `problems(in:)` first; the first problem is thrown).
    public func encode(_ inquiries: [Eligibility270Inquiry], envelope: EnvelopeContext) throws(Claim837PError) -> String {
        if let first = setupProblems().first { throw first }
        if let first = envelope.problems(transactionSetCount: 1).first { throw first }
        guard !inquiries.isEmpty else {
            throw Claim837PError(encounterId: nil, field: "encounters", message: "none has an inquiry for \(claimEncoder.payer.slug); write no 270")
        }
        if let first = envelope.problems(transactionSetCount: inquiries.count).first { throw first }
        let header = claimEncoder.headerParts().parts
        // 2100B: the billing provider's NM1*85 as the 837P checked it, as information receiver (1P).
        var receiver = header.billingProvider.first { $0.id == "NM1" } ?? X12Segment("NM1")
        if !receiver.elements.isEmpty { receiver.elements[0] = "1P" }
        var segments = claimEncoder.interchangeHeader(header, envelope: envelope, functionalId: "HS", implementationGuide: Self.implementationGuide)
        for (index, inquiry) in inquiries.enumerated() {
            let controlNumber = envelope.transactionSetControlNumber(at: index)
            var body = [
                X12Segment("ST", "270", X12Element(controlNumber), X12Element(Self.implementationGuide)),
                X12Segment("BHT", "0022", "13", X12Element(inquiry.traceNumber), X12Element(envelope.creationDate.compact),
                           X12Element(envelope.creationTime)),
                X12Segment("HL", "1", "", "20", "1"),
                header.payer,
                X12Segment("HL", "2", "1", "21", "1"),
                receiver,
            ]
            let (subscriber, problems) = subscriberLoop(inquiry, hierarchicalId: 3)
            if let first = problems.first { throw first }
            body += subscriber
            body.append(X12Segment("SE", X12Element(String(body.count + 1)), X12Element(controlNumber)))
            segments += body
        }
        segments += [X12Segment("GE", X12Element(String(inquiries.count)), X12Element(String(envelope.groupControlNumber))),
               X12Segment("IEA", "1", X12Element(envelope.formattedInterchangeControlNumber))]
        do {
            return try X12Writer(claimEncoder.writerConfiguration).write(segments)
        } catch {
            // Unreachable when every value went through FieldChecker; kept as a last line of defence.
            throw Claim837PError(encounterId: nil, field: "x12", message: "internal: the 270 encoder built an unwritable segment: \(error)")
        }
    }

    /// 2000C (and 2000D for a dependent) of one inquiry, HL ids from `hierarchicalId`.
    func subscriberLoop(_ inquiry: Eligibility270Inquiry, hierarchicalId: Int) -> (segments: [X12Segment], problems: [Claim837PError]) {
        var check = FieldChecker(encounterId: inquiry.encounterId, delimiters: claimEncoder.writerConfiguration.delimiters)
        let coverage = inquiry.coverage
        let isSelf = coverage.relationship == .self
        let (subscriber, subscriberField) = claimEncoder.policyHolder(coverage, patient: inquiry.patient, check: &check)
        let memberId = check.text(coverage.memberId, "coverage.memberId", "NM109 of 2100C", length: 2...80)
        let group = check.text(coverage.groupNumber, "coverage.groupNumber", "REF02 of REF*6P", length: 1...50, required: false)
        let trace = check.text(inquiry.traceNumber, "traceNumber", "TRN02", length: 1...50)
        let taxId = check.digits(claimEncoder.clinic.billingProvider.taxId, "clinic.billingProvider.taxId", "TRN03", counts: [9],
                                 what: "the 9-digit EIN (TRN03 is 1 followed by it)")
        guard !inquiry.serviceTypes.isEmpty else {
            check.fail("serviceTypes", "is empty; EQ01 needs at least one service type (30)")
            return ([], check.problems)
        }
        let trn = X12Segment("TRN", "1", X12Element(trace), X12Element("1" + taxId))
        let question = [
            X12Segment("DTP", "291", "D8", X12Element(inquiry.dateOfService.compact)),
            X12Segment("EQ", X12Element(repetitions: inquiry.serviceTypes.map { [$0] })),
        ]
        func demographics(_ person: Person) -> X12Segment {
            X12Segment("DMG", "D8", X12Element(person.dateOfBirth.compact), X12Element(person.sex.rawValue))
        }
        var segments = [X12Segment("HL", X12Element(String(hierarchicalId)), X12Element(String(hierarchicalId - 1)), "22", isSelf ? "0" : "1")]
        if isSelf { segments.append(trn) }
        segments.append(claimEncoder.personName("IL", subscriber, field: subscriberField, id: memberId, check: &check))
        if !group.isEmpty { segments.append(X12Segment("REF", "6P", X12Element(group))) }
        segments.append(demographics(subscriber))
        if isSelf {
            segments += question
        } else {
            segments.append(X12Segment("HL", X12Element(String(hierarchicalId + 1)), X12Element(String(hierarchicalId)), "23", "0"))
            segments.append(trn)
            segments.append(claimEncoder.personName("03", inquiry.patient.person, field: "patient", id: nil, check: &check))
            segments.append(demographics(inquiry.patient.person))
            segments += question
        }
        return (segments, check.problems)
    }
}
