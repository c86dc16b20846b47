import ClaimsCore
import Foundation

/// `claims ar --html FILE`: the AR report as one self-contained HTML page (no scripts, no outside
/// resources), to keep beside the batch's report.html. Every value is escaped.
public enum ReceivablesPage {
    public static func html(_ ar: Receivables, unmatched: [(file: String, kind: String, reference: String, message: String)]) -> String {
        func cell(_ text: String, number: Bool = false) -> String { "<td\(number ? " class=\"n\"" : "")>\(HTMLText.escape(text))</td>" }
        func money(_ cents: Int64) -> String { cell(CentsText.format(cents), number: true) }
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Accounts receivable as of \(ar.asOf)</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}
            td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
            th{background:#eee}</style></head><body>
            <h1>Accounts receivable as of \(ar.asOf)</h1>
            <h2>Owed by payers (days since the date of service)</h2>
            <table><tr><th>payer</th><th>claims</th><th>outstanding</th>
            """
        page += Receivables.bucketNames.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
        for payer in ar.payers {
            page += "<tr>" + cell(payer.payer) + cell("\(payer.claims)", number: true) + money(payer.outstandingCents)
                + Receivables.bucketNames.map { money(payer.buckets[$0] ?? 0) }.joined() + "</tr>\n"
        }
        page += "</table>\n<h2>Patient balances: \(HTMLText.escape(CentsText.format(ar.patientBalanceCents)))</h2>\n"
        page += "<table><tr><th>patient</th><th>balance</th><th>encounters</th></tr>\n"
        for patient in ar.patients {
            page += "<tr>" + cell(patient.patient) + money(patient.balanceCents) + cell(patient.encounters.joined(separator: ", ")) + "</tr>\n"
        }
        page += "</table>\n<h2>Denials to work (\(ar.denials.count))</h2>\n"
        page += "<table><tr><th>encounter</th><th>line</th><th>payer</th><th>adjustment</th><th>amount</th><th>reason</th><th>next action</th></tr>\n"
        for denial in ar.denials {
            let reason = ([denial.description] + denial.remarks.map { "\($0.code): \($0.description)" }).joined(separator: " — ")
            page += "<tr>" + cell(denial.encounter) + cell(denial.line.map(String.init) ?? "claim") + cell(denial.payer)
                + cell("\(denial.group)-\(denial.reason)") + money(denial.amountCents) + cell(reason) + cell(denial.action) + "</tr>\n"
        }
        page += "</table>\n<h2>Rejections to fix and send again as an original (\(ar.rejections.count))</h2>\n"
        page += "<table><tr><th>encounter</th><th>payer</th><th>source</th><th>why</th></tr>\n"
        for rejection in ar.rejections {
            page += "<tr>" + cell(rejection.encounter) + cell(rejection.payer) + cell(rejection.source)
                + cell(VisibleText.bounded(rejection.message, limit: 1000)) + "</tr>\n"
        }
        page += "</table>\n"
        if !unmatched.isEmpty {
            page += "<h2>Responses that match no claim we sent (\(unmatched.count))</h2>\n<table><tr><th>file</th><th>kind</th><th>reference</th><th>what</th></tr>\n"
            for item in unmatched {
                page += "<tr>" + cell(VisibleText.bounded(item.file, limit: 200)) + cell(item.kind) + cell(VisibleText.bounded(item.reference, limit: 200))
                    + cell(VisibleText.bounded(item.message, limit: 1000)) + "</tr>\n"
            }
            page += "</table>\n"
        }
        return page + "</body></html>\n"
    }
}
