/**
 * An existing certificate read for adoption: the first certificate of a PEM file (a node.crt holds
 * the node's chain), its validity and whether it certifies a given public key.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { derToPem, pemBlocks } from "./pem";
import { describePublicKey, parsePublicKeyPem } from "./public-key";

export interface AdoptedCertificate {
  /** The leaf alone, PEM. */
  certPem: string;
  notBefore: Date;
  notAfter: Date;
}

/** The first certificate of `text`, re-encoded as one PEM block (64-column, as OpenSSL writes it). */
export function readLeafCertificate(text: string, source: string): AdoptedCertificate {
  const block = pemBlocks(text).find((b) => b.label === "CERTIFICATE");
  if (!block) throw new Error(`${source}: no certificate found`);
  const { validity } = AsnConvert.parse(block.der, Certificate).tbsCertificate;
  return { certPem: derToPem(block.der, "CERTIFICATE"), notBefore: validity.notBefore.getTime(), notAfter: validity.notAfter.getTime() };
}

/** Whether the certificate `certPem` is for `publicKeyPem` (same algorithm and EC point, or same RSA key). */
export function certifiesKey(certPem: string, publicKeyPem: string): boolean {
  const block = pemBlocks(certPem).find((b) => b.label === "CERTIFICATE");
  if (!block) return false;
  const inCert = AsnConvert.parse(block.der, Certificate).tbsCertificate.subjectPublicKeyInfo;
  const given = parsePublicKeyPem(publicKeyPem);
  const a = describePublicKey(inCert);
  const b = describePublicKey(given);
  if (a.algorithm === undefined || a.algorithm !== b.algorithm) return false;
  if (a.algorithm === "rsa2048") return Buffer.from(AsnConvert.serialize(inCert)).equals(Buffer.from(AsnConvert.serialize(given)));
  return a.pointHex !== undefined && a.pointHex === b.pointHex;
}

/** The certificate's subject public key as PEM, and its EC point (empty for RSA). */
export function publicKeyOfCertificate(certPem: string): { publicKeyPem: string; publicKeyHex: string } {
  const block = pemBlocks(certPem).find((b) => b.label === "CERTIFICATE");
  if (!block) throw new Error("no certificate found");
  const spki = AsnConvert.parse(block.der, Certificate).tbsCertificate.subjectPublicKeyInfo;
  return { publicKeyPem: derToPem(AsnConvert.serialize(spki), "PUBLIC KEY"), publicKeyHex: describePublicKey(spki).pointHex ?? "" };
}
