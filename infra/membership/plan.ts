/**
 * Membership planner: from what the chain reports and what the topology declares, the ordered
 * steps that take every group from one to the other without losing quorum at any point, or a
 * refusal whose message shows the arithmetic. Pure: the caller gathers the facts over RPC and
 * executes the steps.
 *
 * Nodes are named by their topology names everywhere (the caller maps node IDs to names with the
 * chain's PKI). A chain member whose ID the caller cannot map may keep its ID as its name: it is
 * then a member the topology does not declare, and is removed like any other.
 */
import { assessLiveness, connected, describeReasons, type Liveness, type NodeFacts } from "./liveness";
import { explainQuorum, quorumOf } from "./quorum";
import type { ConsensusType, Group } from "../topology/types";

/** What a member of the group reports (getSealerList, getObserverList, getBlockNumber). */
export interface ChainGroupState {
  sealers: readonly string[];
  observers: readonly string[];
  height: number;
}

export type { NodeFacts, NodeStatus } from "./liveness";

export interface MembershipInput {
  /** The declared groups (Model.groups). A node in none of a group's lists is no member of it. */
  declared: readonly Group[];
  /** The chain's view per group id; a declared group missing here does not exist yet. */
  chain: Readonly<Record<number, ChainGroupState>>;
  /** Per node name; a node missing here counts as down. */
  nodes: Readonly<Record<string, NodeFacts>>;
  /** Genesis timestamps (ms) for new groups whose declaration does not pin one. */
  timestamps?: Readonly<Record<number, number>>;
  /**
   * The sealers an earlier run froze into a group's genesis resource (by name; a node ID for a node
   * the topology no longer has). Nodes that join later get that genesis, so a new group must be
   * generated with exactly these sealers.
   */
  genesisSealers?: Readonly<Record<number, readonly string[]>>;
  /** Blocks a node may lag behind the group and still count as synced; default 10. */
  syncThreshold?: number;
}

export type ConsensusStepKind = "addObserver" | "addSealer" | "removeNode";

/** A ConsensusPrecompiled transaction. */
export interface ConsensusStep {
  kind: ConsensusStepKind;
  group: number;
  node: string;
  /** Member to send the transaction to: live (synced, so the node takes transactions), and a member before and after the step. */
  via: string;
  /** Every live member after the step: each must report the new lists before the next step. */
  confirmOn: string[];
  reason: string;
  /** The sealer count across the step and the quorum after it, so a preview can show why the step is safe. */
  quorum?: StepQuorum;
}

export interface StepQuorum {
  consensus: ConsensusType;
  sealersBefore: number;
  sealersAfter: number;
  /** Sealers counted live after the step (see liveness.ts). */
  live: number;
  /** Sealers the group needs after the step. */
  needed: number;
}

/**
 * joinGroup: copy the group's original genesis and group ini to the node and start the group there.
 * startGroup / stopGroup: the dynamic group RPCs on that node.
 */
export interface NodeStep {
  kind: "joinGroup" | "startGroup" | "stopGroup";
  group: number;
  node: string;
  reason: string;
}

/** Wait until the node sees itself as a member, is connected to `sealers` and within the sync threshold of the group's height. */
export interface WaitSyncedStep {
  kind: "waitSynced";
  group: number;
  node: string;
  /** The sealers counted live when the step was planned, without the node itself. */
  sealers: string[];
  reason: string;
}

/** generateGroup on `node`, with parameters identical on every member. */
export interface GenerateGroupStep {
  kind: "generateGroup";
  group: number;
  node: string;
  timestamp: number;
  sealers: string[];
  enableFreeStorage: boolean;
  reason: string;
}

export type MembershipStep = ConsensusStep | NodeStep | WaitSyncedStep | GenerateGroupStep;

export type MembershipPlan = { ok: true; steps: MembershipStep[] } | { ok: false; refusals: string[] };

export const DEFAULT_SYNC_THRESHOLD = 10;

