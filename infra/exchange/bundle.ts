/**
 * Party bundles: the public material one party of a consortium hands the others (as a file in a
 * shared folder or on a USB stick), serialised deterministically and signed by the party. The
 * committee signs with its chain CA key; an agency with its agency key once certified, before that
 * with the key its request (CSR) carries. GM keys are preferred: the GM key signs whenever the
 * bundle carries GM material. A bundle is refused on read, naming the file, when it is altered,
 * unsigned, or signed by any other key; and nothing that looks like a private key goes into one.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import type { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { parseCertificate } from "../crypto/certificate";
import { checkAgencyCsr, parseCsr } from "../crypto/csr";
import { loadPrivateKey } from "../crypto/keys";
import { derToPem, pemBlocks } from "../crypto/pem";
import { PROFILES, subjectOf } from "../crypto/profiles";
import { formatName, encodeName } from "../crypto/distinguished-name";
import { parsePublicKeyPem } from "../crypto/public-key";
import { signatureAlgorithmFor, signatureAlgorithmName, signWith, verifyWith } from "../crypto/signatures";
import type { KeyPair } from "../crypto/types";
import type { Model } from "../topology/types";

export const BUNDLE_FORMAT = "bcos-pulumi/bundle/1";

export type PartyRole = "committee" | "agency";

export interface BundleNode {
  name: string;
  /** 128 lowercase hex. */
  nodeId: string;
  /** Where the other parties' nodes connect. */
  address: string;
  p2pPort: number;
}

/** A group's frozen block 0 as the committee made it; the parameters are in the approved plan. */
export interface BundleGenesis {
  groupId: number;
  timestamp: number;
  sealerIds: string[];
}

/** Certificate names the signer rules below look for; other names (node certificates) are free. */
export const CERT = { gmChainCa: "gmca.crt", chainCa: "ca.crt", gmAgency: "gmagency.crt", agency: "agency.crt" } as const;

export interface PartyBundle {
  party: string;
  role: PartyRole;
  chainId: number;
  /** The committee's: `sha256:<hex>` of the approved plan it publishes. */
  planDigest?: string;
  /** The committee's: the approved plan itself (its bcos:topology as validated), which agencies act on. */
  plan?: Model;
  /** PEM certificates by file name (`gmca.crt`, `gmagency.crt`, `node5/gmnode.crt`, …). */
  certificates: Record<string, string>;
  /** An agency's PEM requests for its agency certificates. */
  csrs: { gm?: string; std?: string };
  nodes: BundleNode[];
  genesis: BundleGenesis[];
}

interface Envelope {
  format: typeof BUNDLE_FORMAT;
  content: PartyBundle;
  signature: {
    /** Which key signed: `certificate:<name>` or `csr:gm` / `csr:std`. */
    signer: string;
    algorithm: string;
    /** Base64 DER signature over the format line and the canonical content. */
    value: string;
  };
}

/** `<dir>/<party>.bundle`. */
export function bundleFileName(party: string): string {
  return `${party}.bundle`;
}

/**
 * The bundle file for `content`, signed with `signingKey` (the party's private key named by the
 * signer rules). `heldSecrets` are the private keys the party holds: none of them may appear in
 * the file, in any encoding the guard knows.
 */
export function writeBundle(content: PartyBundle, signingKey: KeyPair, heldSecrets: readonly string[] = []): string {
  assertPublicOnly(content, [signingKey.privateKeyPem, ...heldSecrets]);
  const signer = expectedSigner(content);
  const publicKey = parsePublicKeyPem(signingKey.publicKeyPem);
  if (!samePublicKey(publicKey, signer.publicKeyPem)) {
    throw new Error(`${content.party}'s bundle must be signed with the key of its ${signer.name}, and the key given is another`);
  }
  const loaded = loadPrivateKey(signingKey.privateKeyPem);
  const algorithm = signatureAlgorithmFor(loaded.keyPair.algorithm);
  const envelope: Envelope = {
    format: BUNDLE_FORMAT,
    content,
    signature: { signer: signer.id, algorithm: signatureAlgorithmName(algorithm.algorithm), value: signWith(loaded, signedBytes(content)).toString("base64") },
  };
  const text = JSON.stringify(sortKeys(envelope), null, 2) + "\n";
  assertPublicOnly(text, [signingKey.privateKeyPem, ...heldSecrets]);
  return text;
}

export interface ReadOptions {
  /** The party whose file this is (from its name): a bundle of another party is refused. */
  party: string;
  /** The reader's approved plan: an agency's request is checked against it. */
  plan: Model;
  /** The chain CA certificates the reader already trusts (from the committee, or its own if committee). */
  chainCa?: { gm?: string; std?: string };
}

