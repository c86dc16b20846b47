import ClaimsCore
import Foundation

/// Writes the `bill` lines of one payer's evaluated encounters as one 837P 005010X222A1
/// interchange. Pure: no I/O, no clock, no randomness — the envelope context brings control
/// numbers and the creation moment, so the same input always gives the same bytes.
///
/// ```swift
/// let encoder = Claim837PEncoder(clinic: profile, payer: rules.payer("bcbs-il")!)
/// let drafted = evaluations.map(encoder.prepare)          // each claim drafted once (any thread)
/// // report drafted[i].problems; encode the others
/// let file = try encoder.encode(prepared: drafted.compactMap(\.claim), envelope: context)
/// // write file.text; record file.claims (CLM01, totals, line control numbers per encounter)
/// ```
///
/// Layout (docs/x12.md): ISA, GS, then per 5,000 claims one ST … SE with BHT, 1000A, 1000B,
/// one 2000A billing provider, one 2000B per subscriber (2000C when the patient is a
/// dependent) holding at most 100 claims, each claim a 2300 with its 2310B and 2400 loops.
public struct Claim837PEncoder: Sendable {
    public static let implementationGuide = "005010X222A1"
    /// TR3 recommendation; trading partners may agree to more.
    public static let defaultMaxClaimsPerTransactionSet = 5_000
    /// 2300 loops per subscriber/patient HL (map limit).
    public static let maxClaimsPerHierarchicalLevel = 100
    /// The 837P's limits, which the input validator already enforces (one definition).
    public static let maxLinesPerClaim = EncounterDecoder.maxLines
    public static let maxDiagnosesPerClaim = EncounterDecoder.maxDiagnoses

    public var clinic: ClinicProfile {
        get { setup.clinic }
        set { setup = Setup(clinic: newValue, payer: setup.payer, writerConfiguration: setup.writerConfiguration) }
    }
    public var payer: PayerRules {
        get { setup.payer }
        set { setup = Setup(clinic: setup.clinic, payer: newValue, writerConfiguration: setup.writerConfiguration) }
    }
    public var writerConfiguration: X12Writer.Configuration {
        get { setup.writerConfiguration }
        set { setup = Setup(clinic: setup.clinic, payer: setup.payer, writerConfiguration: newValue) }
    }
    public var maxClaimsPerTransactionSet: Int
    /// The clinic, the payer, the delimiters and the header built from them once (not per claim),
    /// behind one immutable reference: the batch copies an encoder per claim, and a copy of the
    /// fields themselves retained every string and array of the header (a change builds a new one).
    private var setup: Setup

    final class Setup: Sendable {
        let clinic: ClinicProfile
        let payer: PayerRules
        let writerConfiguration: X12Writer.Configuration
        let header: HeaderParts
        let problems: [Claim837PError]

        init(clinic: ClinicProfile, payer: PayerRules, writerConfiguration: X12Writer.Configuration) {
            self.clinic = clinic; self.payer = payer; self.writerConfiguration = writerConfiguration
            (header, problems) = Claim837PEncoder.headerParts(clinic: clinic, payer: payer, writerConfiguration: writerConfiguration)
        }
    }

    public init(clinic: ClinicProfile, payer: PayerRules, writerConfiguration: X12Writer.Configuration = .init(),
                maxClaimsPerTransactionSet: Int = Claim837PEncoder.defaultMaxClaimsPerTransactionSet) {
        setup = Setup(clinic: clinic, payer: payer, writerConfiguration: writerConfiguration)
        self.maxClaimsPerTransactionSet = max(1, maxClaimsPerTransactionSet)
    }

    func headerParts() -> (parts: HeaderParts, problems: [Claim837PError]) { (setup.header, setup.problems) }

    /// Problems of the clinic profile and the payer file: when not empty, no encounter of this
    /// payer can be encoded (fix `clinic.yaml` or the payer file).
    public func setupProblems() -> [Claim837PError] { setup.problems }

    /// Everything that keeps this encounter's `bill` lines off an 837P (empty when it can be
    /// encoded, or has no bill lines). Call it per encounter to reject only the bad ones.
    public func problems(in evaluation: EncounterEvaluation) -> [Claim837PError] {
        draft(for: evaluation, header: setup.header).problems
    }

