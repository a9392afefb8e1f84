/**
 * Every node ID this stack has had, kept after a node left the topology (its keys then leave the
 * state): the IDs no node declares now are the revoked ones, written into every remaining node's
 * [certificate_blacklist]. Computed in check, so a preview knows the lists. Touches no host,
 * whatever chain.install says; deleting it (destroy) forgets the record.
 *
 * `settled` is what the previous run had revoked already. With chain.install the first install
 * pass renders only those: a node that leaves in this run may still be a sealer until the
 * membership change after the installs, and blacklisting it while the others restart one by one
 * could leave the group short of quorum. The full list goes out after the removal (NodeInstall's
 * second pass).
 */
import type * as pulumi from "@pulumi/pulumi";
import { recordNodes, type KnownNode } from "../topology/revoked-nodes";

export interface NodeRegistryInputs {
  /** Node name → node ID, for every node the topology declares now. */
  nodes: Record<string, string>;
  /** Made by check: every node ID ever declared, first seen first. */
  known?: KnownNode[];
  /** Made by check: IDs of `known` no node declares now. */
  revoked?: string[];
  /** Made by check: those of `revoked` the previous record had revoked already. */
  settled?: string[];
}

export type NodeRegistryOutputs = Required<NodeRegistryInputs>;

export const nodeRegistryProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<NodeRegistryInputs> | undefined, news: NodeRegistryInputs) {
    const before = olds?.revoked ?? [];
    const { known, revoked } = recordNodes(olds?.known ?? [], news.nodes ?? {});
    const inputs: NodeRegistryOutputs = { nodes: news.nodes ?? {}, known, revoked, settled: revoked.filter((id) => before.includes(id)) };
    return { inputs };
  },

  async diff(_id: string, olds: NodeRegistryOutputs, news: NodeRegistryOutputs) {
    // Nodes by name: the topology's order of nodes is no change.
    const comparable = (r: NodeRegistryOutputs) =>
      JSON.stringify([Object.entries(r.nodes ?? {}).sort(([a], [b]) => a.localeCompare(b)), r.known, r.revoked, r.settled]);
    return { changes: comparable(olds) !== comparable(news) };
  },

  async create(inputs: NodeRegistryOutputs) {
    return { id: "node-registry", outs: inputs };
  },

  async update(_id: string, _olds: NodeRegistryOutputs, news: NodeRegistryOutputs) {
    return { outs: news };
  },
};