/** Parses and verifies the bundle text read from `file`; throws `<file>: <why>; fix: …`. */
export function readBundle(text: string, file: string, options: ReadOptions): PartyBundle {
  const refuse = (why: string, fix = "ask the party to write its bundle again and carry the new file"): never => {
    throw new Error(`${file}: ${why}; fix: ${fix}`);
  };
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch (e) {
    return refuse(`is not a bundle (${(e as Error).message})`);
  }
  if (envelope?.format !== BUNDLE_FORMAT) refuse(`is not a ${BUNDLE_FORMAT} bundle (format ${JSON.stringify(envelope?.format)})`);
  const content = envelope.content;
  const shapeProblem = shapeOf(content);
  if (shapeProblem) refuse(shapeProblem);
  if (content.party !== options.party) refuse(`holds ${content.party}'s bundle, not ${options.party}'s`, `name the file ${bundleFileName(content.party)}`);
  if (!envelope.signature || typeof envelope.signature.value !== "string" || envelope.signature.value === "") refuse("is not signed");
  try {
    assertPublicOnly(content, []);
  } catch (e) {
    refuse((e as Error).message, "the party must remove it and renew the keys it exposed");
  }

  let signer: Signer;
  try {
    signer = expectedSigner(content);
    checkSignerIdentity(signer, content, options);
  } catch (e) {
    return refuse((e as Error).message);
  }
  if (envelope.signature.signer !== signer.id) {
    refuse(`is signed by ${envelope.signature.signer}, but ${content.party}'s bundle must be signed with its ${signer.name}`);
  }
  const spki = parsePublicKeyPem(signer.publicKeyPem);
  const algorithm = signatureAlgorithmFor(signer.algorithm).algorithm;
  const valid = verifyWith(algorithm, signedBytes(content), Buffer.from(envelope.signature.value, "base64"), spki);
  if (!valid) refuse(`its signature does not verify under ${content.party}'s ${signer.name}: the file was altered after signing or signed with another key`);
  return content;
}

interface Signer {
  /** As written in the envelope. */
  id: string;
  /** For messages: "GM chain CA key (gmca.crt)". */
  name: string;
  publicKeyPem: string;
  algorithm: "sm2" | "secp256k1";
  /** The certificate or request the key comes from. */
  source: { certificate: string } | { csr: "gm" | "std" };
}

/** The one key that may sign `content`: GM before standard, a certificate before a request. */
function expectedSigner(content: PartyBundle): Signer {
  const certSigner = (name: string, label: string): Signer | undefined => {
    const pem = content.certificates[name];
    if (!pem) return undefined;
    const { certificate } = parseCertificate(pem);
    const publicKeyPem = pemOfSpki(certificate.tbsCertificate.subjectPublicKeyInfo);
    const algorithm = name === CERT.gmChainCa || name === CERT.gmAgency ? "sm2" : "secp256k1";
    return { id: `certificate:${name}`, name: `${label} (${name})`, publicKeyPem, algorithm, source: { certificate: name } };
  };
  const csrSigner = (kind: "gm" | "std"): Signer | undefined => {
    const pem = content.csrs[kind];
    if (!pem) return undefined;
    const label = kind === "gm" ? "GM agency key (its GM CSR)" : "agency key (its standard CSR)";
    return { id: `csr:${kind}`, name: label, publicKeyPem: parseCsr(pem).publicKeyPem, algorithm: kind === "gm" ? "sm2" : "secp256k1", source: { csr: kind } };
  };
  const signer =
    content.role === "committee"
      ? (certSigner(CERT.gmChainCa, "GM chain CA key") ?? certSigner(CERT.chainCa, "chain CA key"))
      : (certSigner(CERT.gmAgency, "GM agency key") ?? csrSigner("gm") ?? certSigner(CERT.agency, "agency key") ?? csrSigner("std"));
  if (!signer) {
    throw new Error(
      content.role === "committee"
        ? `the committee's bundle carries no chain CA certificate (${CERT.gmChainCa} or ${CERT.chainCa}) to be verified with`
        : `${content.party}'s bundle carries neither an agency certificate nor a CSR to be verified with`,
    );
  }
  return signer;
}

/** The signing key really is the party's: its certificate is the profile's and chains to the trusted CA; its request passes the committee's check. */
function checkSignerIdentity(signer: Signer, content: PartyBundle, options: ReadOptions): void {
  if ("csr" in signer.source) {
    checkAgencyCsr(content.csrs[signer.source.csr]!, { agency: content.party, kind: signer.source.csr, plan: options.plan });
    return;
  }
  const name = signer.source.certificate;
  const { certificate } = parseCertificate(content.certificates[name]);
  const tbs = certificate.tbsCertificate;
  const gm = signer.algorithm === "sm2";
  const trusted = gm ? options.chainCa?.gm : options.chainCa?.std;
  if (content.role === "committee") {
    if (trusted && !samePem(trusted, content.certificates[name])) {
      throw new Error(`${name} is not the chain CA this party already trusts (a different committee key)`);
    }
    if (
      !verifyWith(
        certificate.signatureAlgorithm.algorithm,
        new Uint8Array(certificate.tbsCertificateRaw!),
        new Uint8Array(certificate.signatureValue),
        tbs.subjectPublicKeyInfo,
      )
    ) {
      throw new Error(`${name} is not a valid self-signed chain CA certificate`);
    }
    return;
  }
  const profile = PROFILES[gm ? "gmAgencyCa" : "agencyCa"];
  const expected = formatName(encodeName(subjectOf(profile, content.party)));
  if (formatName(tbs.subject) !== expected) throw new Error(`${name} is for ${formatName(tbs.subject)}, not ${content.party} (${expected})`);
  if (trusted) {
    const ca = parseCertificate(trusted).certificate;
    if (
      !verifyWith(
        certificate.signatureAlgorithm.algorithm,
        new Uint8Array(certificate.tbsCertificateRaw!),
        new Uint8Array(certificate.signatureValue),
        ca.tbsCertificate.subjectPublicKeyInfo,
      )
    ) {
      throw new Error(`${name} was not issued by the committee's chain CA`);
    }
  }
}

