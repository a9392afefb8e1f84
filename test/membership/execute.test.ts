/**
 * Observe, plan and execute on an in-memory chain (test/membership/fake-chain.ts) that holds
 * nodes exactly where a case needs them: a removed observer stuck at the block before its removal,
 * a member far behind the group, a sealer catching up after its group was started again.
 */
import { describe, expect, it } from "vitest";
import { generateEcKeyPair } from "../../infra/crypto/keys";
import { ChainAccess } from "../../infra/membership/chain-access";
import { describeStep, executePlan, type ExecuteOptions } from "../../infra/membership/execute";
import { observeChain } from "../../infra/membership/observe";
import { foundRoles } from "../../infra/membership/observe";
import { planMembership, type MembershipStep } from "../../infra/membership/plan";
import type { Group } from "../../infra/topology/types";
import { FakeChain, idOf } from "./fake-chain";

const GOVERNANCE = generateEcKeyPair("sm2").privateKeyPem;
const GENESIS = { consensus: "pbft", maxTransNum: 1000, gasLimit: 300000000, consensusTimeout: 3, epochBlockNum: 1000, enableFreeStorage: false } as const;
const SEALERS = ["n0", "n1", "n2", "n3"];

function access(chain: FakeChain): ChainAccess {
  const names = [...chain.nodes.keys()];
  return new ChainAccess(Object.fromEntries(names.map((n) => [n, chain.client(n)])), Object.fromEntries(names.map((n) => [n, idOf(n)])));
}

function options(chain: FakeChain, extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    access: access(chain),
    governanceKeyPem: GOVERNANCE,
    joinGroup: async () => undefined,
    timeoutMs: 2_000,
    pollMs: 5,
    consensus: { pollMs: 5, timeoutMs: 2_000 },
    ...extra,
  };
}

const group1 = (declared: { sealers: string[]; observers?: string[]; free?: string[] }): Group => ({
  id: 1,
  sealers: declared.sealers,
  observers: declared.observers ?? [],
  free: declared.free ?? [],
  timestamp: 1700000000000,
  genesis: GENESIS,
});

async function plan(chain: FakeChain, declared: Group): Promise<MembershipStep[]> {
  const observed = await observeChain(access(chain), [1]);
  const planned = planMembership({ declared: [declared], ...observed });
  if (!planned.ok) throw new Error(planned.refusals.join("\n"));
  return planned.steps;
}

describe("membership on a fake chain", () => {
  it("removes an observer without waiting for it to see its removal, and reads the lists from a current member afterwards", async () => {
    const chain = new FakeChain([...SEALERS, "o4"]).group(1, 100, { sealers: SEALERS, observers: ["o4"] });
    const steps = await plan(chain, group1({ sealers: SEALERS, free: ["o4"] }));
    expect(steps.map(describeStep)).toEqual(["group 1: removeNode o4 via n0"]);
    await executePlan(steps, options(chain));

    // o4 stays at block 100 (sync serves members only) and still lists itself there.
    expect(chain.running("o4", 1).height).toBe(100);
    expect(await chain.client("o4").getObserverList(1)).toEqual([idOf("o4")]);
    const observed = await observeChain(access(chain), [1]);
    expect(observed.chain[1]).toEqual({ sealers: SEALERS, observers: [], height: 101 });
    // It runs the group without a role: free, as declared, so nothing is left to do.
    expect(foundRoles(observed, 1)).toEqual({ n0: "sealer", n1: "sealer", n2: "sealer", n3: "sealer", o4: "free" });
    expect(await plan(chain, group1({ sealers: SEALERS, free: ["o4"] }))).toEqual([]);
    expect((await plan(chain, group1({ sealers: SEALERS }))).map(describeStep)).toEqual(["group 1: stopGroup o4"]);
  });

  it("does not send through a member that fell more than the threshold behind after the plan was made", async () => {
    const chain = new FakeChain([...SEALERS, "o4"]).group(1, 100, { sealers: SEALERS, observers: [] }, ["o4"]);
    const step: MembershipStep = { kind: "addObserver", group: 1, node: "o4", via: "n0", confirmOn: SEALERS, reason: "test" };
    Object.assign(chain.running("n0", 1), { height: 70, rate: 0 });
    await expect(executePlan([step], options(chain, { timeoutMs: 200 }))).rejects.toThrow(
      /n0 within 10 blocks of group 1's height, to send addObserver o4 through did not happen within 200 ms; last seen: n0 at block 70, the group at 100/,
    );
    expect(chain.events.filter((e) => e.startsWith("send"))).toEqual([]);

    chain.running("n0", 1).rate = 5;
    await executePlan([step], options(chain));
    const [sent] = chain.events.filter((e) => e.startsWith("send"));
    expect(Number(sent.split(" at ")[1])).toBeGreaterThanOrEqual(90);
  });

  it("starts the group again on a sealer that stopped it and waits until it has caught up before the next step", async () => {
    const chain = new FakeChain([...SEALERS, "o4"]).group(1, 100, { sealers: SEALERS, observers: [] }, ["o4"]);
    Object.assign(chain.running("n0", 1), { running: false, height: 0, rate: 25 });
    Object.assign(chain.running("o4", 1), { height: 0 });
    const steps = await plan(chain, group1({ sealers: SEALERS, observers: ["o4"] }));
    expect(steps.map(describeStep)).toEqual(["group 1: joinGroup n0", "group 1: waitSynced n0", "group 1: addObserver o4 via n1"]);
    await executePlan(steps, options(chain));

    const events = chain.events.filter((e) => !e.startsWith("o4"));
    expect(events.slice(0, 5)).toEqual(["n0 starts group 1 at 0", "n0 at 25 in group 1", "n0 at 50 in group 1", "n0 at 75 in group 1", "n0 at 100 in group 1"]);
    expect(events[5]).toBe("send addObserver o4 via n1 at 100");
    expect(await chain.client("n0").getObserverList(1)).toEqual([idOf("o4")]);
  });

  it("waitSynced fails, naming the sealers, while the node is not connected to them", async () => {
    const chain = new FakeChain([...SEALERS]).group(1, 100, { sealers: SEALERS, observers: [] });
    chain.isolate("n0");
    const step: MembershipStep = { kind: "waitSynced", group: 1, node: "n0", sealers: ["n1", "n2", "n3"], reason: "test" };
    await expect(executePlan([step], options(chain, { timeoutMs: 100 }))).rejects.toThrow(/last seen: n0 is not connected to sealer\(s\) n1, n2, n3/);
  });
});
