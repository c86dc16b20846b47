import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Calls `sync()` every `interval` seconds on a thread of its own until stopped: the kernel writes
/// a batch's staged files while the run computes, instead of all at once before the commit.
final class PeriodicSync: Sendable {
    private struct State: Sendable {
        var started = false
        var stopped = false
    }
    private let interval: Double
    private let action: @Sendable () -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)
    private let state = Locked(State())

    init(every interval: Double, action: @escaping @Sendable () -> Void = { sync() }) {
        self.interval = interval
        self.action = action
    }

    func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started && !state.stopped
        }
        guard first else { return }
        Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + interval)
                if state.current.stopped { break }
                action()
            }
            ended.signal()
        }.start()
    }

    /// Returns once the thread has ended (an action in progress finishes first). Idempotent.
    func stop() {
        let wasRunning = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.started && !state.stopped
        }
        guard wasRunning else { return }
        wake.signal()
        ended.wait()
    }
}
