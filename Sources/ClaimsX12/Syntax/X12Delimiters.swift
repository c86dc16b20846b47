/// The four separators of an X12 interchange. A reader takes them from the ISA segment
/// (they are defined by position there); a writer is told which ones to use.
public struct X12Delimiters: Sendable, Hashable, CustomStringConvertible {
    /// Between elements; the character right after `ISA` (index 3).
    public var element: Unicode.Scalar
    /// Between the components of a composite element; ISA16 (index 104).
    public var component: Unicode.Scalar
    /// Between repetitions of an element; ISA11 (index 82) in 5010. nil for 4010 and older,
    /// where ISA11 is the standards identifier `U`.
    public var repetition: Unicode.Scalar?
    /// Ends each segment; the character right after ISA16 (index 105).
    public var segment: Unicode.Scalar

    public init(element: Unicode.Scalar, component: Unicode.Scalar, repetition: Unicode.Scalar?, segment: Unicode.Scalar) {
        self.element = element; self.component = component; self.repetition = repetition; self.segment = segment
    }

    /// `*` `:` `^` `~`, what 5010 trading partners expect unless their companion guide says otherwise.
    public static let standard = X12Delimiters(element: "*", component: ":", repetition: "^", segment: "~")

    /// Every separator, for "may this text travel inside an element" checks.
    public var all: [Unicode.Scalar] { [element, component, segment] + (repetition.map { [$0] } ?? []) }

    public func contains(_ scalar: Unicode.Scalar) -> Bool {
        scalar == element || scalar == component || scalar == segment || scalar == repetition
    }

    /// Why these separators cannot delimit an interchange, or nil when they can.
    public var problem: String? {
        if self == .standard { return nil }
        let separators = all
        if Set(separators).count != separators.count { return "the separators are not all different (\(self))" }
        for scalar in [element, component] + (repetition.map { [$0] } ?? []) {
            if X12Delimiters.isLetterOrDigit(scalar) || scalar == " " || scalar == "\r" || scalar == "\n" {
                return "\(X12Delimiters.describe(scalar)) cannot be a separator"
            }
        }
        if X12Delimiters.isLetterOrDigit(segment) || segment == " " {
            return "\(X12Delimiters.describe(segment)) cannot be the segment terminator"
        }
        return nil
    }

    public var description: String {
        "element \(X12Delimiters.describe(element)), component \(X12Delimiters.describe(component)), "
            + "repetition \(repetition.map(X12Delimiters.describe) ?? "none"), segment \(X12Delimiters.describe(segment))"
    }

    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "A" && scalar <= "Z") || (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
    }

    /// `'*'`, or `U+001D` for characters that do not print.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.value >= 0x21 && scalar.value < 0x7F { return "'\(Character(scalar))'" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
