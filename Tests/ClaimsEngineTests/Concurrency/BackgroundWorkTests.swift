import Foundation
import Testing
@testable import ClaimsEngine

@Suite struct BackgroundQueueTests {
    private struct Broken: Error, Equatable { var at: Int }

    @Test func runsJobsInOrderAndWaitsForAll() throws {
        let queue = BackgroundQueue(label: "test")
        let seen = Locked<[Int]>([])
        for index in 0..<200 { try queue.run { seen.withLock { $0.append(index) } } }
        try queue.wait()
        #expect(seen.current == Array(0..<200))
    }

    @Test func theFirstErrorIsRethrownAndLaterJobsAreSkipped() throws {
        let queue = BackgroundQueue(label: "test")
        let seen = Locked<[Int]>([])
        try queue.run { seen.withLock { $0.append(1) } }
        try queue.run { throw Broken(at: 2) }
        // Once the failure is known, `run` rethrows it instead of queueing more work.
        for index in 3..<50 {
            do { try queue.run { seen.withLock { $0.append(index) } } } catch { break }
        }
        #expect(throws: Broken(at: 2)) { try queue.wait() }
        // The queue is serial: every job after the failing one runs after the failure is set, and is skipped.
        #expect(seen.current == [1])
        #expect(throws: Broken(at: 2)) { try queue.run {} }
    }

    @Test func atMostTwoJobsWait() throws {
        let queue = BackgroundQueue(label: "test", slots: 2)
        let gate = DispatchSemaphore(value: 0)
        let started = Locked(0)
        for _ in 0..<2 { try queue.run { started.withLock { $0 += 1 }; gate.wait() } }
        // A third job must wait for a slot: run it from another thread and see it blocked.
        let third = Handoff<Bool>()
        DispatchQueue.global().async {
            do { try queue.run {} } catch {}
            third.finish(true)
        }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(started.current == 1)
        gate.signal()
        gate.signal()
        #expect(third.wait())
        try queue.wait()
        #expect(started.current == 2)
    }
}

@Suite struct HandoffTests {
    @Test func deliversTheValueToEveryWait() {
        let handoff = Handoff<[Int]>()
        DispatchQueue.global().async { handoff.finish([1, 2, 3]) }
        #expect(handoff.wait() == [1, 2, 3])
        // A second wait (a failed run waiting for work in flight again) does not hang.
        #expect(handoff.wait() == [1, 2, 3])
    }
}

@Suite struct PeriodicSyncTests {
    @Test func actsRepeatedlyUntilStoppedThenNeverAgain() {
        let count = Locked(0)
        let periodic = PeriodicSync(every: 0.01) { count.withLock { $0 += 1 } }
        periodic.start()
        Thread.sleep(forTimeInterval: 0.3)
        periodic.stop()
        let stoppedAt = count.current
        #expect(stoppedAt >= 2)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(count.current == stoppedAt)
        periodic.stop()
    }

    @Test func stopWithoutStartReturnsAtOnce() {
        let periodic = PeriodicSync(every: 10) {}
        periodic.stop()
        periodic.start()
        periodic.stop()
    }
}

@Suite struct LockedTests {
    @Test func concurrentIncrementsAreNeverLost() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 10_000) { _ in counter.withLock { $0 += 1 } }
        #expect(counter.current == 10_000)
    }
}
