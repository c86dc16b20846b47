import ClaimsCore
import Foundation

/// The FHIR resource model both encodings are written from (`FHIRXMLEncoder`, `FHIRJSONEncoder`):
/// a resource is a list of elements in the order of its R4 definition; an element holds a primitive
/// value, child elements, or (in a Bundle entry) a resource. `repeats` marks elements whose R4
/// cardinality is more than one: JSON writes them as arrays, XML as repeated elements.
public struct FHIRElement: Sendable {
    /// A primitive value; JSON writes booleans and numbers bare, XML everything as a `value` attribute.
    public enum Value: Sendable, Hashable {
        case string(String)
        case boolean(Bool)
        case integer(Int)
        /// A decimal kept as text (`"210.00"`), so precision survives.
        case decimal(String)

        var text: String {
            switch self {
            case .string(let text), .decimal(let text): text
            case .boolean(let value): value ? "true" : "false"
            case .integer(let value): String(value)
            }
        }

        /// Byte for byte: two spellings of one text (NFC `é`, NFD `e` + U+0301) are written as given,
        /// so a cached entry may stand in only for the same bytes (Swift's `==` on strings would
        /// call them equal).
        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.string(let left), .string(let right)), (.decimal(let left), .decimal(let right)): sameBytes(left, right)
            case (.boolean(let left), .boolean(let right)): left == right
            case (.integer(let left), .integer(let right)): left == right
            default: false
            }
        }
    }

    public enum Content: Sendable {
        case value(Value)
        case children([FHIRElement])
        case resource(FHIRResource)
    }

    public let name: StaticString
    public let repeats: Bool
    public let content: Content
}

extension FHIRElement: Equatable {
    public static func == (lhs: FHIRElement, rhs: FHIRElement) -> Bool {
        guard lhs.repeats == rhs.repeats, lhs.name.sameText(as: rhs.name) else { return false }
        switch (lhs.content, rhs.content) {
        case (.value(let left), .value(let right)): return left == right
        case (.children(let left), .children(let right)): return left == right
        case (.resource(let left), .resource(let right)): return left == right
        default: return false
        }
    }
}

extension FHIRResource: Equatable {
    public static func == (lhs: FHIRResource, rhs: FHIRResource) -> Bool {
        lhs.type.sameText(as: rhs.type) && sameBytes(lhs.id, rhs.id) && sameBytes(lhs.fullUrl, rhs.fullUrl)
            && (lhs.sharesElements(with: rhs) || lhs.elements == rhs.elements)
    }
}

/// The same UTF-8 bytes (`==` on strings compares canonical equivalence, and `utf8.elementsEqual`
/// walked them byte by byte through the generic collection path: a tenth of a claim's time, issue 18).
/// Two strings of the very same representation hold the same bytes: a small string's bits are its
/// bytes and their count, a large one's its count and the immutable storage holding them (names,
/// NPIs and codes are small: decoded anew for each encounter, they are compared without a copy).
func sameBytes(_ left: String, _ right: String) -> Bool {
    if MemoryLayout<String>.size == 16,
       unsafeBitCast(left, to: (UInt64, UInt64).self) == unsafeBitCast(right, to: (UInt64, UInt64).self) { return true }
    guard left.utf8.count == right.utf8.count else { return false }
    return left.withUTF8Bytes { mine in
        right.withUTF8Bytes { theirs in mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0 }
    }
}

extension StaticString {
    /// The same characters (one literal is one address, so that is checked first).
    func sameText(as other: StaticString) -> Bool {
        withUTF8Buffer { mine in
            other.withUTF8Buffer { theirs in
                mine.baseAddress == theirs.baseAddress && mine.count == theirs.count || mine.elementsEqual(theirs)
            }
        }
    }
}

