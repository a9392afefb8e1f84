import path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import {
  BINARY_INSTALL_STDIN,
  SHARED_BINARY_INSTALL_STDIN,
  bashCommand,
  binaryInstallCommand,
  binaryRevision,
  hostMachine,
  hostSite,
  installedNodes,
  membershipPredecessors,
  nodeInstallCommand,
  nodeInstallStdin,
  rollingPredecessors,
  shellQuote,
  type BinaryOrigin,
  type HostSite,
  type NodeFolders,
} from "../infra/remote";
import type { NodeAdoption } from "../infra/import/adopted-install";
import { HostKey } from "../infra/providers/host-key";
import type { Host, Model } from "../infra/topology/types";

export interface NodeInstallArgs {
  /** The validated topology; hosts, nodes, groups and chain.binary are read. */
  model: Model;
  /** Per node name: base64 of its folder's tar.gz (holds private keys; a secret). */
  packages: Record<string, pulumi.Input<string>>;
  /** Seconds a (re)started node may take to be healthy; default 60. */
  healthTimeoutSeconds?: number;
  /** `<project>/<stack>`: written into each node folder's marker, and checked there. */
  owner: string;
  /** bcos:movedNodes: nodes moved to another site by hand; their new folder must hold a ledger. */
  movedNodes?: readonly string[];
  /** An imported stack's nodes: adopted where they run (infra/import/adopted-install.ts). */
  adopted?: Record<string, NodeAdoption>;
  /**
   * Records the nodes' placement (HostedNodes) once this component's host keys exist, and
   * returns every group each node has been declared in: the rolling order is made over those.
   */
  recordPlacement: (install: NodeInstall) => pulumi.Output<Record<string, number[]>>;
  /**
   * An agency stack (its name): its deployDirs may hold other agencies' nodes. Its upload goes
   * to a folder of its own, and the binary is never replaced under another stack's nodes
   * (SHARED_BINARY_INSTALL_STDIN).
   */
  party?: string;
}

/** Where an SSH host receives the uploaded binary before it is checked and put in place; a party's own folder in a shared deployDir. */
const uploadPath = (host: Host, party?: string) => `${host.deployDir}/.upload/${party === undefined ? "" : `${party}/`}fisco-bcos`;

/** The resource name part for a machine: `<address>-<port>`, IPv6 without brackets and colons. */
const machineLabel = (host: Host) => hostMachine(host).replace(/[[\]]/g, "").replace(/:/g, "-");

/**
 * Puts the chain on its hosts: per site (machine and deployDir) the node binary (uploaded, or
 * downloaded there, then checked), per node its folder, started and health-checked. Within each
 * group the nodes whose folder is already on their host are installed one after another
 * (rolling-order.ts), so an update restarts at most one of a group's sealers at a time; a node
 * not installed yet is only started, so it waits for no one (a first install runs on every host
 * at once). Which folders exist is asked of the hosts (installed-nodes.ts). `rollOut` adds a
 * second pass in the same order, for what may only change after nodes that left the topology are
 * removed (their blacklisting). SSH hosts are reached with `@pulumi/command`'s remote resources,
 * `local` hosts with local ones.
 *
 * Nothing here is keyed by a host's name: renaming a host changes no resource. Every resource
 * keeps what it did on the host when it leaves the program (`retainOnDelete`): turning
 * chain.install off forgets the hosts without touching them, and nodes are removed by the
 * caller's NodeRemoval (a node that left the topology) and HostedNodes (`pulumi destroy`).
 */
