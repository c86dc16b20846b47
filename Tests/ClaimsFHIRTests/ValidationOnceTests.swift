import ClaimsCore
@testable import ClaimsFHIR
import ClaimsTestSupport
import Foundation
import Testing

/// Drafting threads that meet the same new element structure together validate it once: the one
/// that waited finds it validated.
@Suite struct ValidationOnceTests {
    private final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []
        func add(_ message: String) { lock.withLock { messages.append(message) } }
        var all: [String] { lock.withLock { messages } }
    }

    @Test func concurrentDraftsValidateEachShapeOnce() {
        for _ in 0..<3 {
            let writer = FHIRClaimWriter(clinic: Fixtures.clinic, created: FHIRFixtures.created,
                                         payers: [FHIRFixtures.payer.slug: FHIRFixtures.payer, FHIRFixtures.aetna.slug: FHIRFixtures.aetna])
            let evaluations = [FHIRFixtures.evaluation(), FHIRFixtures.evaluation(authNumber: "A1"),
                               FHIRFixtures.evaluation(FHIRFixtures.dependentWithSecondPlan())]
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 48) { index in
                do { _ = try writer.claimEntries(for: evaluations[index % evaluations.count], payer: FHIRFixtures.payer) } catch {
                    failures.add("\(error)")
                }
            }
            #expect(failures.all.isEmpty)
            #expect(writer.validatedShapeCount > evaluations.count)
            #expect(writer.validationCount == writer.validatedShapeCount)
        }
    }
}
