import ClaimsTestSupport
@testable import ClaimsX12
import Foundation
import Testing

/// The hand-written response fixtures (Tests/Fixtures/responses, each passes pyx12 4.0.0) read as typed loops.
enum ResponseFixtures {
    static let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/responses")
    static func text(_ name: String) throws -> String { try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) }
    static func responses(_ name: String) throws -> [X12Response] { try X12Response.read(text(name)) }
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".x12") }.sorted()
    }
}

@Suite struct ResponseReaderTests {
    @Test func everyFixtureReadsAsOneTypedTransaction() throws {
        #expect(ResponseFixtures.names.count >= 7)
        for name in ResponseFixtures.names {
            let responses = try ResponseFixtures.responses(name)
            #expect(responses.count == 1, "\(name)")
            if case .other = responses[0] { Issue.record("\(name) was not recognized as a 999, 277CA or 835") }
        }
    }

    @Test func remittanceClaimsLinesAdjustmentsAndRemarks() throws {
        guard case .remittance835(let set, let remittance) = try ResponseFixtures.responses("835-paid-partial-denied.x12")[0] else {
            Issue.record("not an 835"); return
        }
        #expect(set.functionalId == "HP" && set.implementationGuide == "005010X221A1")
        #expect(remittance.totalPaid == X12Amount(cents: 134_000) && remittance.paymentMethod == "CHK")
        #expect(remittance.traceNumber == "CHK1001" && remittance.payerIdentifier == "1370123456")
        #expect(remittance.paymentDate?.iso == "2026-12-01")
        #expect(remittance.claims.map(\.patientControlNumber) == ["ENC-R-0001", "ENC-R-0002", "ENC-R-0005", "ENC-R-0006", "ENC-X-9999"])
        let first = remittance.claims[0]
        #expect(first.charge.description == "1330.00" && first.paid.description == "1010.00" && first.patientResponsibility?.description == "40.00")
        #expect(first.payerClaimNumber == "2026311000123" && first.frequency == "1" && first.statementDate?.iso == "2026-11-03")
        #expect(first.lines.map(\.procedureCode) == ["99214", "J0013"] && first.lines[0].modifiers == ["25"])
        #expect(first.lines.map(\.controlNumber) == ["ENC-R-0001-1", "ENC-R-0001-2"])
        #expect(first.lines[0].adjustments == [Remittance835.Adjustment(group: "PR", reason: "3", amount: X12Amount(cents: 4000), quantity: nil)])
        #expect(first.lines[1].adjustments.map(\.reason) == ["45"] && first.adjustments.isEmpty)
        let denied = remittance.claims[2]
        #expect(denied.isDenied && denied.lines[0].remarks == ["N54"] && denied.lines[0].serviceDate?.iso == "2026-08-10")
        // The line without REF*6R keeps a nil control number (the importer falls back to code and date).
        #expect(remittance.claims[3].lines[1].controlNumber == nil && remittance.claims[3].lines[1].remarks == ["M15"])
        #expect(remittance.isBalanced && remittance.computedTotal == remittance.totalPaid)
    }

