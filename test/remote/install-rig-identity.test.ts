/**
 * Remote installs under the REAL Pulumi engine against the sshd rig (issue 11 items 4 and 5): a
 * running chain (the dev chain's five stand-in nodes on two SSH hosts) survives the edits that used
 * to reset ledgers. Its own port range (p2p 30500+, channel 22900+, JSON-RPC 11100+), host keys
 * pinned in the topology.
 *
 * In order: `pulumi up` installs the chain; renaming a host (same address, port and deployDir)
 * previews no replace and no delete, and `up` restarts no node and moves no folder; moving a node
 * to another deployDir is refused in preview with the steps to do it by hand; turning
 * chain.install off previews no replace, only deletions that keep what is on the hosts
 * ([retain]), warns that the hosts are left alone, and `up` stops no node and moves no folder;
 * turning it on again takes the running nodes back without restarting them. Throughout, group 1
 * keeps committing transactions, its block number growing.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyPairProvider } from "../../infra/providers/key-pair-provider";
import { RpcClient } from "../../infra/rpc/client";
import { changeConsensus } from "../../infra/rpc/consensus";
import { rigTopology, run, startEngineStack, type EngineStack } from "../rig/engine-project";
import { startSshRig, type SshRig } from "../rig/sshd";
import { rpcResult, waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "identity";
/** Node → rig host index. */
const PLACEMENT: Record<string, number> = { node0: 0, node1: 0, node2: 0, node3: 1, node4: 1 };
const NODES = Object.keys(PLACEMENT);
const port = (base: number, node: string) => base + Number(node.slice(4));
const P2P_BASE = 30500;
const CHANNEL_BASE = 22900;
const RPC_BASE = 11100;

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let work = "";
let topology: Record<string, any>;
/** An SM2 key that signs the transactions that make blocks (any account may send them here). */
let senderKeyPem = "";

const deployDir = (host: number) => join(work, `host${host}`);
const nodeDir = (node: string) => join(deployDir(PLACEMENT[node]), node);

const pulumi = (args: string[]) => stack!.pulumi(args);
const pulumiOk = (args: string[]) => stack!.pulumiOk(args);

const writeStackConfig = () => stack!.writeTopology(topology);

/** Points every node of `from` at host `to` and renames the host entry. */
function renameHost(from: string, to: string): void {
  topology.hosts[to] = topology.hosts[from];
  delete topology.hosts[from];
  for (const agency of Object.values(topology.agencies) as { nodes?: Record<string, { host: string }> }[]) {
    for (const node of Object.values(agency.nodes ?? {})) if (node.host === from) node.host = to;
  }
}

/** Times (ms) at which a node's stand-in logged `[INITIALIZER] stopping`. */
function stops(node: string): number[] {
  const dir = join(nodeDir(node), "log");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .flatMap((line) => {
      const m = /^\w+\|([^|]+)\|\[INITIALIZER\] stopping$/.exec(line);
      return m ? [Date.parse(m[1])] : [];
    });
}

/** Every node folder is where it was, with its ledger, and nothing went to `.removed/`. */
function expectFoldersInPlace(): void {
  for (const node of NODES) expect(existsSync(join(nodeDir(node), "data")), `${node}/data`).toBe(true);
  for (const host of [0, 1]) expect(existsSync(join(deployDir(host), ".removed")), `host${host}/.removed`).toBe(false);
}

async function expectPeers(): Promise<void> {
  for (const node of NODES) {
    const peers = await waitFor(
      `${node} to see ${NODES.length - 1} peers`,
      async () => {
        const list = await rpcResult<unknown[]>(port(RPC_BASE, node), "getPeers", [1]).catch(() => undefined);
        return list?.length === NODES.length - 1 ? list : undefined;
      },
      60_000,
    );
    expect(peers, node).toHaveLength(NODES.length - 1);
  }
}

/** Commits one transaction to group 1 (removing a node ID that is no member: a no-op in a block); returns its block. */
async function commitOne(): Promise<number> {
  const nobody = "ab".repeat(64);
  const result = await changeConsensus(
    new RpcClient({ host: "127.0.0.1", port: port(RPC_BASE, "node0") }),
    senderKeyPem,
    "removeNode",
    { group: 1, nodeId: nobody },
    { timeoutMs: 60_000 },
  );
  return result.blockNumber;
}

interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { retainOnDelete?: boolean };
}
/** `pulumi preview --json`: its steps and the messages of its diagnostics. */
async function previewJson(): Promise<{ steps: PreviewStep[]; messages: string }> {
  const r = await pulumiOk(["preview", "--json"]);
  const parsed = JSON.parse(r.stdout) as { steps?: PreviewStep[]; diagnostics?: { message: string }[] };
  return { steps: parsed.steps ?? [], messages: (parsed.diagnostics ?? []).map((d) => d.message).join("\n") };
}
const isStack = (s: PreviewStep) => s.urn.includes("::pulumi:pulumi:Stack::");

