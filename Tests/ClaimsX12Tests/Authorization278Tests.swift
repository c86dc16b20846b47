import ClaimsCore
import ClaimsTestSupport
import ClaimsX12
import Foundation
import Testing

/// X12 278 (005010X217): the request we write reads back through our own reader with its envelope and
/// levels; each response kind of the fixtures gives its decision. (pyx12 4.0.0 has no 005010X217 map,
/// only 4010 X094: docs/prior-auth-requests.md.)
@Suite struct Authorization278Tests {
    static func fixture(_ name: String) throws -> X12TransactionSet {
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/prior-auth/\(name)"), encoding: .utf8)
        return try #require(try X12TransactionSet.split(try X12Reader.read(text)).first)
    }

    @Test(arguments: [
        ("278-certified.x12", "A1", "IL278-55001", 8, "2026-11-01", "2027-04-30"),
        ("278-modified.x12", "A6", "IL278-55002", 4, "2026-11-01", "2027-01-31"),
    ])
    func approvalsCarryNumberUnitsAndDates(file: String, action: String, number: String, units: Int, start: String, end: String) throws {
        let decision = try #require(try Response278(Self.fixture(file)).decisions.first)
        #expect(decision.trace == "PA1-1")
        #expect(decision.action == action)
        #expect(decision.certificationNumber == number)
        #expect(decision.units == units)
        #expect(decision.start == LocalDate(iso: start) && decision.end == LocalDate(iso: end))
    }

    @Test(arguments: [("278-denied.x12", "A3", "35"), ("278-pended.x12", "A4", "0U")])
    func denialsAndPendsCarryTheirReason(file: String, action: String, reason: String) throws {
        let decisions = try Response278(Self.fixture(file)).decisions
        #expect(decisions.map(\.action) == [action])
        #expect(decisions.first?.reason == reason)
        #expect(decisions.first?.certificationNumber == nil)
    }

    @Test func aResponseWithoutTraceIsRefused() throws {
        var set = try Self.fixture("278-certified.x12")
        set.segments.removeAll { $0.id == "TRN" }
        #expect(throws: X12Error.self) { try Response278(set) }
    }

    @Test func theRequestReadsBackWithItsLevels() throws {
        var encounter = Fixtures.encounter()
        encounter.coverage = Coverage(payer: "bcbs-il", memberId: "XOF555", relationship: .child,
                                      subscriber: Person(firstName: "Maria", lastName: "Reyes", dateOfBirth: LocalDate(iso: "1960-05-02")!,
                                                         sex: .female, address: Fixtures.patientAddress))
        let payer = PayerRules(slug: "bcbs-il", name: "Blue Cross and Blue Shield of Illinois", payerId: "00621", rules: [])
        let request = AuthorizationRequestContent(trace: "PA3-9", payer: payer, encounter: encounter, service: "spravato",
                                                  procedureCodes: ["G2083"], units: 8, start: LocalDate(iso: "2026-12-01")!, end: nil,
                                                  requirements: [], created: LocalDate(iso: "2026-11-20")!)
        let text = try Request278Encoder(clinic: Fixtures.clinic).encode(request, envelope: EnvelopeContext(
            interchangeControlNumber: 12, groupControlNumber: 7, firstTransactionSetControlNumber: 3,
            creationDate: LocalDate(iso: "2026-11-20")!, creationTime: "0930"))
        let set = try #require(try X12TransactionSet.split(try X12Reader.read(text)).first)
        #expect(set.transactionSetId == "278" && set.version == "005010X217" && set.functionalId == "HI")
        let levels = set.segments.filter { $0.id == "HL" }.map { $0.segment.value(3) }
        #expect(levels == ["20", "21", "22", "23", "EV", "SS"])   // a dependent has her own level
        let se = try #require(set.segments.last)
        #expect(Int(se.segment.value(1)) == set.segments.count)
        #expect(text.contains("NM1*IL*1*REYES*MARIA****MI*XOF555~"))
        #expect(text.contains("INS*N*19~"))
        #expect(text.contains("TRN*1*PA3-9*1"))
        #expect(text.contains("DTP*AAH*D8*20261201~"))
        #expect(text.contains("HSD*VS*8~"))
    }
}
