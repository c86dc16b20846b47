/// The 005010X222A1 implementation guide as a tree of loops and segments (read once from
/// `Map837PTable`), in the shape the independent validator pyx12 walks: children ordered by
/// position, usage R/S/N, repeat limits, element types, lengths and code lists.
struct Map837P: Sendable {
    enum Usage: Character, Sendable { case required = "R", situational = "S", notUsed = "N" }

    enum DataType: String, Sendable { case id = "ID", an = "AN", n0 = "N0", n2 = "N2", r = "R", dt = "DT", tm = "TM" }

    /// A class, not a struct: read for every element of every file, so passing it around is one
    /// reference count instead of one per string and set inside.
    final class Element: Sendable {
        let seq: Int
        let dataElement: String
        let type: DataType
        let minLength: Int
        let maxLength: Int
        let usage: Usage
        let codes: Set<String>
        /// The first code as the guide lists it (pyx12 names same-position segments by it: `REF[G1]`).
        let firstCode: String?
        /// The name of an external code set (`pos`, `states`, …), checked against `Map837P.codeSets`.
        let externalCodes: String?
        /// The only pattern the guide uses: exactly nine digits (an SSN or EIN).
        let nineDigits: Bool
        let name: String
        /// Data element 1250 (a date-time format qualifier) and 1251 (a date-time in that format).
        let isFormatQualifier: Bool
        let isFormatted: Bool

        init(seq: Int, dataElement: String, type: DataType, minLength: Int, maxLength: Int, usage: Usage, codes: Set<String>,
             firstCode: String?, externalCodes: String?, nineDigits: Bool, name: String) {
            self.seq = seq; self.dataElement = dataElement; self.type = type; self.minLength = minLength; self.maxLength = maxLength
            self.usage = usage; self.codes = codes; self.firstCode = firstCode; self.externalCodes = externalCodes
            self.nineDigits = nineDigits; self.name = name
            isFormatQualifier = dataElement == "1250"; isFormatted = dataElement == "1251"
        }
    }

    struct Composite: Sendable {
        var seq: Int
        var usage: Usage
        var name: String
        var components: [Element]
    }

    enum Position: Sendable {
        case element(Element)
        case composite(Composite)
    }

    /// An X12 syntax note: P (all or none), R (at least one), C (if the first, all the others),
    /// L (if the first, at least one other), E (at most one), over 1-based element positions.
    struct SyntaxRule: Sendable {
        var kind: Character
        var positions: [Int]
        var text: String
    }

    struct Segment: Sendable {
        var positions: [Position]
        /// Indexes of the required positions (checked even when the segment stops before them).
        var requiredPositions: Set<Int> = []
        var syntax: [SyntaxRule]
        /// Where the qualifier that tells same-id segments apart sits (pyx12's "unique key"):
        /// element index, component index (composites), and its codes.
        var key: (element: Int, component: Int?, codes: Set<String>)?
    }

    struct Node: Sendable {
        var isLoop: Bool
        var id: String
        var name: String
        var usage: Usage
        var maxRepeat: Int
        var pos: Int
        var parent: Int
        var children: [Int] = []
        /// Index into the counters: nodes with the same path (same-id segments of one loop) share one.
        var counter: Int = 0
        /// Counters of everything under a loop: `counter + 1 ..< counterEnd`.
        var counterEnd: Int = 0
        var segment: Segment?
    }

    /// Node 0 is the root; its only child is the interchange loop.
    private(set) var nodes: [Node]
    private(set) var counterCount = 0
    private(set) var codeSets: [String: Set<String>] = [:]

    static let shared = Map837P(table: Map837PTable.text)

