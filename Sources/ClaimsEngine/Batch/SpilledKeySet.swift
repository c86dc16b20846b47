import ClaimsCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A set of 128-bit keys whose memory does not grow with the batch (docs/batch.md, "Memory"): the
/// newest keys are held in memory; when they reach `memoryLimit` they are written, sorted, to a file
/// in the run's work directory (removed with it), and only a Bloom filter (10 bits a key) and the
/// first key of each 4 KB page stay in memory. A key the filter does not rule out is looked up in
/// its page (one `pread`). Exact for the keys given: a key is found on disk only if it was added.
/// More than `runsBeforeMerge` files are merged into one, so the files stay few.
/// Without a directory nothing is written and the set is an ordinary in-memory set.
/// Used by one thread at a time.
final class SpilledKeySet {
    struct Key: Hashable, Comparable {
        var high: UInt64
        var low: UInt64

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

        /// The first 128 bits of the SHA-256 of `text`: two different texts share a key with a
        /// probability of about n²/2¹²⁹ (below 10⁻²⁵ for a million keys), as two resources would share a
        /// `urn:uuid` (FHIR ids are SHA-256 digests too).
        init(hashing text: String) {
            // Hashed from the string's own bytes into a buffer on the stack (an array for the text
            // and another for the digest cost two allocations a key).
            var text = text
            let (high, low) = text.withUTF8 { utf8 in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
                    SHA256.digest(utf8, into: digest)
                    var high: UInt64 = 0, low: UInt64 = 0
                    for index in 0..<8 { high = high << 8 | UInt64(digest[index]) }
                    for index in 8..<16 { low = low << 8 | UInt64(digest[index]) }
                    return (high, low)
                }
            }
            self.init(high: high, low: low)
        }

        init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
    }

    static let defaultMemoryLimit = 8192
    static let runsBeforeMerge = 8

    let memoryLimit: Int
    private var recent = Set<Key>()
    private var runs: SpillFiles<SortedKeyFile>?

    /// - Parameters:
    ///   - directory: where the files go (the run's work directory); nil keeps every key in memory.
    ///   - name: the files' name prefix (unique within `directory`).
    init(spillingInto directory: String?, name: String, memoryLimit: Int = SpilledKeySet.defaultMemoryLimit) {
        self.memoryLimit = max(1, memoryLimit)
        runs = directory.map { SpillFiles(directory: $0, name: name, suffix: ".keys") }
    }

    /// Keys added so far are held in memory or in files; the number of files (for tests).
    var fileCount: Int { runs?.files.count ?? 0 }

    /// Adds `key`; false when it was there already.
    func insert(_ key: Key) throws -> Bool {
        // Inserted first (one hash, not a lookup and then an insert): a key found on disk is kept in
        // memory too, so keys that come back often (a clinic's own Organization) are answered without
        // reading the disk until the next spill.
        guard recent.insert(key).inserted else { return false }
        var found = false
        if let files = runs?.files {
            do {
                for run in files.reversed() where try run.contains(key) { found = true; break }
            } catch {
                // Not answered: the set stays as it was, so asking again gives the answer it would have.
                recent.remove(key)
                throw error
            }
        }
        if recent.count >= memoryLimit, runs != nil {
            let sorted = recent.sorted()
            try runs!.add(written: { try SortedKeyFile(path: $0, keys: sorted) }, merged: { try SortedKeyFile(path: $0, merging: $1) })
            recent.removeAll(keepingCapacity: true)
        }
        return !found
    }
}

/// A file a spilling structure wrote; deleted once merged into another.
protocol SpillFile: AnyObject {
    func remove()
}

/// The files a spilling structure has written, oldest first: one more per spill, all merged into
/// one when there are more than `SpilledKeySet.runsBeforeMerge`, so they stay few.
struct SpillFiles<File: SpillFile> {
    let directory: String
    let name: String
    let suffix: String
    private(set) var files: [File] = []
    private var written = 0

    init(directory: String, name: String, suffix: String) {
        self.directory = directory; self.name = name; self.suffix = suffix
    }

