/**
 * Which members of a group can carry it. A sealer counts towards quorum only when it answers RPC,
 * runs the group and sees itself as a member, is within the sync threshold of the group's height,
 * and is P2P-connected to every other sealer counted. FISCO 2.11 checked: a node more than 20
 * blocks behind the highest block it knows refuses transactions (Rpc::checkSyncStatus) and drops
 * PBFT messages (PBFTEngine::isSyncingHigherBlock), both by SyncMsgEngine::blockNumberFarBehind.
 * 2.x relays PBFT messages with a TTL, so asking for direct connections is on the safe side: it
 * is what can be seen over RPC. The sealers counted are the largest set connected pairwise.
 * Pure: the planner asks again for the lists after every step.
 */

/**
 * up: answers RPC. down: deployed but not answering. pending: created by this update and started
 * before any membership step runs, so nothing about it can be known yet; the run-time checks
 * behind `waitSynced` and generateGroup cover it.
 */
export type NodeStatus = "up" | "down" | "pending";

export interface NodeFacts {
  status: NodeStatus;
  /** Nodes it is P2P-connected to (getNodeIDList without itself). Either side's list counts. */
  peers: readonly string[];
  /**
   * Groups running on the node (queryGroupStatus RUNNING) → its block height there, or null when
   * the node is no member in its own view and the group-member guard hides its height.
   */
  groups: Readonly<Record<number, number | null>>;
}

export interface LivenessInput {
  group: number;
  /** The group's height: the highest block any node reports for it. */
  height: number;
  /** Blocks a node may lag behind `height` and still count as synced. */
  threshold: number;
  sealers: readonly string[];
  observers: readonly string[];
  facts: (node: string) => NodeFacts | undefined;
  /**
   * Nodes an earlier step of the plan has checked at run time (waitSynced before a promotion, or
   * the start of a new group): they count as synced and running without facts saying so.
   */
  verified: ReadonlySet<string>;
  /**
   * Members the plan started the group on again and waited for (joinGroup, waitSynced): they may
   * send and confirm transactions, but a preview cannot know they will come back, so they do not
   * count towards quorum in this plan.
   */
  rejoined: ReadonlySet<string>;
}

/** Why a node does not count, as a predicate: "is down". `many` is the plural, when it has one. */
export interface Reason {
  one: string;
  many?: string;
}

export interface Liveness {
  /** Sealers counted towards quorum, in list order. */
  sealers: string[];
  /** Members that can send a transaction or confirm a change: the counted sealers first, then other live members. */
  members: string[];
  /** Why each sealer that is not counted is not. */
  reasons: Map<string, Reason>;
}

/** Why `node` is not a running, synced member by its own facts, or null when it is. */
function observedReason(node: string, input: LivenessInput): Reason | null {
  const { group, height, threshold } = input;
  const facts = input.facts(node);
  if (!facts || facts.status === "down") return { one: "is down", many: "are down" };
  if (facts.status === "pending") return { one: `has not synced group ${group} yet`, many: `have not synced group ${group} yet` };
  const own = facts.groups[group];
  if (own === undefined) return { one: `does not run group ${group}`, many: `do not run group ${group}` };
  if (own === null) return { one: `runs group ${group} but does not see itself as a member`, many: `run group ${group} but do not see themselves as members` };
  if (height - own > threshold) return { one: `is at block ${own}, ${height - own} behind the group's ${height}, more than ${threshold}` };
  return null;
}

/** Either side's peer list counts; a pending node's connections are checked at run time. */
export function connected(a: string, b: string, facts: (node: string) => NodeFacts | undefined): boolean {
  const fa = facts(a);
  const fb = facts(b);
  if (fa?.status === "pending" || fb?.status === "pending") return true;
  return Boolean(fa?.peers.includes(b) || fb?.peers.includes(a));
}

/**
 * The largest subset of `nodes` connected pairwise; among equals, the one that takes earlier
 * nodes first. Branch and bound: groups have tens of sealers at most, and the usual faults (a
 * node cut off, a partition) prune almost every branch.
 */
export function largestConnectedSet(nodes: readonly string[], linked: (a: string, b: string) => boolean): string[] {
  let best: string[] = [];
  const extend = (chosen: string[], rest: string[]): void => {
    if (chosen.length + rest.length <= best.length) return;
    if (rest.length === 0) {
      best = chosen;
      return;
    }
    const [next, ...others] = rest;
    extend(
      [...chosen, next],
      others.filter((o) => linked(next, o)),
    );
    extend(chosen, others);
  };
  extend([], [...nodes]);
  return best;
}

export function assessLiveness(input: LivenessInput): Liveness {
  const { facts, verified, rejoined } = input;
  const linked = (a: string, b: string) => connected(a, b, facts);
  const runs = (node: string) => verified.has(node) || rejoined.has(node) || observedReason(node, input) === null;
  const counted = largestConnectedSet(
    input.sealers.filter((s) => !rejoined.has(s) && runs(s)),
    linked,
  );
  const reasons = new Map<string, Reason>();
  for (const sealer of input.sealers.filter((s) => !counted.includes(s))) {
    const observed = observedReason(sealer, input);
    if (observed) reasons.set(sealer, observed);
    else if (!input.sealers.some((s) => s !== sealer && linked(sealer, s))) {
      reasons.set(sealer, { one: "has no P2P connection to the other sealers", many: "have no P2P connection to the other sealers" });
    } else reasons.set(sealer, { one: `is not connected to sealer(s) ${counted.filter((c) => !linked(sealer, c)).join(", ")}` });
  }
  // Other members sync from, and pass transactions to, the sealers counted.
  const others = [...input.sealers, ...input.observers].filter((m) => !counted.includes(m) && runs(m) && counted.some((c) => linked(m, c)));
  return { sealers: counted, members: [...counted, ...others], reasons };
}

/** "s5, s6 have no P2P connection to the other sealers; n3 is down", grouping nodes with the same reason. */
export function describeReasons(nodes: readonly string[], reasons: ReadonlyMap<string, Reason>): string {
  const groups: { nodes: string[]; reason: Reason }[] = [];
  for (const node of nodes) {
    const reason = reasons.get(node) ?? { one: "does not count" };
    const same = reason.many !== undefined && groups.find((g) => g.reason.one === reason.one);
    if (same) same.nodes.push(node);
    else groups.push({ nodes: [node], reason });
  }
  return groups.map((g) => `${g.nodes.join(", ")} ${g.nodes.length > 1 ? g.reason.many : g.reason.one}`).join("; ");
}
