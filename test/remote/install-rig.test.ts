/**
 * Remote installs under the REAL Pulumi engine against the sshd rig (issue 6 acceptance): the dev
 * chain's five nodes on two SSH "hosts" (127.0.0.2, 127.0.0.3, pinned host keys), the stand-in
 * node binary uploaded to each. Checks: a wrong binary checksum and a node that cannot start fail
 * the run with the cause (and the node's name), a re-run after the fix converges with every node
 * healthy and seeing the other four as peers,
 * key files 0600 on the hosts, a re-run plans nothing, a config change on group 1's sealers
 * restarts them one at a time in declaration order, and destroy stops every node and moves its
 * folder (ledger included) to `.removed/`.
 *
 * Needs scripts/install-pulumi.sh (engine), /usr/sbin/sshd (`.ci/run` installs it) and the
 * stand-in Command provider in test/rig (put on PATH here).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rigTopology, startEngineStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "rig";
/** Node → rig host index; ports from a range no other test file uses. */
const PLACEMENT: Record<string, number> = { node0: 0, node1: 0, node2: 0, node3: 1, node4: 1 };
const port = (base: number, node: string) => base + Number(node.slice(4));
const RPC_BASE = 10300;
const GROUP1_SEALERS = ["node0", "node1", "node2", "node3"];

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let work = "";
let topology: Record<string, any>;

const deployDir = (host: number) => join(work, `host${host}`);
const nodeDir = (node: string) => join(deployDir(PLACEMENT[node]), node);

const pulumi = (args: string[]) => stack!.pulumi(args);
const pulumiOk = (args: string[]) => stack!.pulumiOk(args);
const writeStackConfig = () => stack!.writeTopology(topology);

/** `[INITIALIZER] stopping` / `running` lines of a node's stand-in logs, as [time, event]. */
function lifecycle(node: string): [number, "stopping" | "running"][] {
  const dir = join(nodeDir(node), "log");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .flatMap((line): [number, "stopping" | "running"][] => {
      const m = /^\w+\|([^|]+)\|\[INITIALIZER\] (stopping|running)$/.exec(line);
      return m ? [[Date.parse(m[1]), m[2] as "stopping" | "running"]] : [];
    })
    .sort((a, b) => a[0] - b[0]);
}

beforeAll(async () => {
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-install-rig-", STACK);
  work = stack.work;
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (name) => ({
    host: PLACEMENT[name],
    p2pPort: port(32100, name),
    channelPort: port(22100, name),
    rpcPort: port(RPC_BASE, name),
  }));
  writeStackConfig();
  await pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig!.privateKeyPem]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    if (stack && existsSync(join(work, "state"))) await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 300_000);

describe("node installs over SSH under the real engine (stand-in nodes, sshd rig)", () => {
  it("a wrong chain.binary.sha256 fails the run with both digests, before any node is installed", async () => {
    const binary = topology.chain.binary as { path: string; sha256?: string };
    binary.sha256 = "0".repeat(64);
    writeStackConfig();
    const r = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(`sha256 mismatch: expected ${"0".repeat(64)}`);
    expect(r.stdout).toContain(createHash("sha256").update(readFileSync(binary.path)).digest("hex"));
    for (const node of Object.keys(PLACEMENT)) expect(existsSync(nodeDir(node)), node).toBe(false);
    delete binary.sha256;
    writeStackConfig();
  }, 600_000);

  it("a node that exits at start fails the run with its name and the log line saying why", async () => {
    // Something else holds node4's channel port.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port(22100, "node4"), "0.0.0.0", resolve));
    try {
      const r = await pulumi(["up", "--yes", "--skip-preview"]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain("node4 on ");
      expect(r.stdout).toContain(": starting the node failed: start.sh failed");
      // The message quotes the short command line, not the ~5 KB script (which stays in the state).
      expect(r.stdout).toMatch(/running "env deploy_dir=.* node='node4' .* bash -s"/);
      expect(r.stdout).not.toContain("rpc_call()");
      expect(r.stdout).toContain(`cannot listen on the channel port 0.0.0.0:${port(22100, "node4")}: EADDRINUSE`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 600_000);

  it("pulumi up, once the faults are gone, converges: all five nodes answer JSON-RPC and see the other four as peers", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    for (const node of Object.keys(PLACEMENT)) {
      const peers = await waitFor(`${node} to see 4 peers`, async () => {
        const list = await rpcResult<unknown[]>(port(RPC_BASE, node), "getPeers", [1]);
        return list.length === 4 ? list : undefined;
      });
      expect(peers, node).toHaveLength(4);
    }
  }, 600_000);

  it("leaves the checked binary in each deployDir and every key file at mode 0600", () => {
    for (const host of [0, 1]) expect(statSync(join(deployDir(host), "fisco-bcos")).mode & 0o777).toBe(0o755);
    for (const node of Object.keys(PLACEMENT)) {
      for (const key of ["conf/gmnode.key", "conf/gmennode.key", "conf/origin_cert/node.key", "conf/channel_cert/node.key"]) {
        expect(statSync(join(nodeDir(node), key)).mode & 0o777, `${node}/${key}`).toBe(0o600);
      }
    }
  });

  it("keeps the login key and the node packages out of plain state", async () => {
    const exported = (await pulumiOk(["stack", "export"])).stdout;
    expect(exported).not.toContain(rig!.privateKeyPem.split("\n")[1]);
    expect(exported).not.toContain("PRIVATE KEY");
  });

  it("a re-run plans no change", async () => {
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 300_000);

  it("a config change on group 1's four sealers restarts them one at a time, in declaration order", async () => {
    const since = Date.now();
    for (const agency of Object.values(topology.agencies) as { nodes?: Record<string, Record<string, number>> }[]) {
      for (const [name, node] of Object.entries(agency.nodes ?? {})) if (GROUP1_SEALERS.includes(name)) node.channelPort += 50;
    }
    writeStackConfig();
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    // Per sealer: the stop and the next start after the change; windows must not overlap.
    const windows = GROUP1_SEALERS.map((node) => {
      const events = lifecycle(node).filter(([t]) => t >= since - 1000);
      const stop = events.find(([, e]) => e === "stopping");
      const start = events.find(([t, e]) => e === "running" && stop !== undefined && t >= stop[0]);
      expect(stop, `${node} was restarted`).toBeDefined();
      expect(start, `${node} came back`).toBeDefined();
      return { node, down: stop![0], up: start![0] };
    });
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i].down, `${windows[i].node} stops after ${windows[i - 1].node} is back`).toBeGreaterThanOrEqual(windows[i - 1].up);
    }
    // node4 seals group 2 only and its config did not change: not restarted.
    expect(lifecycle("node4").filter(([t, e]) => t >= since && e === "stopping")).toEqual([]);
  }, 600_000);

  it("destroy stops every node and moves its folder, ledger included, to <deployDir>/.removed/", async () => {
    await pulumiOk(["destroy", "--yes", "--skip-preview"]);
    for (const [node, host] of Object.entries(PLACEMENT)) {
      expect(existsSync(nodeDir(node)), node).toBe(false);
      const moved = readdirSync(join(deployDir(host), ".removed")).filter((f) => f.startsWith(`${node}-`));
      expect(moved, node).toHaveLength(1);
      expect(existsSync(join(deployDir(host), ".removed", moved[0], "data")), `${node} data kept`).toBe(true);
    }
  }, 600_000);
});
