/**
 * The seed's membership change on stand-ins started locally (no SSH): observe → plan → execute
 * takes the starting chain (group 1 sealers node0–node3, group 2 sealers node3, node4, node5
 * running but in no group) to group 1 sealers node0, node3, observer node1, free node2; group 2
 * sealers node3, node4, node5; group 3 (new, pbft) sealers node3, node5. A run interrupted by a
 * failing step resumes from the chain's state; a second plan is empty; the membership provider's
 * read shows a hand-made addObserver as drift and its update removes it again, and stops the
 * group on a node dropped from the declaration; with a sealer stopped, check (preview) refuses a
 * change that would leave too few live sealers.
 * Ports: 31780+, 21780+, 9980+ (disjoint from the other stand-in test files).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateEcKeyPair } from "../../infra/crypto/keys";
import { ChainAccess } from "../../infra/membership/chain-access";
import { describeStep, executePlan, MembershipStepError, type ExecuteOptions } from "../../infra/membership/execute";
import { observeChain } from "../../infra/membership/observe";
import { roleChanges } from "../../infra/membership/plan-text";
import type { DeclaredRole } from "../../infra/membership/types";
import { createMembershipProvider, type MembershipInputs, type MembershipOutputs } from "../../infra/providers/membership-provider";
import { RpcClient, RpcError } from "../../infra/rpc/client";
import { addObserver } from "../../infra/rpc/consensus";
import { planMembership, type MembershipStep } from "../../infra/membership/plan";
import type { Group } from "../../infra/topology/types";
import { waitFor } from "../standin/harness";
import { SixNodeChain, sixNodeTopology } from "./six-node-chain";

const BASES = { p2p: 31780, channel: 21780, rpc: 9980 };
const NODES = ["node0", "node1", "node2", "node3", "node4", "node5"];
const TIMESTAMP = 1700000000000;

/** The seed's target topology, validated as the program validates it. */
const SEED_GROUPS: Group[] = sixNodeTopology(BASES, {
  1: { consensus: "pbft", sealers: ["node0", "node3"], observers: ["node1"], free: ["node2"], timestamp: TIMESTAMP },
  2: { consensus: "raft", sealers: ["node3", "node4", "node5"], timestamp: TIMESTAMP },
  3: { consensus: "pbft", sealers: ["node3", "node5"], timestamp: TIMESTAMP + 1 },
}).groups;

const lines = (steps: readonly MembershipStep[]) => steps.map(describeStep);