    /// Checks and drafts one encounter's claim (pure; safe to call from several threads), so a
    /// batch can draft claims in parallel and encode them later without drafting twice.
    /// `submission`: a replacement, a void or a claim to the secondary payer (docs/corrections.md).
    public func prepare(_ evaluation: EncounterEvaluation,
                        submission: Claim837PSubmission = .original) -> (claim: Claim837PPreparedClaim?, problems: [Claim837PError]) {
        let (draft, problems) = draft(for: evaluation, header: setup.header, submission: submission)
        return (problems.isEmpty ? draft.map(Claim837PPreparedClaim.init) : nil, problems)
    }

    /// One interchange for the `bill` lines of `evaluations` (encounters without bill lines are
    /// skipped). Throws the first problem — clinic, payer, envelope, then encounters in order.
    public func encode(_ evaluations: [EncounterEvaluation], envelope: EnvelopeContext) throws(Claim837PError) -> Claim837PInterchange {
        let header = setup.header
        var prepared: [Claim837PPreparedClaim] = []
        for evaluation in evaluations {
            let (draft, problems) = draft(for: evaluation, header: header)
            if let first = problems.first { throw first }
            if let draft { prepared.append(Claim837PPreparedClaim(draft: draft)) }
        }
        return try encode(prepared: prepared, envelope: envelope)
    }

    /// One interchange for claims drafted by `prepare`. `keepSegments: false` leaves
    /// `segments` empty (a batch needs only the text; building the segment list costs time).
    public func encode(prepared: [Claim837PPreparedClaim], envelope: EnvelopeContext,
                       keepSegments: Bool = true) throws(Claim837PError) -> Claim837PInterchange {
        let header = setup.header
        if let first = setup.problems.first { throw first }
        if let first = envelope.problems(transactionSetCount: 1).first { throw first }

        var drafts: [ClaimDraft] = []
        var seenControlNumbers: [String: String] = [:]
        drafts.reserveCapacity(prepared.count)
        seenControlNumbers.reserveCapacity(prepared.count)
        for claim in prepared {
            let draft = claim.draft
            let controlNumber = draft.summary.patientControlNumber
            if let other = seenControlNumbers[controlNumber] {
                throw Claim837PError(encounterId: draft.summary.encounterId, field: "id",
                                     message: "gives CLM01 '\(controlNumber)', already used by encounter \(other) in this file; "
                                         + "encounter ids must be unique (case-insensitively)")
            }
            seenControlNumbers[controlNumber] = draft.summary.encounterId
            drafts.append(draft)
        }
        guard !drafts.isEmpty else {
            throw Claim837PError(encounterId: nil, field: "encounters",
                                 message: "none has a bill line for \(payer.slug); write no 837P for this payer")
        }

        // Same subscriber (and patient) → same HL: group by first appearance, keep input order inside.
        // Groups hold positions in `drafts` (which are positions in `prepared`).
        var groupOf: [SubscriberKey: Int] = [:]
        var groups: [[Int]] = []
        groupOf.reserveCapacity(drafts.count)
        for (position, draft) in drafts.enumerated() {
            if let group = groupOf[draft.subscriberKey] {
                groups[group].append(position)
            } else {
                groupOf[draft.subscriberKey] = groups.count
                groups.append([position])
            }
        }
        let positions = groups.flatMap { $0 }
        let ordered = positions.map { drafts[$0] }
        let chunks = stride(from: 0, to: ordered.count, by: maxClaimsPerTransactionSet).map {
            Array(ordered[$0..<min($0 + maxClaimsPerTransactionSet, ordered.count)])
        }
        if let first = envelope.problems(transactionSetCount: chunks.count).first { throw first }

        let writer = X12Writer(writerConfiguration)
        var segments = interchangeHeader(header, envelope: envelope)
        let headerText: String
        var setsText = ""
        var claims: [Claim837PClaim] = []
        var setControlNumbers: [String] = []
        do {
            headerText = try writer.write(segments)
        } catch {
            throw Claim837PError(encounterId: nil, field: "x12", message: "internal: the encoder built an unwritable segment: \(error)")
        }
        if !keepSegments { segments = [] }
        for (setIndex, chunk) in chunks.enumerated() {
            let controlNumber = envelope.transactionSetControlNumber(at: setIndex)
            setControlNumbers.append(controlNumber)
            let set = try transactionSet(chunk, controlNumber: controlNumber, header: header, envelope: envelope,
                                         isSplit: chunks.count > 1, keepSegments: keepSegments)
            segments += set.segments
            setsText += set.text
            claims += chunk.map { draft in
                var summary = draft.summary
                summary.transactionSetControlNumber = controlNumber
                return summary
            }
        }
        let trailer = [X12Segment("GE", X12Element(String(chunks.count)), X12Element(String(envelope.groupControlNumber))),
                       X12Segment("IEA", "1", X12Element(envelope.formattedInterchangeControlNumber))]
        if keepSegments { segments += trailer }
        let trailerText: String
        do {
            trailerText = try writer.write(trailer)
        } catch {
            // Unreachable when every value went through FieldChecker; kept as a last line of defence.
            throw Claim837PError(encounterId: nil, field: "x12", message: "internal: the encoder built an unwritable segment: \(error)")
        }
        return Claim837PInterchange(headerText: headerText, transactionSetsText: setsText, trailerText: trailerText,
                                    segments: segments, claims: claims, preparedPositions: positions,
                                    transactionSetControlNumbers: setControlNumbers,
                                    interchangeControlNumber: envelope.formattedInterchangeControlNumber,
                                    groupControlNumber: String(envelope.groupControlNumber))
    }

