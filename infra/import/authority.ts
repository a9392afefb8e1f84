/**
 * Who issued what: the chain CA(s), the agencies (the issuers of the node certificates) and their
 * RSA channel CAs, each with its private key when one was found. Every node certificate must chain,
 * signature by signature, to the given chain CA, and every node must trust that CA; otherwise the
 * import is refused (reference §4.4: such a node starts, but its TLS handshakes fail).
 */
import type { KeyAlgorithm } from "../crypto/types";
import { publicKeyMatches } from "../crypto/public-key";
import { type CertInfo, commonName, isSelfSigned, signedBy } from "./certificates";
import type { CertSources, KeyEntry } from "./cert-sources";
import type { ImportProblem } from "./import-error";
import { NameBook, safeName } from "./names";
import type { CredentialRole, NodeFolder } from "./node-folder-reader";

export interface CaMaterial {
  cert: CertInfo;
  /** Absent (the usual case for an agency): the certificate is imported without its key. */
  key?: KeyEntry;
}

export interface AgencyMaterial {
  name: string;
  /** secp256k1 agency CA (`agency.crt`). */
  std?: CaMaterial;
  /** SM2 agency CA (`gmagency.crt`). */
  gm?: CaMaterial;
  /** RSA channel CA (`channel_cert/ca.crt`). */
  channelCa?: CaMaterial;
  nodes: NodeFolder[];
}

export interface ChainAuthority {
  std?: CaMaterial;
  gm?: CaMaterial;
  agencies: AgencyMaterial[];
}

type RootKind = "gm" | "std";
const ROOT_ALGORITHM: Record<RootKind, KeyAlgorithm> = { gm: "sm2", std: "secp256k1" };
const ROOT_FILE: Record<RootKind, string> = { gm: "gmca.crt", std: "ca.crt" };
const ROLE_ROOT: Partial<Record<CredentialRole, RootKind>> = { gmnode: "gm", gmennode: "gm", origin: "std", node: "std" };
const MAX_CHAIN = 5;

const CHAIN_FIX =
  "restore the node's own certificate chain (issued by its agency under the chain CA), or pass --cert-dir with the CA and agency certificates that issued it";

/** The certificates from `leaf` up to a self-signed root, each link checked by its signature. */
function chainOf(leaf: CertInfo, candidates: readonly CertInfo[]): { path: CertInfo[] } | { failure: string } {
  const path = [leaf];
  for (let cert = leaf; !isSelfSigned(cert); ) {
    if (path.length > MAX_CHAIN) return { failure: `its chain is longer than ${MAX_CHAIN} certificates` };
    const named = candidates.filter((c) => c.subjectDer === cert.issuerDer && c.fingerprint !== cert.fingerprint);
    if (named.length === 0) return { failure: `the issuer of ${cert.subject} (${cert.issuer}) is not among the certificates given` };
    const issuer = named.find((c) => signedBy(cert, c));
    if (!issuer) {
      const sm2 = cert.key.algorithm === "sm2" ? " (SM2 with the default user ID 1234567812345678)" : "";
      return { failure: `the signature of ${cert.subject} does not verify under ${named[0].subject} from ${named[0].file}${sm2}` };
    }
    path.push(issuer);
    cert = issuer;
  }
  return { path };
}

function keyFor(cert: CertInfo, keys: readonly KeyEntry[]): KeyEntry | undefined {
  return keys.find((k) => publicKeyMatches(cert.certificate.tbsCertificate.subjectPublicKeyInfo, k.key.keyPair));
}

function anchorOf(node: NodeFolder, kind: RootKind): CertInfo | undefined {
  const c = node.credentials;
  return kind === "gm" ? c.gmnode?.ca : (c.origin ?? c.node)?.ca;
}

/** The given chain CA of one kind: from the CA folders (--cert-dir first), else the one every node trusts. */
function pickRoot(kind: RootKind, nodes: readonly NodeFolder[], sources: CertSources, problems: ImportProblem[]): CertInfo | undefined {
  const given = sources.certs.find((c) => c.key.algorithm === ROOT_ALGORITHM[kind] && isSelfSigned(c));
  if (given) return given;
  const anchors = new Map<string, CertInfo>();
  for (const node of nodes) {
    const anchor = anchorOf(node, kind);
    if (anchor && !anchors.has(anchor.fingerprint)) anchors.set(anchor.fingerprint, anchor);
  }
  if (anchors.size > 1) {
    problems.push({
      file: [...anchors.values()].map((a) => a.file).join(", "),
      problem: `the nodes trust ${anchors.size} different chain CAs (${ROOT_FILE[kind]})`,
      fix: `import one chain at a time, or pass --cert-dir with the chain's ${ROOT_FILE[kind]} so the odd nodes are named`,
    });
    return undefined;
  }
  return [...anchors.values()][0];
}

