import ClaimsCore
import Foundation

/// A 271 Eligibility, Coverage or Benefit Information (005010X279A1) as typed loops, read from the
/// transaction layer (`X12TransactionSet`) like the 999/277CA/835 readers: one `Answer` per subscriber
/// (2000C) or dependent (2000D) with the trace number it echoes, its plan dates, benefits (2110 EB with
/// their MSG and 2120 entities) and rejections (AAA at any level). Every error names segment and element.
public struct Eligibility271: Sendable, Hashable {
    /// BHT03 (our 270's reference, echoed) and BHT04 (the date the payer answered).
    public var reference: String?
    public var date: X12Date?
    /// 2100A NM103 (the payer as it names itself) and AAA of 2100A/2100B (the payer or receiver could not answer).
    public var sourceName: String?
    public var headerRejections: [EligibilityRejection]
    public var answers: [Answer]

    public struct Answer: Sendable, Hashable {
        /// TRN02 of the TRN*2 (our 270's trace numbers echoed); TRN03 the originator (`1` + our EIN).
        public var traceNumbers: [String]
        public var originators: [String]
        /// `2000C` subscriber or `2000D` dependent.
        public var loop: String
        /// NM103/NM104 of the person the answer is about; NM109 of the subscriber (member id).
        public var lastName: String?, firstName: String?, memberId: String?
        public var planBegin: X12Date?, planEnd: X12Date?
        public var benefits: [EligibilityBenefit]
        public var otherPayers: [EligibilityOtherPayer]
        public var rejections: [EligibilityRejection]
        public var messages: [String]
        /// EB05 of the first active-coverage benefit.
        public var planName: String?
        /// Position of the HL in the file.
        public var segmentNumber: Int

        /// Active (EB01 1–5) unless an EB01 6–8 says inactive; error when the payer rejected the inquiry
        /// (AAA) or answered with no coverage benefit at all.
        public var status: EligibilityAnswer.Status {
            if !rejections.isEmpty { return .error }
            if benefits.contains(where: { ["6", "7", "8"].contains($0.code) }) { return .inactive }
            if benefits.contains(where: { ["1", "2", "3", "4", "5"].contains($0.code) }) { return .active }
            return .error
        }
    }

