import ClaimsCore
import ClaimsTestSupport
import Foundation
import Testing

/// A small rule book in the shape of POLICY §3 (built in Swift so these tests do not depend on Payers/).
enum ChecklistFixtures {
    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }
    static let asOf = date("2026-11-20")

    static let trdOrMdsi = Condition.any([
        .all([.diagnosis(DiagnosisMatcher(codes: ["F321", "F322", "F331", "F332"])),
              .fact(name: "failedAntidepressantTrials", test: .atLeast(2))], label: "TRD"),
        .all([.diagnosis(DiagnosisMatcher(codes: ["F320", "F321", "F322", "F323", "F329", "F330", "F331", "F332", "F333", "F339"])),
              .diagnosis(DiagnosisMatcher(codes: ["R45851"])), .fact(name: "onOralAntidepressant", test: .equals(.bool(true)))],
             label: "MDSI"),
    ], label: "TRD or MDSI")

    static let spravatoRequirements = [
        Requirement(id: "age-18", description: "patient is 18 or older", condition: .age(min: 18, max: nil)),
        Requirement(id: "trd-or-mdsi", description: "treatment-resistant depression or MDSI", condition: trdOrMdsi),
        Requirement(id: "rems-enrolled", description: "patient enrolled in the Spravato REMS",
                    condition: .fact(name: "remsPatientEnrolled", test: .equals(.bool(true)))),
    ]

    static let tmsRequirements = [
        Requirement(id: "age-18", description: "patient is 18 or older", condition: .age(min: 18, max: nil)),
        Requirement(id: "severe-mdd", description: "severe MDD (F32.2 or F33.2)",
                    condition: .diagnosis(DiagnosisMatcher(codes: ["F322", "F332"]))),
        Requirement(id: "no-seizures", description: "no seizure history",
                    condition: .fact(name: "seizureHistory", test: .equals(.bool(false)))),
    ]

    static func rule(_ id: String, _ payer: String, _ kind: Rule.Kind, services: Set<String>, when: Condition? = nil,
                     message: String? = nil, effective: DateWindow = .always) -> Rule {
        Rule(id: id, payer: payer, kind: kind, lines: LineSelector(services: services), effective: effective, when: when, message: message)
    }

    static func insurer(_ slug: String, _ name: String, phq9: Bool = false) -> PayerRules {
        var spravato = spravatoRequirements
        if phq9 {
            spravato.append(Requirement(id: "phq9-15", description: "PHQ-9 of 15 or more", condition: .fact(name: "phq9", test: .atLeast(15))))
        }
        return PayerRules(slug: slug, name: name, rules: [
            rule("spravato/criteria", slug, .criteria(spravato), services: ["spravato"]),
            rule("spravato/prior-auth", slug, .priorAuthorization, services: ["spravato"]),
            rule("tms/criteria", slug, .criteria(tmsRequirements), services: ["tms"]),
            rule("tms/prior-auth", slug, .priorAuthorization, services: ["tms"]),
            rule("sgb/prior-auth", slug, .priorAuthorization, services: ["sgb"],
                 when: .diagnosis(DiagnosisMatcher(prefixes: ["G905"]))),
        ])
    }

    static let rules = RuleBook(
        codes: CodeTable(services: [
            "spravato": ServiceDefinition(name: "spravato", description: "Spravato"),
            "tms": ServiceDefinition(name: "tms", description: "TMS"),
            "sgb": ServiceDefinition(name: "sgb", description: "Stellate ganglion block"),
            "office-visit": ServiceDefinition(name: "office-visit", description: "Office visit"),
        ], codes: [
            "J0013": ProcedureCode(code: "J0013", service: "spravato", description: "esketamine 1 mg", system: "HCPCS", drug: true),
            "90867": ProcedureCode(code: "90867", service: "tms", description: "TMS initial"),
            "90868": ProcedureCode(code: "90868", service: "tms", description: "TMS subsequent"),
            "64510": ProcedureCode(code: "64510", service: "sgb", description: "stellate ganglion block"),
            "99214": ProcedureCode(code: "99214", service: "office-visit", description: "office visit"),
        ]),
        payers: [
            "bcbs-il": insurer("bcbs-il", "Blue Cross and Blue Shield of Illinois", phq9: true),
            "cigna": insurer("cigna", "Cigna"),
            "il-medicaid": PayerRules(slug: "il-medicaid", name: "Illinois Medicaid", rules: [
                rule("tms/not-covered", "il-medicaid", .notCovered, services: ["tms"], message: "Illinois Medicaid does not cover TMS"),
            ]),
            "medicare-j6": PayerRules(slug: "medicare-j6", name: "Medicare Part B (J6)", rules: [
                rule("tms/criteria", "medicare-j6", .criteria(tmsRequirements), services: ["tms"]),
            ]),
            "self-pay": PayerRules(slug: "self-pay", name: "Self-pay", rules: []),
        ])

    static let officeVisit = ServiceLine(code: "99214", modifiers: ["25"], units: 1, charge: 210)
    static let spravatoLine = ServiceLine(code: "J0013", units: 84, charge: 1120, ndc: "50458002803", ndcQuantity: 3, ndcUnit: "UN")
    static let tmsLine = ServiceLine(code: "90868", units: 1, charge: 300)

    static func spravato(_ id: String = "ENC-1", date: String = "2026-11-23", payer: String = "bcbs-il",
                         clinical: [String: ClinicalFact] = Fixtures.trdFacts, authNumber: String? = nil) -> Encounter {
        Fixtures.encounter(id: id, date: date, payer: payer, clinical: clinical, services: [officeVisit, spravatoLine],
                           priorAuthorization: authNumber)
    }

    static func tms(_ id: String = "ENC-T", date: String = "2026-11-23", payer: String = "cigna",
                    diagnoses: [String] = ["F33.2"], clinical: [String: ClinicalFact] = Fixtures.trdFacts) -> Encounter {
        Fixtures.encounter(id: id, date: date, payer: payer, diagnoses: diagnoses, clinical: clinical, services: [tmsLine])
    }

    static func auth(_ id: Int64, payer: String = "bcbs-il", service: String = "spravato", status: AuthorizationStatus = .approved,
                     number: String? = "BC-778", units: Int? = 12, used: Int = 0, start: String? = "2026-11-01",
                     end: String? = "2027-02-28", submittedOn: String? = nil) -> PriorAuthorization {
        PriorAuthorization(id: id, patientId: "PT-1001", payer: payer, service: service, status: status, authNumber: number,
                           units: units, unitsUsed: used, start: start.map(date), end: end.map(date),
                           submittedOn: submittedOn.map(date))
    }

    static func build(_ encounters: [Encounter], _ auths: [PriorAuthorization] = [], deadlines: [PayerSlug: Int] = [:],
                      rejected: [ChecklistRejection] = []) -> Checklist {
        ChecklistBuilder(rules: rules, decisionDeadlineDays: deadlines)
            .build(encounters: encounters, authorizations: auths, asOf: asOf, rejected: rejected)
    }
}

