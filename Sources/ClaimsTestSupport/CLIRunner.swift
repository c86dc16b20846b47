import Foundation

/// Runs the built `claims` executable as a real process (end-to-end tests).
public enum CLIRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The signal that ended the process, if one did.
        public var signal: Int32? = nil
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
        return try CLIRunnerAsync.start(executable: executable, arguments, in: directory, environment: environment).wait()
    }

    /// Runs `script` with /bin/sh (`$0`, `$1`… are `arguments`), e.g. to set a ulimit first.
    public static func runShell(_ script: String, arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try CLIRunnerAsync.start(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", script] + arguments, in: nil,
                                 environment: environment).wait()
    }
}

/// A `claims` process started without waiting, so that several run at once.
/// `@unchecked Sendable`: each output buffer is written by its one reader before `readers.leave()`
/// and read only after `readers.wait()`; nothing else is mutable.
public final class CLIRunnerAsync: @unchecked Sendable {
    private let process: Process
    private let out = Pipe(), err = Pipe()
    private var stdoutData = Data(), stderrData = Data()
    private let readers = DispatchGroup()

    public static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CLIRunnerAsync {
        guard let executable = CLIRunner.executable else { throw CLIRunnerError.notBuilt }
        return try start(executable: executable, arguments, in: directory, environment: environment)
    }

    static func start(executable: URL, _ arguments: [String], in directory: URL?, environment: [String: String]) throws -> CLIRunnerAsync {
        let runner = CLIRunnerAsync(executable: executable, arguments: arguments, directory: directory, environment: environment)
        try runner.process.run()
        // Both pipes are drained while the process runs, so a chatty process never blocks.
        for (pipe, isOut) in [(runner.out, true), (runner.err, false)] {
            runner.readers.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                if isOut { runner.stdoutData = data } else { runner.stderrData = data }
                runner.readers.leave()
            }
        }
        return runner
    }

    private init(executable: URL, arguments: [String], directory: URL?, environment: [String: String]) {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Fixtures.repositoryRoot
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "USER": "tester"]
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
    }

    /// Waits for the process and its output. `status` is the exit code, or the signal number when
    /// a signal ended it (`signal` then says which).
    public func wait() throws -> CLIRunner.Result {
        readers.wait()
        process.waitUntilExit()
        return CLIRunner.Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                                stderr: String(decoding: stderrData, as: UTF8.self),
                                signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil)
    }
}

public enum CLIRunnerError: Error, CustomStringConvertible {
    case notBuilt
    public var description: String { "the claims executable is not built; run `swift build` first" }
}
