/**
 * The certificate checks the node's TLS layer makes: every certificate in a chain file, whether a
 * chain leads to the chain CA, and the peer identity a leaf certifies. Signatures are checked
 * with infra/crypto (SM2 with the default user ID in GM mode, as TASSL does).
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { pemBlocks } from "../../../infra/crypto/pem";
import { OID } from "../../../infra/crypto/oids";
import { describePublicKey } from "../../../infra/crypto/public-key";
import { verifyWith } from "../../../infra/crypto/signatures";

const COMMON_NAME = OID.commonName;

export interface LoadedCertificate {
  certificate: Certificate;
  /** The TBSCertificate exactly as signed (re-serialising could change the bytes). */
  tbsDer: Buffer;
}

/** Header length and content length of the DER element at `at`. */
function derElement(der: Buffer, at: number): { headerLength: number; length: number } {
  const first = der[at + 1];
  if (first < 0x80) return { headerLength: 2, length: first };
  const size = first & 0x7f;
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + der[at + 2 + i];
  return { headerLength: 2 + size, length };
}

function loadDer(der: Buffer): LoadedCertificate {
  const certificate = AsnConvert.parse(der, Certificate);
  const outer = derElement(der, 0);
  const tbs = derElement(der, outer.headerLength);
  return { certificate, tbsDer: der.subarray(outer.headerLength, outer.headerLength + tbs.headerLength + tbs.length) };
}

/** Every certificate of a PEM file, in order; throws when there is none or one does not parse. */
export function loadCertificates(pem: string): LoadedCertificate[] {
  const blocks = pemBlocks(pem).filter((b) => b.label === "CERTIFICATE");
  if (blocks.length === 0) throw new Error("no PEM certificate found");
  return blocks.map((b) => loadDer(b.der));
}

function isSignedBy(subject: LoadedCertificate, issuer: LoadedCertificate): boolean {
  const { certificate } = subject;
  return verifyWith(
    certificate.signatureAlgorithm.algorithm,
    subject.tbsDer,
    new Uint8Array(certificate.signatureValue),
    issuer.certificate.tbsCertificate.subjectPublicKeyInfo,
  );
}

/** True when chain[0] leads to `ca` through the other certificates of `chain`. */
export function chainsToCa(chain: LoadedCertificate[], ca: LoadedCertificate): boolean {
  let current = chain[0];
  for (let depth = 0; depth < chain.length; depth++) {
    if (isSignedBy(current, ca)) return true;
    const issuer = chain.find((c) => c !== current && isSignedBy(current, c));
    if (!issuer) return false;
    current = issuer;
  }
  return false;
}

/** The node ID a leaf certifies (its EC point X||Y), or undefined for a non-EC key. */
export function certifiedNodeId(leaf: LoadedCertificate): string | undefined {
  return describePublicKey(leaf.certificate.tbsCertificate.subjectPublicKeyInfo).pointHex;
}

/** The common name in a certificate's subject or issuer, "" when absent. */
export function commonName(cert: LoadedCertificate, of: "subject" | "issuer"): string {
  for (const rdn of cert.certificate.tbsCertificate[of]) for (const atv of rdn) if (atv.type === COMMON_NAME) return atv.value.toString();
  return "";
}
