internal import CLibXML2
import Foundation

/// Builds a libxml2 document from `FHIRElement`s and serializes it as indented UTF-8.
enum XMLTree {
    /// Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF).
    static func firstForbiddenCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: false
            case 0x00..<0x20, 0xFFFE, 0xFFFF: true
            default: false
            }
        }
    }

    /// Serializes `root` (and its subtree) in `namespace`, which becomes the default namespace.
    static func serialize(_ root: FHIRElement, namespace: String) -> Data {
        serialize(root, namespace: namespace, validatingWith: nil).data
    }

    /// Builds, optionally validates the tree in memory (no second parse), then serializes.
    /// `valid` is false when the schema reports any problem (callers re-validate the text for line numbers).
    static func serialize(_ root: FHIRElement, namespace: String, validatingWith schema: XMLSchema?) -> (data: Data, valid: Bool) {
        LibXML2.initialize()
        let doc = xmlNewDoc(xmlText("1.0"))!
        defer { xmlFreeDoc(doc) }
        let rootNode = xmlNewDocNode(doc, nil, xmlText(root.name), nil)!
        let ns = xmlNewNs(rootNode, xmlText(namespace), nil)
        xmlSetNs(rootNode, ns)
        xmlDocSetRootElement(doc, rootNode)
        fill(rootNode, with: root)
        let valid = schema.map { $0.validate(tree: doc).isEmpty } ?? true

        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(doc, &buffer, &size, "UTF-8", 1)
        guard let buffer else { return (Data(), false) }
        defer { clibxml2_free(buffer) }
        return (Data(bytes: buffer, count: Int(size)), valid)
    }

    private static func fill(_ node: xmlNodePtr, with element: FHIRElement) {
        if let value = element.value {
            // xmlNewProp stores the text as is; the serializer escapes & < > " on output.
            xmlNewProp(node, xmlText("value"), xmlText(value))
        }
        for child in element.children {
            // A nil namespace makes the child inherit the parent's (the FHIR namespace).
            let childNode = xmlNewChild(node, nil, xmlText(child.name), nil)!
            fill(childNode, with: child)
        }
    }

    /// A NUL-terminated UTF-8 copy that Swift passes as `const xmlChar *`.
    private static func xmlText(_ text: String) -> [xmlChar] { Array(text.utf8) + [0] }
}
