/**
 * Adopting a RUNNING chain (REAL engine, sshd rig, stand-in nodes): a build_chain GM chain
 * (`build_chain -g -l <ip>:4`: node0…node3 in `<dir>/<ip>/`, its config.ini in build_chain's own
 * text) is started by hand from its folders the way build_chain's start.sh starts it, with no
 * ownership marker. `bcos-pulumi import`, then chain.install true with the host pointing at the
 * rig, then `pulumi up`: every node keeps its process (same PID, no restart), its ledger folder
 * and the blocks it had, gets our files and the ownership marker, and the chain keeps committing;
 * `preview --expect-no-changes` passes after.
 *
 * Needs scripts/install-pulumi.sh (engine) and /usr/sbin/sshd (`.ci/run` installs it).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importChain } from "../../infra/import/import-chain";
import { keyPairProvider } from "../../infra/providers/key-pair-provider";
import { engineEnvironment, type PulumiOnStack, pulumiOnStack } from "../rig/engine-project";
import type { SshRig } from "../rig/sshd";
import { rpcResult, stopProcess, waitFor } from "../standin/harness";
import type { FixtureSpec } from "./chain-fixture";
import { commitBlocks, editStackFile, installOnRig, pidOfFolder, startHandMadeChain, prepareAdoptionWork } from "./running-chain";

const repoRoot = join(__dirname, "..", "..");
const STACK = "adopted-rig";
const PASSPHRASE = "adopt-rig-passphrase";
const NODES = ["node0", "node1", "node2", "node3"];
/** Ports from a range no other test file uses. */
const rpcPort = (i: number) => 12700 + i;

let rig: SshRig | undefined;
let work = "";
let project = "";
let chainDir = "";
let stack: PulumiOnStack;
let senderKeyPem = "";
const pids: Record<string, number> = {};

const nodeDir = (node: string) => join(chainDir, rig!.hosts[0].address, node);
const stackFile = () => join(project, "stacks", `Pulumi.${STACK}.yaml`);

const pidOf = (node: string) => pidOfFolder(nodeDir(node));
const blockNumber = async (i: number) => Number.parseInt(await rpcResult<string>(rpcPort(i), "getBlockNumber", [1]), 16);
const commit = (count: number) =>
  commitBlocks(
    senderKeyPem,
    NODES.map((_, i) => rpcPort(i)),
    1,
    count,
  );

beforeAll(async () => {
  const prepared = await prepareAdoptionWork(repoRoot, 1, "bcos-adopt-rig-");
  ({ rig, work, project, chainDir } = prepared);
  const { binDir, binary } = prepared;
  // The chain as build_chain made it on the rig's host, started by hand there.
  const ip = rig.hosts[0].address;
  const spec: FixtureSpec = {
    layout: "build_chain",
    gm: true,
    chainId: 1,
    nodes: NODES.map((folder, i) => ({ folder, agency: "agency", ip, p2pPort: 31100 + i, channelPort: 24700 + i, rpcPort: rpcPort(i) })),
    groups: [{ id: 1, consensus: "pbft", sealers: NODES.map((n) => `${ip}/${n}`), observers: [], timestamp: 1700000000000 }],
  };
  const started = await startHandMadeChain(spec, chainDir, binary);
  for (const node of NODES) pids[node] = started[`${ip}/${node}`];
  senderKeyPem = ((await keyPairProvider.create({ algorithm: "sm2" })).outs as { privateKeyPem: string }).privateKeyPem;
  await waitFor("the hand-started chain to see its peers", async () =>
    (await rpcResult<unknown[]>(rpcPort(0), "getPeers", [1])).length === 3 ? true : undefined,
  );
  await commit(3);

  const env = engineEnvironment(binDir, work, PASSPHRASE, [join(repoRoot, "test", "rig")]);
  stack = pulumiOnStack(binDir, project, env, STACK, 600_000);
  importChain({ from: chainDir, stack: STACK, hostNames: new Map([[ip, "rigHost"]]), allowForeignPeers: false, projectDir: project, passphrase: PASSPHRASE });
  await stack.pulumiOk(["stack", "init", STACK]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    for (const node of NODES) {
      const pid = rig && pidOf(node);
      if (pid) await stopProcess(pid);
    }
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 120_000);

describe("pulumi up adopts a running build_chain chain over SSH (real engine, stand-in nodes, sshd rig)", () => {
  it("imports with chain.install false, the node folders where they run", () => {
    const config = (yaml.load(readFileSync(stackFile(), "utf8")) as { config: Record<string, any> }).config;
    expect(config["bcos:topology"].chain.install).toBe(false);
    expect(config["bcos:topology"].hosts.rigHost.deployDir).toBe(join(chainDir, rig!.hosts[0].address));
    for (const node of NODES) expect(existsSync(join(nodeDir(node), ".bcos-pulumi-owner")), node).toBe(false);
  });

  it("with chain.install true and the host pointing at the rig: same processes, same ledgers, our files, marker written, blocks keep coming", async () => {
    editStackFile(stackFile(), (config) => installOnRig(config, "rigHost", rig!, join(work, "fisco-bcos"), join(work, "out")));
    await stack.pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig!.privateKeyPem]);
    const ledgers = Object.fromEntries(NODES.map((n) => [n, statSync(join(nodeDir(n), "data")).ino]));
    for (const node of NODES) writeFileSync(join(nodeDir(node), "data", "operator-note"), "the ledger is here");
    const heightBefore = await blockNumber(0);
    expect(heightBefore).toBeGreaterThanOrEqual(3);

    const up = await stack.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).not.toContain("PRIVATE KEY");
    expect(up.stdout).not.toContain("restarting");
    for (const node of NODES) {
      expect(up.stdout, node).toContain(`${node}: adopting`);
      expect(pidOf(node), `${node} kept its process`).toBe(pids[node]);
      expect(statSync(join(nodeDir(node), "data")).ino, `${node} data/`).toBe(ledgers[node]);
      expect(readFileSync(join(nodeDir(node), "data", "operator-note"), "utf8")).toBe("the ledger is here");
      const marker = readFileSync(join(nodeDir(node), ".bcos-pulumi-owner"), "utf8");
      expect(marker).toContain(`stack=bcos/${STACK}\n`);
      expect(marker).toContain(`node=${node}\n`);
      // Our config.ini (same meaning) replaced build_chain's text without a restart.
      expect(readFileSync(join(nodeDir(node), "config.ini"), "utf8")).not.toContain("generated by build_chain.sh");
    }
    expect(await blockNumber(0)).toBeGreaterThanOrEqual(heightBefore);
    await commit(2);
    for (let i = 0; i < NODES.length; i++) {
      await waitFor(`node${i} to reach block ${heightBefore + 2}`, async () => ((await blockNumber(i)) >= heightBefore + 2 ? true : undefined));
    }
  }, 900_000);

  it("previews no change after, every process still the one started by hand", async () => {
    await stack.pulumiOk(["preview", "--expect-no-changes", "--diff"]);
    for (const node of NODES) expect(pidOf(node), node).toBe(pids[node]);
    expect(readdirSync(join(chainDir, rig!.hosts[0].address)).filter((f) => f.startsWith(".staging"))).toEqual([]);
  }, 600_000);
});
