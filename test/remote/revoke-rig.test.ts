/**
 * Removed nodes are locked out, under the REAL Pulumi engine against the sshd rig (issue 15.3
 * acceptance): the dev chain's five stand-in nodes on the rig's two hosts; node2 (a group 1
 * sealer) is taken out of the topology. One `pulumi up` takes it out of group 1, stops it, moves
 * its folder to `.removed/`, and then, one node at a time, writes its node ID into every remaining
 * node's `[certificate_blacklist]` and restarts them. Starting node2's moved folder by hand then
 * gets it no peer (the stand-ins refuse it at the handshake, as 2.11 does) while group 1 keeps
 * committing. The next run only catches the first install pass up with the second (no restart),
 * and the one after plans nothing.
 *
 * Own port range: p2p 30700+, channel 23500+, JSON-RPC 11500+. Needs what install-rig.test.ts
 * needs (engine from scripts/install-pulumi.sh, /usr/sbin/sshd, the stand-in Command provider).
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import { parseConfigIni } from "../../infra/fisco/parse";
import { toHex } from "../../infra/rpc/hash";
import { signTransaction } from "../../infra/rpc/transaction";
import { rigTopology, run, startEngineStack, tearDownRigStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "revoke";
/** Node → rig host index. */
const PLACEMENT: Record<string, number> = { node0: 0, node1: 0, node2: 0, node3: 1, node4: 1 };
const REMAINING = ["node0", "node1", "node3", "node4"];
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 30700;
const CHANNEL_BASE = 23500;
const RPC_BASE = 11500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let topology: Record<string, any>;
let node2Id = "";
/** node2's folder as NodeRemoval left it. */
let movedNode2 = "";

const deployDir = (host: number) => join(stack!.work, `host${host}`);
const nodeDir = (node: string) => join(deployDir(PLACEMENT[node]), node);
const pulumiOk = (args: string[]) => stack!.pulumiOk(args);
const up = () => pulumiOk(["up", "--yes", "--skip-preview"]);
const blacklistOn = (node: string) => parseConfigIni(readFileSync(join(nodeDir(node), "config.ini"), "utf8")).blacklist;
const peerIds = async (node: string) =>
  ((await rpcResult<{ NodeID: string }[]>(port(RPC_BASE, node), "getPeers", [1])) ?? []).map((p) => p.NodeID.toLowerCase());
const height = async (node: string) => Number(await rpcResult<string>(port(RPC_BASE, node), "getBlockNumber", [1]));

/** The node's pid, as start.sh reports it for a running node (it then starts nothing). */
async function pidOf(node: string): Promise<string> {
  const r = await run("bash", ["start.sh"], { cwd: nodeDir(node), env: process.env, timeoutMs: 30_000 });
  expect(r.stdout, node).toContain("is already running");
  return /\(pid (\d+)\)/.exec(r.stdout)![1];
}

async function expectPeers(nodes: string[]): Promise<void> {
  for (const node of nodes) {
    await waitFor(
      `${node} to see ${nodes.length - 1} peers`,
      async () => ((await peerIds(node).catch(() => [])).length === nodes.length - 1 ? true : undefined),
      60_000,
    );
  }
}

beforeAll(async () => {
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-revoke-rig-", STACK);
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (name) => ({
    host: PLACEMENT[name],
    p2pPort: port(P2P_BASE, name),
    channelPort: port(CHANNEL_BASE, name),
    rpcPort: port(RPC_BASE, name),
  }));
  stack.writeTopology(topology);
  await pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    if (movedNode2) await run("bash", ["stop.sh"], { cwd: movedNode2, env: process.env, timeoutMs: 30_000 });
  } finally {
    await tearDownRigStack(stack, rig);
  }
}, 300_000);