    /// ISA and GS (GS01 `HC` and GS08 the 837P's guide unless another transaction, such as a 270, asks).
    func interchangeHeader(_ header: HeaderParts, envelope: EnvelopeContext, functionalId: String = "HC",
                           implementationGuide: String = Self.implementationGuide) -> [X12Segment] {
        envelope.interchangeHeader(sender: (header.senderQualifier, header.senderId), receiver: (header.receiverQualifier, header.receiverId),
                                   application: (header.applicationSender, header.applicationReceiver), usage: header.usage,
                                   functionalId: functionalId, guide: implementationGuide, delimiters: writerConfiguration.delimiters)
    }

    /// ST … SE for up to `maxClaimsPerTransactionSet` claims, HLs numbered from 1, as segments and as
    /// text (claims drafted with their text are not rendered again).
    func transactionSet(_ drafts: [ClaimDraft], controlNumber: String, header: HeaderParts, envelope: EnvelopeContext,
                        isSplit: Bool, keepSegments: Bool = true) throws(Claim837PError) -> (segments: [X12Segment], text: String) {
        let writer = X12Writer(writerConfiguration)
        var text = ""
        var written = 0
        /// Segments counted for SE01 but no longer held (`keepSegments: false` drops them once written).
        var dropped = 0
        func writePending(_ segments: inout [X12Segment]) throws(Claim837PError) {
            // Nothing pending (claims after a claim under the same HL): the writer was already used
            // with this configuration, so it has nothing to add.
            if written == segments.count { return }
            do {
                text += try writer.write(segments[written...])
            } catch {
                // Unreachable when every value went through FieldChecker; kept as a last line of defence.
                throw Claim837PError(encounterId: nil, field: "x12", message: "internal: the encoder built an unwritable segment: \(error)")
            }
            if keepSegments {
                written = segments.count
            } else {
                dropped += segments.count
                segments.removeAll(keepingCapacity: true)
                written = 0
            }
        }
        // BHT03: the batch reference (default ISA13); `-ST02` keeps it unique when the file is split.
        let base = envelope.batchReference.flatMap { try? X12Text.prepare($0).get() } ?? envelope.formattedInterchangeControlNumber
        let reference = isSplit ? base + "-" + controlNumber : base
        var segments = [
            X12Segment("ST", "837", X12Element(controlNumber), X12Element(Self.implementationGuide)),
            X12Segment("BHT", "0019", "00", X12Element(reference), X12Element(envelope.creationDate.compact),
                       X12Element(envelope.creationTime), "CH"),
        ]
        segments += header.submitterAndReceiver
        segments.append(X12Segment("HL", "1", "", "20", "1"))
        segments += header.billingProvider

        var hierarchicalId = 1
        var start = 0
        while start < drafts.count {
            // A run of claims with the same subscriber/patient, at most 100 per HL.
            let key = drafts[start].subscriberKey
            var end = start + 1
            while end < drafts.count, end - start < Self.maxClaimsPerHierarchicalLevel, drafts[end].subscriberKey == key { end += 1 }

            hierarchicalId += 1
            let subscriberId = hierarchicalId
            segments.append(X12Segment("HL", X12Element(String(subscriberId)), "1", "22", key.patient == nil ? "0" : "1"))
            segments += key.subscriber
            if let patient = key.patient {
                hierarchicalId += 1
                segments.append(X12Segment("HL", X12Element(String(hierarchicalId)), X12Element(String(subscriberId)), "23", "0"))
                segments += patient
            }
            for draft in drafts[start..<end] {
                if let rendered = draft.renderedClaim {
                    try writePending(&segments)
                    text += rendered
                    if keepSegments {
                        segments += draft.claimSegments
                        written = segments.count
                    } else {
                        dropped += draft.claimSegments.count + draft.droppedSegmentCount
                    }
                } else {
                    segments += draft.claimSegments
                }
            }
            start = end
        }
        segments.append(X12Segment("SE", X12Element(String(dropped + segments.count + 1)), X12Element(controlNumber)))
        try writePending(&segments)
        return (keepSegments ? segments : [], text)
    }
}

