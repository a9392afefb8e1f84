/** Subject and issuer names in the shape `openssl req -subj "/CN=…/O=…/OU=…"` produces. */
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import { OID } from "./oids";

export interface DistinguishedName {
  commonName: string;
  organization: string;
  organizationalUnit: string;
}

const SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: "CN",
  [OID.organizationName]: "O",
  [OID.organizationalUnitName]: "OU",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
};

/** One attribute per RDN, in CN, O, OU order, each a UTF8String (OpenSSL 3's default string mask). */
export function encodeName(dn: DistinguishedName): Name {
  const attribute = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new Name([
    attribute(OID.commonName, dn.commonName),
    attribute(OID.organizationName, dn.organization),
    attribute(OID.organizationalUnitName, dn.organizationalUnit),
  ]);
}

/** OpenSSL's short name of an attribute type (CN, O, OU, C, L, ST); other types by OID. */
export function attributeShortName(type: string): string {
  return SHORT_NAMES[type] ?? type;
}

/** `/CN=x/O=y/OU=z`, the -subj notation the FISCO docs and scripts use. */
export function formatName(name: Name): string {
  return name
    .map((rdn) => rdn.map((atv) => `${attributeShortName(atv.type)}=${atv.value.toString()}`).join("+"))
    .map((rdn) => "/" + rdn)
    .join("");
}
