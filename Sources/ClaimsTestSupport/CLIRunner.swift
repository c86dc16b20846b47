import Foundation

/// Runs the built `claims` executable as a real process (end-to-end tests).
public enum CLIRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `claims` binary next to the test bundle (debug build), or nil when it has not been built.
    public static var executable: URL? {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("claims"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("claims"),
            Fixtures.repositoryRoot.appendingPathComponent(".build/debug/claims"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `claims` with `arguments` in `directory`; the environment carries only what is given
    /// (plus PATH and HOME), so tests never pick up a developer's CLAIMS_* settings.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        guard let executable else { throw CLIRunnerError.notBuilt }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Fixtures.repositoryRoot
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "USER": "tester"]
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

public enum CLIRunnerError: Error, CustomStringConvertible {
    case notBuilt
    public var description: String { "the claims executable is not built; run `swift build` first" }
}
