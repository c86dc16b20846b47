import Foundation

/// The two standard-14 fonts a native PDF falls back to (`PDFFonts.standard`), with their Adobe AFM advance widths
/// (Helvetica and Helvetica-Bold, AFM version 002.000, 1997) for the WinAnsiEncoding codes 32–255.
/// Viewers supply the glyphs (standard fonts are never embedded); these widths let the writer
/// measure text exactly as it will print, to right-align amounts and wrap descriptions.
enum StandardFont: Int, Sendable, CaseIterable {
    case helvetica = 1
    case helveticaBold = 2

    /// Advance width of one WinAnsi byte, in 1/1000 em (0 for the codes WinAnsi leaves undefined).
    @inline(__always)
    func width(of byte: UInt8) -> Int {
        byte < 32 ? 0 : Int(self == .helvetica ? StandardFont.helveticaWidths[Int(byte) - 32] : StandardFont.helveticaBoldWidths[Int(byte) - 32])
    }

    /// Width of WinAnsi-encoded text in points at `size`, with `charSpacing` (the `Tc` operator) added after each glyph but the last.
    func width(_ text: [UInt8], size: Double, charSpacing: Double = 0) -> Double {
        var units = 0
        switch self {
        case .helvetica: for byte in text where byte >= 32 { units += Int(StandardFont.helveticaWidths[Int(byte) - 32]) }
        case .helveticaBold: for byte in text where byte >= 32 { units += Int(StandardFont.helveticaBoldWidths[Int(byte) - 32]) }
        }
        return Double(units) * size / 1000 + (text.isEmpty ? 0 : charSpacing * Double(text.count - 1))
    }

    /// Helvetica (Adobe Core 14 AFM), WinAnsi codes 0x20…0xFF.
    static let helveticaWidths: [UInt16] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // 0x20
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0x30
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // 0x40
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // 0x50
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // 0x60
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,  // 0x70
        556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,  // 0x80
        0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,  // 0x90
        278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,  // 0xA0
        400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,  // 0xB0
        667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,  // 0xC0
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,  // 0xD0
        556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,  // 0xE0
        556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,  // 0xF0
    ]

    /// Helvetica-Bold (Adobe Core 14 AFM), WinAnsi codes 0x20…0xFF.
    static let helveticaBoldWidths: [UInt16] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,  // 0x20
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,  // 0x30
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,  // 0x40
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,  // 0x50
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,  // 0x60
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,  // 0x70
        556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,  // 0x80
        0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,  // 0x90
        278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,  // 0xA0
        400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,  // 0xB0
        722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,  // 0xC0
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,  // 0xD0
        556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,  // 0xE0
        611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,  // 0xF0
    ]

    /// Ascender and descender from the AFMs (same for both weights), in 1/1000 em.
    static let ascender = 718.0
    static let descender = -207.0
}
