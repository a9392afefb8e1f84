/**
 * Agency installs under the REAL engine (index.ts with `bcos:party`), stand-in nodes on the sshd
 * rig: a committee and two agency stacks exchange bundles through a folder; agencyA (node0,
 * node1) and agencyB (node2, node3) install their nodes on one shared rig host and deployDir.
 * The chain runs (every node sees the other three), each folder's marker names its own stack,
 * the binary is placed once and kept; agencyB's up that restarts its node2 (a new RPC port in
 * its copy) leaves agencyA's nodes running, never restarted; every party then previews no changes.
 *
 * Needs scripts/install-pulumi.sh (engine), /usr/sbin/sshd and the stand-in Command provider in test/rig.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EngineStack,
  engineEnvironment,
  environmentWithoutPulumi,
  installEngine,
  type PulumiOnStack,
  pulumiOnStack,
  startEngineStack,
  tearDownRigStack,
} from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const REPO = join(__dirname, "..", "..");
const PREFIX = "bcos-agency-install-rig-";
/** Port bases no other test file uses. */
const P2P_BASE = 32200;
const CHANNEL_BASE = 25100;
const RPC_BASE = 13100;
const NODES = { agencyA: ["node0", "node1"], agencyB: ["node2", "node3"] } as const;
type Party = "committee" | "agencyA" | "agencyB";
const PARTIES: Party[] = ["committee", "agencyA", "agencyB"];

let rig: SshRig | undefined;
let engine: EngineStack | undefined;
let parties: Record<Party, PulumiOnStack>;
const deployDir = () => join(engine!.work, "shared-host");
const rpcPort = (i: number) => RPC_BASE + i;

function topology(node2RpcPort = rpcPort(2)): Record<string, unknown> {
  const host = rig!.hosts[0];
  const node = (i: number, rpc = rpcPort(i)) => ({ host: "server", p2pPort: P2P_BASE + i, channelPort: CHANNEL_BASE + i, rpcPort: rpc });
  return {
    chain: { id: 1, smCrypto: true, install: true, binary: { path: engine!.binary } },
    hosts: { server: { address: host.address, connection: { ssh: { port: host.port, user: rig!.user, hostKey: host.hostKey } }, deployDir: deployDir() } },
    agencies: { agencyA: { nodes: { node0: node(0), node1: node(1) } }, agencyB: { nodes: { node2: node(2, node2RpcPort), node3: node(3) } } },
    groups: { 1: { consensus: "pbft", sealers: ["node0", "node1", "node2", "node3"], timestamp: 1700000000000 } },
  };
}

function writeConfig(party: Party, t: Record<string, unknown>): void {
  const file = join(engine!.project, "stacks", `Pulumi.${party}.yaml`);
  const old = (existsSync(file) ? yaml.load(readFileSync(file, "utf8")) : {}) as { config?: Record<string, unknown> };
  const config = {
    ...(old.config ?? {}),
    "bcos:topology": t,
    "bcos:party": party,
    "bcos:exchange": { dir: join(engine!.work, "bundles") },
    "bcos:outputDir": join(engine!.work, "out", party),
    "bcos:healthTimeoutSeconds": 30,
  };
  writeFileSync(file, yaml.dump({ ...old, config }, { lineWidth: -1 }));
}

const up = (party: Party) => parties[party].pulumiOk(["up", "--yes", "--skip-preview"]);
const outputs = async (party: Party) => JSON.parse((await parties[party].pulumiOk(["stack", "output", "--json"])).stdout);

/** How often a node's stand-in logged that it started (its `[INITIALIZER] running` lines). */
function starts(node: string): number {
  const dir = join(deployDir(), node, "log");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .filter((line) => /\|\[INITIALIZER\] running$/.test(line)).length;
}

beforeAll(async () => {
  rig = await startSshRig({ hosts: 1 });
  engine = await startEngineStack(REPO, PREFIX, "committee");
  const binDir = await installEngine(REPO, environmentWithoutPulumi());
  const env = engineEnvironment(binDir, engine.work, PREFIX, [join(REPO, "test", "rig")]);
  parties = {
    committee: engine,
    agencyA: pulumiOnStack(binDir, engine.project, env, "agencyA"),
    agencyB: pulumiOnStack(binDir, engine.project, env, "agencyB"),
  };
  for (const agency of ["agencyA", "agencyB"] as const) await engine.pulumiOk(["stack", "init", agency]);
  for (const party of PARTIES) writeConfig(party, topology());
  for (const agency of ["agencyA", "agencyB"] as const) {
    await parties[agency].pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
  }
}, 20 * 60_000);

afterAll(async () => {
  // Each agency destroys its own nodes; the committee's stack has none.
  for (const agency of ["agencyA", "agencyB"] as const) await parties?.[agency].pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  await tearDownRigStack(engine, rig, engine ? ["node0", "node1", "node2", "node3"].map((n) => join(deployDir(), n)) : []);
}, 600_000);

describe("agency stacks install their own nodes on a shared host and deployDir (real engine, stand-in nodes, sshd rig)", () => {
  it(
    "rounds of up by the three parties converge to a running chain of both agencies' nodes",
    async () => {
      for (let round = 0; round < 3; round++) for (const party of PARTIES) await up(party);
      for (const party of PARTIES) expect((await outputs(party)).waitingFor, party).toEqual({});
      for (const i of [0, 1, 2, 3]) {
        const peers = await waitFor(
          `node${i} sees the other three`,
          async () => {
            const list = await rpcResult<unknown[]>(rpcPort(i), "getPeers", [1]);
            return list.length === 3 ? list : undefined;
          },
          60_000,
        );
        expect(peers).toHaveLength(3);
      }
      for (const [agency, nodes] of Object.entries(NODES)) {
        for (const node of nodes) expect(readFileSync(join(deployDir(), node, ".bcos-pulumi-owner"), "utf8"), node).toContain(`stack=bcos/${agency}\n`);
      }
      expect(existsSync(join(deployDir(), "fisco-bcos"))).toBe(true);
    },
    30 * 60_000,
  );

  it(
    "agencyB's up that restarts its node2 leaves agencyA's nodes running; then every party previews no changes",
    async () => {
      const before = Object.fromEntries(NODES.agencyA.map((n) => [n, starts(n)]));
      const node2Before = starts("node2");
      // The RPC port is the agency's own (not in the approved plan): node2's config changes, so it restarts.
      writeConfig("agencyB", topology(rpcPort(12)));
      await up("agencyB");
      expect(starts("node2")).toBe(node2Before + 1);
      for (const node of NODES.agencyA) expect(starts(node), node).toBe(before[node]);
      await rpcResult(rpcPort(12), "getClientVersion", []);
      for (const party of PARTIES) await parties[party].pulumiOk(["preview", "--expect-no-changes"]);
    },
    30 * 60_000,
  );
});
