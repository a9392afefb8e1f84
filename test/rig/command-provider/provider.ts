/**
 * Stand-in for the Pulumi Command provider (`pulumi-resource-command`), for machines where the
 * real one cannot be built (the Go module proxy here refuses github.com/pulumi/pulumi-command).
 * TEST INFRASTRUCTURE ONLY: production code uses @pulumi/command and, elsewhere, the real provider.
 *
 * Implements, with the real provider's semantics (pulumi-notes §4; pulumi-command's
 * commandController.go / copyController.go):
 *   command:local:Command, command:remote:Command, command:remote:CopyToRemote, and the invoke
 *   command:local:run.
 * - create runs `create` (none: nothing runs); update runs `update`, else `create` again; delete runs
 *   the `delete` stored in state, with the connection stored in state. A change of `triggers` is a
 *   replacement, any other input change an in-place update. CopyToRemote copies again on update
 *   only when the source's content or `remotePath` changed, and has no delete.
 * - stdout/stderr are trimmed of one trailing newline; a non-zero exit fails the step with
 *   `Process exited with status N: running "<cmd>":\n<stdout and stderr as they came>`.
 * - PULUMI_COMMAND_STDOUT/STDERR carry the previous outputs into update/delete unless
 *   `addPreviousOutputInEnv: false`.
 * - `logging` (stdout | stderr | stdoutAndStderr (default) | none) decides which lines are sent to the
 *   engine's log (shown by `pulumi up`), line by line.
 * - remote: `connection` host/port/user/privateKey(+Password)/password/agentSocketPath/hostKey/
 *   dialErrorLimit/perDialTimeout. With `hostKey` the server's key must match exactly; without it the
 *   key is not checked (as upstream). `environment` goes over SSH "env" requests: a variable the
 *   server refuses (OpenSSH: not in AcceptEnv) fails the command with
 *   `could not set environment variable "<name>"`, like the real provider.
 * - Inputs arrive with their secret wrappers (the provider accepts secrets); outputs echo the inputs
 *   with the same wrappers, so what was secret stays secret (the whole `connection` always is).
 *
 * Differences from the real provider (on purpose or not yet needed): dial retries wait 250 ms–1 s
 * instead of an exponential back-off; `proxy` (bastion), local `assetPaths`/`archivePaths` are
 * rejected with an error saying so; the resource ID is `<name>-<16 hex>`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type * as pulumiProvider from "@pulumi/pulumi/provider";
import { copyPath, copyText, dial, exec, openSftp, type Connection } from "./ssh";
import { canonical, hasUnknown, isArchive, isAsset, localPath, num, reveal, sourceDigest, str, strList, strMap, bool, type Json, type Props } from "./values";

export const LOCAL_COMMAND = "command:local:Command";
export const REMOTE_COMMAND = "command:remote:Command";
export const COPY_TO_REMOTE = "command:remote:CopyToRemote";
export const LOCAL_RUN = "command:local:run";

/** Input properties per type (what diff compares). */
const INPUT_KEYS: Record<string, string[]> = {
  [LOCAL_COMMAND]: [
    "addPreviousOutputInEnv",
    "archivePaths",
    "assetPaths",
    "create",
    "delete",
    "dir",
    "environment",
    "interpreter",
    "logging",
    "stdin",
    "triggers",
    "update",
  ],
  [REMOTE_COMMAND]: ["addPreviousOutputInEnv", "connection", "create", "delete", "environment", "logging", "stdin", "triggers", "update"],
  [COPY_TO_REMOTE]: ["connection", "remotePath", "source", "triggers"],
};

export type Severity = "debug" | "info" | "warning" | "error";
export type EngineLog = (urn: string | undefined, severity: Severity, message: string) => void;

const typeOf = (urn: string): string => (urn.split("::")[2] ?? "").split("$").pop() ?? "";
const nameOf = (urn: string): string => urn.split("::")[3] ?? "resource";

