import Foundation

/// Runs a producer on its own thread and hands what it produces to the calling thread through a
/// queue of at most `capacity` items, so that producing the next items (reading and validating
/// encounters) overlaps with consuming this one (deciding and writing documents).
///
/// Either side may fail: a producer error is rethrown to the caller after the items produced
/// before it were consumed; a consumer error stops the producer. `run` returns only once the
/// producer thread has ended, so nothing it uses (an open file) outlives the call.
enum Prefetcher {
    /// Thrown inside the producer when the consumer has stopped; never escapes `run`.
    private struct Stopped: Error {}

    /// `@unchecked Sendable`: every stored property but the constants is read and written only
    /// between `condition.lock()` and `condition.unlock()`.
    private final class Channel<Item: Sendable>: @unchecked Sendable {
        let condition = NSCondition()
        let capacity: Int
        var items: [Item] = []
        var producerEnded = false
        var consumerStopped = false
        var failure: (any Error)?

        init(capacity: Int) { self.capacity = capacity }

        func put(_ item: Item) throws {
            condition.lock()
            defer { condition.unlock() }
            while items.count >= capacity && !consumerStopped { condition.wait() }
            if consumerStopped { throw Stopped() }
            items.append(item)
            condition.broadcast()
        }

        /// The next item, or nil once the producer has ended and everything was taken.
        func take() throws -> Item? {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty && !producerEnded { condition.wait() }
            if !items.isEmpty {
                condition.broadcast()
                return items.removeFirst()
            }
            if let failure { throw failure }
            return nil
        }

        func endProducer(_ error: (any Error)?) {
            condition.lock()
            if let error, !(error is Stopped) { failure = error }
            producerEnded = true
            condition.broadcast()
            condition.unlock()
        }

        func stopConsumer() {
            condition.lock()
            consumerStopped = true
            condition.broadcast()
            condition.unlock()
        }

        func waitForProducer() {
            condition.lock()
            while !producerEnded { condition.wait() }
            condition.unlock()
        }
    }

    static func run<Item: Sendable>(capacity: Int,
                                    produce: @escaping @Sendable (_ put: (Item) throws -> Void) throws -> Void,
                                    consume: (Item) throws -> Void) throws {
        let channel = Channel<Item>(capacity: max(1, capacity))
        let thread = Thread {
            do {
                try produce { try channel.put($0) }
                channel.endProducer(nil)
            } catch {
                channel.endProducer(error)
            }
        }
        // Decoding recurses over nested JSON; give the producer the same stack a main thread has.
        thread.stackSize = 8 << 20
        thread.start()
        defer {
            channel.stopConsumer()
            channel.waitForProducer()
        }
        while let item = try channel.take() {
            try consume(item)
        }
    }
}
