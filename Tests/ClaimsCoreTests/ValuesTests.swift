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

    /// FIPS 180-4 / NIST examples: the 448-bit and 896-bit messages, a million `a` (15,625 blocks).
    @Test func sha256MatchesNISTExamples() {
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                  + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length from 0 to 200 bytes (one to four blocks, every padding case): the first eight
    /// bytes of each digest, from Python's hashlib (an independent implementation), for the message
    /// of bytes `(31 i + 7 n + 1) mod 256`. Also through `digest(_:into:)`, which the FHIR ids use.
    @Test func sha256MatchesAReferenceAtEveryLengthTo200() {
        let expected = Self.referencePrefixes.joined(separator: " ").split(separator: " ").map(String.init)
        #expect(expected.count == 201)
        for length in 0...200 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 31 + length * 7 + 1) }
            let digest = SHA256.digest(message)
            #expect(SHA256.hex(message).prefix(16) == expected[length], "length \(length)")
            let inPlace = message.withUnsafeBufferPointer { bytes in
                [UInt8](unsafeUninitializedCapacity: 40) { out, count in
                    out.initialize(repeating: 0xAA)
                    SHA256.digest(bytes, into: out)
                    count = 40
                }
            }
            #expect(Array(inPlace.prefix(32)) == digest && inPlace.suffix(8).allSatisfy { $0 == 0xAA }, "length \(length)")
        }
    }

    private static let referencePrefixes = [
        "e3b0c44298fc1c14 beead77994cf5733 aed78e72844b359e 5a3becd29a44530c 0d75ba6855980b54 4ce2b30937c5b6bb",
        "93f5b52c41e74b9e e0c0e03cb8f27f66 1eb3acce0b825cbd 89201672dc1b033a a68ed222cb4dbdc9 4ef77b4a25e6752e",
        "ffe689b6a18af245 f0bf904d5c918db5 d675a479f395d876 a5aac7bef12b848d a2d3632a68fd8aab 1d797576427781ca",
        "95edab261376950f 60e98b5f0fff4154 58dd0645ad31d264 d2f110f05ccadece 54878b8954cfe8d6 cace4f3cb253e966",
        "34af08856075fbd0 57edabad1216506b bb5683edafd91333 1a2ea4ca6fae8272 48977b7b9615629a 589dbdb8398e69a2",
        "52ddafe9b1980382 d5878db59d3c5a5b f6f38f92d8e4b44a 10539e5b9a54c032 a2596f81d92b48ed 07c1c85c11573492",
        "67beb5d67a210c2c 97b361324d4a0ba8 19863b0fa8444e35 f53e8e63a7ec5afd 7e3a5ff6ae81ec85 5010886ea716773e",
        "f0a3342a563b0004 0cdca12604373c76 1502de912ca4550c dcdde02492ad2d6b ebb0cdff5c6b0c31 f228868fad41cea5",
        "84f6143b2a2c5d58 c6cb1e66776e50de 7e3a437fda27ab10 455fb2ebe27afaaf 84d9654165b59358 87d2e09bce0c24db",
        "340c7e6183109260 2390a4095e89b748 872304bdfee890d2 820a527990d7f0c1 586245c924ceec9d 4eaf62d138d01274",
        "05adc8146297f33f 346cc077a3bbecdd 06461f93c4ea69d8 1298ec2c9f20f112 d58c90a7e23af7c4 2419df12dd6edd4c",
        "f341d0b0b7a550f9 388dd371ec2f3351 d1cd1350a9e4bd42 4037aa9bbedf62ba 752bcc05e4cd12f2 b7128429a26945d2",
        "a09220f58ea9b866 d91f0b5923512476 7bf9fa01704b1fc3 7b38203ea3678dfb e9940a74ee87fb27 74d830db39691f46",
        "0152b36b447284d4 65f165b8ab0e43bc 8a3344463dc6bfac 5362e808843bd337 4188b40837d8c491 f4b5cdffe402954f",
        "28d23e707cfa43a0 963e9862e4ce9142 231df36a8b652bd6 4198665c9759bea1 79dd657f5226933e 739643fd057d29cc",
        "83a4de5584418c34 febda1501b1f70fd 00cdb9b1767db657 c01cc9a38965e367 05a882644922d19d 994b8a93d13dfd2f",
        "c17bba84b5a276a8 5bd979f2538fd88a 5678dc57d9f931a8 78e1d359efdf8acd c52e83a76af88148 37adcc9741df7fde",
        "adf1d05e2e64263b 4127ae3114588153 c88a1f2c878fc38b 693d243abab55ba8 8329746625cbf526 e83e6a28b27b88d6",
        "4da4f8576969472d b39ff2ba2153ba62 8ee3c4970bcbe067 9adee60e384e8b1f 0c27e67ed1ff3acb 7ed61fb4c2dff2c8",
        "770059d505aa6d50 6410164b7d259d6b 1dafe46ecf74a6f5 2f704aa45fbc77ac d4ffb16b3f8d6304 87b9f9346669e938",
        "b37166dff9a90c46 86af51567a1572f9 e47ee73c699f26ef da394cb0a48c94e4 fda5253f00df984d ecb6172ce2978542",
        "0ffa1186a3c1b596 4bd076c2ad2deae5 ad56b8866cb8127a d83048ac928ca6a8 3234cedd8693917d 4ac57d5ca24016f3",
        "c06a1ab8966b795f be9559d388988982 be507b62e3398d63 3649f9583190f32c e4c8d7addf98875f 923c597d46125479",
        "1feb890b6782be0f 65a84ded1d45e4b8 073a12b87607d833 1e8ec7cbaafbbd66 6790c91f3e2cd3fb 2a3e443e41c32a2e",
        "51342db3088ed65d bd87c8c9b45a21d4 36afe8c1d6c0eb93 04615bf199183df0 44eee7c139824424 033cc62c80d878d9",
        "cb2ea6d60a97956f 6fa8c3b3329ebc05 ab1d8f24d535e02a 1f5a62d158b25fec 835e4f657402e88f e22fbaff77075d2b",
        "987f0edc51ad6d43 9696209aa955fea7 d3169f42cd679387 c6d94f2c86e28566 720dfee71af7da9c ea5b45817c36a78c",
        "c646482a996e8edf f80107bf5aad41f0 5c0b5739b07a095b 82a3bb3d91ac467c e902068cea962ad4 a0715c8dd29bdf28",
        "7a7c35b66f827d27 3909ec900d9a537d 949ce8799261b491 522ee912af2d73a1 6b8eb6824a09d3f6 eaad412757a640a3",
        "8dcd3633e4913371 6fb12d01ea15f264 69868a93ec07c3eb f14dfaed2bfad793 fcf14e4b7b3f0d59 a4913d50f4396ba1",
        "5220eab80211c6c5 3aa60709ff365d64 b305d3e47f8f1ea0 88576225b7a8ee0a ca1378fb85b71bff 0884bb149d31e67d",
        "b1cd1fe877943599 3029ef188d0aa141 82c2de0a9772a85b cec5170a73b89772 71d2833de59cd96c ef2cb5e8aa81103a",
        "01eeb9a8b2835f60 88ef1c303025a4a2 eb7d80afa22536db 8610de03520ed5b3 f5bd65bd511a5941 473bb0e8629e8e0c",
        "4a56c42628b40ab1 b7d789c28f7588c2 1c830283e61c2604",
    ]

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
