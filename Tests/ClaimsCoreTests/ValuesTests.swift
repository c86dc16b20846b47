import ClaimsCore
import Foundation
import Testing

@Suite struct ValueTests {
    @Test func localDatesAreRealDates() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2026-02-29") == nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "2026-1-01") == nil)
        #expect(LocalDate(iso: "2026-11-03")!.compact == "20261103")
    }

    @Test func dayArithmeticRoundTrips() {
        let date = LocalDate(iso: "2026-11-20")!
        #expect(LocalDate(dayNumber: date.dayNumber) == date)
        #expect(date.adding(days: 11).iso == "2026-12-01")
        #expect(LocalDate(iso: "2026-04-01")!.days(until: date) == 233)
    }

    @Test func ageCountsWholeYears() {
        let born = LocalDate(iso: "2008-11-21")!
        #expect(born.age(on: LocalDate(iso: "2026-11-20")!) == 17)
        #expect(born.age(on: LocalDate(iso: "2026-11-21")!) == 18)
    }

    @Test func moneyIsExact() {
        #expect(Money.parse("210.10") == Decimal(string: "210.10"))
        #expect(Money.parse("210.105") == nil)
        #expect(Money.parse("-1") == nil)
        #expect(Money.parse("1e3") == nil)
        #expect(Money.format(Decimal(string: "0.1")! + Decimal(string: "0.2")!) == "0.30")
        #expect(Money.x12(Decimal(string: "1120.00")!) == "1120")
        #expect(Money.x12(Decimal(string: "40.50")!) == "40.5")
        #expect(Money.cents(of: Decimal(string: "1289.82")!) == 128_982)
        #expect(Money.cents(of: Decimal(string: "-0.5")!) == -50)
        #expect(Money.cents(of: Decimal(string: "2.345")!) == 235, "beyond two places: rounded half away from zero, as format writes it")
        #expect(Money.format(Decimal(string: "2.345")!) == "2.35")
    }

    @Test func decisionPrecedenceFollowsTheDeclarationOrder() {
        #expect(Decision.allCases.map(\.precedence) == Array(0..<Decision.allCases.count))
        #expect(Decision.allCases.sorted() == Decision.allCases)
    }

    /// The byte-level reader gives exactly what Foundation's parser gives for every accepted amount.
    @Test(arguments: ["0", "7", "210", "210.1", "210.10", "00.50", "999999999999999999", "1234567890123456.78",
                      "12345678901234567890", "123456789012345678901.25"])
    func moneyReadsLikeFoundation(_ text: String) throws {
        let parsed = try #require(Money.parse(text))
        let expected = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
        #expect(parsed == expected)
        #expect(Money.format(parsed) == Money.format(expected))
        #expect(parsed.description == expected.description)
    }

    @Test(arguments: ["", ".5", "5.", "1.2.3", "1,00", " 1", "1 ", "+1", "-0.5", "1.234", "١٢", "1e2"])
    func moneyRejects(_ text: String) {
        #expect(Money.parse(text) == nil)
    }

    @Test(arguments: [("1234567893", true), ("1245319599", true), ("1234567890", false), ("123456789", false), ("12345678a3", false),
                      ("１２３４５６７８９３", false), ("12345678933", false)])
    func npiCheckDigit(_ npi: String, _ valid: Bool) {
        #expect(NPI.isValid(npi) == valid)
    }

    /// `NPI.isValid` reads the digits byte by byte; the standard Luhn check over "80840" and all ten
    /// digits (written here independently) agrees on every NPI of a sweep through the digits.
    @Test func npiCheckDigitAgreesWithLuhn() {
        func luhn(_ digits: [Int]) -> Bool {
            var sum = 0
            for (offset, digit) in digits.reversed().enumerated() {
                let value = offset % 2 == 1 ? digit * 2 : digit
                sum += value > 9 ? value - 9 : value
            }
            return sum % 10 == 0
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var valid = 0
        for _ in 0..<5_000 {
            var digits: [Int] = []
            for _ in 0..<10 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                digits.append(Int(state >> 33) % 10)
            }
            let expected = luhn([8, 0, 8, 4, 0] + digits)
            if expected { valid += 1 }
            #expect(NPI.isValid(digits.map(String.init).joined()) == expected, "\(digits)")
        }
        #expect(valid > 300 && valid < 700)
    }

    @Test func diagnosisCodesNormalise() {
        #expect(DiagnosisCode("f33.2")?.compact == "F332")
        #expect(DiagnosisCode("R45851")?.dotted == "R45.851")
        #expect(DiagnosisCode("F3.32") == nil)
        #expect(DiagnosisCode("U07.1") == nil)
        #expect(DiagnosisCode("F33.") == nil)
    }

    /// `iso` and `compact` write four-digit years digit by digit; other years take the padding path.
    @Test func datesAsTextAcrossTheYears() {
        for dayNumber in stride(from: -719_468, through: 3_000_000, by: 997) {
            let date = LocalDate(dayNumber: dayNumber)
            let padded = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
            #expect(date.iso == padded, "\(dayNumber)")
            #expect(date.compact == padded.replacingOccurrences(of: "-", with: ""), "\(dayNumber)")
        }
        #expect(LocalDate(iso: "2026-01-05")?.iso == "2026-01-05")
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// Lengths around the padding boundaries (55/56 bytes: one or two padded blocks; 64: a full block
    /// then padding alone), digests from Python's hashlib.
    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
    ])
    func sha256AcrossBlockBoundaries(length: Int, digest: String) {
        let message = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
        #expect(SHA256.hex(message) == digest)
    }

    @Test func authorizationStatesAreDerived() {
        var auth = PriorAuthorization(patientId: "P", payer: "cigna", service: "spravato", status: .approved, units: 2,
                                      start: LocalDate(iso: "2026-10-01"), end: LocalDate(iso: "2026-11-30"))
        #expect(auth.state(asOf: LocalDate(iso: "2026-11-20")!) == .approved)
        #expect(auth.state(asOf: LocalDate(iso: "2026-12-01")!) == .expired)
        auth.unitsUsed = 2
        #expect(auth.state(asOf: LocalDate(iso: "2026-11-20")!) == .exhausted)
        #expect(!AuthorizationStatus.cancelled.canMove(to: .approved))
        #expect(AuthorizationStatus.denied.canMove(to: .appealed))
    }
}

