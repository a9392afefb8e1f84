/**
 * A new group is created with generateGroup, whose genesis is a fixed template: every declared
 * value that enters the genesis mark and that the call cannot pass must be refused in the plan,
 * or the members created now and the nodes that join later with the rendered genesis get
 * different block 0 hashes and never sync.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { genesisMark } from "../../infra/fisco/genesis";
import { parseGenesis } from "../../infra/fisco/parse";
import { GENERATED_GENESIS, planMembership, type MembershipInput } from "../../infra/membership/plan";
import type { GenesisParams, Group } from "../../infra/topology/types";

/** What the generateGroup call passes through besides group id, timestamp and sealers (infra/rpc/client.ts). */
const PASSED_TO_GENERATE_GROUP: readonly (keyof GenesisParams)[] = ["enableFreeStorage"];

const TEMPLATE: GenesisParams = {
  consensus: "pbft",
  maxTransNum: 1000,
  gasLimit: 300000000,
  consensusTimeout: 3,
  epochBlockNum: 1000,
  enableFreeStorage: false,
};
const NODES = ["n0", "n1", "n2"];

function newGroup(genesis: Partial<GenesisParams>): MembershipInput {
  const group: Group = { id: 5, sealers: NODES, observers: [], free: [], timestamp: 1700000000000, genesis: { ...TEMPLATE, ...genesis } };
  const nodes = Object.fromEntries(NODES.map((n) => [n, { status: "up" as const, peers: NODES.filter((p) => p !== n), groups: {} }]));
  return { declared: [group], chain: {}, nodes };
}

const refusals = (i: MembershipInput) => {
  const plan = planMembership(i);
  return plan.ok ? [] : plan.refusals;
};

describe("new groups and generateGroup's fixed genesis", () => {
  it("GENERATED_GENESIS holds the 2.11.1 template's values", () => {
    const generated = parseGenesis(readFileSync(path.join(__dirname, "../fixtures/fisco-2.11/generated.group.2.genesis"), "utf8"));
    for (const [key, value] of Object.entries(GENERATED_GENESIS)) expect([key, generated.params[key as keyof GenesisParams]]).toEqual([key, value]);
  });

  it("pins or passes every genesis value that enters a pbft group's mark", () => {
    const markOf = (params: GenesisParams) => genesisMark({ groupId: 5, params, sealerIds: [], version: "2.9.0" });
    const other: { [K in keyof GenesisParams]-?: GenesisParams[K] } = {
      consensus: "raft",
      maxTransNum: 7,
      gasLimit: 8,
      consensusTimeout: 9,
      epochSealerNum: 10,
      epochBlockNum: 11,
      enableFreeStorage: true,
    };
    const inMark = (Object.keys(other) as (keyof GenesisParams)[]).filter((key) => markOf({ ...TEMPLATE, [key]: other[key] }) !== markOf(TEMPLATE));
    expect(inMark.sort()).toEqual(["consensus", "consensusTimeout", "enableFreeStorage", "gasLimit", "maxTransNum"]);
    for (const key of inMark) expect([key, key in GENERATED_GENESIS || PASSED_TO_GENERATE_GROUP.includes(key)]).toEqual([key, true]);
  });

  it.each([
    ["consensusTimeout", 5, "3"],
    ["maxTransNum", 2000, "1000"],
    ["gasLimit", 1, "300000000"],
  ] as const)("refuses a declared %s of %s, which generateGroup cannot write", (key, value, generated) => {
    expect(refusals(newGroup({ [key]: value }))).toEqual([
      `group 5 (pbft): is new, and generateGroup always writes ${key} = ${generated}, but the declaration asks for ${value}; declare ${generated} or create the group from a rendered genesis`,
    ]);
  });

  it("accepts free storage (passed to generateGroup) and epoch values (outside a pbft mark)", () => {
    const plan = planMembership(newGroup({ enableFreeStorage: true, epochSealerNum: 2, epochBlockNum: 50 }));
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const generate = plan.steps.filter((s) => s.kind === "generateGroup");
    expect(generate).toHaveLength(3);
    expect(generate.every((s) => "enableFreeStorage" in s && s.enableFreeStorage)).toBe(true);
  });
});
