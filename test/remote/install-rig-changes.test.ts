/**
 * Remote installs under the REAL Pulumi engine against the sshd rig, part two (issue 6 acceptance):
 * the faults install-rig.test.ts does not cover and a node taken out of the topology. Same setup as install-rig.test.ts (the dev chain's five nodes on two SSH
 * "hosts", stand-in binary and nodes, stand-in Command provider from test/rig on PATH), its own
 * port range (p2p 32300+, channel 22300+, JSON-RPC 10500+), host keys pinned in the topology.
 *
 * In order: a wrong SSH login key and an unreachable host each fail `pulumi up` naming the host
 * and the cause; a re-run after the fix converges (all five nodes see four peers); taking node2
 * out of group 1's sealers and out of agencyA moves its folder (ledger included) to
 * `<deployDir>/.removed/node2-<timestamp>/` and leaves the other four healthy.
 *
 * Removing a sealer from a real chain needs a membership change first (removeNode / the group's
 * sealer list); the stand-in nodes simply keep running without node2.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rigTopology, run, startEngineStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "rig";
const PLACEMENT: Record<string, number> = { node0: 0, node1: 0, node2: 0, node3: 1, node4: 1 };
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 32300;
const CHANNEL_BASE = 22300;
const RPC_BASE = 10500;

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let work = "";
let topology: Record<string, any>;

const deployDir = (host: number) => join(work, `host${host}`);
const nodeDir = (node: string) => join(deployDir(PLACEMENT[node]), node);

const pulumi = (args: string[]) => stack!.pulumi(args);
const pulumiOk = (args: string[]) => stack!.pulumiOk(args);
const up = () => pulumi(["up", "--yes", "--skip-preview"]);
const setLoginKey = (pem: string) => pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", pem]);

const writeStackConfig = () => stack!.writeTopology(topology);

async function expectPeers(nodes: string[]): Promise<void> {
  for (const node of nodes) {
    const peers = await waitFor(
      `${node} to see ${nodes.length - 1} peers`,
      async () => {
        const list = await rpcResult<unknown[]>(port(RPC_BASE, node), "getPeers", [1]).catch(() => undefined);
        return list?.length === nodes.length - 1 ? list : undefined;
      },
      60_000,
    );
    expect(peers, node).toHaveLength(nodes.length - 1);
  }
}

/** Stops whatever stand-in node is still running in the work dir (after a failed destroy). */
async function stopLeftoverNodes(): Promise<void> {
  for (const host of [0, 1]) {
    const dir = deployDir(host);
    if (!existsSync(dir)) continue;
    for (const node of readdirSync(dir)) {
      if (existsSync(join(dir, node, "stop.sh"))) await run("bash", ["stop.sh"], { cwd: join(dir, node), env: process.env, timeoutMs: 30_000 });
    }
  }
}

beforeAll(async () => {
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-install-rig-changes-", STACK);
  work = stack.work;
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (name) => ({
    host: PLACEMENT[name],
    p2pPort: port(P2P_BASE, name),
    channelPort: port(CHANNEL_BASE, name),
    rpcPort: port(RPC_BASE, name),
  }));
  writeStackConfig();
}, 20 * 60_000);

afterAll(async () => {
  try {
    if (stack && existsSync(join(work, "state"))) await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    if (work) await stopLeftoverNodes().catch(() => undefined);
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 300_000);

describe("faults and node removal under the real engine (sshd rig)", () => {
  it("a login key the hosts do not accept fails the run naming the host and the cause", async () => {
    const other = join(work, "other_ed25519");
    await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other], { cwd: work, env: process.env, timeoutMs: 30_000 });
    await setLoginKey(readFileSync(other, "utf8"));
    const r = await up();
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(`ssh ${rig!.user}@${rig!.hosts[0].address}:${rig!.hosts[0].port}`);
    expect(r.stdout).toMatch(/authentication methods failed/i);
    for (const node of Object.keys(PLACEMENT)) expect(existsSync(nodeDir(node)), node).toBe(false);
    await setLoginKey(rig!.privateKeyPem);
  }, 600_000);

  it("an unreachable host fails the run naming the host and the cause", async () => {
    topology.hosts.host1.address = "127.0.0.9"; // nothing listens there
    writeStackConfig();
    try {
      const r = await up();
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain(`127.0.0.9:${rig!.hosts[1].port}`);
      expect(r.stdout).toContain("ECONNREFUSED");
    } finally {
      topology.hosts.host1.address = rig!.hosts[1].address;
      writeStackConfig();
    }
  }, 600_000);

  it("a re-run once the faults are fixed converges: all five nodes healthy, each seeing four peers", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    await expectPeers(Object.keys(PLACEMENT));
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);

  it("taking node2 out of group 1 and agencyA moves its folder, ledger included, to .removed/ and keeps the others healthy", async () => {
    delete topology.agencies.agencyA.nodes.node2;
    topology.groups["1"].sealers = topology.groups["1"].sealers.filter((n: string) => n !== "node2");
    writeStackConfig();
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(existsSync(nodeDir("node2"))).toBe(false);
    const removed = join(deployDir(PLACEMENT.node2), ".removed");
    const moved = readdirSync(removed).filter((f) => /^node2-\d{8}T\d{6}Z(\.\d+)?$/.test(f));
    expect(moved).toHaveLength(1);
    expect(existsSync(join(removed, moved[0], "data")), "node2's data kept").toBe(true);
    expect(existsSync(join(removed, moved[0], "conf")), "node2's conf kept").toBe(true);
    await expectPeers(["node0", "node1", "node3", "node4"]);
    // node2's ID went into the others' blacklist in a second install pass after its removal; the
    // next run brings the first pass level with it (files unchanged, no restart).
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);
});
