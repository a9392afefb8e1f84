/**
 * What every real-engine test needs before its own scenario: a way to run a command and keep its
 * output, the pinned engine (built once, then cached), and a copy of the project to run pulumi in
 * without touching the repository (stack init writes into stack files).
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join, relative, sep } from "node:path";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws (a spawn failure or timeout has code -1). */
export function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, timeout: options.timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

/** The environment without any PULUMI_* setting of the caller's. */
export function environmentWithoutPulumi(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
}

/** The engine's bin dir from scripts/install-pulumi.sh (a cold build takes minutes). */
export async function installEngine(repoRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  const install = await run("bash", [join(repoRoot, "scripts", "install-pulumi.sh")], { cwd: repoRoot, env, timeoutMs: 19 * 60_000 });
  if (install.code !== 0) throw new Error(`scripts/install-pulumi.sh failed (exit ${install.code}):\n${install.stderr}`);
  return install.stdout.trim().split("\n").pop() ?? "";
}

/**
 * Copies the project into `project` without node_modules, git data, outputs, local state or any
 * stack file, and links the repository's node_modules (the dynamic-provider host resolves
 * @pulumi/pulumi and tsx from the project directory).
 */
export function copyProject(repoRoot: string, project: string): void {
  const skip = new Set(["node_modules", ".git", "out", ".pulumi-state"]);
  cpSync(repoRoot, project, {
    recursive: true,
    filter: (from) => {
      const rel = relative(repoRoot, from);
      if (rel === "") return true;
      const top = rel.split(sep)[0];
      return !skip.has(top) && !(top === "stacks" && rel !== "stacks");
    },
  });
  mkdirSync(join(project, "stacks"), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");
}
