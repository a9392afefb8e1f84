/**
 * Runs the real engine on a copy of the project with a file backend (as test/rig/engine-project.ts
 * does) and measures each command, holding the tests' lock: wall time (from GNU time, so waiting for the
 * lock is not counted), and peak RSS of the largest process in the tree
 * (GNU time's %M: the engine, the program or a provider, whichever is biggest).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { copyProject, environmentWithoutPulumi, installEngine, run } from "../test/rig/engine-project";

/**
 * `cmd` as run under the tests' lock: through flock, or as is when the whole bench already holds
 * it (BCOS_BENCH_HOLDS_LOCK=1: `flock /tmp/bcos-test.lock npm run bench`, one wait instead of one
 * per step on a busy machine).
 */
export function underTestLock(cmd: string[]): [string, string[]] {
  return process.env.BCOS_BENCH_HOLDS_LOCK === "1" ? [cmd[0], cmd.slice(1)] : ["flock", ["/tmp/bcos-test.lock", ...cmd]];
}

export interface Measured {
  wallMs: number;
  peakRssMiB: number;
  stdout: string;
}

export interface BenchStack {
  readonly work: string;
  /** `pulumi <args>` unmeasured (flags go before a `--`); throws on failure without printing what follows `--`. */
  pulumi(args: string[]): Promise<string>;
  writeTopology(topology: Record<string, unknown>, extra?: Record<string, unknown>): void;
  measure(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<Measured>;
}

export async function startBenchStack(repoRoot: string, prefix: string): Promise<BenchStack> {
  const cleanEnv = environmentWithoutPulumi();
  const binDir = await installEngine(repoRoot, cleanEnv);
  const work = mkdtempSync(join(tmpdir(), prefix));
  const project = join(work, "project");
  copyProject(repoRoot, project);
  for (const d of ["state", "pulumi-home"]) mkdirSync(join(work, d));
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv,
    PATH: `${binDir}:${join(repoRoot, "test", "rig")}:${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: prefix,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: join(work, "pulumi-home"),
    NO_COLOR: "1",
  };
  delete env.SSH_AUTH_SOCK;
  const stack = "bench";
  const measure = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Measured> => {
    const timeFile = join(work, "time.txt");
    // Under the tests' lock: these runs take both cores for minutes.
    const r = await run(
      ...underTestLock(["/usr/bin/time", "-o", timeFile, "-f", "%e %M", join(binDir, "pulumi"), ...args, "--non-interactive", "--stack", stack]),
      {
        cwd: project,
        env: { ...env, ...extraEnv },
        timeoutMs: 30 * 60_000,
      },
    );
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-8000)}`);
    const [seconds, kib] = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return { wallMs: seconds * 1000, peakRssMiB: Math.round(kib / 1024), stdout: r.stdout };
  };
  const init = await run(join(binDir, "pulumi"), ["stack", "init", stack, "--non-interactive"], { cwd: project, env, timeoutMs: 120_000 });
  if (init.code !== 0) throw new Error(`pulumi stack init failed: ${init.stderr}`);
  const writeTopology = (topology: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const config = { "bcos:topology": topology, "bcos:outputDir": join(work, "out"), ...extra };
    writeFileSync(join(project, "stacks", `Pulumi.${stack}.yaml`), yaml.dump({ config }, { lineWidth: -1 }));
  };
  const pulumi = async (args: string[]): Promise<string> => {
    const dash = args.indexOf("--");
    const flags = ["--non-interactive", "--stack", stack];
    const full = dash < 0 ? [...args, ...flags] : [...args.slice(0, dash), ...flags, ...args.slice(dash)];
    const r = await run(join(binDir, "pulumi"), full, { cwd: project, env, timeoutMs: 30 * 60_000 });
    const shown = dash < 0 ? args : args.slice(0, dash);
    if (r.code !== 0) throw new Error(`pulumi ${shown.join(" ")} exited ${r.code}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-8000)}`);
    return r.stdout;
  };
  return { work, pulumi, writeTopology, measure };
}
