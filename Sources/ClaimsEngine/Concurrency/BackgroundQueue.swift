import Dispatch

/// One serial queue for work that must happen in order but need not hold up the caller (the
/// batch's 837P encoding and its encounter history). At most `slots` jobs wait or run, so memory
/// stays bounded when the queue falls behind. The first error is rethrown on the caller's thread
/// by the next `run` or by `wait`; jobs after it are skipped.
final class BackgroundQueue: Sendable {
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    /// Read under the lock, never on the queue: reading it there would wait for every queued job,
    /// and nothing would overlap.
    private let failure = Locked<(any Error)?>(nil)

    init(label: String, slots: Int = 2) {
        queue = DispatchQueue(label: label)
        self.slots = DispatchSemaphore(value: slots)
    }

    /// Queues `work`; waits first while `slots` jobs are already queued.
    func run(_ work: @escaping @Sendable () throws -> Void) throws {
        try rethrow()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failure.current == nil else { return }
            do { try work() } catch { failure.withLock { $0 = error } }
        }
    }

    /// Returns once every queued job has run; rethrows the first error.
    func wait() throws {
        queue.sync {}
        try rethrow()
    }

    private func rethrow() throws {
        if let failure = failure.current { throw failure }
    }
}