/**
 * What generateGroup writes into every genesis it makes, whatever it is asked (FISCO 2.11
 * LedgerManager's template; the call itself takes only timestamp, sealers and enable_free_storage).
 * These values enter block 0's mark, so a new group has to declare them: nodes that join later get
 * the rendered genesis, and a different mark there is a different genesis hash they never sync with.
 */
export const GENERATED_GENESIS = { consensus: "pbft", maxTransNum: 1000, gasLimit: 300000000, consensusTimeout: 3 } as const;

type Role = "sealer" | "observer" | "none";

const list = (names: Iterable<string>): string => [...names].join(", ") || "none";

/** Walks one group through its changes, keeping the chain's lists as they will be after each step. */
class GroupWalk {
  readonly steps: MembershipStep[] = [];
  readonly refusals: string[] = [];
  private readonly sealers: string[];
  private readonly observers: string[];
  /** Checked at run time by an earlier step: they count as live (see LivenessInput). */
  private readonly verified = new Set<string>();
  private readonly rejoined = new Set<string>();
  readonly label: string;
  readonly height: number;
  readonly threshold: number;

  constructor(
    readonly group: Group,
    private readonly input: MembershipInput,
    chain: ChainGroupState,
  ) {
    this.sealers = [...chain.sealers];
    this.observers = [...chain.observers];
    this.label = `group ${group.id} (${group.genesis.consensus})`;
    this.threshold = input.syncThreshold ?? DEFAULT_SYNC_THRESHOLD;
    const heights = Object.values(input.nodes).map((f) => f.groups[group.id]);
    this.height = Math.max(chain.height, ...heights.filter((h): h is number => typeof h === "number"));
  }

  facts(node: string): NodeFacts | undefined {
    return this.input.nodes[node];
  }

  /** Answers RPC, or is about to (pending): RPC steps can be planned for it. */
  reachable(node: string): boolean {
    return (this.facts(node)?.status ?? "down") !== "down";
  }

  connected(a: string, b: string): boolean {
    return connected(a, b, (n) => this.facts(n));
  }

  runsGroup(node: string): boolean {
    return this.facts(node)?.groups[this.group.id] !== undefined;
  }

  roleOf(node: string): Role {
    return this.sealers.includes(node) ? "sealer" : this.observers.includes(node) ? "observer" : "none";
  }

  verify(node: string): void {
    this.verified.add(node);
  }

  /** Who counts in the lists given, by default the lists as the steps so far leave them. */
  liveness(sealers: readonly string[] = this.sealers, observers: readonly string[] = this.observers): Liveness {
    return assessLiveness({
      group: this.group.id,
      height: this.height,
      threshold: this.threshold,
      sealers,
      observers,
      facts: (n) => this.facts(n),
      verified: this.verified,
      rejoined: this.rejoined,
    });
  }

  refuse(message: string): void {
    this.refusals.push(`${this.label}: ${message}`);
  }

  node(kind: NodeStep["kind"], node: string, reason: string): void {
    this.steps.push({ kind, group: this.group.id, node, reason });
  }

  waitSynced(node: string, reason: string): void {
    const sealers = this.liveness().sealers.filter((s) => s !== node);
    this.steps.push({ kind: "waitSynced", group: this.group.id, node, sealers, reason });
  }

  /** joinGroup, and for a member of the lists a wait until it has synced: it then sends and confirms, but counts towards quorum only from the next run. */
  join(node: string, reason: string): void {
    this.node("joinGroup", node, reason);
    if (this.roleOf(node) === "none") return; // it syncs only once it is a member: addObserver and waitSynced follow
    this.waitSynced(node, `${node} started group ${this.group.id} again and must catch up before it sends or confirms a change`);
    this.rejoined.add(node);
  }

