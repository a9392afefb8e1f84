/**
 * X.509 v3 extensions of the FISCO profiles, and reading them back. A profile lists its
 * extensions in the order OpenSSL 3 emits them for the corresponding cert.cnf/gmcert.cnf section.
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from "@peculiar/asn1-x509";

export type KeyUsageName = keyof typeof KeyUsageFlags;

export type ExtensionSpec =
  | { kind: "subjectKeyIdentifier" }
  | { kind: "authorityKeyIdentifier" }
  | { kind: "basicConstraints"; ca: boolean }
  | { kind: "keyUsage"; usages: KeyUsageName[] };

/** What the key-identifier extensions are computed from. */
export interface KeyIdSources {
  subjectKeyId: Buffer;
  /** The issuer's key identifier: its SKI, or for a self-signed cert the subject's own. */
  issuerKeyId?: Buffer;
  /** Used when the issuer has no SKI (a v1 root): OpenSSL 3 then names the issuer's issuer and serial. */
  issuerIssuer: Name;
  issuerSerial: ArrayBuffer;
}

export function buildExtensions(specs: ExtensionSpec[], ids: KeyIdSources): Extensions {
  return new Extensions(specs.map((spec) => buildExtension(spec, ids)));
}

function buildExtension(spec: ExtensionSpec, ids: KeyIdSources): Extension {
  // Nothing is marked critical: neither cnf file asks for it.
  const make = (extnID: string, value: unknown) => new Extension({ extnID, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) });
  switch (spec.kind) {
    case "subjectKeyIdentifier":
      return make(id_ce_subjectKeyIdentifier, new SubjectKeyIdentifier(ids.subjectKeyId));
    case "authorityKeyIdentifier":
      return make(
        id_ce_authorityKeyIdentifier,
        ids.issuerKeyId
          ? new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(ids.issuerKeyId) })
          : new AuthorityKeyIdentifier({
              authorityCertIssuer: [new GeneralName({ directoryName: ids.issuerIssuer })],
              authorityCertSerialNumber: ids.issuerSerial,
            }),
      );
    case "basicConstraints":
      return make(id_ce_basicConstraints, new BasicConstraints({ cA: spec.ca }));
    case "keyUsage":
      return make(id_ce_keyUsage, new KeyUsage(spec.usages.reduce((flags, u) => flags | KeyUsageFlags[u], 0)));
  }
}

function extensionValue<T>(cert: Certificate, oid: string, type: new () => T): T | undefined {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === oid);
  return ext ? AsnConvert.parse(ext.extnValue, type) : undefined;
}

export function readBasicConstraints(cert: Certificate): BasicConstraints | undefined {
  return extensionValue(cert, id_ce_basicConstraints, BasicConstraints);
}

export function readKeyUsage(cert: Certificate): KeyUsageName[] | undefined {
  const usage = extensionValue(cert, id_ce_keyUsage, KeyUsage);
  if (!usage) return undefined;
  const flags = usage.toNumber();
  return (Object.keys(KeyUsageFlags) as KeyUsageName[]).filter((name) => Number.isNaN(Number(name)) && (flags & KeyUsageFlags[name]) !== 0);
}

export function readSubjectKeyId(cert: Certificate): Buffer | undefined {
  const ski = extensionValue(cert, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier);
  return ski ? Buffer.from(ski.buffer) : undefined;
}
