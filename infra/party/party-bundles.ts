/**
 * What each party publishes, as bundle content (pure): the committee its chain CA certificates,
 * the agency certificates it issued and the groups' frozen genesis; an agency its requests, its
 * agency certificates once issued, and its nodes' IDs and p2p endpoints. And what an agency takes
 * back from the committee's bundle: its own agency certificates.
 */
import { createHash } from "node:crypto";
import { certifiesKey } from "../crypto/adopted-certificate";
import type { AgencyCertKind } from "../crypto/csr";
import { type BundleGenesis, type BundleNode, CERT, canonicalJson, type PartyBundle } from "../exchange/bundle";
import type { Model } from "../topology/types";

/** An agency's certificates by kind (PEM). */
export interface AgencyCertificatePems {
  gm?: string;
  std?: string;
}

/** Where the committee's bundle holds `agency`'s certificate of `kind`: `agencyD/gmagency.crt`, `agencyD/agency.crt`. */
export function issuedCertificateName(agency: string, kind: AgencyCertKind): string {
  return `${agency}/${kind === "gm" ? CERT.gmAgency : CERT.agency}`;
}

/** `sha256:<hex>` of the approved plan, as the committee publishes it. */
export function planDigestOf(plan: Model): string {
  return `sha256:${createHash("sha256").update(canonicalJson(plan)).digest("hex")}`;
}

export interface CommitteeBundleInput {
  plan: Model;
  chainCa: { gm?: string; std: string };
  /** What the committee issued so far, per agency. */
  issued: Record<string, AgencyCertificatePems>;
  genesis: BundleGenesis[];
}

export function committeeBundleContent(input: CommitteeBundleInput): PartyBundle {
  const certificates: Record<string, string> = { [CERT.chainCa]: input.chainCa.std };
  if (input.chainCa.gm) certificates[CERT.gmChainCa] = input.chainCa.gm;
  for (const [agency, pems] of Object.entries(input.issued).sort(([a], [b]) => a.localeCompare(b))) {
    for (const kind of ["gm", "std"] as const) {
      const pem = pems[kind];
      if (pem) certificates[issuedCertificateName(agency, kind)] = pem;
    }
  }
  return {
    party: "committee",
    role: "committee",
    chainId: input.plan.chain.id,
    planDigest: planDigestOf(input.plan),
    plan: input.plan,
    certificates,
    csrs: {},
    nodes: [],
    genesis: [...input.genesis].sort((a, b) => a.groupId - b.groupId),
  };
}

export interface AgencyBundleInput {
  plan: Model;
  agency: string;
  csrs: { gm?: string; std?: string };
  /** Its agency certificates, once the committee issued them (see issuedCertificates). */
  certificates: AgencyCertificatePems;
  /** Its own nodes' IDs (128 hex), by node name; the endpoints come from the approved plan. */
  nodeIds: Record<string, string>;
}

export function agencyBundleContent(input: AgencyBundleInput): PartyBundle {
  const { plan, agency } = input;
  const hosts = new Map(plan.hosts.map((h) => [h.name, h]));
  const nodes: BundleNode[] = plan.nodes
    .filter((n) => n.agency === agency && input.nodeIds[n.name])
    .map((n) => ({ name: n.name, nodeId: input.nodeIds[n.name], address: hosts.get(n.host)?.address ?? "", p2pPort: n.p2pPort }));
  const certificates: Record<string, string> = {};
  if (input.certificates.gm) certificates[CERT.gmAgency] = input.certificates.gm;
  if (input.certificates.std) certificates[CERT.agency] = input.certificates.std;
  return { party: agency, role: "agency", chainId: plan.chain.id, certificates, csrs: { ...input.csrs }, nodes, genesis: [] };
}

/**
 * `agency`'s certificates in the committee's (verified) bundle, each only if it certifies the
 * agency's current key: one issued for an earlier request is not yet the answer to this one.
 */
export function issuedCertificates(committee: PartyBundle | undefined, agency: string, publicKeys: { gm?: string; std: string }): AgencyCertificatePems {
  const found: AgencyCertificatePems = {};
  for (const kind of ["gm", "std"] as const) {
    const pem = committee?.certificates[issuedCertificateName(agency, kind)];
    const key = publicKeys[kind];
    if (pem && key && certifiesKey(pem, key)) found[kind] = pem;
  }
  return found;
}

/**
 * The approved plan a (verified) committee bundle carries, checked against its digest; `source`
 * names the file or stack output in the refusal.
 */
export function approvedPlanOf(committee: PartyBundle, source: string): Model {
  const fix = "ask the committee to run pulumi up again and carry its new bundle";
  if (!committee.plan) throw new Error(`${source}: carries no approved plan (written by an older version); fix: ${fix}`);
  // JSON drops what the digest's canonical form drops too (undefined keys), so the two agree.
  if (planDigestOf(committee.plan) !== committee.planDigest) throw new Error(`${source}: its plan does not match its planDigest; fix: ${fix}`);
  return committee.plan;
}
