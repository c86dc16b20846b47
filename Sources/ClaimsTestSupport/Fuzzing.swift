import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A small, deterministic mutation fuzzer for the parsers that read untrusted input
// (docs/testing.md, "Fuzz tests"). No coverage feedback: every iteration takes a corpus entry and
// stacks a few random mutations on it. Iteration `n` depends only on (seed, n, corpus), so a
// failure is reproduced by its seed and iteration number, or by the input file it was saved to.

/// SplitMix64: small, fast and good enough to drive mutations.
public struct FuzzRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator of iteration `iteration` of a run with `seed`, independent of every other iteration.
    public init(seed: UInt64, iteration: Int) {
        var mixer = FuzzRandom(seed: seed ^ (UInt64(truncatingIfNeeded: iteration) &* 0x9E37_79B9_7F4A_7C15))
        state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    /// True with probability 1/`n`.
    public mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    public mutating func element<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Byte-level mutations: bit flips, byte changes, inserts and deletes, copies inside the input,
/// splices with other corpus entries, dictionary tokens, huge numbers, deep nesting, long runs
/// and invalid UTF-8.
public struct FuzzMutator: Sendable {
    public var corpus: [[UInt8]]
    public var dictionary: [[UInt8]]
    /// Inputs are cut to this many bytes (the parsers' own size limits are not what is fuzzed).
    public var maxLength: Int

    public init(corpus: [[UInt8]], dictionary: [String], maxLength: Int = 64 * 1024) {
        self.corpus = corpus.isEmpty ? [[]] : corpus
        self.dictionary = (dictionary + Self.commonTokens).map { Array($0.utf8) }
        self.maxLength = maxLength
    }

    /// Tokens every target gets: huge and odd numbers, quotes, brackets, separators, control characters.
    public static let commonTokens = [
        "99999999999999999999.99", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-1", "0", "-0",
        "1e400", "1E-400", "0.000000000000000000000000000000000000001", "NaN", "Infinity", "18446744073709551616",
        "{", "}", "[", "]", "\"", "'", ":", ",", "\\", "\\u0000", "\\ud800", "\\udc00\\ud800", "\u{0}", "\t", "\r\n", "\n",
        "~", "*", "^", "|", ">", "ISA", "é", "\u{FEFF}", "\u{202E}", "\u{2028}", "𝄞", "null", "true", "false", "", " ",
        "2026-02-30", "0000-00-00", "9999-12-31", "2026-11-03",
    ]

    /// Invalid or tricky UTF-8 sequences.
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF0, 0x9F, 0x98], [0xEF, 0xBB, 0xBF],
    ]

    public func mutate(_ input: [UInt8], _ random: inout FuzzRandom) -> [UInt8] {
        var bytes = input
        let rounds = 1 + random.below(random.oneIn(4) ? 16 : 4)
        for _ in 0..<rounds { mutateOnce(&bytes, &random) }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        return bytes
    }

    private func position(_ bytes: [UInt8], _ random: inout FuzzRandom) -> Int { random.below(bytes.count + 1) }

    /// A run length, usually short, sometimes long.
    private func length(_ random: inout FuzzRandom, upTo limit: Int) -> Int {
        guard limit > 0 else { return 0 }
        let cap = random.oneIn(8) ? limit : min(limit, 16)
        return 1 + random.below(cap)
    }

    private func mutateOnce(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        switch random.below(14) {
        case 0 where !bytes.isEmpty:  // flip one bit
            let index = random.below(bytes.count)
            bytes[index] ^= UInt8(1) << UInt8(random.below(8))
        case 1 where !bytes.isEmpty:  // set a random byte
            bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2:  // insert a random byte (often ASCII)
            let byte = random.oneIn(2) ? UInt8(0x20 + random.below(0x5F)) : UInt8(truncatingIfNeeded: random.next())
            bytes.insert(byte, at: position(bytes, &random))
        case 3 where !bytes.isEmpty:  // delete a range
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + length(&random, upTo: bytes.count - start)))
        case 4, 5:  // insert a dictionary token
            bytes.insert(contentsOf: random.element(dictionary), at: position(bytes, &random))
        case 6 where !bytes.isEmpty:  // replace a range with a dictionary token
            let start = random.below(bytes.count)
            let end = min(bytes.count, start + length(&random, upTo: bytes.count - start))
            bytes.replaceSubrange(start..<end, with: random.element(dictionary))
        case 7:  // splice: this input's head with another entry's tail
            let other = random.element(corpus)
            let cut = position(bytes, &random)
            let otherCut = random.below(other.count + 1)
            bytes = Array(bytes[..<cut]) + Array(other[otherCut...])
        case 8 where !bytes.isEmpty:  // copy a range of the input somewhere else
            let start = random.below(bytes.count)
            let piece = Array(bytes[start..<min(bytes.count, start + length(&random, upTo: bytes.count - start))])
            bytes.insert(contentsOf: piece, at: position(bytes, &random))
        case 9:  // deep nesting
            let depth = random.oneIn(3) ? 1 + random.below(5000) : 1 + random.below(80)
            let (open, close): (String, String) = random.element([("[", "]"), ("{\"a\":", "}"), ("- ", ""), ("{", "}"), ("[{\"x\":", "}]")])
            let at = position(bytes, &random)
            bytes.insert(contentsOf: Array(String(repeating: open, count: depth).utf8) + Array(String(repeating: close, count: random.oneIn(2) ? depth : random.below(depth + 1)).utf8), at: at)
        case 10:  // a long run of one byte or token
            let unit = random.oneIn(2) ? [UInt8(0x20 + random.below(0x5F))] : random.element(dictionary)
            let count = random.oneIn(4) ? 1 + random.below(20_000) : 1 + random.below(300)
            bytes.insert(contentsOf: Array(repeating: unit, count: count).joined(), at: position(bytes, &random))
        case 11:  // invalid UTF-8
            bytes.insert(contentsOf: random.element(Self.invalidUTF8), at: position(bytes, &random))
        case 12 where !bytes.isEmpty:  // replace a run of digits by a huge or odd number
            let digits = bytes.indices.filter { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
            guard let start = digits.isEmpty ? nil : random.element(digits) else { return }
            var end = start
            while end < bytes.count, bytes[end] >= 0x30 && bytes[end] <= 0x39 || bytes[end] == 0x2E { end += 1 }
            let numbers = ["99999999999999999999.99", "9223372036854775807", "9223372036854775808", "0", "00", "1e9999", "-1", "0.001",
                           String(repeating: "9", count: 1 + random.below(400))]
            bytes.replaceSubrange(start..<end, with: Array(random.element(numbers).utf8))
        default:  // truncate
            if !bytes.isEmpty { bytes.removeLast(random.below(bytes.count)) }
        }
    }
}

