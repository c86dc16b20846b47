import Foundation
import Testing
@testable import ClaimsEngine

@Suite struct ParallelMapTests {
    @Test(arguments: [0, 1, 2, 3, 7, 8, 9, 19, 256, 1_001])
    func keepsEveryItemInOrder(count: Int) {
        let items = Array(0..<count)
        #expect(Parallel.map(items) { $0 * 3 } == items.map { $0 * 3 })
    }
}

@Suite struct PrefetcherTests {
    private struct Broken: Error, Equatable { var at: Int }

    @Test func deliversEveryItemInOrder() throws {
        var received: [Int] = []
        try Prefetcher.run(capacity: 2, produce: { put in
            for item in 0..<1_000 { try put(item) }
        }) { (item: Int) in received.append(item) }
        #expect(received == Array(0..<1_000))
    }

    @Test func aProducerErrorArrivesAfterTheItemsBeforeIt() {
        var received: [Int] = []
        #expect(throws: Broken(at: 5)) {
            try Prefetcher.run(capacity: 3, produce: { put in
                for item in 0..<5 { try put(item) }
                throw Broken(at: 5)
            }) { (item: Int) in received.append(item) }
        }
        #expect(received == [0, 1, 2, 3, 4])
    }

    @Test func aConsumerErrorStopsTheProducer() {
        let produced = Counter()
        #expect(throws: Broken(at: 10)) {
            try Prefetcher.run(capacity: 2, produce: { put in
                for item in 0..<100_000 {
                    try put(item)
                    produced.increment()
                }
            }) { (item: Int) in if item == 10 { throw Broken(at: 10) } }
        }
        // The producer had ended when `run` returned, and ran at most its queue's length ahead.
        let final = produced.value
        #expect(final <= 10 + 1 + 2)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(produced.value == final)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.lock(); count += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }
}
