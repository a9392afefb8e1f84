/**
 * Adopting a RUNNING build_chain chain on two addresses (REAL engine, sshd rig 127.0.0.2 and
 * 127.0.0.3, stand-in nodes): build_chain names the folders node0 and node1 on every address, so
 * the import names the nodes `<host>-node0`, … and writes each one's `folder:` (node0, node1).
 * With chain.install true and both hosts pointing at the rig, `pulumi up` adopts every node in
 * the folder it runs in: same process, same ledger, marker written; `preview --expect-no-changes`
 * passes after.
 *
 * Own port range: p2p 31500+, channel 24900+, JSON-RPC 12900+.
 * Needs scripts/install-pulumi.sh (engine) and /usr/sbin/sshd (`.ci/run` installs it).
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importChain } from "../../infra/import/import-chain";
import { engineEnvironment, type PulumiOnStack, pulumiOnStack } from "../rig/engine-project";
import type { SshRig } from "../rig/sshd";
import { stopProcess, waitFor, rpcResult } from "../standin/harness";
import type { FixtureSpec } from "./chain-fixture";
import { editStackFile, installOnRig, pidOfFolder, startHandMadeChain, prepareAdoptionWork } from "./running-chain";

const repoRoot = join(__dirname, "..", "..");
const STACK = "adopted-folders";
const PASSPHRASE = "adopt-folders-passphrase";
const FOLDERS = ["node0", "node1"];
const HOSTS = ["hostA", "hostB"];

let rig: SshRig | undefined;
let work = "";
let project = "";
let chainDir = "";
let stack: PulumiOnStack;
/** `<ip>/<folder>` → the PID started by hand. */
let pids: Record<string, number> = {};
let labels: string[] = [];

const stackFile = () => join(project, "stacks", `Pulumi.${STACK}.yaml`);
const topologyOf = () => (yaml.load(readFileSync(stackFile(), "utf8")) as { config: Record<string, any> }).config["bcos:topology"];

beforeAll(async () => {
  const prepared = await prepareAdoptionWork(repoRoot, 2, "bcos-adopt-folders-rig-");
  ({ rig, work, project, chainDir } = prepared);
  const { binDir, binary } = prepared;
  const ips = rig.hosts.map((h) => h.address);
  // Every address has node0 and node1; one machine (loopback), so the ports differ across addresses.
  const nodes = ips.flatMap((ip, h) =>
    FOLDERS.map((folder, f) => ({ folder, agency: "agency", ip, p2pPort: 31500 + 2 * h + f, channelPort: 24900 + 2 * h + f, rpcPort: 12900 + 2 * h + f })),
  );
  labels = nodes.map((n) => `${n.ip}/${n.folder}`);
  const spec: FixtureSpec = {
    layout: "build_chain",
    gm: true,
    chainId: 1,
    nodes,
    groups: [{ id: 1, consensus: "pbft", sealers: labels, observers: [], timestamp: 1700000000000 }],
  };
  pids = await startHandMadeChain(spec, chainDir, binary);
  await waitFor("the hand-started chain to see its peers", async () => ((await rpcResult<unknown[]>(12900, "getPeers", [1])).length === 3 ? true : undefined));

  const env = engineEnvironment(binDir, work, PASSPHRASE, [join(repoRoot, "test", "rig")]);
  stack = pulumiOnStack(binDir, project, env, STACK, 600_000);
  importChain({
    from: chainDir,
    stack: STACK,
    hostNames: new Map(ips.map((ip, i) => [ip, HOSTS[i]])),
    allowForeignPeers: false,
    projectDir: project,
    passphrase: PASSPHRASE,
  });
  await stack.pulumiOk(["stack", "init", STACK]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    for (const label of labels) {
      const pid = pidOfFolder(join(chainDir, label));
      if (pid) await stopProcess(pid);
    }
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 120_000);

describe("pulumi up adopts build_chain nodes whose folder is not their name (two addresses, real engine, stand-in nodes, sshd rig)", () => {
  it("imports host-prefixed names, each with the folder it runs in", () => {
    const nodes = topologyOf().agencies.agency.nodes;
    for (const host of HOSTS) for (const folder of FOLDERS) expect(nodes[`${host}-${folder}`], `${host}-${folder}`).toMatchObject({ host, folder });
  });

  it("with chain.install true on both rig hosts: every node adopted in its own folder, same processes, same ledgers", async () => {
    editStackFile(stackFile(), (config) => {
      installOnRig(config, HOSTS[0], rig!, join(work, "fisco-bcos"), join(work, "out"));
      const { port, hostKey } = rig!.hosts[1];
      config["bcos:topology"].hosts[HOSTS[1]].connection = { ssh: { port, user: rig!.user, hostKey } };
    });
    await stack.pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig!.privateKeyPem]);
    const ledgers = Object.fromEntries(labels.map((l) => [l, statSync(join(chainDir, l, "data")).ino]));

    const up = await stack.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).not.toContain("restarting");
    rig!.hosts.forEach((h, i) => {
      for (const folder of FOLDERS) {
        const label = `${h.address}/${folder}`;
        const dir = join(chainDir, label);
        expect(up.stdout, label).toContain(`${HOSTS[i]}-${folder}: adopting ${dir}`);
        expect(pidOfFolder(dir), `${label} kept its process`).toBe(pids[label]);
        expect(statSync(join(dir, "data")).ino, `${label} data/`).toBe(ledgers[label]);
        expect(readFileSync(join(dir, ".bcos-pulumi-owner"), "utf8")).toContain(`node=${HOSTS[i]}-${folder}\n`);
        // No second folder under the node's name: the install went to the folder it runs in.
        expect(existsSync(join(chainDir, h.address, `${HOSTS[i]}-${folder}`)), label).toBe(false);
      }
    });
  }, 900_000);

  it("previews no change after, every process still the one started by hand", async () => {
    await stack.pulumiOk(["preview", "--expect-no-changes", "--diff"]);
    for (const label of labels) expect(pidOfFolder(join(chainDir, label)), label).toBe(pids[label]);
  }, 600_000);
});
