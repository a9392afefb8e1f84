import * as pulumi from "@pulumi/pulumi";
import type { ChainPki } from "../infra/crypto/types";
import { DIAGRAM_FILE, DIAGRAM_FORMATS, renderDiagram } from "../infra/diagram";
import { HostedNodes } from "../infra/providers/hosted-nodes";
import type { PlacedNode } from "../infra/providers/hosted-nodes-provider";
import { KeyPair } from "../infra/providers/key-pair";
import { Membership } from "../infra/providers/membership";
import type { DeclaredRole, EndpointDescriptor } from "../infra/providers/membership-provider";
import { NodeRegistry } from "../infra/providers/node-registry";
import { NodeRemoval } from "../infra/providers/node-removal";
import { PackageFile } from "../infra/providers/package-file";
import { TextFile } from "../infra/providers/text-file";
import { hostSite, nodePackageBase64 } from "../infra/remote";
import { withRevokedNodes } from "../infra/topology/revoked-nodes";
import type { Model } from "../infra/topology/types";
import { readHealthTimeoutSeconds, readRenewBeforeDays } from "../infra/topology/validate-settings";
import { adoptedInstalls } from "../infra/import/adopted-install";
import type { Adoption } from "./adoption";
import { Agency } from "./agency";
import { agencyPackageFiles, sdkBundleFiles } from "./agency-package";
import { certificateSummaries, type CertificateSummaries } from "./certificate-summary";
import { ChainAuthority } from "./chain-authority";
import { plainCredential, type CredentialOutputs, type Validity } from "./credential";
import { Group } from "./group";
import { Node } from "./node";
import { NodeInstall } from "./node-install";

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

export interface NodeSummary {
  id: string;
  agency: string;
  host: string;
  p2p: string;
  p2pPort: number;
  channelPort: number;
  rpcPort: number;
}

export interface AgencySummary {
  /** The agency's node folders and sdk/ folder, as .tar.gz. */
  package: string;
  /** The agency's sdk/ folder alone, as .tar.gz. */
  sdkBundle: string;
}

export interface GroupSummary {
  timestamp: number;
  sealers: string[];
  observers: string[];
  free: string[];
}

const optionalCredential = (c: CredentialOutputs | undefined) => (c ? plainCredential(c) : undefined);

/**
 * The whole chain declared by a topology: the chain CA, each agency with its nodes, each group
 * with its frozen genesis, and a handover package per agency written to `outputDir`.
 */
export class Consortium extends pulumi.ComponentResource {
  readonly authority: ChainAuthority;
  readonly agencies: Record<string, Agency> = {};
  readonly nodes: Record<string, Node> = {};
  readonly groups: Record<number, Group> = {};
  /** The nodes on their hosts; only when the topology says chain.install. */
  readonly install?: NodeInstall;
  /** With chain.install: the governance account that signs membership transactions (made once per stack). */
  readonly governanceKey?: KeyPair;
  /** With chain.install: per group id, its roles on the running chain. */
  readonly memberships: Record<number, Membership> = {};
  /** Where this stack's nodes live on hosts (declared whatever chain.install says; see HostedNodes). */
  hostedNodes!: HostedNodes;
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
    const { model } = args;
    // Programs other than index.ts pass it in directly; the install script needs whole seconds.
    const healthTimeoutSeconds = readHealthTimeoutSeconds(args.healthTimeoutSeconds);
    const { smCrypto } = model.chain;
    const validity: Validity = {
      validityDays: model.chain.certValidityDays,
      renewBeforeDays: readRenewBeforeDays(args.renewBeforeDays, model.chain.certValidityDays),
    };