  /** Null when the sealers can commit a block; otherwise "2 live sealers of 3 (n3 is down); pbft needs …". */
  quorumShortfall(sealers: readonly string[], observers: readonly string[]): string | null {
    if (sealers.length === 0) return "no sealer (the chain refuses this with -51101)";
    const q = quorumOf(this.group.genesis.consensus, sealers.length);
    const live = this.liveness(sealers, observers);
    if (live.sealers.length >= q.quorum) return null;
    const out = sealers.filter((s) => !live.sealers.includes(s));
    const counted = `${live.sealers.length} live sealer${live.sealers.length === 1 ? "" : "s"} of ${sealers.length}`;
    return `${counted} (${describeReasons(out, live.reasons)}); ${q.consensus} needs ${explainQuorum(q)}; bring ${list(out)} back first`;
  }

  /** Emits one consensus transaction that moves `node` to `role`, if the group keeps its quorum. */
  change(kind: ConsensusStepKind, node: string, role: Role, what: string, reason: string): boolean {
    const sealers = this.sealers.filter((s) => s !== node);
    const observers = this.observers.filter((o) => o !== node);
    if (role === "sealer") sealers.push(node);
    if (role === "observer") observers.push(node);
    const shortfall = this.quorumShortfall(sealers, observers);
    if (shortfall) {
      this.refuse(`${what} leaves ${shortfall}`);
      return false;
    }
    // The member guard refuses transactions on non-members, a node that just left stops hearing
    // of the group, and a node far behind refuses transactions: send through a live member that
    // is a member on both sides.
    const after = new Set([...sealers, ...observers]);
    const via = this.liveness().members.find((m) => m !== node && after.has(m));
    if (!via) {
      this.refuse(`${what} needs a live member that stays in the group to send the transaction to; there is none`);
      return false;
    }
    // Members after the step only: a removed node may never see its removal (sync serves members).
    const liveAfter = this.liveness(sealers, observers);
    const confirmOn = [...liveAfter.members].sort();
    const consensus = this.group.genesis.consensus;
    const quorum = {
      consensus,
      sealersBefore: this.sealers.length,
      sealersAfter: sealers.length,
      live: liveAfter.sealers.length,
      needed: quorumOf(consensus, sealers.length).quorum,
    };
    this.steps.push({ kind, group: this.group.id, node, via, confirmOn, reason: `${what}: ${reason}`, quorum });
    this.sealers.splice(0, this.sealers.length, ...sealers);
    this.observers.splice(0, this.observers.length, ...observers);
    return true;
  }
}

function targetRole(group: Group, node: string): Role {
  if (group.sealers.includes(node)) return "sealer";
  if (group.observers.includes(node)) return "observer";
  return "none";
}

/** Why `node` may not become a sealer now, or null when it may. */
function promotionRefusal(walk: GroupWalk, node: string): string | null {
  const facts = walk.facts(node);
  const prefix = `cannot make ${node} a sealer`;
  if (!facts || facts.status === "down") return `${prefix}: it is down (it does not answer RPC)`;
  if (facts.status === "pending") return null;
  const unconnected = walk.liveness().sealers.filter((s) => s !== node && !walk.connected(node, s));
  if (unconnected.length) return `${prefix}: it is not connected to sealer(s) ${list(unconnected)}; check its P2P ports and the sealers' [p2p] node lists`;
  if (walk.roleOf(node) !== "observer") return null; // it syncs only once it is an observer: waitSynced guards that
  const height = facts.groups[walk.group.id];
  if (height === undefined || height === null) return `${prefix}: it is an observer but reports no block height for the group`;
  const behind = walk.height - height;
  if (behind > walk.threshold) {
    return `${prefix}: it is not synced, at block ${height}, ${behind} behind the group's ${walk.height} (at most ${walk.threshold} allowed); let it catch up first`;
  }
  return null;
}

/**
 * Order, chosen so the number of spare live sealers never drops before it has to:
 * 1. sealers that are not live and leave the sealer set (removing one lowers n, never the live count);
 * 2. declared members that do not run the group start it (joinGroup); one already in the lists
 *    is waited for until synced;
 * 3. nodes entering the group become observers (no effect on sealers);
 * 4. promotions, each observer → waitSynced → sealer (a live sealer more never costs quorum);
 * 5. live sealers that leave the sealer set, one at a time;
 * 6. observers that leave.
 * Steps 1–4 can only raise the slack (live sealers - quorum) and step 5 lowers it one removal at
 * a time, so the state after the last removal is the tightest; it is still checked at every step
 * so the refusal names the first step that fails.
 */
