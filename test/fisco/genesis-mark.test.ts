/**
 * The genesis mark (block 0's extraData) against FISCO 2.11's LedgerParam::generateGenesisMark:
 * `<group>-<sealers, each followed by ",">-<consensus_type>-<state type>-<EVM flags>-<max_trans_num>-
 * <gas_limit>[-<epoch_sealer_num>-<epoch_block_num> for rpbft only]-<consensus_timeout>` at
 * supported_version 2.11.1. Expected strings are written out field by field from that logic, with
 * distinct non-default values so that a swapped or missing field shows.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { genesisMark, renderGroupGenesis, type GenesisMarkInput } from "../../infra/fisco/genesis";
import { parseGenesis } from "../../infra/fisco/parse";
import type { GenesisParams } from "../../infra/topology/types";

const fixture = (name: string) => readFileSync(path.join(__dirname, "../fixtures/fisco-2.11", name), "utf8");
const BUILD_CHAIN = parseGenesis(fixture("group.1.genesis"));
const IDS = BUILD_CHAIN.sealers;
const SORTED = [...IDS].sort();
const NODE_LIST = SORTED.map((id) => `${id},`).join("");
const FREE_STORAGE = "9223372036854775808"; // EVMFlags::FreeStorageGas, bit 63

const PARAMS: GenesisParams = {
  consensus: "pbft",
  maxTransNum: 512,
  gasLimit: 123456789,
  consensusTimeout: 9,
  epochSealerNum: 2,
  epochBlockNum: 50,
  enableFreeStorage: true,
};
const mark = (params: Partial<GenesisParams>, over: Partial<GenesisMarkInput> = {}) =>
  genesisMark({ groupId: 7, params: { ...PARAMS, ...params }, sealerIds: [...IDS].reverse(), version: "2.11.1", ...over });

describe("genesisMark at supported_version 2.11.1", () => {
  it("pbft: no epoch fields", () => {
    expect(mark({ consensus: "pbft" })).toBe(`7-${NODE_LIST}-pbft-storage-${FREE_STORAGE}-512-123456789-9`);
  });

  it("raft: no epoch fields and no election times (min/max_elect_time never enter the mark)", () => {
    expect(mark({ consensus: "raft" })).toBe(`7-${NODE_LIST}-raft-storage-${FREE_STORAGE}-512-123456789-9`);
  });

  it("rpbft: epoch_sealer_num then epoch_block_num after gas_limit, the timeout last", () => {
    expect(mark({ consensus: "rpbft" })).toBe(`7-${NODE_LIST}-rpbft-storage-${FREE_STORAGE}-512-123456789-2-50-9`);
  });

  it("rpbft without epoch_sealer_num: the node counts the genesis sealers", () => {
    expect(mark({ consensus: "rpbft", epochSealerNum: undefined, enableFreeStorage: false })).toBe(`7-${NODE_LIST}-rpbft-storage-0-512-123456789-4-50-9`);
  });

  it("the state type is the file's [state] type", () => {
    expect(mark({}, { stateType: "mpt" })).toBe(`7-${NODE_LIST}-pbft-mpt-${FREE_STORAGE}-512-123456789-9`);
  });

  it("build_chain 2.11.1's sample genesis: its own values, sealers sorted", () => {
    const { groupId, params, sealers, stateType } = BUILD_CHAIN;
    expect(genesisMark({ groupId, params, sealerIds: sealers, stateType, version: "2.11.1" })).toBe(`1-${NODE_LIST}-pbft-storage-0-1000-300000000-3`);
  });

  it("a rendered rpbft and raft genesis read back to the same mark", () => {
    for (const consensus of ["raft", "rpbft"] as const) {
      const input = { groupId: 7, params: { ...PARAMS, consensus }, sealerIds: IDS, version: "2.11.1" };
      const parsed = parseGenesis(renderGroupGenesis({ ...input, timestamp: 1 }));
      const fromFile = genesisMark({
        groupId: parsed.groupId,
        params: parsed.params,
        sealerIds: parsed.sealers,
        stateType: parsed.stateType,
        version: "2.11.1",
      });
      expect(fromFile).toBe(genesisMark(input));
    }
  });
});

describe("the genesis generateGroup writes (2.11.1 template)", () => {
  const generated = parseGenesis(fixture("generated.group.2.genesis"));
  const markOf = (g: typeof generated) =>
    genesisMark({ groupId: g.groupId, params: g.params, sealerIds: g.sealers, stateType: g.stateType, version: "2.11.1" });

  it("has the mark of the genesis we render for nodes that join later, when the declaration matches the template", () => {
    const params: GenesisParams = {
      consensus: "pbft",
      maxTransNum: 1000,
      gasLimit: 300000000,
      consensusTimeout: 3,
      epochBlockNum: 1000,
      enableFreeStorage: true,
    };
    const rendered = parseGenesis(renderGroupGenesis({ groupId: 2, params, sealerIds: IDS, timestamp: 1700000000000, version: "2.11.1" }));
    expect(markOf(generated)).toBe(`2-${NODE_LIST}-pbft-storage-${FREE_STORAGE}-1000-300000000-3`);
    expect(markOf(rendered)).toBe(markOf(generated));
    expect(rendered.timestamp).toBe(generated.timestamp);
  });

  it("differs from a rendered genesis with another consensus timeout: the joiner's block 0 would not match", () => {
    const params: GenesisParams = {
      consensus: "pbft",
      maxTransNum: 1000,
      gasLimit: 300000000,
      consensusTimeout: 5,
      epochBlockNum: 1000,
      enableFreeStorage: true,
    };
    const rendered = parseGenesis(renderGroupGenesis({ groupId: 2, params, sealerIds: IDS, timestamp: 1700000000000, version: "2.11.1" }));
    expect(markOf(rendered)).toBe(`2-${NODE_LIST}-pbft-storage-${FREE_STORAGE}-1000-300000000-5`);
    expect(markOf(rendered)).not.toBe(markOf(generated));
  });
});