/// How long and from where a fuzz run goes, from the environment:
/// `CLAIMS_FUZZ_SEED` (decimal or 0x-hex), `CLAIMS_FUZZ_SECONDS` (per target), `CLAIMS_FUZZ_ITERATIONS`
/// (per target), `CLAIMS_FUZZ_ITERATION` (run only that iteration), `CLAIMS_FUZZ_REPLAY` (a file:
/// run only that input), `CLAIMS_FUZZ_HANG_SECONDS` (slow-input and hang limits).
public struct FuzzConfiguration: Sendable {
    /// The seed CI uses; change it only on purpose (the failures it finds are then new ones).
    public static let defaultSeed: UInt64 = 0x00C1_A135_F022_2026

    public var seed: UInt64
    public var seconds: Double
    public var iterations: Int
    public var onlyIteration: Int?
    public var replay: String?
    /// An input that takes longer than this is a failure (a hang or super-linear growth).
    public var slowInputSeconds: Double
    /// An input still running after this long aborts the process after saving the input.
    public var hangSeconds: Double

    public init(seed: UInt64 = defaultSeed, seconds: Double, iterations: Int, onlyIteration: Int? = nil, replay: String? = nil,
                slowInputSeconds: Double = 10, hangSeconds: Double = 60) {
        self.seed = seed; self.seconds = seconds; self.iterations = iterations; self.onlyIteration = onlyIteration
        self.replay = replay; self.slowInputSeconds = slowInputSeconds; self.hangSeconds = hangSeconds
    }

