/// The resources a claim refers to (`FHIRParties`), in R4 element order, for the project's XSD.
extension FHIRSubsetSchema {
    static let partyTypes = #"""
  <!-- The resources the claims reference (FHIRParties) -->
  <xs:complexType name="InstantValue"><xs:attribute name="value" use="required"><xs:simpleType>
    <xs:restriction base="xs:dateTime"><xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+\-][0-9]{2}:[0-9]{2})"/></xs:restriction>
  </xs:simpleType></xs:attribute></xs:complexType>
  <xs:complexType name="GenderValue"><xs:attribute name="value" use="required"><xs:simpleType>
    <xs:restriction base="xs:string"><xs:enumeration value="female"/><xs:enumeration value="male"/><xs:enumeration value="unknown"/></xs:restriction>
  </xs:simpleType></xs:attribute></xs:complexType>
  <xs:complexType name="HumanName">
    <xs:sequence>
      <xs:element name="family" type="StringValue" minOccurs="0"/>
      <xs:element name="given" type="StringValue" minOccurs="0" maxOccurs="2"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="ContactPoint">
    <xs:sequence>
      <xs:element name="system"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="phone"/></xs:complexType></xs:element>
      <xs:element name="value" type="StringValue"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Address">
    <xs:sequence>
      <xs:element name="line" type="StringValue" minOccurs="0" maxOccurs="2"/>
      <xs:element name="city" type="StringValue" minOccurs="0"/>
      <xs:element name="state" type="StringValue" minOccurs="0"/>
      <xs:element name="postalCode">
        <xs:complexType><xs:attribute name="value" use="required"><xs:simpleType>
          <xs:restriction base="xs:string"><xs:pattern value="[0-9]{5}(-[0-9]{4})?"/></xs:restriction>
        </xs:simpleType></xs:attribute></xs:complexType>
      </xs:element>
      <xs:element name="country"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="US"/></xs:complexType></xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:group name="PersonDetails">
    <xs:sequence>
      <xs:element name="name" type="HumanName"/>
      <xs:element name="telecom" type="ContactPoint" minOccurs="0"/>
      <xs:element name="gender" type="GenderValue"/>
      <xs:element name="birthDate" type="DateValue"/>
      <xs:element name="address" type="Address"/>
    </xs:sequence>
  </xs:group>
  <xs:complexType name="Patient">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="identifier" type="Identifier"/>
      <xs:group ref="PersonDetails"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="RelatedPerson">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="patient" type="Reference"/>
      <xs:element name="relationship" type="CodeableConcept"/>
      <xs:group ref="PersonDetails"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Coverage">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="identifier" type="Identifier" minOccurs="0"/>
      <xs:element name="status"><xs:complexType><xs:attribute name="value" type="xs:string" use="required" fixed="active"/></xs:complexType></xs:element>
      <xs:element name="subscriber" type="Reference"/>
      <xs:element name="subscriberId" type="StringValue" minOccurs="0"/>
      <xs:element name="beneficiary" type="Reference"/>
      <xs:element name="relationship" type="CodeableConcept"/>
      <xs:element name="payor" type="Reference"/>
      <xs:element name="class" minOccurs="0">
        <xs:complexType><xs:sequence>
          <xs:element name="type" type="CodeableConcept"/>
          <xs:element name="value" type="StringValue"/>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="order" type="PositiveIntValue"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Organization">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="identifier" type="Identifier" minOccurs="0" maxOccurs="2"/>
      <xs:element name="active" type="BooleanValue"/>
      <xs:element name="type" type="CodeableConcept"/>
      <xs:element name="name" type="StringValue"/>
      <xs:element name="telecom" type="ContactPoint" minOccurs="0"/>
      <xs:element name="address" type="Address" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Practitioner">
    <xs:sequence>
      <xs:element name="id" type="IdValue"/>
      <xs:element name="identifier" type="NPIIdentifier"/>
      <xs:element name="name" type="HumanName"/>
      <xs:element name="qualification" minOccurs="0">
        <xs:complexType><xs:sequence><xs:element name="code" type="CodeableConcept"/></xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
"""#
}