/// A claim checked and drafted by `Claim837PEncoder.prepare`, ready to encode.
public struct Claim837PPreparedClaim: Sendable {
    let draft: ClaimDraft
    public var encounterId: String { draft.summary.encounterId }

    /// The claim without its segments once its text is rendered (a fraction of the memory): all
    /// `encode(prepared:keepSegments: false)` needs, which is how a batch encodes the up to 500 claims
    /// per payer waiting for their transaction set. Not for `keepSegments: true`.
    public var textOnly: Claim837PPreparedClaim {
        guard draft.renderedClaim != nil, !draft.claimSegments.isEmpty else { return self }
        return Claim837PPreparedClaim(draft: ClaimDraft(summary: draft.summary, subscriberKey: draft.subscriberKey, claimSegments: [],
                                                        renderedClaim: draft.renderedClaim,
                                                        droppedSegmentCount: draft.droppedSegmentCount + draft.claimSegments.count))
    }
}

/// What `Claim837PEncoder.encode` produced: the file text plus what the batch engine records.
public struct Claim837PInterchange: Sendable, Hashable {
    /// The interchange, ready to write to `DIR/x12/*.x12`.
    public var text: String { headerText + transactionSetsText + trailerText }
    /// ISA and GS.
    public var headerText: String
    /// Every ST … SE: what a batch appends to a payer's file as it goes.
    public var transactionSetsText: String
    /// GE and IEA.
    public var trailerText: String
    /// Every segment, in order (empty when encoded with `keepSegments: false`).
    public var segments: [X12Segment]
    /// One per encounter with bill lines, in the order written.
    public var claims: [Claim837PClaim]
    /// For each of `claims`, its position among the claims given to `encode(prepared:)` (claims are
    /// written grouped by subscriber, not in the order given); for `encode(_:envelope:)`, among the
    /// encounters with bill lines.
    public var preparedPositions: [Int]
    /// ST02 of each transaction set, in order.
    public var transactionSetControlNumbers: [String]
    /// ISA13 as written (9 digits).
    public var interchangeControlNumber: String
    /// GS06 as written.
    public var groupControlNumber: String
}

/// One claim (CLM) in an interchange.
public struct Claim837PClaim: Sendable, Hashable {
    public var encounterId: String
    /// CLM01: the encounter id upper-cased; the 835 echoes it in CLP01.
    public var patientControlNumber: String
    /// CLM02: the sum of the bill lines' charges.
    public var totalCharge: Decimal
    /// 1-based encounter line numbers billed, in the order of the LX loops.
    public var lines: [Int]
    /// REF*6R of each billed line (`<CLM01>-<line>`), parallel to `lines`; the 835 echoes them.
    public var lineControlNumbers: [String]
    /// ST02 of the transaction set holding the claim.
    public var transactionSetControlNumber: String
}
