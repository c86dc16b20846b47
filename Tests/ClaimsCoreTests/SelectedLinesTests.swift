@testable import ClaimsCore
import ClaimsTestSupport
import Foundation
import Testing

/// The lines of one decision built straight into one array (`lines(with:)`, `serviceLines(with:)`)
/// are the lines the step-by-step selection gives, with the rules' added modifiers once each.
@Suite struct SelectedLinesTests {
    /// The selection as it was written first: every line copied, then its added modifiers appended.
    private func reference(_ evaluation: EncounterEvaluation, _ decision: Decision) -> [(index: Int, line: ServiceLine)] {
        guard let encounter = evaluation.encounter else { return [] }
        return evaluation.lines.filter { $0.decision == decision }.map { decided in
            var line = encounter.services[decided.line - 1]
            line.modifiers += decided.addedModifiers.filter { !line.modifiers.contains($0) }
            return (decided.line, line)
        }
    }

    @Test func selectedLinesAreTheStepByStepSelection() {
        var encounter = Fixtures.encounter(services: [
            ServiceLine(code: "99214", units: 1, charge: 210, diagnosisPointers: [1]),
            ServiceLine(code: "90833", modifiers: ["95"], units: 1, charge: 95, diagnosisPointers: [1]),
            ServiceLine(code: "G2082", units: 1, charge: 350, diagnosisPointers: [1]),
            ServiceLine(code: "J0013", modifiers: ["JZ"], units: 56, charge: 746.67, diagnosisPointers: [1], ndc: "50458002802"),
        ])
        encounter.services[2].modifiers = ["KX"]
        let patterns: [[Decision]] = [[.bill, .bill, .bill, .bill], [.hold, .bill, .superbill, .bill], [.superbill, .hold, .hold, .superbill],
                                      [.hold, .hold, .hold, .hold]]
        let added: [[String]] = [[], ["95"], ["KX", "GT"], ["JZ", "JW", "JZ"]]
        for decisions in patterns {
            let evaluation = EncounterEvaluation(
                encounterId: encounter.id, encounter: encounter, payer: encounter.payerSlug,
                lines: encounter.services.indices.map { index in
                    LineDecision(line: index + 1, code: encounter.services[index].code, service: "test", decision: decisions[index],
                                 reasons: [], addedModifiers: added[index])
                })
            for decision in [Decision.bill, .superbill, .hold] {
                let expected = reference(evaluation, decision)
                let selected = evaluation.serviceLines(with: decision)
                #expect(selected.map(\.index) == expected.map(\.index), "\(decisions) \(decision)")
                #expect(selected.map(\.line) == expected.map(\.line), "\(decisions) \(decision)")
                #expect(evaluation.lines(with: decision) == expected.map(\.line), "\(decisions) \(decision)")
            }
        }
        #expect(EncounterEvaluation(encounterId: "E", encounter: nil, payer: "aetna", lines: []).lines(with: .bill).isEmpty)
    }

    /// A code's dotted text from its bytes is the text its characters give, for codes and for any
    /// other text `init(compact:)` may hold.
    @Test func dottedBytesAreTheCharactersText() {
        var texts = ["", "F", "F3", "F33", "F332", "R45851", "T50905A", "Z7989", "a.b", "F33 2", "É332", "F3É2", "F33\u{301}2",
                     "F3\r\n2", "F332\r\n", "\r\nF332", "山田太郎", "F3\u{7F}2", "F\u{1}332"]
        texts += ["A", "B", "0", "9", ".", " ", "é", "\n"].flatMap { piece in (0...6).map { String(repeating: "F", count: $0) + piece + "3" } }
        for text in texts {
            let code = DiagnosisCode(compact: text)
            #expect(code.dotted == DiagnosisCode.dottedByCharacters(text), "\(text.unicodeScalars.map(\.value))")
            #expect(code.description == code.dotted)
        }
        #expect(DiagnosisCode("F33.2")?.dotted == "F33.2")
        #expect(DiagnosisCode("r45851")?.dotted == "R45.851")
    }
}
