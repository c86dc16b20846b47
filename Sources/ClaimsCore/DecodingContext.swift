import Foundation

/// Collects errors while fields are read.
struct DecodingContext {
    var errors: [InputError] = []
    /// Errors found beyond `EncounterDecoder.maxErrorsPerRecord`: counted, not kept.
    var errorsNotListed = 0

    mutating func fail(_ field: String, _ message: String) {
        guard errors.count < EncounterDecoder.maxErrorsPerRecord else { errorsNotListed += 1; return }
        errors.append(InputError(field: field, message: message))
    }

    mutating func missing(_ field: String) { fail(field, "required field is missing") }

    /// Problems found while walking an object's members, reported in the order of their fields (a
    /// dictionary's member order is arbitrary; reports must not be).
    mutating func fail(sortedByField problems: [(field: String, message: String)]) {
        for problem in problems.count > 1 ? problems.sorted(by: { $0.field < $1.field }) : problems { fail(problem.field, problem.message) }
    }

    /// Text fields: no control characters and no X12 separators (* : ^ ~), which could never travel in an 837P.
    mutating func checkCharacters(_ text: String, _ field: @autoclosure () -> String) {
        if let problem = Self.characterProblem(text) { fail(field(), problem) }
    }

    /// What `checkCharacters` reports about `text`, or nil.
    static func characterProblem(_ text: String) -> String? {
        // Fast path: printable ASCII without a separator needs no Unicode property lookups.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && !X12Separators.contains(byte: $0) }) { return nil }
        guard let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control || X12Separators.contains($0) }) else { return nil }
        let shown = bad.properties.generalCategory == .control ? "a control character (U+\(String(bad.value, radix: 16, uppercase: true)))" : "'\(bad)'"
        return "contains \(shown), which cannot be sent in a claim; remove it"
    }

    /// Field paths are built only when a problem is reported (`@autoclosure`): most records have none.
    mutating func text<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String, required: Bool) -> String? {
        // Fast path: a number's text, or plain text checked on its bytes before a String is made.
        if let plain = value?.readASCII({ bytes, isNumber in
            isNumber || Self.isPlainText(bytes) ? String(decodingUTF8: bytes) : nil
        }) {
            return plain
        }
        switch value?.content {
        case nil, .null?:
            if required { missing(field()) }
            return nil
        case .string(let text)?:
            // Most values are short printable ASCII: nothing to trim, report or count.
            if Self.isPlainText(text) { return text }
            // Most values need no trimming; the Foundation call is only paid when they do.
            let trimmed = Self.mayNeedTrimming(text) ? text.trimmingCharacters(in: .whitespaces) : text
            if trimmed.isEmpty {
                if required { fail(field(), "must not be empty") }
                return nil
            }
            checkCharacters(text, field())
            // At most 200 bytes is at most 200 characters: counting characters is paid only beyond.
            if text.utf8.count > 200 && text.count > 200 { fail(field(), "is longer than 200 characters") }
            return trimmed
        case .number(let text)?:
            // Codes such as "90834" or "11" are often exported as numbers; accept them as their text.
            return text
        case let other?:
            fail(field(), "must be text, not \(other.typeName)")
            return nil
        }
    }

    /// Whether `text` is 1–200 bytes of printable ASCII without an X12 separator and without a space
    /// at either end: what `text(_:_:required:)` returns unchanged without reporting anything.
    static func isPlainText(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { isPlainText($0) } ?? false
    }

    /// `isPlainText` on the UTF-8 bytes of a text: eight bytes at a time, the last eight (or, for four
    /// to seven bytes, the first and last four) read as one word that may overlap bytes already
    /// judged; one to three bytes one by one (the table).
    static func isPlainText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != 0x20, last != 0x20, bytes.count <= 200 else { return false }
        let base = UnsafeRawPointer(bytes.baseAddress!)
        let count = bytes.count
        if count >= 8 {
            var index = 0
            while index + 8 < count {
                if hasBytePastPlain(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return false }
                index += 8
            }
            return !hasBytePastPlain(base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        }
        if count >= 4 {
            let word = UInt64(base.loadUnaligned(as: UInt32.self)) | UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            return !hasBytePastPlain(word)
        }
        for byte in bytes where !isPlainByte(byte) { return false }
        return true
    }

    /// Whether one of the eight bytes of `word` is not plain (`isPlainByte`): a control character,
    /// DEL, past ASCII, or an X12 separator. The word tests of Bit Twiddling Hacks ("has a byte less
    /// than n", "has a zero byte" after XOR with each value) are exact for whether any byte is one.
    @inline(__always)
    static func hasBytePastPlain(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasByte(_ value: UInt8) -> UInt64 {
            let equal = word ^ (ones &* UInt64(value))
            return (equal &- ones) & ~equal
        }
        let control = (word &- ones &* 0x20) & ~word
        return (word | control | hasByte(0x7F) | hasByte(0x2A) | hasByte(0x3A) | hasByte(0x5E) | hasByte(0x7E) | hasByte(0x7C)) & highs != 0
    }

    /// Printable ASCII that is not an X12 separator, one bit a byte (0x00–0x3F, 0x40–0x7F): one
    /// lookup a byte instead of seven comparisons (a test checks the bits against the rule).
    static let plainBytesLow: UInt64 = 0xFBFF_FBFF_0000_0000
    static let plainBytesHigh: UInt64 = 0x2FFF_FFFF_BFFF_FFFF

    @inline(__always)
    static func isPlainByte(_ byte: UInt8) -> Bool {
        guard byte < 0x80 else { return false }
        return (byte < 0x40 ? plainBytesLow : plainBytesHigh) >> (byte & 0x3F) & 1 != 0
    }

    /// Whether the first or last scalar is whitespace; printable ASCII other than space is answered
    /// without a Unicode property lookup.
    static func mayNeedTrimming(_ text: String) -> Bool {
        func isWhitespace(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar else { return false }
            if scalar.value > 0x20 && scalar.value < 0x7F { return false }
            return scalar.properties.isWhitespace
        }
        return isWhitespace(text.unicodeScalars.first) || isWhitespace(text.unicodeScalars.last)
    }

    /// `echo: false` keeps the value out of the message (birth dates are patient data).
    mutating func date<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String, required: Bool, echo: Bool = true) -> LocalDate? {
        // Fast path: a real date read from the bytes (digits and '-' are plain text: `text` would return them as they are).
        if let date = value?.readASCII({ bytes, _ in LocalDate(isoBytes: bytes) }) { return date }
        guard let text = text(value, field(), required: required) else { return nil }
        guard let date = LocalDate(iso: text) else {
            fail(field(), "\(echo ? "'\(text)' " : "")is not a real date; use YYYY-MM-DD, e.g. 2026-11-03")
            return nil
        }
        return date
    }

    mutating func object<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String, required: Bool) -> Value.Object? {
        // Fast path: an object (the usual answer) without the other cases of `content`.
        if let object = value?.asObject { return object }
        switch value?.content {
        case nil, .null?:
            if required { missing(field()) }
            return nil
        case .object(let members)?: return members
        case let other?:
            fail(field(), "must be an object, not \(other.typeName)")
            return nil
        }
    }

    mutating func array<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String, required: Bool) -> Value.Items? {
        // Fast path: a list (the usual answer) without the other cases of `content`.
        if let items = value?.asItems { return items }
        switch value?.content {
        case nil, .null?:
            if required { missing(field()) }
            return nil
        case .array(let items)?: return items
        case let other?:
            fail(field(), "must be a list, not \(other.typeName)")
            return nil
        }
    }

    /// Units and NDC quantities: greater than 0, at most `maxQuantity`, at most 3 decimal places.
    mutating func checkQuantity(_ quantity: Decimal, _ field: @autoclosure () -> String) {
        if quantity <= 0 {
            fail(field(), "must be greater than 0")
        } else if quantity > EncounterDecoder.maxQuantity {
            fail(field(), "is \(Money.plain(quantity)); at most \(Money.plain(EncounterDecoder.maxQuantity)) is accepted — check the quantity")
        } else if quantity.exponent < -EncounterDecoder.maxQuantityDecimalPlaces,
                  Money.plain(quantity).split(separator: ".").last.map({ $0.count > EncounterDecoder.maxQuantityDecimalPlaces }) == true {
            fail(field(), "is \(Money.plain(quantity)); at most \(EncounterDecoder.maxQuantityDecimalPlaces) decimal places are accepted")
        }
    }

    mutating func number<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String, required: Bool) -> Decimal? {
        switch value?.content {
        case nil, .null?:
            if required { missing(field()) }
            return nil
        case .number(let text)?, .string(let text)?:
            guard let number = Self.decimal(text), Self.isNumberText(text) else {
                fail(field(), "'\(text.prefix(40))' is not a number")
                return nil
            }
            return number
        case let other?:
            fail(field(), "must be a number, not \(other.typeName)")
            return nil
        }
    }

    /// Digits, '.' and '-' only (any script's digits: Decimal reads what it reads). In ASCII text the
    /// only characters that are numbers are 0–9, and a byte is a character (CR LF is neither).
    static func isNumberText(_ text: String) -> Bool {
        let allowed: (UInt8) -> Bool = { ASCII.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        if ASCII.all(text, { $0 < 0x80 }) { return ASCII.all(text, allowed) }
        return text.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }
    }

    /// A money amount: a string or number, not negative, at most 2 decimal places.
    mutating func money<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String) -> Decimal? {
        // Fast path: an amount of at most seven whole digits read from the bytes (nothing to report).
        if let amount = value?.readASCII({ bytes, _ -> Decimal? in
            guard case .amount(let amount) = Money.scanAmount(bytes), Self.wholeDigits(bytes) <= 7 else { return nil }
            return amount
        }) {
            return amount
        }
        switch value?.content {
        case nil, .null?:
            missing(field())
            return nil
        case .number(let text)?, .string(let text)?:
            guard let amount = Money.parse(text) else {
                fail(field(), "'\(text.prefix(40))' is not an amount; write dollars with at most 2 decimal places, e.g. \"210.00\"")
                return nil
            }
            // Seven whole digits or fewer are within the maximum (9999999.99) without a Decimal comparison.
            guard Self.wholeDigits(text) <= 7 || amount <= Money.maximumAmount else {
                fail(field(), "\(text.prefix(40)) is more than \(Money.format(Money.maximumAmount)), the largest amount accepted for one line or payment; check the amount (is a decimal point missing?)")
                return nil
            }
            return amount
        case let other?:
            fail(field(), "must be an amount such as \"210.00\", not \(other.typeName)")
            return nil
        }
    }
}

