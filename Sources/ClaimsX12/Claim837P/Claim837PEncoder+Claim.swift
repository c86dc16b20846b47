import ClaimsCore
import Foundation

/// One encounter's claim, built and checked but not yet placed under an HL. Immutable and shared:
/// a batch hands a drafted claim from the pool to its payer's chunk and on to the encoder, and a
/// struct copy at each step retained every string and array of the claim (a reference, one count).
final class ClaimDraft: Sendable {
    let summary: Claim837PClaim
    /// What decides the 2000B/2000C the claim hangs under; claims with equal keys share one.
    let subscriberKey: SubscriberKey
    /// 2300 CLM through the last 2400/2410 segment.
    let claimSegments: [X12Segment]
    /// `claimSegments` as written (each checked by the writer), made when the claim is drafted so a
    /// batch renders claims in parallel; nil until then.
    let renderedClaim: String?
    /// Segments of the claim no longer held (`Claim837PPreparedClaim.textOnly`), still counted in SE01.
    let droppedSegmentCount: Int

    init(summary: Claim837PClaim, subscriberKey: SubscriberKey, claimSegments: [X12Segment], renderedClaim: String?,
         droppedSegmentCount: Int = 0) {
        self.summary = summary; self.subscriberKey = subscriberKey; self.claimSegments = claimSegments
        self.renderedClaim = renderedClaim; self.droppedSegmentCount = droppedSegmentCount
    }
}

/// 2000B content (SBR, 2010BA, 2010BB) and, for a dependent, 2000C content (PAT, 2010CA).
struct SubscriberKey: Hashable, Sendable {
    let subscriber: [X12Segment]
    let patient: [X12Segment]?
    /// Hashing every segment dominated grouping; the subscriber's NM1 (name and member ID) and the
    /// patient's NM1 already tell keys apart (equality still compares everything). Hashed
    /// once, when the claim is drafted on the pool: grouping on the 837P writer's queue hashed each
    /// key twice per claim (~2,500 instructions a look-up).
    private let summaryHash: Int

    init(subscriber: [X12Segment], patient: [X12Segment]?) {
        self.subscriber = subscriber
        self.patient = patient
        // The names and member ID of those NM1s (their other elements are codes every claim shares).
        var hasher = Hasher()
        func combine(_ segments: [X12Segment]?) {
            let name = segments.flatMap { $0.count > 1 ? $0[1] : $0.first }
            hasher.combine(name?.value(3)); hasher.combine(name?.value(4)); hasher.combine(name?.value(9))
        }
        combine(subscriber)
        combine(patient)
        summaryHash = hasher.finalize()
    }

    func hash(into hasher: inout Hasher) { hasher.combine(summaryHash) }

    static func == (lhs: SubscriberKey, rhs: SubscriberKey) -> Bool {
        lhs.summaryHash == rhs.summaryHash && lhs.subscriber == rhs.subscriber && lhs.patient == rhs.patient
    }
}

extension Claim837PEncoder {

