import ClaimsAllocator
import ClaimsCLI
import Foundation

// The process allocates through jemalloc (ClaimsAllocator; docs/batch.md, "The allocator"). Asking
// it for its version keeps the library linked, and lets the benchmark say which allocator ran.
if ProcessInfo.processInfo.environment["CLAIMS_BATCH_TIMINGS"] == "1" {
    let allocator = claims_allocator_version().map { "jemalloc \(String(cString: $0)) (\(String(cString: claims_allocator_options())))" }
    FileHandle.standardError.write(Data("allocator: \(allocator ?? "the system's malloc (jemalloc is linked but does not serve malloc)")\n".utf8))
}
ClaimsCommand.run()
