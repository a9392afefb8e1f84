import * as ini from "ini";
import { describe, expect, it } from "vitest";
import { genesisMark, renderGroupGenesis, renderGroupIni, type GroupGenesisInput } from "../../infra/fisco/genesis";
import { parseGenesis, parseIni } from "../../infra/fisco/parse";
import { DEFAULT_GENESIS, SAMPLE_IDS, fakeId, readSample, withoutProse } from "./fixtures";

const sampleInput = (over: Partial<GroupGenesisInput> = {}): GroupGenesisInput => ({
  groupId: 1,
  params: { ...DEFAULT_GENESIS },
  sealerIds: SAMPLE_IDS,
  timestamp: 1700000000000,
  version: "2.11.1",
  ...over,
});

describe("renderGroupGenesis", () => {
  it("matches the build_chain 2.11.1 sample line for line, prose comments aside", () => {
    expect(SAMPLE_IDS).toHaveLength(4);
    expect(withoutProse(renderGroupGenesis(sampleInput()))).toEqual(withoutProse(readSample("group.1.genesis")));
  });

  it("renders identical bytes whatever the sealer order", () => {
    const reference = renderGroupGenesis(sampleInput());
    for (const order of [
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ]) {
      expect(renderGroupGenesis(sampleInput({ sealerIds: order.map((i) => SAMPLE_IDS[i]) }))).toBe(reference);
    }
  });

  it("is read the same by the ini package", () => {
    const params = { ...DEFAULT_GENESIS, consensus: "rpbft" as const, epochSealerNum: 2, epochBlockNum: 50, enableFreeStorage: true };
    const parsed = ini.parse(renderGroupGenesis(sampleInput({ groupId: 9, params, timestamp: 42 }))) as Record<string, Record<string, unknown>>;
    expect(parsed.consensus).toMatchObject({ consensus_type: "rpbft", epoch_sealer_num: "2", epoch_block_num: "50" });
    expect(parsed.group).toEqual({ id: "9", timestamp: "42" });
    expect(parsed.evm).toEqual({ enable_free_storage: true });
    expect(Object.keys(parsed.consensus).filter((k) => k.startsWith("node."))).toHaveLength(4);
  });

  it("round-trips through parseGenesis", () => {
    const params = { ...DEFAULT_GENESIS, consensus: "raft" as const, maxTransNum: 500, gasLimit: 1, consensusTimeout: 5 };
    const g = parseGenesis(renderGroupGenesis(sampleInput({ groupId: 3, params, timestamp: 1 })));
    expect(g).toEqual({ groupId: 3, timestamp: 1, sealers: [...SAMPLE_IDS].sort(), stateType: "storage", params });
  });

  it("refuses malformed or duplicate sealer IDs and bad timestamps", () => {
    expect(() => renderGroupGenesis(sampleInput({ sealerIds: ["abc"] }))).toThrow(/sealer 0 is not a node ID/);
    expect(() => renderGroupGenesis(sampleInput({ sealerIds: [SAMPLE_IDS[0].toUpperCase()] }))).toThrow(/not a node ID/);
    expect(() => renderGroupGenesis(sampleInput({ sealerIds: [SAMPLE_IDS[1], SAMPLE_IDS[1]] }))).toThrow(/listed twice/);
    expect(() => renderGroupGenesis(sampleInput({ timestamp: -1 }))).toThrow(/timestamp/);
  });
});

describe("genesisMark", () => {
  const sorted = [...SAMPLE_IDS].sort();

  it("has the reference format for a 4-sealer PBFT group at 2.11.1", () => {
    expect(genesisMark(sampleInput())).toBe(`1-${sorted.map((id) => `${id},`).join("")}-pbft-storage-0-1000-300000000-3`);
  });

  it("adds epoch fields for rpbft and bit 63 for free storage", () => {
    const params = { ...DEFAULT_GENESIS, consensus: "rpbft" as const, epochSealerNum: 3, epochBlockNum: 20, enableFreeStorage: true };
    expect(genesisMark(sampleInput({ params, sealerIds: [sorted[0]] }))).toBe(`1-${sorted[0]},-rpbft-storage-9223372036854775808-1000-300000000-3-20-3`);
  });

  it("follows the supported_version: no timeout before 2.6.0, no EVM flags before 2.4.0, file order before 2.9.0", () => {
    const reversed = [...sorted].reverse();
    expect(genesisMark(sampleInput({ version: "2.5.0" }))).toMatch(/-pbft-storage-0-1000-300000000$/);
    expect(genesisMark(sampleInput({ version: "2.3.0" }))).toMatch(/-pbft-storage-1000-300000000$/);
    expect(genesisMark(sampleInput({ version: "2.8.0", sealerIds: reversed }))).toContain(reversed.join(","));
    expect(genesisMark(sampleInput({ version: "2.9.0", sealerIds: reversed }))).toBe(genesisMark(sampleInput({ version: "2.9.0" })));
    expect(() => genesisMark(sampleInput({ version: "2.0.0-rc2" }))).toThrow(/not supported/);
  });

  it("is equal for a rendered file and its parsed form, and differs when block 0 would", () => {
    const input = sampleInput({ sealerIds: [fakeId("a"), fakeId("b")] });
    const parsed = parseGenesis(renderGroupGenesis(input));
    const fromFile = genesisMark({ groupId: parsed.groupId, params: parsed.params, sealerIds: parsed.sealers, version: "2.11.1", stateType: parsed.stateType });
    expect(fromFile).toBe(genesisMark(input));
    expect(genesisMark({ ...input, params: { ...input.params, gasLimit: 1 } })).not.toBe(fromFile);
  });
});

describe("renderGroupIni", () => {
  it("matches the build_chain 2.11.1 sample line for line, prose comments aside", () => {
    expect(withoutProse(renderGroupIni())).toEqual(withoutProse(readSample("group.1.ini")));
  });

  it("is parsed identically by our parser and the ini package", () => {
    const text = renderGroupIni();
    const ours = Object.fromEntries(
      [...parseIni(text).sections].map(([name, sec]) => [name, Object.fromEntries([...sec.entries].map(([k, e]) => [k, e.value]))]),
    );
    const theirs = ini.parse(text) as Record<string, Record<string, unknown>>;
    for (const [name, keys] of Object.entries(ours)) {
      expect(Object.fromEntries(Object.entries(theirs[name] ?? {}).map(([k, v]) => [k, String(v)]))).toEqual(keys);
    }
    expect(Object.keys(theirs).sort()).toEqual(Object.keys(ours).sort());
  });
});