    public init(_ set: X12TransactionSet) throws(X12Error) {
        guard set.transactionSetId == "271" else {
            throw X12Error("transaction set \(set.controlNumber) is a \(set.transactionSetId), not a 271", segmentNumber: set.segments.first?.number)
        }
        answers = []; headerRejections = []
        var level = ""                       // HL03 of the current loop: 20, 21, 22, 23
        var insideBenefitEntities = false    // between LS*2120 and LE*2120
        var subscriberName: (last: String?, first: String?, id: String?) = (nil, nil, nil)
        for located in set.segments {
            let last = answers.count - 1
            switch located.id {
            case "BHT":
                reference = located.optional(3)
                date = located.optional(4).flatMap(X12Date.init)
            case "HL":
                level = try located.required(3, "hierarchical level code")
                insideBenefitEntities = false
                // A subscriber loop that only introduces its dependent (no trace, benefit or rejection of its own) is not an answer.
                if level == "23", let previous = answers.last, previous.loop == "2000C", previous.traceNumbers.isEmpty,
                   previous.benefits.isEmpty, previous.rejections.isEmpty {
                    answers.removeLast()
                }
                if level == "22" || level == "23" {
                    answers.append(Answer(traceNumbers: [], originators: [], loop: level == "22" ? "2000C" : "2000D",
                                          lastName: nil, firstName: nil, memberId: level == "23" ? subscriberName.id : nil,
                                          benefits: [], otherPayers: [], rejections: [], messages: [], segmentNumber: located.number))
                }
            case "TRN" where last >= 0:
                if try located.required(1, "trace type code") == "2" {
                    answers[last].traceNumbers.append(try located.required(2, "reference identification (trace number)"))
                    if let originator = located.optional(3) { answers[last].originators.append(originator) }
                }
            case "NM1":
                if insideBenefitEntities, last >= 0, let benefit = answers[last].benefits.last {
                    let entity = try located.required(1, "entity identifier code")
                    answers[last].otherPayers.append(EligibilityOtherPayer(
                        name: located.optional(3) ?? entity, entity: entity,
                        identifier: located.optional(9), serviceTypes: benefit.serviceTypes, benefitCode: benefit.code))
                } else if level == "20" {
                    sourceName = located.optional(3)
                } else if last >= 0, level == "22" || level == "23" {
                    answers[last].lastName = located.optional(3)
                    answers[last].firstName = located.optional(4)
                    if level == "22" {
                        answers[last].memberId = located.optional(9)
                        subscriberName = (located.optional(3), located.optional(4), located.optional(9))
                    }
                }
            case "AAA":
                let rejection = try Self.rejection(located, loop: Self.loopName(level, inBenefit: last >= 0 && !answers[last].benefits.isEmpty))
                if (level == "22" || level == "23") && last >= 0 { answers[last].rejections.append(rejection) } else { headerRejections.append(rejection) }
            case "DTP" where last >= 0 && answers[last].benefits.isEmpty:
                try Self.readPlanDates(located, into: &answers[last])
            case "EB" where last >= 0:
                insideBenefitEntities = false
                answers[last].benefits.append(try Self.benefit(located))
                if answers[last].planName == nil, ["1", "2", "3", "4", "5"].contains(answers[last].benefits.last?.code ?? "") {
                    answers[last].planName = located.optional(5)
                }
            case "MSG" where last >= 0:
                let text = try located.required(1, "free-form message text")
                if answers[last].benefits.isEmpty {
                    answers[last].messages.append(text)
                } else {
                    answers[last].benefits[answers[last].benefits.count - 1].messages.append(text)
                }
            case "LS": insideBenefitEntities = true
            case "LE": insideBenefitEntities = false
            default: break
            }
        }
    }

    static func loopName(_ level: String, inBenefit: Bool) -> String {
        switch level {
        case "20": "2100A"
        case "21": "2100B"
        case "22": inBenefit ? "2110C" : "2100C"
        case "23": inBenefit ? "2110D" : "2100D"
        default: "header"
        }
    }

    static func readPlanDates(_ located: LocatedSegment, into answer: inout Answer) throws(X12Error) {
        let qualifier = try located.required(1, "date/time qualifier")
        guard ["291", "346", "347"].contains(qualifier) else { return }
        let format = try located.required(2, "date time period format qualifier")
        let text = try located.required(3, "date time period")
        let parts = format == "RD8" ? text.split(separator: "-", omittingEmptySubsequences: false).map(String.init) : [text]
        let dates = parts.map(X12Date.init)
        guard ["D8", "RD8"].contains(format), dates.count == (format == "RD8" ? 2 : 1), let first = dates.first ?? nil, let lastDate = dates.last ?? nil else {
            throw located.error(3, "DTP03 (\(qualifier) date) is '\(X12Amount.preview(text))', not a \(format == "RD8" ? "CCYYMMDD-CCYYMMDD range" : "CCYYMMDD date")")
        }
        switch qualifier {
        case "346": answer.planBegin = first
        case "347": answer.planEnd = first
        default:
            answer.planBegin = first
            if format == "RD8" { answer.planEnd = lastDate }
        }
    }

