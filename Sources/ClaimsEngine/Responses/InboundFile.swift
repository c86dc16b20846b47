import ClaimsCore
import Foundation

/// A file a payer sent (999, 277CA, 835, 271), read for import: its bytes and their SHA-256 (a file is
/// imported once, by content), or why it cannot be read. Shared by `responses import`, `eligibility import`
/// and `preauth import`.
struct InboundFile {
    var data: Data
    /// SHA-256 of the bytes, hex.
    var hash: String

    /// The file at `path`, or the reason (in words, without the path) it is refused.
    static func read(_ path: String, maximumBytes: Int) -> Result<InboundFile, InboundFileRefusal> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .failure("no such file; check the path") }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return .failure("is not a regular file") }
        if let size = attributes[.size] as? Int, size > maximumBytes {
            return .failure(InboundFileRefusal("is \(size) bytes; at most \(maximumBytes) are read (is it a payer's response?)"))
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure("cannot be read; check its permissions") }
        return .success(InboundFile(data: data, hash: SHA256.hex(Array(data))))
    }

    /// The bytes as text, or nil when they are not UTF-8 (X12 is ASCII or UTF-8).
    var text: String? { String(data: data, encoding: .utf8) }
}

struct InboundFileRefusal: Error, ExpressibleByStringLiteral {
    var message: String
    init(_ message: String) { self.message = message }
    init(stringLiteral value: String) { message = value }
}