@Suite struct PayerViewTests {
    /// What a payer's encounters are evaluated against (the evaluator and the checklist share it).
    @Test func payerConditionsShadowSharedOnesAndOptedOutRulesAreDropped() {
        let optedOut = Rule(id: "adult-only", payer: RuleBook.commonSlug, kind: .notCovered, when: .reference("minor"))
        let shared = Rule(id: "kept", payer: RuleBook.commonSlug, kind: .notCovered, when: .age(min: 200, max: nil))
        let payer = PayerRules(slug: "p", name: "P", rules: [Rule(id: "own", payer: "p", kind: .notCovered)],
                               conditions: ["minor": .age(min: nil, max: 17)], excludedCommonRules: ["adult-only"])
        let book = RuleBook(codes: CodeTable(services: [:], codes: [:]),
                            sharedConditions: ["minor": .age(min: nil, max: 10), "other": .age(min: 1, max: nil)],
                            commonRules: [optedOut, shared], payers: ["p": payer])
        let view = book.view(of: payer)
        #expect(view.rules.map(\.qualifiedId) == ["common/kept", "p/own"])
        #expect(view.conditions["minor"] == .age(min: nil, max: 17))
        #expect(view.conditions["other"] == .age(min: 1, max: nil))
        #expect(book.payerViews["p"]?.rules.map(\.qualifiedId) == view.rules.map(\.qualifiedId))
    }
}