    const { adoption } = args;
    this.authority = new ChainAuthority("chain", { smCrypto, validity, adopt: adoption?.chain }, { parent: this });
    for (const agency of model.agencies) {
      this.agencies[agency.name] = new Agency(
        agency.name,
        { authority: this.authority, smCrypto, validity, adopt: adoption?.agencies[agency.name] },
        { parent: this },
      );
    }
    for (const node of model.nodes) {
      const host = model.hosts.find((h) => h.name === node.host);
      if (!host) throw new Error(`node ${node.name}: unknown host ${node.host}`);
      const agency = this.agencies[node.agency];
      this.nodes[node.name] = new Node(
        node.name,
        {
          agency,
          smCrypto,
          host: host.name,
          address: host.address,
          p2pPort: node.p2pPort,
          channelPort: node.channelPort,
          rpcPort: node.rpcPort,
          validity,
          adopt: adoption?.nodes[node.name],
        },
        { parent: agency },
      );
    }
    for (const group of model.groups) {
      this.groups[group.id] = new Group(
        `group-${group.id}`,
        {
          groupId: group.id,
          params: group.genesis,
          sealerIds: group.sealers.map((n) => this.nodes[n].nodeId),
          timestamp: group.timestamp,
          version: model.chain.version,
          adoptGenesis: adoption?.groups[group.id],
        },
        { parent: this },
      );
    }

    const genesis = pulumi.output(Object.fromEntries(model.groups.map((g) => [g.id, this.groups[g.id].genesis])));
    // Nodes that left the chain keep valid certificates: every config.ini refuses their IDs.
    this.nodeRegistry = new NodeRegistry(
      `${name}-node-registry`,
      { nodes: Object.fromEntries(model.nodes.map((n) => [n.name, this.nodes[n.name].nodeId])) },
      { parent: this },
    );
    const revoked = this.nodeRegistry.revoked;
    const agencySummaries: Record<string, AgencySummary> = {};
    for (const agency of model.agencies) {
      // Only the PKI this agency's files are made from: the chain CAs, the agency and its own nodes
      // (the SDK folder: no node at all). A node added elsewhere then leaves these inputs known in
      // a preview, and the engine can tell which packages really change.
      const files = pulumi
        .all([this.chainPki(agency.name, agency.nodes), genesis, revoked])
        .apply(([plain, frozenGenesis, ids]) => agencyPackageFiles(withRevokedNodes(model, ids), plain, agency.name, frozenGenesis));
      const sdkFiles = this.chainPki(agency.name, []).apply((plain) => sdkBundleFiles(model, plain, agency.name));
      const summary: AgencySummary = {
        package: `${args.outputDir}/${agency.name}.tar.gz`,
        sdkBundle: `${args.outputDir}/${agency.name}-sdk.tar.gz`,
      };
      new PackageFile(`${agency.name}-package`, { path: summary.package, files }, { parent: this.agencies[agency.name] });
      new PackageFile(`${agency.name}-sdk-bundle`, { path: summary.sdkBundle, files: sdkFiles }, { parent: this.agencies[agency.name] });
      agencySummaries[agency.name] = summary;
    }
    // The consortium's picture beside the packages (drawn from the topology alone: no keys in it).
    for (const format of DIAGRAM_FORMATS) {
      const file = { path: `${args.outputDir}/${DIAGRAM_FILE[format]}`, content: renderDiagram(model, format) };
      new TextFile(`${name}-diagram-${format}`, file, { parent: this });
    }

