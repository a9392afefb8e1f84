/**
 * Removes the nodes that left the topology, after the membership changes took them out of their
 * groups: stop each one and move its folder to `.removed/` (or delete it with
 * deleteDataOnRemove), only where the folder's marker names this stack and node. Its input is
 * HostedNodes' `departed`; its state is the departures already handled, so each node is removed
 * once and a run that failed tries again. Creating it handles nothing (departures recorded before
 * it existed are taken as handled): deleting it from the state is the way to give up on a host
 * that is gone for good.
 */
import * as pulumi from "@pulumi/pulumi";
import { removeHostedNodes, type HostedNode } from "../remote/remove-nodes";

export interface NodeRemovalInputs {
  owner: string;
  departed: Record<string, HostedNode>;
  /** Host address → SSH login key (secret). */
  sshPrivateKeys: Record<string, string>;
}

export interface NodeRemovalProviderOptions {
  log?: (message: string, warning?: boolean) => void;
}

const sameNode = (a: HostedNode | undefined, b: HostedNode) => a !== undefined && a.site === b.site && a.nodeId === b.nodeId;

export function createNodeRemovalProvider(options: NodeRemovalProviderOptions = {}): pulumi.dynamic.ResourceProvider {
  const log = options.log ?? ((message: string, warning?: boolean) => void (warning ? pulumi.log.warn(message) : pulumi.log.info(message)));
  return {
    async diff(_id: string, olds: NodeRemovalInputs, news: NodeRemovalInputs) {
      const names = new Set([...Object.keys(olds.departed ?? {}), ...Object.keys(news.departed ?? {})]);
      const changed = [...names].some((n) => !news.departed?.[n] || !sameNode(olds.departed?.[n], news.departed[n]));
      return { changes: changed || olds.owner !== news.owner };
    },

    async create(inputs: NodeRemovalInputs) {
      return { id: "node-removal", outs: inputs };
    },

    async update(_id: string, olds: NodeRemovalInputs, news: NodeRemovalInputs) {
      const due = Object.fromEntries(Object.entries(news.departed ?? {}).filter(([name, node]) => !sameNode(olds.departed?.[name], node)));
      if (Object.keys(due).length) {
        try {
          await removeHostedNodes(due, { owner: news.owner, sshPrivateKeys: news.sshPrivateKeys ?? {}, log });
        } catch (e) {
          throw new Error(
            `${(e as Error).message}\nThe next pulumi up tries again. If a host is gone for good, remove its nodes' folders by hand and drop the record of pending removals: pulumi state delete the NodeRemoval resource (its URN ends in ::consortium-node-removal; see pulumi stack --show-urns).`,
          );
        }
      }
      return { outs: news };
    },
  };
}

export const nodeRemovalProvider = createNodeRemovalProvider();
