/**
 * Building X.509 certificates for a profile (./profiles) and reading them back. Structures come
 * from @peculiar/asn1-x509; only the signature is computed here.
 */
import * as crypto from "node:crypto";
import { AsnConvert, AsnProp, AsnPropTypes } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, SubjectPublicKeyInfo, TBSCertificate, Validity, Version } from "@peculiar/asn1-x509";
import { encodeName } from "./distinguished-name";
import { buildExtensions, readSubjectKeyId } from "./extensions";
import { LoadedPrivateKey, loadPrivateKey } from "./keys";
import { derToPem, pemBlocks } from "./pem";
import { PROFILES, ProfileName, subjectOf } from "./profiles";
import { describePublicKey, keyIdentifier, parsePublicKeyPem, publicKeyMatches } from "./public-key";
import { signatureAlgorithmFor, signWith } from "./signatures";

/**
 * Certificate with the TBSCertificate kept as the DER that was signed: asn1-x509's Certificate
 * would serialise it a second time, the costliest step of building a certificate.
 */
class SignedCertificate {
  tbsCertificate = new ArrayBuffer(0);
  signatureAlgorithm = new AlgorithmIdentifier();
  signatureValue = new ArrayBuffer(0);
  constructor(params: Partial<SignedCertificate> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Any })(SignedCertificate.prototype, "tbsCertificate");
AsnProp({ type: AlgorithmIdentifier })(SignedCertificate.prototype, "signatureAlgorithm");
AsnProp({ type: AsnPropTypes.BitString })(SignedCertificate.prototype, "signatureValue");

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
  const spki = parsePublicKeyPem(key.keyPair.publicKeyPem);
  return buildCertificate(request, spki, key);
}

/** A certificate for `subjectPublicKeyPem` signed by `issuer`. Returns the PEM certificate. */
export function issueCertificate(request: IssueRequest): string {
  const profile = PROFILES[request.profile];
  if (profile.selfSigned) throw new Error(`profile ${request.profile} is self-signed; use selfSignCertificate`);
  const issuer = "certificate" in request.issuer ? request.issuer : loadIssuer(request.issuer);
  return buildCertificate(request, parsePublicKeyPem(request.subjectPublicKeyPem), issuer.key, issuer.certificate);
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

function buildCertificate(request: CertificateOptions, spki: SubjectPublicKeyInfo, signer: LoadedPrivateKey, issuerCert?: Certificate): string {
  const profile = PROFILES[request.profile];
  const subjectKind = describePublicKey(spki);
  if (subjectKind.algorithm !== profile.keyAlgorithm) {
    throw new Error(`profile ${request.profile} certifies ${profile.keyAlgorithm} keys, got ${subjectKind.kind}`);
  }
  if (signer.keyPair.algorithm !== profile.keyAlgorithm) {
    throw new Error(`profile ${request.profile} is signed with a ${profile.keyAlgorithm} key, got ${signer.keyPair.algorithm}`);
  }
  const subject = encodeName(subjectOf(profile, request.subjectName));
  const serialNumber = serialBytes(request.serial);
  const notBefore = request.notBefore ?? new Date();
  const notAfter = new Date(notBefore.getTime() + request.validityDays * 86_400_000);
  const subjectKeyId = keyIdentifier(spki);
  const issuerTbs = issuerCert?.tbsCertificate;
  const tbs = new TBSCertificate({
    version: profile.extensions.length ? Version.v3 : Version.v1,
    serialNumber,
    signature: signatureAlgorithmFor(profile.keyAlgorithm),
    issuer: issuerTbs ? issuerTbs.subject : subject,
    validity: new Validity({ notBefore, notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: profile.extensions.length
      ? buildExtensions(profile.extensions, {
          subjectKeyId,
          issuerKeyId: issuerCert ? readSubjectKeyId(issuerCert) : subjectKeyId,
          issuerIssuer: issuerTbs ? issuerTbs.issuer : subject,
          issuerSerial: issuerTbs ? issuerTbs.serialNumber : serialNumber,
        })
      : undefined,
  });
  const tbsDer = AsnConvert.serialize(tbs);
  const certificate = new SignedCertificate({
    tbsCertificate: tbsDer,
    signatureAlgorithm: signatureAlgorithmFor(profile.keyAlgorithm),
    signatureValue: new Uint8Array(signWith(signer, new Uint8Array(tbsDer))).buffer,
  });
  return derToPem(AsnConvert.serialize(certificate), "CERTIFICATE");
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
