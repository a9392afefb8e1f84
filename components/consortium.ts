/**
 * The whole consortium in one stack. `createConsortium` does the work with one function per
 * concern (components/consortium/: PKI, genesis, node registry, packages, diagram, installs,
 * memberships, summaries), so that a stack holding only one party's part can call the same
 * functions with a subset; the `Consortium` class only parents the resources and wires outputs
 * (the shape of pulumi-eks's createCore and Cluster). Names and parents are what earlier versions
 * registered: existing states keep their URNs (test/e2e/old-state.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { HostedNodes } from "../infra/providers/hosted-nodes";
import type { KeyPair } from "../infra/providers/key-pair";
import type { Membership } from "../infra/providers/membership";
import type { NodeRegistry } from "../infra/providers/node-registry";
import type { NodeRemoval } from "../infra/providers/node-removal";
import type { Model } from "../infra/topology/types";
import { readHealthTimeoutSeconds } from "../infra/topology/validate-settings";
import { adoptedInstalls } from "../infra/import/adopted-install";
import type { Adoption } from "./adoption";
import type { Agency } from "./agency";
import { certificateSummaries, type CertificateSummaries } from "./certificate-summary";
import type { ChainAuthority } from "./chain-authority";
import { createDiagrams } from "./consortium/diagram";
import { createGroups, frozenGenesis } from "./consortium/genesis";
import { createInstall, createNodeRemoval, recordHostedNodes, stackOwner } from "./consortium/installs";
import { createGovernanceKey, createMemberships } from "./consortium/memberships";
import { createNodeRegistry } from "./consortium/node-registry";
import { createAgencyPackages, nodePackages, type AgencySummary } from "./consortium/packages";
import { createPki, validityOf } from "./consortium/pki";
import { groupSummaries, nodeSummaries, type GroupSummary, type NodeSummary } from "./consortium/summaries";
import type { Group } from "./group";
import type { Node } from "./node";
import type { NodeInstall } from "./node-install";

export type { AgencySummary, GroupSummary, NodeSummary };

export interface ConsortiumArgs {
  /** The validated topology (see infra/topology): every later stage reads only this. */
  model: Model;
  /** Folder for the agencies' handover packages (stack config `bcos:outputDir`). */
  outputDir: string;
  /** Stack config `bcos:renewBeforeDays`: re-issue certificates (same keys) this many days before they expire; default 30. */
  renewBeforeDays?: number;
  /** With chain.install: seconds a (re)started node may take to be healthy; default 60. */
  healthTimeoutSeconds?: number;
  /** Stack config `bcos:movedNodes`: nodes moved to another host or deployDir by hand. */
  movedNodes?: string[];
  /** An imported chain's keys, certificates and genesis files to adopt instead of making new ones. */
  adoption?: Adoption;
}

/** What createConsortium made; see the Consortium fields of the same names. */
export interface ConsortiumParts {
  authority: ChainAuthority;
  agencies: Record<string, Agency>;
  nodes: Record<string, Node>;
  groups: Record<number, Group>;
  nodeRegistry: NodeRegistry;
  agencySummaries: Record<string, AgencySummary>;
  hostedNodes: HostedNodes;
  install?: NodeInstall;
  governanceKey?: KeyPair;
  memberships: Record<number, Membership>;
  nodeRemoval?: NodeRemoval;
}

