import ClaimsCore
import ClaimsSuperbill
import ClaimsTestSupport
import Foundation
import Testing

/// What an out-of-network reimbursement request needs on the superbill (issue 12): the rendering
/// provider's credentials and license from the clinic profile, the service site, and an infusion's
/// details under its line — in the HTML and the PDF alike.
@Suite struct SuperbillProviderSiteTests {
    static let marion = ClinicProfile.Location(
        id: "marion", name: "SIIP Marion Treatment Center",
        address: Address(line1: "2800 W Deyoung St", city: "Marion", state: "IL", zip: "629591234"), npi: "1386719441")

    static let clinic: ClinicProfile = {
        var clinic = Fixtures.clinic
        clinic.providers = [.init(npi: "1234567893", firstName: "Ravi", lastName: "Patel", credentials: "MD",
                                  licenseNumber: "036.123456", licenseState: "IL")]
        // A second site at the billing provider's own address: not a separate service site.
        clinic.locations = [marion, .init(id: "main", name: "SIIP Carbondale", address: clinic.billingProvider.address)]
        return clinic
    }()

    static let renderer = SuperbillRenderer(clinic: clinic, statementDate: SuperbillFixtures.statementDate,
                                            procedureDescriptions: SuperbillFixtures.descriptions)

    /// The HTML's visible text and the PDF's text (every page, strings joined by spaces).
    func texts(_ encounter: Encounter, renderer: SuperbillRenderer = renderer) throws -> (html: String, pdf: String) {
        let bill = try renderer.superbill(for: SuperbillFixtures.evaluation(encounter))
        return (renderer.html(bill).visibleText, try PDFInspector(renderer.pdf(bill)).pageTexts().joined(separator: " "))
    }

    @Test func aProviderInTheProfilePrintsCredentialsAndLicense() throws {
        let (html, pdf) = try texts(SuperbillFixtures.ketamineEncounter())
        for expected in ["Rendering provider Ravi Patel, MD Rendering NPI 1234567893 License 036.123456 (IL) Taxonomy 2084P0800X",
                         "Ravi Patel, MD, NPI 1234567893, license 036.123456 (IL)"] {
            #expect(html.contains(expected), "HTML: \(expected)")
            #expect(pdf.contains(expected), "PDF: \(expected)")
        }
    }

    @Test func aProviderNotInTheProfilePrintsWhatTheEncounterGives() throws {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.renderingProvider = RenderingProvider(npi: "1457392011", firstName: "Grace", lastName: "Okafor")
        let (html, pdf) = try texts(encounter)
        for text in [html, pdf] {
            #expect(text.contains("Rendering provider Grace Okafor Rendering NPI 1457392011 Practice"))
            #expect(text.contains("Grace Okafor, NPI 1457392011"))
            #expect(!text.contains("License"))
            #expect(!text.contains("license"))
        }
    }

    @Test func aServiceSiteAwayFromTheBillingAddressIsTheServiceAddress() throws {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.location = "marion"
        let (html, pdf) = try texts(encounter)
        let site = "Service address SIIP Marion Treatment Center 2800 W Deyoung St Marion, IL 62959-1234"
        #expect(html.contains(site))
        #expect(pdf.contains(site))
        #expect(!pdf.contains("Service address 1200 W Main St"))
    }

    @Test(arguments: [nil, "main"])
    func anEncounterAtTheBillingAddressPrintsTheBillingAddress(location: String?) throws {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.location = location
        let (html, pdf) = try texts(encounter)
        let billing = "Service address 1200 W Main St Suite 4 Carbondale, IL 62901-3210"
        #expect(html.contains(billing))
        #expect(pdf.contains(billing))
        #expect(!html.contains("SIIP"))
    }

    @Test func infusionDetailsPrintUnderTheirLine() throws {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.services[1].details = ["doseMg": "35", "start": "09:10", "end": "09:55", "lotNumber": "KT-2611", "route": "IV"]
        let (html, pdf) = try texts(encounter)
        let line = "96365 IV infusion, initial, up to 1 hour Dose 35 mg · Route IV · Start 09:10 · Stop 09:55 · Lot number KT-2611 A, B 1 $650.00"
        #expect(html.contains(line), "\(html)")
        #expect(pdf.contains(line), "\(pdf)")
        // Only that line has details.
        #expect(html.components(separatedBy: "Dose ").count == 2)
        #expect(pdf.components(separatedBy: "Dose ").count == 2)
    }

    @Test func detailsAreEscapedInTheHTML() throws {
        var encounter = SuperbillFixtures.ketamineEncounter()
        encounter.services[0].details = ["note": "<b>&</b>"]
        let bill = try Self.renderer.superbill(for: SuperbillFixtures.evaluation(encounter))
        let html = Self.renderer.html(bill)
        #expect(html.contains("<div class=\"details\">Note &lt;b&gt;&amp;&lt;/b&gt;</div>"))
    }
}
