import ClaimsCore
import Foundation

/// The checks that need more than one segment: HL numbering, parents, level codes and child codes;
/// LX numbering; and what pyx12 does not check at all — NPI check digits, ICD-10-CM code shape,
/// CLM02 = Σ SV102, diagnosis pointers within the claim's HI codes, NDC shape, claim frequency
/// (and REF*F8 for a replacement or void). State is one claim and the open HL chain: bounded memory.
struct ClaimChecks837P {
    struct Problem {
        var segment: Int
        var line: Int
        var segmentId: String
        var element: String?
        var rule: String
        var message: String
    }

    private struct HL {
        var id: Int
        var level: String
        var childCode: String
        var segment: Int
        var line: Int
        var hasChild = false
    }

    private struct Claim {
        var segment: Int
        var line: Int
        var total: Decimal?
        var totalText: String
        var frequency: String
        var lineSum: Decimal = 0
        var lineSumKnown = true
        var lines = 0
        var diagnoses = 0
        var hasOriginalReference = false
    }

    /// The open HL chain (a parent stays open while its children follow).
    private var hlChain: [HL] = []
    private var hlCount = 0
    private var lxCount = 0
    private var claim: Claim?
    private(set) var claims = 0
    private(set) var serviceLines = 0
    private var problems: [Problem] = []
    /// The segment being checked, for `fail`.
    private var current: (number: Int, line: Int, id: UInt32) = (0, 0, 0)


