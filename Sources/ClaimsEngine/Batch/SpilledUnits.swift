import ClaimsCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The units this run bills per patient and date of service (`DailyUnitsLedger`'s in-run part), with
/// memory that does not grow with the batch (docs/batch.md, "Memory"): past `memoryLimit` keys, the
/// units held are written at a block boundary, sorted by key, to a file in the run's work directory;
/// a Bloom filter and the first key of each ~4 KB page stay in memory. Each key's units come back in
/// the order they were added. Without a directory everything stays in memory. One thread at a time.
final class SpilledUnits {
    typealias Key = SpilledKeySet.Key

    static let defaultMemoryLimit = 4096

    let memoryLimit: Int
    private var recent: [Key: [BilledUnits]] = [:]
    private var files: SpillFiles<UnitsFile>?
    /// Encounters whose units were taken back after they went to a file (rare: a refused encounter).
    private var released: Set<String> = []

    init(spillingInto directory: String?, memoryLimit: Int = SpilledUnits.defaultMemoryLimit) {
        self.memoryLimit = max(1, memoryLimit)
        files = directory.map { SpillFiles(directory: $0, name: "units", suffix: ".units") }
    }

    var fileCount: Int { files?.files.count ?? 0 }

    /// Every unit added for `key` and not released, in the order added.
    func units(for key: Key) throws -> [BilledUnits] {
        var found: [BilledUnits] = []
        for file in files?.files ?? [] { try file.append(unitsOf: key, to: &found) }
        if !released.isEmpty { found.removeAll { released.contains($0.encounterId) } }
        return found + (recent[key] ?? [])
    }

    func add(_ units: [BilledUnits], for key: Key) {
        recent[key, default: []] += units
    }

    /// Takes back what `add` gave for `encounterId` under `key`.
    func release(encounterId: String, key: Key) {
        recent[key]?.removeAll { $0.encounterId == encounterId }
        if fileCount > 0 { released.insert(encounterId) }
    }

    /// Writes the units held to a file when they are more than `memoryLimit` keys (the ledger calls it
    /// between blocks); more than `SpilledKeySet.runsBeforeMerge` files are merged into one.
    func spillIfFull() throws {
        guard recent.count >= memoryLimit, files != nil else { return }
        let sorted = recent.sorted { $0.key < $1.key }
        try files!.add(written: { path in
            try UnitsFile(path: path, records: sorted.lazy.flatMap { entry in entry.value.lazy.map { (entry.key, $0) } })
        }, merged: { try UnitsFile(path: $0, merging: $1) })
        recent.removeAll(keepingCapacity: true)
    }
}

/// Units records in key order (a key's records in the order added) in a file, with a Bloom filter
/// and a page index in memory. A record: key (16 bytes), units (the `Decimal`'s 20 bytes, read back
/// by this process only), the lengths of the encounter id and the code, then their UTF-8.
final class UnitsFile: SpillFile {
    typealias Key = SpilledKeySet.Key
    private static let pageBytes = 4096

    let path: String
    private let descriptor: Int32
    private let size: Int
    /// The first key of each page and where the page starts; a page starts at a record.
    private let pages: [(first: Key, offset: Int)]
    private let filter: KeyFilter

    convenience init(path: String, records: some Sequence<(Key, BilledUnits)>) throws {
        try self.init(path: path) { write in
            for (key, units) in records { try write(key, units) }
        }
    }

    /// The records of `files` (oldest first) merged into one file: by key, and for equal keys the
    /// older file's records first, so each key keeps its order.
    convenience init(path: String, merging files: [UnitsFile]) throws {
        try self.init(path: path) { write in
            let readers = try files.map { try UnitsFile.Reader($0) }
            try SpillFiles<UnitsFile>.merge(readers.map { reader in { try reader.next() } }, by: \.key) { record in
                try write(record.key, record.units)
            }
        }
    }

    private init(path: String, fill: (_ write: (Key, BilledUnits) throws -> Void) throws -> Void) throws {
        var pages: [(first: Key, offset: Int)] = []
        var keys: [Key] = []
        var buffer: [UInt8] = []
        var written = 0
        let file = try FileBytes.create(path) { file in
            func flush() throws {
                try buffer.withUnsafeBytes { try FileBytes.write($0, to: file, path: path) }
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            try fill { key, units in
                let offset = written + buffer.count
                if pages.isEmpty || offset - pages[pages.count - 1].offset >= Self.pageBytes { pages.append((key, offset)) }
                if keys.last != key { keys.append(key) }
                Self.encode(key, units, into: &buffer)
                if buffer.count >= 1 << 16 { try flush() }
            }
            try flush()
        }
        self.path = path
        descriptor = file
        size = written
        self.pages = pages
        var filter = KeyFilter(expectedCount: keys.count)
        for key in keys { filter.insert(key) }
        self.filter = filter
    }

    deinit { Glibc.close(descriptor) }

    func remove() { unlink(path) }

    /// Appends the units recorded under `key`, in order.
    func append(unitsOf key: Key, to found: inout [BilledUnits]) throws {
        guard filter.mayContain(key), let firstPage = pages.first, firstPage.first <= key else { return }
        // A key's records may begin in the page before the first page that starts with it.
        let start = max(0, Self.firstPage(in: pages) { $0 >= key } - 1)
        let end = Self.firstPage(in: pages) { $0 > key }
        let from = pages[start].offset
        let to = end < pages.count ? pages[end].offset : size
        let bytes = try FileBytes.read(from: descriptor, path: path, offset: from, count: to - from)
        var position = 0
        while position < bytes.count {
            let (recordKey, units) = try Self.decode(bytes, at: &position, path: path)
            if recordKey == key { found.append(units) } else if key < recordKey { break }
        }
    }

    /// The index of the first page whose first key satisfies `isPast` (which turns true once, in order).
    private static func firstPage(in pages: [(first: Key, offset: Int)], where isPast: (Key) -> Bool) -> Int {
        var low = 0, high = pages.count
        while low < high {
            let middle = (low + high) / 2
            if isPast(pages[middle].first) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private static func encode(_ key: Key, _ units: BilledUnits, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: key) { buffer += $0 }
        withUnsafeBytes(of: units.units) { buffer += $0 }
        let id = Array(units.encounterId.utf8), code = Array(units.code.utf8)
        withUnsafeBytes(of: UInt32(id.count)) { buffer += $0 }
        withUnsafeBytes(of: UInt32(code.count)) { buffer += $0 }
        buffer += id
        buffer += code
    }

    private static let fixedBytes = MemoryLayout<Key>.size + MemoryLayout<Decimal>.size + 8

    private static func decode(_ bytes: [UInt8], at position: inout Int, path: String) throws -> (Key, BilledUnits) {
        guard position + fixedBytes <= bytes.count else { throw damaged(path) }
        return try bytes.withUnsafeBytes { raw in
            var cursor = position
            func load<T>(_ type: T.Type) -> T {
                defer { cursor += MemoryLayout<T>.size }
                return raw.loadUnaligned(fromByteOffset: cursor, as: T.self)
            }
            let key = load(Key.self)
            let units = load(Decimal.self)
            let idCount = Int(load(UInt32.self)), codeCount = Int(load(UInt32.self))
            guard cursor + idCount + codeCount <= raw.count else { throw damaged(path) }
            let id = String(decoding: raw[cursor..<cursor + idCount], as: UTF8.self)
            let code = String(decoding: raw[cursor + idCount..<cursor + idCount + codeCount], as: UTF8.self)
            position = cursor + idCount + codeCount
            return (key, BilledUnits(encounterId: id, code: code, units: units, earlierRun: false))
        }
    }

    private static func damaged(_ path: String) -> OutputError {
        OutputError(path: path, message: "the run's scratch file is damaged (was the work directory changed?)")
    }

    /// Reads a file's records in order, a page at a time.
    final class Reader {
        private let file: UnitsFile
        private var bytes: [UInt8] = []
        private var position = 0
        private var nextPage = 0

        init(_ file: UnitsFile) throws { self.file = file }

        func next() throws -> (key: Key, units: BilledUnits)? {
            if position == bytes.count {
                guard nextPage < file.pages.count else { return nil }
                // Whole records only: pages start at records.
                let from = file.pages[nextPage].offset
                nextPage += 1
                let to = nextPage < file.pages.count ? file.pages[nextPage].offset : file.size
                bytes = try FileBytes.read(from: file.descriptor, path: file.path, offset: from, count: to - from)
                position = 0
            }
            let (key, units) = try UnitsFile.decode(bytes, at: &position, path: file.path)
            return (key, units)
        }
    }
}
