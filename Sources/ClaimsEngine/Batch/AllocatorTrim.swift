#if canImport(Glibc)
import Glibc
#endif

/// The batch's memory stays flat only if what a block frees goes back to the system (docs/batch.md,
/// "Memory"). glibc's allocator keeps it otherwise: it raises its mmap threshold each time a large
/// buffer is freed (up to 32 MiB), so later large buffers (a block's documents, a chunk's 837P text)
/// come from the heap and leave holes; and it returns free pages inside an arena's heap only when
/// asked (`malloc_trim`). Neither is in Swift's Glibc module, so both are looked up by name; on
/// another C library nothing is done.
enum AllocatorTrim {
    private typealias SetOption = @convention(c) (Int32, Int32) -> Int32
    private typealias Trim = @convention(c) (Int) -> Int32
    /// `M_MMAP_THRESHOLD` (malloc.h): setting it fixes the threshold (no dynamic raising).
    private static let mmapThresholdOption: Int32 = -3
    /// Buffers from 128 KiB on are mapped on their own and unmapped when freed (glibc's initial value).
    private static let mmapThreshold: Int32 = 128 * 1024

    /// Fixes the mmap threshold for the rest of the process (called once when a batch starts).
    static func keepLargeBuffersOutOfTheHeap() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: SetOption.self)(mmapThresholdOption, mmapThreshold)
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
