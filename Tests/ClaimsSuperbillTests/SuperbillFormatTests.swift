import ClaimsCore
@testable import ClaimsSuperbill
import Foundation
import Testing

/// `SuperbillFormat`'s fast paths give the general paths' text, on usual inputs and on the ones at
/// their edges (non-ASCII digits, CR LF, whitespace Foundation trims, years and amounts out of range).
struct SuperbillFormatFastPathTests {
    @Test func datesMatchTheGeneralPath() throws {
        let epoch = try #require(LocalDate(iso: "1970-01-01"))
        var dates = [try #require(LocalDate(iso: "2026-11-03")), try #require(LocalDate(iso: "1900-01-01")),
                     try #require(LocalDate(iso: "2999-12-31")), epoch]
        for days in [-700_000, -400_000, -365, 3_000_000, 2_932_896, 2_932_897] { dates.append(epoch.adding(days: days)) }
        #expect(dates.contains { $0.year < 1000 } && dates.contains { $0.year > 9999 }, "both ends of the fast range")
        for date in dates { #expect(SuperbillFormat.date(date) == SuperbillFormat.generalDate(date), "\(date.year)-\(date.month)-\(date.day)") }
    }

    @Test func amountsMatchTheGeneralPath() throws {
        let texts = ["0", "-0", "0.01", "-0.01", "0.5", "-40", "40.00", "1120", "999.99", "1000", "1234567.89", "-1234567.89",
                     "12.345", "9999999999.99", "-9999999999.99", "10000000000", "123456789012.5", "1e3", "0.001"]
        for text in texts {
            let amount = try #require(Decimal(string: text))
            #expect(SuperbillFormat.money(amount) == SuperbillFormat.generalMoney(amount), "\(text)")
        }
        #expect(SuperbillFormat.money(Decimal(string: "1234567.89")!) == "$1,234,567.89")
    }

    @Test func identifiersMatchTheGeneralPath() {
        let texts = ["", "371234567", "37-1234567", "37123456", "3712345678", "629011234", "62901", "62901-1234", "6185550100",
                     "+1 618 555 0101", "(618) 555-0100", "618555010", "50458002803", "5045800280", "5045800280a",
                     "３７１２３４５６７", "٦١٨٥٥٥٠١٠٠", "6185550\r\n100", "62901123\r\n", "5045800280\r\n", "5045800280é",
                     "618555010\u{0663}", "\t371234567"]
        for text in texts {
            #expect(SuperbillFormat.taxId(text) == SuperbillFormat.generalTaxId(text), "taxId \(text.debugDescription)")
            #expect(SuperbillFormat.zip(text) == SuperbillFormat.generalZip(text), "zip \(text.debugDescription)")
            #expect(SuperbillFormat.phone(text) == SuperbillFormat.generalPhone(text), "phone \(text.debugDescription)")
            #expect(SuperbillFormat.ndc(text) == SuperbillFormat.generalNDC(text), "ndc \(text.debugDescription)")
        }
        #expect(SuperbillFormat.phone("6185550100") == "(618) 555-0100")
        #expect(SuperbillFormat.ndc("50458002803") == "50458-0028-03")
    }

    @Test func namesMatchTheGeneralPath() throws {
        let birth = try #require(LocalDate(iso: "1980-05-01"))
        let address = Address(line1: "1 Main St", city: "Carbondale", state: "IL", zip: "629011234")
        let parts: [(String, String?, String)] = [
            ("Dana", nil, "Reyes"), ("Dana", "Q", "Reyes"), ("Dana", "", "Reyes"), ("  Dana ", "Q", "Reyes\t"),
            ("José", nil, "Peña"), ("Dana\u{00A0}", nil, "Reyes"), ("\u{2028}Dana", nil, "Reyes"), ("Dana", "\u{3000}", "Reyes"),
            ("Dana\u{0085}", nil, "Reyes"), ("小明", nil, "王"), ("", nil, "Reyes"), ("e\u{301}", nil, "Reyes"), (" ", " ", " "),
        ]
        for (first, middle, last) in parts {
            let person = Person(firstName: first, middleName: middle, lastName: last, dateOfBirth: birth, sex: .female, address: address)
            #expect(SuperbillFormat.name(person) == SuperbillFormat.generalName(person), "\([first, middle ?? "nil", last].debugDescription)")
        }
    }

    /// The footer's CSS string: escaped only when it has something to escape, the same either way.
    @Test func theFooterIsEscapedOnlyWhenNeeded() {
        #expect(SuperbillRenderer.css(footer: "Superbill SB-1").contains("content: \"Superbill SB-1\";"))
        #expect(SuperbillRenderer.css(footer: "Superbill \"a\\b<c").contains("content: \"Superbill \\\"a\\\\b\\3C c\";"))
    }
}