    /// Adds the file `written` makes at the path given; `merged` makes one file of all at another path.
    mutating func add(written: (String) throws -> File, merged: (String, [File]) throws -> File) throws {
        files.append(try written(nextPath()))
        guard files.count > SpilledKeySet.runsBeforeMerge else { return }
        let union = try merged(nextPath(), files)
        for file in files { file.remove() }
        files = [union]
    }

    private mutating func nextPath() -> String {
        written += 1
        return "\(directory)/\(name)-\(written)\(suffix)"
    }

    /// Calls `body` with the items of sorted sequences in order; of equal items, the earlier
    /// sequence's first (the older file's, so a key's records keep their order).
    static func merge<Item>(_ sequences: [() throws -> Item?], by key: (Item) -> SpilledKeySet.Key, _ body: (Item) throws -> Void) throws {
        var heads = try sequences.map { try $0() }
        while true {
            var smallest: Int?
            for index in heads.indices {
                guard let head = heads[index] else { continue }
                if smallest == nil || key(head) < key(heads[smallest!]!) { smallest = index }
            }
            guard let index = smallest, let item = heads[index] else { return }
            try body(item)
            heads[index] = try sequences[index]()
        }
    }
}

/// Keys in ascending order in a file of 16-byte records, with a Bloom filter and a page index in memory.
final class SortedKeyFile: SpillFile {
    typealias Key = SpilledKeySet.Key
    static let keysPerPage = 256

    let path: String
    let count: Int
    private let descriptor: Int32
    /// The first key of each page of `keysPerPage` keys.
    private let pageFirsts: [Key]
    private let filter: KeyFilter
    private var page: [Key] = []

    /// Writes `keys` (ascending, no repeats) to a new file at `path`.
    convenience init(path: String, keys: [Key]) throws {
        try self.init(path: path, expectedCount: keys.count) { write in try write(keys) }
    }

    /// Writes the union of `runs` to a new file at `path`, reading each run once in order.
    convenience init(path: String, merging runs: [SortedKeyFile]) throws {
        try self.init(path: path, expectedCount: runs.reduce(0) { $0 + $1.count }) { write in
            let readers = try runs.map { try SortedKeyFile.Reader($0) }
            var batch: [Key] = []
            var last: Key?
            try SpillFiles<SortedKeyFile>.merge(readers.map { reader in { try reader.next() } }, by: { $0 }) { key in
                guard key != last else { return }
                last = key
                batch.append(key)
                if batch.count == 4096 { try write(batch); batch.removeAll(keepingCapacity: true) }
            }
            try write(batch)
        }
    }

    private init(path: String, expectedCount: Int, fill: (_ write: ([Key]) throws -> Void) throws -> Void) throws {
        var total = 0
        var firsts: [Key] = []
        var filter = KeyFilter(expectedCount: expectedCount)
        let file = try FileBytes.create(path) { file in
            try fill { keys in
                for key in keys {
                    if total % Self.keysPerPage == 0 { firsts.append(key) }
                    total += 1
                    filter.insert(key)
                }
                try keys.withUnsafeBytes { try FileBytes.write($0, to: file, path: path) }
            }
        }
        self.path = path
        descriptor = file
        count = total
        pageFirsts = firsts
        self.filter = filter
        page.reserveCapacity(Self.keysPerPage)
    }

    deinit { Glibc.close(descriptor) }

    /// Deletes the file (the set no longer uses it).
    func remove() { unlink(path) }