/// One resource: its type (`Claim`, `Patient`, …) and its elements, `id` first.
/// Its fields live behind one shared, immutable reference (`Fields`): a claim's resources are copied
/// into its parties, their coverages, the Bundle's list and the entry cache, and each copy of five
/// fields retained four strings, arrays and closures (~110 atomic operations a claim, issue 18).
public struct FHIRResource: Sendable {
    private final class Fields: Sendable {
        let type: StaticString
        let id: String
        let kept: [FHIRElement]
        let build: (@Sendable (inout FHIRNode) -> Void)?
        let fullUrl: String
        /// Whether `fullUrl` has nothing XML must escape or refuse (checked once: references to the
        /// resource copy it without checking again; a claim writes seven or eight of them).
        let fullUrlIsClean: Bool

        init(type: StaticString, id: String, kept: [FHIRElement], build: (@Sendable (inout FHIRNode) -> Void)?, fullUrl: String) {
            self.type = type; self.id = id; self.kept = kept; self.build = build; self.fullUrl = fullUrl
            fullUrlIsClean = XMLText.isClean(fullUrl)
        }
    }

    private let fields: Fields

    public var type: StaticString { fields.type }
    public var id: String { fields.id }
    /// Kept, or (`init(deferred:…)`) built from the description each time they are asked for.
    public var elements: [FHIRElement] {
        if let build { return FHIRResource(type, id: id, build: build).elements }
        return kept
    }
    private var kept: [FHIRElement] { fields.kept }
    /// The description of a deferred resource (nil: `kept` holds its elements).
    private var build: (@Sendable (inout FHIRNode) -> Void)? { fields.build }
    /// The resource's `fullUrl` in a Bundle, and what references to it say: `urn:uuid:` and the id when
    /// the id is a UUID, else a UUID derived from `fullUrlKey` (a Claim's id is its encounter id).
    public var fullUrl: String { fields.fullUrl }

    public init(_ type: StaticString, id: String, fullUrlKey: String? = nil, build: (inout FHIRNode) -> Void) {
        var node = FHIRNode()
        node.string("id", id)
        build(&node)
        fields = Fields(type: type, id: id, kept: node.elements, build: nil, fullUrl: Self.fullUrl(id: id, fullUrlKey: fullUrlKey))
    }

    /// A resource kept as its description: written straight into the XML when a document needs it
    /// (`writeXML(into:)`), its element tree made only when asked for (JSON, comparisons). A claim's
    /// Patient and Coverage are written once and never kept, so building their trees first was waste.
    public init(deferred type: StaticString, id: String, fullUrlKey: String? = nil, build: @escaping @Sendable (inout FHIRNode) -> Void) {
        fields = Fields(type: type, id: id, kept: [], build: build, fullUrl: Self.fullUrl(id: id, fullUrlKey: fullUrlKey))
    }

    /// Whether both keep the very same element storage (a writer's Organizations, reused by every
    /// claim): then they are equal without comparing a single element.
    fileprivate func sharesElements(with other: FHIRResource) -> Bool {
        if fields === other.fields { return build == nil }
        return build == nil && other.build == nil && kept.count == other.kept.count
            && kept.withUnsafeBufferPointer { mine in other.kept.withUnsafeBufferPointer { $0.baseAddress == mine.baseAddress } }
    }

    /// Whether `fullUrl` needs no escaping in XML (`XMLText.isClean`), as found when the resource was made.
    var fullUrlIsClean: Bool { fields.fullUrlIsClean }

    /// Which shared fields this value has: copies of one resource have the same (while one of them
    /// lives, no other resource has it).
    var fieldsIdentity: ObjectIdentifier { ObjectIdentifier(fields) }

    /// Whether the resource is a description written as it is built (no tree kept).
    var isDeferred: Bool { fields.build != nil }

    /// The resource's XML, as `FHIRXMLEncoder` writes its elements: straight from the description when
    /// it is deferred.
    func writeXML(into sink: XMLSink) {
        if let build {
            Self.writeXML(type, id: id, into: sink, build: build)
        } else {
            FHIRXMLEncoder.write(self, to: &sink.text.pointee)
        }
    }