describe("the seed's membership change on stand-ins", () => {
  let chain: SixNodeChain;
  let failed = false;
  const governance = generateEcKeyPair("sm2").privateKeyPem;
  const client = (name: string) => new RpcClient({ host: "127.0.0.1", port: chain.chain.rpcPorts[name] });
  let access: ChainAccess;
  const progress: string[] = [];
  const options = (joinGroup: ExecuteOptions["joinGroup"]): ExecuteOptions => ({
    access,
    governanceKeyPem: governance,
    joinGroup,
    onProgress: (m) => progress.push(m),
    timeoutMs: 30_000,
    pollMs: 200,
    consensus: { pollMs: 200, timeoutMs: 30_000 },
  });
  const joinFromNode3 = async (node: string, group: number) => chain.copyGroupFiles("node3", node, group);

  async function plan(): Promise<MembershipStep[]> {
    const observed = await observeChain(access, [1, 2, 3]);
    const planned = planMembership({ declared: SEED_GROUPS, ...observed });
    if (!planned.ok) throw new Error(planned.refusals.join("\n"));
    return planned.steps;
  }

  /** The group's lists as `name` reports them, in node names. */
  async function listsOn(name: string, group: number): Promise<{ sealers: string[]; observers: string[] }> {
    const c = client(name);
    const names = (ids: string[]) => ids.map((id) => access.nameOf(id)).sort();
    return { sealers: names(await c.getSealerList(group)), observers: names(await c.getObserverList(group)) };
  }

  beforeEach(({ onTestFailed }) => onTestFailed(() => void (failed = true)));

  beforeAll(async () => {
    chain = await SixNodeChain.render(BASES, "membership");
    chain.start(NODES);
    access = new ChainAccess(Object.fromEntries(NODES.map((n) => [n, client(n)])), chain.chain.ids);
    await waitFor("node5 to connect to all others", async () => ((await client("node5").getNodeIDList(1)).length === NODES.length ? true : undefined));
  });

  afterAll(async () => {
    await chain?.cleanup(failed);
  });

  it("stand-in: observes the starting chain: lists, heights, peers and node5 in no group", async () => {
    const observed = await observeChain(access, [1, 2, 3]);
    expect(Object.keys(observed.chain)).toEqual(["1", "2"]);
    expect(observed.chain[1]).toMatchObject({ sealers: ["node0", "node1", "node2", "node3"], observers: [] });
    expect(observed.chain[2]).toMatchObject({ sealers: ["node3", "node4"], observers: [] });
    expect(observed.nodes.node5).toEqual({ status: "up", peers: expect.arrayContaining(["node0", "node1", "node2", "node3", "node4"]), groups: {} });
    expect(Object.keys(observed.nodes.node3.groups)).toEqual(["1", "2"]);
    expect([...observed.nodes.node0.peers].sort()).toEqual(["node1", "node2", "node3", "node4", "node5"]);
  });

  it("stand-in: a run that fails at node5's join stops there, says where and what the chain is, and the next plan resumes", async () => {
    const steps = await plan();
    expect(lines(steps)).toEqual([
      "group 1: addObserver node1 via node0",
      "group 1: removeNode node2 via node0",
      "group 2: joinGroup node5",
      "group 2: addObserver node5 via node3",
      "group 2: waitSynced node5",
      "group 2: addSealer node5 via node3",
      "group 3: generateGroup node3",
      "group 3: generateGroup node5",
      "group 3: startGroup node3",
      "group 3: startGroup node5",
    ]);
    const copyFails = async () => {
      throw new Error("copying group.2.genesis to node5 failed: No space left on device");
    };
    const error = await executePlan(steps, options(copyFails)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MembershipStepError);
    const message = (error as Error).message;
    expect(message).toMatch(/^step 3 of 10 failed \(group 2: joinGroup node5\): copying group\.2\.genesis to node5 failed: No space left on device\n/);
    // node0 (asked first) is no member of group 2, so the state comes from the first node that is.
    expect(message).toMatch(
      /\nchain state: group 2 at block \d+ as node3 reports it: sealers node3, node4; observers none\n2 earlier step\(s\) took effect; running again observes the chain and plans from there$/,
    );

    expect(lines(await plan())).toEqual(lines(steps.slice(2)));
  });

  it("stand-in: the resumed run applies the rest, and every member reports the declared lists", async () => {
    progress.length = 0;
    await executePlan(await plan(), options(joinFromNode3));
    expect(progress[0]).toMatch(/^step 1\/8: group 2: joinGroup node5: node5 does not run group 2/);
    expect(progress).toContainEqual(expect.stringMatching(/^group 2: addSealer node5 committed in block \d+; waiting for node3, node4, node5 to report it$/));

    for (const group of SEED_GROUPS) {
      for (const member of [...group.sealers, ...group.observers]) {
        expect(await listsOn(member, group.id), `group ${group.id} on ${member}`).toEqual({ sealers: group.sealers, observers: group.observers });
      }
    }
    for (const name of ["node3", "node5"]) expect((await client(name).queryGroupStatus(3)).status).toBe("RUNNING");
    // node2 is free in group 1: it keeps running it without a role, and keeps running.
    const guard = await client("node2")
      .getSealerList(1)
      .catch((e: unknown) => e);
    expect(guard).toBeInstanceOf(RpcError);
    expect(guard).toMatchObject({ code: -40009 });
    expect((await client("node2").queryGroupStatus(1)).status).toBe("RUNNING");
    expect((await client("node2").getClientVersion()).smCrypto).toBe(true);
    expect(await client("node2").getGroupList()).toEqual([]);
  });

  it("stand-in: a second observe and plan finds nothing to do", async () => {
    expect(await plan()).toEqual([]);
  });

  it("stand-in: a step sent through a node that is no member fails with the step and the chain's lists", async () => {
    const step: MembershipStep = { kind: "addObserver", group: 1, node: "node4", via: "node2", confirmOn: ["node0"], reason: "test" };
    const error = await executePlan([step], options(joinFromNode3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MembershipStepError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^step 1 of 1 failed \\(group 1: addObserver node4 via node2\\): getBlockNumber on 127\\.0\\.0\\.1:${chain.chain.rpcPorts.node2}: ` +
          "JSON-RPC error -40009: Don't send request to this node who doesn't belong to the group\n" +
          "chain state: group 1 at block \\d+ as node0 reports it: sealers node0, node3; observers node1\n" +
          "0 earlier step\\(s\\) took effect",
      ),
    );
  });

  describe("the membership provider for group 1", () => {
    const declared: Record<string, DeclaredRole> = { node0: "sealer", node1: "observer", node2: "free", node3: "sealer" };
    const logged: string[] = [];
    const inputs = (): MembershipInputs => ({
      groupId: 1,
      roles: declared,
      genesis: SEED_GROUPS[0].genesis,
      timestamp: TIMESTAMP,
      nodeIds: chain.chain.ids,
      endpoints: Object.fromEntries(NODES.map((n) => [n, { address: "127.0.0.1", rpcPort: chain.chain.rpcPorts[n], connection: { kind: "local" as const } }])),
      sshPrivateKeys: {},
      governanceKeyPem: governance,
    });
    const provider = createMembershipProvider({ joinGroup: joinFromNode3, log: (m) => logged.push(m) });

    it("stand-in: read shows the chain as declared, then a hand-made addObserver as drift; diff and check see it", async () => {
      const before = await provider.read!("group-1", inputs());
      expect(before.props.roles).toEqual(declared);
      expect(await provider.diff!("group-1", before.props, inputs())).toEqual({ changes: false });

      await addObserver(client("node0"), governance, { group: 1, nodeId: chain.chain.ids.node4, nodeName: "node4" });
      await waitFor("node3 to list node4 as an observer", async () => ((await listsOn("node3", 1)).observers.includes("node4") ? true : undefined));

      const drifted = await provider.read!("group-1", inputs());
      expect(drifted.props.roles).toEqual({ ...declared, node4: "observer" });
      expect(drifted.inputs.roles).toEqual(drifted.props.roles);
      expect(roleChanges(drifted.props.roles, declared)).toEqual(["node4: observer → none"]);
      expect(await provider.diff!("group-1", drifted.props, inputs())).toEqual({ changes: true });
      // The preview's plan: node4 leaves through a member that stays.
      expect(await provider.check!(drifted.props, inputs())).toEqual({
        inputs: {
          ...inputs(),
          plan: [
            "group 1 (pbft): sealers node0, node3; observers node1, node4, as the chain reports now",
            "group 1 step 1: removeNode node4 (via node0): sealers stay 2, pbft quorum 2 of 2 live",
          ],
        },
      });
    });

    it("stand-in: update removes the drift and records the roles as found; check refuses a group without sealers", async () => {
      const olds = (await provider.read!("group-1", inputs())).props as MembershipOutputs;
      const { outs } = await provider.update!("group-1", olds, inputs());
      expect(outs.roles).toEqual(declared);
      expect(logged).toContain("group 1: node4: observer → none; 1 step(s)");
      expect(logged).toContainEqual(expect.stringMatching(/^step 1\/1: group 1: removeNode node4 via node0: removing observer node4/));
      for (const member of ["node0", "node1", "node3"]) expect(await listsOn(member, 1)).toEqual({ sealers: ["node0", "node3"], observers: ["node1"] });

      const noSealer = { ...inputs(), roles: { node0: "observer", node1: "observer", node3: "observer" } as Record<string, DeclaredRole> };
      const refused = await provider.check!(outs, noSealer);
      expect(refused.failures?.[0]).toEqual({
        property: "roles",
        reason: "group 1 (pbft): the declaration leaves the group with no sealer; a group needs at least one",
      });
      const unknownNode = { ...inputs(), roles: { ...declared, node9: "sealer" } as Record<string, DeclaredRole> };
      expect((await provider.check!(outs, unknownNode)).failures).toEqual([
        { property: "nodeIds", reason: "node9 has a role in group 1 but no node ID" },
        { property: "endpoints", reason: "node9 has a role in group 1 but no RPC endpoint" },
      ]);
    });

    it("stand-in: check counts a declared node that is down and not yet in the group as about to be installed; update refuses it", async () => {
      const closed = chain.chain.rpcPorts.node5 + 10; // nothing of this chain listens there
      const withNode6 = (): MembershipInputs => ({
        ...inputs(),
        roles: { ...declared, node6: "sealer" },
        nodeIds: { ...chain.chain.ids, node6: "6".repeat(128) },
        endpoints: { ...inputs().endpoints, node6: { address: "127.0.0.1", rpcPort: closed, connection: { kind: "local" } } },
      });
      const olds = (await provider.read!("group-1", inputs())).props as MembershipOutputs;
      const { inputs: checked } = (await provider.check!(olds, withNode6())) as { inputs: MembershipInputs };
      expect(checked).toMatchObject(withNode6());
      expect(checked.plan).toContain("group 1 step 3: addSealer node6 (via node0): sealers 2 → 3, pbft quorum 3 of 3 live");
      await expect(provider.update!("group-1", olds, withNode6())).rejects.toThrow(
        "group 1: the membership change is refused:\n  group 1 (pbft): cannot make node6 a sealer: it is down (it does not answer RPC)",
      );
    });

    it("stand-in: dropping the free node2 from the declaration stops group 1 on it (stopGroup), and it keeps running", async () => {
      const olds = (await provider.read!("group-1", inputs())).props as MembershipOutputs;
      const { node2: _free, ...withoutNode2 } = declared;
      const { outs } = await provider.update!("group-1", olds, { ...inputs(), roles: withoutNode2 });
      expect(logged).toContain("group 1: node2: free → none; 1 step(s)");
      expect(outs.roles).toEqual(withoutNode2);
      expect((await client("node2").queryGroupStatus(1)).status).toBe("STOPPED");
      expect((await client("node2").queryGroupStatus(2)).status).toBe("INEXISTENT");
      expect((await client("node2").getClientVersion()).version).toBe("2.11.1");
    });
  });

  describe("check (preview) of group 2 with node5 declared an observer", () => {
    const provider = createMembershipProvider({ joinGroup: joinFromNode3, log: () => undefined });
    const inputs = (): MembershipInputs => ({
      groupId: 2,
      roles: { node3: "sealer", node4: "sealer", node5: "observer" },
      genesis: SEED_GROUPS[1].genesis,
      timestamp: TIMESTAMP,
      nodeIds: chain.chain.ids,
      endpoints: Object.fromEntries(NODES.map((n) => [n, { address: "127.0.0.1", rpcPort: chain.chain.rpcPorts[n], connection: { kind: "local" as const } }])),
      sshPrivateKeys: {},
      governanceKeyPem: governance,
    });

    it("stand-in: refuses it while node4 answers RPC but has stopped the group", async () => {
      expect(await client("node4").stopGroup(2)).toMatchObject({ code: "0x0" });
      expect((await provider.check!({}, inputs())).failures).toEqual([
        {
          property: "roles",
          reason:
            "group 2 (raft): making sealer node5 an observer leaves 1 live sealer of 2 (node4 does not run group 2); " +
            "raft needs n = 2, raft majority floor(2 / 2) + 1 = 2; bring node4 back first",
        },
      ]);
      expect(await client("node4").startGroup(2)).toMatchObject({ code: "0x0" });
      await waitFor("node4 to run group 2 again", async () => ((await client("node4").queryGroupStatus(2)).status === "RUNNING" ? true : undefined));
    });

    it("stand-in: refuses it while node4 is stopped, naming the group, the stopped node and the arithmetic; the lists stay", async () => {
      await chain.stop("node4");
      expect((await provider.check!({}, inputs())).failures).toEqual([
        {
          property: "roles",
          reason:
            "group 2 (raft): making sealer node5 an observer leaves 1 live sealer of 2 (node4 is down); " +
            "raft needs n = 2, raft majority floor(2 / 2) + 1 = 2; bring node4 back first",
        },
      ]);
      expect(await listsOn("node3", 2)).toEqual({ sealers: ["node3", "node4", "node5"], observers: [] });
    });
  });
});
