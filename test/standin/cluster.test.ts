/**
 * Stand-ins started from the dev stack's render: P2P, JSON-RPC rules, signed membership
 * transactions replicated to every member, and the dynamic group state machine.
 * Ports: 31400+, 21400+, 9600+ (disjoint from the other stand-in test files).
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import { decodeInt256, encodeFunctionCall } from "../../infra/rpc/abi";
import { hexBytes, toHex } from "../../infra/rpc/hash";
import { bigintBytes, decodeRlp, encodeRlp } from "../../infra/rpc/rlp";
import { decodeTransaction, signTransaction, type TransactionFields } from "../../infra/rpc/transaction";
import { DOC_GM_EXAMPLE } from "../rpc/vectors";
import { rpc, rpcResult, StandinCluster, waitFor } from "./harness";

const CONSENSUS = "0x0000000000000000000000000000000000001003";
const GOVERNANCE = "0x0000000000000000000000000000000000001008";
const PBFT = ["node0", "node1", "node2", "node3"];

interface Receipt {
  status: string;
  output: string;
  blockNumber: string;
  from: string;
}

function newAccount(): string {
  return loadPrivateKey(generateEcKeyPair("sm2").privateKeyPem).scalarHex!;
}

describe("stand-in cluster from the dev render", () => {
  const cluster = new StandinCluster();
  const ids = (names: string[]) => names.map((n) => cluster.chain.ids[n]);
  const port = (name: string) => cluster.port(name);
  const admin = newAccount();

  async function fields(name: string, group: number, to: string, data: Buffer): Promise<TransactionFields> {
    const number = Number(await rpcResult<string>(port(name), "getBlockNumber", [group]));
    return {
      randomId: BigInt(toHex(randomBytes(16))),
      gasPrice: 30000000n,
      gasLimit: 30000000n,
      blockLimit: BigInt(number + 500),
      to,
      value: 0n,
      data,
      chainId: 1n,
      groupId: BigInt(group),
      extraData: new Uint8Array(0),
    };
  }

  /** Signs and sends a transaction to `name`, then waits for its receipt there. */
  async function transact(name: string, group: number, to: string, data: Buffer, key = admin): Promise<Receipt> {
    const { raw } = signTransaction(await fields(name, group, to, data), { smCrypto: true, privateKeyHex: key });
    const hash = await rpcResult<string>(port(name), "sendRawTransaction", [group, toHex(raw)]);
    return waitFor(`receipt of ${hash}`, async () => (await rpcResult<Receipt | null>(port(name), "getTransactionReceipt", [group, hash])) ?? undefined);
  }

  /** Calls ConsensusPrecompiled `fn(nodeId)` through a transaction; returns its int256 result. */
  async function consensus(name: string, group: number, fn: string, nodeId: string, key = admin): Promise<bigint> {
    const receipt = await transact(name, group, CONSENSUS, encodeFunctionCall(fn, ["string"], [nodeId], true), key);
    expect(receipt.status).toBe("0x0");
    return decodeInt256(receipt.output);
  }

  /** Waits until every node in `names` answers `method` with the same value as `names[0]`, and returns it. */
  async function agreed(names: string[], method: string, group: number): Promise<unknown> {
    return waitFor(`${method}(${group}) to agree on ${names.join(",")}`, async () => {
      const answers = await Promise.all(names.map((n) => rpcResult(port(n), method, [group])));
      return answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0])) ? answers[0] : undefined;
    });
  }

  async function agreedOn(names: string[], method: string, group: number, expected: unknown): Promise<void> {
    await waitFor(`${method}(${group}) = ${JSON.stringify(expected)} on ${names.join(",")}`, async () => {
      const answers = await Promise.all(names.map((n) => rpcResult(port(n), method, [group])));
      return answers.every((a) => JSON.stringify(a) === JSON.stringify(expected)) ? true : undefined;
    });
  }

  beforeAll(async () => {
    await cluster.render({ p2p: 31400, channel: 21400, rpc: 9600 }, "cluster");
    cluster.start(PBFT);
  });

  afterAll(async () => {
    await cluster.cleanup();
  });

  it("stand-in: four nodes connect; getPeers on each lists the other three", async () => {
    for (const name of PBFT) {
      const others = ids(PBFT.filter((n) => n !== name)).sort();
      await waitFor(`${name}'s peers`, async () => {
        const peers = await rpcResult<{ NodeID: string }[]>(port(name), "getPeers", [1]);
        const found = peers.map((p) => p.NodeID).sort();
        return JSON.stringify(found) === JSON.stringify(others) ? true : undefined;
      });
      const list = await rpcResult<string[]>(port(name), "getNodeIDList", [1]);
      expect(list[0]).toBe(cluster.chain.ids[name]);
      expect(list.slice(1).sort()).toEqual(others);
    }
    const peers = await rpcResult<{ NodeID: string; IPAndPort: string; Agency: string; Node: string }[]>(port("node3"), "getPeers", [1]);
    expect(peers.find((p) => p.Node === "node0")).toMatchObject({ IPAndPort: "127.0.0.1:31400", Agency: "agencyA-gm" });
  });

  it("stand-in: the four agree on group 1's sealers and group peers", async () => {
    const sealers = ids(PBFT).sort();
    expect(await agreed(PBFT, "getSealerList", 1)).toEqual(sealers);
    expect(await agreed(PBFT, "getGroupPeers", 1)).toEqual(sealers);
    expect(await agreed(PBFT, "getObserverList", 1)).toEqual([]);
    expect(await agreed(PBFT, "getBlockNumber", 1)).toBe("0x0");
    const sync = await rpcResult<{ genesisHash: string; peers: unknown[]; nodeId: string }>(port("node1"), "getSyncStatus", [1]);
    expect(sync.nodeId).toBe(cluster.chain.ids.node1);
    expect(sync.genesisHash).toMatch(/^[0-9a-f]{64}$/);
    await waitFor("node1 to see three sync peers", async () => {
      const s = await rpcResult<{ peers: unknown[] }>(port("node1"), "getSyncStatus", [1]);
      return s.peers.length === 3 ? true : undefined;
    });
  });

  it("stand-in: JSON-RPC follows the node's parameter rules and error codes", async () => {
    const version = await rpcResult<Record<string, string>>(port("node0"), "getClientVersion", []);
    expect(version).toMatchObject({ "FISCO-BCOS Version": "2.11.1 gm", "Supported Version": "2.11.1", "Chain Id": "1" });
    expect((await rpc(port("node0"), "getBlockNumber", ["1"])).error?.code).toBe(-32602);
    expect((await rpc(port("node0"), "getBlockNumber", [])).error?.code).toBe(-32602);
    expect((await rpc(port("node0"), "getBlockNumber", [1, 2])).error?.code).toBe(-32602);
    expect((await rpc(port("node0"), "getNodeIDList", [])).error?.code).toBe(-32602);
    expect((await rpc(port("node0"), "getBlockNumbers", [1])).error?.code).toBe(-32601);
    expect((await rpc(port("node0"), "getBlockNumber", [3])).error).toEqual({ code: -40001, message: "GroupID does not exist" });
    // node0 is not in group 2 (raft, node3 and node4): the group does not run there.
    expect((await rpc(port("node0"), "getSealerList", [2])).error?.code).toBe(-40001);
    expect(await rpcResult(port("node0"), "getGroupList", [])).toEqual([1]);
    expect(await rpcResult(port("node3"), "getGroupList", [])).toEqual([1, 2]);
    const call = await rpc(port("node0"), "call", [1, { to: CONSENSUS, data: "0x" }]);
    expect(call.error).toEqual({ code: -40006, message: "Call needs a 'from' field" });
  });

  it("stand-in: sendRawTransaction accepts the FISCO docs' GM example and rejects it with one bit flipped", async () => {
    const f = DOC_GM_EXAMPLE.fields;
    const int = (h: string) => bigintBytes(h === "0x" ? 0n : BigInt(h));
    const raw = encodeRlp([
      int(f.randomid),
      int(f.gasPrice),
      int(f.gasLimit),
      int(f.blockLimit),
      hexBytes(f.to),
      int(f.value),
      hexBytes(f.data),
      int(f.chainId),
      int(f.groupId),
      hexBytes(f.extraData),
      hexBytes(f["v(pub)"]),
      int(f.r),
      int(f.s),
    ]);
    const tampered = Buffer.from(raw);
    tampered[40] ^= 0x01;
    const rejected = await rpc(port("node2"), "sendRawTransaction", [1, toHex(tampered)]);
    expect(rejected.error?.code).toBe(-32603);
    expect(await rpcResult(port("node2"), "sendRawTransaction", [1, toHex(raw)])).toBe(DOC_GM_EXAMPLE.tx_hash_sm3_of_raw);
    const receipt = await waitFor(
      "the doc example's receipt",
      async () => (await rpcResult<Receipt | null>(port("node2"), "getTransactionReceipt", [1, DOC_GM_EXAMPLE.tx_hash_sm3_of_raw])) ?? undefined,
    );
    expect(receipt).toMatchObject({ status: "0x0", output: "0x", from: DOC_GM_EXAMPLE.sender_address });
    const again = await rpc(port("node1"), "sendRawTransaction", [1, toHex(raw)]);
    expect(again.error?.message).toMatch(/TransactionAlreadyInChain|TransactionNonceCheckFail/);
  });

  it("stand-in: the transaction pool refuses wrong chain, group, block limit and signature", async () => {
    const data = encodeFunctionCall("addObserver", ["string"], [cluster.chain.ids.node4], true);
    const sign = (f: TransactionFields) => toHex(signTransaction(f, { smCrypto: true, privateKeyHex: admin }).raw);
    const base = await fields("node0", 1, CONSENSUS, data);
    const send = async (raw: string) => (await rpc(port("node0"), "sendRawTransaction", [1, raw])).error;
    expect(await send(sign({ ...base, chainId: 2n }))).toMatchObject({ code: -32603, message: expect.stringContaining("InvalidChainId") });
    expect(await send(sign({ ...base, groupId: 2n }))).toMatchObject({ code: -32603, message: expect.stringContaining("InvalidGroupId") });
    const current = base.blockLimit - 500n;
    expect(await send(sign({ ...base, blockLimit: current }))).toMatchObject({ message: expect.stringContaining("BlockLimitCheckFailed") });
    expect(await send(sign({ ...base, blockLimit: current + 1001n }))).toMatchObject({ message: expect.stringContaining("BlockLimitCheckFailed") });
    // Our public key with r and s made by another key.
    const ours = decodeRlp(hexBytes(sign(base))) as Uint8Array[];
    const theirs = decodeRlp(signTransaction(base, { smCrypto: true, privateKeyHex: newAccount() }).raw) as Uint8Array[];
    const forged = encodeRlp([...ours.slice(0, 11), ...theirs.slice(11)]);
    expect(await send(toHex(forged))).toMatchObject({ code: -32603, message: expect.stringContaining("invalid signature") });
  });

  it("stand-in: addObserver/addSealer/remove change the lists on every member in the same order", async () => {
    // node4 joins group 1 the documented way: same genesis and group ini as the members, then start.
    for (const file of ["group.1.genesis", "group.1.ini"]) {
      copyFileSync(path.join(cluster.chain.dirs.node0, "conf", file), path.join(cluster.chain.dirs.node4, "conf", file));
    }
    cluster.start(["node4"]);
    const [id4] = ids(["node4"]);
    const all = [...PBFT, "node4"];
    const sealers = ids(PBFT).sort();
    await waitFor("node0 to connect to node4", async () => ((await rpcResult<string[]>(port("node0"), "getNodeIDList", [1])).includes(id4) ? true : undefined));
    // node4 runs group 1 from the same genesis but is a free node: not a member, so it is refused.
    expect((await rpc(port("node4"), "getSealerList", [1])).error?.code).toBe(-40009);

    expect(await consensus("node0", 1, "addObserver", id4)).toBe(1n);
    await agreedOn(all, "getObserverList", 1, [id4]);
    await agreedOn(all, "getSealerList", 1, sealers);
    const height = await agreed(all, "getBlockNumber", 1);

    expect(await consensus("node1", 1, "addSealer", id4.toUpperCase())).toBe(1n); // the contract lower-cases
    await agreedOn(all, "getSealerList", 1, [...sealers, id4]);
    await agreedOn(all, "getObserverList", 1, []);
    expect(Number(await agreed(all, "getBlockNumber", 1))).toBe(Number(height) + 1);

    expect(await consensus("node2", 1, "remove", id4)).toBe(1n);
    await agreedOn(PBFT, "getSealerList", 1, sealers);
    await waitFor("node4 to be refused as a non-member", async () =>
      (await rpc(port("node4"), "getSealerList", [1])).error?.code === -40009 ? true : undefined,
    );
    expect(await consensus("node3", 1, "remove", id4)).toBe(0n); // not in the table any more
    expect(await consensus("node0", 1, "addSealer", "00" + id4.slice(2, 127))).toBe(-51100n);
  });

  it("stand-in: a node removed from a group stops following it", async () => {
    const ledgerHeight = Number(await agreed(PBFT, "getBlockNumber", 1));
    const id4 = cluster.chain.ids.node4;
    expect(await consensus("node0", 1, "addObserver", id4)).toBe(1n);
    await agreedOn([...PBFT, "node4"], "getBlockNumber", 1, "0x" + (ledgerHeight + 1).toString(16));
    expect(await consensus("node0", 1, "remove", id4)).toBe(1n);
    const removedAt = ledgerHeight + 2;
    await agreedOn(PBFT, "getBlockNumber", 1, "0x" + removedAt.toString(16));
    expect(await consensus("node1", 1, "addObserver", "ab".repeat(64))).toBe(1n);
    await agreedOn(PBFT, "getBlockNumber", 1, "0x" + (removedAt + 1).toString(16));
    // As on a real 2.11 node, the observer never got the block that removed it (the members' block
    // sync drops a non-member at or below their height): it stays at the block before, still
    // listing itself, and heard nothing more of group 1.
    expect(await rpcResult(port("node4"), "getBlockNumber", [1])).toBe("0x" + (removedAt - 1).toString(16));
    expect(await rpcResult(port("node4"), "getObserverList", [1])).toEqual([id4]);
    const sync = await rpcResult<{ blockNumber: number }>(port("node0"), "getSyncStatus", [1]);
    expect(sync.blockNumber).toBe(removedAt + 1);
    expect(await rpcResult(port("node4"), "getGroupList", [])).toEqual([1, 2]);
    const node4Blocks = readFileSync(path.join(cluster.chain.dirs.node4, "data/group1/standin-blocks.jsonl"), "utf8").trim().split("\n");
    expect(node4Blocks.length).toBe(removedAt - 1);
    expect(await consensus("node1", 1, "remove", "ab".repeat(64))).toBe(1n);
  });

  it("stand-in: the last sealer can be neither removed nor made an observer (-51101)", async () => {
    const [id3, id4] = ids(["node3", "node4"]);
    expect(await consensus("node3", 2, "remove", id4)).toBe(1n);
    await agreedOn(["node3"], "getSealerList", 2, [id3]);
    expect(await consensus("node3", 2, "remove", id3)).toBe(-51101n);
    expect(await consensus("node3", 2, "addObserver", id3)).toBe(-51101n);
  });

  it("stand-in: once a committee exists, other senders get -50000", async () => {
    const member = newAccount();
    const memberAddress = signTransaction(await fields("node0", 1, GOVERNANCE, Buffer.alloc(0)), { smCrypto: true, privateKeyHex: member });
    const address = decodeTransaction(memberAddress.raw, true).sender;
    const grant = await transact("node0", 1, GOVERNANCE, encodeFunctionCall("grantCommitteeMember", ["address"], [address], true));
    expect(decodeInt256(grant.output)).toBe(1n);
    const target = "cd".repeat(64);
    expect(await consensus("node1", 1, "addObserver", target, admin)).toBe(-50000n);
    expect(await consensus("node1", 1, "addObserver", target, member)).toBe(1n);
    await agreedOn(PBFT, "getObserverList", 1, [target]);
    const dryRun = await rpcResult<{ output: string }>(port("node2"), "call", [
      1,
      { from: "0x" + "11".repeat(20), to: CONSENSUS, data: toHex(encodeFunctionCall("remove", ["string"], [target], true)) },
    ]);
    expect(decodeInt256(dryRun.output)).toBe(-50000n);
  });

  it("stand-in: dynamic group RPCs follow the state machine", async () => {
    const [id0, id1] = ids(["node0", "node1"]);
    const lifecycle = async (name: string, method: string, params: unknown[]) =>
      rpcResult<{ code: string; message: string; status?: string }>(port(name), method, params);
    const params = { timestamp: "1700000000000", sealers: [id1, id0], enable_free_storage: false };
    expect(await lifecycle("node0", "queryGroupStatus", [3])).toEqual({ code: "0x0", message: "", status: "INEXISTENT" });
    expect((await lifecycle("node0", "generateGroup", [3, { ...params, timestamp: "01" }])).code).toBe("0x7");
    expect((await lifecycle("node0", "generateGroup", [3, { ...params, sealers: [] }])).code).toBe("0x7");
    expect((await lifecycle("node0", "generateGroup", [3, { ...params, sealers: [id0, "ef".repeat(64)] }])).code).toBe("0x8");
    expect((await lifecycle("node0", "generateGroup", [0, params])).message).toBe("GroupID should be between 1 and 32767");
    expect((await lifecycle("node0", "startGroup", [3])).code).toBe("0x6");
    for (const name of ["node0", "node1"]) {
      expect(await lifecycle(name, "generateGroup", [3, params])).toEqual({ code: "0x0", message: "Group 3 generated successfully" });
      expect((await lifecycle(name, "generateGroup", [3, params])).code).toBe("0x2");
      expect((await lifecycle(name, "queryGroupStatus", [3])).status).toBe("STOPPED");
      expect((await lifecycle(name, "stopGroup", [3])).code).toBe("0x4");
      expect((await lifecycle(name, "recoverGroup", [3])).code).toBe("0xe");
      expect(await lifecycle(name, "startGroup", [3])).toEqual({ code: "0x0", message: "Group 3 started successfully" });
      expect((await lifecycle(name, "startGroup", [3])).code).toBe("0x3");
      expect((await lifecycle(name, "removeGroup", [3])).code).toBe("0x3");
    }
    await agreedOn(["node0", "node1"], "getSealerList", 3, [id0, id1].sort());
    expect(await consensus("node1", 3, "addObserver", cluster.chain.ids.node2)).toBe(1n);
    await agreedOn(["node0", "node1"], "getObserverList", 3, [cluster.chain.ids.node2]);

    expect(await lifecycle("node1", "stopGroup", [3])).toEqual({ code: "0x0", message: "Group 3 stopped successfully" });
    expect((await rpc(port("node1"), "getBlockNumber", [3])).error?.code).toBe(-40001);
    expect(await lifecycle("node1", "removeGroup", [3])).toEqual({ code: "0x0", message: "Group 3 deleted successfully" });
    expect((await lifecycle("node1", "queryGroupStatus", [3])).status).toBe("DELETED");
    expect((await lifecycle("node1", "startGroup", [3])).code).toBe("0x5");
    expect((await lifecycle("node1", "removeGroup", [3])).code).toBe("0x5");
    expect((await lifecycle("node1", "generateGroup", [3, params])).code).toBe("0x2");
    expect(await lifecycle("node1", "recoverGroup", [3])).toEqual({ code: "0x0", message: "Group 3 recovered successfully" });
    expect((await lifecycle("node1", "startGroup", [3])).code).toBe("0x0");
    // The restarted group replays its blocks and catches up with node0.
    await agreedOn(["node0", "node1"], "getObserverList", 3, [cluster.chain.ids.node2]);
    expect(await rpcResult(port("node1"), "getGroupList", [])).toEqual([1, 3]);
  });
});