    static func fullUrl(id: String, fullUrlKey: String?) -> String {
        guard let fullUrlKey else { return FHIRResourceId.urn(id) }
        return FHIRResourceId.uuid("", fullUrlKey, urn: true)
    }

    /// The XML `FHIRXMLEncoder` writes for `FHIRResource(type, id:, build:)`, written as it is built:
    /// no element tree is made (a batch's Claim is written once and never kept; building and then
    /// encoding its tree was about a fifth of a batch's instructions).
    static func writeXML(_ type: StaticString, id: String, into sink: XMLSink, build: (inout FHIRNode) -> Void) {
        sink.text.pointee.start(type)
        var node = FHIRNode(writingTo: sink)
        node.string("id", id)
        build(&node)
        sink.text.pointee.end()
    }

    /// The first string value at a path of element names (`["identifier", "value"]`), for callers and tests.
    public func value(at path: [String]) -> String? {
        var elements = self.elements
        for (index, name) in path.enumerated() {
            guard let element = elements.first(where: { $0.name.description == name }) else { return nil }
            switch element.content {
            case .value(let value): return index == path.count - 1 ? value.text : nil
            case .children(let children): elements = children
            case .resource(let resource): elements = resource.elements
            }
        }
        return nil
    }
}

/// Builds a list of elements in order; absent or empty strings are left out (FHIR forbids empty values).
/// A node made with `init(writingTo:)` keeps nothing: each element goes straight into the XML
/// (`FHIRResource.writeXML`), in the same order and form `FHIRXMLEncoder` would write the kept ones.
public struct FHIRNode: Sendable {
    public private(set) var elements: [FHIRElement] = []
    private let sink: XMLSink?

    public init() { sink = nil }

    init(writingTo sink: XMLSink) { self.sink = sink }

    public mutating func string(_ name: StaticString, _ value: String?, repeats: Bool = false) {
        guard let value, !value.isEmpty else { return }
        add(name, repeats: repeats, .string(value))
    }

    /// `string(name, FHIRText.clean(text))`: text that is clean already is written as it is.
    mutating func cleanString(_ name: StaticString, _ text: String?, repeats: Bool = false) {
        guard let text else { return }
        if FHIRText.isClean(text) {
            add(name, repeats: repeats, .string(text))
        } else {
            string(name, FHIRText.clean(text), repeats: repeats)
        }
    }

    public mutating func integer(_ name: StaticString, _ value: Int, repeats: Bool = false) {
        add(name, repeats: repeats, .integer(value))
    }

    public mutating func boolean(_ name: StaticString, _ value: Bool) {
        add(name, repeats: false, .boolean(value))
    }

    public mutating func decimal(_ name: StaticString, _ value: Decimal) {
        add(name, repeats: false, .decimal(DecimalText.plain(value)))
    }

    /// A primitive kept, or written (`<name value="…"/>`).
    private mutating func add(_ name: StaticString, repeats: Bool, _ value: FHIRElement.Value) {
        if let sink {
            sink.text.pointee.primitive(name, value)
        } else {
            elements.append(FHIRElement(name: name, repeats: repeats, content: .value(value)))
        }
    }

    public mutating func node(_ name: StaticString, repeats: Bool = false, _ build: (inout FHIRNode) -> Void) {
        if let sink {
            sink.text.pointee.start(name)
            var child = FHIRNode(writingTo: sink)
            build(&child)
            sink.text.pointee.end()
            return
        }
        var child = FHIRNode()
        build(&child)
        elements.append(FHIRElement(name: name, repeats: repeats, content: .children(child.elements)))
    }

    /// Elements that never change (`FHIRFragment`): copied as written once when writing XML, built
    /// from their description when keeping elements, so both encodings see the same elements.
    mutating func fixed(_ fragment: FHIRFragment) {
        if let sink {
            sink.text.pointee.insert(fragment.rendered(atDepth: sink.text.pointee.depth))
        } else {
            fragment.build(&self)
        }
    }