    /// Builds the claim of `evaluation`'s `bill` lines; nil draft when it has none.
    func draft(for evaluation: EncounterEvaluation, header: HeaderParts,
               submission: Claim837PSubmission = .original) -> (draft: ClaimDraft?, problems: [Claim837PError]) {
        let billed = evaluation.serviceLines(with: .bill)
        guard let encounter = evaluation.encounter, !billed.isEmpty else { return (nil, []) }
        var check = FieldChecker(encounterId: encounter.id, delimiters: writerConfiguration.delimiters)

        guard let coverage = encounter.coverage else {
            check.fail("coverage", "is null (self-pay); bill lines of a self-pay encounter cannot go on an 837P")
            return (nil, check.problems)
        }
        if coverage.payer != payer.slug {
            check.fail("coverage.payer", "is '\(coverage.payer)' but this 837P is for '\(payer.slug)'; encode each payer's encounters in its own file")
        }
        if billed.count > Self.maxLinesPerClaim {
            check.fail("services", "has \(billed.count) bill lines; an 837P claim carries at most \(Self.maxLinesPerClaim) (2400 loops)")
        }

        // 2000B: SBR + 2010BA subscriber + 2010BB payer. The subscriber is the patient when the
        // relationship is self, else the policy holder named in coverage.subscriber.
        let isSelf = coverage.relationship == .self
        let (subscriber, subscriberField) = policyHolder(coverage, patient: encounter.patient, check: &check)
        let group = check.text(coverage.groupNumber, "coverage.groupNumber", "SBR03", length: 1...50, required: false)
        let memberId = check.text(coverage.memberId, "coverage.memberId", "NM109 of 2010BA", length: 2...80)
        var subscriberSegments: [X12Segment] = []
        subscriberSegments.reserveCapacity(6)
        subscriberSegments.append(X12Segment("SBR", submission.primary == nil ? "P" : "S", isSelf ? "18" : "", X12Element(group),
                                             "", "", "", "", "", X12Element(header.claimFilingIndicator)))
        subscriberSegments.append(personName("IL", subscriber, field: subscriberField, id: memberId, check: &check))
        personDetails(subscriber, field: subscriberField, into: &subscriberSegments, check: &check)
        subscriberSegments.append(header.payer)

        // 2000C: only when the patient is not the subscriber.
        var patientSegments: [X12Segment]?
        if !isSelf {
            let patient = encounter.patient.person
            var segments: [X12Segment] = []
            segments.reserveCapacity(5)
            segments.append(X12Segment("PAT", X12Element(coverage.relationship.x12Code)))
            segments.append(personName("QC", patient, field: "patient", id: nil, check: &check))
            personDetails(patient, field: "patient", into: &segments, check: &check)
            patientSegments = segments
        }

        let (claimSegments, totalCharge) = claimLoop(encounter: encounter, billed: billed, authNumber: evaluation.billedAuthNumber,
                                                     submission: submission, check: &check)
        let controlNumber = claimSegments.first?.value(1) ?? encounter.id
        let summary = Claim837PClaim(
            encounterId: encounter.id, patientControlNumber: controlNumber,
            totalCharge: totalCharge,
            lines: billed.map(\.index),
            lineControlNumbers: billed.map { "\(controlNumber)-\($0.index)" },
            transactionSetControlNumber: "")
        let draft = ClaimDraft(summary: summary, subscriberKey: SubscriberKey(subscriber: subscriberSegments, patient: patientSegments),
                               claimSegments: claimSegments,
                               renderedClaim: check.problems.isEmpty ? try? X12Writer(writerConfiguration).write(claimSegments) : nil)
        return (draft, check.problems)
    }

    /// NM1 for a person: `NM1*IL*1*LAST*FIRST*MIDDLE***MI*ID` or `NM1*QC*1*LAST*FIRST*MIDDLE`.
    func personName(_ entity: String, _ person: Person, field: String, id: String?, check: inout FieldChecker) -> X12Segment {
        let last = check.text(person.lastName, field + ".lastName", "NM103", length: 1...60)
        let first = check.text(person.firstName, field + ".firstName", "NM104", length: 1...35)
        let middle = check.text(person.middleName, field + ".middleName", "NM105", length: 1...25, required: false)
        guard let id else { return X12Segment("NM1", X12Element(entity), "1", X12Element(last), X12Element(first), X12Element(middle)) }
        return X12Segment("NM1", X12Element(entity), "1", X12Element(last), X12Element(first), X12Element(middle), "", "", "MI", X12Element(id))
    }

    /// The subscriber and the input field it comes from: the patient when the relationship is self, else
    /// the policy holder named in `coverage.subscriber` (required then). Shared with the 270.
    func policyHolder(_ coverage: Coverage, patient: Patient, check: inout FieldChecker) -> (person: Person, field: String) {
        guard coverage.relationship != .self else { return (patient.person, "patient") }
        guard let holder = coverage.subscriber else {
            check.fail("coverage.subscriber", "is required when coverage.relationship is '\(coverage.relationship.rawValue)'")
            return (patient.person, "patient")
        }
        return (holder, "coverage.subscriber")
    }

