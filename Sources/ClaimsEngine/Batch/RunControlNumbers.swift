import ClaimsStore

/// The 837P control numbers one run hands out (ISA13, GS06, ST02), in the order asked, as if drawn
/// one at a time from the store's counters (docs/batch.md, "Exactly once").
///
/// The run's store transaction holds the store's write lock while the run streams
/// (`RunTransaction`), so the numbers cannot be drawn one at a time in transactions of their own:
/// the run reserves them before its transaction opens (committed at once: a killed run leaves a
/// gap, never a repeat) and gives back what it did not use when it commits. A run needing more than
/// it reserved (more claims than its input's size allowed for) draws the rest inside its
/// transaction.
final class RunControlNumbers: Sendable {
    static let maximum = 999_999_999

    private struct Counter {
        var reserved: ClosedRange<Int>
        var used = 0
    }

    private let counters: Locked<[String: Counter]>
    private let transaction: Locked<RunTransaction?> = Locked(nil)

    private init(counters: [String: Counter]) {
        self.counters = Locked(counters)
    }

    /// Reserves enough for a run over `inputBytes` of input with `payers` payers: one interchange
    /// (ISA13, GS06) per payer, and one transaction set (ST02) per 500 claims of a payer. A claim's
    /// encounter takes far more than 20 bytes of input; without a known size (a pipe), 1,000 sets.
    static func reserve(store: any BatchStore, payers: Int, inputBytes: Int?) throws -> RunControlNumbers {
        let claimsBound = inputBytes.map { $0 / 20 } ?? 500_000
        let sets = 2 * payers + 64 + claimsBound / PayerDocuments.claimsPerChunk
        var counters: [String: Counter] = [:]
        for (name, count) in [("isa13", payers + 16), ("gs06", payers + 16), ("st02", sets)] {
            counters[name] = Counter(reserved: try store.reserveControlNumbers(name, count: count))
        }
        return RunControlNumbers(counters: counters)
    }

    /// Where numbers past the reservation come from (the run's open transaction).
    func drawBeyondReservation(from transaction: RunTransaction) {
        self.transaction.withLock { $0 = transaction }
    }

    /// The next number of `counter` (`isa13`, `gs06`, `st02`).
    func next(_ counter: String) throws -> Int {
        let reserved: Int? = counters.withLock { counters in
            guard var state = counters[counter], state.used < state.reserved.count else { return nil }
            state.used += 1
            counters[counter] = state
            return state.reserved.lowerBound + state.used - 1
        }
        if let reserved { return reserved }
        guard let transaction = transaction.current else {
            throw OutputError(path: counter, message: "the run's control numbers \(counter) are used up and the run has no store transaction open")
        }
        return try transaction.allocateControlNumber(counter, maximum: Self.maximum)
    }

    /// The whole reservation as unused: what a run that failed before its commit gives back (none of
    /// its numbers reached a published file).
    var unusedAfterFailure: [(counter: String, reserved: ClosedRange<Int>, used: Int)] {
        usage.map { (counter: $0.counter, reserved: $0.reserved, used: 0) }
    }

    /// What the run reserved and how much of it it used (given back when it commits).
    var usage: [(counter: String, reserved: ClosedRange<Int>, used: Int)] {
        counters.current.map { (counter: $0.key, reserved: $0.value.reserved, used: $0.value.used) }.sorted { $0.counter < $1.counter }
    }
}
