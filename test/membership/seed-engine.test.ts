/**
 * The seed's membership change under the REAL Pulumi engine (issue 7 acceptance): the dev chain
 * (five stand-in nodes) installed on the sshd rig's two hosts, then the seed's changes as one
 * topology edit: group 1 sealers node0, node3, observer node1, free node2; agency D's node5 (on
 * host1) joins group 2 as a sealer beside node3, node4; new group 3 (pbft) from node3 and node5.
 * `pulumi preview --diff` shows each changing group's plan (the steps in order, with the sealers
 * and quorum after each). One `pulumi up` applies it through the per-group Membership resources; then every member
 * reports the declared lists, group 3 runs on node3 and node5, node2 runs group 1 without a role,
 * a re-run plans nothing, and an addObserver made by hand with the stack's governance key shows
 * as drift on `pulumi refresh`.
 *
 * Own port range: p2p 32500+, channel 22500+, JSON-RPC 10700+. Needs what install-rig.test.ts
 * needs (engine from scripts/install-pulumi.sh, /usr/sbin/sshd, the stand-in Command provider).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rigTopology, startEngineStack, tearDownRigStack, type EngineStack } from "../rig/engine-project";
import { RpcClient } from "../../infra/rpc/client";
import { changeConsensus } from "../../infra/rpc/consensus";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "seed";
/** Node → rig host index. */
const PLACEMENT: Record<string, number> = { node0: 0, node1: 0, node2: 0, node3: 1, node4: 1, node5: 1 };
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 32500;
const CHANNEL_BASE = 22500;
const RPC_BASE = 10700;

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let topology: Record<string, any>;

const deployDir = (host: number) => join(stack!.work, `host${host}`);
const pulumi = (args: string[]) => stack!.pulumi(args);
const pulumiOk = (args: string[]) => stack!.pulumiOk(args);
const writeStackConfig = () => stack!.writeTopology(topology);

