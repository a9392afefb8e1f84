/**
 * Property tests of the membership planner (fast-check, in the manner of pulumi-awsx's
 * subnetDistributorNew.test.ts): random groups, node states and declared roles; every plan the
 * planner accepts is replayed step by step against a model of the chain written here, apart from
 * the planner, and must keep the group at quorum counting only live sealers, keep a sealer, promote
 * only synced nodes, and send through and wait on live members only. Fixed seed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planMembership, DEFAULT_SYNC_THRESHOLD, type MembershipInput, type MembershipStep, type NodeFacts } from "../../infra/membership/plan";
import { quorumOf } from "../../infra/membership/quorum";
import type { ConsensusType, Group } from "../../infra/topology/types";

const SEED = 20251111;
const HEIGHT = 1000;
const MAX_NODES = 18;

type Target = "keep" | "sealer" | "observer" | "free" | "none";

interface NodeState {
  status: "up" | "down" | "pending";
  /** running: at HEIGHT - lag; stopped: does not run the group; unlisted: runs it but is no member in its own view. */
  runs: "running" | "stopped" | "unlisted";
  lag: number;
  isolated: boolean;
  target: Target;
}

interface Scenario {
  consensus: ConsensusType;
  sealers: number;
  observers: number;
  free: number;
  outsiders: number;
  newGroup: boolean;
  states: NodeState[];
  /** links[i * MAX_NODES + j] for i < j: whether nodes i and j are P2P-connected. */
  links: boolean[];
}

const weighted = <T>(...choices: [number, T][]) => fc.oneof(...choices.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));
const percent = (p: number) => fc.integer({ min: 0, max: 99 }).map((x) => x < p);

const nodeState: fc.Arbitrary<NodeState> = fc.record({
  status: weighted<NodeState["status"]>([36, "up"], [3, "down"], [1, "pending"]),
  runs: weighted<NodeState["runs"]>([36, "running"], [2, "stopped"], [2, "unlisted"]),
  lag: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: DEFAULT_SYNC_THRESHOLD }) },
    { weight: 1, arbitrary: fc.integer({ min: DEFAULT_SYNC_THRESHOLD + 1, max: 300 }) },
  ),
  isolated: percent(4),
  target: weighted<Target>([14, "keep"], [3, "sealer"], [2, "observer"], [2, "free"], [1, "none"]),
});

const scenario: fc.Arbitrary<Scenario> = fc.record({
  consensus: fc.constantFrom<ConsensusType>("pbft", "raft", "rpbft"),
  sealers: fc.integer({ min: 1, max: 10 }),
  observers: fc.integer({ min: 0, max: 3 }),
  free: fc.integer({ min: 0, max: 2 }),
  outsiders: fc.integer({ min: 0, max: 3 }),
  newGroup: percent(10),
  states: fc.array(nodeState, { minLength: MAX_NODES, maxLength: MAX_NODES }),
  links: fc.array(percent(95), { minLength: MAX_NODES * MAX_NODES, maxLength: MAX_NODES * MAX_NODES }),
});

interface Built {
  input: MembershipInput;
  /** The chain's lists before the plan. */
  sealers: string[];
  observers: string[];
}

