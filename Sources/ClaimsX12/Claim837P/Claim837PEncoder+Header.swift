import ClaimsCore

/// The parts of every transaction set that come from the clinic profile and the payer file,
/// checked once per file: 1000A submitter, 1000B receiver, 2000A/2010AA billing provider,
/// 2010BB payer, and the ISA/GS identifiers.
struct HeaderParts {
    var senderQualifier = ""
    var senderId = ""
    var receiverQualifier = ""
    var receiverId = ""
    var applicationSender = ""
    var applicationReceiver = ""
    var usage = ""
    /// NM1*41, PER*IC, NM1*40.
    var submitterAndReceiver: [X12Segment] = []
    /// PRV*BI, NM1*85, N3, N4, REF*EI (after HL*1**20*1).
    var billingProvider: [X12Segment] = []
    /// NM1*PR (2010BB).
    var payer = X12Segment("NM1")
    /// SBR09.
    var claimFilingIndicator = ""
}

extension Claim837PEncoder {
    /// Claim filing indicator codes of the 005010X222A1 SBR09 list (pyx12 rejects others).
    public static let claimFilingIndicators: Set<String> = [
        "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC",
        "OF", "TV", "VA", "WC", "ZZ",
    ]

    static func headerParts(clinic: ClinicProfile, payer: PayerRules,
                            writerConfiguration: X12Writer.Configuration) -> (parts: HeaderParts, problems: [Claim837PError]) {
        var check = FieldChecker(encounterId: nil, delimiters: writerConfiguration.delimiters)
        var parts = HeaderParts()
        let interchange = clinic.interchange

        parts.senderQualifier = check.text(interchange.senderQualifier, "clinic.interchange.senderQualifier", "ISA05", length: 2...2)
        parts.senderId = check.text(interchange.senderId, "clinic.interchange.senderId", "ISA06", length: 1...15)
        parts.receiverQualifier = check.text(interchange.receiverQualifier, "clinic.interchange.receiverQualifier", "ISA07", length: 2...2)
        parts.receiverId = check.text(interchange.receiverId, "clinic.interchange.receiverId", "ISA08", length: 1...15)
        parts.applicationSender = check.text(interchange.applicationSenderCode, "clinic.interchange.applicationSenderCode", "GS02", length: 2...15)
        parts.applicationReceiver = check.text(interchange.applicationReceiverCode, "clinic.interchange.applicationReceiverCode", "GS03", length: 2...15)
        parts.usage = interchange.usage.uppercased()
        if parts.usage != "T" && parts.usage != "P" {
            check.fail("clinic.interchange.usage", "is '\(interchange.usage)'; ISA15 is T (test) or P (production)")
        }
        if writerConfiguration.delimiters.repetition == nil {
            check.fail("writer.delimiters.repetition", "is not set; 5010 requires a repetition separator in ISA11")
        }

        // 1000A submitter and 1000B receiver.
        let submitter = clinic.submitter
        let submitterName = check.text(submitter.name, "clinic.submitter.name", "NM103", length: 1...60)
        let submitterId = check.text(submitter.id, "clinic.submitter.id", "NM109", length: 2...80)
        let contact = check.text(submitter.contactName, "clinic.submitter.contactName", "PER02", length: 1...60)
        let phone = check.digits(Self.phoneDigits(submitter.phone), "clinic.submitter.phone", "PER04", counts: [10],
                                 what: "a 10-digit phone number (area code first)")
        let email = check.text(submitter.email, "clinic.submitter.email", "PER06", length: 1...256, required: false)
        let receiverName = check.text(clinic.receiver.name, "clinic.receiver.name", "NM103", length: 1...60)
        let receiverId = check.text(clinic.receiver.id, "clinic.receiver.id", "NM109", length: 2...80)
        parts.submitterAndReceiver = [
            X12Segment("NM1", "41", "2", X12Element(submitterName), "", "", "", "", "46", X12Element(submitterId)),
            X12Segment("PER", "IC", X12Element(contact), "TE", X12Element(phone), email.isEmpty ? "" : "EM", X12Element(email)),
            X12Segment("NM1", "40", "2", X12Element(receiverName), "", "", "", "", "46", X12Element(receiverId)),
        ]

        // 2000A / 2010AA billing provider: a street address with ZIP+4, EIN in REF*EI.
        let provider = clinic.billingProvider
        let taxonomy = check.text(provider.taxonomy, "clinic.billingProvider.taxonomy", "PRV03", length: 10...10, required: false)
        let providerName = check.text(provider.name, "clinic.billingProvider.name", "NM103", length: 1...60)
        let npi = check.npi(provider.npi, "clinic.billingProvider.npi", "NM109")
        let taxId = check.digits(provider.taxId, "clinic.billingProvider.taxId", "REF02", counts: [9], what: "the 9-digit EIN without a hyphen")
        let address = Self.addressSegments(provider.address, field: "clinic.billingProvider.address", zipCounts: [9],
                                      zipWhat: "a 9-digit ZIP+4 (2010AA must carry ZIP+4; never pad it with 9999)", check: &check)
        parts.billingProvider = (taxonomy.isEmpty ? [] : [X12Segment("PRV", "BI", "PXC", X12Element(taxonomy))])
            + [X12Segment("NM1", "85", "2", X12Element(providerName), "", "", "", "", "XX", X12Element(npi))]
            + address
            + [X12Segment("REF", "EI", X12Element(taxId))]

        // 2010BB payer and SBR09 from the payer file.
        let payerFile = payer.sourceFile.isEmpty ? "the payer file of '\(payer.slug)'" : payer.sourceFile
        if payer.isSelfPay {
            check.fail("payer", "'\(payer.slug)' is self-pay; self-pay encounters go on superbills, not on an 837P")
        }
        let payerName = check.text(payer.name, "payer.name", "NM103 of 2010BB (\(payerFile))", length: 1...60)
        let payerId = check.text(payer.payerId, "payer.payerId", "NM109 of 2010BB (\(payerFile))", length: 2...80)
        parts.payer = X12Segment("NM1", "PR", "2", X12Element(payerName), "", "", "", "", "PI", X12Element(payerId))
        let indicator = (payer.claimFilingIndicator ?? "").uppercased()
        if !Self.claimFilingIndicators.contains(indicator) {
            check.fail("payer.claimFilingIndicator",
                       "is '\(payer.claimFilingIndicator ?? "")' in \(payerFile); SBR09 must be one of "
                       + Self.claimFilingIndicators.sorted().joined(separator: ", "))
        }
        parts.claimFilingIndicator = indicator
        return (parts, check.problems)
    }

    /// N3 (+ line 2) and N4 for an address. ZIPs are digits only.
    static func addressSegments(_ address: Address, field: String, zipCounts: [Int], zipWhat: String,
                                check: inout FieldChecker) -> [X12Segment] {
        let line1 = check.text(address.line1, field + ".line1", "N301", length: 1...55)
        let line2 = check.text(address.line2, field + ".line2", "N302", length: 1...55, required: false)
        let city = check.text(address.city, field + ".city", "N401", length: 2...30)
        let state = check.state(address.state, field + ".state")
        let zip = check.digits(address.zip, field + ".zip", "N403", counts: zipCounts, what: zipWhat)
        return [
            X12Segment("N3", X12Element(line1), X12Element(line2)),
            X12Segment("N4", X12Element(city), X12Element(state), X12Element(zip)),
        ]
    }

    /// `(618) 555-0100` → `6185550100`: punctuation is formatting, not data.
    static func phoneDigits(_ phone: String) -> String {
        let kept = phone.unicodeScalars.filter { !" ()-.+".unicodeScalars.contains($0) }
        var digits = String(String.UnicodeScalarView(kept))
        if digits.count == 11 && digits.hasPrefix("1") { digits.removeFirst() }
        return digits
    }
}
