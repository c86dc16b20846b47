/// The element checks of the guide for one placed segment, as pyx12 makes them: too many elements
/// or components, required ones missing, "not used" ones present, length, X12 character set,
/// numbers, dates and times, code lists (inline and external), the nine-digit pattern and the
/// segment's syntax notes (P/R/C/L/E).
struct ElementChecks837P {
    let map: Map837P

    /// A problem with one element: its reference (`CLM05-3`), the rule and the message.
    struct Problem {
        var element: String?
        var rule: String
        var message: String
    }

    func check(_ node: Int, _ segment: X12Segment) -> [Problem] {
        guard let spec = map.nodes[node].segment else { return [] }
        var problems: [Problem] = []
        let id = segment.id
        let positions = spec.positions
        if segment.elements.count > positions.count {
            problems.append(Problem(element: X12Finding.reference(id, positions.count + 1), rule: "x12/element-count",
                                    message: "\(id) has \(segment.elements.count) elements; the guide defines \(positions.count). Remove the extra elements"))
        }
        var formatQualifiers: [String] = []
        var dateFormat: String?
        let isDTP = id == "DTP"
        let present = segment.elements.count
        for index in positions.indices {
            // Absent elements matter only when required (most positions of most segments are absent).
            if index >= present && !spec.requiredPositions.contains(index) { continue }
            let data = index < present ? segment.elements[index] : nil
            switch positions[index] {
            case .composite(let composite):
                checkComposite(composite, data, id: id, into: &problems)
            case .element(let element):
                let value = data?.value ?? ""
                if isDTP && index == 1 && Self.dateFormats.contains(value) { dateFormat = value }
                if element.isFormatQualifier { formatQualifiers += element.codes }
                var formats: [String] = []
                if isDTP && index == 2 { formats = dateFormat.map { [$0] } ?? [] }
                else if element.isFormatted { formats = formatQualifiers }
                if let data, !data.isSimple, data.repetitionCount > 1 || data.components.count > 1 {
                    problems.append(Problem(element: X12Finding.reference(id, index + 1), rule: "x12/element-type",
                                            message: "\(X12Finding.reference(id, index + 1)) (\(element.name)) is a simple element but holds components or repetitions ('\(data)'); remove the component separators"))
                    continue
                }
                checkValue(element, value, reference: X12Finding.reference(id, index + 1), formats: formats, into: &problems)
            }
        }
        for rule in spec.syntax {
            if let message = Self.syntaxProblem(rule, segment) {
                problems.append(Problem(element: X12Finding.reference(id, rule.positions[0]), rule: "x12/syntax-note", message: message))
            }
        }
        return problems
    }

    private func checkComposite(_ composite: Map837P.Composite, _ data: X12Element?, id: String, into problems: inout [Problem]) {
        let components = data?.components ?? []
        // Built only when needed: most elements are fine, and this runs for every element of the file.
        var reference: String { X12Finding.reference(id, composite.seq) }
        let present = components.contains { !$0.isEmpty }
        if !present {
            if composite.usage == .required {
                problems.append(Problem(element: reference, rule: "x12/element-missing",
                                        message: "\(reference) (\(composite.name)) is required but missing"))
            }
            return
        }
        if composite.usage == .notUsed {
            problems.append(Problem(element: reference, rule: "x12/element-not-used",
                                    message: "\(reference) (\(composite.name)) is not used in 005010X222A1; remove it"))
            return
        }
        if let data, data.repetitionCount > 1 {
            problems.append(Problem(element: reference, rule: "x12/element-type",
                                    message: "\(reference) (\(composite.name)) repeats; the guide allows one occurrence"))
        }
        if components.count > composite.components.count {
            problems.append(Problem(element: reference, rule: "x12/element-count",
                                    message: "\(reference) has \(components.count) components; the guide defines \(composite.components.count). Remove the extra ones"))
        }
        for (index, element) in composite.components.enumerated() {
            let value = index < components.count ? components[index] : ""
            checkValue(element, value, reference: X12Finding.reference(id, composite.seq, index + 1), formats: [], into: &problems)
        }
    }