    /// The CI defaults (`seconds`, `iterations` per target), overridden by the environment.
    public static func fromEnvironment(seconds: Double, iterations: Int) -> FuzzConfiguration {
        let environment = ProcessInfo.processInfo.environment
        func integer(_ name: String) -> UInt64? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
            return UInt64(text)
        }
        var configuration = FuzzConfiguration(seconds: seconds, iterations: iterations)
        if let seed = integer("CLAIMS_FUZZ_SEED") { configuration.seed = seed }
        if let text = environment["CLAIMS_FUZZ_SECONDS"], let value = Double(text), value > 0 {
            configuration.seconds = value
            // A longer run is bounded by time: lift the iteration cap unless it is given too.
            configuration.iterations = Int.max
        }
        if let value = integer("CLAIMS_FUZZ_ITERATIONS") { configuration.iterations = Int(clamping: value) }
        if let value = integer("CLAIMS_FUZZ_ITERATION") { configuration.onlyIteration = Int(clamping: value) }
        if let path = environment["CLAIMS_FUZZ_REPLAY"], !path.isEmpty { configuration.replay = path }
        if let text = environment["CLAIMS_FUZZ_HANG_SECONDS"], let value = Double(text), value > 0 {
            configuration.hangSeconds = value
            configuration.slowInputSeconds = min(configuration.slowInputSeconds, value)
        }
        return configuration
    }
}

/// One input the property did not hold for.
public struct FuzzFailure: Sendable, CustomStringConvertible {
    public var target: String
    /// nil for a corpus entry or a replayed file.
    public var iteration: Int?
    public var seed: UInt64
    public var message: String
    /// Where the input was saved.
    public var savedAt: String

    public var description: String {
        let origin = iteration.map { "iteration \($0) of seed 0x\(String(seed, radix: 16)) (CLAIMS_FUZZ_SEED=0x\(String(seed, radix: 16)) CLAIMS_FUZZ_ITERATION=\($0))" }
            ?? "a corpus entry"
        return "fuzz target '\(target)', \(origin): \(message)\n  input saved to \(savedAt) (replay: CLAIMS_FUZZ_REPLAY=\(savedAt))"
    }
}

/// What a run did.
public struct FuzzReport: Sendable, CustomStringConvertible {
    public var target: String
    public var seed: UInt64
    public var iterations = 0
    public var corpusEntries = 0
    public var seconds = 0.0
    public var failures: [FuzzFailure] = []
    /// The property's own counters over the mutated inputs (e.g. how many parsed), to show the
    /// mutations reach deep code; the corpus entries' counts are kept apart in `corpusCounters`.
    public var counters: [String: Int] = [:]
    public var corpusCounters: [String: Int] = [:]

    public var description: String {
        let counts = counters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            + (corpusCounters.isEmpty ? "" : " (corpus: " + corpusCounters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")")
        return "fuzz '\(target)': seed 0x\(String(seed, radix: 16)), \(corpusEntries) corpus entries + \(iterations) mutated inputs "
            + "in \(String(format: "%.1f", seconds)) s; \(failures.count) failure(s)\(counts.isEmpty ? "" : "; " + counts)"
    }
}

/// The property checker's view of one input: report a violation with `fail`, count events with `count`.
public struct FuzzProbe {
    public var random: FuzzRandom
    fileprivate(set) var violations: [String] = []
    fileprivate(set) var counters: [String: Int] = [:]

    public mutating func fail(_ message: String) { violations.append(message) }
    public mutating func count(_ name: String) { counters[name, default: 0] += 1 }
    public mutating func check(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { fail(message()) } }
}