    static let frequencies: Set<String> = ["1", "7", "8"]
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// Checks `segment`; `inClaimLoop`: the map placed it in (or under) a claim's loop 2300.
    mutating func check(_ segment: X12SegmentView, number: Int, line: Int, inClaimLoop: Bool) -> [Problem] {
        problems = []
        current = (number, line, segment.idCode)
        switch segment.idCode {
        case SegmentCode837P.st:
            closeClaim(); closeHLs(keeping: nil); hlCount = 0
        case SegmentCode837P.se:
            closeClaim(); closeHLs(keeping: nil)
        case SegmentCode837P.hl:
            closeClaim()
            checkHL(segment, number: number, line: line)
        case SegmentCode837P.clm:
            closeClaim()
            claims += 1; lxCount = 0
            let total = segment.value(2)
            let frequency = segment[5].map { $0.component(2).text } ?? ""
            claim = Claim(segment: number, line: line, total: Self.decimal(total), totalText: total.text, frequency: frequency)
            if !frequency.isEmpty && !Self.frequencies.contains(frequency) {
                fail("CLM05-3", "837p/claim-frequency",
                     "claim frequency '\(ElementChecks837P.quote(frequency))' is not one a professional claim uses: 1 original, 7 replacement, 8 void")
            }
        case SegmentCode837P.ref where inClaimLoop && segment.value(1).isText("F8"):
            claim?.hasOriginalReference = true
        case SegmentCode837P.hi:
            checkDiagnoses(segment)
        case SegmentCode837P.lx:
            lxCount += 1
            if !Self.isNumeral(segment.value(1), of: lxCount) {
                fail("LX01", "837p/lx-number", "LX01 is '\(ElementChecks837P.quote(segment.value(1).text))' but this is service line \(lxCount) of the claim; number lines 1, 2, 3, … within each claim")
            }
        case SegmentCode837P.sv1:
            checkServiceLine(segment)
        case SegmentCode837P.nm1 where segment.value(8).isText("XX"):
            let npi = segment.value(9).text
            if !npi.isEmpty && !NPI.isValid(npi) {
                fail("NM109", "837p/npi-check-digit",
                     "NPI '\(ElementChecks837P.quote(npi))' is not 10 digits with a valid check digit (Luhn over 80840 + the first 9); copy it again from NPPES")
            }
        case SegmentCode837P.lin where segment.value(2).isText("N4"):
            let ndc = segment.value(3).text
            if ndc.utf8.count != 11 || !ndc.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                fail("LIN03", "837p/ndc-format",
                     "NDC '\(ElementChecks837P.quote(ndc))' must be 11 digits in 5-4-2 form without hyphens (e.g. 50458002803); pad the short part with a leading 0")
            }
        default:
            break
        }
        return problems
    }

    /// The end of the file: the last claim and HL chain are checked.
    mutating func finish() -> [Problem] {
        problems = []
        closeClaim(); closeHLs(keeping: nil)
        return problems
    }

    private mutating func fail(_ element: String?, _ rule: String, _ message: String) {
        problems.append(Problem(segment: current.number, line: current.line, segmentId: Self.idText(current.id), element: element, rule: rule, message: message))
    }

    private mutating func checkHL(_ segment: X12SegmentView, number: Int, line: Int) {
        hlCount += 1
        let idText = segment.value(1).text, parentText = segment.value(2).text, level = segment.value(3).text, childCode = segment.value(4).text
        if idText != String(hlCount) {
            fail("HL01", "837p/hl-number", "HL01 is '\(ElementChecks837P.quote(idText))' but this is HL \(hlCount) of the transaction set; number HLs 1, 2, 3, … in order")
        }
        let id = Int(idText) ?? hlCount
        if parentText.isEmpty {
            closeHLs(keeping: nil)
            if level != "20" && !level.isEmpty {
                fail("HL02", "837p/hl-parent", "HL02 is empty but level \(level) needs a parent; only the billing provider (20) has none")
            }
        } else if let parent = Int(parentText), hlChain.contains(where: { $0.id == parent }) {
            closeHLs(keeping: parent)
            let parentLevel = hlChain.last?.level ?? ""
            let expected = ["22": "20", "23": "22"][level]
            if let expected, parentLevel != expected {
                fail("HL02", "837p/hl-level",
                     "HL level \(level) has parent HL \(parent) of level \(parentLevel); a \(level == "22" ? "subscriber (22) belongs under a billing provider (20)" : "patient (23) belongs under a subscriber (22)")")
            }
            if level == "20" {
                fail("HL02", "837p/hl-parent", "a billing provider HL (20) has no parent; leave HL02 empty")
            }
            hlChain[hlChain.count - 1].hasChild = true
        } else {
            fail("HL02", "837p/hl-parent", "HL02 '\(ElementChecks837P.quote(parentText))' is not an open HL above this one; point it at the HL01 of the parent billing provider or subscriber")
        }
        hlChain.append(HL(id: id, level: level, childCode: childCode, segment: number, line: line))
    }

    /// Closes the HLs below `parent` (all when nil), checking each one's HL04 against its children.
    private mutating func closeHLs(keeping parent: Int?) {
        while let last = hlChain.last, last.id != parent {
            hlChain.removeLast()
            let expected = last.hasChild ? "1" : "0"
            if last.childCode != expected && (last.childCode == "0" || last.childCode == "1") {
                problems.append(Problem(segment: last.segment, line: last.line, segmentId: "HL", element: "HL04", rule: "837p/hl-child-code",
                                        message: "HL04 is \(last.childCode) but HL \(last.id) \(last.hasChild ? "has" : "has no") child HL; set HL04 to \(expected)"))
            }
        }
    }

    private mutating func checkDiagnoses(_ segment: X12SegmentView) {
        var codes = 0
        for index in 0..<segment.elementCount {
            guard let element = segment[index + 1], element.componentCount >= 2 else { continue }
            let qualifier = element.component(0)
            guard qualifier.isText("ABK") || qualifier.isText("ABF") else { continue }
            codes += 1
            let code = element.component(1).text
            if code.utf8.contains(UInt8(ascii: ".")) || DiagnosisCode(code) == nil {
                fail(X12Finding.reference("HI", index + 1, 2), "837p/icd10-format",
                     "'\(ElementChecks837P.quote(code))' is not an ICD-10-CM code as X12 writes it: a letter, a digit, then 1–5 letters or digits, no decimal point (F33.2 is sent as F332)")
            }
        }
        if codes > 0, claim != nil, claim!.diagnoses == 0 { claim!.diagnoses = codes }
    }

    private mutating func checkServiceLine(_ segment: X12SegmentView) {
        serviceLines += 1
        guard claim != nil else { return }
        claim!.lines += 1
        if let charge = Self.decimal(segment.value(2)) { claim!.lineSum += charge } else { claim!.lineSumKnown = false }
        let diagnoses = claim!.diagnoses
        guard let pointers = segment[7] else { return }
        // One pass over the components (a hostile element may hold many); the valid pointers seen so
        // far by their text (validity depends on the text alone, so a repeat of one is a repeat).
        var components = pointers.components
        var validSeen = Set<String>()
        for index in 0..<pointers.componentCount {
            let pointer = components.next()
            if pointer.isEmpty { continue }
            let reference = X12Finding.reference("SV1", 7, index + 1)
            let text = pointer.text
            guard let value = Int(text), value >= 1, value <= max(diagnoses, 1), diagnoses > 0 else {
                fail(reference, "837p/diagnosis-pointer",
                     "diagnosis pointer '\(ElementChecks837P.quote(text))' does not point at one of the claim's \(diagnoses) diagnosis code(s) in HI; use 1–\(max(diagnoses, 1))")
                continue
            }
            if !validSeen.insert(text).inserted {
                fail(reference, "837p/diagnosis-pointer", "diagnosis pointer \(value) is given twice on this line; list each diagnosis once")
            }
        }
    }

    /// The claim just finished: its total equals its lines, a replacement or void names the original.
    private mutating func closeClaim() {
        guard let finished = claim else { return }
        claim = nil
        var found: [Problem] = []
        func fail(_ element: String, _ rule: String, _ message: String) {
            found.append(Problem(segment: finished.segment, line: finished.line, segmentId: "CLM", element: element, rule: rule, message: message))
        }
        if let total = finished.total, finished.lineSumKnown, finished.lines > 0, total != finished.lineSum {
            fail("CLM02", "837p/claim-total",
                 "CLM02 is \(finished.totalText) but the \(finished.lines) service line(s) add up to \(finished.lineSum) (SV102); make the total the sum of the line charges")
        }
        if (finished.frequency == "7" || finished.frequency == "8") && !finished.hasOriginalReference {
            fail("CLM05-3", "837p/claim-frequency",
                 "a \(finished.frequency == "7" ? "replacement (7)" : "void (8)") claim needs REF*F8 with the payer's claim control number of the original claim")
        }
        problems += found
    }

    /// An R value as an exact Decimal (digits read directly: no locale, no Foundation parser for the
    /// usual amounts); nil when it is not a number.
    static func decimal(_ text: X12Bytes) -> Decimal? {
        guard ElementChecks837P.isDecimal(text), !text.isEmpty else { return nil }
        var significand: UInt64 = 0, scale = 0, digits = 0, negative = false, afterPoint = false
        for byte in text {
            switch byte {
            case 0x2D: negative = true
            case 0x2E: afterPoint = true
            default:
                digits += 1
                if digits > 18 { return Decimal(string: text.text, locale: posix) }
                significand = significand * 10 + UInt64(byte - 0x30)
                if afterPoint { scale += 1 }
            }
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: -scale, significand: Decimal(significand))
    }

    /// `text` is `number` written out (`12`, not `012`), compared without building a string.
    static func isNumeral(_ text: X12Bytes, of number: Int) -> Bool {
        var rest = number, position = text.count
        repeat {
            position -= 1
            guard position >= 0, text[position] == UInt8(0x30 + rest % 10) else { return false }
            rest /= 10
        } while rest > 0
        return position == 0
    }

    /// A segment id back from `X12SegmentView.code`.
    private static func idText(_ code: UInt32) -> String {
        String(decoding: withUnsafeBytes(of: code.bigEndian) { Array($0.drop { $0 == 0 }) }, as: UTF8.self)
    }
}
