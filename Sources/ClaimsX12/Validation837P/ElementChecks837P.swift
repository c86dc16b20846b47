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

    func check(_ node: Int, _ segment: X12SegmentView) -> [Problem] {
        guard let spec = map.nodes[node].segment else { return [] }
        var problems: [Problem] = []
        var id: String { segment.idText }
        let positions = spec.positions
        let present = segment.elementCount
        if present > positions.count {
            problems.append(Problem(element: X12Finding.reference(id, positions.count + 1), rule: "x12/element-count",
                                    message: "\(id) has \(present) elements; the guide defines \(positions.count). Remove the extra elements"))
        }
        var formatQualifiers: [String] = []
        var dateFormat: Int?
        let isDTP = segment.idCode == SegmentCode837P.dtp
        for index in positions.indices {
            // Absent elements matter only when required (most positions of most segments are absent).
            if index >= present && !spec.isRequired[index] { continue }
            let data = segment[index + 1]
            switch positions[index] {
            case .composite(let composite):
                checkComposite(composite, data, segment, into: &problems)
            case .element(let element):
                let value = data?.value ?? .empty
                if isDTP && index == 1, let format = Self.dateFormats.firstIndex(where: { value.isText($0) }) { dateFormat = format }
                if element.isFormatQualifier { formatQualifiers = formatQualifiers.isEmpty ? element.codeList : formatQualifiers + element.codeList }
                var formats: [String] = []
                if isDTP && index == 2 { formats = dateFormat.map { Self.dateFormatNames[$0] } ?? [] }
                else if element.isFormatted { formats = formatQualifiers }
                if let data, !data.isSimple, data.repetitionCount > 1 || data.componentCount > 1 {
                    problems.append(Problem(element: X12Finding.reference(id, index + 1), rule: "x12/element-type",
                                            message: "\(X12Finding.reference(id, index + 1)) (\(element.name)) is a simple element but holds components or repetitions ('\(data.owned)'); remove the component separators"))
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


    private func checkComposite(_ composite: Map837P.Composite, _ data: X12ElementView?, _ segment: X12SegmentView, into problems: inout [Problem]) {
        // Built only when needed: most elements are fine, and this runs for every element of the file.
        var reference: String { X12Finding.reference(segment.idText, composite.seq) }
        guard let data, data.hasComponentValue else {
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
        if data.repetitionCount > 1 {
            problems.append(Problem(element: reference, rule: "x12/element-type",
                                    message: "\(reference) (\(composite.name)) repeats; the guide allows one occurrence"))
        }
        let componentCount = data.componentCount
        if componentCount > composite.components.count {
            problems.append(Problem(element: reference, rule: "x12/element-count",
                                    message: "\(reference) has \(componentCount) components; the guide defines \(composite.components.count). Remove the extra ones"))
        }
        var components = data.components
        for (index, element) in composite.components.enumerated() {
            checkValue(element, components.next(), reference: X12Finding.reference(segment.idText, composite.seq, index + 1),
                       formats: [], into: &problems)
        }
    }

    /// One value against its element of the guide. ASCII (nearly every value) is checked on the bytes
    /// as they are; anything else on the text the reader decodes (invalid UTF-8 becomes U+FFFD), so
    /// lengths and characters are counted the same either way.
    private func checkValue(_ element: Map837P.Element, _ value: X12Bytes, reference: @autoclosure () -> String, formats: [String],
                            into problems: inout [Problem]) {
        if value.isASCII {
            checkText(element, value, ascii: true, reference: reference(), formats: formats, into: &problems)
        } else {
            var text = value.text
            text.withUTF8 { checkText(element, $0, ascii: false, reference: reference(), formats: formats, into: &problems) }
        }
    }

    private func checkText(_ element: Map837P.Element, _ bytes: X12Bytes, ascii: Bool, reference: @autoclosure () -> String, formats: [String],
                           into problems: inout [Problem]) {
        var value: String { bytes.text }
        func fail(_ rule: String, _ message: String) {
            let reference = reference()
            problems.append(Problem(element: reference, rule: rule, message: "\(reference) (\(element.name)) \(message)"))
        }
        if bytes.isEmpty {
            if element.usage == .required { fail("x12/element-missing", "is required but missing") }
            return
        }
        if element.usage == .notUsed { fail("x12/element-not-used", "is not used in 005010X222A1; remove '\(Self.quote(value))'"); return }
        let numeric = element.type == .r || element.type == .n0 || element.type == .n2
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
        // Without control characters an ASCII value has one character per byte.
        if (element.type == .an || element.type == .id), bytes.last == 0x20,
           (ascii ? bytes.reversed().drop(while: { $0 == 0x20 }).count : value.reversed().drop(while: { $0 == " " }).count) >= element.minLength {
            fail("x12/element-character", "'\(Self.quote(value))' ends with spaces; remove them")
        }
        if !element.codes.isEmpty || element.externalCodes != nil {
            let known = element.codes.contains(bytes) || element.externalCodeSet?.contains(bytes) == true
            if !known {
                let codes = element.codes.strings
                let list = codes.count <= 12 && !codes.isEmpty ? ": use one of " + codes.sorted().joined(separator: ", ") : ""
                fail("x12/element-code", "'\(Self.quote(value))' is not a valid code\(list.isEmpty ? (element.externalCodes.map { " (code list \($0))" } ?? "") : list)")
            }
        }
        switch element.type {
        case .n0, .n2:
            if !Self.isInteger(bytes) { fail("x12/element-type", "'\(Self.quote(value))' is not a whole number (digits, an optional leading '-')") }
        case .r:
            if !Self.isDecimal(bytes) { fail("x12/element-type", "'\(Self.quote(value))' is not a decimal number (digits with an optional '.' and leading '-')") }
        case .dt:
            if !X12DateTime.isDate(bytes) { fail("x12/element-date", "'\(Self.quote(value))' is not a real date (CCYYMMDD)") }
        case .tm:
            if !X12DateTime.isTime(bytes) { fail("x12/element-time", "'\(Self.quote(value))' is not a time (HHMM, HHMMSS or HHMMSSDD)") }
        case .an, .id:
            if !ascii, let bad = value.unicodeScalars.first(where: { !Self.isExtendedCharacter($0) }) {
                fail("x12/element-character", "'\(Self.quote(value))' contains '\(Self.quote(String(bad)))', outside the X12 extended character set")
            }
        }
        if !formats.isEmpty && !formats.contains(where: { X12DateTime.matches(bytes, format: $0) }) {
            fail(formats.contains("TM") ? "x12/element-time" : "x12/element-date",
                 "'\(Self.quote(value))' is not a real date in the format \(formats.joined(separator: "/")) (D8: CCYYMMDD, RD8: CCYYMMDD-CCYYMMDD)")
        }
        if element.nineDigits && !(bytes.count >= 9 && Self.containsNineDigits(bytes)) {
            fail("x12/element-pattern", "'\(Self.quote(value))' must hold 9 digits (an EIN or SSN without hyphens)")
        }
    }

    /// The formats a DTP02 may name; DTP03 is checked against the one named (as a one-item list).
    static let dateFormats: [StaticString] = ["RD8", "D8", "D6", "DT", "TM"]
    private static let dateFormatNames = dateFormats.map { [$0.description] }

    static func syntaxProblem(_ rule: Map837P.SyntaxRule, _ segment: X12SegmentView) -> String? {
        var count = 0
        for position in rule.positions where !(segment[position]?.isEmpty ?? true) { count += 1 }
        let firstPresent = !(segment[rule.positions[0]]?.isEmpty ?? true)
        let broken: Bool
        switch rule.kind {
        case .allOrNone: broken = count != 0 && count != rule.positions.count
        case .atLeastOne: broken = count == 0
        case .atMostOne: broken = count > 1
        case .ifFirstThenAll: broken = firstPresent && count != rule.positions.count
        case .ifFirstThenOne: broken = firstPresent && count == 1
        }
        guard broken else { return nil }
        let names = rule.positions.map { X12Finding.reference(segment.idText, $0) }
        switch rule.kind {
        case .allOrNone:
            return "syntax note \(rule.text): \(names.joined(separator: ", ")) go together; give all of them or none"
        case .atLeastOne:
            return "syntax note \(rule.text): at least one of \(names.joined(separator: ", ")) is required"
        case .atMostOne:
            return "syntax note \(rule.text): at most one of \(names.joined(separator: ", ")) may be given"
        case .ifFirstThenAll:
            return "syntax note \(rule.text): when \(names[0]) is given, \(names.dropFirst().joined(separator: ", ")) must be given too"
        case .ifFirstThenOne:
            return "syntax note \(rule.text): when \(names[0]) is given, at least one of \(names.dropFirst().joined(separator: ", ")) must be given"
        }
    }

    static func isInteger<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var digits = bytes[...]
        if digits.first == 0x2D { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// pyx12's R: `-?[0-9]*(\.[0-9]+)?`, whole.
    static func isDecimal<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var rest = bytes[...]
        if rest.first == 0x2D { rest = rest.dropFirst() }
        let whole = rest.prefix { $0 >= 0x30 && $0 <= 0x39 }
        rest = rest.dropFirst(whole.count)
        if rest.isEmpty { return true }
        guard rest.first == 0x2E else { return false }
        let fraction = rest.dropFirst()
        return !fraction.isEmpty && fraction.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func containsNineDigits(_ bytes: X12Bytes) -> Bool {
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

/// X12 dates and times as pyx12 checks them, on the bytes of a value.
enum X12DateTime {
    /// CCYYMMDD (or YYMMDD in the ISA), a real day of a year from 1800.
    static func isDate(_ digits: X12Bytes) -> Bool {
        guard digits.count == 8 || digits.count == 6 || digits.count == 12, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        func value(_ index: Int) -> Int { Int(digits[index]) - 48 }
        var year: Int, start: Int
        if digits.count == 6 {
            let short = value(0) * 10 + value(1)
            year = (short < 50 ? 2000 : 1900) + short; start = 2
        } else {
            year = value(0) * 1000 + value(1) * 100 + value(2) * 10 + value(3); start = 4
        }
        let month = value(start) * 10 + value(start + 1), day = value(start + 2) * 10 + value(start + 3)
        guard year >= 1800, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31)
        guard day <= days else { return false }
        return digits.count != 12 || isTime(UnsafeBufferPointer(rebasing: digits[8...]))
    }

    /// HHMM, HHMMSS or HHMMSSDD.
    static func isTime(_ digits: X12Bytes) -> Bool {
        guard (4...8).contains(digits.count) && digits.count != 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        func value(_ index: Int) -> Int { Int(digits[index]) - 48 }
        guard value(0) * 10 + value(1) <= 23, value(2) * 10 + value(3) <= 59 else { return false }
        if digits.count >= 6 { return value(4) * 10 + value(5) <= 59 }
        return true
    }

    /// A value in the format a date-time qualifier names (DTP02, DMG01).
    static func matches(_ value: X12Bytes, format: String) -> Bool {
        switch format {
        case "D8": return value.count == 8 && isDate(value)
        case "D6": return value.count == 6 && isDate(value)
        case "DT": return value.count == 12 && isDate(value)
        case "TM": return isTime(value)
        case "RD8":
            guard let dash = value.firstIndex(of: 0x2D), !value[(dash + 1)...].contains(0x2D) else { return false }
            return dash == 8 && value.count == 17
                && isDate(UnsafeBufferPointer(rebasing: value[..<dash])) && isDate(UnsafeBufferPointer(rebasing: value[(dash + 1)...]))
        default: return true
        }
    }

    /// The same checks on a string (tests, messages).
    static func isDate(_ text: String) -> Bool { var text = text; return text.withUTF8 { isDate($0) } }
    static func isTime(_ text: String) -> Bool { var text = text; return text.withUTF8 { isTime($0) } }
    static func matches(_ text: String, format: String) -> Bool { var text = text; return text.withUTF8 { matches($0, format: format) } }
}
