import ClaimsCore
import Foundation

/// The words of a Good Faith Estimate that do not depend on the patient: the notices 45 CFR
/// 149.610(c)(1) requires (items scheduled separately, only an estimate, the right to dispute a bill
/// $400 or more above it and where to learn how, not a contract) and the advice to keep a copy, as in
/// CMS's model notice. The HTML and the PDF print the same text.
public enum EstimateText {
    public static let title = "Good Faith Estimate"
    public static let subtitle = "Estimate of expected charges for uninsured or self-pay patients (No Surprises Act, 45 CFR 149.610)"

    /// Under the patient's name: what this is and why the patient has it.
    public static let introduction = "You are receiving this Good Faith Estimate because you do not have health coverage for the items "
        + "and services below, or you are not using it for them. Under the law, health care providers must give uninsured and "
        + "self-pay patients an estimate of the bill for items and services before they are furnished."

    /// Items expected with the primary service but scheduled separately (149.610(c)(1)(vi)–(vii)).
    public static let separatelyScheduled = "Every item and service the provider expects for this period of care is listed above. "
        + "The provider may recommend additional items or services that must be scheduled or requested separately; they are not "
        + "part of this estimate, and you can ask for a separate Good Faith Estimate for them at any time before they are scheduled."

    /// The required disclaimers, in order.
    public static let disclaimers: [(heading: String, text: String)] = [
        ("This is an estimate",
         "This Good Faith Estimate shows the costs of items and services that are reasonably expected for your health care needs, "
         + "based on information known when the estimate was created. Actual items, services or charges may differ from the estimate. "
         + "It does not include unknown or unexpected costs that may arise during treatment: you could be charged more if "
         + "complications or special circumstances occur."),
        ("Your right to dispute the bill",
         "If you are billed at least $400 more than this Good Faith Estimate for any provider or facility listed, you have the right to "
         + "dispute the bill. You may contact the provider to let them know the billed charges are higher than the estimate, and ask "
         + "them to update the bill to match it, to negotiate the bill, or whether financial assistance is available. You may also "
         + "start the patient-provider dispute resolution process with the U.S. Department of Health and Human Services (HHS) within "
         + "120 calendar days (about 4 months) of the date on the original bill; there is a $25 fee. Starting a dispute will not "
         + "affect the quality of the health care services you receive."),
        ("Where to find more information",
         "To learn more about your right to a Good Faith Estimate and how to start a dispute, visit www.cms.gov/nosurprises or call "
         + "1-800-985-3059."),
        ("Not a contract",
         "This Good Faith Estimate is not a contract and does not require you to obtain the items or services from any of the "
         + "providers or facilities identified in it."),
        ("Keep a copy",
         "Keep a copy of this Good Faith Estimate in a safe place or take pictures of it. You may need it if you are billed a higher amount."),
    ]

    /// The estimate's date line: the date it was given (the run's processing date).
    public static func dateLine(_ estimate: GoodFaithEstimate) -> String {
        "Date of Good Faith Estimate: \(SuperbillFormat.date(estimate.issued))"
    }

    /// The expected period of care (first and last scheduled dates).
    public static func period(_ estimate: GoodFaithEstimate) -> String {
        let dates = estimate.dates
        guard let first = dates.first, let last = dates.last else { return "" }
        return first == last ? SuperbillFormat.date(first) : "\(SuperbillFormat.date(first)) to \(SuperbillFormat.date(last))"
    }

    /// `Carbondale, IL` style place of a site, with its street address.
    public static func siteLines(_ site: GoodFaithEstimate.Site) -> [String] {
        [site.name] + SuperbillFormat.addressLines(site.address) + (site.npi.map { ["NPI \($0)"] } ?? [])
    }
}
