import ClaimsCore
import ClaimsEngine
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// Golden files for the Good Faith Estimates `scripts/run-samples.sh` writes (`claims estimate` over
/// Samples/schedule.json and Samples/estimates/schedule.json, --as-of 2026-11-20, the sample
/// authorizations on file): Samples/expected/estimates/<number>.html, compared byte for byte, and the
/// set of files must match. `RECORD_GOLDENS=1 swift test --filter SampleGoldenTests` re-records them.
@Suite struct EstimateSampleGoldenTests {
    static let goldens = SampleGoldenTests.expected.appendingPathComponent("estimates")
    static let schedules = ["Samples/schedule.json", "Samples/estimates/schedule.json"]

    @Test func estimateHTMLMatchesTheGoldens() throws {
        let renderer = EstimateRenderer(clinic: SampleGoldenTests.clinic)
        var written: [String] = []
        for schedule in Self.schedules {
            let encounters = try EstimateTests.scheduled(Fixtures.repositoryRoot.appendingPathComponent(schedule))
            let estimates = GoodFaithEstimateBuilder(rules: SampleGoldenTests.rules, clinic: SampleGoldenTests.clinic)
                .build(encounters: encounters, authorizations: SampleGoldenTests.sampleAuthorizations(), asOf: SampleGoldenTests.asOf)
            for estimate in estimates {
                let name = "\(estimate.number).html"
                written.append(name)
                Golden.check(renderer.html(estimate), against: Self.goldens.appendingPathComponent(name))
            }
        }
        #expect(written.contains("GFE-PT-1008-20261120.html"), "the sample schedule's uninsured IV ketamine patient")
        #expect(written.contains("GFE-PT-1020-20261120.html"))
        let recorded = (try? FileManager.default.contentsOfDirectory(atPath: Self.goldens.path)) ?? []
        #expect(recorded.sorted() == written.sorted(), "the golden folder holds exactly the estimates written")
    }
}
