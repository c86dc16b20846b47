import ClaimsCore

/// Writes an X12 278 request (005010X217, Health Care Services Review – Request for Review):
/// 2000A UMO (the payer), 2000B requester (the clinic, NPI), 2000C subscriber, 2000D dependent when
/// the patient is not the subscriber, 2000E patient event (TRN trace, UM*HS, HI diagnoses, DTP
/// dates, MSG criteria, the rendering clinician) and one 2000F service per procedure code (UM, DTP,
/// SV1, HSD visits). Pure: control numbers and the time come in `envelope`.
public struct Request278Encoder: Sendable {
    public static let implementationGuide = "005010X217"
    public let clinic: ClinicProfile
    public var writerConfiguration = X12Writer.Configuration()

    public init(clinic: ClinicProfile) { self.clinic = clinic }

    /// The interchange text; throws when a value cannot travel in X12 (a separator in a name).
    public func encode(_ request: AuthorizationRequestContent, envelope: EnvelopeContext) throws(X12Error) -> String {
        let interchange = clinic.interchange
        let st02 = envelope.transactionSetControlNumber(at: 0)
        var body: [X12Segment] = [
            X12Segment("ST", "278", X12Element(st02), X12Element(Self.implementationGuide)),
            X12Segment("BHT", "0007", "13", X12Element(request.trace), X12Element(request.created.compact), X12Element(envelope.creationTime)),
        ]
        let encounter = request.encounter
        guard let coverage = encounter.coverage else { throw X12Error("the encounter \(encounter.id) has no coverage; a 278 needs the patient's plan") }
        var hl = 0
        func level(_ code: String, parent: Int?, hasChildren: Bool) -> X12Segment {
            hl += 1
            return X12Segment("HL", X12Element(String(hl)), X12Element(parent.map(String.init) ?? ""), X12Element(code), hasChildren ? "1" : "0")
        }
        // 2000A / 2010A: the utilization management organization (the payer).
        body.append(level("20", parent: nil, hasChildren: true))
        body.append(X12Segment("NM1", "X3", "2", X12Element(Self.upper(request.payer.name, 60)), "", "", "", "", "PI",
                               X12Element(request.payer.payerId ?? request.payer.slug)))
        // 2000B / 2010B: the requester (the billing clinic).
        body.append(level("21", parent: 1, hasChildren: true))
        let provider = clinic.billingProvider
        body.append(X12Segment("NM1", "1P", "2", X12Element(Self.upper(provider.name, 60)), "", "", "", "", "XX", X12Element(provider.npi)))
        body.append(X12Segment("N3", X12Element(Self.upper(provider.address.line1, 55)), X12Element(provider.address.line2.map { Self.upper($0, 55) } ?? "")))
        body.append(X12Segment("N4", X12Element(Self.upper(provider.address.city, 30)), X12Element(provider.address.state), X12Element(provider.address.zip)))
        body.append(X12Segment("PRV", "PE", "PXC", X12Element(provider.taxonomy)))
        // 2000C / 2010C: the subscriber; 2000D / 2010D: the patient when a dependent.
        let dependent = coverage.relationship != .`self` ? coverage.subscriber : nil
        body.append(level("22", parent: 2, hasChildren: true))
        let subscriber = dependent ?? encounter.patient.person
        body.append(X12Segment("NM1", "IL", "1", X12Element(Self.upper(subscriber.lastName, 60)), X12Element(Self.upper(subscriber.firstName, 35)),
                               X12Element(subscriber.middleName.map { Self.upper($0, 25) } ?? ""), "", "", "MI", X12Element(coverage.memberId)))
        body.append(X12Segment("DMG", "D8", X12Element(subscriber.dateOfBirth.compact), X12Element(subscriber.sex.rawValue)))
        var eventParent = 3
        if dependent != nil {
            body.append(level("23", parent: 3, hasChildren: true))
            eventParent = 4
            let patient = encounter.patient.person
            body.append(X12Segment("NM1", "QC", "1", X12Element(Self.upper(patient.lastName, 60)), X12Element(Self.upper(patient.firstName, 35)),
                                   X12Element(patient.middleName.map { Self.upper($0, 25) } ?? "")))
            body.append(X12Segment("DMG", "D8", X12Element(patient.dateOfBirth.compact), X12Element(patient.sex.rawValue)))
            body.append(X12Segment("INS", "N", X12Element(coverage.relationship.x12Code)))
        }
        // 2000E: the patient event.
        body.append(level("EV", parent: eventParent, hasChildren: true))
        let eventLevel = hl
        body.append(X12Segment("TRN", "1", X12Element(request.trace), X12Element("1" + provider.taxId)))
        body.append(X12Segment("UM", "HS", "I", "A8", X12Element(components: [encounter.placeOfService, "B"])))
        body.append(dateSegment("AAH", request.start, request.end))
        let diagnoses = encounter.diagnoses.prefix(12).enumerated().map { offset, code in
            X12Element(components: [offset == 0 ? "ABK" : "ABF", code.compact])
        }
        body.append(X12Segment("HI", diagnoses))
        if !request.requirements.isEmpty {
            body.append(X12Segment("MSG", X12Element(Self.upper(request.criteriaSummary, 264))))
        }
        let rendering = encounter.renderingProvider
        body.append(X12Segment("NM1", "SJ", "1", X12Element(Self.upper(rendering.lastName, 60)), X12Element(Self.upper(rendering.firstName, 35)),
                               "", "", "", "XX", X12Element(rendering.npi)))
        if let taxonomy = rendering.taxonomy { body.append(X12Segment("PRV", "PE", "PXC", X12Element(taxonomy))) }
        // 2000F: one service per procedure code; the units are visits (HSD*VS), as the authorization counts them.
        for (offset, code) in request.procedureCodes.enumerated() {
            body.append(level("SS", parent: eventLevel, hasChildren: false))
            _ = offset
            body.append(X12Segment("UM", "HS", "I"))
            body.append(dateSegment("472", request.start, request.end))
            body.append(X12Segment("SV1", X12Element(components: ["HC", code])))
            if let units = request.units { body.append(X12Segment("HSD", "VS", X12Element(String(units)))) }
        }
        body.append(X12Segment("SE", X12Element(String(body.count + 1)), X12Element(st02)))
        let header = envelope.interchangeHeader(
            sender: (interchange.senderQualifier, interchange.senderId), receiver: (interchange.receiverQualifier, interchange.receiverId),
            application: (interchange.applicationSenderCode, interchange.applicationReceiverCode), usage: interchange.usage.uppercased(),
            functionalId: "HI", guide: Self.implementationGuide, delimiters: writerConfiguration.delimiters)
        let trailer = [
            X12Segment("GE", "1", X12Element(String(envelope.groupControlNumber))),
            X12Segment("IEA", "1", X12Element(envelope.formattedInterchangeControlNumber)),
        ]
        return try X12Writer(writerConfiguration).write(header + body + trailer)
    }

    private func dateSegment(_ qualifier: String, _ start: LocalDate, _ end: LocalDate?) -> X12Segment {
        if let end, end != start { return X12Segment("DTP", X12Element(qualifier), "RD8", X12Element("\(start.compact)-\(end.compact)")) }
        return X12Segment("DTP", X12Element(qualifier), "D8", X12Element(start.compact))
    }

    /// X12 names in upper case, cut to the element's maximum length.
    static func upper(_ text: String, _ maximum: Int) -> String {
        String(text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").uppercased().prefix(maximum))
    }
}
