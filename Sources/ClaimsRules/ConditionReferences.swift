import Foundation
import Yams

/// A named condition as written: where its name is, and every `ref:` inside it with its position.
struct NamedConditionSource {
    struct Reference {
        var target: String
        var node: Node
    }

    var name: String
    var file: String
    var key: Node
    var references: [Reference]

    /// The `ref:` values inside `value`, in document order (nesting is bounded by `YAMLLimits.maximumDepth`).
    init(name: String, file: String, key: Node, value: Node) {
        self.name = name; self.file = file; self.key = key
        var found: [Reference] = []
        func walk(_ node: Node) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    if key.string == "ref", case .scalar = value, let target = value.string {
                        found.append(Reference(target: target, node: value))
                    } else {
                        walk(value)
                    }
                }
            case .sequence(let sequence):
                for item in sequence { walk(item) }
            default:
                break
            }
        }
        walk(value)
        references = found
    }

    /// Named conditions of a `conditions:` mapping, in document order.
    static func all(in members: [String: (key: Node, value: Node)], file: String) -> [NamedConditionSource] {
        members.map { NamedConditionSource(name: $0.key, file: file, key: $0.value.key, value: $0.value.value) }
            .sorted { ($0.key.mark?.line ?? 0, $0.key.mark?.column ?? 0) < ($1.key.mark?.line ?? 0, $1.key.mark?.column ?? 0) }
    }
}

/// Checks the `ref:` graph of the named conditions one file sees: every reference known, no cycle
/// (the evaluator would follow it until its depth guard and then call the condition unknown), and no
/// chain longer than `maximumChain`. Problems are reported in `file` only, at the reference that
/// causes them; a problem wholly inside the shared file is reported once, when the shared file is read.
enum ConditionReferences {
    /// References followed one after another; the evaluator gives up at 32, a rule's `when` adds one.
    static let maximumChain = 16

    /// `own`: the file's conditions; `inherited`: the shared file's, visible unless shadowed by `own`.
    static func check(own: [NamedConditionSource], inherited: [NamedConditionSource], _ reader: inout YAMLNodeReader) {
        let file = reader.file
        var visible: [String: NamedConditionSource] = [:]
        for source in inherited { visible[source.name] = source }
        for source in own { visible[source.name] = source }

        for source in own {
            for reference in source.references where visible[reference.target] == nil {
                let known = visible.keys.sorted().joined(separator: ", ")
                reader.report(reference.node, "condition '\(source.name)' refers to unknown condition '\(reference.target)'; define it under conditions (known: \(known))")
            }
        }

        // Depth-first search without recursion (a chain may be as long as the file allows).
        enum State { case onPath, done }
        var state: [String: State] = [:]
        var longest: [String: (length: Int, next: String?)] = [:]
        var reportedCycles: Set<Set<String>> = []
        var cycleFound = false
        let starts = own.map(\.name) + inherited.map(\.name).filter { name in !own.contains { $0.name == name } }
        for start in starts where state[start] == nil {
            // The path: each condition and the index of the next reference to follow from it.
            var path: [(name: String, index: Int)] = [(start, 0)]
            state[start] = .onPath
            while let (name, index) = path.last {
                let references = visible[name]?.references ?? []
                guard index < references.count else {
                    path.removeLast()
                    state[name] = .done
                    let best = references.compactMap { ref in longest[ref.target].map { (length: $0.length + 1, next: Optional(ref.target)) } }
                        .max { $0.length < $1.length }
                    longest[name] = best ?? (0, nil)
                    continue
                }
                path[path.count - 1].index += 1
                let reference = references[index]
                guard visible[reference.target] != nil else { continue }
                switch state[reference.target] {
                case .onPath?:
                    cycleFound = true
                    let first = path.firstIndex { $0.name == reference.target }!
                    let members = path[first...].map(\.name)
                    // The references along the cycle, in order (the last is the one just met), with their files.
                    let edges = path[first...].map { step in
                        (reference: visible[step.name]!.references[step.index - 1], file: visible[step.name]!.file)
                    }
                    guard reportedCycles.insert(Set(members)).inserted,
                          let closing = edges.lastIndex(where: { $0.file == file }) else { continue }
                    let from = path[first + closing].name
                    let description = (members + [reference.target]).joined(separator: " → ")
                    if members.count == 1 {
                        reader.report(edges[closing].reference.node, "condition '\(from)' refers to itself; a condition cannot depend on itself — remove this reference")
                    } else {
                        reader.report(edges[closing].reference.node, "condition '\(from)' refers to '\(edges[closing].reference.target)', which closes a cycle: \(description); a condition cannot depend on itself — remove or change one of these references")
                    }
                case .done?:
                    continue
                case nil:
                    state[reference.target] = .onPath
                    path.append((reference.target, 0))
                }
            }
        }

        guard !cycleFound else { return }
        let deepest = own.compactMap { source in longest[source.name].map { (source, $0.length) } }.max { $0.1 < $1.1 }
        if let (source, length) = deepest, length > maximumChain {
            var chain = [source.name]
            while let next = longest[chain.last!]?.next, chain.count <= length { chain.append(next) }
            let shown = chain.count > 6 ? chain.prefix(3).joined(separator: " → ") + " → … → " + chain.suffix(2).joined(separator: " → ")
                : chain.joined(separator: " → ")
            reader.report(source.key, "condition '\(source.name)' is \(length) references deep (\(shown)); at most \(maximumChain) levels of `ref:` are followed — refer to the conditions further down directly")
        }
    }
}