function planExistingGroup(group: Group, chain: ChainGroupState, input: MembershipInput): GroupWalk {
  const walk = new GroupWalk(group, input, chain);
  const listed = new Set([...group.sealers, ...group.observers, ...group.free]);
  const current = [...chain.sealers, ...chain.observers];
  const changes = [...new Set([...current, ...group.sealers, ...group.observers])].filter((n) => walk.roleOf(n) !== targetRole(group, n));

  if (group.sealers.length === 0) walk.refuse("the declaration leaves the group with no sealer; a group needs at least one");
  if (changes.length > 0) {
    const shortfall = walk.quorumShortfall(chain.sealers, chain.observers);
    if (shortfall) walk.refuse(`no membership transaction can commit now: ${shortfall}`);
  }
  for (const node of changes) {
    if (targetRole(group, node) === "sealer") {
      const refusal = promotionRefusal(walk, node);
      if (refusal) walk.refuse(refusal);
    }
  }
  if (walk.refusals.length) return walk;

  const leave = (node: string) => {
    if (targetRole(group, node) === "observer")
      return walk.change("addObserver", node, "observer", `making sealer ${node} an observer`, "declared as an observer");
    const ok = walk.change(
      "removeNode",
      node,
      "none",
      `removing ${walk.roleOf(node)} ${node}`,
      listed.has(node) ? "declared free: it keeps the group's files but no role" : "no longer declared in the group",
    );
    // removeNode first, so the node leaves the consensus before its group stops running.
    // A node that is down is stopped by a later run, which finds it running the group undeclared.
    if (ok && !listed.has(node) && walk.runsGroup(node) && walk.facts(node)?.status === "up") {
      walk.node("stopGroup", node, `${node} is no longer declared in group ${group.id}; its group stops after removeNode took effect`);
    }
    return ok;
  };
  const counted = new Set(walk.liveness().sealers);
  const leavingSealers = chain.sealers.filter((n) => targetRole(group, n) !== "sealer");
  for (const node of leavingSealers.filter((n) => !counted.has(n))) if (!leave(node)) return walk;

  for (const node of [...group.sealers, ...group.observers]) {
    if (!walk.runsGroup(node) && walk.reachable(node)) {
      walk.join(node, `${node} does not run group ${group.id}: it gets the group's original genesis and group ini and starts the group`);
    }
  }
  for (const node of changes.filter((n) => !current.includes(n))) {
    const sealerToBe = targetRole(group, node) === "sealer";
    const why = sealerToBe ? "a new sealer starts as an observer so it syncs before it counts towards quorum" : "declared as an observer";
    if (!walk.change("addObserver", node, "observer", `adding observer ${node}`, why)) return walk;
  }
  for (const node of group.sealers.filter((n) => walk.roleOf(n) === "observer")) {
    walk.waitSynced(
      node,
      `${node} must see itself as a member, be connected to the sealers and within ${walk.threshold} blocks of the group's height before it seals`,
    );
    walk.verify(node);
    if (!walk.change("addSealer", node, "sealer", `promoting observer ${node} to sealer`, "declared as a sealer")) return walk;
  }
  for (const node of leavingSealers.filter((n) => counted.has(n))) if (!leave(node)) return walk;
  for (const node of chain.observers.filter((n) => targetRole(group, n) === "none")) if (!leave(node)) return walk;

  const members = new Set(current);
  for (const [node, facts] of Object.entries(input.nodes)) {
    if (!listed.has(node) && !members.has(node) && facts.groups[group.id] !== undefined) {
      walk.node("stopGroup", node, `${node} runs group ${group.id} without being declared in it`);
    }
  }
  return walk;
}