/** The planner's input for a scenario: s*, o* are the group's sealers and observers, f* run it without a role, x* do not run it. */
function build(sc: Scenario): Built {
  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const [sealers, observers, free, outsiders] = [names("s", sc.sealers), names("o", sc.observers), names("f", sc.free), names("x", sc.outsiders)];
  const all = [...sealers, ...observers, ...free, ...outsiders];
  const state = (name: string) => sc.states[all.indexOf(name)];
  const linked = (a: string, b: string) => {
    const [i, j] = [all.indexOf(a), all.indexOf(b)].sort((x, y) => x - y);
    return !state(a).isolated && !state(b).isolated && sc.links[i * MAX_NODES + j];
  };
  const members = sc.newGroup ? [] : [...sealers, ...observers];
  const nodes: Record<string, NodeFacts> = {};
  for (const name of all) {
    const s = state(name);
    // The provider marks only nodes outside the group's lists pending (about to be installed).
    const status = s.status === "pending" && members.includes(name) ? "up" : s.status;
    if (status !== "up") {
      nodes[name] = { status, peers: [], groups: {} };
      continue;
    }
    const running = sc.newGroup || outsiders.includes(name) ? "stopped" : free.includes(name) && s.runs === "running" ? "unlisted" : s.runs;
    const groups: Record<number, number | null> = running === "stopped" ? {} : { 1: running === "unlisted" ? null : HEIGHT - s.lag };
    nodes[name] = { status, peers: all.filter((n) => n !== name && linked(name, n)), groups };
  }
  const current = (name: string): Target => (sealers.includes(name) ? "sealer" : observers.includes(name) ? "observer" : free.includes(name) ? "free" : "none");
  const target = (name: string) => (state(name).target === "keep" ? current(name) : state(name).target);
  const genesis = {
    consensus: sc.newGroup ? "pbft" : sc.consensus,
    maxTransNum: 1000,
    gasLimit: 300000000,
    consensusTimeout: 3,
    epochBlockNum: 1000,
    enableFreeStorage: false,
  } as const;
  const declared: Group = {
    id: 1,
    sealers: all.filter((n) => target(n) === "sealer"),
    observers: all.filter((n) => target(n) === "observer"),
    free: all.filter((n) => target(n) === "free"),
    timestamp: 1700000000000,
    genesis,
  };
  const chain: MembershipInput["chain"] = sc.newGroup ? {} : { 1: { sealers, observers, height: HEIGHT } };
  return { input: { declared: [declared], chain, nodes }, sealers: sc.newGroup ? [] : sealers, observers: sc.newGroup ? [] : observers };
}

/** A pairwise-connected subset of `nodes` of at least `size` exists. */
function connectedSetOf(nodes: string[], size: number, linked: (a: string, b: string) => boolean): boolean {
  const grow = (chosen: string[], rest: string[]): boolean => {
    if (chosen.length >= size) return true;
    if (chosen.length + rest.length < size) return false;
    const [next, ...others] = rest;
    return (
      grow(
        [...chosen, next],
        others.filter((o) => linked(next, o)),
      ) || grow(chosen, others)
    );
  };
  return grow([], nodes);
}

/**
 * Replays `steps` on the lists and fails with the first broken rule. A node counts as live when
 * it answers, runs the group as a member within the sync threshold, or an earlier waitSynced or
 * startGroup checked it; a sealer counts towards quorum when it was live before the plan, or was
 * promoted after a waitSynced, and a large enough set of them is connected pairwise.
 */