    // Node folders carry this in their marker: installs and removals act only on their own.
    const owner = `${pulumi.getProject()}/${pulumi.getStack()}`;
    if (model.chain.install) {
      const packagesRevoking = (ids: pulumi.Output<string[]>) =>
        Object.fromEntries(
          model.nodes.map((n) => [
            n.name,
            pulumi.secret(
              pulumi
                .all([this.chainPki(n.agency, [n.name]), genesis, ids])
                .apply(([plain, frozenGenesis, listed]) => nodePackageBase64(withRevokedNodes(model, listed), plain, n.name, frozenGenesis)),
            ),
          ]),
        );
      // First pass: only the nodes revoked by an earlier run. One leaving now may still be a sealer
      // until the membership change, and must not be cut off while the others restart.
      const packages = packagesRevoking(this.nodeRegistry.settled);
      this.install = new NodeInstall(
        "install",
        {
          model,
          packages,
          healthTimeoutSeconds,
          owner,
          movedNodes: args.movedNodes,
          adopted: adoption && adoptedInstalls(adoption.folders, model),
          recordPlacement: (install) => {
            this.hostedNodes = this.recordHostedNodes(name, model, owner, args.movedNodes ?? [], install);
            return this.hostedNodes.seen;
          },
        },
        // A component: nothing to undo; marked so that turning install off previews only [retain] deletions.
        { parent: this, retainOnDelete: true },
      );
      // Kept in state only: nothing on hosts to undo, and turning install off must not read as a deletion.
      this.governanceKey = new KeyPair("governance-key", { algorithm: smCrypto ? "sm2" : "secp256k1" }, { parent: this, retainOnDelete: true });
      this.addMemberships(model, this.install, this.governanceKey);
      const hosted = this.hostedNodes;
      this.nodeRemoval = new NodeRemoval(
        `${name}-node-removal`,
        { owner, departed: hosted.departed, sshPrivateKeys: hosted.sshPrivateKeys },
        { parent: this, retainOnDelete: true, dependsOn: [...Object.values(this.memberships), ...Object.values(this.install.nodes)] },
      );
      // Out of its groups and stopped: now the others blacklist it, one restart at a time.
      this.install.rollOut(packagesRevoking(revoked), this.nodeRemoval);
    } else {
      // Declared with install off too: then it forgets the nodes (touching no host) instead of
      // being deleted, which would remove them.
      this.hostedNodes = this.recordHostedNodes(name, model, owner, [], undefined);
    }