describe("a node taken out of the topology is locked out (real engine, sshd rig, stand-in nodes)", () => {
  it("installs the dev chain with empty blacklists", async () => {
    await up();
    await expectPeers(Object.keys(PLACEMENT));
    for (const node of Object.keys(PLACEMENT)) expect(blacklistOn(node), node).toEqual([]);
    node2Id = readFileSync(join(nodeDir("node2"), "conf", "gmnode.nodeid"), "utf8")
      .trim()
      .toLowerCase();
    expect(node2Id).toMatch(/^[0-9a-f]{128}$/);
  }, 600_000);

  it("taking node2 out of the topology blacklists its node ID in every remaining node's config.ini, after its removal", async () => {
    delete topology.agencies.agencyA.nodes.node2;
    topology.groups["1"].sealers = topology.groups["1"].sealers.filter((n: string) => n !== "node2");
    stack!.writeTopology(topology);
    await up();
    expect(existsSync(nodeDir("node2"))).toBe(false);
    const removed = join(deployDir(PLACEMENT.node2), ".removed");
    const moved = readdirSync(removed).filter((f) => f.startsWith("node2-"));
    expect(moved).toHaveLength(1);
    movedNode2 = join(removed, moved[0]);
    for (const node of REMAINING) expect(blacklistOn(node), node).toEqual([node2Id]);
    // Out of group 1 on the chain before anyone refused it.
    const sealers = await rpcResult<string[]>(port(RPC_BASE, "node0"), "getSealerList", [1]);
    expect(sealers.map((s) => s.toLowerCase())).not.toContain(node2Id);
    await expectPeers(REMAINING);
  }, 600_000);

  it("stand-in: node2's moved folder started by hand gets no peer connection, and group 1 keeps committing", async () => {
    // start.sh runs `<folder>/../fisco-bcos`.
    copyFileSync(stack!.binary, join(movedNode2, "..", "fisco-bcos"));
    const started = await run("bash", ["start.sh"], { cwd: movedNode2, env: process.env, timeoutMs: 30_000 });
    expect(started.code, started.stderr).toBe(0);
    await waitFor(
      "node2 answering JSON-RPC",
      async () => ((await rpcResult<string>(port(RPC_BASE, "node2"), "getClientVersion", []).catch(() => undefined)) ? true : undefined),
      30_000,
    );
    // Several redial rounds (1 s each): node2 stays alone.
    await sleep(4000);
    expect(await peerIds("node2")).toEqual([]);
    for (const node of REMAINING) expect(await peerIds(node), node).not.toContain(node2Id);

    const key = loadPrivateKey(generateEcKeyPair("sm2").privateKeyPem).scalarHex!;
    const start = await height("node0");
    const fields = {
      randomId: BigInt(toHex(randomBytes(16))),
      gasPrice: 30000000n,
      gasLimit: 30000000n,
      blockLimit: BigInt(start + 500),
      to: "0x0000000000000000000000000000000000000abc",
      value: 0n,
      data: new Uint8Array(0),
      chainId: 1n,
      groupId: 1n,
      extraData: new Uint8Array(0),
    };
    const { raw } = signTransaction(fields, { smCrypto: true, privateKeyHex: key });
    const hash = await rpcResult<string>(port(RPC_BASE, "node0"), "sendRawTransaction", [1, toHex(raw)]);
    const receipt = await waitFor(
      "the transaction's receipt",
      async () => (await rpcResult<{ status: string } | null>(port(RPC_BASE, "node3"), "getTransactionReceipt", [1, hash])) ?? undefined,
      60_000,
    );
    expect(receipt.status).toBe("0x0");
    for (const node of ["node0", "node1", "node3"])
      await waitFor(`${node} past block ${start}`, async () => ((await height(node)) > start ? true : undefined), 60_000);

    const stopped = await run("bash", ["stop.sh"], { cwd: movedNode2, env: process.env, timeoutMs: 30_000 });
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 300_000);

  it("the next run only brings the first install pass level with the second (no restart); then nothing is planned", async () => {
    const pids = await Promise.all(REMAINING.map(pidOf));
    await up();
    expect(await Promise.all(REMAINING.map(pidOf))).toEqual(pids);
    for (const node of REMAINING) expect(blacklistOn(node), node).toEqual([node2Id]);
    await expectPeers(REMAINING);
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);
});
