import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Saves the input being checked when the process traps (SIGILL/SIGTRAP: a Swift runtime check,
/// SIGSEGV/SIGBUS: e.g. a stack overflow from deep recursion, SIGFPE, SIGABRT) or when one input runs
/// past the hang limit, and prints the seed and iteration, so a crash in CI is reproducible from
/// the log. Works with fixed slots and raw memory only, as a signal handler must.
enum CrashGuard {
    struct Slot {
        var active: Int32 = 0
        var running: Int32 = 0
        var thread: pthread_t = pthread_t()
        var input: UnsafeMutablePointer<UInt8>? = nil
        var capacity = 0
        var count = 0
        var iteration = -1
        var startedNanos: UInt64 = 0
        var hangNanos: UInt64 = 0
        /// "<dir>/crash-<target>.bin" and the message prefix, as C strings.
        var path: UnsafeMutablePointer<CChar>? = nil
        var label: UnsafeMutablePointer<CChar>? = nil
        var altStack: UnsafeMutableRawPointer? = nil
    }

    static let slotCount = 16
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<Slot> = {
        let pointer = UnsafeMutablePointer<Slot>.allocate(capacity: slotCount)
        pointer.initialize(repeating: Slot(), count: slotCount)
        return pointer
    }()
    static let lock = NSLock()
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var previousPointers: UnsafeMutablePointer<sigaction> = .allocate(capacity: 32)
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

    static func nowNanos() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func cString(_ text: String) -> UnsafeMutablePointer<CChar> { strdup(text)! }

    static func claim(target: String, seed: UInt64, hangSeconds: Double) -> Int {
        lock.lock(); defer { lock.unlock() }
        installIfNeeded()
        try? FileManager.default.createDirectory(at: FuzzHarness.failureDirectory, withIntermediateDirectories: true)
        let index = (0..<slotCount).first { slots[$0].active == 0 } ?? 0
        var slot = Slot()
        slot.active = 1
        slot.thread = pthread_self()
        slot.capacity = 1 << 20
        slot.input = .allocate(capacity: slot.capacity)
        slot.hangNanos = UInt64(hangSeconds * 1e9)
        slot.path = cString(FuzzHarness.failureDirectory.appendingPathComponent("crash-\(target)-\(String(seed, radix: 16)).bin").path)
        slot.label = cString("\nFUZZ CRASH GUARD: fuzz target '\(target)', seed 0x\(String(seed, radix: 16)) (CLAIMS_FUZZ_SEED=0x\(String(seed, radix: 16))), ")
        // An alternate signal stack for this thread, so a stack overflow still reaches the handler.
        let size = 256 * 1024
        slot.altStack = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        var stack = stack_t()
        stack.ss_sp = slot.altStack
        stack.ss_size = size
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
        slots[index] = slot
        return index
    }

    static func release(_ index: Int) {
        lock.lock(); defer { lock.unlock() }
        var stack = stack_t()
        stack.ss_flags = Int32(SS_DISABLE)
        sigaltstack(&stack, nil)
        let slot = slots[index]
        slots[index].active = 0
        slots[index].running = 0
        // The strings and the input buffer are kept: a signal handler on another thread may still read them.
        _ = slot
    }

    static func begin(_ index: Int, input: [UInt8], iteration: Int) {
        let count = min(input.count, slots[index].capacity)
        input.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress, count > 0 { slots[index].input!.update(from: base, count: count) }
        }
        slots[index].count = count
        slots[index].iteration = iteration
        slots[index].startedNanos = nowNanos()
        slots[index].running = 1
    }

    static func end(_ index: Int) { slots[index].running = 0 }

    private static func installIfNeeded() {
        guard !installed else { return }
        installed = true
        for (offset, signal) in signals.enumerated() {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_sigaction = { signal, _, _ in CrashGuard.handle(signal) }
            #else
            action.__sigaction_u.__sa_sigaction = { signal, _, _ in CrashGuard.handle(signal) }
            #endif
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, previousPointers + offset)
        }
        let watchdog = Thread { CrashGuard.watch() }
        watchdog.name = "fuzz-watchdog"
        watchdog.start()
    }

    /// Writes raw bytes to stderr (async-signal-safe).
    static func writeError(_ pointer: UnsafePointer<CChar>) { _ = write(2, pointer, strlen(pointer)) }

    static func writeNumber(_ value: Int) {
        var buffer = [CChar](repeating: 0, count: 24)
        var magnitude = value.magnitude
        var index = 22
        repeat {
            buffer[index] = CChar(48 + Int(magnitude % 10)); magnitude /= 10; index -= 1
        } while magnitude > 0
        if value < 0 { buffer[index] = 45; index -= 1 }
        buffer.withUnsafeBufferPointer { _ = write(2, $0.baseAddress! + index + 1, 22 - index) }
    }

    /// Saves the inputs of the running slots (the one on the faulting thread first) and reports them.
    static func dump(reason: UnsafePointer<CChar>, onlyThread: pthread_t?) {
        for index in 0..<slotCount where slots[index].active == 1 && slots[index].running == 1 {
            if let onlyThread, pthread_equal(slots[index].thread, onlyThread) == 0 { continue }
            let slot = slots[index]
            guard let path = slot.path, let label = slot.label, let input = slot.input else { continue }
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 { _ = write(fd, input, slot.count); close(fd) }
            writeError(label)
            if slot.iteration >= 0 {
                writeError("iteration "); writeNumber(slot.iteration); writeError(" (CLAIMS_FUZZ_ITERATION=")
                writeNumber(slot.iteration); writeError(")")
            } else {
                writeError("a corpus entry or replayed input")
            }
            writeError(": "); writeError(reason); writeError("; input saved to "); writeError(path)
            writeError(" (replay: CLAIMS_FUZZ_REPLAY=<that file>)\n")
        }
    }

    static func handle(_ signal: Int32) {
        let reason: StaticString = signal == SIGSEGV || signal == SIGBUS ? "memory fault or stack overflow (SIGSEGV/SIGBUS)"
            : signal == SIGABRT ? "abort (SIGABRT)" : signal == SIGFPE ? "arithmetic trap (SIGFPE)" : "runtime trap (SIGILL/SIGTRAP)"
        reason.withUTF8Buffer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count + 1) { pointer in
                // A fault on a thread that is not fuzzing: report every running fuzz input anyway.
                let onFuzzThread = (0..<slotCount).contains { slots[$0].active == 1 && slots[$0].running == 1 && pthread_equal(slots[$0].thread, pthread_self()) != 0 }
                dump(reason: pointer, onlyThread: onFuzzThread ? pthread_self() : nil)
            }
        }
        // Hand the signal back to whoever had it (the Swift runtime's backtracer or the default action):
        // the faulting instruction runs again and faults into the previous handler.
        if let offset = signals.firstIndex(of: signal) {
            sigaction(signal, previousPointers + offset, nil)
        }
        if signal == SIGABRT { raise(signal) }
    }

    /// Aborts with the input saved when one input runs past its hang limit (a hang cannot be interrupted otherwise).
    static func watch() {
        while true {
            usleep(250_000)
            let now = nowNanos()
            for index in 0..<slotCount where slots[index].active == 1 && slots[index].running == 1 {
                if now > slots[index].startedNanos && now - slots[index].startedNanos > slots[index].hangNanos {
                    dump(reason: "hang: one input ran past the hang limit (CLAIMS_FUZZ_HANG_SECONDS)", onlyThread: slots[index].thread)
                    slots[index].running = 0
                    abort()
                }
            }
        }
    }
}