    init(table: String) {
        nodes = [Node(isLoop: true, id: "", name: "", usage: .required, maxRepeat: 1, pos: 0, parent: -1)]
        var stack: [(depth: Int, node: Int)] = [(-1, 0)]
        // The composite being filled and the depth of its line: deeper element lines are its components.
        var currentComposite: (position: Int, depth: Int)?
        var currentSegment = -1
        for line in table.split(separator: "\n", omittingEmptySubsequences: true) {
            let depth = line.prefix(while: { $0 == " " }).count
            let body = line.dropFirst(depth)
            guard let kind = body.first else { continue }
            let fields = body.dropFirst(2).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            switch kind {
            case "L", "S":
                while let top = stack.last, top.depth >= depth { stack.removeLast() }
                let parent = stack.last?.node ?? 0
                let isLoop = kind == "L"
                var node = Node(isLoop: isLoop, id: fields[0], name: fields[4], usage: Usage(rawValue: fields[1].first ?? "S") ?? .situational,
                                maxRepeat: Map837P.repeatLimit(fields[2]), pos: Int(fields[3]) ?? 0, parent: parent)
                if !isLoop {
                    let rules = fields[5].split(separator: " ").map { Map837P.syntaxRule(String($0)) }
                    node.segment = Segment(positions: [], syntax: rules.compactMap { $0 }, key: nil)
                }
                nodes.append(node)
                let index = nodes.count - 1
                nodes[parent].children.append(index)
                if isLoop { stack.append((depth, index)) } else { currentSegment = index }
                currentComposite = nil
            case "E":
                guard currentSegment > 0 else { continue }
                let element = Map837P.element(fields)
                if let composite = currentComposite, depth > composite.depth,
                   case .composite(var value) = nodes[currentSegment].segment!.positions[composite.position] {
                    value.components.append(element)
                    nodes[currentSegment].segment!.positions[composite.position] = .composite(value)
                } else {
                    nodes[currentSegment].segment!.positions.append(.element(element))
                    currentComposite = nil
                }
            case "C":
                guard currentSegment > 0 else { continue }
                nodes[currentSegment].segment!.positions.append(
                    .composite(Composite(seq: Int(fields[0]) ?? 0, usage: Usage(rawValue: fields[1].first ?? "S") ?? .situational,
                                         name: fields[2], components: [])))
                currentComposite = (nodes[currentSegment].segment!.positions.count - 1, depth)
            case "X":
                codeSets[fields[0]] = Set(fields[1].split(separator: " ").map(String.init))
            default:
                continue
            }
        }
        // pyx12's order: by position; at one position loops before segments, each in document order.
        let order = nodes.indices.map { (nodes[$0].pos, nodes[$0].isLoop ? 0 : 1, $0) }
        for index in nodes.indices {
            nodes[index].children.sort { order[$0] < order[$1] }
            if var segment = nodes[index].segment {
                segment.key = Map837P.uniqueKey(id: nodes[index].id, segment.positions)
                segment.requiredPositions = Set(segment.positions.indices.filter { position in
                    switch segment.positions[position] {
                    case .element(let element): element.usage == .required
                    case .composite(let composite): composite.usage == .required
                    }
                })
                nodes[index].segment = segment
            }
        }
        var counterIndex: [String: Int] = [:]
        assignCounters(0, path: "", into: &counterIndex)
        counterCount = counterIndex.count + 1
        loopNames = nodes.indices.map(computeLoopName)
        idCodes = nodes.map { $0.isLoop ? 0 : Map837P.segmentCode($0.id) }
        keys = nodes.map { node in node.segment?.key.map { SegmentKey(element: $0.element, component: $0.component, codes: $0.codes) } }
    }

    /// Counters are keyed by pyx12's node path: `…/2300/REF[G1]` for segments sharing a position
    /// (told apart by the first code of their qualifier), `…/2300/CLM` otherwise.
    private mutating func assignCounters(_ index: Int, path: String, into table: inout [String: Int]) {
        var name = nodes[index].id
        if !nodes[index].isLoop, index != 0 {
            let parent = nodes[index].parent
            let sharesPosition = nodes[parent].children.filter { nodes[$0].pos == nodes[index].pos }.count > 1
            if sharesPosition, let code = Map837P.keyFirstCode(id: name, nodes[index].segment?.positions ?? []) { name += "[\(code)]" }
        }
        let own = index == 0 ? "" : path + "/" + name
        if index != 0 {
            if let existing = table[own] { nodes[index].counter = existing } else {
                table[own] = table.count + 1
                nodes[index].counter = table.count
            }
        }
        for child in nodes[index].children { assignCounters(child, path: own, into: &table) }
        nodes[index].counterEnd = table.count + 1
    }

    static func repeatLimit(_ text: String) -> Int { Int(text) ?? Int.max }

    static func element(_ fields: [String]) -> Element {
        let codes = fields[6]
        return Element(seq: Int(fields[0]) ?? 0, dataElement: fields[1], type: DataType(rawValue: fields[2]) ?? .an,
                       minLength: Int(fields[3]) ?? 0, maxLength: Int(fields[4]) ?? Int.max,
                       usage: Usage(rawValue: fields[5].first ?? "S") ?? .situational,
                       codes: codes.hasPrefix("@") ? [] : Set(codes.split(separator: " ").map(String.init)),
                       firstCode: codes.hasPrefix("@") ? nil : codes.split(separator: " ").first.map(String.init),
                       externalCodes: codes.hasPrefix("@") ? String(codes.dropFirst()) : nil,
                       nineDigits: fields[7] == "[0-9]{9}", name: fields[8])
    }

