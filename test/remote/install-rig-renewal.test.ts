/**
 * Certificate renewal without downtime under the REAL Pulumi engine, stand-in nodes on the sshd rig
 * (issue 15 acceptance): four sealers of one group (node0, node1 on host0; node2, node3 on host1),
 * their certificates issued with BCOS_NOW 360 days back and a lifetime of 365 days, so they expire
 * in five days. A preview without BCOS_NOW names them and says `up` re-issues them; `up` re-issues
 * them on the same keys (node IDs unchanged), OpenSSL verifies the new chains, and the nodes
 * restart one at a time (stand-in logs), each back before the next stops, while group 1 keeps
 * committing transactions. Last, a preview that would replace the chain CA's key is refused.
 *
 * Own port range: p2p 30800+, channel 23700+, JSON-RPC 11700+. Needs what install-rig.test.ts
 * needs (engine from scripts/install-pulumi.sh, /usr/sbin/sshd, the stand-in Command provider).
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyPairProvider } from "../../infra/providers/key-pair-provider";
import { RpcClient } from "../../infra/rpc/client";
import { changeConsensus } from "../../infra/rpc/consensus";
import { DISTID } from "../crypto/openssl-harness";
import { startEngineStack, tearDownRigStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "renewal";
const PLACEMENT: Record<string, number> = { node0: 0, node1: 0, node2: 1, node3: 1 };
const NODES = Object.keys(PLACEMENT);
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 30800;
const CHANNEL_BASE = 23700;
const RPC_BASE = 11700;
const DAY_MS = 86_400_000;
const VALIDITY_DAYS = 365;

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let topology: Record<string, any>;
/** An SM2 key that signs the transactions that make blocks (any account may send them here). */
let senderKeyPem = "";
/** BCOS_NOW of the first run: certificates issued then expire five days from now. */
const issuedAt = new Date(Date.now() - (VALIDITY_DAYS - 5) * DAY_MS).toISOString();

const deployDir = (host: number) => join(stack!.work, `host${host}`);
const nodeDir = (node: string) => join(deployDir(PLACEMENT[node]), node);
const conf = (node: string, file: string) => readFileSync(join(nodeDir(node), "conf", file), "utf8");

function fourSealers(): Record<string, any> {
  const placed = (node: string) => ({
    host: `host${PLACEMENT[node]}`,
    p2pPort: port(P2P_BASE, node),
    channelPort: port(CHANNEL_BASE, node),
    rpcPort: port(RPC_BASE, node),
  });
  return {
    chain: { id: 1, smCrypto: true, version: "2.11.1", install: true, binary: { path: stack!.binary }, certValidityDays: VALIDITY_DAYS },
    hosts: Object.fromEntries(
      rig!.hosts.map((h, i) => [
        `host${i}`,
        { address: h.address, connection: { ssh: { port: h.port, user: rig!.user, hostKey: h.hostKey } }, deployDir: deployDir(i) },
      ]),
    ),
    agencies: {
      agencyA: { nodes: { node0: placed("node0"), node1: placed("node1") } },
      agencyB: { nodes: { node2: placed("node2"), node3: placed("node3") } },
    },
    groups: { "1": { consensus: "pbft", sealers: NODES, timestamp: 1700000000000 } },
  };
}

/** Times (ms) at which a node's stand-in logged `[INITIALIZER] <event>`. */
function logged(node: string, event: "stopping" | "running"): number[] {
  const dir = join(nodeDir(node), "log");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .flatMap((line) => {
      const m = /^\w+\|([^|]+)\|\[INITIALIZER\] (\w+)$/.exec(line);
      return m && m[2] === event ? [Date.parse(m[1])] : [];
    });
}

const nodeIdOf = async (node: string) => (await rpcResult<{ NodeID: string }>(port(RPC_BASE, node), "getNodeInfo", [])).NodeID;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends transactions to group 1 until `done()`, each through the next node in turn (one that is
 * restarting just fails it, and the next takes over); returns when each was committed.
 */
async function commitUntil(done: () => boolean): Promise<number[]> {
  const committed: number[] = [];
  const nobody = "ab".repeat(64);
  for (let i = 0; !done(); i++) {
    const node = NODES[i % NODES.length];
    try {
      const client = new RpcClient({ host: "127.0.0.1", port: port(RPC_BASE, node) });
      await changeConsensus(client, senderKeyPem, "removeNode", { group: 1, nodeId: nobody }, { timeoutMs: 15_000 });
      committed.push(Date.now());
    } catch {
      await sleep(200);
    }
  }
  return committed;
}

