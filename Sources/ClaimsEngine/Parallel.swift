import Dispatch

/// Maps independent items on every core, keeping their order. Each index is written by exactly one
/// iteration, which is why the unchecked buffer is safe.
enum Parallel {
    private final class Slots<Value>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Value?>
        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }
        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }

    static func map<Item: Sendable, Value: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Value) -> [Value] {
        guard items.count > 1 else { return items.map(transform) }
        let slots = Slots<Value>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            slots.buffer[index] = transform(items[index])
        }
        return slots.buffer.map { $0! }
    }
}
