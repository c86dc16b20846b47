import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// Issue 13 item 3: the superbill's wording follows why the patient is charged, in the HTML and the
/// PDF, and never says "out-of-network" for a payer the clinic profile marks `in` network.
@Suite struct SuperbillPurposeTests {
    static func evaluation(payer: String?, purpose: SuperbillPurpose?) -> EncounterEvaluation {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.coverage = payer.map { Coverage(payer: $0, memberId: "XOF123456789") }
        var evaluation = SuperbillFixtures.evaluation(encounter)
        for index in evaluation.lines.indices { evaluation.lines[index].superbillPurpose = purpose }
        return evaluation
    }

    static func renderer(inNetwork: [String] = []) -> SuperbillRenderer {
        var clinic = Fixtures.clinic
        for payer in inNetwork { clinic.network[payer] = .in }
        return SuperbillRenderer(clinic: clinic, statementDate: SuperbillFixtures.statementDate,
                                 procedureDescriptions: SuperbillFixtures.descriptions)
    }

    @Test(arguments: [
        (String?.none, SuperbillPurpose?.some(.receipt), [String](), SuperbillPurpose.receipt),
        ("medicare-j6", .receipt, [], .receipt),
        ("bcbs-il", .investigational, [], .investigational),
        ("bcbs-il", .investigational, ["bcbs-il"], .investigational),
        ("cigna", nil, [], .outOfNetwork),
        ("cigna", nil, ["cigna"], .notCovered),
        ("cigna", .outOfNetwork, ["cigna"], .notCovered),
    ])
    func thePurposeFollowsTheRuleThenTheNetwork(payer: String?, decided: SuperbillPurpose?, inNetwork: [String], expected: SuperbillPurpose) throws {
        let bill = try Self.renderer(inNetwork: inNetwork).superbill(for: Self.evaluation(payer: payer, purpose: decided), payerName: payer)
        #expect(bill.purpose == expected)
    }

    /// The strongest purpose among the lines wins (a receipt over investigational over the network's).
    @Test func mixedLinesTakeTheStrongestPurpose() {
        let lines = [LineDecision(line: 1, code: "99214", service: "office-visit", decision: .superbill, reasons: [], superbillPurpose: nil),
                     LineDecision(line: 2, code: "96365", service: "iv-ketamine", decision: .superbill, reasons: [], superbillPurpose: .investigational),
                     LineDecision(line: 3, code: "J3490", service: "iv-ketamine", decision: .bill, reasons: [], superbillPurpose: .receipt)]
        #expect(SuperbillPurposeText.purpose(of: lines, payer: "aetna", clinic: Fixtures.clinic) == .investigational,
                "a billed line's purpose does not count")
    }

    @Test func anInNetworkSuperbillNeverSaysOutOfNetwork() throws {
        let renderer = Self.renderer(inNetwork: ["cigna"])
        for purpose in [SuperbillPurpose?.none, .outOfNetwork, .investigational, .notCovered] {
            let html = try renderer.html(for: Self.evaluation(payer: "cigna", purpose: purpose), payerName: "Cigna")
            #expect(!html.lowercased().contains("out-of-network"), "purpose \(String(describing: purpose))")
            #expect(!html.contains(Fixtures.clinic.superbillStatement!), "the clinic's out-of-network statement is not printed")
        }
        let outOfNetwork = try Self.renderer().html(for: Self.evaluation(payer: "cigna", purpose: nil), payerName: "Cigna")
        #expect(outOfNetwork.visibleText.contains("Statement for out-of-network submission"))
        #expect(outOfNetwork.contains(Fixtures.clinic.superbillStatement!))
    }

    @Test func eachPurposeHasItsOwnWording() throws {
        let receipt = try Self.renderer().html(for: Self.evaluation(payer: "medicare-j6", purpose: .receipt), payerName: "Medicare Part B")
        #expect(receipt.visibleText.contains("Receipt for services paid by the patient"))
        #expect(receipt.visibleText.contains("Medicare Part B was not billed for them"))
        #expect(receipt.visibleText.contains("not a request for insurance reimbursement"))
        #expect(!receipt.lowercased().contains("out-of-network"))
        let selfPay = try Self.renderer().html(for: Self.evaluation(payer: nil, purpose: .receipt))
        #expect(selfPay.visibleText.contains("no insurance is on file"))
        let investigational = try Self.renderer().html(for: Self.evaluation(payer: "bcbs-il", purpose: .investigational), payerName: "Blue Cross")
        #expect(investigational.visibleText.contains("investigational or used off-label"))
        #expect(investigational.visibleText.contains("not expected to be covered by Blue Cross"))
        let notCovered = try Self.renderer(inNetwork: ["cigna"]).html(for: Self.evaluation(payer: "cigna", purpose: nil), payerName: "Cigna")
        #expect(notCovered.visibleText.contains("not covered by Cigna"))
    }

    @Test(.enabled(if: InstalledTools.pdftotext != nil, "pdftotext (poppler-utils) not installed"))
    func thePDFSaysWhatTheHTMLSays() throws {
        let directory = try Fixtures.temporaryDirectory("superbill-purpose")
        defer { try? FileManager.default.removeItem(at: directory) }
        let renderer = Self.renderer(inNetwork: ["cigna"])
        let cases: [(String?, SuperbillPurpose?, String)] = [
            ("medicare-j6", .receipt, "ABOUT THIS RECEIPT"), ("cigna", nil, "ABOUT COVERAGE"), ("aetna", nil, "STATEMENT FOR OUT-OF-NETWORK SUBMISSION"),
        ]
        for (payer, purpose, heading) in cases {
            let pdf = directory.appendingPathComponent("\(payer ?? "none").pdf")
            try renderer.pdf(for: Self.evaluation(payer: payer, purpose: purpose), payerName: payer).write(to: pdf)
            let text = try InstalledTools.text(ofPDF: pdf)
            #expect(text.contains(heading), "\(payer ?? "none"): \(text.suffix(800))")
            #expect(text.lowercased().contains("out-of-network") == (payer == "aetna"))
        }
    }
}
