import ClaimsCore
import Foundation
import Yams

/// Reads `Payers/`: one `kind: shared` file (`common.yaml`: services, codes, NDCs, named
/// conditions, rules for every payer) and one `kind: payer` file per payer, named after its slug.
/// Every problem is reported with file, line and column (docs/rule-files.md).
public enum RuleBookLoader {
    public static let sharedFileName = "common.yaml"

    /// A rule file read from disk (or given by an admin), before it is combined.
    public struct Source: Sendable, Hashable {
        public var path: String
        public var text: String
        public init(path: String, text: String) { self.path = path; self.text = text }
        public var fileName: String { (path as NSString).lastPathComponent }
    }

    /// Reads every `*.yaml`/`*.yml` file in `directory`.
    public static func sources(inDirectory directory: String) throws -> [Source] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RuleFilesInvalid(diagnostics: [RuleFileDiagnostic(file: directory, line: 1, column: 1,
                message: "the payer rules directory does not exist; pass --payers DIR or set CLAIMS_PAYERS")])
        }
        let names = try manager.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .filter { !$0.hasPrefix(".") }
            .sorted()
        var sources: [Source] = []
        var problems: [RuleFileDiagnostic] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if let problem = linkOutside(path, directory: directory) {
                problems.append(problem)
                continue
            }
            do { sources.append(Source(path: path, text: try readText(atPath: path, what: "the file"))) } catch { problems += error.diagnostics }
        }
        if !problems.isEmpty {
            // Every problem, not just the unreadable files: the readable ones are checked too.
            var everything = problems
            do { _ = try combine(sources) } catch {
                everything += error.diagnostics.filter { found in !problems.contains { $0.file == found.file } }
            }
            throw RuleFilesInvalid(diagnostics: everything)
        }
        return sources
    }

    /// A rule file that is a symbolic link must point inside the rules directory: a link out of it
    /// would put rules in force that no admin applied, recorded or can see in `payers status`.
    static func linkOutside(_ path: String, directory: String) -> RuleFileDiagnostic? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return nil }
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
        guard let resolved = realPath(path) else {
            return RuleFileDiagnostic(file: path, line: 1, column: 1,
                message: "is a symbolic link to \(target), which does not exist; remove the link or put the file itself here")
        }
        let root = realPath(directory) ?? directory
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            return RuleFileDiagnostic(file: path, line: 1, column: 1,
                message: "is a symbolic link to \(resolved), outside the rules directory \(root); rule files must live in it — replace the link with the file (cp) and record it with `claims payers apply`")
        }
        return nil
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads one rule file: a regular file (a FIFO or device would block or never end) of at most
    /// `YAMLLimits.maximumBytes`, in UTF-8.
    public static func source(atPath path: String) throws -> Source {
        Source(path: path, text: try readText(atPath: path, what: "the file"))
    }

    static func readText(atPath path: String, what: String) throws(RuleFilesInvalid) -> String {
        func refuse(_ message: String) -> RuleFilesInvalid {
            RuleFilesInvalid(diagnostics: [RuleFileDiagnostic(file: path, line: 1, column: 1, message: message)])
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw refuse("cannot read \(what): \(String(cString: strerror(errno))); check that it exists and is readable")
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw refuse("\(what) is not a regular file (a directory, device or pipe); name a YAML file") }
        guard Int(status.st_size) <= YAMLLimits.maximumBytes else { throw refuse(GuardedYAML.sizeMessage(Int(status.st_size))) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw refuse("cannot read \(what); check that it exists and is readable")
        }
        defer { try? handle.close() }
        // Read one byte past the limit: a file that grew since stat() is still refused.
        let data = (try? handle.read(upToCount: YAMLLimits.maximumBytes + 1)) ?? Data()
        guard data.count <= YAMLLimits.maximumBytes else { throw refuse(GuardedYAML.sizeMessage(data.count)) }
        guard let text = String(data: data, encoding: .utf8) else { throw refuse("\(what) is not UTF-8 text") }
        return text
    }

    /// Loads the whole directory; throws `RuleFilesInvalid` listing every problem.
    public static func load(directory: String) throws -> RuleBook {
        try combine(sources(inDirectory: directory))
    }

    /// Combines sources into a rule book: exactly one shared file, and payer files whose names match their slugs.
    public static func combine(_ sources: [Source]) throws(RuleFilesInvalid) -> RuleBook {
        var diagnostics: [RuleFileDiagnostic] = []
        var sharedSource: (Source, Node)?
        var payerSources: [(Source, Node)] = []
        for source in sources {
            if let tooDeep = YAMLNestingLimit.problem(in: source.text, file: source.path) {
                diagnostics.append(tooDeep)
                continue
            }
            let node: Node
            switch GuardedYAML.compose(source.text, file: source.path) {
            case .failure(let problem):
                diagnostics.append(problem)
                continue
            case .success(nil):
                diagnostics.append(.init(file: source.path, line: 1, column: 1, message: "the file is empty"))
                continue
            case .success(let composed?):
                node = composed
            }
            if node["kind"]?.string == "shared" {
                if let first = sharedSource {
                    diagnostics.append(.init(file: source.path, line: 1, column: 1,
                                             message: "a second shared file; \(first.0.path) is already the shared file"))
                } else {
                    sharedSource = (source, node)
                }
            } else {
                payerSources.append((source, node))
            }
        }
        guard let sharedSource else {
            diagnostics.append(.init(file: sources.first.map { ($0.path as NSString).deletingLastPathComponent } ?? "Payers",
                                     line: 1, column: 1, message: "no shared rule file (kind: shared, normally \(sharedFileName)) was found"))
            throw RuleFilesInvalid(diagnostics: diagnostics)
        }
        var shared = SharedFileParser(source: sharedSource.0, root: sharedSource.1)
        let sharedPart = shared.parse()
        diagnostics += shared.reader.diagnostics
        var payers: [PayerSlug: PayerRules] = [:]
        for (source, node) in payerSources {
            var parser = PayerFileParser(source: source, node: node, shared: sharedPart)
            if let payer = parser.parse() {
                if payers[payer.slug] != nil {
                    parser.reader.report(node, "payer '\(payer.slug)' is defined twice")
                } else {
                    payers[payer.slug] = payer
                }
            }
            diagnostics += parser.reader.diagnostics
        }
        if !diagnostics.isEmpty { throw RuleFilesInvalid(diagnostics: diagnostics) }
        return RuleBook(codes: sharedPart.codes, sharedConditions: sharedPart.conditions, commonRules: sharedPart.rules, payers: payers)
    }
}