function replay(built: Built, steps: MembershipStep[]): void {
  const { input } = built;
  const group = input.declared[0];
  const facts = (n: string) => input.nodes[n];
  const height = Math.max(HEIGHT, ...Object.values(input.nodes).map((f) => (typeof f.groups[1] === "number" ? (f.groups[1] as number) : -1)));
  const observedLive = (n: string) => {
    const f = facts(n);
    const h = f?.groups[1];
    return f?.status === "up" && typeof h === "number" && height - h <= DEFAULT_SYNC_THRESHOLD;
  };
  const checked = new Set<string>();
  const live = (n: string) => observedLive(n) || checked.has(n);
  const isNew = !input.chain[1];
  const startSealers = new Set(isNew ? group.sealers : built.sealers);
  const countsForQuorum = (s: string) => (startSealers.has(s) && !isNew ? observedLive(s) : checked.has(s));
  const linked = (a: string, b: string) => checked.has(a) || checked.has(b) || Boolean(facts(a)?.peers.includes(b) || facts(b)?.peers.includes(a));

  let sealers = new Set(isNew ? group.sealers : built.sealers);
  let observers = new Set(isNew ? [] : built.observers);
  for (const [i, step] of steps.entries()) {
    const where = `step ${i + 1} (${step.kind} ${step.node}${"via" in step ? ` via ${step.via}` : ""})`;
    if (step.kind === "waitSynced" || step.kind === "startGroup") checked.add(step.node);
    if (step.kind !== "addSealer" && step.kind !== "addObserver" && step.kind !== "removeNode") continue;
    if (step.kind === "addSealer") expect(live(step.node), `${where}: promotes a node not known to be synced`).toBe(true);
    const before = new Set([...sealers, ...observers]);
    const nextSealers = new Set([...sealers].filter((s) => s !== step.node));
    const nextObservers = new Set([...observers].filter((o) => o !== step.node));
    if (step.kind === "addSealer") nextSealers.add(step.node);
    if (step.kind === "addObserver") nextObservers.add(step.node);
    const after = new Set([...nextSealers, ...nextObservers]);

    expect(step.via, `${where}: sends through the node it changes`).not.toBe(step.node);
    expect(before.has(step.via) && after.has(step.via), `${where}: sends through a node that is no member on both sides`).toBe(true);
    expect(live(step.via), `${where}: sends through a node that is not live`).toBe(true);
    for (const m of step.confirmOn) {
      expect(after.has(m), `${where}: waits on ${m}, no member after the step`).toBe(true);
      expect(live(m), `${where}: waits on ${m}, which is not live`).toBe(true);
    }
    expect(nextSealers.size, `${where}: removes the last sealer`).toBeGreaterThan(0);
    const q = quorumOf(group.genesis.consensus, nextSealers.size);
    const counted = [...nextSealers].filter(countsForQuorum);
    expect(
      connectedSetOf(counted, q.quorum, linked),
      `${where}: leaves fewer than ${q.quorum} live, connected sealers of ${nextSealers.size} (${counted.join(", ")})`,
    ).toBe(true);
    sealers = nextSealers;
    observers = nextObservers;
  }
  // An accepted plan ends in the declared lists.
  expect([...sealers].sort()).toEqual([...group.sealers].sort());
  expect([...observers].sort()).toEqual([...group.observers].sort());
}

describe("membership planner properties", () => {
  it("every accepted plan keeps quorum of live sealers after every step, keeps a sealer, promotes only synced nodes and uses live members only", () => {
    let accepted = 0;
    let refused = 0;
    let [promoted, removedSealer, withDeadSealer] = [0, 0, 0];
    fc.assert(
      fc.property(scenario, (sc) => {
        const built = build(sc);
        const plan = planMembership(built.input);
        if (!plan.ok) {
          refused++;
          for (const r of plan.refusals) expect(r).toMatch(/^group 1\b/);
          return;
        }
        accepted++;
        replay(built, plan.steps);
        const kinds = new Set(plan.steps.map((st) => st.kind));
        if (kinds.has("addSealer")) promoted++;
        if (plan.steps.some((st) => st.kind === "removeNode" && built.sealers.includes(st.node))) removedSealer++;
        const notLive = (f: NodeFacts) =>
          f.status !== "up" || f.peers.length === 0 || typeof f.groups[1] !== "number" || HEIGHT - (f.groups[1] as number) > DEFAULT_SYNC_THRESHOLD;
        if (built.sealers.some((n) => notLive(built.input.nodes[n]))) withDeadSealer++;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // Enough of every kind to matter: plans accepted and refused, promotions, sealer removals, and
    // accepted plans on groups where some sealer is down, behind, stopped or cut off.
    expect({ accepted, refused, promoted, removedSealer, withDeadSealer }).toEqual({
      accepted: expect.toSatisfy((n: number) => n >= 500),
      refused: expect.toSatisfy((n: number) => n >= 500),
      promoted: expect.toSatisfy((n: number) => n >= 100),
      removedSealer: expect.toSatisfy((n: number) => n >= 100),
      withDeadSealer: expect.toSatisfy((n: number) => n >= 100),
    });
  });
});
