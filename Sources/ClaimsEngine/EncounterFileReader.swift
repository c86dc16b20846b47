import ClaimsCore
import ClaimsCSV
import Foundation

/// A failure to read an input file as a whole (as opposed to one bad encounter inside it).
public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case missing, unreadable }
    public var kind: Kind
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// One record of an encounter file, validated: the encounter, or every problem with it.
public struct DecodedRecord: Sendable {
    public var ordinal: Int
    public var line: Int
    /// The id as written, even when invalid (reports name encounters by id only).
    public var id: String
    public var encounter: Encounter?
    public var errors: [InputError]
    /// The record's JSON text as read (kept so a batch can store the encounter for later re-evaluation).
    public var source: String?

    public init(ordinal: Int, line: Int, id: String, encounter: Encounter?, errors: [InputError], source: String? = nil) {
        self.ordinal = ordinal; self.line = line; self.id = id; self.encounter = encounter; self.errors = errors; self.source = source
    }
}

/// Streams an encounter file (JSON array or JSON Lines) in fixed-size chunks, so memory stays
/// flat however long the file is. Syntax errors become that record's errors (with line and column);
/// the remaining records are still read. Duplicate encounter ids in one file are rejected.
public struct EncounterFileReader: Sendable {
    public static let chunkSize = 1 << 20

    public var decoder: EncounterDecoder
    /// Called with the size of each chunk read (on the reading thread), for progress displays.
    public var onBytesRead: (@Sendable (Int) -> Void)?
    /// Where the ids seen so far (the duplicate check) go once more than `idsInMemory` are held: a
    /// batch's work directory (docs/batch.md, "Memory"). nil keeps them all in memory.
    public var scratchDirectory: String?
    var idsInMemory = SpilledKeySet.defaultMemoryLimit

    public init(decoder: EncounterDecoder) { self.decoder = decoder }

    public func read(path: String, _ body: (DecodedRecord) throws -> Void) throws {
        try readBlocks(path: path, blockSize: 256) { block in
            for record in block { try body(record) }
        }
    }

    /// Reads the file in blocks of up to `blockSize` records; each block's records are parsed and
    /// validated on all cores at once (they are independent), then handed over in file order.
    public func readBlocks(path: String, blockSize: Int, _ body: ([DecodedRecord]) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFileError(kind: .missing, path: path, message: "no such file; check the path of the encounter export")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw InputFileError(kind: .unreadable, path: path, message: "cannot open the file for reading; check that it is a readable file")
        }
        // A device such as /dev/zero or /dev/urandom never ends: only files and pipes are read.
        var status = stat()
        if fstat(handle.fileDescriptor, &status) == 0 {
            let type = status.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFIFO else {
                try? handle.close()
                throw InputFileError(kind: .unreadable, path: path, message: "is not a regular file (a device or socket); give the path of the exported encounter file")
            }
        }
        defer { try? handle.close() }
        let seenIds = SpilledKeySet(spillingInto: scratchDirectory, name: "encounter-ids", memoryLimit: idsInMemory)
        /// Ids seen earlier in the file reject the later record (in file order, after parallel decoding).
        func rejectingRepeatedIds(_ block: [DecodedRecord]) throws -> [DecodedRecord] {
            var decoded = block
            for index in decoded.indices {
                let id = decoded[index].id
                guard decoded[index].encounter != nil || !decoded[index].errors.isEmpty, !id.isEmpty else { continue }
                if try !seenIds.insert(SpilledKeySet.Key(hashing: id)) {
                    decoded[index].errors.append(InputError(field: "id", message: "'\(id)' appears more than once in this file; each encounter needs its own id"))
                    decoded[index].encounter = nil
                }
            }
            return decoded
        }
        if path.lowercased().hasSuffix(".csv") {
            try readCSVBlocks(path: path, blockSize: blockSize) { try body(try rejectingRepeatedIds($0)) }
            return
        }
        var splitter = JSONRecordSplitter()
        var pending: [JSONRecord] = []
        func deliver(all: Bool) throws {
            while pending.count >= blockSize || (all && !pending.isEmpty) {
                let block = Array(pending.prefix(blockSize))
                pending.removeFirst(block.count)
                try body(try rejectingRepeatedIds(decodeInParallel(block)))
            }
        }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            } catch {
                throw InputFileError(kind: .unreadable, path: path, message: "reading failed: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            onBytesRead?(chunk.count)
            pending += splitter.feed(chunk)
            try deliver(all: false)
            // The file's structure is broken: the error is reported, the rest cannot be read.
            if splitter.hasFailed { break }
        }
        pending += splitter.finish()
        try deliver(all: true)
    }

    /// A CSV export (docs/csv-input.md): each encounter's rows become the JSON value a JSON export
    /// would give, validated by the same decoder; errors say which row and column.
    private func readCSVBlocks(path: String, blockSize: Int, _ body: ([DecodedRecord]) throws -> Void) throws {
        let reader: EncounterCSVReader
        do { reader = try EncounterCSVReader(path: path) } catch {
            try body([DecodedRecord(ordinal: 1, line: 1, id: "", encounter: nil, errors: [error])])
            return
        }
        var block: [EncounterCSVReader.Record] = []
        let decoder = self.decoder
        func deliver() throws {
            let records = block
            block.removeAll(keepingCapacity: true)
            try body(Parallel.map(records) { Self.decode(csv: $0, decoder: decoder) })
        }
        while let record = reader.next() {
            block.append(record)
            if block.count >= blockSize { try deliver() }
        }
        if !block.isEmpty { try deliver() }
    }

    static func decode(csv record: EncounterCSVReader.Record, decoder: EncounterDecoder) -> DecodedRecord {
        switch record.value {
        case .failure(let error):
            return DecodedRecord(ordinal: record.ordinal, line: record.row, id: "", encounter: nil, errors: [error])
        case .success(let value):
            let (encounter, errors) = decoder.decode(value)
            let located = errors.map { InputError(field: $0.field, message: "\(record.locate($0.field)): \($0.message)") }
            return DecodedRecord(ordinal: record.ordinal, line: record.row, id: EncounterDecoder.rawId(of: value), encounter: encounter,
                                 errors: located, source: encounter == nil ? nil : value.jsonText)
        }
    }

    private func decodeInParallel(_ block: [JSONRecord]) -> [DecodedRecord] {
        let reader = self
        return Parallel.map(block) { reader.decode($0) }
    }

    /// Reads a whole file into memory (small files and tests).
    public func readAll(path: String) throws -> [DecodedRecord] {
        var records: [DecodedRecord] = []
        try read(path: path) { records.append($0) }
        return records
    }

    private func decode(_ record: JSONRecord) -> DecodedRecord {
        switch decoder.decode(record) {
        case .failure(let syntax):
            return DecodedRecord(ordinal: record.ordinal, line: record.line, id: "", encounter: nil,
                                 errors: [InputError(field: "json", message: "line \(syntax.line), column \(syntax.column): \(syntax.message)")])
        case .success(var decoded):
            // The JSON text is kept (for the store) only for valid encounters. The encounter is moved
            // out, not copied (a copy retains each of its strings and arrays).
            let encounter = decoded.encounter.take()
            let source: String?
            if case .none = encounter { source = nil } else { source = String(decoding: record.bytes, as: UTF8.self) }
            return DecodedRecord(ordinal: record.ordinal, line: record.line, id: decoded.rawId, encounter: encounter,
                                 errors: decoded.errors, source: source)
        }
    }
}
