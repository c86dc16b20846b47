import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum RuleAdministration {
    struct Impact: Codable {
        var encounter: String; var line: Int; var code: String; var before: String; var after: String; var reasons: [Reason]
    }
    struct Preview: Codable {
        var file: String; var slug: String; var dryRun: Bool; var changes: [RuleChange]; var impact: [Impact]
        var encountersReevaluated: Int; var days: Int; var version: Int?
    }

    static func kindName(_ kind: Rule.Kind) -> String {
        switch kind {
        case .notCovered: "not-covered"
        case .criteria: "criteria"
        case .priorAuthorization: "prior-auth"
        case .route(let decision, _): "route → \(decision.rawValue)"
        case .hold: "hold"
        case .codeValidity: "code-validity"
        case .mutuallyExclusive: "mutually-exclusive"
        case .addOnRequiresPrimary: "add-on-requires-primary"
        case .modifierRequired(let modifiers): "modifier-required \(modifiers.joined(separator: "/"))"
        case .maxUnits(let maximum): "max-units \(maximum)"
        case .oneClaimPerEncounter: "one-claim-per-encounter"
        case .ndcRequired: "ndc"
        case .timelyFiling(let days, _): "timely-filing \(days) days"
        case .abn(let modifier): "abn (option 1 adds \(modifier))"
        case .privatePay: "private-pay"
        }
    }

    static func apply(candidate: RuleBookLoader.Source, global: GlobalOptions, by: String?, reason: String, dryRun: Bool, days: Int,
                      action: String, format: OutputFormat) throws {
        let slug = (candidate.fileName as NSString).deletingPathExtension
        let clinic = try CommandSupport.loadClinic(global)
        let trimmedReason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedReason.isEmpty else { throw CLIError(.usage, "--reason must say why the rules change") }
        // 1. Only admins, as the operating system knows them; a refusal is recorded.
        let account = try OperatingSystemAccount.current()
        func refuse(_ why: String, _ message: String) throws -> Never {
            let store = try StoreSupport.open(global)
            try StoreSupport.run { () throws(StoreError) in
                try store.recordRuleChangeRefusal(slug: slug, attemptedBy: account, reason: "\(action) refused: \(why) (\(trimmedReason))")
            }
            throw CLIError(.notPermitted, message + "; the refusal was recorded and nothing changed")
        }
        if let by, by != account {
            try refuse("--by \(by) is not the account running it",
                       "--by '\(by)' is not the account running this command ('\(account)'); rule changes are made by an admin's own OS account — leave out --by, or run the command as \(by) (e.g. sudo -u \(by) claims …)")
        }
        guard clinic.admins.contains(account) else {
            try refuse("\(account) is not an admin",
                       "the OS account '\(account)' is not an admin in \(global.clinicPath) (admins: \(clinic.admins.joined(separator: ", "))); run the command as one of them, or ask one to add this account under admins:")
        }
        // 2. One update of Payers/ at a time.
        let lock = try RuleUpdateLock.acquire(global.payersPath)
        defer { lock.release() }
        // 3. Validate together with the installed files; nothing is opened or written when invalid.
        let installed: [RuleBookLoader.Source]
        do { installed = try RuleBookLoader.sources(inDirectory: global.payersPath) } catch let invalid as RuleFilesInvalid {
            throw CLIError(.invalidData, invalid.description)
        }
        let previous = installed.first { $0.fileName == candidate.fileName }
        let oldBook: RuleBook
        let newBook: RuleBook
        do {
            oldBook = try RuleBookLoader.combine(installed)
        } catch {
            throw CLIError(.invalidData, "the installed rules are invalid; fix them first.\n" + error.description)
        }
        do {
            newBook = try RuleBookLoader.combine(installed.filter { $0.fileName != candidate.fileName } + [candidate])
        } catch {
            throw CLIError(.invalidData, "\(candidate.path) is invalid; nothing was changed.\n" + error.description)
        }
        if let previous, previous.text == candidate.text, action == "apply" {
            CommandSupport.printLine("\(candidate.fileName) is identical to the installed file; nothing to apply")
            return
        }
        // 4. What changes, rule by rule, and which recent decisions it affects.
        let changes = RuleDiff.changes(from: previous?.text, to: candidate.text)
        // An earlier interrupted update is finished first (it only touches the store).
        RuleInstallRecovery.recover(global, holdingLock: true)
        let store = try StoreSupport.open(global)
        let asOf = try global.processingDate()
        let (impact, reevaluated) = try self.impact(store: store, old: oldBook, new: newBook, since: asOf.adding(days: -days), asOf: asOf)
        var preview = Preview(file: candidate.path, slug: slug, dryRun: dryRun, changes: changes, impact: impact,
                              encountersReevaluated: reevaluated, days: days, version: nil)
        // 5. Record as pending, install atomically, confirm (docs/admin-guide.md, "Crash safety").
        if !dryRun {
            preview.version = try install(candidate, slug: slug, previous: previous, changes: changes, author: account,
                                          reason: trimmedReason, action: action, store: store, global: global)
        }
        if format == .json { try CommandSupport.printJSON(preview); return }
        CommandSupport.printLine("\(dryRun ? "dry run: " : "")\(candidate.fileName): \(changes.count) change\(changes.count == 1 ? "" : "s")")
        for change in changes {
            CommandSupport.printLine("  \(change.change): \(change.item)")
            if let before = change.before { CommandSupport.printLine(before.split(separator: "\n").map { "    - \($0)" }.joined(separator: "\n")) }
            if let after = change.after { CommandSupport.printLine(after.split(separator: "\n").map { "    + \($0)" }.joined(separator: "\n")) }
        }
        CommandSupport.printLine("impact: \(impact.count) decision\(impact.count == 1 ? "" : "s") would change among \(reevaluated) stored encounter\(reevaluated == 1 ? "" : "s") of the last \(days) days")
        for item in impact {
            CommandSupport.printLine("  \(item.encounter) line \(item.line) \(item.code): \(item.before) → \(item.after)\(item.reasons.first.map { "  (\($0.message))" } ?? "")")
        }
        if let version = preview.version {
            CommandSupport.printLine("installed \(candidate.fileName) as version \(version) of \(slug) (by \(account): \(trimmedReason))")
        } else {
            CommandSupport.printLine("dry run: nothing was changed")
        }
    }

    /// Pending → installed → confirmed. A crash (or `kill -9`) between any two steps leaves a pending
    /// row that the next command resolves by the installed file's hash (`RuleInstallRecovery`).
    static func install(_ candidate: RuleBookLoader.Source, slug: String, previous: RuleBookLoader.Source?, changes: [RuleChange],
                        author: String, reason: String, action: String, store: ClaimsStore, global: GlobalOptions) throws -> Int {
        let diff = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
        let installId = try StoreSupport.run { () throws(StoreError) in
            try store.beginRuleInstall(slug: slug, previousContent: previous?.text, previousHash: previous.map { SHA256.hex(Array($0.text.utf8)) },
                                       content: candidate.text, contentHash: SHA256.hex(Array(candidate.text.utf8)),
                                       author: author, reason: reason, diff: diff, action: action)
        }
        testCheckpoint("pending-recorded")
        let target = (global.payersPath as NSString).appendingPathComponent(candidate.fileName)
        let temporary = RuleInstallRecovery.temporaryPath(for: candidate.fileName, in: global.payersPath)
        do {
            // A leftover of an interrupted update may belong to another admin (0600): replace, never reuse it.
            unlink(temporary)
            try AtomicFiles.writeDurably(Data(candidate.text.utf8), to: temporary)
            testCheckpoint("temporary-written")
            chmod(temporary, 0o644)   // rule files are readable by every account that runs claims
            try AtomicFiles.moveIntoPlace(temporary, target)   // rename, then fsync the directory
        } catch let error as OutputError {
            unlink(temporary)
            try? StoreSupport.run { () throws(StoreError) in
                try store.abandonRuleInstall(id: installId, note: "the file could not be installed: \(error.description)")
            }
            throw CLIError(.ioFailure, "\(error.description); \(candidate.fileName) was not installed and nothing was recorded as a version (check that \(global.payersPath) is writable by this account)")
        }
        testCheckpoint("installed")
        let version: Int
        do {
            version = try StoreSupport.run { () throws(StoreError) in try store.confirmRuleInstall(id: installId) }
        } catch let error as CLIError {
            throw CLIError(.ioFailure, "\(candidate.fileName) is installed but its version could not be recorded (\(error.message)); the next claims command that loads rules records it")
        }
        testCheckpoint("confirmed")
        return version
    }

    /// Crash-safety tests stop the process like `kill -9` at a named step (debug builds only).
    static func testCheckpoint(_ stage: String) {
        #if DEBUG
        if ProcessInfo.processInfo.environment["CLAIMS_TEST_KILL_AT"] == stage { kill(getpid(), SIGKILL) }
        #endif
    }

    /// Re-evaluates stored encounters under both rule books and lists the line decisions that differ.
    static func impact(store: ClaimsStore, old: RuleBook, new: RuleBook, since: LocalDate, asOf: LocalDate) throws -> ([Impact], Int) {
        let stored = try StoreSupport.read { () throws(StoreError) in try store.encounters(since: since) }
        // The same view of units as the batch: an encounter's own earlier use is given back; a preview spends none.
        let ledger = AuthorizationLedger(all: try StoreSupport.read { () throws(StoreError) in try store.allAuthorizations() })
        let oldPass = EvaluationPass(rules: old, asOf: asOf, ledger: ledger), newPass = EvaluationPass(rules: new, asOf: asOf, ledger: ledger)
        var impact: [Impact] = []
        var count = 0
        let oldDecoder = EncounterDecoder(codes: old.codes, payers: Set(old.payers.keys), asOf: asOf, allowFutureDates: true)
        let newDecoder = EncounterDecoder(codes: new.codes, payers: Set(new.payers.keys), asOf: asOf, allowFutureDates: true)
        for (_, json) in stored {
            guard let value = try? JSONParser.parse(json) else { continue }
            guard let encounter = oldDecoder.decode(value).encounter ?? newDecoder.decode(value).encounter else { continue }
            count += 1
            let ownUses = try StoreSupport.read { () throws(StoreError) in try store.authorizationIdsUsed(byEncounter: encounter.id) }
            let before = try oldPass.evaluate(encounter, ownUses: ownUses).lines
            let after = try newPass.evaluate(encounter, ownUses: ownUses).lines
            for (a, b) in zip(before, after) where a.decision != b.decision {
                impact.append(Impact(encounter: encounter.id, line: a.line, code: a.code, before: a.decision.rawValue,
                                     after: b.decision.rawValue, reasons: b.reasons))
            }
        }
        return (impact, count)
    }

    struct StatusLine { var text: String; var isDrift: Bool }

    /// Each rule file against its last recorded version.
    static func status(_ global: GlobalOptions) throws -> [StatusLine] {
        RuleInstallRecovery.recover(global)
        let sources: [RuleBookLoader.Source]
        do { sources = try RuleBookLoader.sources(inDirectory: global.payersPath) } catch let invalid as RuleFilesInvalid {
            throw CLIError(.invalidData, invalid.description)
        }
        guard FileManager.default.fileExists(atPath: global.dbPath) else {
            return sources.map { StatusLine(text: "\($0.fileName): untracked (no store yet; `claims payers apply` records versions)", isDrift: false) }
        }
        let store = try StoreSupport.open(global)
        // An update another process is installing right now (it holds the lock, so recovery left it alone).
        let pending = (try? store.ruleInstalls(pendingOnly: true)) ?? []
        return try sources.map { source in
            let slug = (source.fileName as NSString).deletingPathExtension
            let hash = SHA256.hex(Array(source.text.utf8))
            if let install = pending.first(where: { $0.slug == slug && $0.contentHash == hash }) {
                return StatusLine(text: "\(source.fileName): being installed (\(install.action) by \(install.author), started \(install.startedAt))", isDrift: false)
            }
            guard let latest = try StoreSupport.read({ () throws(StoreError) in try store.latestRuleVersion(slug: slug) }) else {
                return StatusLine(text: "\(source.fileName): untracked (no version recorded; the first apply records it as a baseline)", isDrift: false)
            }
            if latest.contentHash == hash { return StatusLine(text: "\(source.fileName): ok (version \(latest.version))", isDrift: false) }
            return StatusLine(text: "\(source.fileName): DRIFT — edited by hand since version \(latest.version) (sha256 \(hash.prefix(12)) ≠ \(latest.contentHash.prefix(12))); apply it with `claims payers apply` or roll back", isDrift: true)
        }
    }
}
