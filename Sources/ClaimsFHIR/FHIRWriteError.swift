/// Why a FHIR document was not produced. `isBug` errors mean this module wrote something its own
/// schema rejects: the data is fine, the code is wrong, and nothing was written.
public struct FHIRWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The evaluation has no `bill` line (or was rejected): there is no claim to write.
        public static let nothingToBill = Code(rawValue: "nothing-to-bill")
        /// A self-pay encounter: a Claim needs an insurer.
        public static let noCoverage = Code(rawValue: "no-coverage")
        /// The encounter's payer is not the payer the bundle is for.
        public static let payerMismatch = Code(rawValue: "payer-mismatch")
        /// A resource id that FHIR does not allow (`[A-Za-z0-9-.]{1,64}`).
        public static let invalidIdentifier = Code(rawValue: "invalid-id")
        /// Text with a character XML cannot carry (a control character).
        public static let invalidText = Code(rawValue: "invalid-text")
        /// Our output broke our own schema: a bug in ClaimsFHIR.
        public static let schemaViolation = Code(rawValue: "schema-violation")
    }

    public var code: Code
    /// The encounter (or bundle) the document was for.
    public var subject: String
    /// What went wrong and how to fix it.
    public var message: String
    /// For `schemaViolation`: every problem libxml2 reported, with its line in the generated document.
    public var diagnostics: [XMLDiagnostic]

    public init(code: Code, subject: String, message: String, diagnostics: [XMLDiagnostic] = []) {
        self.code = code; self.subject = subject; self.message = message; self.diagnostics = diagnostics
    }

    public var isBug: Bool { code == .schemaViolation }

    public var description: String {
        ([("FHIR \(subject): \(message)")] + diagnostics.map { "  \($0)" }).joined(separator: "\n")
    }
}
