/**
 * Stand-ins refuse P2P from a node ID in `[certificate_blacklist]` and, when `[certificate_whitelist]`
 * lists IDs, from every node outside it, as 2.11 nodes do at the handshake. node2 is blacklisted in
 * node0, node1 and node3's config.ini (re-rendered from the topology list) and left out of node4's
 * whitelist; group 1's four sealers keep committing. (node2 is listed as an observer, which in 2.x
 * only takes effect through addObserver, so its own node serves no group here.)
 * Ports: 31880+, 21880+, 11080+ (disjoint from the other stand-in test files, from the sshd rig's
 * 22000–29999 and from the ephemeral ports, 32768 on).
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { toHex } from "../../infra/rpc/hash";
import { signTransaction } from "../../infra/rpc/transaction";
import { rpcResult, StandinCluster, waitFor } from "./harness";

const SEALERS = ["node0", "node1", "node3", "node4"];
const PLAIN = "0x0000000000000000000000000000000000000abc";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("stand-in certificate black and white lists", () => {
  const cluster = new StandinCluster();
  const key = loadPrivateKey(generateEcKeyPair("sm2").privateKeyPem).scalarHex!;
  const port = (name: string) => cluster.port(name);
  const id = (name: string) => cluster.chain.ids[name];
  const peerIds = async (name: string) => (await rpcResult<{ NodeID: string }[]>(port(name), "getPeers", [1])).map((p) => p.NodeID).sort();
  const height = async (name: string) => Number(await rpcResult<string>(port(name), "getBlockNumber", [1]));
  const logOf = (name: string) => {
    const dir = path.join(cluster.chain.dirs[name], "log");
    return readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .join("");
  };

  beforeAll(async () => {
    await cluster.render({ p2p: 31880, channel: 21880, rpc: 11080 }, "certificate-lists", {
      "1": { consensus: "pbft", sealers: SEALERS, observers: ["node2"], timestamp: 1700000000000 },
    });
    const { model, dirs } = cluster.chain;
    const rewrite = (name: string, chain: Partial<typeof model.chain>) =>
      writeFileSync(path.join(dirs[name], "config.ini"), renderConfigIni({ ...model, chain: { ...model.chain, ...chain } }, name));
    for (const name of ["node0", "node1", "node3"]) rewrite(name, { certificateBlacklist: [id("node2")] });
    rewrite("node4", { certificateWhitelist: ["node0", "node1", "node3", "node4"].map(id) });
    cluster.start(["node0", "node1", "node2", "node3", "node4"]);
  });

  afterAll(async () => {
    await cluster.cleanup();
  });

  it("stand-in: a node blacklisted in the others' config.ini gets no peer connection; the others keep running", async () => {
    for (const name of SEALERS) {
      const others = SEALERS.filter((n) => n !== name)
        .map(id)
        .sort();
      await waitFor(`${name} linked to the other sealers`, async () => (JSON.stringify(await peerIds(name)) === JSON.stringify(others) ? true : undefined));
    }
    // Several redial rounds (1 s each) after the others are linked: node2 is still alone.
    await sleep(3000);
    expect(await peerIds("node2")).toEqual([]);
    for (const name of SEALERS) expect(await peerIds(name)).not.toContain(id("node2"));

    const fields = {
      randomId: BigInt(toHex(randomBytes(16))),
      gasPrice: 30000000n,
      gasLimit: 30000000n,
      blockLimit: BigInt((await height("node0")) + 500),
      to: PLAIN,
      value: 0n,
      data: new Uint8Array(0),
      chainId: 1n,
      groupId: 1n,
      extraData: new Uint8Array(0),
    };
    const { raw } = signTransaction(fields, { smCrypto: true, privateKeyHex: key });
    const hash = await rpcResult<string>(port("node0"), "sendRawTransaction", [1, toHex(raw)]);
    const receipt = await waitFor(
      "the transaction's receipt",
      async () => (await rpcResult<{ status: string } | null>(port("node3"), "getTransactionReceipt", [1, hash])) ?? undefined,
    );
    expect(receipt.status).toBe("0x0");
    for (const name of SEALERS) await waitFor(`${name} at block 1`, async () => ((await height(name)) >= 1 ? true : undefined));
  });

  it("stand-in: the refusals name the list: blacklist on node0, whitelist on node4", async () => {
    await waitFor("node0's blacklist refusal in its log", async () => (logOf("node0").includes("peer is in the certificate blacklist") ? true : undefined));
    await waitFor("node4's whitelist refusal in its log", async () => (logOf("node4").includes("peer is not in the certificate whitelist") ? true : undefined));
    expect(logOf("node4")).not.toContain("certificate blacklist");
  });
});
