import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore
import ClaimsX12
import Foundation

/// `claims ar` (CONTRACT §8): accounts receivable as of --as-of.
struct ARCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ar",
        abstract: "Accounts receivable: what each payer owes by age, patient balances, denials to work, rejections to fix.",
        discussion: """
        Ages count from the date of service to --as-of (buckets 0-30, 31-60, 61-90, 91+ days). docs/responses.md explains every figure.

        Example:
          claims ar --as-of 2026-12-31 --format json
          claims ar --html out/2026-11-20/ar.html
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "text or json.") var format: OutputFormat = .text
    @Option(help: "Also write the report as an HTML page to this file (e.g. beside the batch's report.html).") var html: String?

    func run() throws {
        let asOf = try global.processingDate()
        let codes = try ResponsesSupport.codes(global)
        let store = try StoreSupport.open(global)
        let (receivables, unmatched) = try StoreSupport.read { () throws(StoreError) in
            (try Receivables.load(store: store, asOf: asOf, codes: codes), try store.unmatchedResponses())
        }
        if let html {
            do {
                let temporary = html + ".tmp"
                try AtomicFiles.writeDurably(Data(ReceivablesPage.html(receivables, unmatched: unmatched).utf8), to: temporary)
                try AtomicFiles.moveIntoPlace(temporary, html)
            } catch let error as OutputError {
                throw CLIError(.ioFailure, "\(error.description); check --html")
            }
        }
        switch format {
        case .text: print(ResponsesText.receivables(receivables, unmatched: unmatched), terminator: "")
        case .json: try CommandSupport.printJSON(ARJSON(receivables, unmatched: unmatched))
        }
    }
}

/// CONTRACT §8 `ar --format json`, with `patients` and `unmatched` added.
struct ARJSON: Encodable {
    /// `secondary`: the part of `outstanding` owed by the payer as a secondary payer (docs/corrections.md).
    struct Payer: Encodable { var payer: String, outstanding: String, claims: Int, buckets: [String: String], secondary: String }
    struct Patient: Encodable { var patient: String, balance: String, encounters: [String] }
    struct Denial: Encodable {
        var encounter: String
        var payer: String
        var line: Int?
        var group: String
        var reason: String
        var description: String
        var amount: String
        var action: String
        var remarks: [Remark]
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(encounter, forKey: .encounter); try container.encode(payer, forKey: .payer)
            try container.encode(line, forKey: .line)  // null: a claim-level adjustment
            try container.encode(group, forKey: .group); try container.encode(reason, forKey: .reason)
            try container.encode(description, forKey: .description); try container.encode(amount, forKey: .amount)
            try container.encode(action, forKey: .action); try container.encode(remarks, forKey: .remarks)
        }
        enum CodingKeys: String, CodingKey { case encounter, payer, line, group, reason, description, amount, action, remarks }
    }
    struct Remark: Encodable { var code: String, description: String }
    struct Rejection: Encodable { var encounter: String, payer: String, source: String, message: String, date: String? }
    struct Unmatched: Encodable { var file: String, kind: String, reference: String, message: String }

    var asOf: LocalDate
    var payers: [Payer]
    var patientBalance: String
    var patients: [Patient]
    var denials: [Denial]
    var rejections: [Rejection]
    var unmatched: [Unmatched]

    init(_ ar: Receivables, unmatched: [(file: String, kind: String, reference: String, message: String)]) {
        asOf = ar.asOf
        payers = ar.payers.map { payer in
            Payer(payer: payer.payer, outstanding: CentsText.format(payer.outstandingCents), claims: payer.claims,
                  buckets: Dictionary(uniqueKeysWithValues: Receivables.bucketNames.map { ($0, CentsText.format(payer.buckets[$0] ?? 0)) }),
                  secondary: CentsText.format(payer.secondaryCents))
        }
        patientBalance = CentsText.format(ar.patientBalanceCents)
        patients = ar.patients.map { Patient(patient: $0.patient, balance: CentsText.format($0.balanceCents), encounters: $0.encounters) }
        denials = ar.denials.map {
            Denial(encounter: $0.encounter, payer: $0.payer, line: $0.line, group: $0.group, reason: $0.reason, description: $0.description,
                   amount: CentsText.format($0.amountCents), action: $0.action, remarks: $0.remarks.map { Remark(code: $0.code, description: $0.description) })
        }
        rejections = ar.rejections.map { Rejection(encounter: $0.encounter, payer: $0.payer, source: $0.source, message: $0.message, date: $0.date) }
        self.unmatched = unmatched.map { Unmatched(file: $0.file, kind: $0.kind, reference: $0.reference, message: $0.message) }
    }
}
