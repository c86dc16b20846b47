import Dispatch

/// One value made on another thread and handed to the thread that waits for it. Waiting again
/// returns the same value at once (a failed run waits for work in flight a second time).
final class Handoff<Value: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let value = Locked<Value?>(nil)

    init() {}

    /// Called once, by the producing thread.
    func finish(_ made: Value) {
        value.withLock { $0 = made }
        done.signal()
    }

    func wait() -> Value {
        done.wait()
        done.signal()
        return value.current!
    }
}