extension DecodingContext {
    /// One to nine ASCII digits as their value (what `decimal` and `Int(_:)` read them as), else nil.
    static func smallWholeNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// A quantity (units): a whole number within the limits read from its bytes, which `number` and
    /// `checkQuantity` would accept without a word; otherwise both, as they are. A missing quantity is 1.
    mutating func quantity<Value: EncounterJSONValue>(_ value: Value?, _ field: @autoclosure () -> String) -> Decimal {
        if let whole = value?.readASCII({ bytes, _ in Self.smallWholeNumber(bytes) }), whole >= 1, whole <= EncounterDecoder.maxWholeQuantity {
            return Decimal(whole)
        }
        let quantity = number(value, field(), required: false) ?? 1
        checkQuantity(quantity, field())
        return quantity
    }

    /// `text.count`; printable ASCII (a byte a character) is counted by its bytes.
    static func characterCount(_ text: String) -> Int {
        ASCII.all(text, { $0 >= 0x20 && $0 < 0x7F }) ? text.utf8.count : text.count
    }

    /// A JSON number's text as a Decimal (`Money.decimal(plain:)`).
    static func decimal(_ text: String) -> Decimal? { Money.decimal(plain: text) }

    /// The bytes of an amount `Money.parse` accepted (digits and at most one '.') before the '.'.
    static func wholeDigits(_ amount: String) -> Int { wholeDigits(amount.utf8) }