    func contains(_ key: Key) throws -> Bool {
        guard filter.mayContain(key), let first = pageFirsts.first, first <= key else { return false }
        // The last page whose first key is at most `key`.
        var lower = 0, upper = pageFirsts.count - 1
        while lower < upper {
            let middle = (lower + upper + 1) / 2
            if pageFirsts[middle] <= key { lower = middle } else { upper = middle - 1 }
        }
        try readPage(lower)
        var low = 0, high = page.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if page[middle] == key { return true }
            if page[middle] < key { low = middle + 1 } else { high = middle - 1 }
        }
        return false
    }

    private func readPage(_ index: Int) throws {
        let keys = min(Self.keysPerPage, count - index * Self.keysPerPage)
        page.removeAll(keepingCapacity: true)
        page.append(contentsOf: repeatElement(Key(high: 0, low: 0), count: keys))
        let offset = index * Self.keysPerPage * MemoryLayout<Key>.stride
        try page.withUnsafeMutableBytes { try FileBytes.read(into: $0, from: descriptor, path: path, offset: offset) }
    }

    /// Reads a file's keys in order, a page at a time.
    final class Reader {
        private let file: SortedKeyFile
        private var buffer: [Key] = []
        private var position = 0
        private var nextPage = 0

        init(_ file: SortedKeyFile) throws { self.file = file }

        func next() throws -> Key? {
            if position == buffer.count {
                guard nextPage * SortedKeyFile.keysPerPage < file.count else { return nil }
                try file.readPage(nextPage)
                buffer = file.page
                nextPage += 1
                position = 0
            }
            defer { position += 1 }
            return buffer[position]
        }
    }
}

/// A Bloom filter over 128-bit keys: 10 bits a key, 7 probes (about 1 % false positives), from two
/// mixes of the key (double hashing).
struct KeyFilter {
    private static let bitsPerKey = 10
    private static let probes: UInt64 = 7
    private var bits: [UInt64]

    init(expectedCount: Int) {
        bits = [UInt64](repeating: 0, count: max(1, (expectedCount * Self.bitsPerKey + 63) / 64))
    }

    mutating func insert(_ key: SpilledKeySet.Key) {
        let (first, step, size) = probe(key)
        for round in 0..<Self.probes {
            let bit = (first &+ round &* step) % size
            bits[Int(bit / 64)] |= 1 << (bit % 64)
        }
    }

    func mayContain(_ key: SpilledKeySet.Key) -> Bool {
        let (first, step, size) = probe(key)
        for round in 0..<Self.probes {
            let bit = (first &+ round &* step) % size
            if bits[Int(bit / 64)] & (1 << (bit % 64)) == 0 { return false }
        }
        return true
    }

    private func probe(_ key: SpilledKeySet.Key) -> (first: UInt64, step: UInt64, size: UInt64) {
        (Self.mix(key.high ^ key.low), Self.mix(key.low &+ 0x9E37_79B9_7F4A_7C15) | 1, UInt64(bits.count * 64))
    }

    /// SplitMix64's finalizer: spreads any key's bits (UUIDs have fixed version bits).
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The scratch files' system calls, with errors that name the file.
enum FileBytes {
    /// A new owner-only file (never an existing one, never through a link), open, after `write`
    /// filled it; when `write` fails the file is closed and deleted.
    static func create(_ path: String, _ write: (Int32) throws -> Void) throws -> Int32 {
        let file = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else {
            throw OutputError(path: path, message: "cannot create the file: \(String(cString: strerror(errno))); check that the output directory is writable")
        }
        do { try write(file) } catch {
            Glibc.close(file)
            unlink(path)
            throw error
        }
        return file
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to file: Int32, path: String) throws {
        var done = 0
        while done < bytes.count {
            let result = Glibc.write(file, bytes.baseAddress! + done, bytes.count - done)
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                throw OutputError(path: path, message: "cannot write: \(String(cString: strerror(errno))) (is the disk full?)")
            }
            done += result
        }
    }

    static func read(into buffer: UnsafeMutableRawBufferPointer, from file: Int32, path: String, offset: Int) throws {
        var done = 0
        while done < buffer.count {
            let result = pread(file, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                throw OutputError(path: path, message: "cannot read the run's scratch file back (\(result < 0 ? String(cString: strerror(errno)) : "it is shorter than written")); was the work directory changed?")
            }
            done += result
        }
    }

    static func read(from file: Int32, path: String, offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try read(into: $0, from: file, path: path, offset: offset) }
        return bytes
    }
}
