/**
 * Building X.509 certificates for a profile (./profiles) and reading them back. Structures come
 * from @peculiar/asn1-x509; only the signature is computed here.
 */
import * as crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, type Name, Validity } from "@peculiar/asn1-x509";
import { encodeName } from "./distinguished-name";
import { buildExtensions, readSubjectKeyId } from "./extensions";
import { LoadedPrivateKey, loadPrivateKey } from "./keys";
import { derToPem, pemBlocks } from "./pem";
import { PROFILES, ProfileName, subjectOf } from "./profiles";
import { describePublicKey, keyIdentifier, parsePublicKeyPem, publicKeyMatches } from "./public-key";
import { signatureAlgorithmFor, signWith } from "./signatures";

interface CertificateOptions {
  profile: ProfileName;
  /** Agency or node name, for the profiles whose CN carries it. */
  subjectName?: string;
  validityDays: number;
  /** Default: now. */
  notBefore?: Date;
  /** Positive; default 159 random bits, like OpenSSL. */
  serial?: bigint;
}

export interface SelfSignRequest extends CertificateOptions {
  privateKeyPem: string;
}

export interface IssuerPems {
  certPem: string;
  privateKeyPem: string;
}

/** An issuing CA decoded once, for callers that sign many certificates with it. */
export interface LoadedIssuer {
  key: LoadedPrivateKey;
  certificate: Certificate;
}

export interface IssueRequest extends CertificateOptions {
  subjectPublicKeyPem: string;
  issuer: IssuerPems | LoadedIssuer;
}

export interface ParsedCertificate {
  der: Buffer;
  certificate: Certificate;
}

/** A self-signed root (chainCa, channelCa, gmChainCa). Returns the PEM certificate. */
export function selfSignCertificate(request: SelfSignRequest): string {
  const profile = PROFILES[request.profile];
  if (!profile.selfSigned) throw new Error(`profile ${request.profile} is issued by a CA, not self-signed`);
  const key = loadPrivateKey(request.privateKeyPem);
  return buildCertificate(request, key.keyPair.publicKeyPem, key);
}

/** A certificate for `subjectPublicKeyPem` signed by `issuer`. Returns the PEM certificate. */
export function issueCertificate(request: IssueRequest): string {
  const profile = PROFILES[request.profile];
  if (profile.selfSigned) throw new Error(`profile ${request.profile} is self-signed; use selfSignCertificate`);
  const issuer = "certificate" in request.issuer ? request.issuer : loadIssuer(request.issuer);
  return buildCertificate(request, request.subjectPublicKeyPem, issuer.key, issuer.certificate);
}

export function loadIssuer(pems: IssuerPems): LoadedIssuer {
  const key = loadPrivateKey(pems.privateKeyPem);
  const certificate = parseCertificate(pems.certPem).certificate;
  if (!publicKeyMatches(certificate.tbsCertificate.subjectPublicKeyInfo, key.keyPair)) {
    throw new Error("the issuer private key does not belong to the issuer certificate");
  }
  return { key, certificate };
}

/** The first certificate of a PEM file (for a chain file: the leaf). */
export function parseCertificate(pem: string): ParsedCertificate {
  const block = pemBlocks(pem).find((b) => b.label === "CERTIFICATE");
  if (!block) throw new Error("no PEM certificate (-----BEGIN CERTIFICATE-----) found");
  return { der: block.der, certificate: AsnConvert.parse(block.der, Certificate) };
}

/**
 * The certificate's DER assembled from its encoded parts: the subject's SPKI as its PEM holds it,
 * the issuer's name encoded once per issuer, the rest through asn1-x509. Serialising whole
 * TBSCertificate and Certificate objects with asn1-schema cost ~5 ms a certificate (it re-parses
 * nested DER), the larger part of a render; the bytes are the same.
 */
