/**
 * What every real-engine test needs before its own scenario: a way to run a command and keep its
 * output, the pinned engine (built once, then cached), and a copy of the project to run pulumi in
 * without touching the repository (stack init writes into stack files).
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import * as yaml from "js-yaml";
import type { SshRig } from "./sshd";
import { ensureStandinBuilt } from "../standin/build";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time. */
  seconds: number;
}

/** Runs a command to completion; never throws (a spawn failure or timeout has code -1). */
export function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(file, args, { ...options, timeout: options.timeoutMs, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr, seconds });
    });
  });
}

/** The environment without any PULUMI_* setting of the caller's. */
export function environmentWithoutPulumi(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
}

/** The engine's bin dir from scripts/install-pulumi.sh (a cold build takes minutes), checked to hold the engine. */
export async function installEngine(repoRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  const install = await run("bash", [join(repoRoot, "scripts", "install-pulumi.sh")], { cwd: repoRoot, env, timeoutMs: 19 * 60_000 });
  if (install.code !== 0) throw new Error(`scripts/install-pulumi.sh failed (exit ${install.code}):\n${install.stderr}`);
  const binDir = install.stdout.trim().split("\n").pop() ?? "";
  for (const b of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!existsSync(join(binDir, b))) throw new Error(`install-pulumi.sh printed ${binDir}, which has no ${b}`);
  }
  return binDir;
}

/**
 * What the engine runs with in a test's temp dir `work`: the caller's environment less its
 * PULUMI_* settings and SSH agent (only the configured key logs in), the engine's bin dir then
 * `extraPath` first on PATH, a file backend in work/state and a PULUMI_HOME in work/pulumi-home
 * (both made here), no update check, no plugin downloads, no colour.
 */
export function engineEnvironment(binDir: string, work: string, passphrase: string, extraPath: string[] = []): NodeJS.ProcessEnv {
  for (const d of ["state", "pulumi-home"]) mkdirSync(join(work, d), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...environmentWithoutPulumi(),
    PATH: [binDir, ...extraPath, process.env.PATH ?? ""].join(":"),
    PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: join(work, "pulumi-home"),
    NO_COLOR: "1",
  };
  delete env.SSH_AUTH_SOCK;
  return env;
}