interface NodeIssuers {
  std?: CertInfo;
  gm?: CertInfo;
  channelCa?: CertInfo;
}

function checkNode(node: NodeFolder, roots: Partial<Record<RootKind, CertInfo>>, pool: readonly CertInfo[], problems: ImportProblem[]): NodeIssuers {
  const issuers: NodeIssuers = {};
  const shown = (rel: string) => `${node.label}/${rel}`;
  // gmennode.crt is a single certificate; its agency is in gmnode.crt's chain.
  const folderCerts = Object.values(node.credentials).flatMap((c) => c.certs.slice(1));
  for (const credential of Object.values(node.credentials)) {
    const leaf = credential.certs[0];
    const kind = ROLE_ROOT[credential.role];
    if (kind === undefined) {
      // The RSA channel set: its own self-signed channel CA, shipped next to it.
      const ca = credential.ca!;
      const result = chainOf(leaf, [ca]);
      if ("failure" in result || result.path[result.path.length - 1].fingerprint !== ca.fingerprint) {
        const why = "failure" in result ? result.failure : `it chains to ${result.path[result.path.length - 1].subject}`;
        problems.push({ file: shown(credential.certFile), problem: `does not chain to the channel CA ${shown(credential.caFile!)}: ${why}`, fix: CHAIN_FIX });
      } else {
        issuers.channelCa = ca;
      }
      continue;
    }
    const root = roots[kind];
    if (!root) continue; // already reported by pickRoot
    if (credential.ca && credential.ca.fingerprint !== root.fingerprint) {
      problems.push({
        file: shown(credential.caFile!),
        problem: `is not the chain CA (${root.subject} from ${root.file})`,
        fix: `copy the chain's ${ROOT_FILE[kind]} into the node's conf/ (a node trusting another CA cannot talk to its peers)`,
      });
    }
    const result = chainOf(leaf, [...folderCerts, ...pool, root]);
    if ("failure" in result) {
      problems.push({ file: shown(credential.certFile), problem: `does not chain to the chain CA ${root.file}: ${result.failure}`, fix: CHAIN_FIX });
      continue;
    }
    const top = result.path[result.path.length - 1];
    if (top.fingerprint !== root.fingerprint) {
      const sha = (c: CertInfo) => `SHA-256 ${c.fingerprint.slice(0, 16)}…`;
      problems.push({
        file: shown(credential.certFile),
        problem: `chains to another root (${top.subject}, ${sha(top)}, from ${top.file}), not to the chain CA ${root.file} (${sha(root)})`,
        fix: CHAIN_FIX,
      });
      continue;
    }
    // The agency is the certificate just below the root; build_chain -N signs nodes with the root itself.
    const agency = result.path.length >= 3 ? result.path[result.path.length - 2] : undefined;
    if (agency && (credential.role === "gmnode" || credential.role === "origin" || credential.role === "node")) issuers[kind] = agency;
  }
  return issuers;
}

/** The agency's name: its secp256k1 certificate's CN, else the GM one's without build_chain's "-gm". */
function agencyName(issuers: NodeIssuers): string {
  const std = issuers.std && commonName(issuers.std, "subject");
  const gm = issuers.gm && commonName(issuers.gm, "subject")?.replace(/-gm$/, "");
  // build_chain -l names its one agency "agency".
  return safeName("agency", std ?? gm ?? "agency");
}

export function resolveAuthority(nodes: readonly NodeFolder[], sources: CertSources): { authority?: ChainAuthority; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const roots: Partial<Record<RootKind, CertInfo>> = {};
  for (const kind of ["gm", "std"] as const) {
    if (nodes.some((n) => Object.values(n.credentials).some((c) => ROLE_ROOT[c.role] === kind))) {
      roots[kind] = pickRoot(kind, nodes, sources, problems);
    }
  }
  const pool = sources.certs;
  const byIssuers = new Map<string, AgencyMaterial>();
  const names = new NameBook();
  for (const node of nodes) {
    const issuers = checkNode(node, roots, pool, problems);
    const id = `${issuers.std?.fingerprint ?? "-"}|${issuers.gm?.fingerprint ?? "-"}`;
    let agency = byIssuers.get(id);
    if (!agency) {
      const material = (cert?: CertInfo) => cert && { cert, key: keyFor(cert, sources.keys) };
      agency = {
        name: names.claim(agencyName(issuers)),
        std: material(issuers.std),
        gm: material(issuers.gm),
        channelCa: material(issuers.channelCa),
        nodes: [],
      };
      byIssuers.set(id, agency);
    }
    agency.nodes.push(node);
  }
  if (problems.length > 0) return { problems };
  const root = (kind: RootKind): CaMaterial | undefined => roots[kind] && { cert: roots[kind]!, key: keyFor(roots[kind]!, sources.keys) };
  return { authority: { std: root("std"), gm: root("gm"), agencies: [...byIssuers.values()] }, problems };
}
