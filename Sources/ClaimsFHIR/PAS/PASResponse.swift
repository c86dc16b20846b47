import ClaimsCore

/// Reads a Da Vinci PAS response: a `Bundle` (JSON) holding `ClaimResponse`s, or one `ClaimResponse`.
/// Per ClaimResponse: the request it answers (`request.identifier.value`, else the first
/// `identifier.value`: the trace our request carried), the review action (the PAS `reviewAction`
/// extension, wherever it sits: `code` = X12 306 action A1/A3/A4/A6, `number` = certification
/// number), else `outcome` (`queued` = pended); `preAuthRef`, `preAuthPeriod`, and the approved units
/// (`item.adjudication` with category `eligible`: `value`).
public struct PASResponse: Sendable, Hashable {
    public struct Decision: Sendable, Hashable {
        public var trace: String
        /// X12 306 action code (A1, A3, A4, A6).
        public var action: String
        public var certificationNumber: String?
        public var units: Int?
        public var start: LocalDate?
        public var end: LocalDate?
        public var reason: String?
    }

    public var decisions: [Decision] = []

    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public init(json text: String) throws(Problem) {
        let root: JSONValue
        do { root = try JSONParser.parse(text) } catch { throw Problem(message: "not JSON: \(error)") }
        var responses: [(JSONValue, String)] = []
        switch root["resourceType"] {
        case .string("ClaimResponse")?: responses = [(root, "ClaimResponse")]
        case .string("Bundle")?:
            for (index, entry) in Self.array(root["entry"]).enumerated() where entry["resource"]?["resourceType"] == .string("ClaimResponse") {
                responses.append((entry["resource"]!, "entry[\(index)].resource"))
            }
        default: throw Problem(message: "resourceType is neither Bundle nor ClaimResponse; a PAS response is a Bundle with a ClaimResponse")
        }
        guard !responses.isEmpty else { throw Problem(message: "the Bundle holds no ClaimResponse") }
        for (response, path) in responses { decisions.append(try Self.decision(response, path: path)) }
    }

    private static func decision(_ response: JSONValue, path: String) throws(Problem) -> Decision {
        let trace = string(response["request"]?["identifier"]?["value"]) ?? array(response["identifier"]).compactMap { string($0["value"]) }.first
        guard let trace else {
            throw Problem(message: "\(path): neither request.identifier.value nor identifier names the request; it cannot be matched")
        }
        var decision = Decision(trace: trace, action: "")
        if let review = reviewAction(in: response) {
            decision.action = review.code ?? ""
            decision.certificationNumber = review.number
        }
        if decision.action.isEmpty {
            switch string(response["outcome"]) {
            case "queued"?: decision.action = "A4"
            case "complete"? where string(response["preAuthRef"]) != nil: decision.action = "A1"
            default: throw Problem(message: "\(path): no reviewAction and outcome '\(string(response["outcome"]) ?? "absent")'; the decision cannot be read")
            }
        }
        decision.certificationNumber = decision.certificationNumber ?? string(response["preAuthRef"])
        decision.start = string(response["preAuthPeriod"]?["start"]).flatMap { LocalDate(iso: String($0.prefix(10))) }
        decision.end = string(response["preAuthPeriod"]?["end"]).flatMap { LocalDate(iso: String($0.prefix(10))) }
        decision.reason = string(response["disposition"])
        for item in array(response["item"]) {
            for adjudication in array(item["adjudication"]) {
                let codes = array(adjudication["category"]?["coding"]).compactMap { string($0["code"]) }
                if codes.contains("eligible"), case .number(let value)? = adjudication["value"], let units = Int(value) {
                    decision.units = units
                }
            }
        }
        return decision
    }

    /// The first PAS reviewAction extension in the resource, depth first.
    private static func reviewAction(in value: JSONValue) -> (code: String?, number: String?)? {
        switch value {
        case .object(let members):
            if let url = string(members["url"]), url.hasSuffix("extension-reviewAction") {
                var code: String?, number: String?
                for part in array(members["extension"]) {
                    switch string(part["url"]) {
                    case "code"?: code = array(part["valueCodeableConcept"]?["coding"]).compactMap { string($0["code"]) }.first
                    case "number"?: number = string(part["valueString"])
                    default: break
                    }
                }
                return (code, number)
            }
            for key in members.keys.sorted() { if let found = reviewAction(in: members[key]!) { return found } }
            return nil
        case .array(let items):
            for item in items { if let found = reviewAction(in: item) { return found } }
            return nil
        default: return nil
        }
    }

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    private static func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { return items }
        return []
    }
}
