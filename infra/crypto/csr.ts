/**
 * Agency certificate signing requests (PKCS#10), as in FISCO's enterprise flow: an agency makes
 * its agency key and a request, the committee checks the request against the approved plan and
 * issues the agency certificate from it. GM requests are signed SM2-with-SM3 with the default
 * SM2 ID (what `openssl req -sm3 -sigopt distid:1234567812345678` makes); standard ones
 * ecdsa-with-SHA256 over the secp256k1 agency key. The committee never copies anything from the
 * request into the certificate but the public key: the subject and extensions come from the
 * agency certificate profile, so the certificate is the one the single-stack path issues.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import type { Credential, KeyAlgorithm, KeyPair } from "./types";
import type { Model } from "../topology/types";
import type { CertValidity } from "./chain-pki";
import { LoadedIssuer, issueCertificate } from "./certificate";
import { CertificationRequestInfo, decodeRequest, encodeRequestInfo, encodeSignedRequest } from "./csr-encoding";
import { attributeShortName, encodeName } from "./distinguished-name";
import { loadPrivateKey } from "./keys";
import { OID } from "./oids";
import { derToPem, pemBlocks } from "./pem";
import { PROFILES, ProfileName, subjectOf } from "./profiles";
import { PublicKeyDescription, describePublicKey, parsePublicKeyPem } from "./public-key";
import { signatureAlgorithmFor, signatureAlgorithmName, signWith, verifyWith } from "./signatures";
import { SM2_DEFAULT_USER_ID } from "./sm2";

/** Which of an agency's two CA certificates a request is for. */
export type AgencyCertKind = "gm" | "std";

const KIND: Record<AgencyCertKind, { profile: ProfileName; label: string; signature: string; opensslFix: (subject: string) => string }> = {
  gm: {
    profile: "gmAgencyCa",
    label: "GM",
    signature: OID.sm2WithSm3,
    opensslFix: (subject) =>
      `openssl req -new -key gmagency.key -sm3 -sigopt distid:${SM2_DEFAULT_USER_ID} -subj "${subject}" -out gmagency.csr (gmagency.key an SM2 key)`,
  },
  std: {
    profile: "agencyCa",
    label: "standard",
    signature: OID.ecdsaWithSha256,
    opensslFix: (subject) => `openssl req -new -key agency.key -sha256 -subj "${subject}" -out agency.csr (agency.key a secp256k1 key)`,
  },
};

const CSR_LABEL = "CERTIFICATE REQUEST";

/** A request for `agency`'s `kind` agency certificate, signed with `key` (SM2 for gm, secp256k1 for std). PEM. */
export function createAgencyCsr(agency: string, kind: AgencyCertKind, key: KeyPair): string {
  const { profile } = KIND[kind];
  const keyAlgorithm = PROFILES[profile].keyAlgorithm;
  if (key.algorithm !== keyAlgorithm) throw new Error(`a ${KIND[kind].label} agency request needs a ${keyAlgorithm} key, got ${key.algorithm}`);
  const signer = loadPrivateKey(key.privateKeyPem);
  const info = new CertificationRequestInfo({
    subject: encodeName(subjectOf(PROFILES[profile], agency)),
    subjectPKInfo: parsePublicKeyPem(signer.keyPair.publicKeyPem),
  });
  const infoDer = encodeRequestInfo(info);
  const der = encodeSignedRequest(infoDer, signatureAlgorithmFor(keyAlgorithm), signWith(signer, infoDer));
  return derToPem(der, CSR_LABEL);
}

export interface ParsedCsr {
  /** Subject attributes in order, by short name (CN, O, OU, C, …; unknown types by OID). */
  subject: [string, string][];
  publicKeyPem: string;
  key: PublicKeyDescription;
  signatureAlgorithmOid: string;
  /** The signature verifies under the request's own key with its stated algorithm. */
  signatureValid: boolean;
}

/** Reads the first PEM request in `pem` (`CERTIFICATE REQUEST`, or OpenSSL's older `NEW CERTIFICATE REQUEST`). */
export function parseCsr(pem: string): ParsedCsr {
  const block = pemBlocks(pem).find((b) => b.label === CSR_LABEL || b.label === `NEW ${CSR_LABEL}`);
  if (!block) throw new Error(`no PEM certificate request (-----BEGIN ${CSR_LABEL}-----) found`);
  const request = decodeRequest(block.der);
  const spki = request.info.subjectPKInfo;
  const algorithm = request.signatureAlgorithm.algorithm;
  return {
    subject: request.info.subject.flatMap((rdn) => rdn.map((atv): [string, string] => [attributeShortName(atv.type), atv.value.toString()])),
    publicKeyPem: derToPem(AsnConvert.serialize(spki), "PUBLIC KEY"),
    key: describePublicKey(spki),
    signatureAlgorithmOid: algorithm,
    signatureValid: request.info.version === 0 && verifyWith(algorithm, request.infoDer, request.signature, spki),
  };
}