export class NodeInstall extends pulumi.ComponentResource {
  /** Per site key: the command that leaves a checked binary at `<deployDir>/fisco-bcos`. */
  readonly binaries: Record<string, pulumi.Resource> = {};
  /** Per node name: its install command. */
  readonly nodes: Record<string, pulumi.Resource> = {};
  /** Per SSH host name without a `hostKey` in the topology: its machine's key, trusted on first use. */
  readonly hostKeys: Record<string, HostKey> = {};
  /** Per node name: the second pass's install command (see `rollOut`). */
  readonly rolledOut: Record<string, pulumi.Resource> = {};
  /** Per node: how its install runs, and its first pass's package, for the second pass. */
  private readonly runs = new Map<
    string,
    { connection: command.types.input.remote.ConnectionArgs | undefined; install: string; packageBase64: pulumi.Input<string> }
  >();
  private readonly model: Model;
  /** Every group each node has been declared in (HostedNodes). */
  private readonly seen: pulumi.Output<Record<string, number[]>>;
  /** The nodes whose folder was on their host before this run (asked of the hosts). */
  private readonly installedBefore: pulumi.Output<string[]>;
  private readonly resourceName: string;

  constructor(name: string, args: NodeInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:NodeInstall", name, {}, opts);
    const { model } = args;
    this.resourceName = name;
    this.model = model;
    const binary = model.chain.binary;
    if (!binary) throw new Error("chain.install is true but chain.binary is not set");
    const revision = binaryRevision(binary);
    const config = new pulumi.Config("bcos");
    const hosts = new Map(model.hosts.map((h) => [h.name, h]));
    // What the engine does on the host stays there when the resource leaves the program.
    const keep = { parent: this, retainOnDelete: true };
    // Only hosts with nodes are contacted (and need their login key configured).
    const usedHosts = model.hosts.filter((h) => model.nodes.some((n) => n.host === h.name));
    // Earlier versions named per-host resources after the host: those names are aliases, so an
    // existing stack keeps its resources.
    const oldNames = (prefix: string, named: Host[]) => named.map((h) => ({ name: `${name}-${prefix}-${h.name}` }));

    // No hostKey in the topology: trust on first use, once per machine. The key seen at the first
    // run is recorded in state (HostKey never changes it) and every command for the machine then
    // enforces it.
    const probed = new Map<string, HostKey>();
    for (const host of usedHosts) {
      if (host.connection.kind !== "ssh" || host.connection.hostKey) continue;
      const machine = hostMachine(host);
      if (!probed.has(machine)) {
        const sameMachine = usedHosts.filter((h) => h.connection.kind === "ssh" && !h.connection.hostKey && hostMachine(h) === machine);
        probed.set(
          machine,
          new HostKey(
            `${name}-host-key-${machineLabel(host)}`,
            { host: host.address, port: host.connection.port },
            { ...keep, aliases: oldNames("host-key", sameMachine) },
          ),
        );
      }
      this.hostKeys[host.name] = probed.get(machine)!;
    }
    const connections = new Map(usedHosts.map((h) => [h.name, sshConnection(h, config, this.hostKeys[h.name]?.hostKey)]));

    const sites = new Map<string, { site: HostSite; hosts: Host[] }>();
    for (const host of usedHosts) {
      const site = hostSite(host);
      sites.set(site.key, { site, hosts: [...(sites.get(site.key)?.hosts ?? []), host] });
    }
    for (const { site, hosts: named } of sites.values()) {
      const host = named[0];
      const connection = connections.get(host.name);
      let origin: BinaryOrigin;
      const dependsOn: pulumi.Resource[] = [];
      if (binary.url) origin = { url: binary.url };
      // Absolute: the local command need not run in the folder the program was started from.
      else if (connection === undefined) origin = { file: path.resolve(binary.path!) };
      else {
        // Provider versions differ on whether CopyToRemote creates missing parent folders; make them.
        const makeFolder = bashCommand(`mkdir -p ${shellQuote(path.posix.dirname(uploadPath(host, args.party)))}`);
        const uploadFolder = hostCommand(
          `${name}-upload-folder-${site.label}`,
          connection,
          { create: makeFolder },
          { ...keep, aliases: oldNames("upload-folder", named) },
        );
        dependsOn.push(
          new command.remote.CopyToRemote(
            `${name}-upload-${site.label}`,
            { connection, source: new pulumi.asset.FileAsset(binary.path!), remotePath: uploadPath(host, args.party) },
            { ...keep, dependsOn: [uploadFolder], aliases: oldNames("upload", named) },
          ),
        );
        origin = { file: uploadPath(host, args.party) };
      }
      const install = binaryInstallCommand({
        deployDir: host.deployDir,
        origin,
        sha256: binary.sha256 ?? revision,
        version: model.chain.version,
        smCrypto: model.chain.smCrypto,
        ...(args.party !== undefined ? { sharedBy: args.owner } : {}),
      });
      const stdin = args.party === undefined ? BINARY_INSTALL_STDIN : SHARED_BINARY_INSTALL_STDIN;
      this.binaries[site.key] = hostCommand(
        `${name}-binary-${site.label}`,
        connection,
        { create: install, update: install, stdin },
        { ...keep, dependsOn, aliases: oldNames("binary", named) },
      );
    }

    if (args.movedNodes !== undefined && !Array.isArray(args.movedNodes)) {
      throw new Error(
        `bcos:movedNodes is ${JSON.stringify(args.movedNodes)}: it must be a list of node names (pulumi config set --path 'bcos:movedNodes[0]' node1)`,
      );
    }
    const moved = new Set(args.movedNodes ?? []);
    for (const name of moved) {
      if (typeof name !== "string" || !model.nodes.some((n) => n.name === name)) {
        throw new Error(
          `bcos:movedNodes lists ${JSON.stringify(name)}, which is no node of the topology; list the names of nodes moved by hand, or remove the setting`,
        );
      }
    }
    this.seen = args.recordPlacement(this);
    this.installedBefore = this.askInstalled(
      model,
      [...sites.values()].map((s) => s.hosts),
      connections,
    );
    const order = pulumi.all([this.seen, this.installedBefore]).apply(([seen, installed]) => rollingPredecessors(model, seen, new Set(installed)));
    for (const node of model.nodes) {
      const host = hosts.get(node.host)!;
      const site = hostSite(host);
      const install = nodeInstallCommand({
        deployDir: host.deployDir,
        node: node.name,
        folder: node.folder,
        rpcPort: node.rpcPort,
        healthTimeoutSeconds: args.healthTimeoutSeconds ?? 60,
        binaryRevision: revision,
        owner: args.owner,
        expectLedger: moved.has(node.name),
        adopt: args.adopted?.[node.name],
      });
      this.runs.set(node.name, { connection: connections.get(host.name), install, packageBase64: args.packages[node.name] });
      this.nodes[node.name] = hostCommand(
        `${name}-node-${node.name}`,
        connections.get(host.name),
        { create: install, update: install, stdin: pulumi.secret(pulumi.output(args.packages[node.name]).apply(nodeInstallStdin)) },
        {
          ...keep,
          // Earlier versions replaced the install when the host's name or folder changed (the
          // triggers held them), removing the old one first: a rename then reset the node's ledger.
          // Where a node lives is now checked by HostedNodes; the old triggers stay as they are.
          ignoreChanges: ["triggers"],
          // stdin is the node's keys. stdout/stderr are file names, pids and log tails: kept
          // plain and logged, so a failing health check shows why.
          additionalSecretOutputs: ["stdin"],
          dependsOn: order.apply((o) => [this.binaries[site.key], ...o.get(node.name)!.map((p) => this.nodes[p])]),
        },
      );
    }
    this.registerOutputs({});
  }

