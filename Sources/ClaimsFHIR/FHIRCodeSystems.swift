/// Code system and identifier-system URIs written on claims (see docs/fhir.md for the choices).
public enum FHIRCodeSystem {
    public static let namespace = "http://hl7.org/fhir"
    public static let claimType = "http://terminology.hl7.org/CodeSystem/claim-type"
    public static let processPriority = "http://terminology.hl7.org/CodeSystem/processpriority"
    public static let careTeamRole = "http://terminology.hl7.org/CodeSystem/claimcareteamrole"
    public static let diagnosisType = "http://terminology.hl7.org/CodeSystem/ex-diagnosistype"
    public static let identifierType = "http://terminology.hl7.org/CodeSystem/v2-0203"
    public static let icd10CM = "http://hl7.org/fhir/sid/icd-10-cm"
    /// CPT (AMA), for codes and modifiers that start with a digit.
    public static let cpt = "http://www.ama-assn.org/go/cpt"
    /// HCPCS Level II, the URI HL7 Terminology registers (US Core, Da Vinci PAS and CARIN BB use it),
    /// for codes and modifiers that start with a letter.
    public static let hcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
    public static let placeOfService = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
    public static let npi = "http://hl7.org/fhir/sid/us-npi"
    public static let ndc = "http://hl7.org/fhir/sid/ndc"
    public static let providerTaxonomy = "http://nucc.org/provider-taxonomy"
    public static let subscriberRelationship = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
    public static let coverageClass = "http://terminology.hl7.org/CodeSystem/coverage-class"
    public static let organizationType = "http://terminology.hl7.org/CodeSystem/organization-type"
    public static let relatedPersonRole = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
    /// The US Employer Identification Number (the billing provider's tax id).
    public static let taxId = "urn:oid:2.16.840.1.113883.4.4"
    /// The clearinghouse payer id (2010BB NM109): no registered system exists, so the project names
    /// one; change it if a receiver expects another (docs/fhir.md).
    public static let payerId = "https://claims.example.org/fhir/sid/payer-id"
    public static let claimInformationCategory = "http://terminology.hl7.org/CodeSystem/claiminformationcategory"
    /// RFC 3986 URIs as identifiers (the Bundle identifier is a `urn:uuid:`).
    public static let uriIdentifier = "urn:ietf:rfc:3986"

    /// Every system URI above: the project's schema accepts these and no other in `system`.
    public static let all = [claimType, processPriority, careTeamRole, diagnosisType, identifierType, icd10CM, cpt, hcpcs,
                             placeOfService, npi, ndc, providerTaxonomy, subscriberRelationship, coverageClass, organizationType,
                             relatedPersonRole, taxId, payerId, uriIdentifier]

    /// CPT Category I/III codes are five characters starting with a digit; HCPCS Level II codes start with a letter.
    /// The same split holds for modifiers (`25`, `95` are CPT; `KX`, `GT`, `RT` are HCPCS).
    public static func procedureSystem(for code: String) -> String {
        code.unicodeScalars.first.map { CharacterSetASCII.isLetter($0) } == true ? hcpcs : cpt
    }

    /// Names of the place-of-service codes this clinic uses (others are written without a display).
    static let placeOfServiceNames: [String: String] = [
        "02": "Telehealth Provided Other than in Patient's Home",
        "10": "Telehealth Provided in Patient's Home",
        "11": "Office",
        "19": "Off Campus-Outpatient Hospital",
        "22": "On Campus-Outpatient Hospital",
    ]
}

enum CharacterSetASCII {
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (65...90).contains(scalar.value) || (97...122).contains(scalar.value)
    }
}
