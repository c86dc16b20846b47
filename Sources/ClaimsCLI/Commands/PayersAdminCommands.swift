import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsRules
import ClaimsStore
import Foundation

/// What `payers apply` and `payers rollback` share: who, why, a dry run, the impact window, the format.
struct RuleUpdateOptions: ParsableArguments {
    @Option(help: "Who makes the change: must be the OS account running the command (the default), which must be an admin.")
    var by: String?
    @Option(help: "Why (kept in the history).") var reason: String
    @Flag(name: .customLong("dry-run"), help: "Show the changes and the impact; change nothing.") var dryRun = false
    @Option(help: "How many days (0–36500) of stored encounters to re-evaluate for the impact preview.", transform: Arguments.days)
    var days: Int = 90
    @Option(help: "text or json") var format: OutputFormat = .text

    /// What `--format json` prints (CONTRACT): the preview, and the version it was installed as.
    struct Output: Codable {
        var file: String; var slug: String; var dryRun: Bool; var changes: [RuleChange]; var impact: [RuleImpact]
        var encountersReevaluated: Int; var days: Int; var version: Int?
    }

    /// Previews the update, installs it unless this is a dry run, and prints what happened.
    func run(_ operation: RuleUpdateOperation, global: GlobalOptions) throws {
        let clinic = try CommandSupport.loadClinic(global)
        let request = RuleUpdateRequest(operation: operation, account: try OperatingSystemAccount.current(), claimedAuthor: by,
                                        admins: clinic.admins, clinicProfilePath: global.clinicPath, reason: reason,
                                        asOf: try global.processingDate(), impactDays: days)
        let administration = RuleAdministrationSupport.administration(global)
        let preview: RuleUpdatePreview
        do { preview = try administration.preview(request) } catch { throw RuleAdministrationSupport.cliError(error) }
        for line in preview.recoveries { CommandSupport.printError(line) }
        let fileName = preview.candidate.fileName
        if preview.nothingToApply {
            CommandSupport.printLine("\(fileName) is identical to the installed file; nothing to apply")
            return
        }
        var version: Int?
        if !dryRun {
            do { version = try administration.apply(preview) } catch { throw RuleAdministrationSupport.cliError(error) }
        }
        let changes = preview.changes, impact = preview.impact, reevaluated = preview.encountersReevaluated
        if format == .json {
            try CommandSupport.printJSON(Output(file: preview.candidate.path, slug: preview.slug, dryRun: dryRun, changes: changes, impact: impact,
                                                encountersReevaluated: reevaluated, days: days, version: version))
            return
        }
        CommandSupport.printLine("\(dryRun ? "dry run: " : "")\(fileName): \(changes.count) change\(changes.count == 1 ? "" : "s")")
        for change in changes {
            CommandSupport.printLine("  \(change.change): \(change.item)")
            if let before = change.before { CommandSupport.printLine(before.split(separator: "\n").map { "    - \($0)" }.joined(separator: "\n")) }
            if let after = change.after { CommandSupport.printLine(after.split(separator: "\n").map { "    + \($0)" }.joined(separator: "\n")) }
        }
        CommandSupport.printLine("impact: \(impact.count) decision\(impact.count == 1 ? "" : "s") would change among \(reevaluated) stored encounter\(reevaluated == 1 ? "" : "s") of the last \(days) days")
        for item in impact {
            CommandSupport.printLine("  \(item.encounter) line \(item.line) \(item.code): \(item.before) → \(item.after)\(item.reasons.first.map { "  (\($0.message))" } ?? "")")
        }
        if let version {
            CommandSupport.printLine("installed \(fileName) as version \(version) of \(preview.slug) (by \(preview.author): \(preview.reason))")
        } else {
            CommandSupport.printLine("dry run: nothing was changed")
        }
    }
}

/// `claims payers apply FILE --by NAME --reason TEXT [--dry-run] [--days N]` (docs/admin-guide.md).
struct PayersApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Validate a rule file, show what changes and which recent decisions it affects, then install it with an audit trail.",
        discussion: """
        Only admins may apply: the operating-system account running the command must be listed under admins: in the clinic profile (a refusal is recorded, exit 77). An invalid file changes nothing (exit 65, every problem as file:line:column). The impact preview re-evaluates the encounters the store holds from the last --days days under the old and the new rules.

        Example:
          claims payers apply ~/edits/cigna.yaml --reason "J0013 replaces S0013" --dry-run
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The new version of a payer file (or common.yaml); its name says which file it replaces.") var file: String
    @OptionGroup var update: RuleUpdateOptions

    func run() throws {
        let candidate: RuleBookLoader.Source
        do { candidate = try RuleBookLoader.source(atPath: file) } catch let invalid as RuleFilesInvalid {
            throw CLIError(.noInput, invalid.diagnostics.map(\.description).joined(separator: "\n"))
        }
        try update.run(.apply(candidate), global: global)
    }
}

/// `claims payers rollback SLUG --to VERSION --by NAME --reason TEXT`.
struct PayersRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Re-install a recorded version of a payer file (recorded as a new version).",
        discussion: """
        Example:
          claims payers rollback cigna --to 2 --reason "new criteria withdrawn"
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The payer slug (or common).") var slug: String
    @Option(help: "The version number to restore (see `claims payers history SLUG`).") var to: Int
    @OptionGroup var update: RuleUpdateOptions

    func run() throws {
        try update.run(.rollback(slug: slug, to: to), global: global)
    }
}

/// `claims payers history [SLUG]`.
struct PayersHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The recorded versions of the rule files.",
                                                    discussion: """
                                                    Example:
                                                      claims payers history cigna
                                                    """)

    @OptionGroup(title: "Global options") var global: GlobalOptions
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
        RuleAdministrationSupport.recover(global)
        let store = try StoreSupport.open(global)
        let versions = try StoreSupport.read { () throws(StoreError) in try store.ruleVersions(slug: slug) }
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
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The rules of a payer in force on a date (default: --as-of).",
                                                    discussion: """
                                                    Example:
                                                      claims payers show bcbs-il --as-of 2026-11-20
                                                    """)

    @OptionGroup(title: "Global options") var global: GlobalOptions
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
                              ShownRule(id: rule.qualifiedId, kind: RuleAdministrationSupport.kindName(rule.kind),
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
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Which rule files differ from their last recorded version.",
                                                    discussion: """
                                                    Example:
                                                      claims payers status
                                                    """)

    @OptionGroup(title: "Global options") var global: GlobalOptions

    func run() throws {
        let lines = try RuleAdministrationSupport.status(global)
        for line in lines { CommandSupport.printLine(line.text) }
        if lines.contains(where: \.isDrift) { throw ExitCode(ExitStatus.invalidData.rawValue) }
    }
}