    /// N3, N4, DMG of a person, appended to `segments`.
    func personDetails(_ person: Person, field: String, into segments: inout [X12Segment], check: inout FieldChecker) {
        segments += Self.addressSegments(person.address, field: field + ".address", zipCounts: [5, 9], zipWhat: "a 5- or 9-digit ZIP", check: &check)
        segments.append(X12Segment("DMG", "D8", X12Element(person.dateOfBirth.compact), X12Element(person.sex.rawValue)))
    }

    /// 2300 CLM, REF*G1, HI, 2310B rendering provider, then one 2400 (+2410) per bill line; and CLM02,
    /// the bill lines' charges summed in order (the claim's total, not summed twice).
    func claimLoop(encounter: Encounter, billed: [(index: Int, line: ServiceLine)], authNumber: String?,
                   submission: Claim837PSubmission = .original, check: inout FieldChecker) -> (segments: [X12Segment], total: Decimal) {
        let controlNumber = check.text(encounter.id, "id", "CLM01", length: 1...38)
        let placeOfService = check.digits(encounter.placeOfService, "placeOfService", "CLM05-1", counts: [2],
                                          what: "a 2-digit CMS place-of-service code (11 office, 02/10 telehealth)")
        // Summed in whole cents (adding Decimals cost ~2,300 instructions a line); the Decimal sum
        // only when a charge is refused anyway (negative, more than 2 places) or the sum would wrap.
        var cents: Int64 = 0
        var inCents = true
        for (index, line) in billed {
            let lineCents = check.checkedCents(line.charge, "services[\(index - 1)].charge", "SV102")
            if inCents, let lineCents, lineCents < Int64.max, case (let sum, false) = cents.addingReportingOverflow(lineCents) {
                cents = sum
            } else {
                inCents = false
            }
        }
        let total = inCents ? Money.amount(cents: cents) : billed.reduce(Decimal(0)) { $0 + $1.line.charge }

        var segments: [X12Segment] = []
        // CLM … NM1*82, PRV, 2310C, then 4 to 6 segments a line (more for a secondary claim, which grows it).
        segments.reserveCapacity(10 + 6 * billed.count)
        segments.append(X12Segment("CLM", X12Element(controlNumber), X12Element(Money.x12(total)), "", "",
                                   X12Element(components: [placeOfService, "B", submission.frequency]), "Y", "A", "Y", "Y"))
        if submission.frequency != "1" && submission.frequency != "7" && submission.frequency != "8" {
            check.fail("frequency", "'\(submission.frequency)' is not a claim frequency the batch sends (1 original, 7 replacement, 8 void)")
        }
        if let authNumber {
            let auth = check.text(authNumber, "priorAuthorization", "REF02 of REF*G1", length: 1...50)
            segments.append(X12Segment("REF", "G1", X12Element(auth)))
        }
        if submission.frequency != "1" {
            // A replacement or void names the payer's claim number of the claim it replaces.
            let number = check.text(submission.payerClaimNumber, "payerClaimNumber", "REF02 of REF*F8", length: 1...50)
            segments.append(X12Segment("REF", "F8", X12Element(number)))
        }

        let diagnoses = diagnosisTable(encounter: encounter, billed: billed, check: &check)
        let hiElements = diagnoses.codes.enumerated().map { offset, code in
            X12Element(components: [offset == 0 ? "ABK" : "ABF", code])
        }
        if !hiElements.isEmpty { segments.append(X12Segment("HI", hiElements)) }

        // 2310B: the clinic bills as an organization, so the rendering clinician always differs.
        let provider = encounter.renderingProvider
        let last = check.text(provider.lastName, "renderingProvider.lastName", "NM103", length: 1...60)
        let first = check.text(provider.firstName, "renderingProvider.firstName", "NM104", length: 1...35)
        let npi = check.npi(provider.npi, "renderingProvider.npi", "NM109")
        segments.append(X12Segment("NM1", "82", "1", X12Element(last), X12Element(first), "", "", "", "XX", X12Element(npi)))
        let taxonomy = check.text(provider.taxonomy, "renderingProvider.taxonomy", "PRV03", length: 10...10, required: false)
        if !taxonomy.isEmpty { segments.append(X12Segment("PRV", "PE", "PXC", X12Element(taxonomy))) }

        // 2310C: the service facility, when the encounter's site is not the billing provider's address.
        if let site = clinic.serviceFacility(encounter.location) {
            let field = "clinic.locations[\(site.id)]"
            let name = check.text(site.name, field + ".name", "NM103", length: 1...60)
            if let npi = site.npi {
                let checked = check.npi(npi, field + ".npi", "NM109")
                segments.append(X12Segment("NM1", "77", "2", X12Element(name), "", "", "", "", "XX", X12Element(checked)))
            } else {
                segments.append(X12Segment("NM1", "77", "2", X12Element(name)))
            }
            segments += Self.addressSegments(site.address, field: field + ".address", zipCounts: [9],
                                        zipWhat: "a 9-digit ZIP+4 (2310C must carry ZIP+4)", check: &check)
        }

        let primary = submission.primary
        if let primary {
            segments += otherPayerLoops(primary, patient: encounter.patient.person,
                                        hasLineAdjudication: billed.contains { primary.lines[$0.index] != nil }, check: &check)
        }
        for (offset, (index, line)) in billed.enumerated() {
            serviceLoop(number: offset + 1, index: index, line: line, encounter: encounter, controlNumber: controlNumber,
                        pointers: offset < diagnoses.pointers.count ? diagnoses.pointers[offset] : [], into: &segments, check: &check)
            if let primary, let adjudicated = primary.lines[index], let service = segments.last(where: { $0.id == "SV1" }) {
                segments += lineAdjudication(adjudicated, primary: primary, procedure: service[1] ?? "", units: service.value(4))
            }
        }
        return (segments, total)
    }

