/**
 * `npm run bench`: one table, measured in one run on this machine (issue 12).
 * - `npx bcos-pulumi render` of 4, 32, 100 and 128 nodes (bench/topologies/scale.ts): wall time
 *   and peak RSS of the CLI, end to end (start-up, every key, certificate and file on disk);
 * - the 100-node topology through the pinned Pulumi engine (file backend), artifacts only:
 *   `pulumi up` from nothing, a no-change `pulumi preview`, `pulumi up` of a one-node change (one
 *   node's RPC port), and, as a diagnostic, `pulumi up` from nothing with the engine's
 *   intermediate checkpoints off (PULUMI_SKIP_CHECKPOINTS), which isolates the cost of rewriting
 *   the whole state file after every step;
 * - with `--installs` (needs root for sshd, like the rig tests): `pulumi up` with installs and
 *   health checks of 100 stand-in nodes on 10 sshd rig hosts vs 10 on one host.
 * Ratios are to the 100-node render. Every heavy step holds /tmp/bcos-test.lock (the tests' lock),
 * so the bench neither skews nor is skewed by a test run; on a busy machine hold it once instead:
 *   npm run bench [-- --installs] [-- --quick]   (--quick: renders only; --only-installs: the install rows only)
 *   BCOS_BENCH_HOLDS_LOCK=1 flock /tmp/bcos-test.lock npm run bench
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { run } from "../test/rig/engine-project";
import { startBenchStack, underTestLock, type BenchStack } from "./pulumi-stack";
import { scaleTopology } from "./topologies/scale";

const repoRoot = join(__dirname, "..");
const RENDER_SIZES = [4, 32, 100, 128];
const args = new Set(process.argv.slice(2));

interface Row {
  step: string;
  wallMs: number;
  peakRssMiB?: number;
  /** What the row is compared against, e.g. "render(100)" and its time. */
  ratioTo?: { label: string; ms: number };
  target?: string;
}

