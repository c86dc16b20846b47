import ClaimsCore
import ClaimsTestSupport
import Testing

/// Encounter files are decoded from each record's bytes (`EncounterDecoder.decode(_: JSONRecord)`, no
/// `JSONValue` tree); commands that hold a tree (CSV exports, stored records) decode the tree. Property,
/// on the inputs of the encounter fuzz target: both give the same syntax error, or the same encounter,
/// errors and raw id, for every record.
@Suite struct EncounterRecordDecodingFuzzTests {
    @Test func everyRecordDecodesTheSameFromItsBytesAsFromItsTree() throws {
        let configuration = FuzzConfiguration.fromEnvironment(seconds: 10, iterations: 20_000)
        let report = FuzzHarness.run(target: "encounter-records", corpus: EncounterInputFuzzTests.corpus, mutator: EncounterInputFuzzTests.mutator,
                                     configuration: configuration, mutate: EncounterInputFuzzTests.mutate, property: Self.check)
        print(report)
        for failure in report.failures { Issue.record("\(failure)") }
        if configuration.replay == nil && configuration.onlyIteration == nil {
            #expect(report.counters["valid encounter", default: 0] > 0, "\(report)")
            #expect(report.counters["rejected encounter", default: 0] > 0, "\(report)")
            #expect(report.counters["syntax error", default: 0] > 0, "\(report)")
        }
    }

    static func check(_ bytes: [UInt8], _ probe: inout FuzzProbe) {
        let decoder = EncounterInputFuzzTests.decoder
        var splitter = JSONRecordSplitter()
        let records = splitter.feed(bytes) + splitter.finish()
        for record in records {
            switch (decoder.decode(record), record.result) {
            case (.failure(let fromBytes), .failure(let fromTree)):
                probe.count("syntax error")
                probe.check(fromBytes == fromTree, "record \(record.ordinal): syntax error \(fromBytes) from the bytes, \(fromTree) from the tree")
            case (.success(let fromBytes), .success(let value)):
                let (encounter, errors) = decoder.decode(value)
                probe.count(encounter == nil ? "rejected encounter" : "valid encounter")
                probe.check(fromBytes.encounter == encounter, "record \(record.ordinal): the encounter differs from the tree's")
                probe.check(fromBytes.errors == errors, "record \(record.ordinal): errors \(fromBytes.errors) from the bytes, \(errors) from the tree")
                probe.check(fromBytes.rawId == EncounterDecoder.rawId(of: value), "record \(record.ordinal): raw id '\(fromBytes.rawId)' from the bytes")
            case (let fromBytes, let fromTree):
                probe.fail("record \(record.ordinal): \(fromBytes) from the bytes, \(fromTree) from the tree")
            }
        }
    }
}
