import ClaimsCore
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Testing

private typealias S = StoreTestSupport

/// Several real processes write one store file at once. Each child is this test executable
/// re-run with a filter that selects `storeWorkerProcess` (the worker mode), or the built
/// `claims` binary. Afterwards every update, history row and control number must be there.
@Suite("Several processes share one store")
struct StoreConcurrencyTests {
    static let workerVariable = "CLAIMS_STORE_WORKER"
    static let workers = 4
    static let rounds = 12

    /// This test executable (Linux: the .xctest is an executable that accepts `--filter`).
    static var testExecutable: String? {
        #if os(Linux)
        return try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #else
        return nil
        #endif
    }

    /// The `claims` binary SwiftPM builds next to the test executable.
    static var claimsBinary: String? {
        guard let executable = testExecutable else { return nil }
        let path = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("claims").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static var isWorker: Bool { ProcessInfo.processInfo.environment[workerVariable] != nil }

    // MARK: The worker (runs only in a child process)

    @Test(.enabled(if: isWorker, "runs only as a child process of the multi-process tests"))
    func storeWorkerProcess() throws {
        let environment = ProcessInfo.processInfo.environment
        let worker = Int(environment[Self.workerVariable]!)!
        let rounds = Int(environment["CLAIMS_STORE_WORKER_ROUNDS"] ?? "") ?? Self.rounds
        let shared = (environment["CLAIMS_STORE_WORKER_SHARED"] ?? "").split(separator: ",").compactMap { Int64($0) }
        let scarce = environment["CLAIMS_STORE_WORKER_SCARCE"].flatMap { Int64($0) }
        let store = try ClaimsStore(path: environment["CLAIMS_STORE_WORKER_DB"]!, configuration: .init(clock: { Date() }))
        var allocations: [String] = []
        for round in 0..<rounds {
            let added = try store.add(S.auth(patient: "PT-W\(worker)-\(round)", payer: "cigna", service: "tms", status: .submitted),
                                      by: "worker-\(worker)", vocabulary: S.vocabulary)
            _ = try store.update(.id(added.id!), with: AuthorizationChanges(status: .approved, authNumber: "W\(worker)R\(round)", units: 10,
                                                                           start: S.date("2026-11-01"), end: S.date("2027-01-31")),
                                 by: "worker-\(worker)")
            _ = try store.update(.authNumber("W\(worker)R\(round)"), with: AuthorizationChanges(note: "worker \(worker) round \(round)"),
                                 by: "worker-\(worker)")
            if !shared.isEmpty {
                let target = shared[round % shared.count]
                let result = try store.update(.id(target), with: AuthorizationChanges(note: "shared by worker \(worker) round \(round)"),
                                              by: "worker-\(worker)")
                #expect(result.changed)
                // Every worker records the same encounters: each must count once.
                try store.recordUse(authorizationId: shared[0], encounterId: "ENC-\(round)", date: S.date("2026-11-05"))
            }
            if let scarce {
                // Every worker races for a few units with its own encounters: refusals are expected.
                do {
                    try store.recordUse(authorizationId: scarce, encounterId: "ENC-W\(worker)-\(round)", date: S.date("2026-11-06"))
                } catch {
                    if error.code != .authorizationUnusable { throw error }
                }
            }
            let range = try store.allocateControlNumbers(name: "isa13", count: round % 3 + 1)
            allocations.append("\(range.lowerBound) \(range.upperBound)")
        }
        try (allocations.joined(separator: "\n") + "\n")
            .write(toFile: environment["CLAIMS_STORE_WORKER_OUT"]!, atomically: true, encoding: .utf8)
    }

    // MARK: The tests that start processes

    @Test(.enabled(if: !isWorker && testExecutable != nil, "needs Linux /proc/self/exe to re-run this test executable"))
    func processesCreatingAndWritingAFreshStoreAtOnce() throws {
        let directory = try Fixtures.temporaryDirectory("processes-fresh")
        let path = directory.appendingPathComponent("claims.sqlite").path
        let started = Date()
        try runWorkers(path: path, directory: directory, shared: [])
        let elapsed = Date().timeIntervalSince(started)

        let store = try ClaimsStore(path: path, configuration: .init(clock: { Date() }))
        let counts = try store.rowCounts()
        let expected = Self.workers * Self.rounds
        #expect(counts["prior_authorization"] == expected)
        #expect(counts["prior_authorization_history"] == expected * 3, "created + 2 updates per authorization")
        for auth in try store.list(AuthorizationFilter(asOf: S.date("2026-11-20"))) {
            #expect(auth.status == .approved && auth.units == 10 && auth.note?.hasPrefix("worker ") == true, "update lost on \(auth.id!)")
            #expect(try store.history(of: auth.id!).map(\.action) == [.created, .updated, .updated])
        }
        try checkControlNumbers(store, directory: directory)
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try store.appliedMigrations() == ClaimsStore.migrationIdentifiers)
        print("[measure] \(Self.workers) processes × \(Self.rounds) rounds on a fresh store: \(String(format: "%.2f", elapsed)) s")
    }