    public mutating func resource(_ resource: FHIRResource) {
        if let sink {
            sink.text.pointee.start("resource")
            FHIRXMLEncoder.write(resource, to: &sink.text.pointee)
            sink.text.pointee.end()
            return
        }
        elements.append(FHIRElement(name: "resource", repeats: false, content: .resource(resource)))
    }
}

/// Constant elements (`status active`, a fixed coding, `currency USD`): the XML writer copies them as
/// one piece of text, rendered once per nesting depth by the ordinary element writing (the same bytes
/// and shape tokens by construction; `FHIRFragmentTests`), instead of writing each tag and value anew
/// for every claim (issue 18).
/// Immutable after `init` (its renderings are written there and only read after), hence Sendable.
final class FHIRFragment: @unchecked Sendable {
    let build: @Sendable (inout FHIRNode) -> Void
    /// By depth (index 0 unused: a fragment is never the root), in memory this fragment owns: inserting
    /// one reads it without retaining and releasing two arrays (~70 atomic operations a claim, issue 18).
    private let renderings: UnsafeMutableBufferPointer<XMLText.FragmentView>
    static let deepest = 8

    init(_ build: @escaping @Sendable (inout FHIRNode) -> Void) {
        self.build = build
        renderings = .allocate(capacity: Self.deepest + 1)
        renderings.initialize(repeating: XMLText.FragmentView(copying: nil))
        for depth in 1...Self.deepest {
            renderings[depth] = XMLText.FragmentView(copying: XMLText.Fragment.rendering(depth: depth) { text in
                XMLSink.writing(into: &text) { sink in
                    var node = FHIRNode(writingTo: sink)
                    build(&node)
                }
            })
        }
    }

    deinit {
        for rendering in renderings { rendering.deallocate() }
        renderings.deallocate()
    }

    func rendered(atDepth depth: Int) -> XMLText.FragmentView {
        guard depth > 0, depth <= Self.deepest else {
            preconditionFailure("a fragment is written inside a resource, at most \(Self.deepest) levels deep")
        }
        return renderings[depth]
    }
}

/// The XML a direct-writing `FHIRNode` and its children write into: one `XMLText`, only while
/// `writing(into:)` runs (one drafting thread at a time). A pointer, not a class holding the text:
/// each write through a class's stored property paid a dynamic exclusivity check (~30,000
/// instructions a claim, issue 18).
struct XMLSink: @unchecked Sendable {
    let text: UnsafeMutablePointer<XMLText>

    static func writing<Result>(into text: inout XMLText, _ body: (XMLSink) throws -> Result) rethrows -> Result {
        try withUnsafeMutablePointer(to: &text) { try body(XMLSink(text: $0)) }
    }
}

// MARK: - Data types the writers share

extension FHIRNode {
    public mutating func coding(_ system: String, _ code: String, display: String? = nil) {
        node("coding", repeats: true) {
            $0.string("system", system)
            $0.string("code", code)
            $0.string("display", display)
        }
    }

    /// A CodeableConcept with one coding.
    public mutating func concept(_ name: StaticString, repeats: Bool = false, _ system: String, _ code: String,
                                 display: String? = nil) {
        node(name, repeats: repeats) { $0.coding(system, code, display: display) }
    }

    /// A literal reference to a resource of the same Bundle (`urn:uuid:…`), with a display.
    public mutating func reference(_ name: StaticString, repeats: Bool = false, to resource: FHIRResource, display: String? = nil) {
        node(name, repeats: repeats) {
            $0.fullUrl(of: resource)
            $0.string("display", display)
        }
    }

    /// `string("reference", resource.fullUrl)`; written into XML, a fullUrl found clean when the
    /// resource was made is copied without checking it again.
    mutating func fullUrl(of resource: FHIRResource) {
        let name: StaticString = "reference"   // one literal for both ways (the shape notes its address)
        if let sink, resource.fullUrlIsClean, !resource.fullUrl.isEmpty {
            resource.fullUrl.withUTF8Bytes { sink.text.pointee.primitive(name, clean: $0) }
        } else {
            string(name, resource.fullUrl)
        }
    }