    this.nodeSummaries = pulumi.output(
      Object.fromEntries(
        model.nodes.map((n) => [
          n.name,
          {
            id: this.nodes[n.name].nodeId,
            agency: n.agency,
            host: n.host,
            p2p: this.nodes[n.name].p2pEndpoint,
            p2pPort: n.p2pPort,
            channelPort: n.channelPort,
            rpcPort: n.rpcPort,
          },
        ]),
      ),
    );
    this.agencySummaries = pulumi.output(agencySummaries);
    this.groupSummaries = pulumi.output(
      Object.fromEntries(
        model.groups.map((g) => [String(g.id), { timestamp: this.groups[g.id].timestamp, sealers: g.sealers, observers: g.observers, free: g.free }]),
      ),
    );
    this.certificateSummaries = certificateSummaries(this.authority, this.agencies, this.nodes);
    this.registerOutputs({ nodes: this.nodeSummaries, agencies: this.agencySummaries, groups: this.groupSummaries, certificates: this.certificateSummaries });
  }

  /**
   * One Membership per group, applied after every node is installed (and so running the groups
   * its package declares): roles from the topology, node IDs from the Node components, each
   * node's RPC endpoint (directly on a local host, through SSH with the host's pinned key
   * otherwise) and folder, and genesis parameters, timestamp and sealers from the group's frozen
   * genesis for a group that does not exist on the chain yet.
   */
  private addMemberships(model: Model, install: NodeInstall, governanceKey: KeyPair): void {
    const config = new pulumi.Config("bcos");
    const hosts = new Map(model.hosts.map((h) => [h.name, h]));
    const endpoints: Record<string, pulumi.Output<EndpointDescriptor>> = {};
    // Keys trusted on first use by the install (NodeInstall.hostKeys, being added beside this);
    // read defensively so this keeps compiling whichever way that lands.
    const trusted = (install as { hostKeys?: Record<string, { hostKey: pulumi.Output<string> } | undefined> }).hostKeys ?? {};
    const sshPrivateKeys: Record<string, pulumi.Output<string>> = {};
    for (const node of model.nodes) {
      const host = hosts.get(node.host)!;
      const c = host.connection;
      // The topology's pinned key, else the one the install trusted on first use; with neither the
      // Membership's check refuses the host (governance transactions go only to a known host key).
      const hostKey = pulumi.output(c.kind === "ssh" ? (c.hostKey ?? trusted[host.name]?.hostKey ?? "") : "");
      endpoints[node.name] = hostKey.apply(
        (key): EndpointDescriptor => ({
          address: host.address,
          rpcPort: node.rpcPort,
          connection: c.kind === "local" ? { kind: "local" } : { kind: "ssh", port: c.port, user: c.user, hostKey: key },
          nodeDir: `${host.deployDir}/${node.name}`,
        }),
      );
      if (c.kind === "ssh" && !sshPrivateKeys[host.address]) sshPrivateKeys[host.address] = config.requireSecret(c.privateKeyConfig);
    }
    const nodeIds = Object.fromEntries(model.nodes.map((n) => [n.name, this.nodes[n.name].nodeId]));
    const installs = Object.values(install.nodes);
    for (const group of model.groups) {
      const roles: Record<string, DeclaredRole> = {};
      for (const n of group.sealers) roles[n] = "sealer";
      for (const n of group.observers) roles[n] = "observer";
      for (const n of group.free) roles[n] = "free";
      const owner = this.groups[group.id];
      this.memberships[group.id] = new Membership(
        `group-${group.id}-membership`,
        {
          groupId: group.id,
          roles,
          genesis: group.genesis,
          timestamp: owner.timestamp,
          genesisSealerIds: owner.sealerIds,
          nodeIds,
          endpoints,
          sshPrivateKeys,
          governanceKeyPem: governanceKey.privateKeyPem,
        },
        // Dropping a Membership changes nothing on the chain: kept out of the preview's deletions.
        { parent: owner, dependsOn: installs, retainOnDelete: true },
      );
    }
  }

  /**
   * The HostedNodes record: with chain.install every node's site (machine and deployDir, never
   * the host's name), how to reach it (the host key pinned or trusted on first use), its node ID
   * and the groups it is declared in; without, nothing (the record then forgets the hosts).
   */
  private recordHostedNodes(name: string, model: Model, owner: string, moved: string[], install: NodeInstall | undefined): HostedNodes {
    const config = new pulumi.Config("bcos");
    const nodes: Record<string, pulumi.Output<PlacedNode>> = {};
    const sshPrivateKeys: Record<string, pulumi.Output<string>> = {};
    for (const node of install ? model.nodes : []) {
      const host = model.hosts.find((h) => h.name === node.host)!;
      const c = host.connection;
      nodes[node.name] = pulumi.output({
        site: hostSite(host).key,
        deployDir: host.deployDir,
        address: host.address,
        connection:
          c.kind === "local"
            ? { kind: "local" as const }
            : { kind: "ssh" as const, port: c.port, user: c.user, hostKey: c.hostKey ?? install!.hostKeys[host.name].hostKey },
        nodeId: this.nodes[node.name].nodeId,
        deleteData: model.chain.deleteDataOnRemove,
        groups: model.groups.filter((g) => [...g.sealers, ...g.observers, ...g.free].includes(node.name)).map((g) => g.id),
      });
      if (c.kind === "ssh" && !sshPrivateKeys[host.address]) sshPrivateKeys[host.address] = config.requireSecret(c.privateKeyConfig);
    }
    return new HostedNodes(`${name}-hosted-nodes`, { install: model.chain.install, owner, nodes, moved, sshPrivateKeys }, { parent: this });
  }

  /**
   * The chain CAs, one agency and the named nodes as the plain structure the renderers take (a
   * secret). Narrow on purpose: a package depends only on what it is rendered from.
   */
  private chainPki(agencyName: string, nodeNames: readonly string[]): pulumi.Output<ChainPki> {
    const { authority } = this;
    return pulumi.output({
      authority: { std: plainCredential(authority.std), gm: optionalCredential(authority.gm) },
      agencies: Object.entries(this.agencies)
        .filter(([name]) => name === agencyName)
        .map(([name, a]) => ({
          name,
          std: plainCredential(a.std),
          gm: optionalCredential(a.gm),
          channelCa: plainCredential(a.channelCa),
          sdk: { channel: plainCredential(a.sdkChannel), gmSign: optionalCredential(a.sdkGmSign), gmEnc: optionalCredential(a.sdkGmEnc) },
        })),
      nodes: Object.entries(this.nodes)
        .filter(([name]) => nodeNames.includes(name))
        .map(([name, n]) => ({
          name,
          std: plainCredential(n.std),
          gmSign: optionalCredential(n.gmSign),
          gmEnc: optionalCredential(n.gmEnc),
          channel: plainCredential(n.channel),
          nodeId: n.nodeId,
        })),
    }) as pulumi.Output<ChainPki>;
  }
}
