/**
 * Certificates as `import` meets them: every certificate of a PEM file (a node.crt holds the node's
 * chain), with the names and key it is compared by, and the signature check that says which
 * certificate issued which.
 */
import { createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, Name } from "@peculiar/asn1-x509";
import { formatName } from "../crypto/distinguished-name";
import { OID } from "../crypto/oids";
import { pemBlocks } from "../crypto/pem";
import { describePublicKey, type PublicKeyDescription } from "../crypto/public-key";
import { verifyWith } from "../crypto/signatures";

export interface CertInfo {
  /** Where it was read (for messages). */
  file: string;
  der: Buffer;
  certificate: Certificate;
  /** `/CN=…/O=…/OU=…` for messages. */
  subject: string;
  issuer: string;
  /** DER of the names: two names are the same when these are equal. */
  subjectDer: string;
  issuerDer: string;
  key: PublicKeyDescription;
  /** SHA-256 of the DER: identifies one certificate. */
  fingerprint: string;
}

const nameDer = (name: Name) => Buffer.from(AsnConvert.serialize(name)).toString("hex");

/** Every certificate in `text`, in file order; throws when a block is not a certificate. */
export function readCertificates(text: string, file: string): CertInfo[] {
  return pemBlocks(text)
    .filter((b) => b.label === "CERTIFICATE")
    .map(({ der }) => {
      let certificate: Certificate;
      try {
        certificate = AsnConvert.parse(der, Certificate);
      } catch (e) {
        throw new Error(`cannot parse a certificate (${(e as Error).message})`);
      }
      const tbs = certificate.tbsCertificate;
      return {
        file,
        der,
        certificate,
        subject: formatName(tbs.subject),
        issuer: formatName(tbs.issuer),
        subjectDer: nameDer(tbs.subject),
        issuerDer: nameDer(tbs.issuer),
        key: describePublicKey(tbs.subjectPublicKeyInfo),
        fingerprint: createHash("sha256").update(der).digest("hex"),
      };
    });
}

/** True when `issuer`'s key verifies `cert`'s signature (SM2 with the default user ID for GM). */
export function signedBy(cert: CertInfo, issuer: CertInfo): boolean {
  const { certificate } = cert;
  if (!certificate.tbsCertificateRaw) return false;
  return verifyWith(
    certificate.signatureAlgorithm.algorithm,
    new Uint8Array(certificate.tbsCertificateRaw),
    new Uint8Array(certificate.signatureValue),
    issuer.certificate.tbsCertificate.subjectPublicKeyInfo,
  );
}

export function isSelfSigned(cert: CertInfo): boolean {
  return cert.subjectDer === cert.issuerDer && signedBy(cert, cert);
}

/** The first CN of a name, or undefined. */
export function commonName(cert: CertInfo, which: "subject" | "issuer"): string | undefined {
  const name = cert.certificate.tbsCertificate[which];
  for (const rdn of name) for (const atv of rdn) if (atv.type === OID.commonName) return atv.value.toString();
  return undefined;
}

/** Whole days between notBefore and notAfter. */
export function validityDays(cert: CertInfo): number {
  const { notBefore, notAfter } = cert.certificate.tbsCertificate.validity;
  return Math.round((notAfter.getTime().getTime() - notBefore.getTime().getTime()) / 86_400_000);
}
