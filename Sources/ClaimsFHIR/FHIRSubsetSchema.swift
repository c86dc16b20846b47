/// The project's own XSD for exactly what `FHIRClaimWriter` writes: the R4 element names and order
/// (checked against the official `fhir-single.xsd` in tests), but stricter where we know more —
/// every primitive needs its `value`, codes have their shape (ICD-10-CM, CPT/HCPCS, NDC, NPI),
/// money has two decimals in USD. Embedded as a literal so the binary needs no resource bundle.
public enum FHIRSubsetSchema {
    public static let name = "claims-fhir-r4-claim-subset.xsd"

    public static let xsd = #"""
<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="http://hl7.org/fhir"
           targetNamespace="http://hl7.org/fhir" elementFormDefault="qualified">

  <xs:element name="Claim" type="Claim"/>
  <xs:element name="Bundle" type="Bundle"/>
  <xs:element name="Patient" type="Patient"/>
  <xs:element name="RelatedPerson" type="RelatedPerson"/>
  <xs:element name="Coverage" type="Coverage"/>
  <xs:element name="Organization" type="Organization"/>
  <xs:element name="Practitioner" type="Practitioner"/>

  <!-- Primitive value shapes -->
  <xs:simpleType name="id-primitive">
    <xs:restriction base="xs:string"><xs:pattern value="[A-Za-z0-9\-\.]{1,64}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="string-primitive">
    <!-- non-empty, no leading/trailing whitespace, one line -->
    <xs:restriction base="xs:string"><xs:pattern value="\S(.*\S)?"/></xs:restriction>
  </xs:simpleType>
  <!-- Every system URI the writer knows (FHIRCodeSystem.all): stricter than R4's \S* pattern, and
       an enumeration costs libxml2 string comparisons where a pattern runs its regex engine. -->
  <xs:simpleType name="uri-primitive">
    <xs:restriction base="xs:anyURI">
\#(FHIRCodeSystem.all.map { "      <xs:enumeration value=\"\($0)\"/>" }.joined(separator: "\n"))
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="code-primitive">
    <xs:restriction base="xs:token"><xs:pattern value="[^\s]+(\s[^\s]+)*"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="date-primitive">
    <xs:restriction base="xs:date"><xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="positiveInt-primitive">
    <xs:restriction base="xs:positiveInteger"><xs:pattern value="[1-9][0-9]*"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="amount-primitive">
    <xs:restriction base="xs:decimal"><xs:pattern value="[0-9]+\.[0-9]{2}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="quantity-primitive">
    <xs:restriction base="xs:decimal">
      <xs:pattern value="[0-9]+(\.[0-9]+)?"/><xs:minExclusive value="0"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:complexType name="IdValue"><xs:attribute name="value" type="id-primitive" use="required"/></xs:complexType>
  <xs:complexType name="StringValue"><xs:attribute name="value" type="string-primitive" use="required"/></xs:complexType>
  <xs:complexType name="UriValue"><xs:attribute name="value" type="uri-primitive" use="required"/></xs:complexType>
  <xs:complexType name="CodeValue"><xs:attribute name="value" type="code-primitive" use="required"/></xs:complexType>
  <xs:complexType name="DateValue"><xs:attribute name="value" type="date-primitive" use="required"/></xs:complexType>
  <xs:complexType name="PositiveIntValue"><xs:attribute name="value" type="positiveInt-primitive" use="required"/></xs:complexType>
  <xs:complexType name="BooleanValue"><xs:attribute name="value" use="required"><xs:simpleType>
    <xs:restriction base="xs:string"><xs:enumeration value="true"/><xs:enumeration value="false"/></xs:restriction>
  </xs:simpleType></xs:attribute></xs:complexType>
  <xs:complexType name="AmountValue"><xs:attribute name="value" type="amount-primitive" use="required"/></xs:complexType>
  <xs:complexType name="QuantityValue"><xs:attribute name="value" type="quantity-primitive" use="required"/></xs:complexType>

  <!-- Data types -->
  <xs:complexType name="Coding">
    <xs:sequence>
      <xs:element name="system" type="UriValue"/>
      <xs:element name="code" type="CodeValue"/>
      <xs:element name="display" type="StringValue" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="CodeableConcept">
    <xs:sequence><xs:element name="coding" type="Coding"/></xs:sequence>
  </xs:complexType>