beforeAll(async () => {
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-seed-engine-", STACK);
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (name) => ({
    host: PLACEMENT[name],
    p2pPort: port(P2P_BASE, name),
    channelPort: port(CHANNEL_BASE, name),
    rpcPort: port(RPC_BASE, name),
  }));
  writeStackConfig();
  await pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(() => tearDownRigStack(stack, rig), 300_000);

const nodeIdOf = async (node: string): Promise<string> =>
  (await rpcResult<{ nodeId?: string; NodeID?: string }>(port(RPC_BASE, node), "getNodeInfo", [])).NodeID ?? "";
const sorted = (xs: string[]) => [...xs].sort();
async function namesOf(ids: string[]): Promise<string[]> {
  const byId = new Map<string, string>();
  for (const node of Object.keys(PLACEMENT)) if (existsSync(join(deployDir(PLACEMENT[node]), node))) byId.set((await nodeIdOf(node)).toLowerCase(), node);
  return sorted(ids.map((id) => byId.get(id.toLowerCase()) ?? id));
}

/** The seed's changes as one edit of the topology. */
function applySeedChange(): void {
  topology.agencies.agencyD = {
    nodes: { node5: { host: "host1", p2pPort: port(P2P_BASE, "node5"), channelPort: port(CHANNEL_BASE, "node5"), rpcPort: port(RPC_BASE, "node5") } },
  };
  const ts = topology.groups["1"].timestamp as number;
  topology.groups["1"] = { ...topology.groups["1"], sealers: ["node0", "node3"], observers: ["node1"], free: ["node2"] };
  topology.groups["2"] = { ...topology.groups["2"], sealers: ["node3", "node4", "node5"] };
  topology.groups["3"] = { consensus: "pbft", sealers: ["node3", "node5"], timestamp: ts + 1 };
  writeStackConfig();
}

const DECLARED: Record<number, { sealers: string[]; observers: string[]; members: string[] }> = {
  1: { sealers: ["node0", "node3"], observers: ["node1"], members: ["node0", "node1", "node3"] },
  2: { sealers: ["node3", "node4", "node5"], observers: [], members: ["node3", "node4", "node5"] },
  3: { sealers: ["node3", "node5"], observers: [], members: ["node3", "node5"] },
};

describe("the seed's membership change under the real engine (stand-in nodes, sshd rig)", () => {
  it("installs the starting chain: five nodes, group 1 sealers node0-node3", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    const ids = await waitFor("group 1's four sealers", async () => {
      const list = await rpcResult<string[]>(port(RPC_BASE, "node0"), "getSealerList", [1]);
      return list.length === 4 ? list : undefined;
    });
    expect(await namesOf(ids)).toEqual(["node0", "node1", "node2", "node3"]);
  }, 600_000);

  it("pulumi preview --diff shows, per group whose roles change, the steps up will send with the quorum after each", async () => {
    applySeedChange();
    const preview = await pulumiOk(["preview", "--diff"]);
    // The engine prints the Membership's `plan` input one line per element: `+ [2]: "group 1 step 1: …"`.
    const plan = preview.stdout.split("\n").flatMap((line) => /^\s*\+\s+\[\d+\]: "(group \d.*)"$/.exec(line)?.[1] ?? []);
    const shown = plan.join("\n");
    // Group 1 is observed (its members' IDs are known); node5's ID is known only during the update.
    expect(shown).toMatch(/^group 1 \(pbft\): sealers node[0-3], node[0-3], node[0-3], node[0-3]; observers none, as the chain reports now$/m);
    const group1 = plan.filter((l) => l.startsWith("group 1 step"));
    expect(group1).toEqual([
      expect.stringMatching(/^group 1 step 1: addObserver node1 \(via node[03]\): sealers 4 → 3, pbft quorum 3 of 3 live$/),
      expect.stringMatching(/^group 1 step 2: removeNode node2 \(via node[03]\): sealers 3 → 2, pbft quorum 2 of 2 live$/),
    ]);
    // node5, installed by this update with group 2's files, joins: an observer first, synced, then a sealer; raft's majority of 3 is 2.
    const group2 = plan.filter((l) => l.startsWith("group 2 step")).map((l) => l.replace(/^group 2 step \d+: /, ""));
    expect(group2).toEqual([
      expect.stringMatching(/^addObserver node5 \(via node[34]\): sealers stay 2, raft quorum 2 of 2 live$/),
      expect.stringMatching(/^wait until node5 is a member within 10 blocks of the group, connected to node[34], node[34]$/),
      expect.stringMatching(/^addSealer node5 \(via node[34]\): sealers 2 → 3, raft quorum 2 of 3 live$/),
    ]);
    // Group 3 is new: the install starts it from its genesis with both sealers, leaving nothing to send.
    expect(plan.filter((l) => l.startsWith("group 3"))).toEqual([]);
  }, 300_000);

  it("one pulumi up applies the seed's change: every member reports the declared lists", async () => {
    const r = await pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(r.stdout).toMatch(/group 1: .*node1: sealer → observer/);
    for (const [group, declared] of Object.entries(DECLARED)) {
      for (const member of declared.members) {
        const sealers = await rpcResult<string[]>(port(RPC_BASE, member), "getSealerList", [Number(group)]);
        const observers = await rpcResult<string[]>(port(RPC_BASE, member), "getObserverList", [Number(group)]);
        expect(await namesOf(sealers), `group ${group} sealers as ${member} reports them`).toEqual(declared.sealers);
        expect(await namesOf(observers), `group ${group} observers as ${member} reports them`).toEqual(declared.observers);
      }
    }
  }, 900_000);

  it("group 3 is RUNNING on node3 and node5; node2 still runs, with no role in group 1", async () => {
    for (const node of ["node3", "node5"]) {
      const status = await rpcResult<{ status: string }>(port(RPC_BASE, node), "queryGroupStatus", [3]);
      expect(status.status, node).toBe("RUNNING");
    }
    // node2 answers and still runs group 1 (a free node), but is in neither list, as node0 reports them:
    // a node with no role refuses list queries for the group.
    expect(await rpcResult(port(RPC_BASE, "node2"), "getClientVersion", [])).toBeTruthy();
    expect((await rpcResult<{ status: string }>(port(RPC_BASE, "node2"), "queryGroupStatus", [1])).status).toBe("RUNNING");
    const sealers = await rpcResult<string[]>(port(RPC_BASE, "node0"), "getSealerList", [1]);
    const observers = await rpcResult<string[]>(port(RPC_BASE, "node0"), "getObserverList", [1]);
    const node2 = (await nodeIdOf("node2")).toLowerCase();
    expect([...sealers, ...observers].map((id) => id.toLowerCase())).not.toContain(node2);
  }, 120_000);

  it("a second run plans no change", async () => {
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 300_000);

  it("refresh after a hand-made addObserver shows the drift", async () => {
    const state = JSON.parse((await pulumiOk(["stack", "export", "--show-secrets"])).stdout) as {
      deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] };
    };
    // --show-secrets leaves a secret as { <sig>: …, plaintext: "<JSON of the value>" }.
    const stored = state.deployment.resources.find((r) => r.urn.endsWith("::governance-key"))!.outputs!.privateKeyPem as string | { plaintext: string };
    const key = typeof stored === "string" ? stored : (JSON.parse(stored.plaintext) as string);
    expect(key).toMatch(/BEGIN PRIVATE KEY/);
    // node4 runs no group 1 and so was no member: make it an observer by hand, as a console would.
    const node4 = await nodeIdOf("node4");
    await changeConsensus(new RpcClient({ host: "127.0.0.1", port: port(RPC_BASE, "node0") }), key, "addObserver", {
      group: 1,
      nodeId: node4,
      nodeName: "node4",
    });
    const r = await pulumiOk(["refresh", "--yes"]);
    expect(r.stdout).toMatch(/group-1-membership/);
    const after = JSON.parse((await pulumiOk(["stack", "export"])).stdout) as {
      deployment: { resources: { urn: string; outputs?: { roles?: Record<string, string> } }[] };
    };
    const membership = after.deployment.resources.find((r) => r.urn.endsWith("::group-1-membership"))!;
    expect(membership.outputs!.roles).toMatchObject({ node0: "sealer", node3: "sealer", node1: "observer", node4: "observer" });
    const preview = await pulumi(["preview", "--expect-no-changes"]);
    expect(preview.code).not.toBe(0);
  }, 600_000);
});
