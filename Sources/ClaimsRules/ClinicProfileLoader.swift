import ClaimsCore
import Foundation
import Yams

/// Reads `clinic.yaml` (Samples/clinic.yaml is the example): every problem with line and column.
public enum ClinicProfileLoader {
    public static func load(path: String) throws(RuleFilesInvalid) -> ClinicProfile {
        let text: String
        do { text = try RuleBookLoader.readText(atPath: path, what: "the clinic profile") } catch {
            throw RuleFilesInvalid(diagnostics: error.diagnostics.map {
                var problem = $0
                problem.message += "; pass --clinic FILE or set CLAIMS_CLINIC (Samples/clinic.yaml is an example)"
                return problem
            })
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(RuleFilesInvalid) -> ClinicProfile {
        var reader = YAMLNodeReader(file: file)
        if let tooDeep = YAMLNestingLimit.problem(in: text, file: file) { throw RuleFilesInvalid(diagnostics: [tooDeep]) }
        let root: Node?
        switch GuardedYAML.compose(text, file: file) {
        case .success(let node): root = node
        case .failure(let problem): throw RuleFilesInvalid(diagnostics: [problem])
        }
        guard let top = reader.mapping(root, "the clinic profile", allowed: ["billingProvider", "submitter", "receiver", "interchange", "admins", "superbillStatement",
                                                                                      "locations", "providers", "network", "eligibilityMaxAgeDays"],
                                       required: ["billingProvider", "submitter", "receiver", "interchange"]) else {
            throw RuleFilesInvalid(diagnostics: reader.diagnostics.isEmpty ? [RuleFileDiagnostic(file: file, line: 1, column: 1, message: "the clinic profile is empty")] : reader.diagnostics)
        }
        func digits(_ node: Node?, _ what: String, count: Int) -> String? {
            guard let value = reader.string(node, what) else { return nil }
            if value.count != count || !value.allSatisfy({ $0.isASCII && $0.isNumber }) {
                reader.report(node, "\(what) '\(value)' must be \(count) digits without punctuation")
            }
            return value
        }
        func identifier(_ node: Node?, _ what: String, maxLength: Int) -> String? {
            guard let value = reader.string(node, what) else { return nil }
            if value.count > maxLength || !value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-") }) {
                reader.report(node, "\(what) '\(value)' must be at most \(maxLength) letters, digits, spaces or '-'")
            }
            return value
        }
        /// Text that travels in an 837P element: plain ASCII without the interchange's separators,
        /// within the element's length — refused here, with its line, instead of at every batch.
        func x12Text(_ node: Node?, _ what: String, element: String, length: ClosedRange<Int>) -> String? {
            guard let value = reader.string(node, what) else { return nil }
            if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 || $0.value > 0x7E || X12Separators.contains($0) }) {
                let shown = bad.value < 0x20 || bad.value == 0x7F ? "a control character" : "'\(bad)'"
                reader.report(node, "\(what) contains \(shown), which cannot travel in an 837P (\(element)); use plain ASCII letters, digits and punctuation other than * : ^ ~ |")
            } else if !length.contains(value.count) {
                reader.report(node, "\(what) has \(value.count) characters; \(element) takes \(length.lowerBound)–\(length.upperBound)")
            }
            return value
        }
        func address(_ node: Node?, _ what: String) -> Address? {
            guard let fields = reader.mapping(node, what, allowed: ["line1", "line2", "city", "state", "zip"], required: ["line1", "city", "state", "zip"]),
                  let line1 = x12Text(fields["line1"]?.value, "\(what).line1", element: "N301", length: 1...55),
                  let city = x12Text(fields["city"]?.value, "\(what).city", element: "N401", length: 2...30),
                  let state = x12Text(fields["state"]?.value, "\(what).state", element: "N402", length: 2...2),
                  let zip = digits(fields["zip"]?.value, "\(what).zip (ZIP+4)", count: 9) else { return nil }
            return Address(line1: line1, line2: fields["line2"].flatMap { x12Text($0.value, "\(what).line2", element: "N302", length: 1...55) },
                           city: city, state: state, zip: zip)
        }
        var billing: ClinicProfile.BillingProvider?
        if let fields = reader.mapping(top["billingProvider"]?.value, "billingProvider", allowed: ["name", "npi", "taxId", "taxonomy", "address", "phone"],
                                       required: ["name", "npi", "taxId", "taxonomy", "address"]) {
            let npi = reader.string(fields["npi"]?.value, "billingProvider.npi")
            if let npi, !NPI.isValid(npi) { reader.report(fields["npi"]?.value, "billingProvider.npi '\(npi)' is not a valid NPI (10 digits, Luhn check digit)") }
            if let name = x12Text(fields["name"]?.value, "billingProvider.name", element: "NM103", length: 1...60), let npi,
               let taxId = digits(fields["taxId"]?.value, "billingProvider.taxId (EIN)", count: 9),
               let taxonomy = x12Text(fields["taxonomy"]?.value, "billingProvider.taxonomy", element: "PRV03", length: 10...10),
               let address = address(fields["address"]?.value, "billingProvider.address") {
                billing = .init(name: name, npi: npi, taxId: taxId, taxonomy: taxonomy, address: address,
                                phone: fields["phone"].flatMap { digits($0.value, "billingProvider.phone", count: 10) })
            }
        }
        var submitter: ClinicProfile.Submitter?
        if let fields = reader.mapping(top["submitter"]?.value, "submitter", allowed: ["name", "id", "contactName", "phone", "email"],
                                       required: ["name", "id", "contactName", "phone"]),
           let name = x12Text(fields["name"]?.value, "submitter.name", element: "NM103", length: 1...60),
           let id = identifier(fields["id"]?.value, "submitter.id", maxLength: 80),
           let contact = x12Text(fields["contactName"]?.value, "submitter.contactName", element: "PER02", length: 1...60),
           let phone = digits(fields["phone"]?.value, "submitter.phone", count: 10) {
            submitter = .init(name: name, id: id, contactName: contact, phone: phone, email: fields["email"].flatMap { x12Text($0.value, "submitter.email", element: "PER06", length: 1...256) })
        }
        var receiver: ClinicProfile.Receiver?
        if let fields = reader.mapping(top["receiver"]?.value, "receiver", allowed: ["name", "id"], required: ["name", "id"]),
           let name = x12Text(fields["name"]?.value, "receiver.name", element: "NM103", length: 1...60),
           let id = identifier(fields["id"]?.value, "receiver.id", maxLength: 80) {
            receiver = .init(name: name, id: id)
        }
        var interchange: ClinicProfile.Interchange?
        if let fields = reader.mapping(top["interchange"]?.value, "interchange",
                                       allowed: ["senderQualifier", "senderId", "receiverQualifier", "receiverId", "applicationSenderCode", "applicationReceiverCode", "usage"],
                                       required: ["senderId", "receiverId", "applicationSenderCode", "applicationReceiverCode", "usage"]),
           let sender = identifier(fields["senderId"]?.value, "interchange.senderId", maxLength: 15),
           let receiverId = identifier(fields["receiverId"]?.value, "interchange.receiverId", maxLength: 15),
           let appSender = identifier(fields["applicationSenderCode"]?.value, "interchange.applicationSenderCode", maxLength: 15),
           let appReceiver = identifier(fields["applicationReceiverCode"]?.value, "interchange.applicationReceiverCode", maxLength: 15),
           let usage = reader.string(fields["usage"]?.value, "interchange.usage") {
            if usage != "T" && usage != "P" { reader.report(fields["usage"]?.value, "interchange.usage must be T (test) or P (production)") }
            let qualifiers: Set<String> = ["01", "14", "20", "27", "28", "29", "30", "33", "ZZ"]
            let senderQualifier = fields["senderQualifier"].flatMap { reader.string($0.value, "interchange.senderQualifier") } ?? "ZZ"
            let receiverQualifier = fields["receiverQualifier"].flatMap { reader.string($0.value, "interchange.receiverQualifier") } ?? "ZZ"
            for (value, key) in [(senderQualifier, "senderQualifier"), (receiverQualifier, "receiverQualifier")] where !qualifiers.contains(value) {
                reader.report(fields[key]?.value, "interchange.\(key) '\(value)' must be an ISA qualifier such as ZZ, 01, 30")
            }
            interchange = .init(senderQualifier: senderQualifier, senderId: sender, receiverQualifier: receiverQualifier, receiverId: receiverId,
                                applicationSenderCode: appSender, applicationReceiverCode: appReceiver, usage: usage)
        }
        // CONTRACT §6: service sites, rendering providers, network status per payer (all optional).
        var locations: [ClinicProfile.Location] = []
        for (offset, item) in (top["locations"].flatMap { reader.sequence($0.value, "locations") } ?? []).enumerated() {
            let what = "locations[\(offset)]"
            guard let fields = reader.mapping(item, what, allowed: ["id", "name", "address", "npi"], required: ["id", "name", "address"]),
                  let id = identifier(fields["id"]?.value, "\(what).id", maxLength: 40),
                  let name = x12Text(fields["name"]?.value, "\(what).name", element: "2310C NM103", length: 1...60),
                  let site = address(fields["address"]?.value, "\(what).address") else { continue }
            let npi = fields["npi"].flatMap { reader.string($0.value, "\(what).npi") }
            if let npi, !NPI.isValid(npi) { reader.report(fields["npi"]?.value, "\(what).npi '\(npi)' is not a valid NPI (10 digits, Luhn check digit)") }
            if locations.contains(where: { $0.id == id }) { reader.report(fields["id"]?.value, "\(what).id '\(id)' is used by another location; ids must be unique") }
            locations.append(.init(id: id, name: name, address: site, npi: npi))
        }
        var providers: [ClinicProfile.Provider] = []
        for (offset, item) in (top["providers"].flatMap { reader.sequence($0.value, "providers") } ?? []).enumerated() {
            let what = "providers[\(offset)]"
            guard let fields = reader.mapping(item, what, allowed: ["npi", "firstName", "lastName", "credentials", "license"], required: ["npi", "firstName", "lastName"]),
                  let npi = reader.string(fields["npi"]?.value, "\(what).npi"),
                  let first = x12Text(fields["firstName"]?.value, "\(what).firstName", element: "NM104", length: 1...35),
                  let last = x12Text(fields["lastName"]?.value, "\(what).lastName", element: "NM103", length: 1...60) else { continue }
            if !NPI.isValid(npi) { reader.report(fields["npi"]?.value, "\(what).npi '\(npi)' is not a valid NPI (10 digits, Luhn check digit)") }
            if npi == billing?.npi { reader.report(fields["npi"]?.value, "\(what).npi is the billing provider's NPI; a rendering provider has an individual NPI") }
            var license: (number: String?, state: String?) = (nil, nil)
            if let node = fields["license"]?.value, let parts = reader.mapping(node, "\(what).license", allowed: ["number", "state"], required: ["number"]) {
                license = (reader.string(parts["number"]?.value, "\(what).license.number"), parts["state"].flatMap { reader.string($0.value, "\(what).license.state") })
            }
            providers.append(.init(npi: npi, firstName: first, lastName: last,
                                   credentials: fields["credentials"].flatMap { reader.string($0.value, "\(what).credentials") },
                                   licenseNumber: license.number, licenseState: license.state))
        }
        var network: [String: ClinicProfile.NetworkStatus] = [:]
        if let node = top["network"]?.value, let entries = reader.mapping(node, "network", allowed: nil) {
            for (slug, entry) in entries {
                guard let text = reader.string(entry.value, "network.\(slug)") else { continue }
                guard let status = ClinicProfile.NetworkStatus(rawValue: text) else {
                    reader.report(entry.value, "network.\(slug) must be in or out, not '\(text)'")
                    continue
                }
                network[slug] = status
            }
        }
        let admins = reader.strings(top["admins"]?.value, "admins") ?? []
        let statement = top["superbillStatement"].flatMap { reader.string($0.value, "superbillStatement") }
        let eligibilityMaxAge = top["eligibilityMaxAgeDays"].flatMap { reader.int($0.value, "eligibilityMaxAgeDays", in: 0...3650, unit: " days") }
        guard reader.diagnostics.isEmpty, let billing, let submitter, let receiver, let interchange else {
            throw RuleFilesInvalid(diagnostics: reader.diagnostics)
        }
        return ClinicProfile(billingProvider: billing, submitter: submitter, receiver: receiver, interchange: interchange,
                             admins: admins, superbillStatement: statement, locations: locations, providers: providers, network: network,
                             eligibilityMaxAgeDays: eligibilityMaxAge ?? EligibilityBook.defaultMaxAgeDays)
    }
}
