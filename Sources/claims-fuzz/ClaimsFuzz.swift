import ClaimsCore
import ClaimsRules
import ClaimsX12
import Foundation

// Coverage-guided fuzzing with libFuzzer (optional, not in CI; docs/testing.md, scripts/fuzz.sh).
// Built with `-sanitize=fuzzer -DCLAIMS_LIBFUZZER`, this executable is a libFuzzer driver for the
// target named by CLAIMS_FUZZ_TARGET (encounters, x12, rules, clinic); built normally it replays
// files: `claims-fuzz TARGET FILE...` runs each file through the same checks and says which fail.
// The seeded fuzz tests (Tests/*/…FuzzTests.swift) check more properties; these are the cheap ones.

enum FuzzTarget: String, CaseIterable {
    case encounters, x12, rules, clinic
}

enum ClaimsFuzz {
    static let root = FileManager.default.currentDirectoryPath
    static let payers = ProcessInfo.processInfo.environment["CLAIMS_PAYERS"] ?? "\(root)/Payers"
    static let asOf = LocalDate(iso: "2026-11-20")!
    static let rules: RuleBook = {
        do { return try RuleBookLoader.load(directory: payers) } catch {
            fatalError("claims-fuzz: cannot load the rules in \(payers) (run from the repository root or set CLAIMS_PAYERS): \(error)")
        }
    }()
    static let decoder = EncounterDecoder(codes: rules.codes, payers: Set(rules.payers.keys), asOf: asOf)
    static let evaluator = CoverageEvaluator(rules: rules)
    static let sharedSource = RuleBookLoader.Source(path: "Payers/common.yaml", text: text(of: "\(payers)/common.yaml"))
    static let payerSource = RuleBookLoader.Source(path: "Payers/bcbs-il.yaml", text: text(of: "\(payers)/bcbs-il.yaml"))

    static func text(of path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Runs one input; a broken property traps (libFuzzer saves the input as a crash).
    static func run(_ target: FuzzTarget, _ bytes: [UInt8]) {
        switch target {
        case .encounters: encounters(bytes)
        case .x12: x12(String(decoding: bytes, as: UTF8.self))
        case .rules: ruleFile(String(decoding: bytes, as: UTF8.self))
        case .clinic: clinic(String(decoding: bytes, as: UTF8.self))
        }
    }

    static func encounters(_ bytes: [UInt8]) {
        var parser = JSONParser(bytes: bytes)
        if let value = try? parser.parseDocument() {
            precondition((try? JSONParser.parse(value.jsonText)) == value, "a parsed value written back does not parse to itself")
        }
        var splitter = JSONRecordSplitter()
        for record in splitter.feed(bytes) + splitter.finish() {
            guard case .success(let value) = record.result else { continue }
            let (encounter, errors) = decoder.decode(value)
            precondition((encounter == nil) != errors.isEmpty, "an encounter and errors, or neither")
            if let encounter {
                precondition(evaluator.evaluate(encounter, asOf: asOf, authorizations: []).lines.count == encounter.services.count)
            }
        }
    }

    static func x12(_ text: String) {
        guard let document = try? X12Reader.read(text) else { return }
        _ = document.envelopeProblems()
        guard document.segments.dropFirst().allSatisfy({ $0.id != "ISA" }) else { return }
        do {
            let written = try X12Writer.write(document)
            let reread = try X12Reader.read(written)
            precondition(reread.segments == document.segments, "read -> write -> read changed the segments")
        } catch {
            preconditionFailure("a document the reader accepted cannot be written back: \(error)")
        }
    }

    /// YAML alias bombs are another hardening item (alias limits): such inputs are skipped for now.
    static func mayBeAliasBomb(_ text: String) -> Bool { text.utf8.filter { $0 == UInt8(ascii: "*") }.count > 8 && text.contains("&") }

    static func ruleFile(_ text: String) {
        guard !mayBeAliasBomb(text) else { return }
        let sources = text.contains("kind: shared") ? [RuleBookLoader.Source(path: "Payers/common.yaml", text: text), payerSource]
                                                    : [sharedSource, RuleBookLoader.Source(path: "Payers/fuzz.yaml", text: text)]
        do { _ = try RuleBookLoader.combine(sources) } catch {
            precondition(!error.diagnostics.isEmpty && error.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "a diagnostic without a position")
        }
    }

    static func clinic(_ text: String) {
        guard !mayBeAliasBomb(text) else { return }
        do { _ = try ClinicProfileLoader.parse(text, file: "clinic.yaml") } catch {
            precondition(!error.diagnostics.isEmpty && error.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "a diagnostic without a position")
        }
    }
}

#if CLAIMS_LIBFUZZER
// libFuzzer's own `main` drives these. SwiftPM links executables with `--defsym main=claims_fuzz_main`,
// which clashes with it, so scripts/fuzz.sh links the objects itself (no @main in this build).
let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["CLAIMS_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set CLAIMS_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    if fuzzTarget == .encounters { _ = ClaimsFuzz.decoder } else { _ = ClaimsFuzz.sharedSource }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ClaimsFuzz.run(fuzzTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
@main struct ClaimsFuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let first = arguments.first, let target = FuzzTarget(rawValue: first), arguments.count > 1 else {
            print("usage: claims-fuzz {\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))} FILE...  (replays inputs; scripts/fuzz.sh fuzzes)")
            exit(64)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { print("\(path): cannot read"); exit(66) }
            ClaimsFuzz.run(target, Array(data))
            print("\(path): ok")
        }
    }
}
#endif
