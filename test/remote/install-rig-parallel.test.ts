/**
 * First installs in parallel, restarts one at a time (issue 12), under the REAL Pulumi engine with
 * stand-in nodes on three sshd rig hosts: the dev chain's five nodes spread over 127.0.0.2–4.
 * - A first install does not make a group's nodes wait for each other: with node0 unable to start
 *   (its channel port held), the other four, on every host, are still started and healthy in the
 *   same run (in the one-at-a-time chain they wait for node0, so none of them would start).
 * - Once installed, a config change on group 1's four sealers still restarts them one at a time,
 *   each back before the next stops (stand-in logs), and a re-run plans nothing.
 *
 * Ports 30900+, 24100+, 12100+ (no other test file uses them). Needs scripts/install-pulumi.sh
 * (engine), /usr/sbin/sshd and the stand-in Command provider in test/rig.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rigTopology, startEngineStack, tearDownRigStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
/** Node → rig host index: group 1's sealers on three hosts. */
const PLACEMENT: Record<string, number> = { node0: 0, node1: 1, node2: 2, node3: 0, node4: 1 };
const NODES = Object.keys(PLACEMENT);
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 30900;
const CHANNEL_BASE = 24100;
const RPC_BASE = 12100;
const GROUP1_SEALERS = ["node0", "node1", "node2", "node3"];

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let topology: Record<string, any>;

const deployDir = (host: number) => join(stack!.work, `host${host}`);
const nodeDir = (node: string) => join(deployDir(PLACEMENT[node]), node);

type Event = "starting" | "stopping" | "running";

/** The `[INITIALIZER]` start, stop and running lines of a node's stand-in logs, as [time, event], in time order. */
function lifecycle(node: string): [number, Event][] {
  const dir = join(nodeDir(node), "log");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .flatMap((line): [number, Event][] => {
      const m = /^\w+\|([^|]+)\|\[INITIALIZER\] (?:node \w+ )?(starting|stopping|running)\b/.exec(line);
      return m ? [[Date.parse(m[1]), m[2] as Event]] : [];
    })
    .sort((a, b) => a[0] - b[0]);
}

const seesPeers = (node: string, count: number) =>
  waitFor(`${node} to see ${count} peers`, async () => {
    const list = await rpcResult<unknown[]>(port(RPC_BASE, node), "getPeers", [1]);
    return list.length >= count ? list : undefined;
  });

beforeAll(async () => {
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  rig = await startSshRig({ hosts: 3, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-install-parallel-", "rig");
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (name) => ({
    host: PLACEMENT[name],
    p2pPort: port(P2P_BASE, name),
    channelPort: port(CHANNEL_BASE, name),
    rpcPort: port(RPC_BASE, name),
  }));
  stack.writeTopology(topology);
  await stack.pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(() => tearDownRigStack(stack, rig, stack ? NODES.map(nodeDir) : []), 300_000);

describe("installs in parallel on first creation, restarts one at a time (stand-in nodes, sshd rig, real engine)", () => {
  it("a first install starts every host's nodes without waiting for the others: node0 cannot start, the other four run", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port(CHANNEL_BASE, "node0"), "0.0.0.0", resolve));
    try {
      const r = await stack!.pulumi(["up", "--yes", "--skip-preview"]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain(`cannot listen on the channel port 0.0.0.0:${port(CHANNEL_BASE, "node0")}: EADDRINUSE`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // node1–node3 follow node0 in group 1 and node4 follows node3 in group 2: in a chain none would have started.
    for (const node of NODES.filter((n) => n !== "node0")) {
      expect(
        lifecycle(node).some(([, e]) => e === "running"),
        `${node} started`,
      ).toBe(true);
      await seesPeers(node, 3);
    }
    expect(
      lifecycle("node0").some(([, e]) => e === "starting"),
      "node0 tried to start",
    ).toBe(true);
  }, 600_000);

  it("once node0's port is free, pulumi up converges: all five run and see the other four", async () => {
    await stack!.pulumiOk(["up", "--yes", "--skip-preview"]);
    for (const node of NODES) expect(await seesPeers(node, 4), node).toHaveLength(4);
    await stack!.pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);

  it("a config change on group 1's four sealers, on three hosts, restarts them one at a time", async () => {
    const since = Date.now();
    for (const agency of Object.values(topology.agencies) as { nodes?: Record<string, Record<string, number>> }[]) {
      for (const [name, node] of Object.entries(agency.nodes ?? {})) if (GROUP1_SEALERS.includes(name)) node.channelPort += 50;
    }
    stack!.writeTopology(topology);
    await stack!.pulumiOk(["up", "--yes", "--skip-preview"]);
    const windows = GROUP1_SEALERS.map((node) => {
      const events = lifecycle(node).filter(([t]) => t >= since - 1000);
      const stop = events.find(([, e]) => e === "stopping");
      const start = events.find(([t, e]) => e === "running" && stop !== undefined && t >= stop[0]);
      expect(stop, `${node} was restarted`).toBeDefined();
      expect(start, `${node} came back`).toBeDefined();
      return { node, down: stop![0], up: start![0] };
    });
    windows.sort((a, b) => a.down - b.down);
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i].down, `${windows[i].node} stops after ${windows[i - 1].node} is back`).toBeGreaterThanOrEqual(windows[i - 1].up);
    }
    expect(lifecycle("node4").filter(([t, e]) => t >= since && e === "stopping")).toEqual([]);
    await stack!.pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);
});
