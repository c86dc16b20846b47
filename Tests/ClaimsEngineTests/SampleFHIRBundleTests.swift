import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import FoundationXML
import Testing

/// The sample batch's FHIR Bundles (Samples/expected/batch/fhir, which SampleGoldenTests keeps equal to
/// what the batch writes): each passes the official R4 schema, and every reference resolves inside its Bundle.
@Suite struct SampleFHIRBundleTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Samples/expected/batch/fhir")

    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
    }

    @Test func everyReferenceResolvesInsideItsBundle() throws {
        #expect(Self.files.count == 7)
        for file in Self.files {
            let document = try XMLDocument(contentsOf: file, options: [])
            let fullUrls = try document.nodes(forXPath: "/*/*[local-name()='entry']/*[local-name()='fullUrl']/@value").compactMap(\.stringValue)
            let references = try document.nodes(forXPath: "//*[local-name()='reference']/@value").compactMap(\.stringValue)
            let claims = try document.nodes(forXPath: "//*[local-name()='resource']/*[local-name()='Claim']").count
            #expect(Set(fullUrls).count == fullUrls.count, "\(file.lastPathComponent): a fullUrl repeats")
            #expect(claims > 0 && references.count >= 5 * claims, "\(file.lastPathComponent)")
            let unresolved = Set(references).subtracting(fullUrls)
            #expect(unresolved.isEmpty, "\(file.lastPathComponent): \(unresolved.sorted()) do not resolve")
        }
    }

    @Test(.enabled(if: Fixtures.sharedDirectory.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent("fhir-r4-schema/fhir-single.xsd").path) } ?? false,
                   "../shared/fhir-r4-schema/fhir-single.xsd is absent: official FHIR R4 schema check skipped"))
    func everyBundlePassesTheOfficialSchema() throws {
        let schema = try XMLSchema(contentsOf: try #require(Fixtures.sharedDirectory).appendingPathComponent("fhir-r4-schema/fhir-single.xsd"))
        for file in Self.files {
            let problems = schema.validate(try Data(contentsOf: file), documentName: file.lastPathComponent)
            #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems.map(\.description).joined(separator: "\n"))")
        }
    }
}