/** `cmd` under the tests' lock and GNU time (the lock's wait not counted); wall ms and peak RSS (largest process of the tree). */
async function timed(cmd: string[], cwd = repoRoot): Promise<{ wallMs: number; peakRssMiB: number }> {
  const timeFile = join(tmpdir(), `bcos-bench-time-${process.pid}`);
  const r = await run(...underTestLock(["/usr/bin/time", "-o", timeFile, "-f", "%e %M", ...cmd]), { cwd, env: process.env, timeoutMs: 30 * 60_000 });
  if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited ${r.code}\n${r.stderr.slice(-3000)}`);
  const [seconds, kib] = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  return { wallMs: seconds * 1000, peakRssMiB: Math.round(kib / 1024) };
}

async function renders(rows: Row[]): Promise<number> {
  // The CLI runs compiled JavaScript when dist/ is fresh; build it first so start-up is measured as shipped.
  execFileSync(process.execPath, [join(repoRoot, "scripts", "build.js")], { stdio: "inherit" });
  const work = mkdtempSync(join(tmpdir(), "bcos-bench-render-"));
  let render100 = 0;
  try {
    for (const nodes of RENDER_SIZES) {
      const topology = join(work, `t${nodes}.yaml`);
      writeFileSync(topology, yaml.dump(scaleTopology(nodes)));
      const out = join(work, `out${nodes}`);
      const m = await timed([process.execPath, join(repoRoot, "bin", "bcos-pulumi.js"), "render", "--topology", topology, "--out", out]);
      if (nodes === 100) render100 = m.wallMs;
      const target = nodes === 4 ? "< 800 ms" : nodes === 32 ? "≤ 2000 ms (build_chain.sh 31 s / 15)" : undefined;
      rows.push({ step: `render ${nodes} nodes (npx bcos-pulumi render)`, ...m, target });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return render100;
}

/** Lines printed under the table. */
const notes: string[] = [];

/** Size of the stack's state file in a bench stack's file backend. */
function stateBytes(work: string): number {
  const stacks = join(work, "state", ".pulumi", "stacks");
  const [project] = readdirSync(stacks);
  return statSync(join(stacks, project, "bench.json")).size;
}

async function pulumiSteps(rows: Row[], render100: number): Promise<void> {
  const ratioTo = { label: "render(100)", ms: render100 };
  const stack = await startBenchStack(repoRoot, "bcos-bench-up-");
  try {
    const topology = scaleTopology(100);
    stack.writeTopology(topology);
    const up = await stack.measure(["up", "--yes"]);
    rows.push({ step: "pulumi up 100 nodes from nothing (artifacts)", wallMs: up.wallMs, peakRssMiB: up.peakRssMiB, ratioTo, target: "≤ 10×" });
    notes.push(`state after the 100-node up: ${(stateBytes(stack.work) / 1e6).toFixed(1)} MB (the engine rewrites it after every step)`);
    const preview = await stack.measure(["preview", "--expect-no-changes"]);
    rows.push({ step: "pulumi preview, no change", wallMs: preview.wallMs, peakRssMiB: preview.peakRssMiB, ratioTo, target: "≤ 1×" });
    const changed = structuredClone(topology);
    changed.agencies.agency05.nodes.node050.rpcPort = 18650;
    stack.writeTopology(changed);
    const change = await stack.measure(["up", "--yes"]);
    rows.push({ step: "pulumi up, one-node change (node050 rpcPort)", wallMs: change.wallMs, peakRssMiB: change.peakRssMiB, ratioTo });
  } finally {
    rmSync(stack.work, { recursive: true, force: true });
  }
  const bare = await startBenchStack(repoRoot, "bcos-bench-nockpt-");
  try {
    bare.writeTopology(scaleTopology(100));
    const up = await bare.measure(["up", "--yes"], { PULUMI_SKIP_CHECKPOINTS: "true" });
    rows.push({ step: "(diagnostic) the same up, no intermediate checkpoints", wallMs: up.wallMs, peakRssMiB: up.peakRssMiB, ratioTo });
  } finally {
    rmSync(bare.work, { recursive: true, force: true });
  }
}

/** `pulumi up` with installs of `nodes` stand-ins on `hostCount` sshd rig hosts, then destroy. */
async function installRun(nodes: number, hostCount: number): Promise<{ wallMs: number; peakRssMiB: number }> {
  const { startSshRig } = await import("../test/rig/sshd");
  const { ensureStandinBuilt } = await import("../test/standin/build");
  // Membership reaches node RPC ports through SSH forwarding, which the rig turns off by default.
  const rig = await startSshRig({ hosts: hostCount, extraConfig: ["Match all", "AllowTcpForwarding local"] });
  let stack: BenchStack | undefined;
  try {
    stack = await startBenchStack(repoRoot, `bcos-bench-install${nodes}-`);
    const binary = join(stack.work, "fisco-bcos");
    execFileSync("cp", [ensureStandinBuilt(), binary]);
    const topology = scaleTopology(nodes, {
      install: true,
      host: (i) => {
        const h = rig.hosts[i % hostCount];
        return { address: h.address, connection: { ssh: { port: h.port, user: rig.user, hostKey: h.hostKey } }, deployDir: join(stack!.work, `host${i}`) };
      },
    });
    topology.chain.binary = { path: binary };
    // The rig's hosts are one machine: every node gets its own ports (below the rig's sshd ports, 17000–19999, and apart from the tests' ranges).
    let i = 0;
    for (const agency of Object.values(topology.agencies) as { nodes: Record<string, Record<string, unknown>> }[]) {
      for (const node of Object.values(agency.nodes)) Object.assign(node, { p2pPort: 14000 + i, channelPort: 15000 + i, rpcPort: 16000 + i++ });
    }
    // One rig host: every agency's host entry names the same machine, so one deployDir.
    if (hostCount === 1) for (const h of Object.values(topology.hosts) as { deployDir: string }[]) h.deployDir = join(stack.work, "host0");
    stack.writeTopology(topology, { "bcos:healthTimeoutSeconds": 120 });
    await stack.pulumi(["config", "set", "--secret", "bcos:sshPrivateKey", "--", rig.privateKeyPem]);
    const up = await stack!.measure(["up", "--yes"]);
    await stack.pulumi(["destroy", "--yes"]);
    return up;
  } finally {
    await rig.stop();
    if (stack) rmSync(stack.work, { recursive: true, force: true });
  }
}

async function installs(rows: Row[]): Promise<void> {
  const small = await installRun(10, 1);
  rows.push({ step: "pulumi up with installs: 10 stand-ins on 1 host", ...small });
  const big = await installRun(100, 10);
  rows.push({
    step: "pulumi up with installs: 100 stand-ins on 10 hosts",
    ...big,
    ratioTo: { label: "10 on 1 host", ms: small.wallMs },
    target: "≤ 2×, < 5 min",
  });
}

function print(rows: Row[]): void {
  const s = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);
  const width = Math.max(...rows.map((r) => r.step.length));
  console.log(`\nbcos-pulumi bench: ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} at the end`);
  console.log(`${"step".padEnd(width)}  ${"wall".padStart(9)}  ${"peak RSS".padStart(9)}  ${"ratio".padStart(22)}  target`);
  for (const r of rows) {
    const ratio = r.ratioTo ? `${(r.wallMs / r.ratioTo.ms).toFixed(1)}× ${r.ratioTo.label}` : "";
    const rss = r.peakRssMiB === undefined ? "" : `${r.peakRssMiB} MiB`;
    console.log(`${r.step.padEnd(width)}  ${s(r.wallMs).padStart(9)}  ${rss.padStart(9)}  ${ratio.padStart(22)}  ${r.target ?? ""}`);
  }
  console.log("peak RSS: the largest single process (engine, program or provider) of the step.");
  for (const note of notes) console.log(note);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  // --only-installs: the install rows alone (their ratio is to the 10-node install, not to a render).
  if (!args.has("--only-installs")) {
    const render100 = await renders(rows);
    if (!args.has("--quick")) await pulumiSteps(rows, render100);
  }
  if (args.has("--installs") || args.has("--only-installs")) await installs(rows);
  print(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
