@testable import ClaimsEngine
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

/// `preauth import` reads files as the other importers do (`InboundFile`): what is not a readable,
/// reasonably sized text file is refused with the reason, unread (a FIFO or a huge file never hangs it).
@Suite struct AuthorizationResponseFileTests {
    @Test func aDirectoryAnOversizedFileAndBinaryAreRefusedUnread() throws {
        let directory = try Fixtures.temporaryDirectory("preauth-import-files")
        let store = try ClaimsStore(path: directory.appendingPathComponent("s.sqlite").path, configuration: .init(clock: { Date(timeIntervalSince1970: 0) }))
        defer { try? store.close() }
        let importer = AuthorizationResponseImporter(store: store)

        let folder = directory.appendingPathComponent("answers").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let big = directory.appendingPathComponent("big.x12").path
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: big))
        try handle.truncate(atOffset: UInt64(AuthorizationResponseImporter.maximumFileBytes + 1))   // sparse: no 16 MB written
        try handle.close()
        let binary = directory.appendingPathComponent("binary.json").path
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0xFF, 0xFE, 0x00, 0x7B])))

        let expectations = [(folder, "is not a regular file"), (big, "at most \(AuthorizationResponseImporter.maximumFileBytes) are read"),
                            (binary, "is not text"), (directory.appendingPathComponent("missing.x12").path, "no such file")]
        for (path, message) in expectations {
            let lines = importer.importFile(path, by: "tester")
            #expect(lines.count == 1)
            #expect(lines.first?.kind == .error)
            #expect(lines.first?.message.contains(message) == true, "\(path): \(lines.first?.message ?? "")")
        }
    }
}
