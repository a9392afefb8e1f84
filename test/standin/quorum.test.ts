/**
 * Stand-ins keep consensus quorum as FISCO BCOS 2.11 nodes do: group 1 is pbft with sealers
 * node0–node3 (n = 4, f = 1, 3 needed), group 2 raft with sealers node2, node3, node4 (2 needed).
 * node4 also runs group 1 as a free node, to be made an observer and removed.
 * Ports: 31960+, 21960+, 11160+ (disjoint from the other stand-in test files, from the sshd rig's
 * 22000–29999 and from the ephemeral ports, 32768 on).
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import { decodeInt256, encodeFunctionCall } from "../../infra/rpc/abi";
import { toHex } from "../../infra/rpc/hash";
import { signTransaction } from "../../infra/rpc/transaction";
import { rpc, rpcResult, StandinCluster, waitFor } from "./harness";

const CONSENSUS = "0x0000000000000000000000000000000000001003";
/** An address without code: a transaction to it only needs a block. */
const PLAIN = "0x0000000000000000000000000000000000000abc";
const NODES = ["node0", "node1", "node2", "node3", "node4"];
const PBFT = ["node0", "node1", "node2", "node3"];
const RAFT = ["node2", "node3", "node4"];
const TIMESTAMP = 1700000000000;
/** Longer than two consensus timeouts (3 s each): a group that can commit has done so by then. */
const HALT_PROOF_MS = 7000;