  /** Per group: the groups whose Membership must be applied before its own (membershipPredecessors). */
  membershipOrder(): pulumi.Output<Map<number, number[]>> {
    return this.seen.apply((seen) => membershipPredecessors(this.model, seen));
  }

  /**
   * Which nodes of `sites` (hosts sharing a machine and deployDir) have their folder already: one
   * question per machine, once its login and host keys are known. A machine that cannot be asked
   * counts all its nodes as installed (the old one-at-a-time order), with a warning. A preview
   * runs no install, so it asks no host (CI may not reach them) and counts every node.
   */
  private askInstalled(
    model: Model,
    sites: Host[][],
    connections: Map<string, command.types.input.remote.ConnectionArgs | undefined>,
  ): pulumi.Output<string[]> {
    if (pulumi.runtime.isDryRun()) return pulumi.output(model.nodes.map((n) => n.name));
    const folders = sites.map((named): pulumi.Output<NodeFolders> => {
      const host = named[0];
      const here = model.nodes.filter((n) => named.some((h) => h.name === n.host));
      const nodes = here.map((n) => n.name);
      const folders = Object.fromEntries(here.flatMap((n) => (n.folder ? [[n.name, n.folder]] : [])));
      const c = connections.get(host.name);
      if (c === undefined || host.connection.kind !== "ssh") return pulumi.output({ access: "local" as const, deployDir: host.deployDir, nodes, folders });
      const { port, user } = host.connection;
      return pulumi.all([c.privateKey!, c.hostKey!]).apply(([privateKey, hostKey]) => ({
        access: { address: host.address, port, user, privateKey, hostKey },
        deployDir: host.deployDir,
        nodes,
        folders,
      }));
    });
    return pulumi.all(folders).apply(async (list) => {
      const { installed, unanswered } = await installedNodes(list);
      for (const line of unanswered) {
        pulumi.log.warn(`could not ask ${line}; its nodes are installed one at a time in their groups, as if they ran`, this);
      }
      return [...installed].sort();
    });
  }

