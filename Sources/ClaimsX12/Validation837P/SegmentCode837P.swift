/// The segment ids the checks switch on, as `X12SegmentView.idCode` packs them (one byte per letter).
/// Written as literals so that reading one costs nothing: a `static let` computed by a function is
/// initialised lazily, and that check ran for every segment of a file. `X12ValidatorRuleTests`
/// compares each with `X12SegmentView.code`.
enum SegmentCode837P {
    static let isa: UInt32 = 0x49_53_41, iea: UInt32 = 0x49_45_41
    static let gs: UInt32 = 0x47_53, ge: UInt32 = 0x47_45
    static let st: UInt32 = 0x53_54, se: UInt32 = 0x53_45
    static let hl: UInt32 = 0x48_4C, clm: UInt32 = 0x43_4C_4D, ref: UInt32 = 0x52_45_46, hi: UInt32 = 0x48_49
    static let lx: UInt32 = 0x4C_58, sv1: UInt32 = 0x53_56_31, nm1: UInt32 = 0x4E_4D_31, lin: UInt32 = 0x4C_49_4E
    static let dtp: UInt32 = 0x44_54_50

    /// Every constant with the id it stands for (for the test).
    static let all: [(id: String, code: UInt32)] = [
        ("ISA", isa), ("IEA", iea), ("GS", gs), ("GE", ge), ("ST", st), ("SE", se), ("HL", hl), ("CLM", clm), ("REF", ref),
        ("HI", hi), ("LX", lx), ("SV1", sv1), ("NM1", nm1), ("LIN", lin), ("DTP", dtp),
    ]
}
