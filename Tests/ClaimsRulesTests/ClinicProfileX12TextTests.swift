import ClaimsCore
import ClaimsRules
import ClaimsTestSupport
import Foundation
import Testing

/// Hardening item 10: clinic profile text that can never travel in an 837P is refused when the
/// profile loads, with its line — not by every batch, encounter after encounter.
@Suite struct ClinicProfileX12TextTests {
    static let sample = try! String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Samples/clinic.yaml"), encoding: .utf8)

    private func diagnostics(replacing old: String, with new: String) throws -> [RuleFileDiagnostic] {
        #expect(Self.sample.contains(old))
        let text = Self.sample.replacingOccurrences(of: old, with: new)
        do {
            _ = try ClinicProfileLoader.parse(text, file: "clinic.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    private func line(of text: String) -> Int {
        let lines = Self.sample.components(separatedBy: "\n")
        return (lines.firstIndex { $0.contains(text) } ?? -1) + 1
    }

    @Test func theSampleProfileLoads() throws {
        #expect(try diagnostics(replacing: "name: AVAILITY", with: "name: AVAILITY").isEmpty)
    }

    @Test(arguments: [
        ("  name: Southern Illinois Interventional Psychiatry\n  npi", "  name: Southern*Illinois\n  npi", "billingProvider.name", "'*'"),
        ("line1: 1200 W Main St", "line1: 1200 W Main St~", "billingProvider.address.line1", "'~'"),
        ("city: Carbondale", "city: Carbondalé", "billingProvider.address.city", "'é'"),
        ("contactName: Billing Office", "contactName: \"Billing\\u001BOffice\"", "submitter.contactName", "control character"),
        ("name: AVAILITY", "name: AVAIL|ITY", "receiver.name", "'|'"),
        ("state: IL", "state: ILL", "billingProvider.address.state", "N402 takes 2–2"),
    ])
    func textThatCannotTravelIsRefusedWithItsLine(old: String, new: String, field: String, shown: String) throws {
        let found = try diagnostics(replacing: old, with: new)
        #expect(found.count == 1, "\(found)")
        let diagnostic = try #require(found.first)
        #expect(diagnostic.message.contains(field), "\(diagnostic.message)")
        #expect(diagnostic.message.contains(shown), "\(diagnostic.message)")
        #expect(diagnostic.line == line(of: old.components(separatedBy: "\n")[0].trimmingCharacters(in: .whitespaces)), "\(diagnostic)")
        #expect(diagnostic.file == "clinic.yaml")
    }
}