export interface AgencyCsrExpectation {
  agency: string;
  kind: AgencyCertKind;
  /** The committee's approved plan: the agency must be in it, and a GM request needs a GM chain. */
  plan: Model;
}

/** A request that passed checkAgencyCsr: what the committee may certify. */
export interface VerifiedAgencyCsr {
  agency: string;
  kind: AgencyCertKind;
  publicKeyPem: string;
  /** X||Y, 128 lowercase hex. */
  publicKeyHex: string;
}

/**
 * Checks `csrPem` as the committee must before signing: the agency is in the approved plan, the
 * key is the profile's type, the subject is exactly the profile's for that agency, and the
 * signature verifies under the request's key. Throws naming the agency, what is wrong and the fix.
 */
export function checkAgencyCsr(csrPem: string, expected: AgencyCsrExpectation): VerifiedAgencyCsr {
  const { agency, kind, plan } = expected;
  const spec = KIND[kind];
  const profile = PROFILES[spec.profile];
  const subject = subjectOf(profile, agency);
  const subjectText = `/CN=${subject.commonName}/O=${subject.organization}/OU=${subject.organizationalUnit}`;
  const remake = `make the request again from ${agency}'s ${spec.label} agency key, e.g. ${spec.opensslFix(subjectText)}`;
  const refuse = (problem: string, fix: string): never => {
    throw new Error(`CSR for ${agency} (${spec.label}): ${problem}; fix: ${fix}`);
  };

  if (!plan.agencies.some((a) => a.name === agency)) {
    refuse(
      `${agency} is not an agency of the approved plan`,
      `add ${agency} to the committee's bcos:topology first, or send the request to the consortium it belongs to`,
    );
  }
  if (kind === "gm" && !plan.chain.smCrypto) {
    refuse("the approved plan's chain does not use SM crypto, so there is no GM agency certificate", "send only the standard (secp256k1) request");
  }

  let csr: ParsedCsr;
  try {
    csr = parseCsr(csrPem);
  } catch (e) {
    return refuse(`cannot be read (${(e as Error).message})`, remake);
  }
  if (csr.key.algorithm !== profile.keyAlgorithm) {
    refuse(`the key is ${csr.key.kind}, the ${spec.label} agency certificate needs a ${keyName(profile.keyAlgorithm)} key`, remake);
  }
  const subjectProblems = compareSubject(csr.subject, [
    ["CN", subject.commonName],
    ["O", subject.organization],
    ["OU", subject.organizationalUnit],
  ]);
  if (subjectProblems.length > 0) refuse(subjectProblems.join(", "), remake);
  if (csr.signatureAlgorithmOid !== spec.signature) {
    refuse(`it is signed with ${signatureAlgorithmName(csr.signatureAlgorithmOid)}, expected ${signatureAlgorithmName(spec.signature)}`, remake);
  }
  if (!csr.signatureValid) {
    const id = kind === "gm" ? ` (SM2-with-SM3 with the default ID ${SM2_DEFAULT_USER_ID})` : "";
    refuse(`its signature does not verify under the key it carries${id}: it was altered or signed with another key`, remake);
  }
  return { agency, kind, publicKeyPem: csr.publicKeyPem, publicKeyHex: csr.key.pointHex! };
}

/** What differs between the request's subject and the profile's, as "subject CN is …, the approved plan says …". */
function compareSubject(actual: [string, string][], expected: [string, string][]): string[] {
  const problems: string[] = [];
  for (const [field, want] of expected) {
    const values = actual.filter(([name]) => name === field).map(([, value]) => value);
    if (values.length === 0) problems.push(`subject has no ${field}, the approved plan says "${want}"`);
    else if (values.length > 1 || values[0] !== want) {
      problems.push(`subject ${field} is ${values.map((v) => JSON.stringify(v)).join(" and ")}, the approved plan says "${want}"`);
    }
  }
  const extra = actual.filter(([name]) => !expected.some(([field]) => field === name));
  if (extra.length > 0) {
    problems.push(`subject has ${extra.map(([n, v]) => `${n}=${v}`).join(", ")}, which the agency certificate profile does not (only CN, O, OU)`);
  }
  return problems;
}

function keyName(algorithm: KeyAlgorithm): string {
  return algorithm === "sm2" ? "SM2" : algorithm;
}

/**
 * The agency certificate for a checked request, issued by the chain CA of the request's kind
 * (the GM chain CA for gm, the standard chain CA for std) with the agency certificate profile.
 */
export function issueAgencyCertificate(csr: VerifiedAgencyCsr, chainCa: Credential | LoadedIssuer, validity: CertValidity & { serial?: bigint }): string {
  const issuer = "certificate" in chainCa ? chainCa : { certPem: chainCa.certPem, privateKeyPem: chainCa.key.privateKeyPem };
  return issueCertificate({
    profile: KIND[csr.kind].profile,
    subjectName: csr.agency,
    subjectPublicKeyPem: csr.publicKeyPem,
    issuer,
    ...validity,
  });
}
