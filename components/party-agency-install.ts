/**
 * An agency stack's installs (`chain.install: true` in its copy): its own nodes only, with the
 * single stack's install functions (components/consortium/installs.ts) on the agency's install
 * model (infra/party/agency-install.ts). Node folders are rendered from the agency's copy, which
 * equals the committee's approved plan in all it shares (peers' p2p endpoints, groups, chain
 * settings; checked before this runs) and holds the agency's own channel and RPC ports, with the
 * committee's frozen genesis; hosts are reached as the copy says. Every node folder's marker names this stack, so the install and removal
 * scripts refuse other agencies' folders in a shared deployDir; the binary there is placed as
 * SHARED_BINARY_INSTALL_STDIN says (never replaced under another stack's nodes).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ChainPki } from "../infra/crypto/types";
import { agencyInstallModel } from "../infra/party/agency-install";
import type { HostedNodes } from "../infra/providers/hosted-nodes";
import { nodePackageBase64 } from "../infra/remote";
import type { Model } from "../infra/topology/types";
import { readHealthTimeoutSeconds } from "../infra/topology/validate-settings";
import { createInstall, createNodeRemoval, recordHostedNodes, stackOwner } from "./consortium/installs";
import type { NodeInstall } from "./node-install";

export interface AgencyInstallArgs {
  agency: string;
  /** The agency's validated copy (hosts, SSH settings, deployDir, chain.install and chain.binary). */
  copy: Model;
  /**
   * The agency's PKI (authority certificates from the committee's bundle) and each group's
   * frozen genesis, once the committee published its approved plan (the copy was checked against
   * it) and everything its nodes need; undefined while it waits.
   */
  ready?: { pki: pulumi.Output<ChainPki>; genesis: pulumi.Output<Record<number, string>> };
  /** Its own nodes' IDs by name. */
  nodeIds: Record<string, pulumi.Input<string>>;
  healthTimeoutSeconds?: number;
  movedNodes?: string[];
  parent: pulumi.Resource;
}

export interface AgencyInstalled {
  hostedNodes: HostedNodes;
  install?: NodeInstall;
}

/** Per own node: its folder as base64 tar.gz (a secret), rendered from the agency's checked copy with that node's PKI alone. */
export function agencyNodePackages(
  copy: Model,
  agency: string,
  pki: pulumi.Output<ChainPki>,
  genesis: pulumi.Output<Record<number, string>>,
): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    copy.nodes
      .filter((n) => n.agency === agency)
      .map((n) => [
        n.name,
        pulumi.secret(
          pulumi.all([pki, genesis]).apply(([p, g]) => nodePackageBase64(copy, { ...p, nodes: p.nodes.filter((x) => x.name === n.name) }, n.name, g)),
        ),
      ]),
  );
}

/**
 * The agency's HostedNodes record, declared in every run (its delete is `pulumi destroy`), and
 * with chain.install and everything published, the install of its nodes and the removal of its
 * nodes that left the approved plan. While the agency waits (a group's genesis not frozen yet),
 * the record holds its nodes as with install off: hosts are left as they are, nothing removed.
 */
export function createAgencyInstall(args: AgencyInstallArgs): AgencyInstalled {
  const { agency, copy, ready, parent } = args;
  const owner = stackOwner();
  const model = agencyInstallModel(copy, agency);
  if (!copy.chain.install || !ready) {
    const paused = { ...model, chain: { ...model.chain, install: false } };
    return { hostedNodes: recordHostedNodes(agency, paused, owner, [], args.nodeIds, undefined, parent) };
  }
  const healthTimeoutSeconds = readHealthTimeoutSeconds(args.healthTimeoutSeconds);
  const packages = agencyNodePackages(copy, agency, ready.pki, ready.genesis);
  const { install, hostedNodes } = createInstall(
    agency,
    model,
    { packages, healthTimeoutSeconds, owner, movedNodes: args.movedNodes, nodeIds: args.nodeIds, party: agency },
    parent,
  );
  createNodeRemoval(agency, owner, hostedNodes, Object.values(install.nodes), parent);
  return { hostedNodes, install };
}
