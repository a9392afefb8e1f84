/**
 * SSH and SFTP for the stand-in Command provider, on the `ssh2` package (pure JS; its optional
 * native add-ons are not needed). Only the parts of ssh2 used here are typed, locally, so that no
 * @types package is needed.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join, posix } from "node:path";

// ---------------------------------------------------------------------------------------------
// The subset of ssh2's API in use

interface ExecStream {
  on(event: "data", cb: (d: Buffer) => void): ExecStream;
  on(event: "exit", cb: (code: number | null, signal?: string) => void): ExecStream;
  on(event: "close", cb: () => void): ExecStream;
  stderr: { on(event: "data", cb: (d: Buffer) => void): void };
  end(data?: string): void;
}
export interface SftpStats {
  isDirectory(): boolean;
  mode: number;
}
interface Sftp {
  stat(path: string, cb: (err: (Error & { code?: number }) | undefined, stats: SftpStats) => void): void;
  mkdir(path: string, cb: (err: Error | undefined) => void): void;
  open(path: string, flags: string, cb: (err: Error | undefined, handle: Buffer) => void): void;
  write(handle: Buffer, buf: Buffer, off: number, len: number, pos: number, cb: (err: Error | undefined) => void): void;
  close(handle: Buffer, cb: (err: Error | undefined) => void): void;
  fastPut(local: string, remote: string, cb: (err: Error | undefined) => void): void;
  end(): void;
}
interface Ssh2Client {
  on(event: "ready", cb: () => void): Ssh2Client;
  on(event: "error", cb: (err: Error) => void): Ssh2Client;
  on(event: "close", cb: () => void): Ssh2Client;
  connect(config: Record<string, unknown>): void;
  exec(cmd: string, opts: { env?: Record<string, string> }, cb: (err: Error | undefined, stream: ExecStream) => void): void;
  sftp(cb: (err: Error | undefined, sftp: Sftp) => void): void;
  end(): void;
}
interface Ssh2Module {
  Client: new () => Ssh2Client;
}
const ssh2 = (): Ssh2Module => require("ssh2") as Ssh2Module;

// ---------------------------------------------------------------------------------------------
// Connecting

export interface Connection {
  host: string;
  port: number;
  user: string;
  privateKey?: string;
  privateKeyPassword?: string;
  password?: string;
  agentSocketPath?: string;
  /** authorized_keys form "ssh-ed25519 AAAA…"; when set, the server must present exactly this key. */
  hostKey?: string;
  /** Dial attempts allowed to fail before giving up (-1: unlimited). */
  dialErrorLimit: number;
  /** Seconds per attempt. */
  perDialTimeout: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hostKeyBlob(hostKey: string): Buffer {
  const parts = hostKey.trim().split(/\s+/);
  // known_hosts lines may carry the host first: "[h]:p ssh-ed25519 AAAA…"
  const b64 = parts.find((p, i) => i > 0 && /^AAAA[0-9A-Za-z+/=]+$/.test(p)) ?? parts.find((p) => /^AAAA[0-9A-Za-z+/=]+$/.test(p));
  if (!b64) throw new Error(`connection.hostKey is not an OpenSSH public key ("ssh-ed25519 AAAA…"): ${hostKey.slice(0, 40)}`);
  return Buffer.from(b64, "base64");
}

function dialOnce(c: Connection): Promise<Ssh2Client> {
  return new Promise((resolve, reject) => {
    const client = new (ssh2().Client)();
    let mismatch = false;
    const expected = c.hostKey ? hostKeyBlob(c.hostKey) : undefined;
    client.on("ready", () => resolve(client));
    client.on("error", (err) => {
      reject(mismatch ? new Error(`ssh: handshake failed: host key mismatch for ${c.host}:${c.port} (connection.hostKey is pinned)`) : err);
    });
    client.connect({
      host: c.host,
      port: c.port,
      username: c.user,
      privateKey: c.privateKey,
      passphrase: c.privateKeyPassword,
      password: c.password,
      agent: c.agentSocketPath ?? (process.env.SSH_AUTH_SOCK || undefined),
      readyTimeout: c.perDialTimeout * 1000,
      hostVerifier: (key: Buffer) => {
        if (!expected) return true; // like the real provider: no hostKey, no verification
        mismatch = !key.equals(expected);
        return !mismatch;
      },
    });
  });
}

