import ClaimsCore
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
    /// The record as parsed (kept so a batch can store the encounter for later re-evaluation).
    public var source: JSONValue?

    public init(ordinal: Int, line: Int, id: String, encounter: Encounter?, errors: [InputError], source: JSONValue? = nil) {
        self.ordinal = ordinal; self.line = line; self.id = id; self.encounter = encounter; self.errors = errors; self.source = source
    }
}

/// Streams an encounter file (JSON array or JSON Lines) in fixed-size chunks, so memory stays
/// flat however long the file is. Syntax errors become that record's errors (with line and column);
/// the remaining records are still read. Duplicate encounter ids in one file are rejected.
public struct EncounterFileReader {
    public static let chunkSize = 1 << 20

    public var decoder: EncounterDecoder

    public init(decoder: EncounterDecoder) { self.decoder = decoder }

    public func read(path: String, _ body: (DecodedRecord) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFileError(kind: .missing, path: path, message: "no such file; check the path of the encounter export")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw InputFileError(kind: .unreadable, path: path, message: "cannot open the file for reading; check that it is a readable file")
        }
        defer { try? handle.close() }
        var splitter = JSONRecordSplitter()
        var seenIds: Set<String> = []
        var sawRecord = false
        func deliver(_ records: [JSONRecord]) throws {
            for record in records {
                sawRecord = true
                try body(decode(record, seenIds: &seenIds))
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
            try deliver(splitter.feed(chunk))
        }
        try deliver(splitter.finish())
        _ = sawRecord
    }

    /// Reads a whole file into memory (small files and tests).
    public func readAll(path: String) throws -> [DecodedRecord] {
        var records: [DecodedRecord] = []
        try read(path: path) { records.append($0) }
        return records
    }

    private func decode(_ record: JSONRecord, seenIds: inout Set<String>) -> DecodedRecord {
        switch record.result {
        case .failure(let syntax):
            return DecodedRecord(ordinal: record.ordinal, line: record.line, id: "", encounter: nil,
                                 errors: [InputError(field: "json", message: "line \(syntax.line), column \(syntax.column): \(syntax.message)")])
        case .success(let value):
            let id = EncounterDecoder.rawId(of: value)
            var (encounter, errors) = decoder.decode(value)
            if !id.isEmpty, !seenIds.insert(id).inserted {
                errors.append(InputError(field: "id", message: "'\(id)' appears more than once in this file; each encounter needs its own id"))
                encounter = nil
            }
            return DecodedRecord(ordinal: record.ordinal, line: record.line, id: id, encounter: encounter, errors: errors, source: value)
        }
    }
}