function knownType(urn: string): string {
  const t = typeOf(urn);
  if (!INPUT_KEYS[t]) throw new Error(`stand-in command provider: unknown resource type ${t} (${urn})`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Running commands

interface Outputs {
  stdout: string;
  stderr: string;
}

const trimOne = (s: string) => (s.endsWith("\n") ? s.slice(0, -1) : s);

/** Sends complete lines of each stream to the engine log, per the `logging` input. */
function lineLogger(log: EngineLog, urn: string | undefined, logging: string | undefined) {
  const mode = logging ?? "stdoutAndStderr";
  const want = (s: "stdout" | "stderr") => mode === "stdoutAndStderr" || mode === s;
  const pending: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  const push = (s: "stdout" | "stderr", chunk: string) => {
    if (!want(s)) return;
    pending[s] += chunk;
    const lines = pending[s].split("\n");
    pending[s] = lines.pop() ?? "";
    for (const line of lines) log(urn, "info", line);
  };
  const flush = () => {
    for (const s of ["stdout", "stderr"] as const) if (pending[s]) log(urn, "info", pending[s]);
    pending.stdout = pending.stderr = "";
  };
  return { push, flush };
}

function failure(status: string, command: string, combined: string): Error {
  return new Error(`${status}: running ${JSON.stringify(command)}:\n${combined}`);
}

function previousEnv(props: Props, prev: Outputs | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (!prev || bool(props.addPreviousOutputInEnv) === false) return env;
  if (prev.stdout) env.PULUMI_COMMAND_STDOUT = prev.stdout;
  if (prev.stderr) env.PULUMI_COMMAND_STDERR = prev.stderr;
  return env;
}

async function runLocal(log: EngineLog, urn: string | undefined, props: Props, command: string, prev: Outputs | undefined): Promise<Outputs> {
  if (strList(props.assetPaths)?.length || strList(props.archivePaths)?.length) {
    throw new Error("stand-in command provider: local.Command assetPaths/archivePaths are not implemented");
  }
  const interpreter = strList(props.interpreter)?.length ? (strList(props.interpreter) as string[]) : ["/bin/sh", "-c"];
  const env = { ...process.env, ...strMap(props.environment), ...previousEnv(props, prev) };
  const cwd = str(props.dir) ?? process.cwd();
  const lines = lineLogger(log, urn, str(props.logging));
  const stdin = str(props.stdin);
  return new Promise((resolve, reject) => {
    const child = spawn(interpreter[0], [...interpreter.slice(1), command], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let combined = "";
    child.stdout.on("data", (d: Buffer) => {
      const s = d.toString("utf8");
      stdout += s;
      combined += s;
      lines.push("stdout", s);
    });
    child.stderr.on("data", (d: Buffer) => {
      const s = d.toString("utf8");
      stderr += s;
      combined += s;
      lines.push("stderr", s);
    });
    child.on("error", (e) => reject(failure(e.message, command, combined)));
    child.on("close", (code, signal) => {
      lines.flush();
      if (code === 0) resolve({ stdout: trimOne(stdout), stderr: trimOne(stderr) });
      else reject(failure(signal ? `signal: ${signal}` : `exit status ${code}`, command, combined));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(stdin && stdin.length > 0 ? stdin : undefined);
  });
}

/** The connection input, revealed, with the SDK's/provider's defaults. */
export function connectionOf(props: Props): Connection {
  const c = reveal(props.connection) as Record<string, Json> | undefined;
  if (!c || typeof c !== "object" || Array.isArray(c)) throw new Error("connection is required");
  if (c.proxy) throw new Error("stand-in command provider: connection.proxy (bastion hosts) is not implemented");
  const host = str(c.host);
  if (!host) throw new Error("connection.host is required");
  return {
    host,
    port: num(c.port) ?? 22,
    user: str(c.user) ?? "root",
    privateKey: str(c.privateKey),
    privateKeyPassword: str(c.privateKeyPassword),
    password: str(c.password),
    agentSocketPath: str(c.agentSocketPath),
    hostKey: str(c.hostKey),
    dialErrorLimit: num(c.dialErrorLimit) ?? 10,
    perDialTimeout: num(c.perDialTimeout) ?? 15,
  };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

async function runRemote(log: EngineLog, urn: string | undefined, props: Props, command: string, prev: Outputs | undefined): Promise<Outputs> {
  const conn = connectionOf(props);
  const environment = strMap(props.environment);
  // OpenSSH silently drops env requests it does not accept and ssh2 does not ask for replies; the
  // real provider fails the command then. Check on the host that each variable arrived.
  const guards = Object.keys(environment)
    .filter((k) => ENV_NAME.test(k))
    .map(
      (k) =>
        `if [ -z "\${${k}+x}" ]; then echo 'could not set environment variable "${k}" (the SSH server refused it; OpenSSH accepts only AcceptEnv names)' >&2; exit 255; fi; `,
    )
    .join("");
  const client = await dial(conn);
  try {
    const lines = lineLogger(log, urn, str(props.logging));
    const r = await exec(client, guards + command, { ...environment, ...previousEnv(props, prev) }, str(props.stdin), lines.push);
    lines.flush();
    if (r.code !== 0) {
      const status =
        r.code === null
          ? `Process exited without exit status or exit signal${r.signal ? ` (signal ${r.signal})` : ""}`
          : `Process exited with status ${r.code}`;
      throw failure(status, command, r.combined);
    }
    return { stdout: trimOne(r.stdout), stderr: trimOne(r.stderr) };
  } finally {
    client.end();
  }
}

function runFor(type: string) {
  return type === REMOTE_COMMAND ? runRemote : runLocal;
}

// ---------------------------------------------------------------------------------------------
// CopyToRemote

function checkCopy(news: Props): pulumiProvider.CheckFailure[] {
  const failures: pulumiProvider.CheckFailure[] = [];
  const src = reveal(news.source);
  if (hasUnknown(news.source)) return failures;
  if (!isAsset(src) && !isArchive(src)) {
    failures.push({ property: "source", reason: "source must be an asset or an archive" });
  } else if (isAsset(src) && typeof src.path !== "string" && typeof src.text !== "string") {
    failures.push({ property: "asset", reason: "asset must be a path-based file asset or a text asset" });
  } else if (isArchive(src) && typeof src.path !== "string") {
    failures.push({ property: "archive", reason: "archive must be a path to a file or directory" });
  }
  if (!hasUnknown(news.remotePath) && !str(news.remotePath)) failures.push({ property: "remotePath", reason: "remotePath is required" });
  return failures;
}

async function copyToRemote(props: Props): Promise<void> {
  const src = reveal(props.source) as Record<string, Json>;
  const dest = str(props.remotePath) as string;
  const client = await dial(connectionOf(props));
  try {
    const sftp = await openSftp(client);
    try {
      if (isAsset(src) && typeof src.text === "string") await copyText(sftp, src.text, dest);
      else if (typeof src.path === "string") await copyPath(sftp, localPath(src.path), dest);
      else throw new Error("source must be a text asset, a file asset or a path archive");
    } finally {
      sftp.end();
    }
  } finally {
    client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The provider

const prevOf = (olds: Props): Outputs => ({ stdout: str(olds.stdout) ?? "", stderr: str(olds.stderr) ?? "" });

export function makeProvider(version: string, log: EngineLog): pulumiProvider.Provider {
  return {
    version,

    async check(urn: string, _olds: Props, news: Props): Promise<pulumiProvider.CheckResult> {
      const type = knownType(urn);
      return { inputs: news, failures: type === COPY_TO_REMOTE ? checkCopy(news) : [] };
    },

    async diff(_id: string, urn: string, olds: Props, news: Props): Promise<pulumiProvider.DiffResult> {
      const type = knownType(urn);
      const changed = INPUT_KEYS[type].filter((k) => {
        if (hasUnknown(news[k])) return true;
        if (k === "source") return sourceDigest(olds[k]) !== sourceDigest(news[k]);
        return canonical(reveal(olds[k])) !== canonical(reveal(news[k]));
      });
      return { changes: changed.length > 0, replaces: changed.includes("triggers") ? ["triggers"] : [], deleteBeforeReplace: false };
    },

    async create(urn: string, inputs: Props): Promise<pulumiProvider.CreateResult> {
      const type = knownType(urn);
      const id = `${nameOf(urn)}-${randomBytes(8).toString("hex")}`;
      if (type === COPY_TO_REMOTE) {
        await copyToRemote(inputs);
        return { id, outs: { ...inputs } };
      }
      const command = str(inputs.create);
      const out = command === undefined ? { stdout: "", stderr: "" } : await runFor(type)(log, urn, inputs, command, undefined);
      return { id, outs: { ...inputs, ...out } };
    },

    async update(_id: string, urn: string, olds: Props, news: Props): Promise<pulumiProvider.UpdateResult> {
      const type = knownType(urn);
      if (type === COPY_TO_REMOTE) {
        if (sourceDigest(olds.source) !== sourceDigest(news.source) || str(olds.remotePath) !== str(news.remotePath)) await copyToRemote(news);
        return { outs: { ...news } };
      }
      const command = str(news.update) ?? str(news.create);
      const prev = prevOf(olds);
      const out = command === undefined ? prev : await runFor(type)(log, urn, news, command, prev);
      return { outs: { ...news, ...out } };
    },

    async delete(_id: string, urn: string, props: Props): Promise<void> {
      const type = knownType(urn);
      if (type === COPY_TO_REMOTE) return; // no delete: the files stay on the host
      const command = str(props.delete);
      if (command === undefined) return;
      await runFor(type)(log, urn, props, command, prevOf(props));
    },

    async invoke(token: string, inputs: Props): Promise<pulumiProvider.InvokeResult> {
      if (token !== LOCAL_RUN) throw new Error(`stand-in command provider: unknown function ${token}`);
      const command = str(inputs.command);
      if (command === undefined) return { failures: [{ property: "command", reason: "command is required" }] };
      const out = await runLocal(log, undefined, inputs, command, undefined);
      return { outputs: { ...inputs, ...out } };
    },
  };
}