    static func benefit(_ located: LocatedSegment) throws(X12Error) -> EligibilityBenefit {
        let code = try located.required(1, "eligibility or benefit information code")
        let serviceTypes = located.segment[3]?.repetitions.compactMap { $0.first }.filter { !$0.isEmpty } ?? []
        var percent: Decimal?
        if let text = located.optional(8) {
            guard let fraction = percentFraction(text) else {
                throw located.error(8, "EB08 (percentage as decimal) is '\(X12Amount.preview(text))', not a fraction such as .2 (20%)")
            }
            percent = fraction * 100
        }
        let network: EligibilityBenefit.Network = switch located.optional(12) {
        case "Y": .in
        case "N": .out
        case "W": .notApplicable
        default: .unknown
        }
        let authorization: Bool? = switch located.optional(11) {
        case "Y": true
        case "N": false
        default: nil
        }
        return EligibilityBenefit(code: code, serviceTypes: serviceTypes, coverageLevel: located.optional(2), period: located.optional(6),
                                  amount: try located.optionalAmount(7, "benefit amount")?.decimal, percent: percent,
                                  authorizationRequired: authorization, network: network, procedure: located.optional(13, component: 2))
    }

    /// `.2`, `0.25`, `1`: digits with one point, between 0 and 1.
    static func percentFraction(_ text: String) -> Decimal? {
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }),
              text.utf8.filter({ $0 == 46 }).count <= 1, text != "." else { return nil }
        guard let value = Decimal(string: text.hasPrefix(".") ? "0" + text : text, locale: Locale(identifier: "en_US_POSIX")),
              value >= 0, value <= 1 else { return nil }
        return value
    }

    static func rejection(_ located: LocatedSegment, loop: String) throws(X12Error) -> EligibilityRejection {
        let reason = try located.required(3, "reject reason code")
        let followUp = located.optional(4)
        let words = (EligibilityCodes.rejectReasons[reason] ?? "reject reason \(reason)")
            + (followUp.map { "; " + (EligibilityCodes.followUps[$0] ?? "follow-up \($0)") } ?? "")
        return EligibilityRejection(loop: loop, reason: reason, followUp: followUp, description: words)
    }
}

/// The AAA code lists of 005010X279A1 in words (AAA03 reject reasons, AAA04 follow-up actions).
public enum EligibilityCodes {
    public static let rejectReasons: [String: String] = [
        "04": "authorized quantity exceeded", "15": "required application data missing", "33": "input errors",
        "35": "out of network", "41": "authorization/access restrictions", "42": "unable to respond at current time",
        "43": "invalid/missing provider identification", "45": "invalid/missing provider specialty", "47": "invalid/missing provider state",
        "48": "invalid/missing referring provider identification number", "49": "provider is not primary care physician",
        "50": "provider ineligible for inquiries", "51": "provider not on file", "52": "service dates not within provider plan enrollment",
        "53": "inquired benefit inconsistent with provider type", "54": "inappropriate product/service ID qualifier",
        "55": "inappropriate product/service ID", "56": "inappropriate date", "57": "invalid/missing date(s) of service",
        "58": "invalid/missing date of birth", "60": "date of birth follows date(s) of service", "61": "date of death precedes date(s) of service",
        "62": "date of service not within allowable inquiry period", "63": "date of service in future", "64": "invalid/missing patient ID",
        "65": "invalid/missing patient name", "66": "invalid/missing patient gender code", "67": "patient not found",
        "68": "duplicate patient ID number", "69": "inconsistent with patient's age", "70": "inconsistent with patient's gender",
        "71": "patient birth date does not match that for the patient on the database", "72": "invalid/missing subscriber/insured ID",
        "73": "invalid/missing subscriber/insured name", "74": "invalid/missing subscriber/insured gender code",
        "75": "subscriber/insured not found", "76": "duplicate subscriber/insured ID number", "77": "subscriber found, patient not found",
        "78": "subscriber/insured not in group/plan identified", "79": "invalid participant identification", "80": "no response received - transaction terminated",
        "97": "invalid or missing provider address", "T4": "payer name or identifier missing",
    ]
    public static let followUps: [String: String] = [
        "C": "please correct and resubmit", "N": "resubmission not allowed", "P": "please resubmit original transaction",
        "R": "resubmission allowed", "S": "do not resubmit; inquiry initiated to a third party", "W": "please wait 30 days and resubmit",
        "X": "please wait 10 days and resubmit", "Y": "do not resubmit; we will hand deliver the response",
    ]
}