    static func syntaxRule(_ text: String) -> SyntaxRule? {
        guard let kind = text.first, "PRCLE".contains(kind), text.count >= 5, (text.count - 1) % 2 == 0 else { return nil }
        let digits = Array(text.dropFirst())
        let positions = stride(from: 0, to: digits.count, by: 2).compactMap { Int(String(digits[$0...$0 + 1])) }
        return SyntaxRule(kind: kind, positions: positions, text: text)
    }

    /// pyx12's rule for telling same-id segments apart: a required ID element at 01 with codes,
    /// else an ID first component of a composite at 01 with codes, else (HL) the codes of HL03.
    static func uniqueKey(id: String, _ positions: [Position]) -> (element: Int, component: Int?, codes: Set<String>)? {
        if case .element(let first)? = positions.first, first.type == .id, first.usage == .required, !first.codes.isEmpty {
            return (0, nil, first.codes)
        }
        if case .composite(let first)? = positions.first, let component = first.components.first, component.type == .id, !component.codes.isEmpty {
            return (0, 0, component.codes)
        }
        if id == "HL", positions.count > 2, case .element(let level) = positions[2], !level.codes.isEmpty {
            return (2, nil, level.codes)
        }
        return nil
    }

    /// The first code of the element pyx12 guesses tells same-position segments apart (its
    /// `guess_unique_key_id_element`: like `uniqueKey`, but the element at 01 need not be required).
    static func keyFirstCode(id: String, _ positions: [Position]) -> String? {
        if case .element(let first)? = positions.first, first.type == .id, !first.codes.isEmpty { return first.firstCode }
        if case .composite(let first)? = positions.first, let component = first.components.first, component.type == .id, !component.codes.isEmpty {
            return component.firstCode
        }
        if id == "HL", positions.count > 2, case .element(let level) = positions[2], !level.codes.isEmpty { return level.firstCode }
        return nil
    }

    /// Does a segment read from a file match this segment node (id, then its qualifier)?
    func matches(_ index: Int, _ segment: X12Segment, code: UInt32) -> Bool {
        guard idCodes[index] == code, !nodes[index].isLoop else { return false }
        guard let key = keys[index] else { return true }
        let element = segment[key.element + 1]
        let value: String
        if let component = key.component {
            let components = element?.components ?? []
            value = component < components.count ? components[component] : ""
        } else {
            value = element?.value ?? ""
        }
        return key.codes.contains(value)
    }

    func isRoot(_ index: Int) -> Bool { index == 0 }

    /// The closest enclosing loop of a node (the root for the interchange loop).
    func parentLoop(_ index: Int) -> Int { index == 0 ? 0 : nodes[index].parent }

    /// Each node's segment id as a number (`segmentCode`), and its qualifier key: compared for every
    /// segment read, so kept apart from the nodes (no copy of a node per comparison).
    private(set) var idCodes: [UInt32] = []
    private(set) var keys: [SegmentKey?] = []

    final class SegmentKey: Sendable {
        let element: Int
        let component: Int?
        let codes: Set<String>
        init(element: Int, component: Int?, codes: Set<String>) { self.element = element; self.component = component; self.codes = codes }
    }

    /// Up to three ASCII bytes of a segment id packed in a number: ids compare as one integer.
    static func segmentCode(_ id: String) -> UInt32 {
        var code: UInt32 = 0
        for byte in id.utf8.prefix(4) { code = code << 8 | UInt32(byte) }
        return code
    }

    /// The loop path of every node, worked out once (a finding names it; every segment may need it).
    private(set) var loopNames: [String] = []

    /// The loop path of a node, for messages: `2000B/2300`.
    func loopName(_ index: Int) -> String { loopNames[index] }

    private func computeLoopName(_ index: Int) -> String {
        var names: [String] = []
        var current = nodes[index].isLoop ? index : nodes[index].parent
        while current > 0 {
            let id = nodes[current].id
            if !id.hasSuffix("_LOOP") && id != "HEADER" && id != "DETAIL" && id != "FOOTER" { names.append(id) }
            current = nodes[current].parent
        }
        return names.reversed().joined(separator: "/")
    }
}
