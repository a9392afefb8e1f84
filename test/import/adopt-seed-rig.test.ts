/**
 * The seed's change on an imported, RUNNING seed-shaped chain (REAL engine, sshd rig, stand-in
 * nodes): build_chain GM folders for agencies A–C (node0–node2 of agencyA, node3 of agencyB, node4
 * of agencyC on one address; group 1 pbft node0–node3, group 2 raft node3, node4), with the chain's
 * cert/ and gmcert/ (CA keys present, so agency D can be certified), started by hand. Import, adopt
 * with chain.install (same processes), then the seed's change as one topology edit: agency D and
 * its node5, group 1 sealers node0, node3 with observer node1 and node2 free, node5 a sealer of
 * group 2, new group 3 (pbft) from node3 and node5. One `pulumi up` applies it; every member
 * reports the declared lists over JSON-RPC, and a further preview shows no change.
 *
 * Own port range: p2p 31200+, channel 24800+, JSON-RPC 12800+.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importChain } from "../../infra/import/import-chain";
import type { ImportRecord } from "../../infra/import/import-record";
import { engineEnvironment, type PulumiOnStack, pulumiOnStack } from "../rig/engine-project";
import type { SshRig } from "../rig/sshd";
import { rpcResult, stopProcess, waitFor } from "../standin/harness";
import type { FixtureSpec } from "./chain-fixture";
import { editStackFile, installOnRig, pidOfFolder, startHandMadeChain, prepareAdoptionWork } from "./running-chain";

const repoRoot = join(__dirname, "..", "..");
const STACK = "adopted-seed";
const PASSPHRASE = "adopt-seed-passphrase";
const AGENCY: Record<string, string> = { node0: "agencyA", node1: "agencyA", node2: "agencyA", node3: "agencyB", node4: "agencyC" };
const IMPORTED = Object.keys(AGENCY);
const ALL = [...IMPORTED, "node5"];
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 31200;
const CHANNEL_BASE = 24800;
const RPC_BASE = 12800;

let rig: SshRig | undefined;
let work = "";
let project = "";
let chainDir = "";
let stack: PulumiOnStack;
const pids: Record<string, number> = {};

const nodeDir = (node: string) => join(chainDir, rig!.hosts[0].address, node);
const stackFile = () => join(project, "stacks", `Pulumi.${STACK}.yaml`);
const sorted = (xs: string[]) => [...xs].sort();

const nodeIdOf = async (node: string): Promise<string> => (await rpcResult<{ NodeID: string }>(port(RPC_BASE, node), "getNodeInfo", [])).NodeID;
async function namesOf(ids: string[]): Promise<string[]> {
  const byId = new Map<string, string>();
  for (const node of ALL) if (existsSync(nodeDir(node))) byId.set((await nodeIdOf(node)).toLowerCase(), node);
  return sorted(ids.map((id) => byId.get(id.toLowerCase()) ?? id));
}

beforeAll(async () => {
  const prepared = await prepareAdoptionWork(repoRoot, 1, "bcos-adopt-seed-");
  ({ rig, work, project, chainDir } = prepared);
  const { binDir, binary } = prepared;
  const ip = rig.hosts[0].address;
  const label = (node: string) => `${ip}/${node}`;
  const spec: FixtureSpec = {
    layout: "build_chain",
    gm: true,
    chainId: 1,
    nodes: IMPORTED.map((folder) => ({
      folder,
      agency: AGENCY[folder],
      ip,
      p2pPort: port(P2P_BASE, folder),
      channelPort: port(CHANNEL_BASE, folder),
      rpcPort: port(RPC_BASE, folder),
    })),
    groups: [
      { id: 1, consensus: "pbft", sealers: ["node0", "node1", "node2", "node3"].map(label), observers: [], timestamp: 1700000000000 },
      { id: 2, consensus: "raft", sealers: ["node3", "node4"].map(label), observers: [], timestamp: 1700000000000 },
    ],
  };
  const started = await startHandMadeChain(spec, chainDir, binary);
  for (const node of IMPORTED) pids[node] = started[label(node)];
  await waitFor("the hand-started chain to see its peers", async () =>
    (await rpcResult<unknown[]>(port(RPC_BASE, "node0"), "getPeers", [1])).length === 4 ? true : undefined,
  );

  const env = engineEnvironment(binDir, work, PASSPHRASE, [join(repoRoot, "test", "rig")]);
  stack = pulumiOnStack(binDir, project, env, STACK, 600_000);
  importChain({ from: chainDir, stack: STACK, hostNames: new Map([[ip, "rigHost"]]), allowForeignPeers: false, projectDir: project, passphrase: PASSPHRASE });
  await stack.pulumiOk(["stack", "init", STACK]);
  await stack.pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    for (const node of ALL) {
      const pid = rig && pidOfFolder(nodeDir(node));
      if (pid) await stopProcess(pid);
    }
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 120_000);

const DECLARED: Record<number, { sealers: string[]; observers: string[]; members: string[] }> = {
  1: { sealers: ["node0", "node3"], observers: ["node1"], members: ["node0", "node1", "node3"] },
  2: { sealers: ["node3", "node4", "node5"], observers: [], members: ["node3", "node4", "node5"] },
  3: { sealers: ["node3", "node5"], observers: [], members: ["node3", "node5"] },
};

describe("the seed's change on an imported running chain (real engine, stand-in nodes, sshd rig)", () => {
  it("imports agencies A-C with the chain CA key and adopts the running nodes without restarting them", async () => {
    const record = yaml.load(readFileSync(stackFile(), "utf8")) as { config: { "bcos:imported": ImportRecord } };
    expect(record.config["bcos:imported"].chain.gm?.hasKey).toBe(true);
    editStackFile(stackFile(), (config) => {
      expect(sorted(Object.keys(config["bcos:topology"].agencies))).toEqual(["agencyA", "agencyB", "agencyC"]);
      installOnRig(config, "rigHost", rig!, join(work, "fisco-bcos"), join(work, "out"));
    });
    const up = await stack.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).not.toContain("restarting");
    for (const node of IMPORTED) expect(pidOfFolder(nodeDir(node)), node).toBe(pids[node]);
    await stack.pulumiOk(["preview", "--expect-no-changes"]);
  }, 900_000);

  it("one pulumi up applies the seed's change (agency D and node5 added): every member reports the declared lists", async () => {
    editStackFile(stackFile(), (config) => {
      const topology = config["bcos:topology"];
      topology.agencies.agencyD = {
        nodes: { node5: { host: "rigHost", p2pPort: port(P2P_BASE, "node5"), channelPort: port(CHANNEL_BASE, "node5"), rpcPort: port(RPC_BASE, "node5") } },
      };
      const ts = Number(topology.groups["1"].timestamp);
      topology.groups["1"] = { ...topology.groups["1"], sealers: ["node0", "node3"], observers: ["node1"], free: ["node2"] };
      topology.groups["2"] = { ...topology.groups["2"], sealers: ["node3", "node4", "node5"] };
      delete topology.groups["2"].observers;
      topology.groups["3"] = { consensus: "pbft", sealers: ["node3", "node5"], timestamp: ts + 1 };
    });
    await stack.pulumiOk(["up", "--yes", "--skip-preview"]);
    for (const [group, declared] of Object.entries(DECLARED)) {
      for (const member of declared.members) {
        const sealers = await rpcResult<string[]>(port(RPC_BASE, member), "getSealerList", [Number(group)]);
        const observers = await rpcResult<string[]>(port(RPC_BASE, member), "getObserverList", [Number(group)]);
        expect(await namesOf(sealers), `group ${group} sealers as ${member} reports them`).toEqual(declared.sealers);
        expect(await namesOf(observers), `group ${group} observers as ${member} reports them`).toEqual(declared.observers);
      }
    }
    // node2 keeps running group 1, with no role; the adopted nodes kept their ledgers.
    expect((await rpcResult<{ status: string }>(port(RPC_BASE, "node2"), "queryGroupStatus", [1])).status).toBe("RUNNING");
    for (const node of IMPORTED) expect(existsSync(join(nodeDir(node), "data")), node).toBe(true);
    await stack.pulumiOk(["preview", "--expect-no-changes"]);
  }, 900_000);
});