/** `pulumi <args>` on one stack, and the same that throws on failure. */
export interface PulumiOnStack {
  /** Adds --non-interactive and --stack (not for `stack init`); the flags go before a `--` (which ends them). */
  pulumi(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<Run>;
  /** The same; throws with the output's tails on a non-zero exit (never printing what follows `--`). */
  pulumiOk(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<Run>;
}

export function pulumiOnStack(binDir: string, project: string, env: NodeJS.ProcessEnv, stack: string, timeoutMs = 300_000): PulumiOnStack {
  const pulumi = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => {
    const dash = args.indexOf("--");
    const flags = args[0] === "stack" && args[1] === "init" ? ["--non-interactive"] : ["--non-interactive", "--stack", stack];
    const full = dash < 0 ? [...args, ...flags] : [...args.slice(0, dash), ...flags, ...args.slice(dash)];
    return run(join(binDir, "pulumi"), full, { cwd: project, env: { ...env, ...extraEnv }, timeoutMs });
  };
  const pulumiOk = async (args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<Run> => {
    const r = await pulumi(args, extraEnv);
    const shown = args.includes("--") ? args.slice(0, args.indexOf("--")) : args; // never print a secret
    if (r.code !== 0)
      throw new Error(
        `pulumi ${shown.join(" ")} exited ${r.code}\n--- diagnostics ---\n${diagnosticsOf(r.stdout)}\n--- stderr ---\n${r.stderr.slice(-6000)}\n--- stdout ---\n${r.stdout.slice(-10000)}`,
      );
    return r;
  };
  return { pulumi, pulumiOk };
}

/** The engine's "Diagnostics:" section (the errors), which a long "Outputs:" section would push out of the stdout tail. */
function diagnosticsOf(stdout: string): string {
  const start = stdout.indexOf("Diagnostics:");
  if (start < 0) return "(none)";
  const end = stdout.search(/^(Outputs|Resources):/m);
  return stdout.slice(start, end > start ? end : undefined).slice(0, 8000);
}

/**
 * Copies the project (`source`, by default the repository) into `project` without node_modules,
 * git data, outputs, local state or any stack file, and links the repository's node_modules (the
 * dynamic-provider host resolves @pulumi/pulumi and tsx from the project directory).
 */
export function copyProject(repoRoot: string, project: string, source = repoRoot): void {
  const skip = new Set(["node_modules", ".git", "out", ".pulumi-state"]);
  cpSync(source, project, {
    recursive: true,
    filter: (from) => {
      const rel = relative(source, from);
      if (rel === "") return true;
      const top = rel.split(sep)[0];
      return !skip.has(top) && !(top === "stacks" && rel !== "stacks");
    },
  });
  mkdirSync(join(project, "stacks"), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");
}

/** A copy of the project with its own file backend and stack, and the pinned engine to run in it. */
export interface EngineStack extends PulumiOnStack {
  /** The temp dir holding project/, state/, pulumi-home/, out/ and the stand-in binary. */
  readonly work: string;
  readonly project: string;
  /** The stand-in node binary, copied into `work` ("" with `program`). */
  readonly binary: string;
  /** Writes the topology (and the outputs dir, a 30 s health timeout) into the stack file, keeping other settings. */
  writeTopology(topology: Record<string, unknown>): void;
}

/**
 * The engine (built once), a copy of the project in a new temp dir named `<prefix>…`, a stack
 * `stack` initialised on a file backend there, and the stand-in binary beside it; with `program`,
 * that program as the copy's index.ts instead (and no stand-in binary). The test removes `work`
 * when done.
 */
export async function startEngineStack(repoRoot: string, prefix: string, stack: string, options: { program?: string } = {}): Promise<EngineStack> {
  const binDir = await installEngine(repoRoot, environmentWithoutPulumi());
  const work = mkdtempSync(join(tmpdir(), prefix));
  const project = join(work, "project");
  copyProject(repoRoot, project);
  let binary = "";
  if (options.program !== undefined) {
    writeFileSync(join(project, "index.ts"), options.program);
  } else {
    binary = join(work, "fisco-bcos");
    copyFileSync(ensureStandinBuilt(), binary);
  }

  // test/rig holds the stand-in Command provider.
  const env = engineEnvironment(binDir, work, prefix, [join(repoRoot, "test", "rig")]);
  const { pulumi, pulumiOk } = pulumiOnStack(binDir, project, env, stack);
  const writeTopology = (topology: Record<string, unknown>): void => {
    const file = join(project, "stacks", `Pulumi.${stack}.yaml`);
    const old = (existsSync(file) ? yaml.load(readFileSync(file, "utf8")) : {}) as Record<string, any>;
    const config = { ...(old.config ?? {}), "bcos:topology": topology, "bcos:outputDir": join(work, "out"), "bcos:healthTimeoutSeconds": 30 };
    writeFileSync(file, yaml.dump({ ...old, config }, { lineWidth: -1 }));
  };

  const init = await pulumi(["stack", "init", stack]);
  if (init.code !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`pulumi stack init failed: ${init.stderr}`);
  }
  return { work, project, binary, pulumi, pulumiOk, writeTopology };
}

/** Where a rig test puts a node: its host (index into rig.hosts) and its ports. */
export interface RigPlacement {
  host: number;
  p2pPort: number;
  channelPort: number;
  rpcPort: number;
}

/**
 * The dev stack's topology (stacks/Pulumi.dev.yaml), installed with `binary` on the rig's hosts
 * (host<i>, deployDir `deployDir(i)`, host keys pinned): each node placed as `placement` says.
 */
export function rigTopology(
  repoRoot: string,
  rig: SshRig,
  binary: string,
  deployDir: (host: number) => string,
  placement: (node: string) => RigPlacement,
): Record<string, any> {
  const doc = yaml.load(readFileSync(join(repoRoot, "stacks", "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
  const t = structuredClone(doc.config["bcos:topology"]);
  t.chain.install = true;
  t.chain.binary = { path: binary };
  t.hosts = Object.fromEntries(
    rig.hosts.map((h, i) => [
      `host${i}`,
      { address: h.address, connection: { ssh: { port: h.port, user: rig.user, hostKey: h.hostKey } }, deployDir: deployDir(i) },
    ]),
  );
  for (const agency of Object.values(t.agencies) as { nodes?: Record<string, Record<string, unknown>> }[]) {
    for (const [name, node] of Object.entries(agency.nodes ?? {})) {
      const { host, ...ports } = placement(name);
      Object.assign(node, { host: `host${host}`, ...ports });
    }
  }
  return t;
}

/**
 * A rig test's teardown: destroys the stack (if it got a state), stops the nodes whose folders
 * `nodeDirs` names that still have a stop.sh, stops the rig and removes the work dir (kept with
 * BCOS_RIG_KEEP for debugging). Never throws for a stack that failed half-way.
 */
export async function tearDownRigStack(stack: EngineStack | undefined, rig: SshRig | undefined, nodeDirs: string[] = []): Promise<void> {
  const work = stack?.work;
  try {
    if (work && existsSync(join(work, "state"))) await stack!.pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    for (const dir of work ? nodeDirs : []) {
      if (existsSync(join(dir, "stop.sh"))) await run("bash", ["stop.sh"], { cwd: dir, env: process.env, timeoutMs: 30_000 });
    }
  } finally {
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}