    /// An Identifier: an optional type (v2-0203), an optional system, the value.
    public mutating func identifier(_ name: StaticString = "identifier", repeats: Bool = true, type: (code: String, display: String)? = nil,
                                    system: String? = nil, value: String) {
        node(name, repeats: repeats) {
            if let type { $0.concept("type", FHIRCodeSystem.identifierType, type.code, display: type.display) }
            $0.string("system", system)
            $0.string("value", value)
        }
    }

    public mutating func money(_ name: StaticString, _ amount: Decimal) {
        node(name) {
            $0.add("value", repeats: false, .decimal(DecimalText.money(amount)))
            $0.fixed(FHIRFragment.currencyUSD)
        }
    }

    public mutating func period(_ name: StaticString, start: LocalDate?, end: LocalDate?) {
        node(name) {
            $0.string("start", start?.iso)
            $0.string("end", end?.iso)
        }
    }
}

/// Deterministic resource ids: a UUID (version 8, RFC 9562) from the SHA-256 of what identifies the
/// resource (`Patient|PT-1001`), so a re-run writes the same ids and the same fullUrls.
public enum FHIRResourceId {
    public static func uuid(_ key: String) -> String {
        key.withUTF8Bytes { uuid(ofKey: $0, urn: false) }
    }

    /// `uuid` of `prefix` followed by `parts` joined with `|` (`uuid("Coverage|", patientId, payer,
    /// memberId)` is `uuid("Coverage|\(patientId)|\(payer)|\(memberId)")`), with `urn:uuid:` before it
    /// when `urn`: the key's bytes go straight to SHA-256 and the text into one string, without
    /// building the key and the URN as strings first (issue 18).
    static func uuid(_ prefix: StaticString, _ parts: String..., urn: Bool = false) -> String {
        var count = prefix.utf8CodeUnitCount + parts.count - 1
        for part in parts { count += part.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { key in
            var offset = 0
            prefix.withUTF8Buffer { bytes in
                for byte in bytes { key[offset] = byte; offset += 1 }
            }
            for (index, part) in parts.enumerated() {
                if index > 0 { key[offset] = UInt8(ascii: "|"); offset += 1 }
                part.withUTF8Bytes { bytes in
                    for byte in bytes { key[offset] = byte; offset += 1 }
                }
            }
            return uuid(ofKey: UnsafeBufferPointer(rebasing: key[0..<offset]), urn: urn)
        }
    }

    /// `urn:uuid:` and `id`, as one string.
    static func urn(_ id: String) -> String {
        id.withUTF8Bytes { bytes in
            String(unsafeUninitializedCapacity: urnPrefix.utf8CodeUnitCount + bytes.count) { text in
                // Copied in two pieces (byte by byte it was ~200 instructions an id).
                let prefixCount = urnPrefix.utf8CodeUnitCount
                UnsafeMutableRawPointer(text.baseAddress!).copyMemory(from: urnPrefix.utf8Start, byteCount: prefixCount)
                if let from = bytes.baseAddress { (text.baseAddress! + prefixCount).update(from: from, count: bytes.count) }
                return prefixCount + bytes.count
            }
        }
    }

    private static let urnPrefix: StaticString = "urn:uuid:"

    /// Each byte value's two lower-case hexadecimal digits, in order (`00`, `01`, … `ff`).
    private static let hexPairs: StaticString = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

    private static func uuid(ofKey key: UnsafeBufferPointer<UInt8>, urn: Bool) -> String {
        // No array allocated: the digest goes to the stack, the digits straight into the String
        // (four ids a claim; the arrays cost about as much as the hashing).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            SHA256.digest(key, into: digest)
            // 8-4-4-4-12 hexadecimal digits of the first 16 bytes, version and variant bits set; each
            // byte's two digits copied from `hexPairs` (computing them was ~500 instructions an id).
            digest[6] = (digest[6] & 0x0F) | 0x80
            digest[8] = (digest[8] & 0x3F) | 0x80
            return String(unsafeUninitializedCapacity: 45) { text in
                let target = UnsafeMutableRawPointer(text.baseAddress!)
                var count = 0
                if urn {
                    target.copyMemory(from: urnPrefix.utf8Start, byteCount: urnPrefix.utf8CodeUnitCount)
                    count = urnPrefix.utf8CodeUnitCount
                }
                let pairs = UnsafeRawPointer(hexPairs.utf8Start)
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        target.storeBytes(of: 0x2D, toByteOffset: count, as: UInt8.self)
                        count += 1
                    }
                    let pair = pairs.loadUnaligned(fromByteOffset: 2 * Int(digest[index]), as: UInt16.self)
                    target.storeBytes(of: pair, toByteOffset: count, as: UInt16.self)
                    count += 2
                }
                return count
            }
        }
    }
}