    static func wholeDigits<Bytes: Sequence<UInt8>>(_ amount: Bytes) -> Int {
        var count = 0
        for byte in amount {
            if byte == UInt8(ascii: ".") { break }
            count += 1
        }
        return count
    }
}

/// Byte-level checks for fields that must be ASCII anyway: no Unicode work per character.
enum ASCII {
    static func all(_ text: String, _ predicate: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(predicate) } ?? text.utf8.allSatisfy(predicate)
    }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isUppercase(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isDigitOrUppercase(_ byte: UInt8) -> Bool { isDigit(byte) || isUppercase(byte) }
    static func isIdentifier(_ byte: UInt8) -> Bool { isDigitOrUppercase(byte) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D }
}

/// The shape of a procedure code: CPT (`99214`, Category II `1234F`, Category III `0575T`: four digits
/// and a digit or capital) or HCPCS Level II (`G2083`: a capital and four digits). The rule loader
/// admits only such codes to the code table, so every billed code has the shape the FHIR and 837P
/// writers require (docs/fhir.md: the writer validates each element structure once and relies on
/// this for the values).
extension ProcedureCode {
    public static func isWellFormed(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard bytes.count == 5 else { return false }
        let cpt = bytes[0..<4].allSatisfy(ASCII.isDigit) && ASCII.isDigitOrUppercase(bytes[4])
        let hcpcs = ASCII.isUppercase(bytes[0]) && bytes[1...].allSatisfy(ASCII.isDigit)
        return cpt || hcpcs
    }
}

/// National Provider Identifier check (CMS: Luhn over the prefix 80840 and the first nine digits).
public enum NPI {
    public static func isValid(_ npi: String) -> Bool {
        // The UTF-8 bytes in place (a native string's own; no copy), not through the UTF-8 view's iterator.
        var npi = npi
        return npi.withUTF8(isValid(utf8:))
    }

    static func isValid(utf8 npi: UnsafeBufferPointer<UInt8>) -> Bool {
        // Luhn over "80840" + the first 9 digits, doubling every other digit from the right (the
        // 1st, 3rd, … 9th from the left); "80840" contributes a constant 24. Read byte by byte.
        var sum = 24
        var count = 0
        var check = 0
        for byte in npi {
            let digit = Int(byte) - 48
            guard (0...9).contains(digit), count < 10 else { return false }
            if count == 9 {
                check = digit
            } else if count % 2 == 0 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
            count += 1
        }
        return count == 10 && (10 - sum % 10) % 10 == check
    }
}
