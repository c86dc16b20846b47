/// Writes the resource model as FHIR XML into `XMLText` (which validates as it writes): every
/// primitive as `<name value="…"/>`, a Bundle entry's resource inside `<resource>`.
enum FHIRXMLEncoder {
    static func write(_ resource: FHIRResource, to x: inout XMLText) {
        x.start(resource.type)
        write(resource.elements, to: &x)
        x.end()
    }

    private static func write(_ elements: [FHIRElement], to x: inout XMLText) {
        for element in elements {
            switch element.content {
            case .value(let value):
                x.primitive(element.name, value)
            case .children(let children):
                x.start(element.name)
                write(children, to: &x)
                x.end()
            case .resource(let resource):
                x.start(element.name)
                write(resource, to: &x)
                x.end()
            }
        }
    }
}
