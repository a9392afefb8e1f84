/**
 * The membership planner on the seed's chain (agencies A–D, node0–node5): accepted plans with
 * their ordered steps, refused plans with the arithmetic in the message.
 */
import { describe, expect, it } from "vitest";
import { planMembership, type ChainGroupState, type MembershipInput, type MembershipStep, type NodeFacts } from "../../infra/membership/plan";
import { explainQuorum, quorumOf } from "../../infra/membership/quorum";
import type { Group, GroupSpec } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";

const NODES = ["node0", "node1", "node2", "node3", "node4", "node5"];
const TIMESTAMP = 1700000000000;

/** Declared groups, validated the way the program validates them. */
function declare(groups: Record<string, GroupSpec>): Group[] {
  const agencyOf = (i: number) => ["agencyA", "agencyA", "agencyA", "agencyB", "agencyC", "agencyD"][i];
  const agencies: Record<string, { nodes: Record<string, object> }> = {};
  NODES.forEach((name, i) => {
    (agencies[agencyOf(i)] ??= { nodes: {} }).nodes[name] = { host: "local", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i };
  });
  const hosts = { local: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/plan" } };
  return validateTopology({ chain: { smCrypto: true, install: false }, hosts, agencies, groups }, "test").groups;
}

const SEED_START: Record<number, ChainGroupState> = {
  1: { sealers: ["node0", "node1", "node2", "node3"], observers: [], height: 100 },
  2: { sealers: ["node3", "node4"], observers: [], height: 40 },
};
const SEED_DECLARED: Record<string, GroupSpec> = {
  1: { consensus: "pbft", sealers: ["node0", "node1", "node2", "node3"], timestamp: TIMESTAMP },
  2: { consensus: "raft", sealers: ["node3", "node4"], timestamp: TIMESTAMP },
};

/**
 * Every node up, connected to every other, running the groups it is a member of at the group's
 * height; `tweak` adjusts that.
 */
function input(chain: Record<number, ChainGroupState>, declared: Record<string, GroupSpec>, tweak: Record<string, Partial<NodeFacts>> = {}): MembershipInput {
  const nodes: Record<string, NodeFacts> = {};
  for (const name of NODES) {
    const groups: Record<number, number> = {};
    for (const [id, g] of Object.entries(chain)) if ([...g.sealers, ...g.observers].includes(name)) groups[Number(id)] = g.height;
    nodes[name] = { status: "up", peers: NODES.filter((n) => n !== name), groups, ...tweak[name] };
  }
  return { declared: declare(declared), chain, nodes };
}

/** Steps as short lines: "2 addSealer node5 via node3". */
const lines = (steps: MembershipStep[]) => steps.map((s) => `${s.group} ${s.kind} ${s.node}${"via" in s ? ` via ${s.via}` : ""}`);

function accepted(i: MembershipInput): MembershipStep[] {
  const plan = planMembership(i);
  if (!plan.ok) throw new Error(`refused: ${plan.refusals.join("\n")}`);
  return plan.steps;
}

function refused(i: MembershipInput): string {
  const plan = planMembership(i);
  if (plan.ok) throw new Error(`accepted: ${lines(plan.steps).join("; ")}`);
  return plan.refusals.join("\n");
}

describe("quorum arithmetic", () => {
  it("PBFT tolerates f = floor((n-1)/3) and needs n - f; raft needs a majority", () => {
    expect([1, 2, 3, 4, 5, 7].map((n) => quorumOf("pbft", n).quorum)).toEqual([1, 2, 3, 3, 4, 5]);
    expect(quorumOf("rpbft", 4)).toMatchObject({ f: 1, quorum: 3 });
    expect([1, 2, 3, 4, 5].map((n) => quorumOf("raft", n).quorum)).toEqual([1, 2, 2, 3, 3]);
    expect(explainQuorum(quorumOf("pbft", 4))).toBe("n = 4, f = floor((4 - 1) / 3) = 1, quorum n - f = 3");
  });
});

describe("membership planner", () => {
  it("accepts the seed's change with its ordered steps", () => {
    const seed = input(
      SEED_START,
      {
        1: { consensus: "pbft", sealers: ["node0", "node3"], observers: ["node1"], free: ["node2"], timestamp: TIMESTAMP },
        2: { consensus: "raft", sealers: ["node3", "node4", "node5"], timestamp: TIMESTAMP },
        3: { consensus: "pbft", sealers: ["node3", "node5"], timestamp: TIMESTAMP + 1 },
      },
      { node5: { status: "pending", peers: [], groups: {} } },
    );
    const steps = accepted(seed);
    expect(lines(steps)).toEqual([
      "1 addObserver node1 via node0",
      "1 removeNode node2 via node0",
      "2 joinGroup node5",
      "2 addObserver node5 via node3",
      "2 waitSynced node5",
      "2 addSealer node5 via node3",
      "3 generateGroup node3",
      "3 generateGroup node5",
      "3 startGroup node3",
      "3 startGroup node5",
    ]);
    // Each consensus step is confirmed on every live member after it: node2 is no member after its
    // removal, and node5 counts only once waitSynced has seen it catch up.
    expect(steps.map((s) => ("confirmOn" in s ? s.confirmOn.join(",") : ""))).toEqual([
      "node0,node1,node2,node3",
      "node0,node1,node3",
      "",
      "node3,node4",
      "",
      "node3,node4,node5",
      "",
      "",
      "",
      "",
    ]);
    expect(steps[0].reason).toMatch(/making sealer node1 an observer/);
    expect(steps[1].reason).toMatch(/declared free/);
    const generated = steps.filter((s) => s.kind === "generateGroup");
    expect(generated.map((s) => JSON.stringify({ ...s, node: undefined, reason: undefined }))).toEqual(
      Array(2).fill(JSON.stringify({ kind: "generateGroup", group: 3, timestamp: TIMESTAMP + 1, sealers: ["node3", "node5"], enableFreeStorage: false })),
    );
  });

  it("plans nothing when the chain already matches the declaration", () => {
    expect(accepted(input(SEED_START, SEED_DECLARED))).toEqual([]);
  });

  it("refuses removing 2 of 4 PBFT sealers at once while one of the two that stay is down", () => {
    const message = refused(
      input(SEED_START, { ...SEED_DECLARED, 1: { sealers: ["node0", "node3"], free: ["node1", "node2"] } }, { node3: { status: "down" } }),
    );
    expect(message).toBe(
      "group 1 (pbft): removing sealer node1 leaves 2 live sealers of 3 (node3 is down); " +
        "pbft needs n = 3, f = floor((3 - 1) / 3) = 0, quorum n - f = 3; bring node3 back first",
    );
  });

  it("removes 2 of 4 PBFT sealers as two separate steps when all are up, each confirmed before the next", () => {
    const steps = accepted(input(SEED_START, { ...SEED_DECLARED, 1: { sealers: ["node0", "node3"], free: ["node1", "node2"] } }));
    expect(lines(steps)).toEqual(["1 removeNode node1 via node0", "1 removeNode node2 via node0"]);
    expect(steps.map((s) => ("confirmOn" in s ? s.confirmOn : []))).toEqual([
      ["node0", "node2", "node3"],
      ["node0", "node3"],
    ]);
  });

  it("refuses promoting an observer that is not synced, and accepts one exactly at the threshold", () => {
    const chain = { ...SEED_START, 1: { ...SEED_START[1], observers: ["node4"] } };
    const declared = { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node2", "node3", "node4"] } };
    const at = (height: number) => input(chain, declared, { node4: { groups: { 1: height, 2: 40 } } });
    expect(refused(at(89))).toBe(
      "group 1 (pbft): cannot make node4 a sealer: it is not synced, at block 89, 11 behind the group's 100 (at most 10 allowed); let it catch up first",
    );
    expect(lines(accepted(at(90)))).toEqual(["1 waitSynced node4", "1 addSealer node4 via node0"]);
  });

  it("refuses promoting a node that is not connected to the sealers", () => {
    const peers = ["node3"];
    const tweak = { node4: { peers }, node0: { peers: NODES.filter((n) => n !== "node0" && n !== "node4") }, node1: { peers: ["node0", "node2", "node3"] } };
    const message = refused(input(SEED_START, { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node2", "node3", "node4"] } }, tweak));
    expect(message).toMatch(/^group 1 \(pbft\): cannot make node4 a sealer: it is not connected to sealer\(s\) node0, node1; check its P2P ports/);
  });

  it("refuses promoting a node that is down", () => {
    const message = refused(
      input(SEED_START, { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node2", "node3", "node4"] } }, { node4: { status: "down" } }),
    );
    expect(message).toBe("group 1 (pbft): cannot make node4 a sealer: it is down (it does not answer RPC)");
  });

  it("refuses removing the last sealer, and a declaration without sealers", () => {
    const chain = { ...SEED_START, 2: { sealers: ["node3"], observers: ["node4"], height: 40 } };
    const declared = input(chain, { ...SEED_DECLARED, 2: { consensus: "raft", sealers: ["node4"], observers: ["node3"] } }, { node4: { status: "down" } });
    expect(refused(declared)).toBe("group 2 (raft): cannot make node4 a sealer: it is down (it does not answer RPC)");

    const none = input(chain, SEED_DECLARED);
    none.declared = none.declared.map((g) => (g.id === 2 ? { ...g, sealers: [], observers: ["node3"], free: ["node4"] } : g));
    expect(refused(none)).toMatch(/^group 2 \(raft\): the declaration leaves the group with no sealer/);
  });

  it("hands the last sealer's role over: the new sealer is promoted before the old one steps down", () => {
    const chain = { ...SEED_START, 2: { sealers: ["node3"], observers: [], height: 40 } };
    const steps = accepted(input(chain, { ...SEED_DECLARED, 2: { consensus: "raft", sealers: ["node4"], observers: ["node3"] } }, { node4: { groups: {} } }));
    expect(lines(steps)).toEqual([
      "2 joinGroup node4",
      "2 addObserver node4 via node3",
      "2 waitSynced node4",
      "2 addSealer node4 via node3",
      "2 addObserver node3 via node4",
    ]);
  });

  it("replaces a sealer by adding the new one before removing the old (f stays 1 throughout)", () => {
    const steps = accepted(input(SEED_START, { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node3", "node4"] } }, { node4: { groups: { 2: 40 } } }));
    expect(lines(steps)).toEqual([
      "1 joinGroup node4",
      "1 addObserver node4 via node0",
      "1 waitSynced node4",
      "1 addSealer node4 via node0",
      "1 removeNode node2 via node0",
      "1 stopGroup node2",
    ]);
    expect(steps[4].reason).toMatch(/no longer declared in the group/);
  });

  it("removes a sealer that is down before it adds or removes reachable ones (its group is stopped by a later run)", () => {
    const steps = accepted(
      input(
        SEED_START,
        { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node2", "node4"] } },
        { node3: { status: "down" }, node4: { groups: { 1: null, 2: 40 } } },
      ),
    );
    expect(lines(steps)).toEqual(["1 removeNode node3 via node0", "1 addObserver node4 via node0", "1 waitSynced node4", "1 addSealer node4 via node0"]);
    expect(steps[0]).toMatchObject({ confirmOn: ["node0", "node1", "node2"] });
  });

  it("refuses any change while the group cannot commit a transaction", () => {
    const message = refused(
      input(
        SEED_START,
        { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node2", "node3"], observers: ["node4"] } },
        {
          node2: { status: "down" },
          node3: { status: "down" },
        },
      ),
    );
    expect(message).toBe(
      "group 1 (pbft): no membership transaction can commit now: 2 live sealers of 4 (node2, node3 are down); " +
        "pbft needs n = 4, f = floor((4 - 1) / 3) = 1, quorum n - f = 3; bring node2, node3 back first",
    );
  });

  it("refuses removing a raft sealer that leaves no majority, with the raft arithmetic", () => {
    const chain = { ...SEED_START, 2: { sealers: ["node3", "node4", "node5"], observers: [], height: 40 } };
    const message = refused(
      input(chain, { ...SEED_DECLARED, 2: { consensus: "raft", sealers: ["node3", "node5"], free: ["node4"] } }, { node5: { status: "down" } }),
    );
    expect(message).toBe(
      "group 2 (raft): removing sealer node4 leaves 1 live sealer of 2 (node5 is down); raft needs n = 2, raft majority floor(2 / 2) + 1 = 2; bring node5 back first",
    );
  });

  it("removes an observer and stops the group on a node no longer declared, but not on a free one", () => {
    const chain = { ...SEED_START, 1: { ...SEED_START[1], observers: ["node4", "node5"] } };
    const steps = accepted(input(chain, { ...SEED_DECLARED, 1: { sealers: ["node0", "node1", "node2", "node3"], free: ["node5"] } }));
    expect(lines(steps)).toEqual(["1 removeNode node4 via node0", "1 stopGroup node4", "1 removeNode node5 via node0"]);
  });

  it("stops the group on a node that runs it without being declared or a member", () => {
    expect(lines(accepted(input(SEED_START, SEED_DECLARED, { node5: { groups: { 1: null } } })))).toEqual(["1 stopGroup node5"]);
  });

  it("creates a new group with an observer: identical generateGroup everywhere, startGroup, then addObserver", () => {
    const steps = accepted(input(SEED_START, { ...SEED_DECLARED, 3: { sealers: ["node0", "node1"], observers: ["node2"], timestamp: TIMESTAMP } }));
    expect(lines(steps)).toEqual([
      "3 generateGroup node0",
      "3 generateGroup node1",
      "3 generateGroup node2",
      "3 startGroup node0",
      "3 startGroup node1",
      "3 startGroup node2",
      "3 addObserver node2 via node0",
    ]);
    expect(steps[6]).toMatchObject({ confirmOn: ["node0", "node1", "node2"] });
  });

  it("refuses a new group generateGroup cannot make: raft, no timestamp, unconnected or down members", () => {
    const raft = input(
      SEED_START,
      { ...SEED_DECLARED, 3: { consensus: "raft", sealers: ["node0", "node1"] } },
      { node1: { peers: ["node2"] }, node0: { peers: ["node2"] }, node2: { status: "down" } },
    );
    raft.timestamps = {};
    expect(refused(raft).split("\n")).toEqual([
      "group 3 (raft): is new, and generateGroup always writes consensus = pbft, but the declaration asks for raft; declare pbft or create the group from a rendered genesis",
      "group 3 (raft): is new but has no genesis timestamp; pin `timestamp` or let the group's genesis resource choose one",
      "group 3 (raft): generateGroup on node0 needs it connected to sealer(s) node1",
      "group 3 (raft): generateGroup on node1 needs it connected to sealer(s) node0",
    ]);
    const down = input(SEED_START, { ...SEED_DECLARED, 3: { sealers: ["node0", "node4"], timestamp: TIMESTAMP } }, { node4: { status: "down" } });
    expect(refused(down)).toBe("group 3 (pbft): is new and generateGroup must run on every member, but node4 is down");
  });

  it("takes a new group's timestamp from the input when the declaration leaves it open, and resumes after a partial run", () => {
    const i = input(SEED_START, { ...SEED_DECLARED, 3: { sealers: ["node0", "node1"] } }, { node0: { groups: { 1: 100, 3: 0 } } });
    i.timestamps = { 3: TIMESTAMP + 5 };
    const steps = accepted(i);
    expect(lines(steps)).toEqual(["3 generateGroup node1", "3 startGroup node1"]);
    expect(steps[0]).toMatchObject({ timestamp: TIMESTAMP + 5, sealers: ["node0", "node1"] });
  });

  it("refuses a new group whose declared sealers differ from the ones an earlier run froze into its genesis, naming both and the fix", () => {
    const i = input(SEED_START, { ...SEED_DECLARED, 3: { sealers: ["node0", "node1", "node2"], timestamp: TIMESTAMP } });
    i.genesisSealers = { 3: ["node1", "node0"] };
    expect(refused(i)).toBe(
      "group 3 (pbft): is new, but an earlier run froze its genesis with sealers node0, node1 and the declaration now has node0, node1, node2; " +
        "nodes that join later get the frozen genesis, so generateGroup must use the same sealers. " +
        "Declare sealers node0, node1 until the group runs (change them in a later run), " +
        "or drop the frozen genesis (`pulumi state delete` the resource group-3-genesis) so the next run freezes the declared sealers",
    );
    // The same set in another order is the same genesis (nodes sort the list).
    i.declared = declare({ ...SEED_DECLARED, 3: { sealers: ["node1", "node0"], timestamp: TIMESTAMP } });
    expect(
      accepted(i)
        .filter((s) => s.kind === "generateGroup")
        .map((s) => s.node),
    ).toEqual(["node1", "node0"]);
    // An existing group's frozen genesis does not bind its later membership.
    i.declared = declare({ ...SEED_DECLARED, 1: { ...SEED_DECLARED[1], sealers: ["node0", "node1", "node2"], free: ["node3"] } });
    i.genesisSealers = { 1: ["node0", "node1", "node2", "node3", "node4"] };
    expect(lines(accepted(i))).toEqual(["1 removeNode node3 via node0"]);
  });

  it("refuses a group that runs on the chain but is no longer declared", () => {
    const i = input(SEED_START, { 1: SEED_DECLARED[1] });
    expect(refused(i)).toMatch(/^group 2 runs on the chain but is not declared/);
  });

  it("treats a member it has no facts about as down", () => {
    const i = input(SEED_START, SEED_DECLARED);
    delete (i.nodes as Record<string, NodeFacts>).node4;
    i.declared = i.declared.map((g) => (g.id === 2 ? { ...g, sealers: ["node3"], free: ["node4"] } : g));
    expect(refused(i)).toBe(
      "group 2 (raft): no membership transaction can commit now: 1 live sealer of 2 (node4 is down); raft needs n = 2, raft majority floor(2 / 2) + 1 = 2; bring node4 back first",
    );
  });
});

/**
 * One group on a chain of `sealers` + `observers` + `others`, every node up, P2P-connected to
 * every other and running the group at `height` unless `tweak` or `isolated` says otherwise.
 */
function oneGroup(o: {
  consensus?: "pbft" | "raft" | "rpbft";
  sealers: string[];
  observers?: string[];
  others?: string[];
  height?: number;
  declared: { sealers: string[]; observers?: string[]; free?: string[] };
  isolated?: string[];
  tweak?: Record<string, Partial<NodeFacts>>;
}): MembershipInput {
  const height = o.height ?? 100;
  const members = [...o.sealers, ...(o.observers ?? [])];
  const names = [...members, ...(o.others ?? [])];
  const isolated = new Set(o.isolated ?? []);
  const nodes: Record<string, NodeFacts> = {};
  for (const name of names) {
    const peers = isolated.has(name) ? [] : names.filter((n) => n !== name && !isolated.has(n));
    nodes[name] = { status: "up", peers, groups: members.includes(name) ? { 1: height } : {}, ...o.tweak?.[name] };
  }
  const genesis = {
    consensus: o.consensus ?? "pbft",
    maxTransNum: 1000,
    gasLimit: 300000000,
    consensusTimeout: 3,
    epochBlockNum: 1000,
    enableFreeStorage: false,
  } as const;
  const { declared } = o;
  return {
    declared: [{ id: 1, sealers: declared.sealers, observers: declared.observers ?? [], free: declared.free ?? [], timestamp: TIMESTAMP, genesis }],
    chain: { 1: { sealers: o.sealers, observers: o.observers ?? [], height } },
    nodes,
  };
}

describe("membership planner: a sealer counts as live only when it runs the group, is synced and is connected", () => {
  const N4 = ["n0", "n1", "n2", "n3"];

  it("refuses removing s0 and s1 of 7 PBFT sealers when s5 and s6 answer RPC but have no peers", () => {
    const sealers = ["s0", "s1", "s2", "s3", "s4", "s5", "s6"];
    const message = refused(oneGroup({ sealers, declared: { sealers: sealers.slice(2), free: ["s0", "s1"] }, isolated: ["s5", "s6"] }));
    expect(message).toBe(
      "group 1 (pbft): removing sealer s0 leaves 4 live sealers of 6 (s5, s6 have no P2P connection to the other sealers); " +
        "pbft needs n = 6, f = floor((6 - 1) / 3) = 1, quorum n - f = 5; bring s5, s6 back first",
    );
  });

  it("refuses removing n0 of 4 PBFT sealers when n3 has no peers", () => {
    expect(refused(oneGroup({ sealers: N4, declared: { sealers: ["n1", "n2", "n3"] }, isolated: ["n3"] }))).toBe(
      "group 1 (pbft): removing sealer n0 leaves 2 live sealers of 3 (n3 has no P2P connection to the other sealers); " +
        "pbft needs n = 3, f = floor((3 - 1) / 3) = 0, quorum n - f = 3; bring n3 back first",
    );
  });

  it("refuses removing n0 when n3 is at block 1000 and the group at 6000", () => {
    const input = oneGroup({ sealers: N4, height: 6000, declared: { sealers: ["n1", "n2", "n3"] }, tweak: { n3: { groups: { 1: 1000 } } } });
    expect(refused(input)).toBe(
      "group 1 (pbft): removing sealer n0 leaves 2 live sealers of 3 (n3 is at block 1000, 5000 behind the group's 6000, more than 10); " +
        "pbft needs n = 3, f = floor((3 - 1) / 3) = 0, quorum n - f = 3; bring n3 back first",
    );
  });

  it("refuses removing n0 when n3 does not run the group", () => {
    expect(refused(oneGroup({ sealers: N4, declared: { sealers: ["n1", "n2", "n3"] }, tweak: { n3: { groups: {} } } }))).toBe(
      "group 1 (pbft): removing sealer n0 leaves 2 live sealers of 3 (n3 does not run group 1); " +
        "pbft needs n = 3, f = floor((3 - 1) / 3) = 0, quorum n - f = 3; bring n3 back first",
    );
  });

  it("refuses removing n0 when n3 runs the group but is no member in its own view", () => {
    expect(refused(oneGroup({ sealers: N4, declared: { sealers: ["n1", "n2", "n3"] }, tweak: { n3: { groups: { 1: null } } } }))).toMatch(
      /^group 1 \(pbft\): removing sealer n0 leaves 2 live sealers of 3 \(n3 runs group 1 but does not see itself as a member\); /,
    );
  });

  it("counts the largest set of sealers connected to each other: two halves of 4 that see only each other leave 2 of 4", () => {
    const tweak = { n0: { peers: ["n1"] }, n1: { peers: ["n0"] }, n2: { peers: ["n3"] }, n3: { peers: ["n2"] } };
    expect(refused(oneGroup({ sealers: N4, declared: { sealers: N4, observers: ["o0"] }, others: ["o0"], tweak }))).toBe(
      "group 1 (pbft): no membership transaction can commit now: 2 live sealers of 4 (n2 is not connected to sealer(s) n0, n1; n3 is not connected to sealer(s) n0, n1); " +
        "pbft needs n = 4, f = floor((4 - 1) / 3) = 1, quorum n - f = 3; bring n2, n3 back first",
    );
  });

  it("accepts removing n0 when n3 lags by exactly the threshold and is connected", () => {
    const steps = accepted(oneGroup({ sealers: N4, height: 6000, declared: { sealers: ["n1", "n2", "n3"] }, tweak: { n3: { groups: { 1: 5990 } } } }));
    expect(lines(steps)).toEqual(["1 removeNode n0 via n1", "1 stopGroup n0"]);
  });
});

describe("membership planner: transactions go through, and confirmations wait on, live members only", () => {
  const N4 = ["n0", "n1", "n2", "n3"];
  const addObserver = (tweak: Record<string, Partial<NodeFacts>>, isolated: string[] = []) =>
    accepted(
      oneGroup({ sealers: N4, others: ["o4"], declared: { sealers: N4, observers: ["o4"] }, tweak: { o4: { groups: { 1: null } }, ...tweak }, isolated }),
    );

  it("does not send through, nor wait on, a sealer that is down", () => {
    const [step] = addObserver({ n0: { status: "down", peers: [], groups: {} } });
    expect(step).toMatchObject({ kind: "addObserver", node: "o4", via: "n1", confirmOn: ["n1", "n2", "n3"] });
  });

  it("does not send through, nor wait on, a sealer more than the threshold behind (a real node refuses transactions 20 blocks behind)", () => {
    const [step] = addObserver({ n0: { groups: { 1: 50 } } });
    expect(step).toMatchObject({ kind: "addObserver", node: "o4", via: "n1", confirmOn: ["n1", "n2", "n3"] });
  });

  it("does not send through, nor wait on, a sealer without P2P connections", () => {
    const [step] = addObserver({}, ["n0"]);
    expect(step).toMatchObject({ kind: "addObserver", node: "o4", via: "n1", confirmOn: ["n1", "n2", "n3"] });
  });

  it("does not wait on the node being added before it has synced", () => {
    const [step] = addObserver({});
    expect(step).toMatchObject({ kind: "addObserver", node: "o4", via: "n0", confirmOn: ["n0", "n1", "n2", "n3"] });
  });

  it("does not wait on observers that are down, behind or no member in their own view, nor on the node removed", () => {
    const input = oneGroup({
      sealers: [...N4, "n4"],
      observers: ["o5", "o6", "o7", "o8"],
      declared: { sealers: N4, observers: ["o5", "o6", "o7", "o8"] },
      tweak: { o5: { status: "down", peers: [], groups: {} }, o6: { groups: { 1: 20 } }, o7: { groups: { 1: null } } },
    });
    const steps = accepted(input);
    expect(lines(steps)).toEqual(["1 removeNode n4 via n0", "1 stopGroup n4"]);
    expect(steps[0]).toMatchObject({ confirmOn: ["n0", "n1", "n2", "n3", "o8"] });
  });

  it("sends an observer's removal through a live sealer and does not wait for the removed observer to see it", () => {
    const steps = accepted(oneGroup({ sealers: N4, observers: ["o4"], declared: { sealers: N4 }, tweak: { n0: { status: "down", peers: [], groups: {} } } }));
    expect(steps[0]).toMatchObject({ kind: "removeNode", node: "o4", via: "n1", confirmOn: ["n1", "n2", "n3"] });
  });

  it("refuses any change while the only sealer is more than the threshold behind an observer", () => {
    const input = oneGroup({ consensus: "raft", sealers: ["n0"], observers: ["o1"], declared: { sealers: ["n0"] }, tweak: { n0: { groups: { 1: 50 } } } });
    expect(refused(input)).toMatch(
      /^group 1 \(raft\): no membership transaction can commit now: 0 live sealers of 1 \(n0 is at block 50, 50 behind the group's 100, more than 10\)/,
    );
  });
});

describe("membership planner: a member that joins the group again is synced before it counts", () => {
  const N4 = ["n0", "n1", "n2", "n3"];

  it("starts the group on a sealer that does not run it and waits for it to sync before the next step", () => {
    const steps = accepted(oneGroup({ sealers: N4, others: ["o4"], declared: { sealers: N4, observers: ["o4"] }, tweak: { n0: { groups: {} } } }));
    expect(lines(steps)).toEqual(["1 joinGroup n0", "1 waitSynced n0", "1 joinGroup o4", "1 addObserver o4 via n1"]);
    expect(steps[1]).toMatchObject({ sealers: ["n1", "n2", "n3"] });
    // Synced, n0 reports the change like every other member.
    expect(steps[3]).toMatchObject({ confirmOn: ["n0", "n1", "n2", "n3"] });
  });
});
