internal import CLibXML2
import Foundation

/// A parsed W3C XML Schema (XSD) that validates documents given as bytes.
///
/// ```swift
/// let schema = try XMLSchema(contentsOf: URL(fileURLWithPath: "fhir-single.xsd"))
/// let problems = schema.validate(data, documentName: "ENC-0001.xml")   // [] when valid
/// ```
/// A parsed schema is read-only in libxml2, so one instance may validate from many threads.
public final class XMLSchema: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    /// Names the schema in messages (`fhir-single.xsd`, `claims FHIR subset`).
    public let name: String

    /// Parses a schema from a file; `xs:import`s with relative paths resolve beside it.
    public convenience init(contentsOf url: URL) throws(XMLSchemaError) {
        LibXML2.initialize()
        guard let context = xmlSchemaNewParserCtxt(url.path) else {
            throw XMLSchemaError(schemaName: url.lastPathComponent, diagnostics: [], message: "cannot open the schema file \(url.path)")
        }
        try self.init(parserContext: context, name: url.lastPathComponent)
    }

    /// Parses a schema held in memory (used for the schema embedded in this module).
    public convenience init(xsd: String, name: String) throws(XMLSchemaError) {
        LibXML2.initialize()
        // libxml2 keeps a pointer to the buffer until xmlSchemaParse runs (it does not copy it), so the
        // bytes must outlive the parser context: copy them into memory freed only after the parse.
        let bytes = Array(xsd.utf8)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        defer { buffer.deallocate() }
        bytes.withUnsafeBufferPointer { source in
            source.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { buffer.initialize(from: $0, count: bytes.count) }
        }
        buffer[bytes.count] = 0
        guard let context = xmlSchemaNewMemParserCtxt(buffer, Int32(bytes.count)) else {
            throw XMLSchemaError(schemaName: name, diagnostics: [], message: "libxml2 could not create a schema parser")
        }
        try self.init(parserContext: context, name: name)
    }

    private init(parserContext context: xmlSchemaParserCtxtPtr, name: String) throws(XMLSchemaError) {
        defer { xmlSchemaFreeParserCtxt(context) }
        let sink = DiagnosticSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        xmlSchemaSetParserStructuredErrors(context, LibXML2.collectDiagnostic, box.toOpaque())
        // Errors outside the schema parser context (e.g. reading an imported file) go to the thread's handler.
        let parsed = LibXML2.collectingThreadErrors(into: sink) { xmlSchemaParse(context) }
        guard let parsed else {
            throw XMLSchemaError(schemaName: name, diagnostics: sink.items, message: "the schema does not parse")
        }
        self.schema = parsed
        self.name = name
    }

    deinit { xmlSchemaFree(schema) }

    /// Parses `document` (no network access, no entity expansion) and validates it.
    /// Returns every problem found; an empty array means the document is well-formed and valid.
    public func validate(_ document: Data, documentName: String = "document.xml") -> [XMLDiagnostic] {
        let sink = DiagnosticSink()
        let parsed: xmlDocPtr? = LibXML2.collectingThreadErrors(into: sink) {
            document.withUnsafeBytes { raw -> xmlDocPtr? in
                guard let base = raw.bindMemory(to: CChar.self).baseAddress else { return nil }
                return xmlReadMemory(base, Int32(raw.count), documentName, nil, Int32(XML_PARSE_NONET.rawValue))
            }
        }
        guard let doc = parsed else {
            return sink.items.isEmpty ? [XMLDiagnostic(level: .fatal, line: 0, message: "the document is empty or not XML")] : sink.items
        }
        defer { xmlFreeDoc(doc) }
        return validate(tree: doc)
    }

    /// Validates a parsed document, collecting every message with its line.
    private func validate(tree doc: xmlDocPtr) -> [XMLDiagnostic] {
        let sink = DiagnosticSink()
        guard let validation = xmlSchemaNewValidCtxt(schema) else {
            return [XMLDiagnostic(level: .fatal, line: 0, message: "libxml2 could not create a validation context")]
        }
        defer { xmlSchemaFreeValidCtxt(validation) }
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        xmlSchemaSetValidStructuredErrors(validation, LibXML2.collectDiagnostic, box.toOpaque())
        let result = xmlSchemaValidateDoc(validation, doc)
        if result != 0 && sink.items.isEmpty {
            // A negative result is an internal libxml2 failure that produced no message.
            sink.items.append(XMLDiagnostic(level: .fatal, line: 0, message: "schema validation failed (libxml2 code \(result))"))
        }
        return sink.items
    }
}

/// A schema that cannot be used: its text or file does not parse.
public struct XMLSchemaError: Error, Sendable, CustomStringConvertible {
    public var schemaName: String
    public var diagnostics: [XMLDiagnostic]
    public var message: String
    public var description: String {
        ([("schema \(schemaName): \(message)")] + diagnostics.map { "  \($0)" }).joined(separator: "\n")
    }
}

/// Collects libxml2 messages during one synchronous call.
final class DiagnosticSink {
    var items: [XMLDiagnostic] = []
}

enum LibXML2 {
    private static let initialized: Bool = { xmlInitParser(); return true }()

    /// libxml2 must be initialised once before documents are parsed on several threads.
    static func initialize() { _ = initialized }

    /// The C callback: context arrives through `userData`, because a C function pointer cannot capture.
    static let collectDiagnostic: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let sink = Unmanaged<DiagnosticSink>.fromOpaque(userData).takeUnretainedValue()
        let raw = error.pointee
        let level: XMLDiagnostic.Level = switch raw.level {
        case XML_ERR_WARNING: .warning
        case XML_ERR_FATAL: .fatal
        default: .error
        }
        let text = raw.message.map { String(cString: $0) } ?? "unknown libxml2 error \(raw.code)"
        sink.items.append(XMLDiagnostic(level: level, line: Int(raw.line), column: Int(raw.int2),
                                        message: text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }


    /// libxml2 2.9 has no per-context handler for the plain parser; its global handler is thread-local,
    /// so it is set and cleared around one synchronous call (never across a suspension point).
    static func collectingThreadErrors<T>(into sink: DiagnosticSink, _ body: () -> T) -> T {
        initialize()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        xmlSetStructuredErrorFunc(box.toOpaque(), collectDiagnostic)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return body()
    }
}
