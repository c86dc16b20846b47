#if canImport(Glibc)
import Glibc
#endif

/// The batch's memory stays flat only if what a block frees goes back to the system (docs/batch.md,
/// "Memory"): glibc returns free pages inside an arena's heap only when asked (`malloc_trim`). It is
/// not in Swift's Glibc module, so it is looked up by name; on another C library nothing is done.
/// The `claims` executable allocates through jemalloc (docs/batch.md, "The allocator"), which returns
/// pages by itself (`dirty_decay_ms`); there both calls reach glibc's idle arenas and cost next to
/// nothing. They still matter to the library's other users (the tests), on glibc's malloc.
/// (Fixing glibc's mmap threshold as well saved ~7 MB at 40,000 encounters but cost ~15 % more CPU
/// in page faults, so it is left dynamic.)
enum AllocatorTrim {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Option = @convention(c) (Int32, Int32) -> Int32
    /// `M_ARENA_MAX` in glibc's malloc.h.
    private static let arenaLimitOption: Int32 = -8

    /// At most `count` malloc arenas for the whole process. glibc gives threads arenas of their own
    /// (up to 8 per core), each keeping its own free pages and partly used pages: the batch's reader,
    /// pool, writer and store threads had six, ~10 MB of its peak at 40,000 encounters. Two cost no
    /// measurable CPU (docs/batch.md, "Memory"). Called before the batch starts its threads.
    static func limitArenas(to count: Int32) {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Option.self)(arenaLimitOption, count)
        #endif
    }

    /// Gives the free pages of every arena back to the system (a few milliseconds; the batch calls it
    /// every few blocks).
    static func returnFreePages() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
