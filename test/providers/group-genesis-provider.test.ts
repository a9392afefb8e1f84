/**
 * A group's genesis is frozen at creation: membership edits are no change, an edit of a frozen
 * parameter is refused with an explanation.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import { type GroupGenesisInputs, type GroupGenesisOutputs, groupGenesisProvider } from "../../infra/providers/group-genesis-provider";

const nodeId = (name: string) => createHash("sha512").update(name).digest("hex");
const [A, B, C, D] = ["a", "b", "c", "d"].map(nodeId);

const RPBFT: GroupGenesisInputs & { timestamp: number } = {
  groupId: 3,
  params: { consensus: "rpbft", maxTransNum: 1000, gasLimit: 300000000, consensusTimeout: 3, epochBlockNum: 1000, enableFreeStorage: false },
  sealerIds: [A, B, C],
  timestamp: 1700000000000,
  version: "2.11.1",
};

const create = async (inputs: GroupGenesisInputs) => {
  const { id, outs } = await groupGenesisProvider.create(inputs);
  return { id, outs: outs as GroupGenesisOutputs };
};
const diff = (olds: GroupGenesisOutputs, news: GroupGenesisInputs) => groupGenesisProvider.diff!("group-3", olds, news);

describe("groupGenesisProvider.create", () => {
  it("renders the genesis file and freezes epochSealerNum to the initial sealer count", async () => {
    const { outs } = await create(RPBFT);
    expect(outs.genesis).toBe(renderGroupGenesis(RPBFT));
    expect(outs.genesis).toContain("epoch_sealer_num=3");
    expect(outs.params.epochSealerNum).toBe(3);
    expect(outs.sealerIds).toEqual([A, B, C]);
  });

  it("takes the time of creation when no timestamp is pinned", async () => {
    const start = Date.now();
    const { outs } = await create({ ...RPBFT, timestamp: undefined });
    expect(outs.timestamp).toBeGreaterThanOrEqual(start);
    expect(outs.timestamp).toBeLessThanOrEqual(Date.now());
    expect(outs.genesis).toContain(`timestamp=${outs.timestamp}\n`);
  });
});

describe("groupGenesisProvider.diff", () => {
  it("reports no change for the same inputs (a second up is a no-op)", async () => {
    const { outs } = await create(RPBFT);
    expect(await diff(outs, RPBFT)).toEqual({ changes: false });
  });

  it.each([
    ["a sealer added", [A, B, C, D]],
    ["a sealer removed", [A, B]],
    ["the sealers reordered", [C, A, B]],
  ])("reports no change for %s (a membership change, not a genesis edit)", async (_case, sealerIds) => {
    const { outs } = await create(RPBFT);
    expect(await diff(outs, { ...RPBFT, sealerIds })).toEqual({ changes: false });
  });

  it("does not count an absent epochSealerNum or an unpinned timestamp as a change", async () => {
    const { outs } = await create(RPBFT);
    expect(await diff(outs, { ...RPBFT, sealerIds: [A, B, C, D], timestamp: undefined })).toEqual({ changes: false });
    expect(await diff(outs, { ...RPBFT, params: { ...RPBFT.params, epochSealerNum: 3 } })).toEqual({ changes: false });
  });

  it.each([
    ["consensus", { params: { ...RPBFT.params, consensus: "pbft" as const } }, "groups.3.consensus: rpbft → pbft"],
    ["gasLimit", { params: { ...RPBFT.params, gasLimit: 500000000 } }, "groups.3.gasLimit: 300000000 → 500000000"],
    ["timestamp", { timestamp: 1800000000000 }, "groups.3.timestamp: 1700000000000 → 1800000000000"],
    ["epochSealerNum", { params: { ...RPBFT.params, epochSealerNum: 2 } }, "groups.3.epochSealerNum: 3 → 2"],
  ])("refuses a changed %s, explaining that FISCO cannot change it", async (_field, change, line) => {
    const { outs } = await create(RPBFT);
    const refusal = diff(outs, { ...RPBFT, ...change });
    await expect(refusal).rejects.toThrow(/group 3 already exists and its genesis is frozen; FISCO BCOS keeps block 0 forever/);
    await expect(refusal).rejects.toThrow(line);
    await expect(refusal).rejects.toThrow(/Fix: restore the old values/);
  });

  it("replaces the resource (a different group) when the group id changes", async () => {
    const { outs } = await create(RPBFT);
    expect(await diff(outs, { ...RPBFT, groupId: 4 })).toEqual({ changes: true, replaces: ["groupId"], deleteBeforeReplace: true });
  });
});

describe("groupGenesisProvider.update", () => {
  it("keeps the frozen genesis whatever the new inputs say", async () => {
    const { id, outs } = await create(RPBFT);
    expect(await groupGenesisProvider.update!(id, outs, { ...RPBFT, sealerIds: [D] })).toEqual({ outs });
  });
});
