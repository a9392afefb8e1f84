/**
 * Measures what an idle stand-in costs: renders the bench's N-node shape (bench/topologies/scale.ts,
 * pbft groups of consecutive nodes), starts `running` of its nodes (the others stay offline, as
 * during an install), waits for them to settle, then reads each process's CPU time from
 * /proc/<pid>/stat over a window. Not a test (speed lives in the bench); run by hand:
 *   [STANDIN_BINARY=<bundle>] npx tsx test/standin/idle-cost.ts [nodes=100] [running=30] [seconds=10]
 * Ports 25100+ (p2p), 26100+ (channel), 27100+ (rpc): below the ephemeral range, and no test file uses them.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scaleTopology } from "../../bench/topologies/scale";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import { chooseGroupTimestamps, renderChainTree } from "../../infra/fisco/chain-tree";
import { writeFileTree } from "../../infra/fisco/file-tree";
import { validateTopology } from "../../infra/topology/validate";
import { ensureStandinBuilt } from "./build";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Small copies of harness.ts helpers: the harness imports vitest, which a plain script cannot load.
/** STANDIN_PROFILE_DIR=<dir>: the first node runs under `node --cpu-prof` and writes a V8 CPU profile there when it stops. */
async function startNode(dir: string, first: boolean): Promise<number> {
  const profile = process.env.STANDIN_PROFILE_DIR;
  if (first && profile) {
    const child = spawn(process.execPath, [`--cpu-prof`, `--cpu-prof-dir=${profile}`, "../fisco-bcos", "-c", "config.ini"], {
      cwd: dir,
      stdio: "ignore",
      detached: true,
    });
    child.unref();
    return child.pid!;
  }
  const { stdout } = await promisify(execFile)("bash", [path.join(dir, "start.sh")], { cwd: tmpdir(), encoding: "utf8", timeout: 60_000 });
  const pid = /\(pid (\d+)\)/.exec(stdout)?.[1];
  if (!pid) throw new Error(`start.sh in ${dir}: ${stdout}`);
  return Number(pid);
}

async function view(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", method: "getPbftView", params: [1], id: 1 }),
    });
    return String(((await res.json()) as { result?: string }).result ?? "-");
  } catch {
    return "-";
  }
}

async function main(): Promise<void> {
  const [nodes = 100, running = 30, seconds = 10] = process.argv.slice(2).map(Number);
  // STANDIN_BINARY=<bundle>: measure another build (e.g. main's) on the same shape.
  const binary = process.env.STANDIN_BINARY ?? ensureStandinBuilt();
  const topology = scaleTopology(nodes);
  let i = 0;
  for (const agency of Object.values(topology.agencies) as { nodes: Record<string, Record<string, unknown>> }[]) {
    for (const node of Object.values(agency.nodes)) Object.assign(node, { p2pPort: 25100 + i, channelPort: 26100 + i, rpcPort: 27100 + i++ });
  }
  const model = validateTopology(topology, "idle-cost");
  const root = mkdtempSync(path.join(tmpdir(), "standin-idle-cost-"));
  const pids: number[] = [];
  try {
    writeFileTree(root, renderChainTree(model, await buildChainPki(model), chooseGroupTimestamps(model, Date.now()), { includeCaKeys: false }));
    for (const agency of model.agencies) if (agency.nodes.length) copyFileSync(binary, path.join(root, agency.name, "fisco-bcos"));
    const started = model.nodes.slice(0, running);
    // A few at a time (start.sh gives a node 5 s on a busy machine); a failed start still stops the others.
    for (let k = 0; k < started.length; k += 2) {
      const starts = await Promise.allSettled(started.slice(k, k + 2).map((node) => startNode(path.join(root, node.agency, node.name), node === started[0])));
      for (const s of starts) if (s.status === "fulfilled") pids.push(s.value);
      const failure = starts.find((s) => s.status === "rejected");
      if (failure) throw (failure as PromiseRejectedResult).reason;
    }
    await sleep(8000); // links and views settle after the last start
    const before = pids.map(cpuTicks);
    const views = await Promise.all(started.map((n) => view(n.rpcPort)));
    await sleep(seconds * 1000);
    const after = pids.map(cpuTicks);
    const viewsAfter = await Promise.all(started.map((n) => view(n.rpcPort)));
    const percents = after.map((t, k) => ((t - before[k]) / TICKS_PER_SECOND / seconds) * 100);
    const mean = percents.reduce((a, b) => a + b, 0) / percents.length;
    process.stdout.write(
      `${running} of ${nodes} stand-ins running, idle, over ${seconds} s: mean ${mean.toFixed(2)}% of a core per node, ` +
        `max ${Math.max(...percents).toFixed(2)}%, total ${(mean * running).toFixed(1)}%\n` +
        `group 1 views of the first nodes, before → after: ${views.slice(0, 5).join(",")} → ${viewsAfter.slice(0, 5).join(",")}\n`,
    );
  } finally {
    for (const pid of pids) process.kill(pid, "SIGTERM");
    await sleep(1000);
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
