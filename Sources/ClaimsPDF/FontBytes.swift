import Foundation

/// Big-endian reads that never trap: every read is checked against the file's bounds, so a truncated
/// or malformed font throws instead of crashing the batch.
///
/// A font file on disk is mapped read-only instead of copied into memory: the fallback fonts are
/// ~7 MB of which a superbill reads a few pages (the cmap, the metrics, the glyphs it draws), and
/// only the pages read count in the process's memory (issue 18's memory goal). Font files are
/// system files that package upgrades replace by rename, which leaves a mapped file intact.
struct FontBytes: Sendable {
    private let storage: FontStorage

    /// A copy of `bytes` (a subset we wrote, a font in a test).
    init(bytes: [UInt8]) { storage = FontStorage(copying: bytes) }

    /// The font file at `path`, mapped read-only; read into memory when it cannot be mapped.
    init(mapping path: String) throws(TrueTypeError) { storage = try FontStorage(mapping: path) }

    var count: Int { storage.bytes.count }

    @inline(__always)
    func u8(_ offset: Int) throws(TrueTypeError) -> UInt8 {
        guard offset >= 0, offset < count else { throw TrueTypeError("read past the end of the file at \(offset)") }
        return storage.bytes[offset]
    }

    @inline(__always)
    func u16(_ offset: Int) throws(TrueTypeError) -> UInt16 {
        guard offset >= 0, offset + 2 <= count else { throw TrueTypeError("read past the end of the file at \(offset)") }
        return UInt16(storage.bytes[offset]) << 8 | UInt16(storage.bytes[offset + 1])
    }

    func i16(_ offset: Int) throws(TrueTypeError) -> Int16 { Int16(bitPattern: try u16(offset)) }

    /// `count` big-endian UInt16s from `offset`, `stride` bytes apart, with one bounds check for all
    /// (the fonts' metrics and cmaps hold tens of thousands of them); nil when any is outside the file.
    func u16s(at offset: Int, count: Int, stride: Int = 2) -> [UInt16]? {
        guard count > 0 else { return [] }
        guard offset >= 0, offset + (count - 1) * stride + 2 <= self.count else { return nil }
        let bytes = storage.bytes
        return [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let at = offset + index * stride
                buffer[index] = UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
            }
            initialized = count
        }
    }

    @inline(__always)
    func u32(_ offset: Int) throws(TrueTypeError) -> UInt32 {
        guard offset >= 0, offset + 4 <= count else { throw TrueTypeError("read past the end of the file at \(offset)") }
        let bytes = storage.bytes
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// A copy of the bytes in `range`.
    func slice(_ range: Range<Int>) throws(TrueTypeError) -> [UInt8] {
        try check(range)
        // Rebased: a slice of a raw buffer is copied byte by byte, the buffer itself at once.
        return Array(UnsafeRawBufferPointer(rebasing: storage.bytes[range]))
    }

    /// Appends the bytes in `range` to `out`.
    func append(_ range: Range<Int>, to out: inout [UInt8]) throws(TrueTypeError) {
        try check(range)
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: storage.bytes[range]))
    }

    private func check(_ range: Range<Int>) throws(TrueTypeError) {
        guard range.lowerBound >= 0, range.upperBound <= count else { throw TrueTypeError("range \(range) outside the file") }
    }
}

/// The memory behind `FontBytes`: a read-only mapping of a file, or a buffer of its own. Never
/// written after `init`, so it is shared by every thread; it lives as long as its font.
private final class FontStorage: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 8)
        source.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<source.count])
        isMapped = false
    }

    init(mapping path: String) throws(TrueTypeError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TrueTypeError("cannot open the file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw TrueTypeError("not a regular file")
        }
        let length = Int(status.st_size)
        if length > 0, let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED {
            bytes = UnsafeRawBufferPointer(start: address, count: length)
            isMapped = true
            return
        }
        // No mapping (an unusual file system): read the file instead.
        guard let data = FileManager.default.contents(atPath: path) else { throw TrueTypeError("cannot read the file") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
        _ = data.copyBytes(to: buffer.bindMemory(to: UInt8.self))
        bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<data.count])
        isMapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }
}
