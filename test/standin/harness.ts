/**
 * For tests: render the dev stack with ports moved into a range of the caller's choosing, start
 * stand-in nodes from the rendered folders with their own start.sh, talk JSON-RPC to them, and
 * stop them. The rendered tree (with every node's nohup.out and log/) is kept when a test failed.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as yaml from "js-yaml";
import { beforeEach } from "vitest";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import { chooseGroupTimestamps, renderChainTree } from "../../infra/fisco/chain-tree";
import { writeFileTree } from "../../infra/fisco/file-tree";
import type { GroupSpec, Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { ensureStandinBuilt } from "./build";

const DEV_STACK = path.resolve(__dirname, "../../stacks/Pulumi.dev.yaml");

/**
 * First ports of a test file's range; node i of the dev stack gets base + i. Keep ranges disjoint
 * across files, below 32768 (above is the kernel's ephemeral range, where the engine's plugins and
 * our SSH tunnels listen) and outside 17000–19999 (the sshd rig's ports): a stand-in binds its p2p
 * and channel ports on every address, so any listener there makes it exit.
 */
export interface PortBases {
  p2p: number;
  channel: number;
  rpc: number;
}

export interface RenderedChain {
  root: string;
  model: Model;
  /** Node name → its folder `<root>/<agency>/<node>`. */
  dirs: Record<string, string>;
  /** Node name → node ID. */
  ids: Record<string, string>;
  rpcPorts: Record<string, number>;
}

/** The dev stack's topology with ports moved to `bases` and, when given, other groups (model.nodes keeps the stack's order). */
export function devTopology(bases: PortBases, groups?: Record<string, GroupSpec>): Model {
  const stack = yaml.load(readFileSync(DEV_STACK, "utf8")) as {
    config: Record<string, { agencies: Record<string, { nodes?: Record<string, Record<string, number>> }>; groups: Record<string, GroupSpec> }>;
  };
  const topology = stack.config["bcos:topology"];
  if (groups) topology.groups = groups;
  for (const agency of Object.values(topology.agencies)) {
    for (const [name, node] of Object.entries(agency.nodes ?? {})) {
      const i = Number(name.replace("node", ""));
      Object.assign(node, { p2pPort: bases.p2p + i, channelPort: bases.channel + i, rpcPort: bases.rpc + i });
    }
  }
  return validateTopology(topology, DEV_STACK);
}

/** Renders the whole chain into a fresh temporary folder, with the stand-in binary beside every agency's node folders. */
export async function renderStandinChain(bases: PortBases, label: string, groups?: Record<string, GroupSpec>): Promise<RenderedChain> {
  const binary = ensureStandinBuilt();
  const model = devTopology(bases, groups);
  const root = mkdtempSync(path.join(tmpdir(), `standin-${label}-`));
  const pki = await buildChainPki(model);
  writeFileTree(root, renderChainTree(model, pki, chooseGroupTimestamps(model, Date.now()), { includeCaKeys: false }));
  for (const agency of model.agencies) if (agency.nodes.length) copyFileSync(binary, path.join(root, agency.name, "fisco-bcos"));
  return {
    root,
    model,
    dirs: Object.fromEntries(model.nodes.map((n) => [n.name, path.join(root, n.agency, n.name)])),
    ids: Object.fromEntries(pki.nodes.map((n) => [n.name, n.nodeId])),
    rpcPorts: Object.fromEntries(model.nodes.map((n) => [n.name, n.rpcPort])),
  };
}

/** Runs `<dir>/start.sh` as an operator would and returns the pid it reports. */
export function startNode(dir: string, env: NodeJS.ProcessEnv = {}): number {
  const r = spawnSync("bash", [path.join(dir, "start.sh")], { cwd: tmpdir(), encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
  const pid = /\(pid (\d+)\)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !pid) throw new Error(`start.sh in ${dir} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return Number(pid);
}

/** SIGTERM, then wait (up to 5 s) until the process is gone. */
export async function stopProcess(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, "SIGKILL");
}

export interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string };
}

/** One JSON-RPC request to 127.0.0.1:port. */
export async function rpc(port: number, method: string, params: unknown[]): Promise<RpcReply> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
  });
  return (await res.json()) as RpcReply;
}

/** The result of a JSON-RPC call; throws with the error when there is one. */
export async function rpcResult<T = unknown>(port: number, method: string, params: unknown[]): Promise<T> {
  const reply = await rpc(port, method, params);
  if (reply.error) throw new Error(`${method}(${JSON.stringify(params)}) on port ${port}: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

/** Polls `probe` every 200 ms until it returns something other than undefined. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Stand-ins started from a rendered chain. Construct it while a describe block is being collected
 * (it registers a hook that notes failed tests), render() in beforeAll, cleanup() in afterAll:
 * that stops every node and deletes the tree unless a test failed, in which case it prints where
 * the logs are.
 */
export class StandinCluster {
  private readonly pids = new Map<string, number>();
  private failed = false;
  private rendered?: RenderedChain;

  constructor() {
    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        this.failed = true;
      });
    });
  }

  async render(bases: PortBases, label: string, groups?: Record<string, GroupSpec>): Promise<RenderedChain> {
    this.rendered = await renderStandinChain(bases, label, groups);
    return this.rendered;
  }

  get chain(): RenderedChain {
    if (!this.rendered) throw new Error("StandinCluster.render() has not run");
    return this.rendered;
  }

  start(names: string[], env: NodeJS.ProcessEnv = {}): void {
    for (const name of names) this.pids.set(name, startNode(this.chain.dirs[name], env));
  }

  async stop(names: string[] = [...this.pids.keys()]): Promise<void> {
    await Promise.all(names.map((name) => stopProcess(this.pids.get(name)!)));
    for (const name of names) this.pids.delete(name);
  }

  port(name: string): number {
    return this.chain.rpcPorts[name];
  }

  async cleanup(): Promise<void> {
    await this.stop();
    if (!this.rendered) return;
    if (this.failed) process.stderr.write(`stand-in logs kept in ${this.rendered.root} (<agency>/<node>/nohup.out and log/)\n`);
    else rmSync(this.rendered.root, { recursive: true, force: true });
  }
}