private typealias F = ChecklistFixtures

/// The checklist suites (nested so `swift test --filter ChecklistTests` selects them all).
@Suite struct ChecklistTests {}

extension ChecklistTests {
    @Suite("Checklist requirements")
    struct Requirements {
        @Test func missingAuthorizationWithCriteriaMetNotMetAndMissing() throws {
            var facts = Fixtures.trdFacts
            facts["remsPatientEnrolled"] = nil
            facts["phq9"] = .number(9)
            let checklist = F.build([F.spravato(clinical: facts)])
            #expect(checklist.items.count == 1, "office visits need nothing and are left out")
            let item = try #require(checklist.items.first)
            #expect((item.patient, item.payer, item.service) == ("PT-1001", "bcbs-il", "spravato"))
            #expect(item.requirements.map(\.id) == ["age-18", "trd-or-mdsi", "rems-enrolled", "phq9-15"])
            #expect(item.requirements.map(\.status) == [.met, .met, .missing, .notMet])
            #expect(item.requirements[2].explanation == "remsPatientEnrolled is missing from the clinical facts")
            #expect(item.requirements[3].explanation == "phq9 is 9, needs at least 15")
            #expect(item.requirements[0].explanation == nil)
            #expect(item.requirements[0].rule == "bcbs-il/spravato/criteria")
            #expect(item.priorAuth.required && item.priorAuth.status == "missing")
            #expect(item.priorAuth.authNumber == nil && item.priorAuth.unitsRemaining == nil && item.priorAuth.end == nil)
            #expect(!item.ready)
            #expect(item.nextSteps.contains("record in the chart: patient enrolled in the Spravato REMS (remsPatientEnrolled is missing from the clinical facts)"))
            #expect(item.nextSteps.contains { $0.hasPrefix("not met: PHQ-9 of 15 or more (phq9 is 9, needs at least 15)") })
            #expect(item.nextSteps.last == "request authorization from Blue Cross and Blue Shield of Illinois for spravato with: patient is 18 or older; treatment-resistant depression or MDSI; patient enrolled in the Spravato REMS; PHQ-9 of 15 or more")
        }