/** Dials, retrying failed attempts like the real provider (up to dialErrorLimit), but with short waits. */
export async function dial(c: Connection): Promise<Ssh2Client> {
  let failures = 0;
  for (;;) {
    try {
      return await dialOnce(c);
    } catch (e) {
      failures++;
      const err = e as Error;
      if (c.dialErrorLimit >= 0 && failures > c.dialErrorLimit) {
        throw new Error(`Dial: ssh ${c.user}@${c.host}:${c.port}: ${failures} failed attempt(s), last: ${err.message}`);
      }
      await sleep(Math.min(250 * failures, 1000));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running a command

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  combined: string;
}

export function exec(
  client: Ssh2Client,
  command: string,
  env: Record<string, string>,
  stdin: string | undefined,
  onOutput: (stream: "stdout" | "stderr", chunk: string) => void,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, { env }, (err, stream) => {
      if (err) return reject(err);
      let stdout = "";
      let stderr = "";
      let combined = "";
      let code: number | null = null;
      let signal: string | undefined;
      stream.on("data", (d) => {
        const s = d.toString("utf8");
        stdout += s;
        combined += s;
        onOutput("stdout", s);
      });
      stream.stderr.on("data", (d) => {
        const s = d.toString("utf8");
        stderr += s;
        combined += s;
        onOutput("stderr", s);
      });
      stream.on("exit", (c, s) => {
        code = c;
        signal = s;
      });
      stream.on("close", () => resolve({ code, signal, stdout, stderr, combined }));
      stream.end(stdin && stdin.length > 0 ? stdin : undefined);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// SFTP

export function openSftp(client: Ssh2Client): Promise<Sftp> {
  return new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
}

const SFTP_NO_SUCH_FILE = 2;

/** stat, or undefined when the path does not exist. */
export function remoteStat(sftp: Sftp, path: string): Promise<SftpStats | undefined> {
  return new Promise((resolve, reject) =>
    sftp.stat(path, (err, stats) => {
      if (err) {
        if (err.code === SFTP_NO_SUCH_FILE) resolve(undefined);
        else reject(new Error(`failed to stat remote path ${path}: ${err.message}`));
      } else resolve(stats);
    }),
  );
}

function mkdir(sftp: Sftp, path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    sftp.mkdir(path, (err) => (err ? reject(new Error(`failed to create remote directory ${path}: ${err.message}`)) : resolve())),
  );
}

/**
 * Writes bytes to a remote file like Go's sftp Create: opened for writing with no attributes, so a
 * new file gets the server's default mode (0666 & ~umask) and an existing file keeps its mode.
 */
export function putBuffer(sftp: Sftp, path: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.open(path, "w", (err, handle) => {
      if (err) return reject(new Error(`failed to create remote file ${path}: ${err.message}`));
      let pos = 0;
      const next = () => {
        if (pos >= data.length) {
          sftp.close(handle, (e) => (e ? reject(e) : resolve()));
          return;
        }
        const len = Math.min(32 * 1024, data.length - pos);
        sftp.write(handle, data, pos, len, pos, (e) => {
          if (e) return reject(new Error(`failed to write remote file ${path}: ${e.message}`));
          pos += len;
          next();
        });
      };
      next();
    });
  });
}

function putFile(sftp: Sftp, local: string, remote: string): Promise<void> {
  // fastPut opens the remote file with no attributes too (mode untouched unless asked).
  return new Promise((resolve, reject) =>
    sftp.fastPut(local, remote, (err) => (err ? reject(new Error(`failed to copy file ${local} to remote path ${remote}: ${err.message}`)) : resolve())),
  );
}

/** Text content to a remote *file* path (a directory is an error, as in the real provider). */
export async function copyText(sftp: Sftp, text: string, dest: string): Promise<void> {
  const st = await remoteStat(sftp, dest);
  if (st?.isDirectory()) throw new Error(`remote path ${dest} is a directory; when using a text asset, remotePath must be a file path`);
  await putBuffer(sftp, dest, Buffer.from(text, "utf8"));
}

/**
 * A local file or directory to the remote path, with the real provider's rules:
 *   source | dest exists as dir | dest does not exist | dest exists as file
 *   dir    | dest/dir            | dest/dir            | error
 *   dir/   | dest/x for x in dir | dest/dir            | error
 *   file   | dest/file           | dest                | dest (overwritten)
 * Parent directories are not created.
 */
export async function copyPath(sftp: Sftp, source: string, dest: string): Promise<void> {
  const srcStat = statSync(source);
  let destStat = await remoteStat(sftp, dest);
  if (!srcStat.isDirectory()) {
    await putFile(sftp, source, destStat?.isDirectory() ? posix.join(dest, basename(source)) : dest);
    return;
  }
  if (!destStat) await mkdir(sftp, dest);
  else if (!destStat.isDirectory()) throw new Error(`remote path ${dest} exists but is not a directory`);
  let target = dest;
  if (!source.endsWith("/")) {
    target = posix.join(dest, basename(source));
    destStat = await remoteStat(sftp, target);
    if (destStat && !destStat.isDirectory()) throw new Error(`remote path ${target} exists but is not a directory`);
    if (!destStat) await mkdir(sftp, target);
  }
  await copyDir(sftp, source, target);
}

async function copyDir(sftp: Sftp, src: string, dst: string): Promise<void> {
  for (const name of readdirSync(src).sort()) {
    const from = join(src, name);
    const to = posix.join(dst, name);
    if (statSync(from).isDirectory()) {
      const st = await remoteStat(sftp, to);
      if (!st) await mkdir(sftp, to);
      else if (!st.isDirectory()) throw new Error(`remote path ${to} exists but is not a directory`);
      await copyDir(sftp, from, to);
    } else {
      await putFile(sftp, from, to);
    }
  }
}
