import ArgumentParser
import ClaimsCore
import ClaimsStore

/// `claims correct ENC --reason TEXT` and `claims void ENC --reason TEXT` (CONTRACT §9,
/// docs/corrections.md): record who (the OS account, as rule administration does) and why; the next
/// batch sends the replacement (frequency 7) or the void (8) with REF*F8 = the payer's claim number.
struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Send the encounter's current data as a replacement claim (frequency 7) with the next batch.",
        discussion: """
        Needs the payer's claim number (an imported 835 gives it). A claim rejected by a 999 or 277CA is not corrected: fix the encounter and run the batch, it goes again as an original.

        Example:
          claims correct ENC-2026-0001 --reason "wrong units on line 2"
          claims batch corrected.json --out out/2026-12-02
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The encounter id (the claim's CLM01).") var encounter: String
    @Option(help: "Why the claim is corrected (kept with the request).") var reason: String

    func run() throws { try ClaimIntentSupport.record(.correct, encounter: encounter, reason: reason, global: global) }
}

struct VoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Void the encounter's claim at the payer (frequency 8) with the next batch.",
        discussion: """
        Needs the payer's claim number (an imported 835 gives it). The voided claim leaves accounts receivable.

        Example:
          claims void ENC-2026-0001 --reason "billed to the wrong patient"
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The encounter id (the claim's CLM01).") var encounter: String
    @Option(help: "Why the claim is voided (kept with the request).") var reason: String

    func run() throws { try ClaimIntentSupport.record(.void, encounter: encounter, reason: reason, global: global) }
}

enum ClaimIntentSupport {
    static func record(_ kind: ClaimIntentRecord.Kind, encounter: String, reason: String, global: GlobalOptions) throws {
        let account = try OperatingSystemAccount.current()
        let store = try StoreSupport.open(global)
        let intent = try StoreSupport.run { () throws(StoreError) in
            try store.recordClaimIntent(kind, encounterId: encounter, reason: reason, by: account)
        }
        let what = kind == .correct ? "a replacement claim (frequency 7)" : "a void (frequency 8)"
        print("recorded: the next batch sends \(what) for \(intent.encounterId), REF*F8 \(VisibleText.bounded(intent.payerClaimNumber, limit: 60)) (claim \(intent.claimId); by \(intent.requestedBy))")
    }
}
