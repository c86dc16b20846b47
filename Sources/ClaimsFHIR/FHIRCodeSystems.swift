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

    /// Every system URI above: the project's schema accepts these and no other in `system`.
    public static let all = [claimType, processPriority, careTeamRole, diagnosisType, identifierType, icd10CM, cpt, hcpcs,
                             placeOfService, npi, ndc, providerTaxonomy]

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
