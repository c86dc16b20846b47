/// One element of a segment: usually a single value, sometimes a composite (`HC:99214:25`),
/// rarely repeated (`1^33^35` in a 271). Stored as repetitions of components so that any
/// element read from a file is written back byte for byte.
public struct X12Element: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// A simple element (one repetition of one component, by far the most common) is kept as its
    /// string alone (`composite` nil); anything else as repetitions of components in `composite`
    /// (`simple` empty). Always in this canonical form, so the synthesized equality and hashing agree
    /// with comparing `repetitions`. A struct rather than an enum with payloads: the writer reads
    /// the value of an element inside an array in place, where taking an enum's payload out of an
    /// array copied it (one reference count up and down per element written; session 11).
    struct Storage: Sendable, Hashable {
        var simple: String
        var composite: [[String]]?

        static func simple(_ value: String) -> Storage { Storage(simple: value, composite: nil) }
        static func composite(_ repetitions: [[String]]) -> Storage { Storage(simple: "", composite: repetitions) }
    }

    var storage: Storage

    /// Each repetition is a list of components; a simple element is `[[value]]`.
    public var repetitions: [[String]] {
        get { storage.composite ?? [[storage.simple]] }
        set { storage = Self.storage(newValue) }
    }

    private static func storage(_ repetitions: [[String]]) -> Storage {
        repetitions.count == 1 && repetitions[0].count == 1 ? .simple(repetitions[0][0]) : .composite(repetitions)
    }

    /// A simple element.
    public init(_ value: String) { storage = .simple(value) }

    public init(stringLiteral value: String) { self.init(value) }

    /// A composite element. Trailing empty components are dropped (`HC:99214` rather than
    /// `HC:99214:::`), because X12 forbids trailing separators.
    public init(components: [String]) {
        var count = components.count
        while count > 1, components[count - 1].isEmpty { count -= 1 }
        if count == 1 {
            storage = .simple(components[0])
        } else {
            storage = .composite([count == components.count ? components : Array(components[..<count])])
        }
    }

    /// Exactly these repetitions and components, as a reader found them.
    public init(repetitions: [[String]]) { storage = repetitions.isEmpty ? .simple("") : Self.storage(repetitions) }

    /// The first component of the first repetition: the whole value of a simple element.
    public var value: String {
        guard let repetitions = storage.composite else { return storage.simple }
        return repetitions.first?.first ?? ""
    }

    /// The components of the first repetition.
    public var components: [String] {
        guard let repetitions = storage.composite else { return [storage.simple] }
        return repetitions.first ?? []
    }

    /// One value, no components or repetitions (answered without building arrays).
    public var isSimple: Bool { storage.composite == nil }

    /// How many times the element repeats (1 for any element that does not).
    public var repetitionCount: Int { storage.composite?.count ?? 1 }

    public var isEmpty: Bool {
        guard let repetitions = storage.composite else { return storage.simple.isEmpty }
        return repetitions.allSatisfy { $0.allSatisfy(\.isEmpty) }
    }

    /// Rendered with the standard delimiters, for test messages and debugging.
    public var description: String { rendered(with: .standard) }

    func rendered(with delimiters: X12Delimiters) -> String {
        guard let repetitions = storage.composite else { return storage.simple }
        let repetition = delimiters.repetition.map { String(Character($0)) } ?? ""
        let component = String(Character(delimiters.component))
        return repetitions.map { $0.joined(separator: component) }.joined(separator: repetition)
    }
}

/// One segment: an id (`CLM`) and its elements, position 1 first (`CLM01`).
public struct X12Segment: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var elements: [X12Element]

    /// Exactly these elements, trailing empty ones included (what a reader found).
    public init(id: String, elements: [X12Element]) { self.id = id; self.elements = elements }

    /// A segment to write. Trailing empty elements are dropped: `DMG*D8*19800115*F*~` is an error.
    public init(_ id: String, _ elements: X12Element...) { self.init(id, elements) }

    public init(_ id: String, _ elements: [X12Element]) {
        // Counted first: a copy of the array only when there is something to drop.
        var count = elements.count
        while count > 0 && elements[count - 1].isEmpty { count -= 1 }
        self.init(id: id, elements: count == elements.count ? elements : Array(elements[..<count]))
    }

    /// The element at X12 position `position` (1-based: `segment[1]` is `CLM01`), nil past the end.
    public subscript(position: Int) -> X12Element? {
        position >= 1 && position <= elements.count ? elements[position - 1] : nil
    }

    /// The simple value at `position`, or "" when absent.
    public func value(_ position: Int) -> String { self[position]?.value ?? "" }

    /// `CLM*ENC-1*330***11:B:1*Y*A*Y*Y`: rendered with the standard delimiters, without terminator.
    public var description: String { rendered(with: .standard) }

    func rendered(with delimiters: X12Delimiters) -> String {
        let separator = String(Character(delimiters.element))
        var text = id
        for element in elements {
            text += separator
            text += element.rendered(with: delimiters)
        }
        return text
    }
}