/** The PEM blocks of a chain file, in order. */
const pemBlocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];

/**
 * `openssl verify` of a node's chain file (leaf, agency, root) against the root it trusts. SM2
 * link by link: OpenSSL 3.0 applies the distinguishing ID to the first certificate only.
 */
function opensslVerify(node: string, chainFile: string, caFile: string, sm2: boolean): string[] {
  const dir = mkdtempSync(join(tmpdir(), "bcos-renewal-verify-"));
  try {
    const [leaf, agency] = pemBlocks(conf(node, chainFile));
    const leafFile = join(dir, "leaf.pem");
    const agencyFile = join(dir, "agency.pem");
    writeFileSync(leafFile, `${leaf}\n`);
    writeFileSync(agencyFile, `${agency}\n`);
    const root = join(nodeDir(node), "conf", caFile);
    const verify = (...args: string[]) => execFileSync("openssl", ["verify", ...args], { encoding: "utf8" });
    if (!sm2) return [verify("-CAfile", root, "-untrusted", agencyFile, leafFile)];
    return [verify("-vfyopt", DISTID, "-partial_chain", "-CAfile", agencyFile, leafFile), verify("-vfyopt", DISTID, "-CAfile", root, agencyFile)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-install-rig-renewal-", STACK);
  senderKeyPem = ((await keyPairProvider.create({ algorithm: "sm2" })).outs as { privateKeyPem: string }).privateKeyPem;
  topology = fourSealers();
  stack.writeTopology(topology);
  await stack.pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(() => tearDownRigStack(stack, rig, stack ? NODES.map(nodeDir) : []), 300_000);

describe("certificates about to expire are renewed without downtime (real engine, sshd rig, stand-in nodes)", () => {
  const before: Record<string, { nodeId: string; key: string; cert: string; ca: string }> = {};

  it("installs four sealers whose certificates (BCOS_NOW 360 days back) expire in five days", async () => {
    await stack!.pulumiOk(["up", "--yes", "--skip-preview"], { BCOS_NOW: issuedAt });
    for (const node of NODES) {
      before[node] = { nodeId: await nodeIdOf(node), key: conf(node, "gmnode.key"), cert: conf(node, "gmnode.crt"), ca: conf(node, "origin_cert/ca.crt") };
      const left = (Date.parse(new X509Certificate(before[node].cert).validTo) - Date.now()) / DAY_MS;
      expect(Math.round(left), node).toBe(5);
      expect(before[node].nodeId).toBe(conf(node, "gmnode.nodeid").trim());
    }
  }, 900_000);

  it("a preview names every certificate in the renewal window and says up re-issues it on the same key", async () => {
    const r = await stack!.pulumiOk(["preview", "--json"]);
    const parsed = JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[]; diagnostics?: { message: string; severity: string }[] };
    // The provider host logs to its stderr, which the engine passes on as diagnostics (the severity it chooses).
    const warnings = (parsed.diagnostics ?? []).map((d) => d.message).join("\n");
    const names = [
      "chain-ca-cert",
      "chain-gmca-cert",
      "agencyA-gmagency-cert",
      "agencyB-channel-ca-cert",
      ...NODES.flatMap((n) => [`${n}-gmnode-cert`, `${n}-gmennode-cert`, `${n}-node-cert`, `${n}-channel-cert`]),
    ];
    for (const name of names)
      expect(warnings, name).toMatch(
        new RegExp(`${name}: expires \\S+ \\([45] days left; renewal window bcos:renewBeforeDays = 30\\): pulumi up re-issues it on the same key`),
      );
    const replaced = (parsed.steps ?? []).filter((s) => s.op.includes("replace")).map((s) => s.urn);
    for (const node of NODES)
      expect(
        replaced.some((u) => u.endsWith(`::${node}-gmnode-cert`)),
        node,
      ).toBe(true);
    expect(replaced.filter((u) => /-key$/.test(u))).toEqual([]);
  }, 300_000);

  it("up re-issues them on the same keys, restarting one node at a time while the group keeps committing", async () => {
    const since = Date.now();
    let finished = false;
    const committing = commitUntil(() => finished);
    try {
      await stack!.pulumiOk(["up", "--yes", "--skip-preview"]);
    } finally {
      finished = true;
    }
    const committed = await committing;

    // Restarts: every node once, each running again before the next one stopped.
    const restarts = NODES.map((node) => {
      const stops = logged(node, "stopping").filter((t) => t >= since);
      expect(stops, `${node} stopped once`).toHaveLength(1);
      const back = logged(node, "running").filter((t) => t >= stops[0]);
      expect(back.length, `${node} running again`).toBeGreaterThan(0);
      return { node, stop: stops[0], running: back[0] };
    }).sort((a, b) => a.stop - b.stop);
    for (let i = 1; i < restarts.length; i++) {
      expect(restarts[i].stop, `${restarts[i].node} stops after ${restarts[i - 1].node} is back`).toBeGreaterThan(restarts[i - 1].running);
    }
    // The group committed throughout: before the first restart, after the last, and never long without.
    expect(
      committed.some((t) => t < restarts[0].stop),
      "a commit before the first restart",
    ).toBe(true);
    expect(
      committed.some((t) => t > restarts[restarts.length - 1].running),
      "a commit after the last restart",
    ).toBe(true);
    const times = [since, ...committed];
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps), "longest time without a commit (ms)").toBeLessThan(40_000);

    for (const node of NODES) {
      expect(await nodeIdOf(node), `${node} keeps its node ID`).toBe(before[node].nodeId);
      expect(conf(node, "gmnode.key"), `${node} keeps its key`).toBe(before[node].key);
      expect(conf(node, "gmnode.crt"), `${node} has a new certificate`).not.toBe(before[node].cert);
      const leaf = new X509Certificate(conf(node, "gmnode.crt"));
      expect(leaf.publicKey.export({ type: "spki", format: "pem" })).toBe(
        new X509Certificate(before[node].cert).publicKey.export({ type: "spki", format: "pem" }),
      );
      expect(Math.round((Date.parse(leaf.validTo) - Date.now()) / DAY_MS), node).toBe(VALIDITY_DAYS);
      // ca.crt (a v1 root) renewed in place: same serial, so what the old one signed still verifies.
      const [oldCa, newCa] = [before[node].ca, conf(node, "origin_cert/ca.crt")].map((pem) => new X509Certificate(pem));
      expect(newCa.raw.equals(oldCa.raw), `${node} ca.crt renewed`).toBe(false);
      expect(newCa.serialNumber, `${node} ca.crt serial`).toBe(oldCa.serialNumber);
    }
  }, 900_000);

  it("OpenSSL verifies the new chains: GM (SM2, with the distinguishing ID) and origin_cert", () => {
    for (const node of NODES) {
      for (const out of opensslVerify(node, "gmnode.crt", "gmca.crt", true)) expect(out, node).toMatch(/: OK$/m);
      for (const out of opensslVerify(node, "origin_cert/node.crt", "origin_cert/ca.crt", false)) expect(out, node).toMatch(/: OK$/m);
    }
  });

  it("the stack output lists every certificate a year from expiry, and a second run plans no change", async () => {
    const out = JSON.parse((await stack!.pulumiOk(["stack", "output", "certificates", "--json"])).stdout) as {
      chain: Record<string, { daysLeft: number }>;
      nodes: Record<string, Record<string, { daysLeft: number }>>;
    };
    expect(Object.keys(out.nodes).sort()).toEqual(NODES);
    for (const expiry of [...Object.values(out.chain), ...Object.values(out.nodes).flatMap((n) => Object.values(n))]) {
      expect(expiry.daysLeft).toBeGreaterThanOrEqual(VALIDITY_DAYS - 1);
    }
    await stack!.pulumiOk(["preview", "--expect-no-changes"]);
  }, 300_000);

  it("replacing the chain CA's key is refused in preview, explaining the migration it needs", async () => {
    const state = JSON.parse((await stack!.pulumiOk(["stack", "export"])).stdout) as { deployment: { resources: { urn: string }[] } };
    const urn = state.deployment.resources.find((r) => r.urn.endsWith("::chain-gmca-key"))!.urn;
    const r = await stack!.pulumi(["preview", "--replace", urn]);
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain("chain-gmca-cert: the chain CA (gmca.crt) would be re-issued on a new key");
    expect(out).toContain("stop every node, give every node the new gmca.crt");
  }, 300_000);
});
