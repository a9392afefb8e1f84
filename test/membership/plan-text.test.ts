/**
 * The plan as a preview shows it: plans made by the real planner on the seed's chain (agencies
 * A–D, node0–node5), rendered to lines: the steps in order with the quorum arithmetic that makes
 * each safe, and a refused plan with its arithmetic.
 */
import { describe, expect, it } from "vitest";
import { groupPlanText, quorumText } from "../../infra/membership/plan-text";
import { planMembership, type ChainGroupState, type MembershipPlan, type NodeFacts } from "../../infra/membership/plan";
import type { GroupSpec } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";

const NODES = ["node0", "node1", "node2", "node3", "node4", "node5"];
const TIMESTAMP = 1700000000000;

/** Plans `declared` against `chain` with every node up, connected to every other and at the group's height where it runs it. */
function planned(chain: Record<number, ChainGroupState>, declared: Record<string, GroupSpec>, tweak: Record<string, Partial<NodeFacts>> = {}): MembershipPlan {
  const agencies: Record<string, { nodes: Record<string, object> }> = {};
  NODES.forEach((name, i) => {
    (agencies[["agencyA", "agencyA", "agencyA", "agencyB", "agencyC", "agencyD"][i]] ??= { nodes: {} }).nodes[name] = {
      host: "local",
      p2pPort: 30300 + i,
      channelPort: 20200 + i,
      rpcPort: 8545 + i,
    };
  });
  const hosts = { local: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/plan" } };
  const groups = validateTopology({ chain: { smCrypto: true, install: false }, hosts, agencies, groups: declared }, "test").groups;
  const nodes: Record<string, NodeFacts> = {};
  for (const name of NODES) {
    const running: Record<number, number> = {};
    for (const [id, g] of Object.entries(chain)) if ([...g.sealers, ...g.observers].includes(name)) running[Number(id)] = g.height;
    nodes[name] = { status: "up", peers: NODES.filter((n) => n !== name), groups: running, ...tweak[name] };
  }
  return planMembership({ declared: groups, chain, nodes });
}

const GROUP1: ChainGroupState = { sealers: ["node0", "node1", "node2", "node3"], observers: [], height: 100 };
const GROUP2: ChainGroupState = { sealers: ["node3", "node4"], observers: [], height: 40 };

describe("the membership plan as preview lines", () => {
  it("node5 joins group 2 as a sealer: observer first, wait until synced, then addSealer with the quorum after each step", () => {
    // node5 was installed with group 2's files: it runs the group, but is no member yet.
    const plan = planned(
      { 2: GROUP2 },
      { 2: { consensus: "pbft", sealers: ["node3", "node4", "node5"], timestamp: TIMESTAMP } },
      { node5: { groups: { 2: null } } },
    );
    const view = { group: 2, consensus: "pbft" as const, start: GROUP2, source: "chain" as const, plan };
    expect(groupPlanText(view)).toEqual([
      "group 2 (pbft): sealers node3, node4; observers none, as the chain reports now",
      "group 2 step 1: addObserver node5 (via node3): sealers stay 2, pbft quorum 2 of 2 live",
      "group 2 step 2: wait until node5 is a member within 10 blocks of the group, connected to node3, node4",
      "group 2 step 3: addSealer node5 (via node3): sealers 2 → 3, pbft quorum 3 of 3 live",
    ]);
    expect(groupPlanText(view)).toEqual(groupPlanText(view));
  });

  it("the seed's group 1 change: node1 demoted and node2 freed, each removal with the sealers and quorum it leaves", () => {
    const plan = planned({ 1: GROUP1 }, { 1: { consensus: "pbft", sealers: ["node0", "node3"], observers: ["node1"], free: ["node2"], timestamp: TIMESTAMP } });
    expect(groupPlanText({ group: 1, consensus: "pbft", start: GROUP1, source: "chain", plan })).toEqual([
      "group 1 (pbft): sealers node0, node1, node2, node3; observers none, as the chain reports now",
      "group 1 step 1: addObserver node1 (via node0): sealers 4 → 3, pbft quorum 3 of 3 live",
      "group 1 step 2: removeNode node2 (via node0): sealers 3 → 2, pbft quorum 2 of 2 live",
    ]);
  });

  it("a refused plan shows the refusal with its arithmetic: node3 down, node2 declared an observer", () => {
    const plan = planned(
      { 1: GROUP1 },
      { 1: { consensus: "pbft", sealers: ["node0", "node1", "node3"], observers: ["node2"], timestamp: TIMESTAMP } },
      { node3: { status: "down", peers: [], groups: {} } },
    );
    expect(groupPlanText({ group: 1, consensus: "pbft", start: GROUP1, source: "chain", plan })).toEqual([
      "group 1 (pbft): sealers node0, node1, node2, node3; observers none, as the chain reports now",
      "refused: group 1 (pbft): making sealer node2 an observer leaves 2 live sealers of 3 (node3 is down); " +
        "pbft needs n = 3, f = floor((3 - 1) / 3) = 0, quorum n - f = 3; bring node3 back first",
    ]);
  });

  it("raft's majority in the arithmetic", () => {
    expect(quorumText({ consensus: "raft", sealersBefore: 2, sealersAfter: 3, live: 3, needed: 2 })).toBe("sealers 2 → 3, raft quorum 2 of 3 live");
  });

  it("a plan with nothing to do has no lines", () => {
    const plan = planned({ 2: GROUP2 }, { 2: { consensus: "raft", sealers: ["node3", "node4"], timestamp: TIMESTAMP } });
    expect(groupPlanText({ group: 2, consensus: "raft", start: GROUP2, source: "chain", plan })).toEqual([]);
  });

  it("a plan the chain could not confirm says where it starts and that up plans again", () => {
    const plan = planned({ 2: GROUP2 }, { 2: { consensus: "pbft", sealers: ["node3"], observers: ["node4"], timestamp: TIMESTAMP } });
    const lines = groupPlanText({ group: 2, consensus: "pbft", start: GROUP2, source: "applied", plan });
    expect(lines.slice(0, 2)).toEqual([
      "group 2 (pbft): sealers node3, node4; observers none, as last applied",
      "group 2: the chain cannot be observed in this preview; this assumes every node live, and up confirms the plan against the chain",
    ]);
    expect(lines[2]).toBe("group 2 step 1: addObserver node4 (via node3): sealers 2 → 1, pbft quorum 1 of 1 live");
  });

  it("a new group: generateGroup on every member, then startGroup", () => {
    const plan = planned(
      { 1: GROUP1 },
      {
        1: { consensus: "pbft", sealers: [...GROUP1.sealers], timestamp: TIMESTAMP },
        3: { consensus: "pbft", sealers: ["node3", "node5"], timestamp: TIMESTAMP },
      },
    );
    expect(groupPlanText({ group: 3, consensus: "pbft", source: "chain", plan })).toEqual([
      "group 3 (pbft): not on the chain yet",
      "group 3 step 1: generateGroup on node3: the same genesis on every member, sealers node3, node5",
      "group 3 step 2: generateGroup on node5: the same genesis on every member, sealers node3, node5",
      "group 3 step 3: startGroup on node3",
      "group 3 step 4: startGroup on node5",
    ]);
  });
});