/** Every resource of the consortium, parented to `parent` (named `name`) or below it. */
export function createConsortium(name: string, args: ConsortiumArgs, parent: pulumi.Resource): ConsortiumParts {
  const { model } = args;
  // Programs other than index.ts pass it in directly; the install script needs whole seconds.
  const healthTimeoutSeconds = readHealthTimeoutSeconds(args.healthTimeoutSeconds);
  const pki = createPki(model, validityOf(model, args.renewBeforeDays), args.adoption, parent);
  const nodeIds = Object.fromEntries(model.nodes.map((n) => [n.name, pki.nodes[n.name].nodeId]));
  const groups = createGroups(model, nodeIds, args.adoption, parent);
  const genesis = frozenGenesis(model, groups);
  const nodeRegistry = createNodeRegistry(name, nodeIds, parent);
  const agencyNames = model.agencies.map((a) => a.name);
  const agencySummaries = createAgencyPackages(model, agencyNames, pki, args.outputDir, genesis, nodeRegistry.revoked);
  createDiagrams(name, model, args.outputDir, parent);
  const parts = { ...pki, groups, nodeRegistry, agencySummaries, memberships: {} };

  const owner = stackOwner();
  if (!model.chain.install) {
    // Declared with install off too: then it forgets the nodes (touching no host) instead of
    // being deleted, which would remove them.
    return { ...parts, hostedNodes: recordHostedNodes(name, model, owner, [], nodeIds, undefined, parent) };
  }
  // First pass: only the nodes revoked by an earlier run. One leaving now may still be a sealer
  // until the membership change, and must not be cut off while the others restart.
  const packages = nodePackages(model, pki, genesis, nodeRegistry.settled);
  const { install, hostedNodes } = createInstall(
    name,
    model,
    { packages, healthTimeoutSeconds, owner, movedNodes: args.movedNodes, nodeIds, adopted: args.adoption && adoptedInstalls(args.adoption.folders, model) },
    parent,
  );
  const governanceKey = createGovernanceKey(model, parent);
  const memberships = createMemberships(model, { install, governanceKey, nodeIds, groups });
  const nodeRemoval = createNodeRemoval(name, owner, hostedNodes, [...Object.values(memberships), ...Object.values(install.nodes)], parent);
  // Out of its groups and stopped: now the others blacklist it, one restart at a time.
  install.rollOut(nodePackages(model, pki, genesis, nodeRegistry.revoked), nodeRemoval);
  return { ...parts, hostedNodes, install, governanceKey, memberships, nodeRemoval };
}

/**
 * The whole chain declared by a topology: the chain CA, each agency with its nodes, each group
 * with its frozen genesis, and a handover package per agency written to `outputDir`.
 */
export class Consortium extends pulumi.ComponentResource {
  readonly authority: ChainAuthority;
  readonly agencies: Record<string, Agency>;
  readonly nodes: Record<string, Node>;
  readonly groups: Record<number, Group>;
  /** The nodes on their hosts; only when the topology says chain.install. */
  readonly install?: NodeInstall;
  /** With chain.install: the governance account that signs membership transactions (made once per stack). */
  readonly governanceKey?: KeyPair;
  /** With chain.install: per group id, its roles on the running chain. */
  readonly memberships: Record<number, Membership>;
  /** Where this stack's nodes live on hosts (declared whatever chain.install says; see HostedNodes). */
  readonly hostedNodes: HostedNodes;
  /** With chain.install: removes nodes that left the topology, after the membership changes. */
  readonly nodeRemoval?: NodeRemoval;
  /** Every node ID the stack has had; those of nodes that left are blacklisted by the others. */
  readonly nodeRegistry: NodeRegistry;
  /** Per node: ID, agency, host and ports. */
  readonly nodeSummaries: pulumi.Output<Record<string, NodeSummary>>;
  /** Per agency: package and SDK bundle paths. */
  readonly agencySummaries: pulumi.Output<Record<string, AgencySummary>>;
  /** Per group: genesis timestamp and declared roles. */
  readonly groupSummaries: pulumi.Output<Record<string, GroupSummary>>;
  /** Every certificate with its notAfter and days left. */
  readonly certificateSummaries: pulumi.Output<CertificateSummaries>;

  constructor(name: string, args: ConsortiumArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:Consortium", name, {}, opts);
    const parts = createConsortium(name, args, this);
    this.authority = parts.authority;
    this.agencies = parts.agencies;
    this.nodes = parts.nodes;
    this.groups = parts.groups;
    this.install = parts.install;
    this.governanceKey = parts.governanceKey;
    this.memberships = parts.memberships;
    this.hostedNodes = parts.hostedNodes;
    this.nodeRemoval = parts.nodeRemoval;
    this.nodeRegistry = parts.nodeRegistry;

    this.nodeSummaries = nodeSummaries(args.model, parts.nodes);
    this.agencySummaries = pulumi.output(parts.agencySummaries);
    this.groupSummaries = groupSummaries(args.model, parts.groups);
    this.certificateSummaries = certificateSummaries(parts.authority, parts.agencies, parts.nodes);
    this.registerOutputs({ nodes: this.nodeSummaries, agencies: this.agencySummaries, groups: this.groupSummaries, certificates: this.certificateSummaries });
  }
}
