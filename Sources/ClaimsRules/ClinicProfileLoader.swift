import ClaimsCore
import Foundation
import Yams

/// Reads `clinic.yaml` (Samples/clinic.yaml is the example): every problem with line and column.
public enum ClinicProfileLoader {
    public static func load(path: String) throws(RuleFilesInvalid) -> ClinicProfile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RuleFilesInvalid(diagnostics: [RuleFileDiagnostic(file: path, line: 1, column: 1,
                message: "cannot read the clinic profile; pass --clinic FILE or set CLAIMS_CLINIC (Samples/clinic.yaml is an example)")])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(RuleFilesInvalid) -> ClinicProfile {
        var reader = YAMLNodeReader(file: file)
        if let tooDeep = YAMLNestingLimit.problem(in: text, file: file) { throw RuleFilesInvalid(diagnostics: [tooDeep]) }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            let (line, column, problem) = error.positionAndProblem
            throw RuleFilesInvalid(diagnostics: [RuleFileDiagnostic(file: file, line: line, column: column, message: problem)])
        } catch {
            throw RuleFilesInvalid(diagnostics: [RuleFileDiagnostic(file: file, line: 1, column: 1, message: "\(error)")])
        }
        guard let top = reader.mapping(root, "the clinic profile", allowed: ["billingProvider", "submitter", "receiver", "interchange", "admins", "superbillStatement"],
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
        func address(_ node: Node?, _ what: String) -> Address? {
            guard let fields = reader.mapping(node, what, allowed: ["line1", "line2", "city", "state", "zip"], required: ["line1", "city", "state", "zip"]),
                  let line1 = reader.string(fields["line1"]?.value, "\(what).line1"), let city = reader.string(fields["city"]?.value, "\(what).city"),
                  let state = reader.string(fields["state"]?.value, "\(what).state"),
                  let zip = digits(fields["zip"]?.value, "\(what).zip (ZIP+4)", count: 9) else { return nil }
            return Address(line1: line1, line2: fields["line2"].flatMap { reader.string($0.value, "\(what).line2") }, city: city, state: state, zip: zip)
        }
        var billing: ClinicProfile.BillingProvider?
        if let fields = reader.mapping(top["billingProvider"]?.value, "billingProvider", allowed: ["name", "npi", "taxId", "taxonomy", "address", "phone"],
                                       required: ["name", "npi", "taxId", "taxonomy", "address"]) {
            let npi = reader.string(fields["npi"]?.value, "billingProvider.npi")
            if let npi, !NPI.isValid(npi) { reader.report(fields["npi"]?.value, "billingProvider.npi '\(npi)' is not a valid NPI (10 digits, Luhn check digit)") }
            if let name = reader.string(fields["name"]?.value, "billingProvider.name"), let npi,
               let taxId = digits(fields["taxId"]?.value, "billingProvider.taxId (EIN)", count: 9),
               let taxonomy = reader.string(fields["taxonomy"]?.value, "billingProvider.taxonomy"),
               let address = address(fields["address"]?.value, "billingProvider.address") {
                billing = .init(name: name, npi: npi, taxId: taxId, taxonomy: taxonomy, address: address,
                                phone: fields["phone"].flatMap { digits($0.value, "billingProvider.phone", count: 10) })
            }
        }
        var submitter: ClinicProfile.Submitter?
        if let fields = reader.mapping(top["submitter"]?.value, "submitter", allowed: ["name", "id", "contactName", "phone", "email"],
                                       required: ["name", "id", "contactName", "phone"]),
           let name = reader.string(fields["name"]?.value, "submitter.name"), let id = identifier(fields["id"]?.value, "submitter.id", maxLength: 80),
           let contact = reader.string(fields["contactName"]?.value, "submitter.contactName"),
           let phone = digits(fields["phone"]?.value, "submitter.phone", count: 10) {
            submitter = .init(name: name, id: id, contactName: contact, phone: phone, email: fields["email"].flatMap { reader.string($0.value, "submitter.email") })
        }
        var receiver: ClinicProfile.Receiver?
        if let fields = reader.mapping(top["receiver"]?.value, "receiver", allowed: ["name", "id"], required: ["name", "id"]),
           let name = reader.string(fields["name"]?.value, "receiver.name"), let id = identifier(fields["id"]?.value, "receiver.id", maxLength: 80) {
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
        let admins = reader.strings(top["admins"]?.value, "admins") ?? []
        let statement = top["superbillStatement"].flatMap { reader.string($0.value, "superbillStatement") }
        guard reader.diagnostics.isEmpty, let billing, let submitter, let receiver, let interchange else {
            throw RuleFilesInvalid(diagnostics: reader.diagnostics)
        }
        return ClinicProfile(billingProvider: billing, submitter: submitter, receiver: receiver, interchange: interchange,
                             admins: admins, superbillStatement: statement)
    }
}
