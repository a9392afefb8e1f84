/** The order in which node installs run, so restarts never overlap within a group. */
import type { Model } from "../topology/types";

/**
 * For each node, the nodes whose install must have finished (healthy) before its own runs: in
 * every group, each member waits for the member before it. A group's members are every node
 * declared in it in any role (sealer, observer, free) plus every node that was declared in it
 * before (`seen`: node → group ids, recorded by HostedNodes before the installs run). So a
 * sealer declared an observer, or taken out of the group, in the same run as a restart is still
 * in the chain: the chain's lists change only after the installs (Membership), and until then it
 * seals. The declared roles of the last run are not enough (a run that failed before Membership
 * leaves the chain's lists behind), and the chain's own lists cannot be read before the installs
 * without a cycle; every node ever declared in the group covers both, at the cost of some extra
 * waiting. Members are taken in the chain-wide node order, so no set of groups makes a cycle.
 *
 * `mayStop`, when given, holds the nodes whose install may stop them (installed-nodes.ts: their
 * folder is there already); the others are only ever started, so they wait for no one and no one
 * waits for them. On a first install that is every node: all hosts install at once.
 */
export function rollingPredecessors(model: Model, seen: Record<string, readonly number[]> = {}, mayStop?: ReadonlySet<string>): Map<string, string[]> {
  const position = new Map(model.nodes.map((n, i) => [n.name, i]));
  const predecessors = new Map<string, string[]>(model.nodes.map((n) => [n.name, []]));
  const members = new Map<number, Set<string>>();
  const add = (group: number, node: string) => {
    if (!position.has(node)) return; // no longer in the topology: nothing to install
    if (mayStop && !mayStop.has(node)) return; // started, never stopped: no turn to wait for
    if (!members.has(group)) members.set(group, new Set());
    members.get(group)!.add(node);
  };
  for (const group of model.groups) for (const node of [...group.sealers, ...group.observers, ...group.free]) add(group.id, node);
  for (const [node, groups] of Object.entries(seen)) for (const group of groups) add(group, node);
  for (const group of [...members.keys()].sort((a, b) => a - b)) {
    const chain = [...members.get(group)!].sort((a, b) => position.get(a)! - position.get(b)!);
    chain.forEach((node, i) => {
      const before = chain[i - 1];
      const list = predecessors.get(node)!;
      if (before !== undefined && !list.includes(before)) list.push(before);
    });
  }
  return predecessors;
}

/**
 * For each declared group, the groups whose membership change must be done before its own: every
 * group with a lower id that shares a member with it (declared, or declared before: `seen`), so
 * the steps on one node happen one group at a time. Groups with no node in common change at once.
 */
export function membershipPredecessors(model: Model, seen: Record<string, readonly number[]> = {}): Map<number, number[]> {
  const members = new Map<number, Set<string>>(model.groups.map((g) => [g.id, new Set([...g.sealers, ...g.observers, ...g.free])]));
  for (const [node, groups] of Object.entries(seen)) for (const group of groups) members.get(group)?.add(node);
  const ids = [...members.keys()].sort((a, b) => a - b);
  return new Map(
    ids.map((id) => [id, ids.filter((other) => other < id && [...members.get(other)!].some((n) => members.get(id)!.has(n)))] as [number, number[]]),
  );
}
