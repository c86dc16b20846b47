import ClaimsCore
import Foundation

/// Writes the resource model as FHIR JSON (R4 JSON format): `resourceType` first, elements in
/// definition order, repeating elements as arrays, booleans and numbers bare, two-space indent.
public enum FHIRJSONEncoder {
    public static func data(_ resource: FHIRResource) -> Data {
        var out = ""
        write(resource, indent: 0, to: &out)
        out += "\n"
        return Data(out.utf8)
    }

    private static func write(_ resource: FHIRResource, indent: Int, to out: inout String) {
        out += "{\n"
        pad(indent + 1, &out)
        out += "\"resourceType\": "
        JSONValue.writeString(resource.type.description, to: &out)
        writeMembers(resource.elements, indent: indent + 1, first: false, to: &out)
        out += "\n"
        pad(indent, &out)
        out += "}"
    }

    private static func writeObject(_ elements: [FHIRElement], indent: Int, to out: inout String) {
        out += "{"
        writeMembers(elements, indent: indent + 1, first: true, to: &out)
        out += "\n"
        pad(indent, &out)
        out += "}"
    }

    /// Consecutive elements of one repeating name become one array member.
    private static func writeMembers(_ elements: [FHIRElement], indent: Int, first: Bool, to out: inout String) {
        var index = 0
        var isFirst = first
        while index < elements.count {
            let element = elements[index]
            var end = index + 1
            if element.repeats {
                while end < elements.count, elements[end].name.description == element.name.description { end += 1 }
            }
            out += isFirst ? "\n" : ",\n"
            isFirst = false
            pad(indent, &out)
            JSONValue.writeString(element.name.description, to: &out)
            out += ": "
            if element.repeats {
                out += "["
                for (offset, item) in elements[index..<end].enumerated() {
                    out += offset == 0 ? "\n" : ",\n"
                    pad(indent + 1, &out)
                    writeContent(item.content, indent: indent + 1, to: &out)
                }
                out += "\n"
                pad(indent, &out)
                out += "]"
            } else {
                writeContent(element.content, indent: indent, to: &out)
            }
            index = end
        }
    }

    private static func writeContent(_ content: FHIRElement.Content, indent: Int, to out: inout String) {
        switch content {
        case .value(.string(let text)): JSONValue.writeString(text, to: &out)
        case .value(let value): out += value.text
        case .children(let children): writeObject(children, indent: indent, to: &out)
        case .resource(let resource): write(resource, indent: indent, to: &out)
        }
    }

    private static func pad(_ level: Int, _ out: inout String) {
        out += String(repeating: " ", count: 2 * level)
    }
}