    /// 2400 LX, SV1, DTP*472, REF*6R, and 2410 LIN/CTP for a drug line, appended to `segments`.
    func serviceLoop(number: Int, index: Int, line: ServiceLine, encounter: Encounter, controlNumber: String,
                     pointers: [Int], into segments: inout [X12Segment], check: inout FieldChecker) {
        // Named only when something is wrong (the interpolation cost as much as a check).
        func field() -> String { "services[\(index - 1)]" }
        let code = check.text(line.code, field() + ".code", "SV101-2", length: 5...5)
        if !code.isEmpty && !code.unicodeScalars.allSatisfy(X12Delimiters.isLetterOrDigit) {
            check.fail(field() + ".code", "'\(code)' is not a 5-character CPT/HCPCS code (SV101-2)")
        }
        if line.modifiers.count > 4 {
            check.fail(field() + ".modifiers", "has \(line.modifiers.count) modifiers; SV101 carries at most 4")
        }
        var modifiers: [String] = []
        for (position, modifier) in line.modifiers.prefix(4).enumerated() {
            let value = check.text(modifier, field() + ".modifiers[\(position)]", "SV101-\(position + 3)", length: 2...2)
            if !value.isEmpty && !value.unicodeScalars.allSatisfy(X12Delimiters.isLetterOrDigit) {
                check.fail(field() + ".modifiers[\(position)]", "'\(value)' is not a 2-character modifier")
            }
            modifiers.append(value)
        }
        let charge = Money.x12(line.charge)
        let units = check.quantity(line.units, field() + ".units", "SV104")

        let lineControlNumber = "\(controlNumber)-\(index)"
        segments.append(X12Segment("LX", X12Element(String(number))))
        segments.append(X12Segment("SV1", X12Element(components: ["HC", code] + modifiers), X12Element(charge), "UN", X12Element(units),
                                   "", "", X12Element(components: pointers.map(String.init))))
        segments.append(X12Segment("DTP", "472", "D8", X12Element(encounter.dateOfService.compact)))
        // Line item control number: unique within the claim, echoed in 835 REF*6R for line posting.
        segments.append(X12Segment("REF", "6R", X12Element(lineControlNumber)))
        // Characters are never more than UTF-8 bytes: count them only when the bytes are over.
        if lineControlNumber.utf8.count > 50 && lineControlNumber.count > 50 { check.fail("id", "is too long for the line control number (REF*6R holds 50)") }

        if let ndc = line.ndc {
            let digits = check.digits(ndc, field() + ".ndc", "LIN03", counts: [11], what: "an 11-digit NDC (5-4-2) without hyphens")
            var quantity = ""
            if let ndcQuantity = line.ndcQuantity {
                quantity = check.quantity(ndcQuantity, field() + ".ndcQuantity", "CTP04")
            } else {
                check.fail(field() + ".ndcQuantity", "is missing; a line with an NDC needs the drug quantity (CTP04)")
            }
            let unit = (line.ndcUnit ?? "").uppercased()
            if !EncounterDecoder.ndcUnits.contains(unit) {
                check.fail(field() + ".ndcUnit", "is '\(line.ndcUnit ?? "")'; CTP05-1 is one of \(EncounterDecoder.ndcUnits.sorted().joined(separator: ", "))")
            }
            segments.append(X12Segment("LIN", "", "N4", X12Element(digits)))
            segments.append(X12Segment("CTP", "", "", "", X12Element(quantity), X12Element(components: [unit])))
        }
    }