        @Test func criteriaNotMetExplainsWhichPartOfTRDOrMDSIIsMissing() throws {
            var facts = Fixtures.trdFacts
            facts["failedAntidepressantTrials"] = .number(1)
            facts["onOralAntidepressant"] = .bool(false)
            let item = try #require(F.build([F.spravato(payer: "cigna", clinical: facts)]).items.first)
            let trd = try #require(item.requirements.first { $0.id == "trd-or-mdsi" })
            #expect(trd.status == .notMet)
            #expect(trd.explanation?.contains("failedAntidepressantTrials is 1, needs at least 2") == true)
            #expect(trd.explanation?.contains("onOralAntidepressant is false") == true)
        }

        @Test func notCoveredServiceNeedsASelfPayAgreement() throws {
            let item = try #require(F.build([F.tms(payer: "il-medicaid")]).items.first)
            #expect(item.requirements.count == 1)
            #expect(item.requirements[0].id == "not-covered")
            #expect(item.requirements[0].description == "Illinois Medicaid does not cover TMS; a self-pay agreement is needed")
            #expect(!item.requirements[0].met)
            #expect(item.priorAuth.status == "not-required" && !item.priorAuth.required)
            #expect(!item.ready)
            #expect(item.nextSteps == ["have the patient sign a self-pay agreement for tms before treatment: Illinois Medicaid does not cover TMS"])
        }

        @Test func criteriaWithoutPriorAuthorization() throws {
            let ready = try #require(F.build([F.tms(payer: "medicare-j6")]).items.first)
            #expect(ready.priorAuth == .notRequired)
            #expect(ready.ready)
            #expect(ready.nextSteps.isEmpty)

            var facts = Fixtures.trdFacts
            facts["seizureHistory"] = .bool(true)
            let blocked = try #require(F.build([F.tms(payer: "medicare-j6", clinical: facts)]).items.first)
            #expect(!blocked.ready)
            #expect(blocked.requirements.first { $0.id == "no-seizures" }?.status == .notMet)
        }

        @Test func servicesWithoutRulesAndConditionalRulesAreLeftOut() throws {
            let visitOnly = Fixtures.encounter(id: "ENC-V", date: "2026-11-23", services: [F.officeVisit])
            #expect(F.build([visitOnly]).items.isEmpty)
            let selfPay = Fixtures.encounter(id: "ENC-S", date: "2026-11-23", payer: nil, services: [F.tmsLine])
            #expect(F.build([selfPay]).items.isEmpty)

            // The SGB authorization rule applies only with a CRPS diagnosis.
            let ptsd = Fixtures.encounter(id: "ENC-P", date: "2026-11-23", diagnoses: ["F43.10"], services: [ServiceLine(code: "64510", charge: 900)])
            #expect(F.build([ptsd]).items.isEmpty)
            let crps = Fixtures.encounter(id: "ENC-C", date: "2026-11-23", diagnoses: ["G90.512"], services: [ServiceLine(code: "64510", charge: 900)])
            #expect(F.build([crps]).items.map(\.service) == ["sgb"])
        }

        @Test func oneItemPerPatientPayerAndServiceAcrossEncounters() throws {
            let checklist = F.build([F.spravato("ENC-2", date: "2026-11-27"), F.spravato("ENC-1", date: "2026-11-23"),
                                     F.tms("ENC-3", date: "2026-11-24")])
            #expect(checklist.items.map(\.service) == ["spravato", "tms"])
            #expect(checklist.items[0].encounters == ["ENC-1", "ENC-2"])
            #expect(checklist.items[0].dates == [F.date("2026-11-23"), F.date("2026-11-27")])
        }
    }
}

extension ChecklistTests {
    @Suite("Checklist authorization states and warnings")
    struct Authorizations {
        @Test func approvedAuthorizationCoveringTheDateIsReady() throws {
            let item = try #require(F.build([F.spravato()], [F.auth(7, used: 2)]).items.first)
            #expect(item.ready)
            #expect(item.priorAuth.status == "approved")
            #expect(item.priorAuth.authNumber == "BC-778")
            #expect(item.priorAuth.unitsRemaining == 10)
            #expect(item.priorAuth.end == F.date("2027-02-28"))
            #expect(item.priorAuth.message == nil)
            #expect(item.warnings.isEmpty && item.nextSteps.isEmpty)
        }

