import ClaimsCore
import ClaimsStore
import ClaimsSuperbill
import Foundation

/// `claims estimate`: builds the Good Faith Estimates of a schedule (`GoodFaithEstimateBuilder`),
/// writes each as `DIR/estimates/<number>.html` and `.pdf`, and records them in the store so the
/// batch can compare later bills and the checklist can say an estimate was given.
///
/// Each file is written under a temporary name, flushed and renamed, so no half-written estimate is
/// ever seen; the store is written after the files, in one transaction. Running it again on the
/// same day gives the same numbers and bytes and replaces what was recorded (nothing is added twice).
public struct EstimateIssuer: Sendable {
    public var rules: RuleBook
    public var clinic: ClinicProfile
    public var asOf: LocalDate
    public var writesPDF: Bool

    public init(rules: RuleBook, clinic: ClinicProfile, asOf: LocalDate, writesPDF: Bool = true) {
        self.rules = rules; self.clinic = clinic; self.asOf = asOf; self.writesPDF = writesPDF
    }

    /// What one estimate became: its content and the files written (relative to the output folder).
    public struct Issued: Sendable {
        public var estimate: GoodFaithEstimate
        public var htmlFile: String
        public var pdfFile: String?
    }

    /// Writes and records the estimates of `encounters` (valid scheduled encounters; `authorizations`
    /// are their patients' stored authorizations, as the checklist reads them).
    public func issue(encounters: [Encounter], authorizations: [PriorAuthorization], outputDirectory: String,
                      store: ClaimsStore) throws -> [Issued] {
        let estimates = GoodFaithEstimateBuilder(rules: rules, clinic: clinic)
            .build(encounters: encounters, authorizations: authorizations, asOf: asOf)
        guard !estimates.isEmpty else { return [] }
        let folder = (outputDirectory as NSString).appendingPathComponent("estimates")
        try AtomicFiles.createOwnDirectory(outputDirectory)
        try AtomicFiles.createOwnDirectory(folder)
        let renderer = EstimateRenderer(clinic: clinic)
        let pdfWriter = EstimatePDFWriter(clinic: clinic)
        var issued: [Issued] = []
        for estimate in estimates {
            let name = Self.fileName(estimate.number)
            let html = "estimates/\(name).html"
            try write(Data(renderer.html(estimate).utf8), to: html, in: outputDirectory)
            var pdf: String?
            if writesPDF {
                pdf = "estimates/\(name).pdf"
                try write(pdfWriter.pdf(estimate), to: pdf!, in: outputDirectory)
            }
            issued.append(Issued(estimate: estimate, htmlFile: html, pdfFile: pdf))
        }
        AtomicFiles.syncDirectory(folder)
        try store.recordEstimates(issued.map { ($0.estimate, $0.htmlFile, $0.pdfFile) })
        return issued
    }

    /// The estimate number as a file name: letters, digits, `-` and `_` kept, anything else `_`.
    static func fileName(_ number: String) -> String {
        String(number.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }

    private func write(_ data: Data, to relative: String, in directory: String) throws {
        let final = (directory as NSString).appendingPathComponent(relative)
        let temporary = final + ".partial"
        try AtomicFiles.writeDurably(data, to: temporary)
        try AtomicFiles.moveIntoPlace(temporary, final, syncDirectory: false)
    }
}