    @Test func reversalAndProviderAdjustment() throws {
        guard case .remittance835(_, let remittance) = try ResponseFixtures.responses("835-reversal-repayment-plb.x12")[0] else {
            Issue.record("not an 835"); return
        }
        #expect(remittance.claims.map(\.isReversal) == [true, false, false])
        #expect(remittance.claims[0].paid == X12Amount(cents: -18_000) && remittance.claims[0].lines[0].charge.description == "-180.00")
        #expect(remittance.providerAdjustments == [Remittance835.ProviderAdjustment(
            provider: "1245319599", fiscalPeriodDate: X12Date("20261231"), reason: "WO", reference: "2026311000124", amount: X12Amount(cents: 2500))])
        // BPR02 155 = (−180 + 150 + 210) − 25.
        #expect(remittance.isBalanced && remittance.totalPaid.description == "155.00")
    }

    @Test func anUnbalancedRemittanceIsSeen() throws {
        guard case .remittance835(_, let remittance) = try ResponseFixtures.responses("835-unbalanced.x12")[0] else {
            Issue.record("not an 835"); return
        }
        #expect(!remittance.isBalanced && remittance.totalPaid.description == "1300.00" && remittance.computedTotal.description == "1340.00")
    }

    @Test func implementationAcknowledgmentWithSegmentAndElementErrors() throws {
        guard case .acknowledgment999(_, let ack) = try ResponseFixtures.responses("999-rejected.x12")[0] else {
            Issue.record("not a 999"); return
        }
        #expect(ack.functionalId == "HC" && ack.groupControlNumber == "102" && ack.groupStatus == "P")
        #expect(ack.transactions.map(\.controlNumber) == ["0001", "0002"] && ack.transactions.map(\.isAccepted) == [false, true])
        let segment = try #require(ack.transactions[0].segmentErrors.first)
        #expect(segment.segmentId == "NM1" && segment.position == "17" && segment.loop == "2010" && segment.code == "8")
        #expect(segment.elementErrors == [Acknowledgment999.ElementError(position: "9", component: nil, reference: "67", code: "1", value: nil)])
        #expect(ack.transactions[0].errors == ["5"])
    }

    @Test func claimAcknowledgmentStatusesByPatientControlNumber() throws {
        guard case .claimAcknowledgment277(_, let accepted) = try ResponseFixtures.responses("277ca-accepted.x12")[0],
              case .claimAcknowledgment277(_, let rejected) = try ResponseFixtures.responses("277ca-rejected.x12")[0] else {
            Issue.record("not a 277CA"); return
        }
        #expect(accepted.claims.count == 5 && accepted.claims.allSatisfy { $0.verdict == .accepted })
        #expect(accepted.claims[0].payerClaimNumber == "2026326000101" && accepted.headerStatuses.map(\.category) == ["A1", "A1"])
        #expect(rejected.claims.map(\.patientControlNumber) == ["ENC-R-0004", "ENC-X-4242"])
        let claim = rejected.claims[0]
        #expect(claim.verdict == .rejected && claim.statuses[0].code == "562" && claim.statuses[0].entity == "82")
        #expect(claim.statuses[0].amount == X12Amount(cents: 15_000) && claim.statuses[0].date?.iso == "2026-11-22")
        #expect(claim.lines.count == 1 && claim.lines[0].controlNumber == "ENC-R-0004-1" && claim.lines[0].statuses[0].verdict == .rejected)
    }

    /// Each problem names the segment's position in the file (ISA is 1, so the first body segment after BPR and TRN is 6) and the element.
    @Test(arguments: [
        ("CLP*ENC-1*1*1330*10.101**12~", "CLP04 (claim payment amount) is '10.101', not an amount", 6, 4),
        ("CLP*ENC-1*1*abc*0**12~", "CLP03 (total claim charge) is 'abc'", 6, 3),
        ("CLP*ENC-1*1*100~", "CLP04 (claim payment amount) is missing", 6, 4),
        ("CAS*CO*45*10~", "CAS before any CLP", 6, nil),
        ("CLP*ENC-1*1*100*0~CAS*CO~", "CAS02 (claim adjustment reason code) is missing", 7, 2),
        ("CLP*ENC-1*1*100*0~SVC*HC*100*0~", "SVC01 (composite medical procedure) has no procedure code", 7, 1),
    ] as [(String, String, Int, Int?)])
    func malformedRemittanceSegmentsAreLocated(body: String, message: String, segment: Int, element: Int?) throws {
        let segments = "BPR*I*0*C*NON************20261201~TRN*1*T1*1370123456~" + body
        let count = segments.split(separator: "~").count + 2
        let text = "ISA*00*          *00*          *ZZ*00621          *ZZ*SIIP01         *261201*0800*^*00501*000000601*0*T*:~"
            + "GS*HP*00621*SIIP01*20261201*0800*601*X*005010X221A1~ST*835*0001~" + segments + "SE*\(count)*0001~GE*1*601~IEA*1*000000601~"
        #expect {
            _ = try X12Response.read(text)
        } throws: { error in
            guard let error = error as? X12Error else { return false }
            return error.message.contains(message) && error.segmentNumber == segment && error.elementPosition == element
        }
    }

    @Test func aBrokenEnvelopeIsRefusedBeforeAnyLoopIsRead() throws {
        let text = try ResponseFixtures.text("999-accepted.x12").replacingOccurrences(of: "SE*6*0001", with: "SE*7*0001")
        #expect(throws: X12Error.self) { try X12Response.read(text) }
    }

    @Test func amountsAndDates() {
        #expect(X12Amount("120")?.cents == 12_000 && X12Amount("-40.5")?.cents == -4050 && X12Amount(".5")?.cents == 50)
        #expect(X12Amount("1.234") == nil && X12Amount("1e3") == nil && X12Amount("-") == nil && X12Amount("") == nil && X12Amount("1.2.3") == nil)
        #expect(X12Amount(cents: -5).description == "-0.05" && X12Amount(cents: 123_456).description == "1234.56")
        #expect(X12Date("20240229")?.iso == "2024-02-29" && X12Date("20250229") == nil && X12Date("2026113") == nil)
    }

    @Test func codeListsAreVersionedDataAndUnknownCodesStayVisible() throws {
        let list = try CodeList.parse("# version: 2026-11-01\n45\tCharge exceeds fee schedule.\twrite-off\n\n# comment\n197\tAuthorization absent.\n", name: "carc.tsv")
        #expect(list.version == "2026-11-01" && list.entries["45"]?.action == "write-off" && list.entries["197"]?.action == nil)
        #expect(list.describe("45") == "Charge exceeds fee schedule." && list.describe("999") == "999")
        #expect(throws: CodeListError(name: "carc.tsv", line: 1, message: "no '# version: …' line; every code list names its version")) {
            try CodeList.parse("45\tx\n", name: "carc.tsv")
        }
        #expect(throws: CodeListError(name: "carc.tsv", line: 3, message: "the code '45' is listed twice")) {
            try CodeList.parse("# version: 1\n45\tx\n45\ty\n", name: "carc.tsv")
        }
        #expect(throws: CodeListError(name: "carc.tsv", line: 2, message: "expected CODE<TAB>DESCRIPTION[<TAB>ACTION]")) {
            try CodeList.parse("# version: 1\n45 x\n", name: "carc.tsv")
        }
    }

    /// The shipped code lists (Payers/codes) load, and hold the codes the fixtures use.
    @Test func shippedCodeListsParse() throws {
        let directory = Fixtures.repositoryRoot.appendingPathComponent("Payers/codes")
        for name in ResponseCodeLists.fileNames {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let list = try CodeList.parse(text, name: name)
            #expect(!list.entries.isEmpty, "\(name)")
        }
        let carc = try CodeList.parse(String(contentsOf: directory.appendingPathComponent("carc.tsv"), encoding: .utf8), name: "carc.tsv")
        let actions: Set<String> = ["correct-and-resubmit", "appeal", "bill-patient", "write-off", "bill-secondary"]
        #expect(carc.entries.values.allSatisfy { $0.action.map(actions.contains) ?? true })
        #expect(carc.entries["197"]?.action == "appeal" && carc.entries["45"]?.action == "write-off")
    }
}
