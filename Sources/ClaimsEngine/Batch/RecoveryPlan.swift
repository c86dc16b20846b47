import ClaimsCore

extension PreparedRun {
    /// The plan kept in the store for recovery (`batch_run.plan`): the run with its file moves and
    /// nothing else, as JSON that `JSONDecoder` reads back as a `PreparedRun`.
    ///
    /// Written directly rather than with `JSONEncoder`, which first builds a tree of every move: a
    /// 400,000-encounter run has ~16,000 moves, and the tree was a few MB at the batch's peak
    /// (issue 18). Keys come in declaration order, so the same run gives the same text (with
    /// `JSONEncoder` their order changed from process to process).
    var recoveryPlanJSON: String {
        var out: [UInt8] = []
        out.reserveCapacity(256 + moves.reduce(0) { $0 + $1.temporary.utf8.count + $1.final.utf8.count + 32 })
        out.append(contentsOf: #"{"runNumber":"#.utf8)
        out.append(contentsOf: String(runNumber).utf8)
        Self.appendMember("outputDirectory", outputDirectory, to: &out)
        Self.appendMember("workDirectory", workDirectory, to: &out)
        out.append(contentsOf: #","moves":["#.utf8)
        for (index, move) in moves.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"temporary":"#.utf8)
            Self.appendString(move.temporary, to: &out)
            Self.appendMember("final", move.final, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"claims":[],"superbills":[],"authorizationUses":[]}"#.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendMember(_ name: StaticString, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: #",""#.utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: #"":"#.utf8)
        appendString(value, to: &out)
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\u00XX`, everything else as is (UTF-8).
    private static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8); SHA256.appendHex(byte, to: &out)
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
