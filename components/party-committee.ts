/**
 * `bcos:party: committee`: the stack that holds the chain CAs and only signs. It reads the
 * agencies' bundles, checks their certificate requests against its topology (the approved plan)
 * before anything is registered, certifies them, makes each group's frozen genesis once the
 * agencies published all its sealers' node IDs, and publishes its bundle (chain CA certificates,
 * issued agency certificates, genesis, the approved plan). It reads its own last bundle too, with
 * either exchange, so a genesis once frozen stays declared (infra/party/missing-bundles.ts). Resource names are the single stack's
 * (`chain-ca-key`, `group-1-genesis`, …) under a `Committee` component.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BundleGenesis, PartyBundle } from "../infra/exchange/bundle";
import { verifyPublished } from "../infra/exchange/exchange";
import { checkAgencyRequests } from "../infra/party/agency-requests";
import { keptGenesis, keptRequests } from "../infra/party/missing-bundles";
import { committeeBundleContent } from "../infra/party/party-bundles";
import type { ExchangeSetting } from "../infra/party/settings";
import { committeeWaits, type WaitingFor } from "../infra/party/waiting";
import type { Model } from "../infra/topology/types";
import { createGroups } from "./consortium/genesis";
import { createChainAuthority } from "./consortium/pki";
import type { Validity } from "./credential";
import { anchoredTo, BUNDLE_OUTPUT, openExchange, readParties, reportWaiting } from "./exchange";
import { certifyAgencies } from "./party-certification";

export interface CommitteeArgs {
  /** The committee's validated topology: the approved plan it publishes. */
  model: Model;
  exchange: ExchangeSetting;
  validity: Validity;
  /** Where the waiting line goes; default pulumi.log.info. */
  log?: (line: string) => void;
}

/** The committee's stack outputs. */
export interface CommitteeOutputs {
  party: string;
  /** The signed bundle text (read by a `{ stacks }` exchange; public). */
  [BUNDLE_OUTPUT]: pulumi.Output<string>;
  /** Per agency, what the committee still waits for from it; `{}` when converged. */
  waitingFor: pulumi.Output<WaitingFor>;
  /** Per group: genesis timestamp and initial sealers' IDs, once made. */
  groups: pulumi.Output<BundleGenesis[]>;
}

export class Committee extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:Committee", name, {}, opts);
  }
}

export async function createCommittee(args: CommitteeArgs): Promise<CommitteeOutputs> {
  const { model: plan, validity } = args;
  const exchange = openExchange(args.exchange);
  // Everything read and checked before the first resource: a refused request changes nothing.
  const read = await readParties(
    exchange.source,
    plan.agencies.map((a) => a.name),
    plan,
  );
  // Its own last bundle (`<dir>/committee.bundle`, or its own stack's `bundle` output read like any
  // party's): the genesis it froze and the agency certificates it issued before. Used only once it
  // is shown to be signed on this committee's chain CA keys (below).
  const own = await exchange.source.fetch("committee");
  const ownBundle = own && verifyPublished(own, "committee", plan);
  const published = ownBundle?.genesis ?? [];
  // An agency whose bundle is missing now keeps its certificates (see infra/party/missing-bundles.ts).
  const kept = keptRequests(plan, ownBundle, Object.keys(read));
  const requests = { ...kept, ...checkAgencyRequests(plan, Object.fromEntries(Object.entries(read).map(([party, r]) => [party, r.bundle]))) };
  const parent = new Committee("committee");
  const authority = createChainAuthority(plan, validity, undefined, parent);
  const anchors = pulumi.all([authority.gmCertPem, authority.certPem]).apply(([gm, std]) => ({ gm: gm || undefined, std }));
  const sources = Object.fromEntries([
    ...Object.keys(kept).map((party) => [party, `${own!.source} (certified before; its own bundle is missing)`]),
    ...Object.entries(read).map(([party, r]) => [party, r.published.source]),
  ]);
  // Kept certificates are re-signed, and kept genesis declared, only if the committee's own chain CA signed the bundle they came from.
  const ownChecked = anchors.apply((a) => keptGenesis(ownBundle, own?.source ?? "", a, args.exchange.kind));
  const confirmed = Object.fromEntries(Object.keys(kept).map((party) => [party, ownChecked]));
  const issued = certifyAgencies({ requests, sources, authority: { std: authority.std, gm: authority.gm }, validity, confirmed }, parent);
  // Values that reach resources come from bundles whose agency certificates chain to this committee.
  const agencies: Record<string, pulumi.Output<PartyBundle>> = Object.fromEntries(
    Object.entries(read).map(([party, r]) => [party, anchoredTo(r, plan, anchors)]),
  );

  // A genesis is frozen once: made only when every initial sealer's ID is published, each by the
  // agency the plan says owns the node.
  const nodeIds: Record<string, pulumi.Output<string>> = {};
  for (const node of plan.nodes) {
    if (read[node.agency]?.bundle.nodes.some((n) => n.name === node.name)) {
      nodeIds[node.name] = agencies[node.agency].apply((b) => b.nodes.find((n) => n.name === node.name)!.nodeId);
    }
  }
  // A genesis it published before stays declared even if a bundle went missing or the plan added
  // a sealer without an ID yet: deleting it would make a new block 0. Such a group is given the
  // sealer IDs it was frozen with, once its own bundle is shown to be its own.
  const ready = plan.groups.flatMap((g) => {
    if (g.sealers.every((s) => nodeIds[s])) return [g];
    const frozen = published.find((x) => x.groupId === g.id);
    if (!frozen) return [];
    for (const id of frozen.sealerIds) nodeIds[id] = ownChecked.apply(() => id);
    return [{ ...g, sealers: frozen.sealerIds }];
  });
  const groups = createGroups({ ...plan, groups: ready }, nodeIds, undefined, parent);
  const genesis = pulumi.all(
    ready.map((g) =>
      pulumi.all([groups[g.id].timestamp, groups[g.id].sealerIds]).apply(([timestamp, sealerIds]): BundleGenesis => ({ groupId: g.id, timestamp, sealerIds })),
    ),
  );

  const content = pulumi
    .all([anchors, pulumi.all(issued), genesis])
    .apply(([chainCa, certs, frozen]) => committeeBundleContent({ plan, chainCa, issued: certs, genesis: frozen }));
  const signer = authority.gm ?? authority.std;
  const bundle = exchange.publish(
    "committee",
    { content, signingKeyPem: signer.privateKeyPem, heldSecrets: [authority.std.privateKeyPem, ...(authority.gm ? [authority.gm.privateKeyPem] : [])] },
    { parent },
  );
  const waits = pulumi.all(agencies).apply((bundles) =>
    committeeWaits(
      plan,
      bundles,
      ready.map((g) => g.id),
    ),
  );
  return { party: "committee", [BUNDLE_OUTPUT]: bundle.text, waitingFor: reportWaiting("committee", waits, args.log), groups: genesis };
}
