/**
 * A membership change that would halt a group is refused in preview under the REAL Pulumi engine
 * (issue 11 acceptance): group 1 of four pbft sealers (stand-in nodes) installed on the sshd rig's
 * two hosts; node3 is stopped by hand, then node2 is declared an observer. That leaves n = 3
 * sealers of which two run, below pbft's quorum of 3, so `pulumi preview --diff` fails naming the group,
 * the arithmetic and node3, and the chain's lists stay as they were.
 *
 * Own port range: p2p 30600+, channel 23100+, JSON-RPC 11300+. Needs what seed-engine.test.ts
 * needs (engine from scripts/install-pulumi.sh, /usr/sbin/sshd, the stand-in Command provider).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rigTopology, run, startEngineStack, tearDownRigStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const NODES = ["node0", "node1", "node2", "node3"];
/** Two sealers per host: stopping node3 takes down one of host1's. */
const host = (node: string) => (NODES.indexOf(node) < 2 ? 0 : 1);
const rpcPort = (node: string) => 11300 + Number(node.slice(4));

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let topology: Record<string, any>;
const nodeDir = (node: string) => join(stack!.work, `host${host(node)}`, node);
const sealersAsNode0Reports = async () => [...(await rpcResult<string[]>(rpcPort("node0"), "getSealerList", [1]))].sort();

beforeAll(async () => {
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-quorum-refusal-", "quorum");
  const deployDir = (i: number) => join(stack!.work, `host${i}`);
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (node) => ({
    host: host(node),
    p2pPort: 30600 + Number(node.slice(4)),
    channelPort: 23100 + Number(node.slice(4)),
    rpcPort: rpcPort(node),
  }));
  // The dev chain without node4 and its raft group: group 1's four sealers only.
  topology.agencies.agencyC = {};
  delete topology.groups["2"];
  stack.writeTopology(topology);
  await stack.pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(() => tearDownRigStack(stack, rig, stack ? NODES.map(nodeDir) : []), 300_000);

describe("a change that would halt a pbft group is refused in preview (stand-in nodes, sshd rig, real engine)", () => {
  it("stop node3 by hand, declare node2 an observer: preview fails with the group, the arithmetic and node3; the lists stay", async () => {
    await stack!.pulumiOk(["up", "--yes", "--skip-preview"]);
    const before = await waitFor("group 1's four sealers", async () => {
      const list = await sealersAsNode0Reports();
      return list.length === 4 ? list : undefined;
    });

    const stopped = await run("bash", ["stop.sh"], { cwd: nodeDir("node3"), env: process.env, timeoutMs: 30_000 });
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitFor("node3 to stop answering", () =>
      rpcResult(rpcPort("node3"), "getClientVersion", []).then(
        () => undefined,
        () => true,
      ),
    );

    topology.groups["1"] = { ...topology.groups["1"], sealers: ["node0", "node1", "node3"], observers: ["node2"] };
    stack!.writeTopology(topology);
    const preview = await stack!.pulumi(["preview", "--diff"]);
    const output = preview.stdout + preview.stderr;
    expect(preview.code, output).not.toBe(0);
    expect(output).toContain("group 1 (pbft)");
    expect(output).toContain("making sealer node2 an observer");
    expect(output).toContain("2 live sealers of 3");
    expect(output).toContain("n = 3, f = floor((3 - 1) / 3) = 0, quorum n - f = 3");
    expect(output).toMatch(/node3 [^;]*down/);
    expect(output).toContain("bring node3 back first");

    expect(await sealersAsNode0Reports()).toEqual(before);
    expect(await rpcResult<string[]>(rpcPort("node1"), "getObserverList", [1])).toEqual([]);
  }, 900_000);
});
