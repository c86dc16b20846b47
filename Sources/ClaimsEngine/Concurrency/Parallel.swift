import Dispatch
import Foundation

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

    /// Read once: asking Foundation each time re-reads the cgroup files.
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    static let stripesPerCore = 4

    static func map<Item: Sendable, Value: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Value) -> [Value] {
        guard items.count > 1 else { return items.map(transform) }
        let slots = Slots<Value>(count: items.count)
        // Contiguous stripes, a few per core: neighbouring results are written by the same thread, so
        // threads do not fight over cache lines; several per core let a thread that was not slowed
        // by the batch's other threads (reading ahead, writing 837P) take over the remaining stripes.
        let stripes = min(items.count, cores * stripesPerCore)
        let stripeSize = (items.count + stripes - 1) / stripes
        DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
            let start = stripe * stripeSize
            // With several stripes per core the last ones may be empty (19 items in 8 stripes of 3).
            guard start < items.count else { return }
            for index in start..<min(start + stripeSize, items.count) {
                slots.buffer[index] = transform(items[index])
            }
        }
        return slots.buffer.map { $0! }
    }
}
