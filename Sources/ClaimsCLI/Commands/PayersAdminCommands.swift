import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsStore
import Foundation

/// `claims payers apply FILE --by NAME --reason TEXT [--dry-run] [--days N]` (docs/admin-guide.md).
struct PayersApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Validate a rule file, show what changes and which recent decisions it affects, then install it with an audit trail.",
        discussion: """
        Only admins may apply: the operating-system account running the command must be listed under
        admins: in the clinic profile (a refusal is recorded, exit 77). An invalid file changes nothing
        (exit 65, every problem as file:line:column). The impact preview re-evaluates the encounters the
        store holds from the last --days days under the old and the new rules.
          % claims payers apply ~/edits/cigna.yaml --reason "J0013 replaces S0013" --dry-run
        """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new version of a payer file (or common.yaml); its name says which file it replaces.") var file: String
    @Option(help: "Who applies it: must be the OS account running the command (the default), which must be an admin.") var by: String?
    @Option(help: "Why (kept in the history).") var reason: String
    @Flag(name: .customLong("dry-run"), help: "Show the changes and the impact; change nothing.") var dryRun = false
    @Option(help: "How many days of stored encounters to re-evaluate for the impact preview.") var days: Int = 90
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        let candidate: RuleBookLoader.Source
        do { candidate = try RuleBookLoader.source(atPath: file) } catch let invalid as RuleFilesInvalid {
            throw CLIError(.noInput, invalid.diagnostics.map(\.description).joined(separator: "\n"))
        }
        try RuleAdministration.apply(candidate: candidate, global: global, by: by, reason: reason, dryRun: dryRun, days: days,
                                     action: "apply", format: format)
    }
}

/// `claims payers rollback SLUG --to VERSION --by NAME --reason TEXT`.
struct PayersRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Re-install a recorded version of a payer file (recorded as a new version).",
        discussion: "  % claims payers rollback cigna --to 2 --reason \"new criteria withdrawn\""
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The payer slug (or common).") var slug: String
    @Option(help: "The version number to restore (see `claims payers history SLUG`).") var to: Int
    @Option(help: "Who rolls back: must be the OS account running the command (the default), which must be an admin.") var by: String?
    @Option var reason: String
    @Flag(name: .customLong("dry-run")) var dryRun = false
    @Option var days: Int = 90
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        let store = try StoreSupport.open(global)
        let versions = try StoreSupport.run { () throws(StoreError) in try store.ruleVersions(slug: slug) }
        guard let version = versions.first(where: { $0.version == to }) else {
            let known = versions.map { String($0.version) }.joined(separator: ", ")
            throw CLIError(.invalidData, "\(slug) has no version \(to)\(known.isEmpty ? " (no versions are recorded)" : "; recorded versions: \(known)")")
        }
        let path = (global.payersPath as NSString).appendingPathComponent("\(slug).yaml")
        try RuleAdministration.apply(candidate: RuleBookLoader.Source(path: path, text: version.content), global: global, by: by,
                                     reason: reason, dryRun: dryRun, days: days, action: "rollback", format: format)
    }
}

/// `claims payers history [SLUG]`.
struct PayersHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The recorded versions of the rule files.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A payer slug (or common); all files when omitted.") var slug: String?
    @Option(help: "text or json") var format: OutputFormat = .text

    struct Entry: Codable {
        var slug: String; var version: Int; var contentHash: String; var author: String; var reason: String
        var appliedAt: String; var action: String; var changes: [RuleChange]
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: global.dbPath) else {
            if format == .json { try CommandSupport.printJSON([Entry]()) } else { CommandSupport.printLine("no versions recorded (no store at \(global.dbPath))") }
            return
        }
        RuleInstallRecovery.recover(global)
        let store = try StoreSupport.open(global)
        let versions = try StoreSupport.run { () throws(StoreError) in try store.ruleVersions(slug: slug) }
        let entries = versions.map { version in
            Entry(slug: version.slug, version: version.version, contentHash: version.contentHash, author: version.author, reason: version.reason,
                  appliedAt: version.appliedAt, action: version.action,
                  changes: (try? JSONDecoder().decode([RuleChange].self, from: Data(version.diff.utf8))) ?? [])
        }
        if format == .json { try CommandSupport.printJSON(entries); return }
        if entries.isEmpty { CommandSupport.printLine("no versions recorded\(slug.map { " for \($0)" } ?? "")"); return }
        for entry in entries {
            CommandSupport.printLine("\(entry.slug) v\(entry.version)  \(entry.appliedAt)  \(entry.action) by \(entry.author)  sha256:\(entry.contentHash.prefix(12))")
            CommandSupport.printLine("    \(entry.reason)")
            for change in entry.changes { CommandSupport.printLine("    \(change.change): \(change.item)") }
        }
    }
}