    @Test(.enabled(if: !isWorker && testExecutable != nil, "needs Linux /proc/self/exe to re-run this test executable"))
    func processesUpdatingTheSameAuthorizations() throws {
        let directory = try Fixtures.temporaryDirectory("processes-shared")
        let path = directory.appendingPathComponent("claims.sqlite").path
        let seed = try ClaimsStore(path: path, configuration: .init(clock: { Date() }))
        let shared = try (0..<2).map { index in
            try seed.add(S.auth(patient: "PT-SHARED-\(index)", authNumber: "SH-\(index)", units: 100), by: "seed", vocabulary: S.vocabulary).id!
        }
        let scarce = try seed.add(S.auth(patient: "PT-SCARCE", authNumber: "SC-1", units: 5), by: "seed", vocabulary: S.vocabulary).id!
        try seed.close()
        try runWorkers(path: path, directory: directory, shared: shared, scarce: scarce)

        let store = try ClaimsStore(path: path, configuration: .init(clock: { Date() }))
        let updatesPerShared = Self.workers * Self.rounds / shared.count
        for id in shared {
            let history = try store.history(of: id).filter { $0.action != .used }
            #expect(history.count == 1 + updatesPerShared, "history rows lost on shared authorization \(id)")
            // Serialized updates form one chain: each change starts from the previous one's result.
            let notes = history.dropFirst().map { $0.changes["note"] }
            for (previous, next) in zip(notes, notes.dropFirst()) {
                #expect(next?.from == previous?.to, "an update was based on a stale read")
            }
        }
        #expect(try store.authorization(.id(shared[0])).unitsUsed == Self.rounds, "each encounter counts once across processes")
        #expect(try store.history(of: shared[0]).filter { $0.action == .used }.count == Self.rounds)
        #expect(try store.authorization(.id(scarce)).unitsUsed == 5, "units were overspent across processes")
        #expect(try store.uses(of: scarce).count == 5)
        try checkControlNumbers(store, directory: directory)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test(.enabled(if: !isWorker && claimsBinary != nil, "the claims binary is not built next to the tests (run `swift build`)"))
    func claimsCommandsUpdatingOneStoreAtOnce() throws {
        let directory = try Fixtures.temporaryDirectory("processes-cli")
        let path = directory.appendingPathComponent("claims.sqlite").path
        let seed = try ClaimsStore(path: path, configuration: .init(clock: { Date() }))
        let ids = try (0..<2).map { index in
            try seed.add(S.auth(patient: "PT-CLI-\(index)", status: .submitted, authNumber: "CLI-\(index)"), by: "seed", vocabulary: S.vocabulary).id!
        }
        try seed.close()

        // `preauth add` also needs the payer rule files: a probe add must work before the race starts.
        let payers = Fixtures.repositoryRoot.appendingPathComponent("Payers").path
        let probe = try run(Self.claimsBinary!, ["preauth", "add", "--db", path, "--payers", payers, "--patient", "PT-PROBE",
                                                 "--payer", "bcbs-il", "--service", "spravato", "--status", "submitted", "--by", "probe"])
        try #require(probe.status == 0, "the probe `preauth add` failed (exit \(probe.status))")
        let perProcess = 8
        var processes: [Process] = []
        for worker in 0..<Self.workers {
            var script = ""
            for round in 0..<perProcess {
                let id = ids[(worker + round) % ids.count]
                script += "\"$CLAIMS\" preauth update \(id) --note 'cli \(worker)-\(round)' --by cli-\(worker) || exit 1\n"
                script += "\"$CLAIMS\" preauth add --payers '\(payers)' --patient PT-C\(worker)-\(round) --payer bcbs-il --service spravato --status submitted --by cli-\(worker) >/dev/null || exit 1\n"
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["CLAIMS": Self.claimsBinary!, "CLAIMS_DB": path, "CLAIMS_AS_OF": "2026-11-20"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: touch(directory.appendingPathComponent("cli-\(worker).err")))
            processes.append(process)
        }
        let started = Date()
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        let elapsed = Date().timeIntervalSince(started)
        for (index, process) in processes.enumerated() {
            let errors = (try? String(contentsOf: directory.appendingPathComponent("cli-\(index).err"), encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "claims process \(index) failed: \(errors)")
        }

        let store = try ClaimsStore(path: path, configuration: .init(clock: { Date() }))
        let updatesPerId = Self.workers * perProcess / ids.count
        for id in ids {
            let history = try store.history(of: id)
            #expect(history.count == 1 + updatesPerId, "history rows lost on authorization \(id)")
            let notes = history.dropFirst().map { $0.changes["note"] }
            for (previous, next) in zip(notes, notes.dropFirst()) { #expect(next?.from == previous?.to) }
        }
        #expect(try store.rowCounts()["prior_authorization"] == ids.count + 1 + Self.workers * perProcess)
        #expect(try store.integrityCheck() == ["ok"])
        print("[measure] \(Self.workers) claims processes × \(perProcess) updates + adds: \(String(format: "%.2f", elapsed)) s")
    }

    // MARK: Helpers

    private func runWorkers(path: String, directory: URL, shared: [Int64], scarce: Int64? = nil) throws {
        var processes: [Process] = []
        for worker in 0..<Self.workers {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.testExecutable!)
            process.arguments = ["--testing-library", "swift-testing", "--filter", "storeWorkerProcess"]
            process.environment = ProcessInfo.processInfo.environment.merging([
                Self.workerVariable: String(worker),
                "CLAIMS_STORE_WORKER_DB": path,
                "CLAIMS_STORE_WORKER_OUT": directory.appendingPathComponent("worker-\(worker).txt").path,
                "CLAIMS_STORE_WORKER_SHARED": shared.map(String.init).joined(separator: ","),
                "CLAIMS_STORE_WORKER_ROUNDS": String(Self.rounds),
                "CLAIMS_STORE_WORKER_SCARCE": scarce.map(String.init) ?? "",
            ]) { $1 }
            let log = try touch(directory.appendingPathComponent("worker-\(worker).log"))
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = try FileHandle(forWritingTo: log)
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        for (index, process) in processes.enumerated() {
            let log = (try? String(contentsOf: directory.appendingPathComponent("worker-\(index).log"), encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "worker \(index) failed:\n\(log.suffix(3000))")
            #expect(log.contains("storeWorkerProcess()") && !log.contains("skipped"), "worker \(index) did not run the worker test:\n\(log.suffix(2000))")
        }
    }

    /// Every worker's ranges are disjoint and together are exactly 1…N; the next number is N+1.
    private func checkControlNumbers(_ store: ClaimsStore, directory: URL) throws {
        var numbers: [Int] = []
        for worker in 0..<Self.workers {
            let text = try String(contentsOf: directory.appendingPathComponent("worker-\(worker).txt"), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let bounds = line.split(separator: " ").compactMap { Int($0) }
                numbers += Array(bounds[0]...bounds[1])
            }
        }
        numbers.sort()
        #expect(numbers == Array(1...numbers.count), "a control number was handed out twice or skipped")
        #expect(try store.allocateControlNumbers(name: "isa13") == (numbers.count + 1)...(numbers.count + 1))
    }

    private func touch(_ url: URL) throws -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