/// What payer files may refer to from the shared file.
struct SharedPart {
    var codes = CodeTable(services: [:], codes: [:])
    var conditions: [String: Condition] = [:]
    var rules: [Rule] = []
    /// Where the shared conditions and their references are written (for the reference checks of payer files).
    var conditionSources: [NamedConditionSource] = []
}

struct SharedFileParser {
    let source: RuleBookLoader.Source
    let root: Node
    var reader: YAMLNodeReader

    init(source: RuleBookLoader.Source, root: Node) {
        self.source = source
        self.root = root
        self.reader = YAMLNodeReader(file: source.path)
    }

    mutating func parse() -> SharedPart {
        var part = SharedPart()
        guard let top = reader.mapping(root, "the shared file", allowed: ["schemaVersion", "kind", "services", "codes", "ndcs", "conditions", "rules"],
                                       required: ["schemaVersion", "kind", "services", "codes"]) else { return part }
        checkSchemaVersion(top["schemaVersion"]?.value, &reader)
        if let services = reader.mapping(top["services"]?.value, "services", allowed: nil) {
            for (name, entry) in services.sorted(by: { $0.key < $1.key }) {
                guard ServiceNameRules.isValid(name) else {
                    reader.report(entry.key, "service name '\(name)' must be lower-case letters, digits and '-'")
                    continue
                }
                part.codes.services[name] = ServiceDefinition(name: name, description: reader.string(entry.value, "services.\(name)") ?? name)
            }
        }
        for item in reader.sequence(top["codes"]?.value, "codes") ?? [] {
            guard let fields = reader.mapping(item, "a code entry", allowed: ["code", "service", "description", "system", "addOn", "drug", "validFrom", "validTo", "replacedBy"],
                                              required: ["code", "service", "description"]),
                  let code = reader.string(fields["code"]?.value, "code") else { continue }
            if part.codes.codes[code] != nil { reader.report(fields["code"]?.value, "code \(code) is listed twice") }
            guard ProcedureCode.isWellFormed(code) else {
                reader.report(fields["code"]?.value, "code '\(code)' is not a CPT/HCPCS code (CPT: four digits and a digit or capital, e.g. 99214 or 0575T; HCPCS: a capital and four digits, e.g. G2083)")
                continue
            }
            let service = reader.string(fields["service"]?.value, "service") ?? ""
            if part.codes.services[service] == nil {
                reader.report(fields["service"]?.value, "unknown service '\(service)' for code \(code); known services: \(part.codes.services.keys.sorted().joined(separator: ", "))")
            }
            let system = fields["system"].flatMap { reader.string($0.value, "system") } ?? (code.first!.isNumber ? "CPT" : "HCPCS")
            if system != "CPT" && system != "HCPCS" { reader.report(fields["system"]?.value, "system must be CPT or HCPCS") }
            let from = fields["validFrom"].flatMap { reader.date($0.value, "validFrom") }
            let to = fields["validTo"].flatMap { reader.date($0.value, "validTo") }
            if let from, let to, to < from { reader.report(fields["validTo"]?.value, "validTo \(to) is before validFrom \(from)") }
            part.codes.codes[code] = ProcedureCode(
                code: code, service: service, description: reader.string(fields["description"]?.value, "description") ?? code,
                system: system, addOn: fields["addOn"].flatMap { reader.bool($0.value, "addOn") } ?? false,
                drug: fields["drug"].flatMap { reader.bool($0.value, "drug") } ?? false,
                validFrom: from, validTo: to, replacedBy: fields["replacedBy"].flatMap { reader.string($0.value, "replacedBy") })
        }
        for (code, definition) in part.codes.codes {
            if let replacement = definition.replacedBy, part.codes.codes[replacement] == nil {
                reader.report(nil, "code \(code) is replaced by unknown code \(replacement)")
            }
        }
        for item in reader.sequence(top["ndcs"]?.value, "ndcs") ?? [] {
            guard let fields = reader.mapping(item, "an NDC entry", allowed: ["ndc", "description", "units", "codes"], required: ["ndc", "description", "units", "codes"]),
                  let ndc = reader.string(fields["ndc"]?.value, "ndc") else { continue }
            guard ndc.count == 11, ndc.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                reader.report(fields["ndc"]?.value, "NDC '\(ndc)' must be 11 digits without hyphens (5-4-2)")
                continue
            }
            let codes = reader.strings(fields["codes"]?.value, "codes") ?? []
            for code in codes where part.codes.codes[code] == nil { reader.report(fields["codes"]?.value, "unknown code \(code) for NDC \(ndc)") }
            part.codes.ndcs[ndc] = NDCDefinition(ndc: ndc, description: reader.string(fields["description"]?.value, "description") ?? ndc,
                                                 units: reader.decimal(fields["units"]?.value, "units", in: RuleFileRanges.ndcUnits) ?? 0, codes: Set(codes))
        }
        var conditionParser = ConditionParser(codes: part.codes)
        if let conditions = reader.mapping(top["conditions"]?.value, "conditions", allowed: nil) {
            for (name, entry) in conditions.sorted(by: { $0.key < $1.key }) {
                if let condition = conditionParser.parse(entry.value, &reader) { part.conditions[name] = condition }
            }
            part.conditionSources = NamedConditionSource.all(in: conditions, file: source.path)
        }
        var ruleParser = RuleParser(payer: RuleBook.commonSlug, codes: part.codes, conditions: part.conditions)
        part.rules = ruleParser.parseRules(top["rules"]?.value, &reader)
        ConditionReferences.check(own: part.conditionSources, inherited: [], &reader)
        return part
    }
}

