import ClaimsCore
@testable import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import Testing

/// A tag is written as one piece into reserved room (the indentation stored as whole words), a
/// claim's entries one after the other in one text (`restart`), and a fragment's tokens hashed in one
/// step: each must give what writing everything afresh, byte by byte and token by token, gives.
@Suite struct XMLTextWritingTests {
    /// Element after element nested `levels` deep, with values of every length around the word size,
    /// empty elements, integers and a value that needs escaping, and the same text built from strings.
    private static func nested(levels: Int, into text: inout XMLText) -> String {
        var expected = "<Claim xmlns=\"http://hl7.org/fhir\">\n"
        func indent(_ depth: Int) -> String { String(repeating: " ", count: 2 * min(depth, 30)) }
        text.start("Claim")
        for level in 1...levels {
            text.start("item")
            expected += indent(level) + "<item>\n"
            let value = String(repeating: "v", count: level % 19)
            text.optional("display", value)
            if !value.isEmpty { expected += indent(level + 1) + "<display value=\"\(value)\"/>\n" }
            text.primitive("sequence", level * 7_919 - 40_000)
            expected += indent(level + 1) + "<sequence value=\"\(level * 7_919 - 40_000)\"/>\n"
            text.start("diagnosisCodeableConcept")   // a name of 24 bytes
            text.end()
            expected += indent(level + 1) + "<diagnosisCodeableConcept/>\n"
        }
        text.primitive("text", "a & b")
        expected += indent(levels + 1) + "<text value=\"a &amp; b\"/>\n"
        for level in stride(from: levels, through: 1, by: -1) {
            text.end()
            expected += indent(level) + "</item>\n"
        }
        text.end()
        return expected + "</Claim>\n"
    }

    @Test func tagsAtEveryDepthAreTheTextsOwn() {
        for levels in [1, 7, 8, 9, 15, 29, 30, 31, 40] {
            var text = XMLText(namespace: FHIRCodeSystem.namespace, opening: "", capacity: 1)
            let expected = Self.nested(levels: levels, into: &text)
            #expect(String(decoding: text.bytes, as: UTF8.self) == expected, "\(levels) levels")
            #expect(text.depth == 0)
        }
    }

    /// The shape's hash kept as tokens and fragments are added is the hash of its tokens added one by one.
    @Test func aShapesHashIsItsTokensHash() throws {
        let writer = FHIRClaimWriter(clinic: Fixtures.clinic, created: FHIRFixtures.created)
        for evaluation in [FHIRFixtures.evaluation(), FHIRFixtures.evaluation(authNumber: "A1"),
                           FHIRFixtures.evaluation(FHIRFixtures.dependentWithSecondPlan())] {
            let shapes = try writer.claimShapes(for: evaluation, payer: FHIRFixtures.payer)
            #expect(shapes.direct.digest == XMLText.Shape(tokens: shapes.direct.tokens).digest)
            #expect(shapes.tree.digest == XMLText.Shape(tokens: shapes.tree.tokens).digest)
            #expect(shapes.direct.tokens.count > 50)
        }
        var text = XMLText(namespace: FHIRCodeSystem.namespace)
        _ = Self.nested(levels: 3, into: &text)
        #expect(text.shape == XMLText.Shape(tokens: text.shape.tokens))
    }

    /// A restarted text writes what a new one writes: bytes, shape, root and refusals (after a longer
    /// document that grew its buffers, after a refused one, after a half-written one).
    @Test func aRestartedTextIsANewOne() {
        func written(_ text: inout XMLText, _ value: String, levels: Int) {
            _ = Self.nested(levels: levels, into: &text)
            text.start("Claim")
            text.primitive("display", value)
            text.end()
        }
        var reused = XMLText(namespace: FHIRCodeSystem.namespace, opening: "  <entry>", "x", "\n", capacity: 64)
        for (value, levels) in [("a", 40), ("b\u{1}", 2), ("plain", 1), ("c\u{FFFE}d", 35), ("e", 3)] {
            reused.restart(opening: "  <entry>", "urn:uuid:\(value)", "\n")
            written(&reused, value, levels: levels)
            var fresh = XMLText(namespace: FHIRCodeSystem.namespace, opening: "  <entry>", "urn:uuid:\(value)", "\n")
            written(&fresh, value, levels: levels)
            #expect(reused.bytes == fresh.bytes, "\(value)")
            #expect(reused.shape == fresh.shape, "\(value)")
            #expect(reused.rootStart == fresh.rootStart)
            #expect(reused.forbidden?.path == fresh.forbidden?.path && reused.forbidden?.scalar == fresh.forbidden?.scalar, "\(value)")
        }
        reused.start("Claim")   // left open: the next document starts from nothing all the same
        reused.start("item")
        reused.restart(opening: "  <entry>", "y", "\n")
        var fresh = XMLText(namespace: FHIRCodeSystem.namespace, opening: "  <entry>", "y", "\n")
        written(&reused, "z", levels: 2)
        written(&fresh, "z", levels: 2)
        #expect(reused.bytes == fresh.bytes)
        #expect(reused.shape == fresh.shape)
    }

    /// The entries `claimEntries` writes one after the other into one text are each the bytes of its
    /// resource written alone (a new text, from its element tree).
    @Test func aClaimsEntriesAreEachWrittenAlone() throws {
        let writer = FHIRClaimWriter(clinic: Fixtures.clinic, created: FHIRFixtures.created,
                                     payers: [FHIRFixtures.payer.slug: FHIRFixtures.payer, FHIRFixtures.aetna.slug: FHIRFixtures.aetna])
        for evaluation in [FHIRFixtures.evaluation(), FHIRFixtures.evaluation(FHIRFixtures.dependentWithSecondPlan())] {
            let entries = try writer.claimEntries(for: evaluation, payer: FHIRFixtures.payer)
            let parties = try writer.claimResources(for: evaluation, payer: FHIRFixtures.payer).parties.resources
            #expect(entries.count == parties.count + 1)
            for (entry, resource) in zip(entries, parties) {
                var alone = XMLText(namespace: FHIRCodeSystem.namespace, opening: "  <entry>\n    <fullUrl value=\"", resource.fullUrl,
                                    "\"/>\n    <resource>\n")
                FHIRXMLEncoder.write(resource, to: &alone)
                alone.appendClosing("    </resource>\n  </entry>\n")
                #expect(entry.fullUrl == resource.fullUrl)
                #expect(entry.xml == alone.data(), "\(resource.type)")
            }
            #expect(try entries.last?.xml == writer.claimEntryFromTree(for: evaluation, payer: FHIRFixtures.payer).xml)
        }
    }
}
