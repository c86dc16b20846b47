import Foundation

/// The encounter fields CONTRACT §6 added: the second plan (`secondaryCoverage`, the second payer of secondary
/// claims) and what the patient signed (`patientAgreements`: ABN, private-pay,
/// waiver), which the evaluator reads (POLICY §5.3–§5.4).
extension EncounterDecoder {
    static let agreementKeys: MemberNames = ["kind", "signed", "option", "codes"]

    /// `secondaryCoverage` (CONTRACT §6): the shape of `coverage`, a payer of the rule files; the
    /// second payer a secondary claim goes to once the primary's 835 is imported (docs/corrections.md).
    func decodeSecondaryCoverage<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> Coverage? {
        guard let object = c.object(value, "secondaryCoverage", required: false) else { return nil }
        for key in object.unknownNames(Self.coverageKeys, nil) { c.fail("secondaryCoverage.\(key)", "unknown field '\(key)'") }
        let payer = c.text(object["payer"], "secondaryCoverage.payer", required: true)
        if let payer, !payers.contains(payer) {
            c.fail("secondaryCoverage.payer", "unknown payer '\(payer)'; known payers: \(payers.sorted().joined(separator: ", ")) (a file in Payers/)")
        }
        let member = c.text(object["memberId"], "secondaryCoverage.memberId", required: false)
        let group = c.text(object["groupNumber"], "secondaryCoverage.groupNumber", required: false)
        let relationshipText = c.text(object["relationship"], "secondaryCoverage.relationship", required: false) ?? "self"
        let relationship = Self.relationship(relationshipText)
        if relationship == nil {
            c.fail("secondaryCoverage.relationship", "'\(relationshipText)' must be self, spouse, child or other")
        }
        var subscriber: Person?
        if let object = c.object(object["subscriber"], "secondaryCoverage.subscriber", required: false) {
            subscriber = decodePerson(object, "secondaryCoverage.subscriber", extraKeys: nil, &c)
        }
        guard let payer, let relationship else { return nil }
        return Coverage(payer: payer, memberId: member ?? "", groupNumber: group, relationship: relationship, subscriber: subscriber)
    }

    /// `patientAgreements` (CONTRACT §6): what the patient signed — kind, date, ABN option, codes.
    func decodePatientAgreements<Value: EncounterJSONValue>(_ value: Value?, _ c: inout DecodingContext) -> [PatientAgreement] {
        guard let items = c.array(value, "patientAgreements", required: false) else { return [] }
        var agreements: [PatientAgreement] = []
        for (index, item) in items.enumerated() {
            let path = "patientAgreements[\(index)]"
            guard let object = c.object(item, path, required: true) else { continue }
            for key in object.unknownNames(Self.agreementKeys, nil) { c.fail("\(path).\(key)", "unknown field '\(key)'") }
            let kindText = c.text(object["kind"], "\(path).kind", required: true)
            let kind = kindText.flatMap(PatientAgreement.Kind.init(rawValue:))
            if let kindText, kind == nil { c.fail("\(path).kind", "'\(kindText)' must be abn, private-pay or waiver") }
            let signed = c.date(object["signed"], "\(path).signed", required: true)
            let option = c.number(object["option"], "\(path).option", required: false)
            if let option, ![1, 2, 3].contains(option) { c.fail("\(path).option", "must be 1, 2 or 3, as on the ABN form") }
            if kind == .abn, object["option"]?.isNull ?? true {
                c.fail("\(path).option", "is missing; an ABN needs the option the patient checked on the form (1, 2 or 3)")
            }
            var codes: [String]?
            if let items = c.array(object["codes"], "\(path).codes", required: false) {
                codes = items.enumerated().compactMap { offset, code in c.text(code, "\(path).codes[\(offset)]", required: true) }
            }
            if let kind, let signed {
                agreements.append(PatientAgreement(kind: kind, signed: signed, option: [1, 2, 3].first { Decimal($0) == option }, codes: codes))
            }
        }
        return agreements
    }
}