func checkSchemaVersion(_ node: Node?, _ reader: inout YAMLNodeReader) {
    if let node, let text = reader.string(node, "schemaVersion"), text != "1" {
        reader.report(node, "schemaVersion must be 1 (the only version this program reads)")
    }
}

/// Names of services, conditions and ids: lower-case words joined by '-' or '/'.
enum ServiceNameRules {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "/" }
    }
}

struct PayerFileParser {
    let source: RuleBookLoader.Source
    let node: Node
    let shared: SharedPart
    var reader: YAMLNodeReader

    init(source: RuleBookLoader.Source, node: Node, shared: SharedPart) {
        self.source = source; self.node = node; self.shared = shared
        self.reader = YAMLNodeReader(file: source.path)
    }

    mutating func parse() -> PayerRules? {
        guard let top = reader.mapping(node, "a payer file", allowed: ["schemaVersion", "kind", "payer", "conditions", "rules", "excludeCommonRules"],
                                       required: ["schemaVersion", "kind", "payer", "rules"]) else { return nil }
        checkSchemaVersion(top["schemaVersion"]?.value, &reader)
        if let kind = reader.string(top["kind"]?.value, "kind"), kind != "payer" {
            reader.report(top["kind"]?.value, "kind must be 'payer' (or 'shared' for the one shared file), not '\(kind)'")
        }
        guard let info = reader.mapping(top["payer"]?.value, "payer", allowed: ["slug", "name", "payerId", "payerIdVerified", "claimFilingIndicator", "priorAuthorizationDecisionDays", "note"],
                                        required: ["slug", "name"]),
              let slug = reader.string(info["slug"]?.value, "payer.slug") else { return nil }
        let expectedSlug = (source.fileName as NSString).deletingPathExtension
        if slug != expectedSlug {
            reader.report(info["slug"]?.value, "payer slug '\(slug)' must match the file name '\(source.fileName)'; rename the file to \(slug).yaml or fix the slug")
        }
        if !ServiceNameRules.isValid(slug) || slug == RuleBook.commonSlug {
            reader.report(info["slug"]?.value, "payer slug '\(slug)' must be lower-case letters, digits and '-', and not '\(RuleBook.commonSlug)'")
        }
        let filing = info["claimFilingIndicator"].flatMap { reader.string($0.value, "claimFilingIndicator") }
        let knownFiling: Set<String> = ["09", "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ"]
        if let filing, !knownFiling.contains(filing) {
            reader.report(info["claimFilingIndicator"]?.value, "claimFilingIndicator '\(filing)' is not an X12 SBR09 code (e.g. MC, MB, BL, CI)")
        }
        var conditions: [String: Condition] = [:]
        var conditionSources: [NamedConditionSource] = []
        var conditionParser = ConditionParser(codes: shared.codes)
        if let named = reader.mapping(top["conditions"]?.value, "conditions", allowed: nil) {
            for (name, entry) in named.sorted(by: { $0.key < $1.key }) {
                if let condition = conditionParser.parse(entry.value, &reader) { conditions[name] = condition }
            }
            conditionSources = NamedConditionSource.all(in: named, file: source.path)
        }
        let visible = shared.conditions.merging(conditions) { _, own in own }
        ConditionReferences.check(own: conditionSources, inherited: shared.conditionSources, &reader)
        var ruleParser = RuleParser(payer: slug, codes: shared.codes, conditions: visible)
        let rules = ruleParser.parseRules(top["rules"]?.value, &reader)
        let excluded = reader.strings(top["excludeCommonRules"]?.value, "excludeCommonRules") ?? []
        let commonIds = Set(shared.rules.map(\.id))
        for id in excluded where !commonIds.contains(id) {
            reader.report(top["excludeCommonRules"]?.value, "excludeCommonRules names '\(id)', which is not a rule of the shared file")
        }
        return PayerRules(
            slug: slug, name: reader.string(info["name"]?.value, "payer.name") ?? slug,
            payerId: info["payerId"].flatMap { reader.string($0.value, "payerId") },
            payerIdVerified: info["payerIdVerified"].flatMap { reader.bool($0.value, "payerIdVerified") } ?? true,
            claimFilingIndicator: filing,
            priorAuthorizationDecisionDays: info["priorAuthorizationDecisionDays"].flatMap { reader.int($0.value, "priorAuthorizationDecisionDays", in: RuleFileRanges.decisionDays, unit: " calendar days") },
            rules: rules, conditions: conditions, excludedCommonRules: Set(excluded),
            sourceFile: source.path, contentHash: SHA256.hex(Array(source.text.utf8)))
    }
}
