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
        let codes: X12CodeSet
        /// The codes in the guide's order; the first names same-position segments in pyx12 (`REF[G1]`).
        let codeList: [String]
        /// The name of an external code set (`pos`, `states`, …), from `Map837P.codeSets`.
        let externalCodes: String?
        let externalCodeSet: X12CodeSet?
        /// The only pattern the guide uses: exactly nine digits (an SSN or EIN).
        let nineDigits: Bool
        let name: String
        /// Data element 1250 (a date-time format qualifier) and 1251 (a date-time in that format).
        let isFormatQualifier: Bool
        let isFormatted: Bool

        init(seq: Int, dataElement: String, type: DataType, minLength: Int, maxLength: Int, usage: Usage, codeList: [String],
             externalCodes: String?, externalCodeSet: X12CodeSet?, nineDigits: Bool, name: String) {
            self.seq = seq; self.dataElement = dataElement; self.type = type; self.minLength = minLength; self.maxLength = maxLength
            self.usage = usage; self.codes = X12CodeSet(codeList); self.codeList = codeList
            self.externalCodes = externalCodes; self.externalCodeSet = externalCodeSet
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
        enum Kind: Character, Sendable { case allOrNone = "P", atLeastOne = "R", ifFirstThenAll = "C", ifFirstThenOne = "L", atMostOne = "E" }
        var kind: Kind
        var positions: [Int]
        var text: String
    }

    /// A class: read for every segment of a file, so handing it over is one reference count.
    final class Segment: Sendable {
        let positions: [Position]
        /// By position: required (checked even when the segment stops before it).
        let isRequired: [Bool]
        let syntax: [SyntaxRule]
        /// Where the qualifier that tells same-id segments apart sits (pyx12's "unique key"):
        /// element index, component index (composites), and its codes.
        let key: (element: Int, component: Int?, codes: X12CodeSet)?

        init(id: String, positions: [Position], syntax: [SyntaxRule]) {
            self.positions = positions; self.syntax = syntax
            key = Map837P.uniqueKey(id: id, positions)
            isRequired = positions.map { position in
                switch position {
                case .element(let element): element.usage == .required
                case .composite(let composite): composite.usage == .required
                }
            }
        }
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
        let lines = Map837P.lines(of: table)
        // The external code sets first, so that each element is built with its own.
        for line in lines where line.kind == UInt8(ascii: "X") {
            codeSets[line.fields[0]] = Set(Map837P.words(line.fields[1]))
        }
        let externalCodeSets = codeSets.mapValues { X12CodeSet($0) }
        var stack: [(depth: Int, node: Int)] = [(-1, 0)]
        // The composite being filled and the depth of its line: deeper element lines are its components.
        var currentComposite: (position: Int, depth: Int)?
        var currentSegment = -1
        // The positions and syntax notes of each segment node, as its lines are read.
        var segmentParts: [Int: (positions: [Position], syntax: [SyntaxRule])] = [:]
        for (depth, kind, fields) in lines {
            switch kind {
            case UInt8(ascii: "L"), UInt8(ascii: "S"):
                while let top = stack.last, top.depth >= depth { stack.removeLast() }
                let parent = stack.last?.node ?? 0
                let isLoop = kind == UInt8(ascii: "L")
                let node = Node(isLoop: isLoop, id: fields[0], name: fields[4], usage: Usage(rawValue: fields[1].first ?? "S") ?? .situational,
                                maxRepeat: Int(fields[2]) ?? Int.max, pos: Int(fields[3]) ?? 0, parent: parent)
                nodes.append(node)
                let index = nodes.count - 1
                if !isLoop { segmentParts[index] = ([], Map837P.words(fields[5]).compactMap(Map837P.syntaxRule)) }
                nodes[parent].children.append(index)
                if isLoop { stack.append((depth, index)) } else { currentSegment = index }
                currentComposite = nil
            case UInt8(ascii: "E"):
                guard currentSegment > 0 else { continue }
                let element = Map837P.element(fields, codeSets: externalCodeSets)
                if let composite = currentComposite, depth > composite.depth,
                   case .composite(var value) = segmentParts[currentSegment]!.positions[composite.position] {
                    value.components.append(element)
                    segmentParts[currentSegment]!.positions[composite.position] = .composite(value)
                } else {
                    segmentParts[currentSegment]!.positions.append(.element(element))
                    currentComposite = nil
                }
            case UInt8(ascii: "C"):
                guard currentSegment > 0 else { continue }
                segmentParts[currentSegment]!.positions.append(
                    .composite(Composite(seq: Int(fields[0]) ?? 0, usage: Usage(rawValue: fields[1].first ?? "S") ?? .situational,
                                         name: fields[2], components: [])))
                currentComposite = (segmentParts[currentSegment]!.positions.count - 1, depth)
            default:
                continue
            }
        }
        for (index, parts) in segmentParts {
            nodes[index].segment = Segment(id: nodes[index].id, positions: parts.positions, syntax: parts.syntax)
        }
        // pyx12's order: by position; at one position loops before segments, each in document order.
        let order = nodes.indices.map { (nodes[$0].pos, nodes[$0].isLoop ? 0 : 1, $0) }
        for index in nodes.indices { nodes[index].children.sort { order[$0] < order[$1] } }
        var counterIndex: [CounterKey: Int] = [:]
        assignCounters(0, into: &counterIndex)
        counterCount = counterIndex.count + 1
        loopNames = nodes.indices.map(computeLoopName)
        idCodes = nodes.map { $0.isLoop ? 0 : X12SegmentView.code($0.id) }
        keyPositions = nodes.map { node in node.segment?.key.map { (element: $0.element + 1, component: $0.component) } }
        keyCodes = nodes.map { $0.segment?.key?.codes ?? X12CodeSet([]) }
        isClaimLevel = loopNames.map { $0.hasSuffix("2300") }
    }

    /// A node's path in pyx12 (`…/2300/REF[G1]`) as its parent's counter and its own name: nodes
    /// with the same path have the same parent path, so the parent's counter stands for it.
    private struct CounterKey: Hashable {
        var parentCounter: Int
        var name: String
    }

    /// Counters are keyed by pyx12's node path: `…/2300/REF[G1]` for segments sharing a position
    /// (told apart by the first code of their qualifier), `…/2300/CLM` otherwise.
    private mutating func assignCounters(_ index: Int, into table: inout [CounterKey: Int]) {
        if index != 0 {
            var name = nodes[index].id
            let parent = nodes[index].parent
            if !nodes[index].isLoop {
                var samePosition = 0
                for sibling in nodes[parent].children where nodes[sibling].pos == nodes[index].pos { samePosition += 1 }
                if samePosition > 1, let code = Map837P.keyFirstCode(id: name, nodes[index].segment?.positions ?? []) { name += "[\(code)]" }
            }
            let key = CounterKey(parentCounter: nodes[parent].counter, name: name)
            if let existing = table[key] { nodes[index].counter = existing } else {
                table[key] = table.count + 1
                nodes[index].counter = table.count
            }
        }
        for child in nodes[index].children { assignCounters(child, into: &table) }
        nodes[index].counterEnd = table.count + 1
    }

    static func element(_ fields: [String], codeSets: [String: X12CodeSet]) -> Element {
        let codes = fields[6]
        let external = codes.hasPrefix("@") ? String(codes.dropFirst()) : nil
        return Element(seq: Int(fields[0]) ?? 0, dataElement: fields[1], type: DataType(rawValue: fields[2]) ?? .an,
                       minLength: Int(fields[3]) ?? 0, maxLength: Int(fields[4]) ?? Int.max,
                       usage: Usage(rawValue: fields[5].first ?? "S") ?? .situational,
                       codeList: external != nil ? [] : Map837P.words(codes),
                       externalCodes: external, externalCodeSet: external.flatMap { codeSets[$0] },
                       nineDigits: fields[7] == "[0-9]{9}", name: fields[8])
    }

    static func syntaxRule(_ text: String) -> SyntaxRule? {
        guard let kind = text.first.flatMap(SyntaxRule.Kind.init), text.count >= 5, (text.count - 1) % 2 == 0 else { return nil }
        let digits = Array(text.dropFirst())
        let positions = stride(from: 0, to: digits.count, by: 2).compactMap { Int(String(digits[$0...$0 + 1])) }
        return SyntaxRule(kind: kind, positions: positions, text: text)
    }

    /// pyx12's rule for telling same-id segments apart: a required ID element at 01 with codes,
    /// else an ID first component of a composite at 01 with codes, else (HL) the codes of HL03.
    static func uniqueKey(id: String, _ positions: [Position]) -> (element: Int, component: Int?, codes: X12CodeSet)? {
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
        if case .element(let first)? = positions.first, first.type == .id, !first.codes.isEmpty { return first.codeList.first }
        if case .composite(let first)? = positions.first, let component = first.components.first, component.type == .id, !component.codes.isEmpty {
            return component.codeList.first
        }
        if id == "HL", positions.count > 2, case .element(let level) = positions[2], !level.codes.isEmpty { return level.codeList.first }
        return nil
    }

    /// Does a segment read from a file match this segment node (id, then its qualifier)?
    func matches(_ index: Int, _ segment: X12SegmentView) -> Bool {
        guard idCodes[index] == segment.idCode, !nodes[index].isLoop else { return false }
        guard let key = keyPositions[index] else { return true }
        guard let element = segment[key.element] else { return false }  // no code is empty
        return keyCodes[index].contains(key.component.map(element.component) ?? element.value)
    }

    func isRoot(_ index: Int) -> Bool { index == 0 }

    /// The closest enclosing loop of a node (the root for the interchange loop).
    func parentLoop(_ index: Int) -> Int { index == 0 ? 0 : nodes[index].parent }

    /// Each node's segment id as a number (`X12SegmentView.code`), and its qualifier key (element
    /// position, component index, codes): compared for every segment read, so kept apart from the
    /// nodes in plain arrays (no copy of a node, no reference count per comparison).
    private(set) var idCodes: [UInt32] = []
    private(set) var keyPositions: [(element: Int, component: Int?)?] = []
    private(set) var keyCodes: [X12CodeSet] = []

    /// By node: placed in (or under) a claim's loop 2300.
    private(set) var isClaimLevel: [Bool] = []

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
