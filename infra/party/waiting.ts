/**
 * Convergence: what a party cannot make yet because another party has not published it, and
 * from whom. A waiting party makes what it can, reports this (one log line and the stack output
 * `waitingFor`) and exits 0; the next round of `pulumi up` by the others brings it.
 */
import { issuedCertificateName } from "./party-bundles";
import type { PartyBundle } from "../exchange/bundle";
import type { Model } from "../topology/types";

export interface Wait {
  /** The party that has to publish it. */
  from: string;
  /** "agency certificate for agencyD", "node ID of node5", "genesis of group 2". */
  what: string;
}

/** The stack output `waitingFor`: per party, what this party waits for from it; empty when converged. */
export type WaitingFor = Record<string, string[]>;

/** The committee waits for each agency's requests, and for the sealers' node IDs of groups it still has to make a genesis for. */
export function committeeWaits(plan: Model, agencies: Record<string, PartyBundle | undefined>, genesisMade: readonly number[] = []): Wait[] {
  const waits: Wait[] = [];
  for (const agency of plan.agencies) {
    const bundle = agencies[agency.name];
    if (!bundle) {
      waits.push({ from: agency.name, what: "its bundle (certificate requests, node IDs)" });
      continue;
    }
    if (plan.chain.smCrypto && !bundle.csrs.gm) waits.push({ from: agency.name, what: "GM certificate request" });
    if (!bundle.csrs.std) waits.push({ from: agency.name, what: "certificate request" });
  }
  const agencyOf = new Map(plan.nodes.map((n) => [n.name, n.agency]));
  for (const group of plan.groups) {
    if (genesisMade.includes(group.id)) continue;
    for (const sealer of group.sealers) {
      const owner = agencyOf.get(sealer)!;
      const bundle = agencies[owner];
      if (bundle && !bundle.nodes.some((n) => n.name === sealer)) waits.push({ from: owner, what: `node ID of ${sealer} (sealer of group ${group.id})` });
    }
  }
  return waits;
}

/**
 * An agency waits for the committee's bundle, its own agency certificates and the genesis of each
 * group its nodes are in; and for the node IDs of other agencies' nodes that share a group with
 * its own (membership transactions name them).
 */
export function agencyWaits(plan: Model, agency: string, committee: PartyBundle | undefined, others: Record<string, PartyBundle | undefined>): Wait[] {
  if (!committee) return [{ from: "committee", what: "its bundle (chain CA, agency certificates, genesis)" }];
  const waits: Wait[] = [];
  // Standard first: "waiting for committee: agency certificate for agencyD" reads as the issue names it.
  for (const kind of plan.chain.smCrypto ? (["std", "gm"] as const) : (["std"] as const)) {
    if (!committee.certificates[issuedCertificateName(agency, kind)]) {
      waits.push({ from: "committee", what: `${kind === "gm" ? "GM agency" : "agency"} certificate for ${agency}` });
    }
  }
  const own = new Set(plan.nodes.filter((n) => n.agency === agency).map((n) => n.name));
  const agencyOf = new Map(plan.nodes.map((n) => [n.name, n.agency]));
  const needed = new Set<string>();
  for (const group of plan.groups) {
    const members = [...group.sealers, ...group.observers, ...group.free];
    if (!members.some((n) => own.has(n))) continue;
    if (!committee.genesis.some((g) => g.groupId === group.id)) waits.push({ from: "committee", what: `genesis of group ${group.id}` });
    for (const n of members) if (!own.has(n)) needed.add(n);
  }
  for (const node of [...needed].sort()) {
    const owner = agencyOf.get(node)!;
    if (!others[owner]?.nodes.some((n) => n.name === node)) waits.push({ from: owner, what: `node ID of ${node}` });
  }
  return waits;
}

/** The stack output: per party in first-mention order, what is awaited from it. */
export function waitingFor(waits: readonly Wait[]): WaitingFor {
  const out: WaitingFor = {};
  for (const w of waits) (out[w.from] ??= []).push(w.what);
  return out;
}

/** The one log line, e.g. "agencyD is waiting for committee: agency certificate for agencyD; agencyB: node ID of node3". */
export function waitingLine(party: string, waits: readonly Wait[]): string | undefined {
  if (waits.length === 0) return undefined;
  const parts = Object.entries(waitingFor(waits)).map(([from, what]) => `${from}: ${what.join(", ")}`);
  return `${party} is waiting for ${parts.join("; ")} (it made what it could; run pulumi up again after they publish)`;
}