extension FHIRFragment {
    static let currencyUSD = FHIRFragment { $0.string("currency", "USD") }
}

/// `Money.format` and `Money.plain` of the amounts and quantities claims repeat (a clinic bills a
/// few charges and units again and again): each answer kept under the `Decimal`'s 20 bytes, so it is
/// reused only for the very same bits, where the pure functions give the same text (Foundation's
/// `Decimal` made each call ~1,500 instructions, a claim several of them; issue 18). Shared by the
/// drafting threads; bounded (a direct-mapped table: a new answer takes its slot's place).
enum DecimalText {
    static func money(_ amount: Decimal) -> String { kept.text(amount, money: true) }
    static func plain(_ value: Decimal) -> String { kept.text(value, money: false) }

    private static let kept = Kept()

    /// A direct-mapped table (a key's slot from a multiplicative hash of its bits; a new text replaces
    /// the one in its slot), in memory it owns: a dictionary cost ~650 instructions a lookup (hashing,
    /// probing, dynamic exclusivity checks on the class's variable), this ~100. Never freed (one, static).
    private final class Kept: @unchecked Sendable {
        static let slotBits = 10
        private let lock = NSLock()
        private let slots: UnsafeMutablePointer<(key: Key, text: String?)>

        init() {
            slots = .allocate(capacity: 1 << Self.slotBits)
            slots.initialize(repeating: (Key.none, nil), count: 1 << Self.slotBits)
        }

        func text(_ value: Decimal, money: Bool) -> String {
            guard let key = Key(value, money: money) else { return money ? Money.format(value) : Money.plain(value) }
            let slot = slots + key.slot(bits: Self.slotBits)
            lock.lock()
            if slot.pointee.key == key, let text = slot.pointee.text {
                lock.unlock()
                return text
            }
            lock.unlock()
            let text = money ? Money.format(value) : Money.plain(value)
            lock.withLock { slot.pointee = (key, text) }
            return text
        }
    }

    /// The value's bytes, and which text is kept for them.
    private struct Key: Equatable {
        /// The key of an empty slot (its text is nil, so it answers no lookup).
        static let none = Key(low: 0, high: 0, last: 0, money: false)

        private init(low: UInt64, high: UInt64, last: UInt32, money: Bool) {
            self.low = low; self.high = high; self.last = last; self.money = money
        }

        /// The top `bits` of a multiplicative hash of the key.
        func slot(bits: Int) -> Int {
            let mixed = (low ^ (high &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(last) << 1 | (money ? 1 : 0))) &* 0xC2B2_AE3D_27D4_EB4F
            return Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
        }

        let low: UInt64, high: UInt64, last: UInt32
        let money: Bool

        init?(_ value: Decimal, money: Bool) {
            guard MemoryLayout<Decimal>.size == 20 else { return nil }
            (low, high, last) = withUnsafeBytes(of: value) {
                ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            }
            self.money = money
        }
    }
}