public enum FuzzHarness {
    /// Where failing inputs are written: `$TMPDIR/claims-fuzz/`.
    public static var failureDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("claims-fuzz")
    }

    /// Runs the corpus, then mutated corpus entries until the time or iteration budget is spent.
    /// `mutate` builds iteration inputs (default: byte mutations of a corpus entry); `property`
    /// checks one input. A trap or a hang inside `property` is caught by the crash guard, which
    /// saves the input before the process dies.
    public static func run(target: String, corpus: [[UInt8]], mutator: FuzzMutator, configuration: FuzzConfiguration,
                           mutate: ((inout FuzzRandom) -> [UInt8])? = nil,
                           property: (([UInt8], inout FuzzProbe) -> Void)) -> FuzzReport {
        var report = FuzzReport(target: target, seed: configuration.seed)
        let started = Date()
        let guardSlot = CrashGuard.claim(target: target, seed: configuration.seed, hangSeconds: configuration.hangSeconds)
        defer { CrashGuard.release(guardSlot) }

        func check(_ input: [UInt8], iteration: Int?, random: FuzzRandom) {
            CrashGuard.begin(guardSlot, input: input, iteration: iteration ?? -1)
            var probe = FuzzProbe(random: random)
            let before = Date()
            property(input, &probe)
            let elapsed = Date().timeIntervalSince(before)
            CrashGuard.end(guardSlot)
            if elapsed > configuration.slowInputSeconds {
                probe.fail("took \(String(format: "%.1f", elapsed)) s (limit \(configuration.slowInputSeconds) s): a hang or super-linear growth")
            }
            for (name, value) in probe.counters {
                if iteration == nil { report.corpusCounters[name, default: 0] += value } else { report.counters[name, default: 0] += value }
            }
            guard !probe.violations.isEmpty, report.failures.count < 10 else { return }
            let name = iteration.map { "\(target)-\(String(configuration.seed, radix: 16))-\($0).bin" } ?? "\(target)-corpus-\(report.failures.count).bin"
            let saved = save(input, name: name)
            report.failures.append(FuzzFailure(target: target, iteration: iteration, seed: configuration.seed,
                                               message: probe.violations.prefix(5).joined(separator: "; "), savedAt: saved))
        }

        if let replay = configuration.replay {
            if let data = FileManager.default.contents(atPath: replay) {
                check(Array(data), iteration: nil, random: FuzzRandom(seed: configuration.seed))
                report.corpusEntries = 1
            }
            report.seconds = Date().timeIntervalSince(started)
            return report
        }
        if configuration.onlyIteration == nil {
            for (index, entry) in corpus.enumerated() {
                check(entry, iteration: nil, random: FuzzRandom(seed: configuration.seed, iteration: -1 - index))
                report.corpusEntries += 1
            }
        }
        let range = configuration.onlyIteration.map { $0...$0 } ?? 0...Int.max - 1
        for iteration in range {
            if configuration.onlyIteration == nil {
                if iteration >= configuration.iterations || Date().timeIntervalSince(started) >= configuration.seconds { break }
            }
            var random = FuzzRandom(seed: configuration.seed, iteration: iteration)
            let input = mutate.map { $0(&random) } ?? mutator.mutate(random.element(mutator.corpus), &random)
            check(input, iteration: iteration, random: random)
            report.iterations += 1
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Writes a failing input under the failure directory; returns its path.
    static func save(_ input: [UInt8], name: String) -> String {
        let directory = failureDirectory
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        do { try Data(input).write(to: url) } catch { return "(could not save: \(error))" }
        return url.path
    }

    /// Every file in `Tests/Fixtures/fuzz/<folder>/`, sorted by name.
    public static func corpus(folder: String) -> [(name: String, bytes: [UInt8])] {
        let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz/\(folder)")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map { (name, Array($0)) }
        }
    }

    /// Files of the repository (Samples, Payers) as corpus entries.
    public static func repositoryFiles(_ paths: [String]) -> [[UInt8]] {
        paths.compactMap { FileManager.default.contents(atPath: Fixtures.repositoryRoot.appendingPathComponent($0).path).map { Array($0) } }
    }

    /// The repository files in `folder` whose names end in `suffix`, as paths relative to the root.
    public static func repositoryFiles(in folder: String, suffix: String) -> [String] {
        let directory = Fixtures.repositoryRoot.appendingPathComponent(folder)
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(suffix) }.sorted().map { "\(folder)/\($0)" }
    }
}

// MARK: - Crash guard

/// Seeded, so a test drawing from it repeats its inputs on every run (a failure can be replayed).
extension FuzzRandom: RandomNumberGenerator {}
