import ClaimsEngine
import ClaimsTestSupport
import Foundation
import Testing
@testable import ClaimsCLI

/// The batch's progress bar: truthful (bytes of the input, the phase, elapsed time), and silent
/// when stderr is not a terminal.
@Suite struct ProgressBarTests {
    @Test func showsTheShareOfTheInputReadThePhaseAndTheTime() {
        let line = ProgressBar.line(BatchProgress(phase: .deciding, encounters: 16_384, bytesRead: 11_200_000, totalBytes: 27_300_000),
                                    elapsed: 67)
        #expect(line == "claims batch  [########------------]   41%  11.2/27.3 MB  16,384 encounters  deciding  1:07")
    }

    @Test func withoutAKnownSizeThereIsNoBar() {
        let line = ProgressBar.line(BatchProgress(phase: .syncing, encounters: 3, bytesRead: 500, totalBytes: nil), elapsed: 2)
        #expect(line == "claims batch  3 encounters  syncing  0:02")
    }

    @Test func aFinishedInputIsAFullBar() {
        let line = ProgressBar.line(BatchProgress(phase: .moving, encounters: 40, bytesRead: 200, totalBytes: 200), elapsed: 0, width: 4)
        #expect(line.hasPrefix("claims batch  [####]  100%"))
    }

    @Test(.enabled(if: CLIRunner.executable != nil, "the claims binary is not built"))
    func nothingIsDrawnWhenStderrIsNotATerminal() throws {
        let workspace = try BatchCommandTests.Workspace.make("progress")
        let result = try workspace.batch()
        #expect(result.status == 0)
        #expect(!result.stderr.contains("claims batch"))
        #expect(!result.stderr.contains("\u{1B}"))
    }
}
