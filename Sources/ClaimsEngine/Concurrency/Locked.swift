import Foundation

/// A value behind a lock: the batch's one way for mutable state to cross threads, so that every
/// type built on it is `Sendable` as the compiler checks it.
/// `@unchecked Sendable` is sound here: `value` is reached only inside `withLock`, under `lock`.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the value.
    var current: Value { withLock { $0 } }
}