        @Test func authorizationsOfOtherPayersServicesOrPatientsDoNotCount() throws {
            var otherPatient = F.auth(3)
            otherPatient.patientId = "PT-2002"
            let auths = [F.auth(1, payer: "cigna"), F.auth(2, service: "tms"), otherPatient]
            let item = try #require(F.build([F.spravato()], auths).items.first)
            #expect(item.priorAuth.status == "missing")
            #expect(!item.ready)
        }

        struct StateCase: Sendable, CustomStringConvertible {
            var description: String
            var auth: PriorAuthorization
            var status: String
            var step: String
        }

        static let states: [StateCase] = [
            StateCase(description: "expired", auth: F.auth(4, end: "2026-11-15"), status: "expired",
                      step: "request a renewal from Blue Cross and Blue Shield of Illinois: authorization 4 (BC-778) expired on 2026-11-15 with: patient is 18 or older; treatment-resistant depression or MDSI; patient enrolled in the Spravato REMS; PHQ-9 of 15 or more"),
            StateCase(description: "exhausted", auth: F.auth(4, units: 6, used: 6), status: "exhausted",
                      step: "request more units from Blue Cross and Blue Shield of Illinois: all 6 units of authorization 4 (BC-778) are used"),
            StateCase(description: "submitted", auth: F.auth(4, status: .submitted, number: nil, units: nil, start: nil, end: nil, submittedOn: "2026-11-18"),
                      status: "submitted", step: "wait for Blue Cross and Blue Shield of Illinois's decision on authorization 4 (submitted 2026-11-18)"),
            StateCase(description: "pending", auth: F.auth(4, status: .pending, number: nil), status: "pending",
                      step: "send Blue Cross and Blue Shield of Illinois the information it asked for: authorization 4 is pending"),
            StateCase(description: "denied", auth: F.auth(4, status: .denied), status: "denied",
                      step: "appeal Blue Cross and Blue Shield of Illinois's denial of authorization 4 (BC-778), or have the patient sign a self-pay agreement"),
            StateCase(description: "appealed", auth: F.auth(4, status: .appealed), status: "appealed",
                      step: "wait for Blue Cross and Blue Shield of Illinois's decision on the appeal of authorization 4 (BC-778)"),
            StateCase(description: "cancelled", auth: F.auth(4, status: .cancelled), status: "cancelled",
                      step: "request a new authorization from Blue Cross and Blue Shield of Illinois for spravato (authorization 4 (BC-778) was cancelled) with: patient is 18 or older; treatment-resistant depression or MDSI; patient enrolled in the Spravato REMS; PHQ-9 of 15 or more"),
        ]

        @Test(arguments: states)
        func eachStateIsShownWithItsNextStep(_ state: StateCase) throws {
            let item = try #require(F.build([F.spravato()], [state.auth]).items.first)
            #expect(item.priorAuth.status == state.status)
            #expect(item.priorAuth.message?.hasPrefix("prior authorization required for spravato") == true)
            #expect(!item.ready)
            #expect(item.nextSteps == [state.step])
        }

        @Test func theNewestRequestIsShownOverAnOldExpiredApproval() throws {
            let item = try #require(F.build([F.spravato()], [F.auth(1, end: "2026-10-31"), F.auth(2, status: .submitted, number: nil)]).items.first)
            #expect(item.priorAuth.status == "submitted")
            #expect(item.priorAuth.authorization?.id == 2)
        }

        @Test func endingWithinFourteenDaysWarnsToRenew() throws {
            let item = try #require(F.build([F.spravato()], [F.auth(5, end: "2026-12-04")]).items.first)
            #expect(item.ready, "it still covers the scheduled date")
            #expect(item.warnings.map(\.code) == ["ends-soon"])
            #expect(item.warnings[0].message == "authorization 5 (BC-778) ends 2026-12-04, within 14 days; renew before 2026-12-04")
            #expect(item.nextSteps == ["renew before 2026-12-04: ask Blue Cross and Blue Shield of Illinois to extend authorization 5 (BC-778)"])

            let later = try #require(F.build([F.spravato()], [F.auth(5, end: "2026-12-05")]).items.first)
            #expect(later.warnings.isEmpty, "15 days away is not yet a warning")
        }

