/**
 * The nodes this stack keeps on hosts, recorded before any install runs: where each one lives
 * (its site: machine and deployDir, never the host's name), its node ID, how to reach it, and
 * every group it has been declared in. The record is what lets the install
 *  - refuse, in preview, to move a node to another site (a fresh ledger there, or one node ID
 *    running twice) unless the user moved it by hand and says so in `bcos:movedNodes`;
 *  - order restarts over every node a group has had (`seen`, see rolling-order.ts);
 *  - remove a node that left the topology (`departed`, acted on by NodeRemoval after the
 *    membership changes), and every node on `pulumi destroy` (this resource's delete).
 * With chain.install false nothing is managed: the record forgets the nodes (keeping only their
 * sites, `dormant`, so that turning install on again still refuses a move) and touches no host.
 * The resource is declared whether or not chain.install is on, so its delete means destroy.
 */
import * as pulumi from "@pulumi/pulumi";
import { removeHostedNodes, type HostedNode } from "../remote/remove-nodes";
import { nodeDir, nodeFolder } from "../topology/node-folder";

/** A node as the topology places it now. */
export interface PlacedNode extends HostedNode {
  /** Groups it is declared in now, in any role. */
  groups: number[];
}

export interface Placement {
  site: string;
  deployDir: string;
  /** The node's folder under deployDir when not its name (infra/topology/node-folder.ts). */
  folder?: string;
}

export interface HostedNodesInputs {
  /** chain.install. */
  install: boolean;
  /** `<project>/<stack>`: the owner written into node folders' markers. */
  owner: string;
  /** Node name → where it is placed; empty when install is off. */
  nodes: Record<string, PlacedNode>;
  /** bcos:movedNodes: nodes the user moved by hand, whose new site is accepted. */
  moved: string[];
  /** Host address → SSH login key (secret). */
  sshPrivateKeys: Record<string, string>;
  /** Made by check: node → every group it has been declared in while installed. */
  seen?: Record<string, number[]>;
  /** Made by check: nodes that left the topology while installed, as they were recorded. */
  departed?: Record<string, HostedNode>;
  /** Made by check, with install off: where the nodes were when install was turned off. */
  dormant?: Record<string, Placement>;
}

export type HostedNodesOutputs = Required<HostedNodesInputs>;

export interface HostedNodesProviderOptions {
  log?: (message: string, warning?: boolean) => void;
}

const where = (p: Placement) => {
  const machine = p.site.slice(0, p.site.length - p.deployDir.length - 1);
  return `${machine === "local" ? "this machine" : machine}, folder ${p.folder === undefined ? p.deployDir : `${p.deployDir}/${p.folder}`}`;
};

/** The refusal of a move, with the steps to do it by hand. */
export function moveRefusal(node: string, from: Placement, to: Placement): string {
  const oldFolder = nodeDir(from.deployDir, { name: node, folder: from.folder });
  const newFolder = nodeDir(to.deployDir, { name: node, folder: to.folder });
  return (
    `${node} would move from ${where(from)} to ${where(to)}. Its ledger and its running process are at the old place; ` +
    `installing it at the new one would start it from block 0, and run one node ID twice while the old one runs. ` +
    `Put it back on its old host and folder, or move it by hand: ` +
    `(1) stop it: bash ${oldFolder}/stop.sh on the old host; ` +
    `(2) copy ${oldFolder} to ${newFolder} on the new host, data/ and .bcos-pulumi-owner included (if only the host's address or SSH port changed and the folder is already there, skip this); ` +
    `(3) pulumi config set --path 'bcos:movedNodes[0]' ${node} and run pulumi up: the install checks that the copy holds a ledger and starts it; ` +
    `(4) take ${node} out of bcos:movedNodes, and keep or delete the old folder as you wish.`
  );
}

const sortedUnion = (...lists: (readonly number[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))].sort((a, b) => a - b);
const placementOf = (n: HostedNode): Placement => ({ site: n.site, deployDir: n.deployDir, ...(n.folder ? { folder: n.folder } : {}) });
/** Another machine, deployDir or folder: the node's ledger is not where it would be installed. */
const movedAway = (name: string, from: Placement, to: Placement) => from.site !== to.site || nodeFolder({ name, ...from }) !== nodeFolder({ name, ...to });