/// `claims payers show SLUG [--as-of DATE]`: the rules in force on a date.
struct PayersShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The rules of a payer in force on a date (default: --as-of).")

    @OptionGroup var global: GlobalOptions
    @Argument var slug: String
    @Option(help: "text or json") var format: OutputFormat = .text

    struct Shown: Codable {
        var payer: String; var name: String; var asOf: String; var payerId: String?; var payerIdVerified: Bool
        var claimFilingIndicator: String?; var version: Int?; var contentHash: String
        var rules: [ShownRule]
    }
    struct ShownRule: Codable { var id: String; var kind: String; var lines: String; var effective: String; var message: String? }

    func run() throws {
        let asOf = try global.processingDate()
        let rules = try CommandSupport.loadRules(global)
        guard let payer = rules.payer(slug) ?? (slug == RuleBook.commonSlug ? PayerRules(slug: "common", name: "Rules for every payer", rules: rules.commonRules) : nil) else {
            throw CLIError(.invalidData, "unknown payer '\(slug)'; known: \(rules.payers.keys.sorted().joined(separator: ", ")), common")
        }
        var version: Int?
        if FileManager.default.fileExists(atPath: global.dbPath) {
            let store = try StoreSupport.open(global)
            version = (try? store.latestRuleVersion(slug: slug))??.version
        }
        let inForce = payer.rules.filter { $0.effective.contains(asOf) }
        let shown = Shown(payer: payer.slug, name: payer.name, asOf: asOf.iso, payerId: payer.payerId, payerIdVerified: payer.payerIdVerified,
                          claimFilingIndicator: payer.claimFilingIndicator, version: version, contentHash: payer.contentHash,
                          rules: inForce.map { rule in
                              ShownRule(id: rule.qualifiedId, kind: RuleAdministration.kindName(rule.kind),
                                        lines: rule.lines.isAll ? "all lines" : (rule.lines.services.sorted() + rule.lines.codes.sorted()).joined(separator: ", "),
                                        effective: "\(rule.effective.from?.iso ?? "…")–\(rule.effective.to?.iso ?? "…")", message: rule.message)
                          })
        if format == .json { try CommandSupport.printJSON(shown); return }
        CommandSupport.printLine("\(shown.name) (\(shown.payer)) — rules in force on \(shown.asOf)")
        CommandSupport.printLine("payer ID \(shown.payerId ?? "—")\(shown.payerIdVerified ? "" : " (unverified)"), SBR09 \(shown.claimFilingIndicator ?? "—"), version \(version.map(String.init) ?? "not recorded"), sha256:\(shown.contentHash.prefix(12))")
        for rule in shown.rules {
            CommandSupport.printLine("  \(rule.id)  [\(rule.kind)]  \(rule.lines)  \(rule.effective)\(rule.message.map { "\n      \($0)" } ?? "")")
        }
    }
}

/// `claims payers status`: files edited by hand since their last recorded version (drift).
struct PayersStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Which rule files differ from their last recorded version.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let lines = try RuleAdministration.status(global)
        for line in lines { CommandSupport.printLine(line.text) }
        if lines.contains(where: \.isDrift) { throw ExitCode(ExitStatus.invalidData.rawValue) }
    }
}

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
        let stored = try StoreSupport.run { () throws(StoreError) in try store.encounters(since: since) }
        let oldEvaluator = CoverageEvaluator(rules: old), newEvaluator = CoverageEvaluator(rules: new)
        // The same view of units as the batch: an encounter's own earlier use is given back.
        let ledger = AuthorizationLedger(all: try StoreSupport.run { () throws(StoreError) in try store.allAuthorizations() })
        var impact: [Impact] = []
        var count = 0
        let oldDecoder = EncounterDecoder(codes: old.codes, payers: Set(old.payers.keys), asOf: asOf, allowFutureDates: true)
        let newDecoder = EncounterDecoder(codes: new.codes, payers: Set(new.payers.keys), asOf: asOf, allowFutureDates: true)
        for (_, json) in stored {
            guard let value = try? JSONParser.parse(json) else { continue }
            guard let encounter = oldDecoder.decode(value).encounter ?? newDecoder.decode(value).encounter else { continue }
            count += 1
            let ownUses = try StoreSupport.run { () throws(StoreError) in try store.authorizationIdsUsed(byEncounter: encounter.id) }
            let visible = try ledger.authorizations(for: encounter.patient.id, excludingUsesOf: ownUses)
            let before = oldEvaluator.evaluate(encounter, asOf: asOf, authorizations: visible).lines
            let after = newEvaluator.evaluate(encounter, asOf: asOf, authorizations: visible).lines
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
            guard let latest = try StoreSupport.run({ () throws(StoreError) in try store.latestRuleVersion(slug: slug) }) else {
                return StatusLine(text: "\(source.fileName): untracked (no version recorded; the first apply records it as a baseline)", isDrift: false)
            }
            if latest.contentHash == hash { return StatusLine(text: "\(source.fileName): ok (version \(latest.version))", isDrift: false) }
            return StatusLine(text: "\(source.fileName): DRIFT — edited by hand since version \(latest.version) (sha256 \(hash.prefix(12)) ≠ \(latest.contentHash.prefix(12))); apply it with `claims payers apply` or roll back", isDrift: true)
        }
    }
}
