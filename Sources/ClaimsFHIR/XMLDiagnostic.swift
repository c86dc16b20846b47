/// One message from libxml2 (parser or schema validator), with the place it points at.
public struct XMLDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable { case warning, error, fatal }
    public var level: Level
    /// 1-based line in the document (0 when libxml2 did not know it).
    public var line: Int
    /// 1-based column, 0 when unknown (the schema validator never reports one).
    public var column: Int
    public var message: String

    public init(level: Level, line: Int, column: Int = 0, message: String) {
        self.level = level; self.line = line; self.column = column; self.message = message
    }

    /// `line 12: error: Element '{http://hl7.org/fhir}use': …`
    public var description: String {
        let place = column > 0 ? "line \(line), column \(column)" : "line \(line)"
        return "\(place): \(level.rawValue): \(message)"
    }
}