/** What the signature covers: the format line, then the canonical content. */
function signedBytes(content: PartyBundle): Uint8Array {
  return new Uint8Array(Buffer.from(`${BUNDLE_FORMAT}\n${canonicalJson(content)}`, "utf8"));
}

/** JSON with keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`a bundle cannot hold the number ${value}`);
  return value;
}

const PRIVATE_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** A run of exactly 64 hex digits: how a 256-bit private scalar is usually written (node IDs are 128). */
const BARE_SCALAR = /(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/;
const PUBLIC_PEM_LABELS = ["CERTIFICATE", "CERTIFICATE REQUEST"];

/**
 * Refuses content with private key material: a private-key PEM block, any PEM block other than a
 * certificate or request, a bare 64-hex scalar outside planDigest, or the scalar of any of
 * `secrets` (PEM private keys the party holds) in hex or base64.
 */
export function assertPublicOnly(content: PartyBundle | string, secrets: readonly string[]): void {
  const text = typeof content === "string" ? content : canonicalJson(content);
  if (PRIVATE_PEM.test(text)) throw new Error("holds a PEM private key");
  const labels = [...text.replace(/\\n/g, "\n").matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
  const other = labels.find((label) => !PUBLIC_PEM_LABELS.includes(label));
  if (other) throw new Error(`holds a PEM ${other} block; only certificates and certificate requests belong in a bundle`);
  // The plan may carry 64-hex values of its own (chain.binary.sha256); the secrets check below still covers it.
  if (typeof content !== "string" && BARE_SCALAR.test(canonicalJson({ ...content, planDigest: undefined, plan: undefined })))
    throw new Error("holds a 64-hex-digit value that could be a private scalar");
  for (const secret of secrets) {
    const { scalarHex } = loadPrivateKey(secret);
    if (!scalarHex) continue; // RSA keys: only as PEM, which is refused above
    const forms = [scalarHex, scalarHex.toUpperCase(), Buffer.from(scalarHex, "hex").toString("base64")];
    if (forms.some((f) => text.includes(f))) throw new Error("holds one of the party's private keys");
  }
}

/** Why `content` is not a bundle's content, or undefined. */
function shapeOf(content: unknown): string | undefined {
  if (content === null || typeof content !== "object") return "has no content";
  const c = content as Partial<PartyBundle>;
  if (typeof c.party !== "string" || c.party === "") return "names no party";
  if (c.role !== "committee" && c.role !== "agency") return `has role ${JSON.stringify(c.role)}, expected committee or agency`;
  if (typeof c.chainId !== "number") return "has no chainId";
  if (c.planDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(c.planDigest)) return "has a planDigest that is not sha256:<64 hex>";
  if (c.plan !== undefined && (c.plan === null || typeof c.plan !== "object" || !Array.isArray(c.plan.nodes) || !Array.isArray(c.plan.groups)))
    return "has a plan that is not a topology model";
  if (!c.certificates || typeof c.certificates !== "object" || Object.values(c.certificates).some((v) => typeof v !== "string"))
    return "has no certificates map";
  if (!c.csrs || typeof c.csrs !== "object") return "has no csrs map";
  if (
    !Array.isArray(c.nodes) ||
    c.nodes.some((n) => typeof n?.name !== "string" || !/^[0-9a-f]{128}$/.test(n?.nodeId) || typeof n?.address !== "string" || typeof n?.p2pPort !== "number")
  ) {
    return "has a malformed nodes list";
  }
  if (!Array.isArray(c.genesis) || c.genesis.some((g) => typeof g?.groupId !== "number" || typeof g?.timestamp !== "number" || !Array.isArray(g?.sealerIds))) {
    return "has a malformed genesis list";
  }
  return undefined;
}

/** One PEM text per key, so two public keys compare as text. */
function pemOfSpki(spki: SubjectPublicKeyInfo): string {
  return derToPem(AsnConvert.serialize(spki), "PUBLIC KEY");
}

function samePublicKey(spki: SubjectPublicKeyInfo, pem: string): boolean {
  return pemOfSpki(spki) === pemOfSpki(parsePublicKeyPem(pem));
}

function samePem(a: string, b: string): boolean {
  const der = (pem: string) => pemBlocks(pem).find((x) => x.label === "CERTIFICATE")?.der;
  const da = der(a);
  const db = der(b);
  return !!da && !!db && da.equals(db);
}