/**
 * Stable JSON (object keys sorted), for comparing records. Without the engine's `__provider` (the
 * provider's serialised code): how the program was compiled is no change to the record.
 */
const comparable = ({ __provider: _code, ...record }: object & { __provider?: unknown }) =>
  JSON.stringify(record, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

export function createHostedNodesProvider(options: HostedNodesProviderOptions = {}): pulumi.dynamic.ResourceProvider {
  const log = options.log ?? ((message: string, warning?: boolean) => void (warning ? pulumi.log.warn(message) : pulumi.log.info(message)));
  return {
    async check(olds: Partial<HostedNodesInputs> | undefined, news: HostedNodesInputs) {
      const before = olds ?? {};
      const known: Record<string, Placement> = { ...(before.dormant ?? {}) };
      for (const [name, node] of Object.entries(before.nodes ?? {})) known[name] = placementOf(node);

      if (!news.install) {
        const left = Object.keys(before.nodes ?? {}).sort();
        if (left.length) {
          log(
            `chain.install is false: hosts are left alone. ${left.join(", ")} keep running where they are, with their folders; ` +
              `this stack no longer starts, updates or removes them (turning chain.install on again takes them back).`,
            true,
          );
        }
        const inputs: HostedNodesOutputs = {
          install: false,
          owner: news.owner,
          nodes: {},
          moved: [],
          sshPrivateKeys: {},
          seen: {},
          departed: {},
          dormant: known,
        };
        return { inputs };
      }

      const moved = news.moved ?? [];
      const failures: pulumi.dynamic.CheckFailure[] = [];
      for (const [name, node] of Object.entries(news.nodes).sort(([a], [b]) => a.localeCompare(b))) {
        const from = known[name];
        if (from && movedAway(name, from, placementOf(node)) && !moved.includes(name))
          failures.push({ property: "nodes", reason: moveRefusal(name, from, placementOf(node)) });
      }
      if (failures.length) return { failures };

      const seen: Record<string, number[]> = {};
      for (const [name, node] of Object.entries(news.nodes)) seen[name] = sortedUnion(before.seen?.[name], node.groups);
      const departed: Record<string, HostedNode> = {};
      for (const [name, node] of Object.entries({ ...(before.departed ?? {}), ...(before.nodes ?? {}) })) {
        if (news.nodes[name]) continue;
        const { groups: _groups, ...recorded } = node as PlacedNode;
        departed[name] = recorded;
      }
      // A departed node's host may have left the topology with it: keep the key its removal needs.
      const sshPrivateKeys = { ...news.sshPrivateKeys };
      for (const node of Object.values(departed)) {
        const key = before.sshPrivateKeys?.[node.address];
        if (node.connection.kind === "ssh" && !sshPrivateKeys[node.address] && key) sshPrivateKeys[node.address] = key;
      }
      const inputs: HostedNodesOutputs = { install: true, owner: news.owner, nodes: news.nodes, moved, sshPrivateKeys, seen, departed, dormant: {} };
      return { inputs };
    },

    async diff(_id: string, olds: HostedNodesOutputs, news: HostedNodesOutputs) {
      return { changes: comparable(olds) !== comparable(news) };
    },

    async create(inputs: HostedNodesOutputs) {
      return { id: "hosted-nodes", outs: inputs };
    },

    async update(_id: string, _olds: HostedNodesOutputs, news: HostedNodesOutputs) {
      return { outs: news };
    },

    /** `pulumi destroy` (the resource is declared whatever chain.install says): remove every node installed. */
    async delete(_id: string, props: HostedNodesOutputs) {
      const nodes: Record<string, HostedNode> = { ...(props.departed ?? {}) };
      for (const [name, node] of Object.entries(props.nodes ?? {})) {
        const { groups: _groups, ...recorded } = node;
        nodes[name] = recorded;
      }
      if (!Object.keys(nodes).length) return;
      await removeHostedNodes(nodes, { owner: props.owner, sshPrivateKeys: props.sshPrivateKeys ?? {}, log });
    },
  };
}

export const hostedNodesProvider = createHostedNodesProvider();