        @Test func fewerUnitsThanScheduledEncountersWarns() throws {
            let encounters = [F.spravato("ENC-1", date: "2026-11-23"), F.spravato("ENC-2", date: "2026-11-26"),
                              F.spravato("ENC-3", date: "2026-11-30")]
            let item = try #require(F.build(encounters, [F.auth(6, units: 8, used: 6)]).items.first)
            #expect(item.warnings.map(\.code) == ["units-short"])
            #expect(item.warnings[0].message == "authorization 6 (BC-778) has 2 units left for 3 scheduled encounters")
            #expect(item.ready, "each date is covered today; the warning asks for more units in time")
            #expect(item.nextSteps == ["request more units from Blue Cross and Blue Shield of Illinois: 2 left on authorization 6 (BC-778), 3 scheduled"])

            #expect(try #require(F.build(encounters, [F.auth(6, units: 9, used: 6)]).items.first).warnings.isEmpty)
        }

        @Test func anApprovalEndingBeforeALaterDateIsNotReady() throws {
            let encounters = [F.spravato("ENC-1", date: "2026-11-23"), F.spravato("ENC-2", date: "2026-12-10")]
            let item = try #require(F.build(encounters, [F.auth(8, end: "2026-12-01")]).items.first)
            #expect(!item.ready)
            #expect(item.priorAuth.status == "approved")
            #expect(item.nextSteps.contains("ask Blue Cross and Blue Shield of Illinois to extend authorization 8 (BC-778): it ends 2026-12-01, before the treatment on 2026-12-10"))
        }

        @Test func overdueDecisionWarnsOnlyForPayersWithADeadline() throws {
            let request = F.auth(9, status: .submitted, number: nil, units: nil, start: nil, end: nil, submittedOn: "2026-11-12")
            let item = try #require(F.build([F.spravato()], [request], deadlines: ["bcbs-il": 5]).items.first)
            #expect(item.warnings.map(\.code) == ["decision-overdue"])
            #expect(item.warnings[0].message == "authorization 9 was submitted 2026-11-12, 8 days ago; Blue Cross and Blue Shield of Illinois must decide within 5 calendar days")
            #expect(item.nextSteps == ["follow up with Blue Cross and Blue Shield of Illinois: no decision on authorization 9 after 8 days (deadline 5 days)"])

            #expect(try #require(F.build([F.spravato()], [request]).items.first).warnings.isEmpty, "no deadline known for the payer")
            let recent = F.auth(9, status: .submitted, number: nil, submittedOn: "2026-11-16")
            #expect(try #require(F.build([F.spravato()], [recent], deadlines: ["bcbs-il": 5]).items.first).warnings.isEmpty, "4 days is within 5")
        }

        @Test func anAuthNumberInTheChartThatMatchesNothingIsExplained() throws {
            let item = try #require(F.build([F.spravato(authNumber: "WRONG-1")], [F.auth(10)]).items.first)
            #expect(!item.ready)
            #expect(item.priorAuth.message?.contains("auth number WRONG-1 in the encounter does not match") == true)
        }

        @Test func pastDatesAreFlagged() throws {
            let item = try #require(F.build([F.spravato(date: "2026-11-02")], [F.auth(11)]).items.first)
            #expect(item.warnings.map(\.code) == ["past-date"])
        }
    }
}

extension ChecklistTests {
    @Suite("Checklist output")
    struct Output {
        static func sample() -> Checklist {
            var facts = Fixtures.trdFacts
            facts["remsPatientEnrolled"] = nil
            var second = F.tms("ENC-4", date: "2026-11-23", payer: "il-medicaid")
            second.patient = Fixtures.patient(id: "PT-2002")
            let rejected = ChecklistRejection(encounter: "ENC-BAD", record: 5, line: 12,
                                              errors: [InputError(field: "services[0].code", message: "unknown code 99999; use a code from POLICY §2")])
            return F.build([F.spravato("ENC-1", date: "2026-11-23", clinical: facts), F.tms("ENC-2", date: "2026-11-24"),
                            F.tms("ENC-3", date: "2026-11-26"), second],
                           [F.auth(7, payer: "cigna", service: "tms", units: 30, used: 29, end: "2026-11-30")], rejected: [rejected])
        }

