import path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import {
  bashCommand,
  binaryInstallScript,
  binaryRevision,
  nodeInstallScript,
  nodeRemovalScript,
  rollingPredecessors,
  shellQuote,
  type BinaryOrigin,
} from "../infra/remote";
import { HostKey } from "../infra/providers/host-key";
import type { Host, Model } from "../infra/topology/types";

export interface NodeInstallArgs {
  /** The validated topology; hosts, nodes, chain.binary and chain.deleteDataOnRemove are read. */
  model: Model;
  /** Per node name: base64 of its folder's tar.gz (holds private keys; a secret). */
  packages: Record<string, pulumi.Input<string>>;
  /** Seconds a (re)started node may take to answer JSON-RPC; default 60. */
  healthTimeoutSeconds?: number;
}

/** Where an SSH host receives the uploaded binary before it is checked and put in place. */
const uploadPath = (host: Host) => `${host.deployDir}/.upload/fisco-bcos`;

/**
 * Puts the chain on its hosts: per host the node binary (uploaded, or downloaded there, then
 * checked), per node its folder, started and health-checked. Within each group the sealers are
 * installed one after another, so an update restarts at most one sealer of a group at a time.
 * Removing a node from the topology stops it and moves its folder aside (the removal script).
 * SSH hosts are reached with `@pulumi/command`'s remote resources, `local` hosts with local ones.
 */
export class NodeInstall extends pulumi.ComponentResource {
  /** Per host name: the command that leaves a checked binary at `<deployDir>/fisco-bcos`. */
  readonly binaries: Record<string, pulumi.Resource> = {};
  /** Per node name: its install command (create/update install, delete removes). */
  readonly nodes: Record<string, pulumi.Resource> = {};
  /** Per SSH host without a `hostKey` in the topology: its key, trusted on first use. */
  readonly hostKeys: Record<string, HostKey> = {};

  constructor(name: string, args: NodeInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:NodeInstall", name, {}, opts);
    const { model } = args;
    const binary = model.chain.binary;
    if (!binary) throw new Error("chain.install is true but chain.binary is not set");
    const revision = binaryRevision(binary);
    const config = new pulumi.Config("bcos");
    const hosts = new Map(model.hosts.map((h) => [h.name, h]));
    // Only hosts with nodes are contacted (and need their login key configured).
    const usedHosts = model.hosts.filter((h) => model.nodes.some((n) => n.host === h.name));
    // No hostKey in the topology: trust on first use. The key seen at the first run is recorded in
    // state (HostKey never changes it) and every command for the host then enforces it.
    for (const host of usedHosts) {
      if (host.connection.kind === "ssh" && !host.connection.hostKey) {
        this.hostKeys[host.name] = new HostKey(`${name}-host-key-${host.name}`, { host: host.address, port: host.connection.port }, { parent: this });
      }
    }
    const connections = new Map(usedHosts.map((h) => [h.name, sshConnection(h, config, this.hostKeys[h.name]?.hostKey)]));

    for (const host of usedHosts) {
      const connection = connections.get(host.name);
      let origin: BinaryOrigin;
      const dependsOn: pulumi.Resource[] = [];
      if (binary.url) origin = { url: binary.url };
      // Absolute: the local command need not run in the folder the program was started from.
      else if (connection === undefined) origin = { file: path.resolve(binary.path!) };
      else {
        // Provider versions differ on whether CopyToRemote creates missing parent folders; make them.
        const makeFolder = bashCommand(`mkdir -p ${shellQuote(path.posix.dirname(uploadPath(host)))}`);
        const uploadFolder = hostCommand(`${name}-upload-folder-${host.name}`, connection, { create: makeFolder }, { parent: this });
        dependsOn.push(
          new command.remote.CopyToRemote(
            `${name}-upload-${host.name}`,
            { connection, source: new pulumi.asset.FileAsset(binary.path!), remotePath: uploadPath(host) },
            { parent: this, dependsOn: [uploadFolder] },
          ),
        );
        origin = { file: uploadPath(host) };
      }
      const script = bashCommand(
        binaryInstallScript({ deployDir: host.deployDir, origin, sha256: binary.sha256 ?? revision, version: model.chain.version, smCrypto: model.chain.smCrypto }),
      );
      this.binaries[host.name] = hostCommand(`${name}-binary-${host.name}`, connection, { create: script, update: script }, { parent: this, dependsOn });
    }

    const predecessors = rollingPredecessors(model);
    for (const node of model.nodes) {
      const host = hosts.get(node.host)!;
      const install = bashCommand(
        nodeInstallScript({
          deployDir: host.deployDir,
          node: node.name,
          rpcPort: node.rpcPort,
          healthTimeoutSeconds: args.healthTimeoutSeconds ?? 60,
          binaryRevision: revision,
        }),
      );
      const removal = bashCommand(nodeRemovalScript({ deployDir: host.deployDir, node: node.name, deleteData: model.chain.deleteDataOnRemove }));
      this.nodes[node.name] = hostCommand(
        `${name}-node-${node.name}`,
        connections.get(host.name),
        {
          create: install,
          update: install,
          delete: removal,
          stdin: pulumi.secret(args.packages[node.name]),
          // A node moved to another host or folder is a different installation: remove the old
          // one first (delete before replace), so one node identity never runs twice.
          triggers: [host.name, host.deployDir],
        },
        {
          parent: this,
          deleteBeforeReplace: true,
          // stdin is the node's keys. stdout/stderr are file names, pids and log tails: kept
          // plain and logged, so a failing health check shows why.
          additionalSecretOutputs: ["stdin"],
          dependsOn: [this.binaries[host.name], ...predecessors.get(node.name)!.map((p) => this.nodes[p])],
        },
      );
    }
    this.registerOutputs({});
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
  delete?: string;
  stdin?: pulumi.Input<string>;
  triggers?: string[];
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
