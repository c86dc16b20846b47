@testable import ClaimsEngine
import ClaimsStore
import Foundation
import Testing

/// The plan a run keeps in the store for recovery is written by hand (`recoveryPlanJSON`); JSONDecoder,
/// which reads it back when a run is completed, is the judge of it.
@Suite struct RecoveryPlanTests {
    /// Every ASCII character (controls, quotes, backslash, slash), non-ASCII text and emoji, empty names.
    static let awkward: [String] = {
        var ascii = ""
        for value in 0..<0x80 { ascii.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        return [ascii, "", "/out/superbills/ENC-1.html", "Zoë \u{2028}\u{2029}\u{FEFF} 😀 王", "a\"b\\c/d\r\n\t", "\u{7F}\u{80}\u{10FFFF}"]
    }()

    @Test func thePlanReadsBackAsTheRunWithItsMovesOnly() throws {
        var moves: [PreparedRun.FileMove] = []
        for (index, temporary) in Self.awkward.enumerated() {
            for final in Self.awkward { moves.append(.init(temporary: temporary + "\(index)", final: final)) }
        }
        let uses = [PreparedRun.UseRecord(authorizationId: 7, encounterId: "E1", dateOfService: "2026-11-02")]
        for (outputDirectory, workDirectory) in zip(Self.awkward, Self.awkward.reversed()) {
            for someMoves in [[], Array(moves.prefix(1)), moves] {
                let run = PreparedRun(runNumber: 42, outputDirectory: outputDirectory, workDirectory: workDirectory, moves: someMoves,
                                      claims: [], superbills: [], authorizationUses: uses,
                                      streamedClaims: 3)
                let text = run.recoveryPlanJSON
                let decoded = try JSONDecoder().decode(PreparedRun.self, from: Data(text.utf8))
                var expected = run
                expected.authorizationUses = []
                expected.streamedClaims = nil
                #expect(decoded == expected)
                #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
                #expect(text.hasPrefix(#"{"runNumber":42,"outputDirectory":"#), "keys in declaration order, the same every time")
                #expect(!text.contains("streamedClaims"))
            }
        }
    }
}