function buildCertificate(request: CertificateOptions, subjectPublicKeyPem: string, signer: LoadedPrivateKey, issuerCert?: Certificate): string {
  const profile = PROFILES[request.profile];
  const spkiDer = pemBlocks(subjectPublicKeyPem).find((b) => b.label === "PUBLIC KEY")?.der;
  if (!spkiDer) throw new Error("no PEM public key (-----BEGIN PUBLIC KEY-----) found");
  const spki = parsePublicKeyPem(subjectPublicKeyPem);
  const subjectKind = describePublicKey(spki);
  if (subjectKind.algorithm !== profile.keyAlgorithm) {
    throw new Error(`profile ${request.profile} certifies ${profile.keyAlgorithm} keys, got ${subjectKind.kind}`);
  }
  if (signer.keyPair.algorithm !== profile.keyAlgorithm) {
    throw new Error(`profile ${request.profile} is signed with a ${profile.keyAlgorithm} key, got ${signer.keyPair.algorithm}`);
  }
  const subject = encodeName(subjectOf(profile, request.subjectName));
  const subjectDer = Buffer.from(AsnConvert.serialize(subject));
  const serialNumber = serialBytes(request.serial);
  const notBefore = request.notBefore ?? new Date();
  const notAfter = new Date(notBefore.getTime() + request.validityDays * 86_400_000);
  const subjectKeyId = keyIdentifier(spki);
  const issuerTbs = issuerCert?.tbsCertificate;
  const signatureAlgorithm = signatureAlgorithmDer(profile.keyAlgorithm);
  const extensions = profile.extensions.length
    ? buildExtensions(profile.extensions, {
        subjectKeyId,
        issuerKeyId: issuerCert ? readSubjectKeyId(issuerCert) : subjectKeyId,
        issuerIssuer: issuerTbs ? issuerTbs.issuer : subject,
        issuerSerial: issuerTbs ? issuerTbs.serialNumber : serialNumber,
      })
    : undefined;
  // TBSCertificate (RFC 5280 §4.1): version [0] is left out for v1, its default.
  const tbsDer = der(
    0x30,
    ...(extensions ? [der(0xa0, der(0x02, Buffer.from([2])))] : []),
    der(0x02, Buffer.from(serialNumber)),
    signatureAlgorithm,
    issuerTbs ? nameDer(issuerTbs.subject) : subjectDer,
    Buffer.from(AsnConvert.serialize(new Validity({ notBefore, notAfter }))),
    subjectDer,
    spkiDer,
    ...(extensions ? [der(0xa3, Buffer.from(AsnConvert.serialize(extensions)))] : []),
  );
  const signature = signWith(signer, new Uint8Array(tbsDer));
  return derToPem(der(0x30, tbsDer, signatureAlgorithm, der(0x03, Buffer.from([0]), signature)), "CERTIFICATE");
}

/** One DER element: tag, definite length, contents. */
function der(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const signatureAlgorithmDers = new Map<string, Buffer>();
function signatureAlgorithmDer(algorithm: Parameters<typeof signatureAlgorithmFor>[0]): Buffer {
  let encoded = signatureAlgorithmDers.get(algorithm);
  if (!encoded) signatureAlgorithmDers.set(algorithm, (encoded = Buffer.from(AsnConvert.serialize(signatureAlgorithmFor(algorithm)))));
  return encoded;
}

/** An issuer's name, encoded once for the many certificates it signs. */
const nameDers = new WeakMap<Name, Buffer>();
function nameDer(name: Name): Buffer {
  let encoded = nameDers.get(name);
  if (!encoded) nameDers.set(name, (encoded = Buffer.from(AsnConvert.serialize(name))));
  return encoded;
}

/** DER INTEGER content of a positive serial, minimal as DER requires. */
function serialBytes(serial?: bigint): ArrayBuffer {
  let bytes: Buffer;
  if (serial === undefined) {
    bytes = crypto.randomBytes(20);
    bytes[0] &= 0x7f; // positive
    bytes[0] ||= 0x01; // no redundant leading zero byte
  } else {
    if (serial <= 0n) throw new Error("certificate serial must be positive");
    const hex = serial.toString(16);
    bytes = Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  }
  return new Uint8Array(bytes).buffer;
}