/** A new group: generateGroup with identical parameters on every member, then startGroup on each. */
function planNewGroup(group: Group, input: MembershipInput): GroupWalk {
  // The walk starts where startGroup leaves the group: the genesis sealers, no observers.
  const walk = new GroupWalk(group, input, { sealers: group.sealers, observers: [], height: 0 });
  const g = group.genesis;
  for (const key of Object.keys(GENERATED_GENESIS) as (keyof typeof GENERATED_GENESIS)[]) {
    if (g[key] !== GENERATED_GENESIS[key]) {
      walk.refuse(
        `is new, and generateGroup always writes ${key} = ${GENERATED_GENESIS[key]}, but the declaration asks for ${g[key]}; declare ${GENERATED_GENESIS[key]} or create the group from a rendered genesis`,
      );
    }
  }
  const timestamp = group.timestamp ?? input.timestamps?.[group.id];
  if (timestamp === undefined) walk.refuse("is new but has no genesis timestamp; pin `timestamp` or let the group's genesis resource choose one");
  if (group.sealers.length === 0) walk.refuse("is new and declares no sealer; a group needs at least one");
  const frozen = [...(input.genesisSealers?.[group.id] ?? group.sealers)].sort();
  const declared = [...group.sealers].sort();
  if (frozen.join() !== declared.join()) {
    walk.refuse(
      `is new, but an earlier run froze its genesis with sealers ${list(frozen)} and the declaration now has ${list(declared)}; ` +
        `nodes that join later get the frozen genesis, so generateGroup must use the same sealers. ` +
        `Declare sealers ${list(frozen)} until the group runs (change them in a later run), ` +
        `or drop the frozen genesis (\`pulumi state delete\` the resource group-${group.id}-genesis) so the next run freezes the declared sealers`,
    );
  }
  const members = [...group.sealers, ...group.observers];
  for (const node of members) {
    if (!walk.reachable(node)) walk.refuse(`is new and generateGroup must run on every member, but ${node} is down`);
    if (walk.facts(node)?.status !== "up") continue;
    // generateGroup answers 0x8 unless every other sealer is connected to the node it runs on.
    const missing = group.sealers.filter((s) => s !== node && walk.facts(s)?.status === "up" && !walk.connected(node, s));
    if (missing.length) walk.refuse(`generateGroup on ${node} needs it connected to sealer(s) ${list(missing)}`);
  }
  if (walk.refusals.length || timestamp === undefined) return walk;

  // Members already running it got this far in an earlier run.
  const toCreate = members.filter((n) => !walk.runsGroup(n));
  for (const node of toCreate) {
    walk.steps.push({
      kind: "generateGroup",
      group: group.id,
      node,
      timestamp,
      sealers: [...group.sealers],
      enableFreeStorage: g.enableFreeStorage,
      reason: `group ${group.id} is declared but not on the chain; every member writes the same genesis (sealers ${list(group.sealers)})`,
    });
  }
  for (const node of toCreate) walk.node("startGroup", node, `start group ${group.id} on ${node} once every member has generated it`);
  // Started from one genesis at block 0, and generateGroup checked their connections.
  for (const node of members) walk.verify(node);
  for (const node of group.observers) {
    walk.change("addObserver", node, "observer", `adding observer ${node}`, "generateGroup makes only sealers; observers run the genesis and are added after");
  }
  return walk;
}

/** Plans every declared group in id order; refuses the whole plan if any group is refused. */
export function planMembership(input: MembershipInput): MembershipPlan {
  const steps: MembershipStep[] = [];
  const refusals: string[] = [];
  const declared = new Set(input.declared.map((g) => g.id));
  for (const id of Object.keys(input.chain).map(Number)) {
    if (!declared.has(id)) refusals.push(`group ${id} runs on the chain but is not declared; removing a whole group is not planned here, declare it again`);
  }
  for (const group of [...input.declared].sort((a, b) => a.id - b.id)) {
    const chain = input.chain[group.id];
    const walk = chain ? planExistingGroup(group, chain, input) : planNewGroup(group, input);
    steps.push(...walk.steps);
    refusals.push(...walk.refusals);
  }
  return refusals.length ? { ok: false, refusals } : { ok: true, steps };
}
