/// Finds where each segment belongs in the 837P map, the way pyx12's `walk_tree` does (so the two
/// agree on what is out of place): from the current segment, the later positions of its loop, then
/// the loops it may open, then the enclosing loops outwards. On the way it notes required segments
/// and loops that were passed over, segments and loops past their repeat limit, and "not used" ones.
struct MapWalker837P {
    struct StructureProblem {
        enum Kind { case segmentNotFound, segmentMissing, loopMissing, segmentRepeat, loopRepeat, segmentNotUsed, loopNotUsed }
        var kind: Kind
        /// The map node the problem is about (the missing segment or loop, the over-repeated one).
        var node: Int
    }

    let map: Map837P
    private var counts: [Int]
    /// Required segments and loops passed over, kept until the walk has moved past their position
    /// (a later segment at the same position may still satisfy them).
    private var pendingMissing: [StructureProblem] = []
    private var problems: [StructureProblem] = []

    init(map: Map837P) {
        self.map = map
        counts = Array(repeating: 0, count: map.counterCount)
    }

    /// The map node of `segment`, starting from `current`, and the problems met on the way.
    /// nil when the segment fits nowhere (the current node stays as it was).
    mutating func walk(from current: Int, _ segment: X12SegmentView) -> (node: Int?, problems: [StructureProblem]) {
        pendingMissing = []; problems = []
        var loop = map.nodes[current].isLoop ? current : map.parentLoop(current)
        var position = map.nodes[current].pos
        while true {
            if let found = scan(loop, from: position, segment, original: current) { return (found, problems) }
            if map.isRoot(loop) {
                problems.append(StructureProblem(kind: .segmentNotFound, node: current))
                return (nil, problems)
            }
            position = map.nodes[loop].pos
            loop = map.parentLoop(loop)
        }
    }

    /// A new interchange or group: its loop starts over (pyx12 `forceWalkCounterToLoopStart`).
    mutating func restart(loop: Int, first segment: Int) {
        reset(below: loop)
        counts[map.nodes[loop].counter] += 1
        counts[map.nodes[segment].counter] += 1
    }

    private mutating func scan(_ loop: Int, from position: Int, _ segment: X12SegmentView, original: Int) -> Int? {
        for child in map.nodes[loop].children where map.nodes[child].pos >= position {
            if map.nodes[child].isLoop {
                if isLoopMatch(child, segment) { return enter(child, segment) }
                continue
            }
            if map.matches(child, segment) {
                // The first segment of the loop being scanned: the loop repeats.
                if !map.isRoot(loop), isLoopMatch(loop, segment) {
                    return enter(loop, segment)
                }
                counts[map.nodes[child].counter] += 1
                checkSegmentUsage(child)
                pendingMissing.removeAll { $0.node == child }
                flushMissing(keepingPosition: map.nodes[child].pos)
                return child
            }
            if map.nodes[child].usage == .required && counts[map.nodes[child].counter] < 1 {
                pendingMissing.append(StructureProblem(kind: .segmentMissing, node: child))
            }
        }
        return nil
    }

    /// Does `segment` open `loop` (its first segment, or for a loop that only wraps loops, one of them)?
    private mutating func isLoopMatch(_ loop: Int, _ segment: X12SegmentView) -> Bool {
        guard let first = map.nodes[loop].children.first else { return false }
        if map.nodes[first].isLoop {
            var matched = false
            for child in map.nodes[loop].children where map.nodes[child].isLoop {
                if isLoopMatch(child, segment) { matched = true; break }
            }
            return matched
        }
        if map.matches(first, segment) { return true }
        if map.nodes[loop].usage == .required && counts[map.nodes[loop].counter] < 1 {
            pendingMissing.append(StructureProblem(kind: .loopMissing, node: loop))
        }
        return false
    }

    /// Enters `loop` (and the wrapped loops down to the one `segment` opens): counts it, starts its
    /// children's counts over.
    private mutating func enter(_ loop: Int, _ segment: X12SegmentView) -> Int? {
        if let first = map.nodes[loop].children.first, !map.nodes[first].isLoop, map.matches(first, segment) {
            checkLoopUsage(loop)
            counts[map.nodes[first].counter] += 1
            flushMissing(keepingPosition: nil)
            return first
        }
        for child in map.nodes[loop].children where map.nodes[child].isLoop {
            if let found = enter(child, segment) { return found }
        }
        return nil
    }

    private mutating func checkSegmentUsage(_ node: Int) {
        if map.nodes[node].usage == .notUsed {
            problems.append(StructureProblem(kind: .segmentNotUsed, node: node))
        } else if counts[map.nodes[node].counter] > map.nodes[node].maxRepeat {
            problems.append(StructureProblem(kind: .segmentRepeat, node: node))
        }
    }

    private mutating func checkLoopUsage(_ loop: Int) {
        if map.nodes[loop].usage == .notUsed {
            problems.append(StructureProblem(kind: .loopNotUsed, node: loop))
            return
        }
        reset(below: loop)
        counts[map.nodes[loop].counter] += 1
        if counts[map.nodes[loop].counter] > map.nodes[loop].maxRepeat {
            problems.append(StructureProblem(kind: .loopRepeat, node: loop))
        }
    }

    private mutating func reset(below loop: Int) {
        let node = map.nodes[loop]
        for index in (node.counter + 1)..<max(node.counter + 1, node.counterEnd) { counts[index] = 0 }
    }

    /// Reports the passed-over required segments and loops, except those at `position`.
    private mutating func flushMissing(keepingPosition position: Int?) {
        var kept: [StructureProblem] = []
        for missing in pendingMissing {
            let missingPosition = map.nodes[missing.kind == .loopMissing ? (map.nodes[missing.node].children.first ?? missing.node) : missing.node].pos
            if missingPosition == position { kept.append(missing) } else { problems.append(missing) }
        }
        pendingMissing = kept
    }

    /// How many times the segment at map node `node` was counted in its current loop.
    func count(_ node: Int) -> Int { counts[map.nodes[node].counter] }
}