    private func checkValue(_ element: Map837P.Element, _ value: String, reference: @autoclosure () -> String, formats: [String],
                            into problems: inout [Problem]) {
        func fail(_ rule: String, _ message: String) {
            let reference = reference()
            problems.append(Problem(element: reference, rule: rule, message: "\(reference) (\(element.name)) \(message)"))
        }
        if value.isEmpty {
            if element.usage == .required { fail("x12/element-missing", "is required but missing") }
            return
        }
        if element.usage == .notUsed { fail("x12/element-not-used", "is not used in 005010X222A1; remove '\(Self.quote(value))'"); return }
        let bytes = value.utf8
        let numeric = element.type == .r || element.type == .n0 || element.type == .n2
        let ascii = bytes.allSatisfy { $0 < 0x80 }
        let length = numeric ? bytes.reduce(0) { $0 + ($1 == 0x2D || $1 == 0x2E ? 0 : 1) } : (ascii ? bytes.count : value.unicodeScalars.count)
        if length < element.minLength {
            fail("x12/element-length", "'\(Self.quote(value))' has \(length) characters; it takes at least \(element.minLength)")
        } else if length > element.maxLength {
            fail("x12/element-length", "'\(Self.quote(value))' has \(length) characters; it takes at most \(element.maxLength)")
        }
        if let bad = bytes.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            fail("x12/element-character", "contains the control character \(X12Delimiters.describe(Unicode.Scalar(bad))); remove it")
            return
        }
        if (element.type == .an || element.type == .id), bytes.last == 0x20,
           value.reversed().drop(while: { $0 == " " }).count >= element.minLength {
            fail("x12/element-character", "'\(Self.quote(value))' ends with spaces; remove them")
        }
        if !element.codes.isEmpty || element.externalCodes != nil {
            let known = element.codes.contains(value) || element.externalCodes.flatMap { map.codeSets[$0] }?.contains(value) == true
            if !known {
                let list = element.codes.count <= 12 && !element.codes.isEmpty ? ": use one of " + element.codes.sorted().joined(separator: ", ") : ""
                fail("x12/element-code", "'\(Self.quote(value))' is not a valid code\(list.isEmpty ? (element.externalCodes.map { " (code list \($0))" } ?? "") : list)")
            }
        }
        switch element.type {
        case .n0, .n2:
            if !Self.isInteger(bytes) { fail("x12/element-type", "'\(Self.quote(value))' is not a whole number (digits, an optional leading '-')") }
        case .r:
            if !Self.isDecimal(bytes) { fail("x12/element-type", "'\(Self.quote(value))' is not a decimal number (digits with an optional '.' and leading '-')") }
        case .dt:
            if !X12DateTime.isDate(value) { fail("x12/element-date", "'\(Self.quote(value))' is not a real date (CCYYMMDD)") }
        case .tm:
            if !X12DateTime.isTime(value) { fail("x12/element-time", "'\(Self.quote(value))' is not a time (HHMM, HHMMSS or HHMMSSDD)") }
        case .an, .id:
            if !ascii, let bad = value.unicodeScalars.first(where: { !Self.isExtendedCharacter($0) }) {
                fail("x12/element-character", "'\(Self.quote(value))' contains '\(Self.quote(String(bad)))', outside the X12 extended character set")
            }
        }
        if !formats.isEmpty && !formats.contains(where: { X12DateTime.matches(value, format: $0) }) {
            fail(formats.contains("TM") ? "x12/element-time" : "x12/element-date",
                 "'\(Self.quote(value))' is not a real date in the format \(formats.joined(separator: "/")) (D8: CCYYMMDD, RD8: CCYYMMDD-CCYYMMDD)")
        }
        if element.nineDigits && !(bytes.count >= 9 && Self.containsNineDigits(bytes)) {
            fail("x12/element-pattern", "'\(Self.quote(value))' must hold 9 digits (an EIN or SSN without hyphens)")
        }
    }

    static let dateFormats: Set<String> = ["RD8", "D8", "D6", "DT", "TM"]

    static func syntaxProblem(_ rule: Map837P.SyntaxRule, _ segment: X12Segment) -> String? {
        var count = 0
        for position in rule.positions where !(segment[position]?.isEmpty ?? true) { count += 1 }
        let firstPresent = !(segment[rule.positions[0]]?.isEmpty ?? true)
        let broken: Bool
        switch rule.kind {
        case "P": broken = count != 0 && count != rule.positions.count
        case "R": broken = count == 0
        case "E": broken = count > 1
        case "C": broken = firstPresent && count != rule.positions.count
        case "L": broken = firstPresent && count == 1
        default: broken = false
        }
        guard broken else { return nil }
        let present = rule.positions.map { !(segment[$0]?.isEmpty ?? true) }
        let names = rule.positions.map { X12Finding.reference(segment.id, $0) }
        switch rule.kind {
        case "P" where count != 0 && count != present.count:
            return "syntax note \(rule.text): \(names.joined(separator: ", ")) go together; give all of them or none"
        case "R" where count == 0:
            return "syntax note \(rule.text): at least one of \(names.joined(separator: ", ")) is required"
        case "E" where count > 1:
            return "syntax note \(rule.text): at most one of \(names.joined(separator: ", ")) may be given"
        case "C" where present[0] && count != present.count:
            return "syntax note \(rule.text): when \(names[0]) is given, \(names.dropFirst().joined(separator: ", ")) must be given too"
        case "L" where present[0] && count == 1:
            return "syntax note \(rule.text): when \(names[0]) is given, at least one of \(names.dropFirst().joined(separator: ", ")) must be given"
        default:
            return nil
        }
    }

    static func isInteger(_ bytes: String.UTF8View) -> Bool {
        var digits = bytes[...]
        if digits.first == 0x2D { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// pyx12's R: `-?[0-9]*(\.[0-9]+)?`, whole.
    static func isDecimal(_ bytes: String.UTF8View) -> Bool {
        var rest = bytes[...]
        if rest.first == 0x2D { rest = rest.dropFirst() }
        let whole = rest.prefix { $0 >= 0x30 && $0 <= 0x39 }
        rest = rest.dropFirst(whole.count)
        if rest.isEmpty { return true }
        guard rest.first == 0x2E else { return false }
        let fraction = rest.dropFirst()
        return !fraction.isEmpty && fraction.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func containsNineDigits(_ bytes: String.UTF8View) -> Bool {
        var run = 0
        for byte in bytes {
            run = byte >= 0x30 && byte <= 0x39 ? run + 1 : 0
            if run >= 9 { return true }
        }
        return false
    }

    /// The X12 extended set as pyx12 accepts it for 5010 (`^` and backtick included).
    static func isExtendedCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII, scalar.value >= 0x20, scalar.value < 0x7F else { return false }
        return true
    }

    /// Input quoted in a message: control characters visible, at most 80 characters.
    static func quote(_ text: String) -> String {
        let visible = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        return visible.count > 80 ? String(visible.prefix(80)) + "…" : visible
    }
}

/// X12 dates and times as pyx12 checks them.
enum X12DateTime {
    /// CCYYMMDD (or YYMMDD in the ISA), a real day of a year from 1800.
    static func isDate(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard digits.count == 8 || digits.count == 6 || digits.count == 12, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let values = digits.map { Int($0) - 48 }
        var year: Int, start: Int
        if digits.count == 6 {
            let short = values[0] * 10 + values[1]
            year = (short < 50 ? 2000 : 1900) + short; start = 2
        } else {
            year = values[0] * 1000 + values[1] * 100 + values[2] * 10 + values[3]; start = 4
        }
        let month = values[start] * 10 + values[start + 1], day = values[start + 2] * 10 + values[start + 3]
        guard year >= 1800, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return false }
        return digits.count != 12 || isTime(String(text.suffix(4)))
    }

    /// HHMM, HHMMSS or HHMMSSDD.
    static func isTime(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard [4, 6, 7, 8].contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let values = digits.map { Int($0) - 48 }
        guard values[0] * 10 + values[1] <= 23, values[2] * 10 + values[3] <= 59 else { return false }
        if digits.count >= 6 { return values[4] * 10 + values[5] <= 59 }
        return true
    }

    /// A value in the format a date-time qualifier names (DTP02, DMG01).
    static func matches(_ value: String, format: String) -> Bool {
        switch format {
        case "D8": return value.utf8.count == 8 && isDate(value)
        case "D6": return value.utf8.count == 6 && isDate(value)
        case "DT": return value.utf8.count == 12 && isDate(value)
        case "TM": return isTime(value)
        case "RD8":
            let parts = value.split(separator: "-", omittingEmptySubsequences: false)
            return parts.count == 2 && parts.allSatisfy { $0.utf8.count == 8 && isDate(String($0)) }
        default: return true
        }
    }
}
