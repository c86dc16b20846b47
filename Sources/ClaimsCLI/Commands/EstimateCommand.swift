import ArgumentParser
import ClaimsCore
import ClaimsEngine
import ClaimsStore
import Foundation

/// `claims estimate FILE --out DIR`: Good Faith Estimates for the uninsured and self-pay patients
/// among the scheduled encounters in FILE (CONTRACT §11, docs/patient-charges.md).
struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Good Faith Estimates (No Surprises Act) for uninsured and self-pay patients among scheduled encounters.",
        discussion: """
        FILE holds scheduled encounters (today or later), in the same formats as `claims preauth checklist`. One estimate per patient with items the patient is expected to pay for (no insurance, IV ketamine and other off-label or investigational services, a Medicare ABN option 2, a Medicaid private-pay agreement, or a line that waits for one): DIR/estimates/GFE-<patient>-<date>.html and .pdf, dated --as-of, recorded in the store so `claims batch` warns (estimate/exceeded) when a self-pay bill is $400 or more above it. Running it again the same day replaces the same estimates. Exit 0, 3 when some encounters had input errors (listed on stderr, left out), 74 when DIR or the store cannot be written.

        Example:
          claims estimate Samples/schedule.json --out out/estimates --as-of 2026-11-20
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Argument(help: "The scheduled encounters: a JSON array, JSON Lines or .csv.") var file: String
    @Option(help: "The output directory (created owner-only); estimates go to DIR/estimates/.") var out: String
    @Flag(name: .customLong("no-pdf"), help: "Write estimates as HTML only.") var noPDF = false
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let asOf = try global.processingDate()
        let rules = try CommandSupport.loadRules(global)
        let clinic = try CommandSupport.loadClinic(global)
        var encounters: [Encounter] = []
        var rejected = 0
        try CommandSupport.forEachEncounter(in: file, rules: rules, asOf: asOf, allowFutureDates: true) { record in
            if let encounter = record.encounter, record.errors.isEmpty {
                encounters.append(encounter)
            } else {
                rejected += 1
                let errors = record.errors.map(\.description).joined(separator: "; ")
                CommandSupport.printError("error: \(file): record \(record.ordinal) (line \(record.line), \(record.id.isEmpty ? "no id" : record.id)): \(errors)")
            }
        }
        let store = try StoreSupport.open(global)
        let authorizations = try StoreSupport.read { () throws(StoreError) in
            try store.authorizations(forPatients: encounters.map(\.patient.id))
        }
        let issued: [EstimateIssuer.Issued]
        do {
            issued = try EstimateIssuer(rules: rules, clinic: clinic, asOf: asOf, writesPDF: !noPDF)
                .issue(encounters: encounters, authorizations: authorizations, outputDirectory: out, store: store)
        } catch let error as OutputError {
            throw CLIError(.ioFailure, "\(error.description); no estimate was recorded")
        }
        switch format {
        case .json:
            try CommandSupport.printJSON(issued.map(EstimateSummary.init))
        case .text:
            if issued.isEmpty { CommandSupport.printLine("no uninsured or self-pay patient among \(encounters.count) scheduled encounters: no estimate") }
            for item in issued.map(EstimateSummary.init) {
                CommandSupport.printLine("\(item.number)  \(item.patient)  \(item.items) item\(item.items == 1 ? "" : "s")  \(item.total)  \(item.dates.joined(separator: ", "))  \(item.files.joined(separator: " "))")
            }
        }
        if rejected > 0 { throw ExitCode(ExitStatus.completedWithRejections.rawValue) }
    }
}

/// One line of `claims estimate`'s output (JSON keys sorted); no patient name, only the account id.
struct EstimateSummary: Encodable {
    var number: String
    var patient: String
    var issued: String
    var dates: [String]
    var items: Int
    var total: String
    var files: [String]

    init(_ issued: EstimateIssuer.Issued) {
        let estimate = issued.estimate
        number = estimate.number
        patient = estimate.patient.id
        self.issued = estimate.issued.iso
        dates = estimate.dates.map(\.iso)
        items = estimate.items.count
        total = Money.format(estimate.total)
        files = [issued.htmlFile] + (issued.pdfFile.map { [$0] } ?? [])
    }
}
