extension X12Document {
    /// Envelope consistency, as receivers check it before anything else: ISA/IEA, GS/GE and ST/SE
    /// nest and pair up; ISA13 = IEA02, GS06 = GE02, ST02 = SE02; IEA01 counts the groups, GE01
    /// the transaction sets, SE01 the segments from ST to SE inclusive. Empty when all hold.
    public func envelopeProblems() -> [X12Error] {
        var problems: [X12Error] = []
        var interchange: (number: Int, control: String, groups: Int)?
        var group: (number: Int, control: String, sets: Int)?
        var transaction: (number: Int, control: String, segments: Int)?

        func problem(_ message: String, _ number: Int, _ element: Int? = nil) {
            problems.append(X12Error(message, segmentNumber: number, elementPosition: element))
        }
        func count(_ segment: X12Segment, _ position: Int) -> Int? { Int(segment.value(position)) }

        for (index, segment) in segments.enumerated() {
            let number = index + 1
            if transaction != nil { transaction!.segments += 1 }
            switch segment.id {
            case "ISA":
                if let open = interchange { problem("ISA before the IEA closing the interchange of segment \(open.number)", number) }
                if transaction != nil || group != nil { problem("ISA inside an open GS or ST", number) }
                interchange = (number, segment.value(13), 0); group = nil; transaction = nil
            case "IEA":
                guard let open = interchange else { problem("IEA without an ISA", number); continue }
                if group != nil { problem("IEA before the GE closing the group", number) }
                if count(segment, 1) != open.groups {
                    problem("IEA01 is '\(segment.value(1))' but the interchange holds \(open.groups) functional group(s)", number, 1)
                }
                if segment.value(2) != open.control {
                    problem("IEA02 '\(segment.value(2))' does not match ISA13 '\(open.control)'", number, 2)
                }
                interchange = nil
            case "GS":
                if interchange == nil { problem("GS outside an ISA/IEA interchange", number) }
                if let open = group { problem("GS before the GE closing the group of segment \(open.number)", number) }
                group = (number, segment.value(6), 0)
                interchange?.groups += 1
            case "GE":
                guard let open = group else { problem("GE without a GS", number); continue }
                if transaction != nil { problem("GE before the SE closing the transaction set", number) }
                if count(segment, 1) != open.sets {
                    problem("GE01 is '\(segment.value(1))' but the group holds \(open.sets) transaction set(s)", number, 1)
                }
                if segment.value(2) != open.control {
                    problem("GE02 '\(segment.value(2))' does not match GS06 '\(open.control)'", number, 2)
                }
                group = nil
            case "ST":
                if group == nil { problem("ST outside a GS/GE group", number) }
                if let open = transaction { problem("ST before the SE closing the transaction set of segment \(open.number)", number) }
                transaction = (number, segment.value(2), 1)
                group?.sets += 1
            case "SE":
                guard let open = transaction else { problem("SE without an ST", number); continue }
                if count(segment, 1) != open.segments {
                    problem("SE01 is '\(segment.value(1))' but the transaction set has \(open.segments) segments from ST to SE", number, 1)
                }
                if segment.value(2) != open.control {
                    problem("SE02 '\(segment.value(2))' does not match ST02 '\(open.control)'", number, 2)
                }
                transaction = nil
            case "TA1":
                break  // an interchange acknowledgment may sit between ISA and GS
            default:
                if transaction == nil { problem("\(segment.id) outside an ST/SE transaction set", number) }
            }
        }
        if let open = transaction { problem("the transaction set opened by ST is never closed by SE", open.number) }
        if let open = group { problem("the group opened by GS is never closed by GE", open.number) }
        if let open = interchange { problem("the interchange opened by ISA is never closed by IEA", open.number) }
        return problems
    }
}
