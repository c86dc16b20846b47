/// A FHIR XML element as plain Swift data: FHIR puts every primitive in a `value` attribute,
/// so an element has either a value or children. The mapping builds these; `XMLTree` turns them
/// into a libxml2 document, so no C pointer reaches the mapping code.
struct FHIRElement: Sendable, Hashable {
    var name: String
    var value: String?
    var children: [FHIRElement]

    /// `<name value="…"/>`
    static func primitive(_ name: String, _ value: String) -> FHIRElement {
        FHIRElement(name: name, value: value, children: [])
    }

    /// `<name>children</name>`; nil children (optional parts that are absent) are dropped.
    static func node(_ name: String, _ children: [FHIRElement?]) -> FHIRElement {
        FHIRElement(name: name, value: nil, children: children.compactMap { $0 })
    }

    /// An optional primitive: absent when there is no text (FHIR forbids empty values).
    static func optional(_ name: String, _ value: String?) -> FHIRElement? {
        guard let value, !value.isEmpty else { return nil }
        return primitive(name, value)
    }
}