interface Receipt {
  status: string;
  output: string;
  blockNumber: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("stand-in consensus quorum", () => {
  const cluster = new StandinCluster();
  const key = loadPrivateKey(generateEcKeyPair("sm2").privateKeyPem).scalarHex!;
  const port = (name: string) => cluster.port(name);
  const id = (name: string) => cluster.chain.ids[name];

  const height = async (name: string, group: number) => Number(await rpcResult<string>(port(name), "getBlockNumber", [group]));
  const view = async (name: string) => Number(await rpcResult<string>(port(name), "getPbftView", [1]));

  /** Signs a transaction and sends it through `name`; returns its hash once the pool took it. */
  async function send(name: string, group: number, to = PLAIN, data: Uint8Array = new Uint8Array(0)): Promise<string> {
    const fields = {
      randomId: BigInt(toHex(randomBytes(16))),
      gasPrice: 30000000n,
      gasLimit: 30000000n,
      blockLimit: BigInt((await height(name, group)) + 500),
      to,
      value: 0n,
      data,
      chainId: 1n,
      groupId: BigInt(group),
      extraData: new Uint8Array(0),
    };
    const { raw } = signTransaction(fields, { smCrypto: true, privateKeyHex: key });
    return rpcResult<string>(port(name), "sendRawTransaction", [group, toHex(raw)]);
  }

  const receipt = (name: string, group: number, hash: string) => rpcResult<Receipt | null>(port(name), "getTransactionReceipt", [group, hash]);

  async function committed(name: string, group: number, hash: string, timeoutMs = 20_000): Promise<Receipt> {
    return waitFor(`receipt of ${hash.slice(0, 10)} on ${name}`, async () => (await receipt(name, group, hash)) ?? undefined, timeoutMs);
  }

  /** ConsensusPrecompiled `fn(nodeId)` through `name`; the contract's int256 result. */
  async function consensus(name: string, group: number, fn: string, nodeId: string): Promise<bigint> {
    const hash = await send(name, group, CONSENSUS, encodeFunctionCall(fn, ["string"], [nodeId], true));
    const r = await committed(name, group, hash);
    expect(r.status).toBe("0x0");
    return decodeInt256(r.output);
  }

  async function sameHeight(names: string[], group: number): Promise<number> {
    return waitFor(`${names.join(",")} at one height of group ${group}`, async () => {
      const hs = await Promise.all(names.map((n) => height(n, group)));
      return hs.every((h) => h === hs[0]) ? hs[0] : undefined;
    });
  }

  /** The stand-in's consensus log lines of `name` for `group`. */
  function consensusLog(name: string, group: number): string[] {
    const dir = path.join(cluster.chain.dirs[name], "log");
    return readdirSync(dir)
      .filter((f) => f.endsWith(".log"))
      .sort()
      .flatMap((f) => readFileSync(path.join(dir, f), "utf8").split("\n"))
      .filter((l) => l.includes("[CONSENSUS]") && l.includes(` group ${group}:`));
  }

  /** Highest raft term in which any of `names` logged that it became leader of group 2. */
  function leaderTerm(names: string[]): number {
    const terms = names.flatMap((n) => consensusLog(n, 2).map((l) => /leader in term (\d+)/.exec(l)?.[1])).filter((t) => t !== undefined);
    return Math.max(0, ...terms.map(Number));
  }

  beforeAll(async () => {
    await cluster.render({ p2p: 31960, channel: 21960, rpc: 11160 }, "quorum", {
      1: { consensus: "pbft", sealers: PBFT, timestamp: TIMESTAMP },
      2: { consensus: "raft", sealers: RAFT, timestamp: TIMESTAMP },
    });
    for (const file of ["group.1.genesis", "group.1.ini"]) {
      copyFileSync(path.join(cluster.chain.dirs.node0, "conf", file), path.join(cluster.chain.dirs.node4, "conf", file));
    }
    cluster.start(NODES);
    await waitFor("every node to see the other four", async () => {
      const lists = await Promise.all(NODES.map((n) => rpcResult<string[]>(port(n), "getNodeIDList", [1])));
      return lists.every((l) => l.length === NODES.length) ? true : undefined;
    });
  });

  afterAll(async () => {
    await cluster.cleanup();
  });

  it("stand-in: a removed observer stays at the block before its removal and still lists itself", async () => {
    const id4 = id("node4");
    expect(await consensus("node0", 1, "addObserver", id4)).toBe(1n);
    const added = await sameHeight([...PBFT, "node4"], 1);
    expect(await rpcResult(port("node4"), "getObserverList", [1])).toEqual([id4]);

    expect(await consensus("node1", 1, "remove", id4)).toBe(1n);
    await committed("node0", 1, await send("node2", 1));
    const members = await sameHeight(PBFT, 1);
    expect(members).toBe(added + 2);
    // Members drop a non-member at or below their height from block sync (SyncMaster), so node4
    // never hears of the block that removed it.
    await sleep(2000);
    expect(await height("node4", 1)).toBe(added);
    expect(await rpcResult(port("node4"), "getObserverList", [1])).toEqual([id4]);
    expect(await rpcResult(port("node0"), "getObserverList", [1])).toEqual([]);
    const sync = await rpcResult<{ blockNumber: number; knownHighestNumber: number; isSyncing: boolean }>(port("node4"), "getSyncStatus", [1]);
    expect(sync).toMatchObject({ blockNumber: added, knownHighestNumber: added, isSyncing: false });
    // It still takes transactions, which the members drop: no receipt anywhere.
    const orphan = await send("node4", 1);
    await sleep(2000);
    expect(await receipt("node4", 1, orphan)).toBeNull();
    expect(await receipt("node0", 1, orphan)).toBeNull();
  });

  it("stand-in: a change of the raft sealer list sends every sealer back to follower and a new leader is elected", async () => {
    await committed("node2", 2, await send("node2", 2));
    const before = leaderTerm(RAFT);
    expect(before).toBeGreaterThan(0);
    expect(await consensus("node2", 2, "addObserver", id("node4"))).toBe(1n);
    const changed = await sameHeight(RAFT, 2);
    for (const name of ["node2", "node3"]) {
      await waitFor(`${name} to log the sealer list change`, async () =>
        consensusLog(name, 2).some((l) => l.includes(`sealer list changed at block ${changed}`) && l.includes("back to follower")) ? true : undefined,
      );
    }
    await waitFor("a leader elected in a later term", async () => (leaderTerm(["node2", "node3"]) > before ? true : undefined));
    await committed("node3", 2, await send("node3", 2));
    expect(await consensus("node3", 2, "addSealer", id("node4"))).toBe(1n);
    await waitFor("group 2 to have its three sealers again", async () =>
      (await rpcResult<string[]>(port("node4"), "getSealerList", [2])).length === 3 ? true : undefined,
    );
  });

  it("stand-in: a 4-sealer pbft group keeps producing with one sealer stopped, and its view moves past the stopped leader", async () => {
    await cluster.stop(["node3"]);
    const start = await height("node0", 1);
    for (let i = 0; i < 3; i++) await committed("node0", 1, await send(PBFT[i], 1));
    expect(await height("node0", 1)).toBeGreaterThanOrEqual(start + 3);
    // Idle, the leader of each view seals an empty block and the sealers change view; node3's turn
    // comes every fourth view and passes only by the consensus timeout.
    const v0 = await view("node0");
    await waitFor("the view to pass every leader once", async () => ((await view("node0")) >= v0 + 5 ? true : undefined), 30_000);
    // raft group 2 has two of its three sealers.
    await committed("node4", 2, await send("node4", 2));
  });

  it("stand-in: with two of four sealers stopped, a pbft group halts, its transactions time out, and it recovers when they return", async () => {
    await cluster.stop(["node2"]);
    const before = await sameHeight(["node0", "node1"], 1);
    const tx = await send("node0", 1);
    await sleep(1000);
    const v = await view("node0");
    await sleep(HALT_PROOF_MS);
    expect(await receipt("node0", 1, tx)).toBeNull();
    expect(await receipt("node1", 1, tx)).toBeNull();
    expect(await height("node0", 1)).toBe(before);
    expect(await height("node1", 1)).toBe(before);
    expect(await view("node0")).toBe(v); // below quorum no view change completes either
    const status = await rpcResult<{ txPoolSize: string }>(port("node0"), "getSyncStatus", [1]);
    expect(Number(status.txPoolSize)).toBeGreaterThanOrEqual(1);

    cluster.start(["node2", "node3"]);
    await committed("node0", 1, tx, 30_000);
    await committed("node3", 1, await send("node3", 1), 30_000);
    expect(await sameHeight(PBFT, 1)).toBeGreaterThan(before);
  });

  it("stand-in: a raft group of three halts with two sealers down and recovers when they return", async () => {
    await cluster.stop(["node2", "node3"]);
    const before = await height("node4", 2);
    const tx = await send("node4", 2);
    await sleep(HALT_PROOF_MS);
    expect(await receipt("node4", 2, tx)).toBeNull();
    expect(await height("node4", 2)).toBe(before);
    expect((await rpc(port("node4"), "getSealerList", [2])).result).toHaveLength(3);
    cluster.start(["node2", "node3"]);
    await committed("node4", 2, tx, 30_000);
    expect(await sameHeight(RAFT, 2)).toBeGreaterThan(before);
  });
});
