/**
 * Gathers the membership planner's facts from the live chain: per node whether it answers, whom
 * it is connected to and which groups it runs at what height; per group the sealer and observer
 * lists as its most advanced reachable member reports them.
 */
import { RpcError, type RpcClient } from "../rpc/client";
import type { ChainGroupState, NodeFacts } from "./plan";
import type { ChainAccess } from "./chain-access";
import type { DeclaredRole } from "./types";

/** The group-member guard's answer: the node runs the group but is neither sealer nor observer. */
export const NOT_A_MEMBER = -40009;

export interface Observation {
  /** Groups some reachable member reports; a group missing here is not on the chain as far as can be seen. */
  chain: Record<number, ChainGroupState>;
  /** Every node the access knows an ID for. */
  nodes: Record<string, NodeFacts>;
}

export type Role = "sealer" | "observer";

const isTransportFailure = (e: unknown) => e instanceof RpcError && e.code === undefined;

/** Height in `group` on this node; null when the member guard says it is no member. */
async function heightOrGuard(client: RpcClient, group: number): Promise<number | null> {
  try {
    return await client.getBlockNumber(group);
  } catch (e) {
    if (e instanceof RpcError && e.code === NOT_A_MEMBER) return null;
    throw e;
  }
}

async function observeNode(access: ChainAccess, name: string, groups: readonly number[]): Promise<NodeFacts> {
  const client = access.clients[name];
  const down: NodeFacts = { status: "down", peers: [], groups: {} };
  if (!client) return down;
  try {
    await client.getClientVersion();
  } catch (e) {
    if (isTransportFailure(e)) return down;
    throw e;
  }
  // getNodeIDList ignores its group but needs one; the node's own ID comes first.
  const [self, ...peerIds] = await client.getNodeIDList(groups[0] ?? 1);
  if (self && access.ids[name] && self.toLowerCase() !== access.ids[name].toLowerCase()) {
    throw new Error(`the RPC endpoint of ${name} answers as node ${self.slice(0, 16)}…, not as ${name}; check its rpcPort and tunnel`);
  }
  const running: Record<number, number | null> = {};
  const candidates = [...new Set([...groups, ...(await client.getGroupList())])];
  for (const group of candidates) {
    if ((await client.queryGroupStatus(group)).status !== "RUNNING") continue;
    running[group] = await heightOrGuard(client, group);
  }
  return { status: "up", peers: peerIds.map((id) => access.nameOf(id)), groups: running };
}

/**
 * The lists of `group` from the reachable member at the greatest height: it has seen every
 * committed change. Never from a lagging node: a node removed from the group stays at the block
 * before its removal (sync serves members only) and there still lists itself.
 */
async function observeGroup(access: ChainAccess, group: number, nodes: Record<string, NodeFacts>): Promise<ChainGroupState | undefined> {
  const members = Object.entries(nodes)
    .filter(([, facts]) => facts.status === "up" && typeof facts.groups[group] === "number")
    .sort(([, a], [, b]) => (b.groups[group] as number) - (a.groups[group] as number));
  if (members.length === 0) return undefined;
  const client = access.client(members[0][0]);
  const [sealers, observers, height] = await Promise.all([client.getSealerList(group), client.getObserverList(group), client.getBlockNumber(group)]);
  return { sealers: sealers.map((id) => access.nameOf(id)).sort(), observers: observers.map((id) => access.nameOf(id)).sort(), height };
}

/**
 * Observes `groups` on every node of `access`. The nodes' facts also list the other groups they
 * are members of; the chain part holds only `groups`, since the planner refuses groups on the
 * chain that it is not given declarations for.
 */
export async function observeChain(access: ChainAccess, groups: readonly number[]): Promise<Observation> {
  const names = Object.keys(access.ids);
  const facts = await Promise.all(names.map((name) => observeNode(access, name, groups)));
  const nodes = Object.fromEntries(names.map((name, i) => [name, facts[i]]));
  const chain: Record<number, ChainGroupState> = {};
  for (const group of groups) {
    const state = await observeGroup(access, group, nodes);
    if (state) chain[group] = state;
  }
  return { chain, nodes };
}

/** Node name → role in a group's lists, the form the membership resource shows. */
export function rolesOf(state: ChainGroupState | undefined): Record<string, Role> {
  const roles: Record<string, Role> = {};
  for (const name of state?.sealers ?? []) roles[name] = "sealer";
  for (const name of state?.observers ?? []) roles[name] = "observer";
  return roles;
}

/**
 * Roles as the chain has them: the group's lists, plus "free" for a node that runs the group
 * without a role. That includes a removed node stuck at the block before its removal, which still
 * lists itself: the lists come from the most advanced member. A node that is down cannot say
 * whether it still runs the group, so a free role recorded before is kept for it.
 */
export function foundRoles(observation: Observation, group: number, previous: Record<string, DeclaredRole> = {}): Record<string, DeclaredRole> {
  const roles: Record<string, DeclaredRole> = rolesOf(observation.chain[group]);
  for (const [name, facts] of Object.entries(observation.nodes)) {
    if (roles[name]) continue;
    if (facts.status === "up" ? facts.groups[group] !== undefined : previous[name] === "free") roles[name] = "free";
  }
  return Object.fromEntries(Object.entries(roles).sort(([a], [b]) => a.localeCompare(b)));
}