/** Stops whatever stand-in node is still running in the work dir (the stack left them to us). */
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
  rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  stack = await startEngineStack(repoRoot, "bcos-install-rig-identity-", STACK);
  work = stack.work;
  senderKeyPem = ((await keyPairProvider.create({ algorithm: "sm2" })).outs as { privateKeyPem: string }).privateKeyPem;
  topology = rigTopology(repoRoot, rig, stack.binary, deployDir, (name) => ({
    host: PLACEMENT[name],
    p2pPort: port(P2P_BASE, name),
    channelPort: port(CHANNEL_BASE, name),
    rpcPort: port(RPC_BASE, name),
  }));
  writeStackConfig();
  await pulumiOk(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig!.privateKeyPem]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    if (work) await stopLeftoverNodes().catch(() => undefined);
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 300_000);

describe("a running chain keeps its ledgers through host renames and chain.install: false (real engine, sshd rig, stand-in nodes)", () => {
  let height = 0;
  let since = 0;

  it("installs the chain: five nodes see each other and group 1 commits a transaction", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    await expectPeers();
    height = await commitOne();
    expect(height).toBeGreaterThan(0);
    for (const node of NODES) expect(readFileSync(join(nodeDir(node), ".bcos-pulumi-owner"), "utf8")).toContain(`stack=bcos/${STACK}\n`);
    since = Date.now();
  }, 600_000);

  it("renaming host0 to server0 (same address, port and deployDir) previews no replace and no delete: every resource but the picture is unchanged", async () => {
    renameHost("host0", "server0");
    writeStackConfig();
    const { steps } = await previewJson();
    // The consortium's picture (topology.mmd/.svg beside the packages) shows host names, so it is
    // redrawn; nothing on a host changes.
    const picture = (s: { urn: string }) => s.urn.includes("dynamic/bcos:TextFile::consortium-diagram-");
    const changed = steps.filter((s) => !isStack(s) && s.op !== "same" && !picture(s));
    expect(changed.map((s) => `${s.op} ${s.urn}`)).toEqual([]);
  }, 300_000);

  it("and pulumi up restarts no node and moves no folder; the group keeps committing", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    for (const node of NODES)
      expect(
        stops(node).filter((t) => t >= since),
        `${node} stopped`,
      ).toEqual([]);
    expectFoldersInPlace();
    const next = await commitOne();
    expect(next).toBeGreaterThan(height);
    height = next;
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);

  it("moving host1's nodes to another deployDir is refused in preview, naming the node, both places and the steps by hand", async () => {
    const before = topology.hosts.host1.deployDir;
    topology.hosts.host1.deployDir = join(work, "elsewhere");
    writeStackConfig();
    try {
      const r = await pulumi(["preview"]);
      expect(r.code).not.toBe(0);
      const out = r.stdout + r.stderr;
      expect(out).toContain(
        `node3 would move from ${rig!.hosts[1].address}:${rig!.hosts[1].port}, folder ${before} to ${rig!.hosts[1].address}:${rig!.hosts[1].port}, folder ${join(work, "elsewhere")}`,
      );
      expect(out).toContain("pulumi config set --path 'bcos:movedNodes[0]' node3");
      expect(existsSync(join(work, "elsewhere"))).toBe(false);
    } finally {
      topology.hosts.host1.deployDir = before;
      writeStackConfig();
    }
  }, 300_000);

  it("turning chain.install off previews no replace, only deletions that leave the hosts as they are ([retain]), and says so", async () => {
    topology.chain.install = false;
    writeStackConfig();
    const { steps, messages } = await previewJson();
    expect(steps.filter((s) => s.op.includes("replace")).map((s) => s.urn)).toEqual([]);
    const deletes = steps.filter((s) => s.op === "delete");
    expect(deletes.length).toBeGreaterThan(5);
    for (const s of deletes) expect(s.oldState?.retainOnDelete, s.urn).toBe(true);
    expect(deletes.some((s) => s.urn.endsWith("::install-node-node0"))).toBe(true);
    expect(messages).toContain("chain.install is false: hosts are left alone. node0, node1, node2, node3, node4 keep running where they are");
  }, 300_000);

  it("and pulumi up stops no node and moves no folder; the group keeps committing", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    for (const node of NODES)
      expect(
        stops(node).filter((t) => t >= since),
        `${node} stopped`,
      ).toEqual([]);
    expectFoldersInPlace();
    await expectPeers();
    const next = await commitOne();
    expect(next).toBeGreaterThan(height);
    height = next;
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);

  it("turning it on again takes the running nodes back without restarting them", async () => {
    topology.chain.install = true;
    writeStackConfig();
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    for (const node of NODES)
      expect(
        stops(node).filter((t) => t >= since),
        `${node} stopped`,
      ).toEqual([]);
    expectFoldersInPlace();
    expect(await commitOne()).toBeGreaterThan(height);
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);
});