    /// The HI codes (principal first, no dots, duplicates merged, at most 12) and each bill
    /// line's pointers into them (1-based, at most 4), in the order of `billed`.
    func diagnosisTable(encounter: Encounter, billed: [(index: Int, line: ServiceLine)],
                        check: inout FieldChecker) -> (codes: [String], pointers: [[Int]]) {
        let all = encounter.diagnoses.map(\.compact)
        guard let principal = all.first else {
            check.fail("diagnoses", "is empty; a claim needs a principal diagnosis (HI01)")
            return ([], [])
        }
        for (position, code) in all.enumerated() {
            _ = check.text(code, "diagnoses[\(position)]", "HI", length: 3...7)
        }
        var distinct: [String] = []
        for code in all where !distinct.contains(code) { distinct.append(code) }

        for (index, line) in billed {
            for pointer in line.diagnosisPointers where !(1...all.count).contains(pointer) {
                check.fail("services[\(index - 1)].diagnosisPointers",
                           "pointer \(pointer) does not name a diagnosis (the encounter has \(all.count))")
            }
        }
        var codes = distinct
        if codes.count > Self.maxDiagnosesPerClaim {
            // Codes the bill lines point at, by their input pointer (needed only to choose which to keep).
            var pointed: Set<String> = []
            for (_, line) in billed {
                for pointer in line.diagnosisPointers where (1...all.count).contains(pointer) { pointed.insert(all[pointer - 1]) }
            }
            // Keep the principal and what the lines point at, then fill up in input order.
            var kept = distinct.filter { $0 == principal || pointed.contains($0) }
            if kept.count > Self.maxDiagnosesPerClaim {
                check.fail("diagnoses", "bill lines point at \(kept.count) different diagnoses; an 837P claim carries at most \(Self.maxDiagnosesPerClaim)")
                kept = Array(kept.prefix(Self.maxDiagnosesPerClaim))
            }
            for code in distinct where kept.count < Self.maxDiagnosesPerClaim && !kept.contains(code) { kept.append(code) }
            codes = distinct.filter(kept.contains)
        }

        var pointers: [[Int]] = []
        pointers.reserveCapacity(billed.count)
        for (index, line) in billed {
            var mapped: [Int] = []
            for pointer in line.diagnosisPointers where (1...all.count).contains(pointer) {
                if let position = codes.firstIndex(of: all[pointer - 1]), !mapped.contains(position + 1) { mapped.append(position + 1) }
            }
            if line.diagnosisPointers.isEmpty {
                check.fail("services[\(index - 1)].diagnosisPointers", "is empty; every line needs 1–4 diagnosis pointers (SV107)")
            } else if mapped.count > 4 {
                check.fail("services[\(index - 1)].diagnosisPointers", "points at \(mapped.count) diagnoses; SV107 takes at most 4")
                mapped = Array(mapped.prefix(4))
            }
            pointers.append(mapped)
        }
        return (codes, pointers)
    }
}
