import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsStore
import ClaimsSuperbill
import Foundation

/// `claims batch FILE --out DIR`: the billing office's daily run (CONTRACT §5, docs/batch.md).
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Evaluate encounters and write 837P files, FHIR claims, superbills and a report into DIR.",
        discussion: """
        Safe to re-run: lines already billed are not billed again (the report lists them), control numbers are never reused, and a run killed part-way is completed by the next one. One batch at a time per store and output folder. Exit 0 when every encounter was valid, 3 when some were rejected (see DIR/report.json), 74 when DIR or the store cannot be written, 75 when another batch is running.

        Example:
          claims batch Samples/encounters.json --out out/2026-11-20 --as-of 2026-11-20
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The encounter file (JSON array, JSON Lines or .csv).") var file: String
    @Option(help: "The output directory (created owner-only).") var out: String
    @Flag(name: .customLong("no-pdf"), help: "Write superbills as HTML only.") var noPDF = false

    func run() throws {
        let asOf = try global.processingDate()
        let rules = try CommandSupport.loadRules(global)
        let clinic = try CommandSupport.loadClinic(global)
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError(.noInput, "\(file): no such file; check the path of the encounter export")
        }
        let store = try StoreSupport.open(global)
        let (createdDate, createdTime) = Clock.now()
        // One batch at a time per store and per output folder (released when the process ends).
        let lock: BatchLock
        do {
            try AtomicFiles.createDirectory(out)
            lock = try BatchLock(storePath: global.dbPath, outputDirectory: out,
                                 holder: "process \(getpid()), started \(createdDate.iso) \(createdTime.prefix(2)):\(createdTime.suffix(2))")
        } catch let busy as BatchLock.Busy {
            throw CLIError(.busy, busy.description)
        } catch let error as OutputError {
            throw CLIError(.ioFailure, "\(error.description); nothing was done")
        }
        defer { lock.release() }
        let pdfWriter: (@Sendable (Superbill, String) throws -> PDFOutcome)? = noPDF ? nil : {
            let writer = SuperbillPDFWriter()
            let renderer = SuperbillRenderer(clinic: clinic, statementDate: asOf, codes: rules.codes)
            return { @Sendable superbill, path in try writer.write(superbill, renderer: renderer, to: URL(fileURLWithPath: path)) }
        }()
        var configuration = BatchRunner.Configuration(inputPath: file, outputDirectory: out, asOf: asOf, createdDate: createdDate,
                                                      createdTime: createdTime, rules: rules, clinic: clinic, pdfWriter: pdfWriter)
        configuration.createdZone = Clock.zone()
        let runner = BatchRunner(configuration: configuration, store: StoreBatchAdapter(store: store))
        let progress = ProgressBar()
        runner.progress = { progress.update($0) }
        runner.eligibility = try StoreSupport.read { () throws(StoreError) in try EligibilityBook.load(from: store, clinic: clinic) }
        #if DEBUG
        if let stage = ProcessInfo.processInfo.environment["CLAIMS_TEST_KILL_AT"] {
            // Test hook for the crash-safety tests (debug builds only): die like `kill -9` at a named stage.
            runner.checkpoint = { if $0 == stage { kill(getpid(), SIGKILL) } }
        }
        #endif
        let report: BatchReport
        do {
            report = try runner.run()
        } catch let error as UnfinishedRunError {
            throw CLIError(.ioFailure, error.description)
        } catch let error as OutputError {
            throw CLIError(.ioFailure, "\(error.description); nothing was recorded for this run")
        } catch let error as InputFileError {
            throw CLIError(error.kind == .missing ? .noInput : .ioFailure, error.description)
        }
        progress.finish()
        if ProcessInfo.processInfo.environment["CLAIMS_BATCH_TIMINGS"] == "1" {
            // Benchmark diagnostics (docs/batch.md): wall-clock seconds per phase, on stderr.
            for (phase, seconds) in runner.phaseSeconds {
                FileHandle.standardError.write(Data("timing: \(phase): \(String(format: "%.2f", seconds)) s\n".utf8))
            }
        }
        CommandSupport.printLine(report.summaryText)
        CommandSupport.printLine("\nreport: \(out)/report.html")
        if report.rejectedCount > 0 { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }
}

/// The CLI's only wall-clock reading for documents; `CLAIMS_NOW=YYYY-MM-DDTHH:MM` fixes it (reproducible runs).
enum Clock {
    static func now() -> (LocalDate, String) {
        if let fixed = ProcessInfo.processInfo.environment["CLAIMS_NOW"], fixed.count == 16,
           let date = LocalDate(iso: String(fixed.prefix(10))) {
            let time = fixed.suffix(5).replacingOccurrences(of: ":", with: "")
            if time.count == 4, time.allSatisfy(\.isNumber) { return (date, time) }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date())
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return (LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!, pad(parts.hour!) + pad(parts.minute!))
    }

    /// The zone of `now()`'s time for a FHIR instant: `Z` when `CLAIMS_NOW` fixes the time (read as
    /// UTC, so outputs do not depend on the machine's zone), else the local offset (`-06:00`).
    static func zone() -> String {
        if ProcessInfo.processInfo.environment["CLAIMS_NOW"] != nil { return "Z" }
        let seconds = TimeZone.current.secondsFromGMT(for: Date())
        guard seconds != 0 else { return "Z" }
        let minutes = abs(seconds) / 60
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return (seconds < 0 ? "-" : "+") + pad(minutes / 60) + ":" + pad(minutes % 60)
    }
}

/// A progress bar on stderr while a batch runs — only when stderr is a terminal and `CI` is not set:
/// `claims batch [########------------]  41%  11.2/27.3 MB  16,384 encounters  deciding  0:07`.
/// The percentage is of the input's bytes (when its size is known); redrawn at most 10 times a second.
final class ProgressBar {
    private let enabled: Bool
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private var shown = false

    init(enabled: Bool = isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil) {
        self.enabled = enabled
    }

    func update(_ progress: BatchProgress) {
        guard enabled else { return }
        let now = Date()
        // Phase changes after the reading are always drawn; block updates are throttled.
        guard progress.phase != .deciding || now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        shown = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(progress, elapsed: now.timeIntervalSince(started))).utf8))
    }

    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// The bar's text (no terminal codes), kept apart so it can be tested.
    static func line(_ progress: BatchProgress, elapsed: TimeInterval, width: Int = 20) -> String {
        var parts = ["claims batch"]
        if let fraction = progress.fraction {
            let filled = Int((fraction * Double(width)).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
            parts.append(String(format: "%3d%%", Int((fraction * 100).rounded(.down))))
            if let total = progress.totalBytes {
                parts.append(String(format: "%.1f/%.1f MB", Double(progress.bytesRead) / 1_000_000, Double(total) / 1_000_000))
            }
        }
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.usesGroupingSeparator = true
        formatter.groupingSeparator = ","
        formatter.groupingSize = 3
        parts.append("\(formatter.string(from: NSNumber(value: progress.encounters)) ?? String(progress.encounters)) encounters")
        parts.append(progress.phase.rawValue)
        let seconds = Int(elapsed)
        parts.append(String(format: "%d:%02d", seconds / 60, seconds % 60))
        return parts.joined(separator: "  ")
    }
}
