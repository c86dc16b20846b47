import ClaimsCore
import ClaimsEngine
import ClaimsStore
import ClaimsX12

/// The text (for people) of `responses import`, `claim show` and `ar`. Every value that came from a
/// file is shown with its control characters made visible.
enum ResponsesText {
    static func shown(_ text: String) -> String { VisibleText.bounded(text, limit: 300) }

    static func importReport(_ outcomes: [ResponseImporter.FileOutcome]) -> String {
        var text = ""
        for outcome in outcomes {
            let path = shown(outcome.path)
            switch outcome.status {
            case .imported:
                let events = outcome.eventCounts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                text += "\(path): imported \(outcome.transactionSummaries.joined(separator: ", "))" + (events.isEmpty ? "" : "; claims: \(events)") + "\n"
            case .alreadyImported, .nothingNew:
                text += "\(path): \(outcome.message ?? "nothing changed")\n"
            case .refused:
                text += "\(path): error: \(shown(outcome.message ?? "refused"))\n"
            }
            for note in outcome.notes { text += "  note: \(shown(note))\n" }
            for item in outcome.unmatched { text += "  unmatched (kept): \(shown(item))\n" }
        }
        let imported = outcomes.filter { $0.status == .imported }.count
        let refused = outcomes.filter { $0.status == .refused }.count
        text += "\(outcomes.count) file(s): \(imported) imported, \(outcomes.count - imported - refused) already imported, \(refused) refused\n"
        return text
    }

    static func claim(_ statement: ClaimStatement, codes: ResponseCodeLists) -> String {
        let claim = statement.history.claim
        var text = "claim \(claim.encounterId) to \(claim.payer), date of service \(claim.dateOfService): \(statement.status)\n"
        text += "  billed \(CentsText.format(statement.billedCents)), paid \(CentsText.format(statement.paidCents)), "
            + "patient responsibility \(CentsText.format(statement.patientResponsibilityCents)), "
            + "still owed by the payer \(CentsText.format(statement.outstandingCents))\n"
        if let number = statement.payerClaimNumber { text += "  payer claim number \(shown(number))\n" }
        if !statement.adjustments.isEmpty { text += "adjustments:\n" }
        for adjustment in statement.adjustments {
            text += "  \(adjustment.line.map { "line \($0)" } ?? "claim"): \(adjustment.group)-\(adjustment.reason) "
                + "\(CentsText.format(adjustment.amountCents)) \(codes.adjustmentReasons.describe(adjustment.reason))"
                + adjustment.remarks.map { "; \($0): \(codes.remarks.describe($0))" }.joined() + "\n"
        }
        text += "history:\n"
        for event in statement.history.events {
            let record = event.record
            let source = record.kind == "sent" ? "in \(shown(record.message ?? ""))" : "(\(record.source)\(event.file.map { ", \(shown($0))" } ?? ""))"
            text += "  \(record.date ?? "          ") \(record.kind) \(source)"
            if record.kind != "sent", let message = record.message { text += ": \(shown(message))" }
            text += "\n"
        }
        return text
    }

    /// Every claim of an encounter (original, replacement, void, secondary) with its links, then the
    /// correct/void requests: who, when, why, and the claim that carried each (docs/corrections.md).
    static func claims(_ statements: [ClaimStatement], intents: [ClaimIntentRecord], codes: ResponseCodeLists) -> String {
        var text = ""
        for statement in statements {
            let claim = statement.history.claim
            let submission = claim.submission
            var kind = submission.coverage == .secondary ? "secondary claim" : ["7": "replacement", "8": "void"][submission.frequency] ?? "original"
            if let replaced = submission.replacesClaimId { kind += " of claim \(replaced)" }
            if let primary = submission.followsClaimId { kind += " after claim \(primary) (the primary's adjudication)" }
            if let number = submission.payerClaimNumber { kind += ", REF*F8 \(shown(number))" }
            text += "== claim \(claim.claimId): \(kind), frequency \(submission.frequency)"
            if let next = statements.last(where: { $0.history.claim.submission.replacesClaimId == claim.claimId }) {
                text += "; \(statement.status == "void" ? "voided" : "replaced") by claim \(next.history.claim.claimId)"
            }
            text += "\n" + Self.claim(statement, codes: codes)
        }
        if !intents.isEmpty { text += "requests:\n" }
        for intent in intents {
            text += "  \(intent.recordedAt) \(intent.kind.rawValue) of claim \(intent.claimId) by \(shown(intent.requestedBy)): \(shown(intent.reason))"
                + (intent.sentClaimId.map { " — sent as claim \($0)" } ?? " — waiting for the next batch") + "\n"
        }
        return text
    }

    static func receivables(_ ar: Receivables, unmatched: [(file: String, kind: String, reference: String, message: String)]) -> String {
        var text = "accounts receivable as of \(ar.asOf)\n\nowed by payers (by days since the date of service):\n"
        let header = ["payer", "claims", "outstanding"] + Receivables.bucketNames + ["as secondary"]
        var rows = [header]
        for payer in ar.payers {
            rows.append([payer.payer, "\(payer.claims)", CentsText.format(payer.outstandingCents)]
                        + Receivables.bucketNames.map { CentsText.format(payer.buckets[$0] ?? 0) } + [CentsText.format(payer.secondaryCents)])
        }
        if ar.payers.isEmpty { text += "  nothing outstanding\n" } else { text += table(rows) }
        text += "\npatient balances (patient responsibility minus payments collected): \(CentsText.format(ar.patientBalanceCents))\n"
        for patient in ar.patients {
            text += "  \(patient.patient): \(CentsText.format(patient.balanceCents)) (\(patient.encounters.joined(separator: ", ")))\n"
        }
        text += "\ndenials to work (\(ar.denials.count)):\n"
        for denial in ar.denials {
            text += "  \(denial.encounter) \(denial.line.map { "line \($0)" } ?? "claim") \(denial.payer): \(denial.group)-\(denial.reason) "
                + "\(CentsText.format(denial.amountCents)) \(denial.description)"
                + denial.remarks.map { "; \($0.code): \($0.description)" }.joined() + "\n      next: \(denial.action)\n"
        }
        text += "\nrejections to fix and send again as an original (\(ar.rejections.count)):\n"
        for rejection in ar.rejections {
            text += "  \(rejection.encounter) \(rejection.payer) (\(rejection.source)): \(shown(rejection.message))\n"
        }
        if !unmatched.isEmpty {
            text += "\nresponses that match no claim we sent (kept) (\(unmatched.count)):\n"
            for item in unmatched { text += "  \(shown(item.file)) \(item.kind) \(shown(item.reference)): \(shown(item.message))\n" }
        }
        return text
    }

    /// Columns padded to their widest cell; amounts right-aligned.
    static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
