import ClaimsCore
import Foundation

/// Accumulates a printable page one line at a time (lines keep the HTML readable when opened as
/// text), with the parts the superbill and the Good Faith Estimate share.
struct HTMLPage {
    private(set) var text = ""
    static func += (page: inout HTMLPage, line: String) { page.text += line; page.text += "\n" }

    /// The document's head (`title` is escaped, `css` is not) and the opening of its body.
    mutating func open(title: String, css: String) {
        self += "<!DOCTYPE html>"
        self += "<html lang=\"en\">"
        self += "<head>"
        self += "<meta charset=\"utf-8\">"
        self += "<title>\(SuperbillFormat.escape(title))</title>"
        self += "<style>\(css)</style>"
        self += "</head>"
        self += "<body>"
    }

    /// The masthead: the practice on the left; the title, subtitle and label/value rows (values as
    /// HTML, with an optional class) on the right.
    mutating func masthead(_ billing: ClinicProfile.BillingProvider, title: String, subtitle: String,
                           meta: [(label: String, valueHTML: String, cssClass: String?)]) {
        let e = SuperbillFormat.escape
        self += "<table class=\"masthead\"><tr>"
        self += "<td class=\"practice\">"
        self += "<div class=\"practice-name\">\(e(billing.name))</div>"
        for line in SuperbillFormat.addressLines(billing.address) { self += "<div>\(e(line))</div>" }
        if let phone = billing.phone { self += "<div>Phone \(e(SuperbillFormat.phone(phone)))</div>" }
        self += "</td>"
        self += "<td class=\"identity\">"
        self += "<div class=\"doc-title\">\(e(title))</div>"
        self += "<div class=\"doc-subtitle\">\(e(subtitle))</div>"
        self += "<table class=\"meta\">"
        for row in meta {
            self += "<tr><th>\(e(row.label))</th><td\(row.cssClass.map { " class=\"\($0)\"" } ?? "")>\(row.valueHTML)</td></tr>"
        }
        self += "</table>"
        self += "</td>"
        self += "</tr></table>"
    }

    /// A label/value row of a facts table; the value is HTML.
    static func fact(_ label: String, _ valueHTML: String, cssClass: String? = nil) -> String {
        let attribute = cssClass.map { " class=\"\($0)\"" } ?? ""
        return "<tr\(attribute)><th>\(SuperbillFormat.escape(label))</th><td>\(valueHTML)</td></tr>"
    }
}