  /**
   * A second pass of the same installs after `after` (the removal of nodes that left the
   * topology), with `packages` (per node) that differ from the first pass only in what must wait
   * for it: the left nodes' IDs in [certificate_blacklist]. Same rolling order, each node healthy
   * with its peers before the next; a node whose files equal the first pass's is not restarted.
   * A node that was not installed before this run and gets the first pass's package again may
   * not be stopped (its first pass just wrote those files), so it waits for no one here either.
   */
  rollOut(packages: Record<string, pulumi.Input<string>>, after: pulumi.Resource): void {
    const name = this.resourceName;
    const model = this.model;
    const unchanged = pulumi.all(
      Object.fromEntries([...this.runs].map(([node, run]) => [node, pulumi.all([run.packageBase64, packages[node]]).apply(([a, b]) => a === b)])),
    );
    const order = pulumi.all([this.seen, this.installedBefore, unchanged]).apply(([seen, installed, same]) => {
      const mayStop = new Set(model.nodes.map((n) => n.name).filter((n) => installed.includes(n) || !same[n]));
      return rollingPredecessors(model, seen, mayStop);
    });
    for (const [node, run] of this.runs) {
      this.rolledOut[node] = hostCommand(
        `${name}-revocation-${node}`,
        run.connection,
        { create: run.install, update: run.install, stdin: pulumi.secret(pulumi.output(packages[node]).apply(nodeInstallStdin)) },
        {
          parent: this,
          retainOnDelete: true,
          additionalSecretOutputs: ["stdin"],
          dependsOn: order.apply((o) => [after, this.nodes[node], ...o.get(node)!.map((p) => this.rolledOut[p])]),
        },
      );
    }
  }
}

/** The SSH connection of a host; undefined for a `local` host. */
function sshConnection(host: Host, config: pulumi.Config, trusted?: pulumi.Output<string>): command.types.input.remote.ConnectionArgs | undefined {
  const ssh = host.connection;
  if (ssh.kind === "local") return undefined;
  return {
    host: host.address,
    port: ssh.port,
    user: ssh.user,
    privateKey: config.requireSecret(ssh.privateKeyConfig),
    // Pinned in the topology, else the key recorded at first use.
    hostKey: ssh.hostKey ?? trusted,
  };
}

interface Scripts {
  create: string;
  update?: string;
  stdin?: pulumi.Input<string>;
}

/** A command on the host: over SSH, or on this machine for a `local` host. */
function hostCommand(
  name: string,
  connection: command.types.input.remote.ConnectionArgs | undefined,
  scripts: Scripts,
  opts: pulumi.CustomResourceOptions,
): pulumi.Resource {
  // The previous output would travel as SSH environment variables, which stock sshd refuses; the
  // scripts do not use it.
  if (connection) return new command.remote.Command(name, { connection, ...scripts, addPreviousOutputInEnv: false }, opts);
  return new command.local.Command(name, { ...scripts, addPreviousOutputInEnv: false }, opts);
}