        @Test func jsonHasTheContractShapeWithNulls() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(Self.sample())
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(document["asOf"] as? String == "2026-11-20")
            let items = try #require(document["items"] as? [[String: Any]])
            #expect(items.count == 3)
            for item in items {
                for key in ["patient", "payer", "service", "priorAuth", "requirements", "warnings", "ready"] {
                    #expect(item[key] != nil, "item lacks \(key)")
                }
                let priorAuth = try #require(item["priorAuth"] as? [String: Any])
                for key in ["required", "status", "authNumber", "unitsRemaining", "end"] {
                    #expect(priorAuth.keys.contains(key), "priorAuth lacks \(key)")
                }
                for requirement in try #require(item["requirements"] as? [[String: Any]]) {
                    #expect(requirement["id"] is String && requirement["description"] is String && requirement["met"] is Bool)
                }
            }
            let missing = try #require(items.first { ($0["service"] as? String) == "spravato" })
            let priorAuth = try #require(missing["priorAuth"] as? [String: Any])
            #expect(priorAuth["status"] as? String == "missing")
            #expect(priorAuth["authNumber"] is NSNull && priorAuth["unitsRemaining"] is NSNull && priorAuth["end"] is NSNull)
            #expect(missing["ready"] as? Bool == false)
            let requirement = try #require((missing["requirements"] as? [[String: Any]])?.first { ($0["id"] as? String) == "rems-enrolled" })
            #expect(requirement["met"] as? Bool == false && requirement["status"] as? String == "missing")
            let rejected = try #require(document["rejected"] as? [[String: Any]])
            #expect(rejected.first?["encounter"] as? String == "ENC-BAD")
        }

        @Test func textLayoutForTheFrontDesk() {
            let expected = """
            Pre-authorization checklist as of 2026-11-20
            3 items: 1 ready, 2 not ready; 1 encounter with input errors

            2026-11-23  PT-1001
              ✗ spravato · Blue Cross and Blue Shield of Illinois (bcbs-il) — NOT READY
                  ✓ patient is 18 or older
                  ✓ treatment-resistant depression or MDSI
                  ? patient enrolled in the Spravato REMS — remsPatientEnrolled is missing from the clinical facts
                  ✓ PHQ-9 of 15 or more
                  prior auth: required; none on file
                  → record in the chart: patient enrolled in the Spravato REMS (remsPatientEnrolled is missing from the clinical facts)
                  → request authorization from Blue Cross and Blue Shield of Illinois for spravato with: patient is 18 or older; treatment-resistant depression or MDSI; patient enrolled in the Spravato REMS; PHQ-9 of 15 or more

            2026-11-23  PT-2002
              ✗ tms · Illinois Medicaid (il-medicaid) — NOT READY
                  ✗ Illinois Medicaid does not cover TMS; a self-pay agreement is needed
                  prior auth: not required
                  → have the patient sign a self-pay agreement for tms before treatment: Illinois Medicaid does not cover TMS

            2026-11-24  PT-1001
              ✓ tms · Cigna (cigna) — READY
                  dates: 2026-11-24, 2026-11-26
                  ✓ patient is 18 or older
                  ✓ severe MDD (F32.2 or F33.2)
                  ✓ no seizure history
                  prior auth: required; approved, authorization 7 #BC-778, 2026-11-01 – 2026-11-30, 1 of 30 units left
                  ! authorization 7 (BC-778) ends 2026-11-30, within 14 days; renew before 2026-11-30
                  ! authorization 7 (BC-778) has 1 unit left for 2 scheduled encounters
                  → renew before 2026-11-30: ask Cigna to extend authorization 7 (BC-778)
                  → request more units from Cigna: 1 left on authorization 7 (BC-778), 2 scheduled

            Encounters with input errors (not checked)
              ENC-BAD (record 5, line 12)
                  ✗ services[0].code: unknown code 99999; use a code from POLICY §2

            """
            let actual = Self.sample().text()
            #expect(actual == expected, "\(lineDiff(expected, actual))")
        }

        private func lineDiff(_ expected: String, _ actual: String) -> String {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            return (0..<max(e.count, a.count)).compactMap { index in
                let left = index < e.count ? String(e[index]) : "<none>"
                let right = index < a.count ? String(a[index]) : "<none>"
                return left == right ? nil : "line \(index + 1):\n- \(left)\n+ \(right)"
            }.joined(separator: "\n")
        }
    }
}
