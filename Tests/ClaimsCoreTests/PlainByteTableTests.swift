@testable import ClaimsCore
import Testing

/// The decoder's plain-text fast path answers from a bit table and from eight-byte words
/// (`DecodingContext.isPlainByte`, `hasBytePastPlain`); both must say what the rule says: printable
/// ASCII that is not an X12 separator.
struct PlainByteTableTests {
    static func isPlainByRule(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && !X12Separators.contains(byte: byte)
    }

    @Test func theTableHoldsTheRuleForEveryByte() {
        for byte in UInt8.min...UInt8.max {
            #expect(DecodingContext.isPlainByte(byte) == Self.isPlainByRule(byte), "byte 0x\(String(byte, radix: 16))")
        }
    }

    /// Every byte value at every place of a word of plain letters.
    @Test func aWordHasABytePastPlainExactlyWhenOneOfItsBytesIsNot() {
        for byte in UInt8.min...UInt8.max {
            for place in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[place] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(DecodingContext.hasBytePastPlain(word) == !Self.isPlainByRule(byte), "byte 0x\(String(byte, radix: 16)) at \(place)")
            }
        }
    }
}