  <xs:complexType name="DiagnosisCodeableConcept">
    <xs:sequence>
      <xs:element name="coding">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="system">
              <xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="http://hl7.org/fhir/sid/icd-10-cm"/></xs:complexType>
            </xs:element>
            <xs:element name="code">
              <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
                <xs:restriction base="xs:string"><xs:pattern value="[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?"/></xs:restriction>
              </xs:simpleType></xs:attribute></xs:complexType>
            </xs:element>
            <xs:element name="display" type="StringValue" minOccurs="0"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:simpleType name="procedure-system">
    <xs:restriction base="xs:string">
      <xs:enumeration value="http://www.ama-assn.org/go/cpt"/>
      <xs:enumeration value="http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:complexType name="ProcedureCodeableConcept">
    <xs:sequence>
      <xs:element name="coding">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="system"><xs:complexType><xs:attribute name="value" type="procedure-system" use="required"/></xs:complexType></xs:element>
            <xs:element name="code">
              <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
                <xs:restriction base="xs:string"><xs:pattern value="[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4}"/></xs:restriction>
              </xs:simpleType></xs:attribute></xs:complexType>
            </xs:element>
            <xs:element name="display" type="StringValue" minOccurs="0"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="ModifierCodeableConcept">
    <xs:sequence>
      <xs:element name="coding">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="system"><xs:complexType><xs:attribute name="value" type="procedure-system" use="required"/></xs:complexType></xs:element>
            <xs:element name="code">
              <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
                <xs:restriction base="xs:string"><xs:pattern value="[0-9A-Z]{2}"/></xs:restriction>
              </xs:simpleType></xs:attribute></xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="PlaceOfServiceCodeableConcept">
    <xs:sequence>
      <xs:element name="coding">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="system">
              <xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"/></xs:complexType>
            </xs:element>
            <xs:element name="code">
              <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
                <xs:restriction base="xs:string"><xs:pattern value="[0-9]{2}"/></xs:restriction>
              </xs:simpleType></xs:attribute></xs:complexType>
            </xs:element>
            <xs:element name="display" type="StringValue" minOccurs="0"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="NDCCodeableConcept">
    <xs:sequence>
      <xs:element name="coding">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="system"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="http://hl7.org/fhir/sid/ndc"/></xs:complexType></xs:element>
            <xs:element name="code">
              <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
                <xs:restriction base="xs:string"><xs:pattern value="[0-9]{11}"/></xs:restriction>
              </xs:simpleType></xs:attribute></xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="Identifier">
    <xs:sequence>
      <xs:element name="type" type="CodeableConcept" minOccurs="0"/>
      <xs:element name="system" type="UriValue" minOccurs="0"/>
      <xs:element name="value" type="StringValue"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="NPIIdentifier">
    <xs:sequence>
      <xs:element name="system"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="http://hl7.org/fhir/sid/us-npi"/></xs:complexType></xs:element>
      <xs:element name="value">
        <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
          <xs:restriction base="xs:string"><xs:pattern value="[0-9]{10}"/></xs:restriction>
        </xs:simpleType></xs:attribute></xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
  <!-- A literal reference to a resource of the same Bundle (`urn:uuid:`), with a display. -->
  <xs:complexType name="Reference">
    <xs:sequence>
      <xs:element name="reference">
        <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
          <xs:restriction base="xs:string"><xs:pattern value="urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/></xs:restriction>
        </xs:simpleType></xs:attribute></xs:complexType>
      </xs:element>
      <xs:element name="display" type="StringValue" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <!-- A logical reference (the service site: NPI and name, not a resource of the Bundle). -->
  <xs:complexType name="LogicalReference">
    <xs:sequence>
      <xs:element name="identifier" type="NPIIdentifier" minOccurs="0"/>
      <xs:element name="display" type="StringValue" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Period">
    <xs:sequence>
      <xs:element name="start" type="DateValue" minOccurs="0"/>
      <xs:element name="end" type="DateValue" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Money">
    <xs:sequence>
      <xs:element name="value" type="AmountValue"/>
      <xs:element name="currency"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="USD"/></xs:complexType></xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Quantity">
    <xs:sequence>
      <xs:element name="value" type="QuantityValue"/>
      <xs:element name="unit" type="StringValue" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <!-- Claim -->
  <xs:complexType name="Claim">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="identifier" type="Identifier"/>
      <xs:element name="status"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="active"/></xs:complexType></xs:element>
      <xs:element name="type" type="CodeableConcept"/>
      <xs:element name="use"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="claim"/></xs:complexType></xs:element>
      <xs:element name="patient" type="Reference"/>
      <xs:element name="billablePeriod" type="Period"/>
      <xs:element name="created" type="DateValue"/>
      <xs:element name="insurer" type="Reference"/>
      <xs:element name="provider" type="Reference"/>
      <xs:element name="priority" type="CodeableConcept"/>
      <xs:element name="facility" type="LogicalReference" minOccurs="0"/>
      <xs:element name="careTeam" type="Claim.CareTeam"/>
      <xs:element name="diagnosis" type="Claim.Diagnosis" maxOccurs="12"/>
      <xs:element name="insurance" type="Claim.Insurance" maxOccurs="2"/>
      <xs:element name="item" type="Claim.Item" maxOccurs="50"/>
      <xs:element name="total" type="Money"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Claim.CareTeam">
    <xs:sequence>
      <xs:element name="sequence" type="PositiveIntValue"/>
      <xs:element name="provider" type="Reference"/>
      <xs:element name="role" type="CodeableConcept"/>
      <xs:element name="qualification" type="CodeableConcept" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Claim.Diagnosis">
    <xs:sequence>
      <xs:element name="sequence" type="PositiveIntValue"/>
      <xs:element name="diagnosisCodeableConcept" type="DiagnosisCodeableConcept"/>
      <xs:element name="type" type="CodeableConcept" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Claim.Insurance">
    <xs:sequence>
      <xs:element name="sequence" type="PositiveIntValue"/>
      <xs:element name="focal" type="BooleanValue"/>
      <xs:element name="coverage" type="Reference"/>
      <xs:element name="preAuthRef" type="StringValue" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Claim.Item">
    <xs:sequence>
      <xs:element name="sequence" type="PositiveIntValue"/>
      <xs:element name="careTeamSequence" type="PositiveIntValue"/>
      <xs:element name="diagnosisSequence" type="PositiveIntValue" maxOccurs="4"/>
      <xs:element name="productOrService" type="ProcedureCodeableConcept"/>
      <xs:element name="modifier" type="ModifierCodeableConcept" minOccurs="0" maxOccurs="4"/>
      <xs:element name="servicedDate" type="DateValue"/>
      <xs:element name="locationCodeableConcept" type="PlaceOfServiceCodeableConcept"/>
      <xs:element name="quantity" type="Quantity"/>
      <xs:element name="unitPrice" type="Money" minOccurs="0"/>
      <xs:element name="net" type="Money"/>
      <xs:element name="detail" type="Claim.Detail" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Claim.Detail">
    <xs:sequence>
      <xs:element name="sequence" type="PositiveIntValue"/>
      <xs:element name="productOrService" type="NDCCodeableConcept"/>
      <xs:element name="quantity" type="Quantity" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

\#(FHIRSubsetSchema.partyTypes)

  <!-- Bundle (type collection): claims and the resources they reference -->
  <xs:complexType name="Bundle">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="identifier" type="Identifier" minOccurs="0"/>
      <xs:element name="type"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="collection"/></xs:complexType></xs:element>
      <xs:element name="timestamp" type="InstantValue" minOccurs="0"/>
      <xs:element name="entry" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="fullUrl">
              <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
                <xs:restriction base="xs:string"><xs:pattern value="urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/></xs:restriction>
              </xs:simpleType></xs:attribute></xs:complexType>
            </xs:element>
            <xs:element name="resource">
              <xs:complexType><xs:choice>
                <xs:element name="Claim" type="Claim"/>
                <xs:element name="Patient" type="Patient"/>
                <xs:element name="RelatedPerson" type="RelatedPerson"/>
                <xs:element name="Coverage" type="Coverage"/>
                <xs:element name="Organization" type="Organization"/>
                <xs:element name="Practitioner" type="Practitioner"/>
              </xs:choice></xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
</xs:schema>
"""#
}
