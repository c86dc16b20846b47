import ClaimsTestSupport
import Foundation
import Testing

/// The `claims` executable allocates through jemalloc (docs/batch.md, "The allocator"): the link order
/// must let jemalloc's malloc take the place of glibc's, which only the built process can show.
#if os(Linux)
@Suite struct AllocatorTests {
    @Test func theExecutableAllocatesThroughJemalloc() throws {
        let result = try CLIRunner.run(["--help"], environment: ["CLAIMS_BATCH_TIMINGS": "1"])
        #expect(result.status == 0)
        let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("allocator: ") }
        #expect(line?.hasPrefix("allocator: jemalloc 5.") == true, "stderr: \(result.stderr)")
        // The options as jemalloc reports them (read back with mallctl), not our string repeated.
        #expect(line?.hasSuffix("(narenas:2,dirty_decay_ms:250,muzzy_decay_ms:0)") == true, "stderr: \(result.stderr)")
    }

    @Test func theAllocatorIsNamedOnlyForTheBenchmark() throws {
        let result = try CLIRunner.run(["--help"])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("allocator:"))
    }
}
#endif
