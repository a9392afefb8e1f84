/**
 * SSH test rig (issue 6): Debian's OpenSSH server on loopback addresses 127.0.0.2, 127.0.0.3, …,
 * one `sshd` per address so that each address is a separate "host" with its own ed25519 host key
 * (and, with `hostKeyTypes`, its own ecdsa and rsa host keys too, as a stock server has).
 * Everything (host keys, the user key, authorized_keys, configs, logs, pid files) lives in one temp
 * dir that `stop()` removes. Nothing listens outside 127.0.0.0/8.
 *
 *   const rig = await startSshRig({ hosts: 2 });
 *   rig.hosts[0]  // { address: "127.0.0.2", port, hostKey: "ssh-ed25519 AAAA…", hostKeyFingerprint: "SHA256:…" }
 *   rig.user, rig.privateKeyPem   // log in as the current user with this (OpenSSH-format) key
 *   await rig.stop();
 *
 * sshd settings: public-key auth only (no passwords, no keyboard-interactive, no PAM unless the
 * account is locked, see below), `StrictModes no` (the temp dir is not the user's home),
 * `AuthorizedKeysFile` in the temp dir, `AllowUsers <current user>`, `Subsystem sftp internal-sftp`
 * (no dependency on the sftp-server binary), `AcceptEnv LANG LC_*` like a stock Debian server (so
 * `environment` on remote commands behaves as on a real host), and a high `MaxStartups`/`MaxSessions`
 * for parallel installs.
 *
 * Root vs non-root: as root, sshd needs its privilege-separation dir `/run/sshd` (created here if
 * missing, mode 0755) and the `sshd` user (made by the openssh-server package); root logs in with
 * `PermitRootLogin prohibit-password`. As another user, sshd runs without privilege separation's
 * chroot and can only log that same user in; no /run/sshd is needed.
 * With `UsePAM no`, sshd refuses accounts whose password field is locked ("!…"); if the current
 * user's is, the rig turns `UsePAM yes` on (Debian's /etc/pam.d/sshd) rather than fail.
 *
 * Missing /usr/sbin/sshd: throws, telling to run `.ci/run` (which installs openssh-server).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export const SSHD = "/usr/sbin/sshd";
const SSH_KEYGEN = "/usr/bin/ssh-keygen";

export type HostKeyType = "ed25519" | "ecdsa" | "rsa";

export interface SshRigHost {
  /** 127.0.0.2, 127.0.0.3, … */
  readonly address: string;
  readonly port: number;
  /** The host's public key in known_hosts / authorized_keys form: "ssh-ed25519 AAAA…" (no comment). */
  readonly hostKey: string;
  /** Every host key it offers, by type, in the same form (the first of `hostKeyTypes` is `hostKey`). */
  readonly hostKeys: Readonly<Partial<Record<HostKeyType, string>>>;
  /** `ssh-keygen -l` fingerprint of the host key: "SHA256:…". */
  readonly hostKeyFingerprint: string;
  /** sshd's log (its stderr, LogLevel VERBOSE). */
  readonly logFile: string;
}

export interface SshRig {
  readonly hosts: SshRigHost[];
  /** The login user: the current user (root in CI). */
  readonly user: string;
  /** The user's private key, OpenSSH format ("-----BEGIN OPENSSH PRIVATE KEY-----"), ed25519, no passphrase. */
  readonly privateKeyPem: string;
  /** The same key on disk (mode 0600), for `ssh -i`. */
  readonly privateKeyFile: string;
  /** The user's public key line ("ssh-ed25519 AAAA… bcos-rig"). */
  readonly publicKey: string;
  /** A known_hosts file pinning every host's key ("[127.0.0.2]:2222 ssh-ed25519 AAAA…"). */
  readonly knownHostsFile: string;
  /** The rig's temp dir (removed by stop()). */
  readonly dir: string;
  /** Kills every sshd (and waits for it), then removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface SshRigOptions {
  /** How many hosts (127.0.0.2 …); 1 to 50. */
  readonly hosts: number;
  /** A fixed port for every host; default: a free port per host in 17000–19999, where no test puts a node port (the nodes bind their p2p and channel ports on every address). */
  readonly port?: number;
  /** Host key types every host offers, one key each; default ["ed25519"]. */
  readonly hostKeyTypes?: readonly HostKeyType[];
  /** Extra sshd_config lines for every host. */
  readonly extraConfig?: string[];
}

/**
 * Runs sshd ("$@") under a small bash watchdog: TERM to the watchdog stops sshd, and if the test
 * process ($1) dies without calling stop() (a crashed worker), sshd is stopped within a second
 * instead of lingering on the machine.
 */
const WATCHDOG = [
  'parent=$1; shift; "$@" & child=$!',
  'trap \'kill "$child" 2>/dev/null; wait "$child"; exit 0\' TERM INT',
  'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5 & wait $!; done',
  'kill "$child" 2>/dev/null; wait "$child"',
].join("\n");

/** Thrown when sshd is not installed. */
export const SSHD_MISSING =
  `${SSHD} is missing: the SSH test rig needs Debian's OpenSSH server. ` +
  "Run `bash .ci/run` once (it installs openssh-server), or `apt-get install -y openssh-server`.";

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function keygen(file: string, comment: string, type: HostKeyType = "ed25519"): Promise<{ publicLine: string; fingerprint: string }> {
  await run(SSH_KEYGEN, ["-q", "-t", type, "-N", "", "-C", comment, "-f", file]);
  const publicLine = readFileSync(`${file}.pub`, "utf8").trim();
  const fp = (await run(SSH_KEYGEN, ["-l", "-E", "sha256", "-f", `${file}.pub`])).trim().split(/\s+/)[1];
  if (!fp?.startsWith("SHA256:")) throw new Error(`unexpected ssh-keygen -l output for ${file}.pub`);
  return { publicLine, fingerprint: fp };
}

/** True when nothing listens on address:port (we could bind it). */
function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolves with sshd's banner once address:port answers, or rejects after timeoutMs. */
async function waitForBanner(address: string, port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`sshd exited (${proc.exitCode ?? proc.signalCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: address, port });
      const timer = setTimeout(() => {
        sock.destroy();
        resolve(false);
      }, 1000);
      sock.once("data", (d) => {
        clearTimeout(timer);
        sock.destroy();
        resolve(d.toString("latin1").startsWith("SSH-2.0-"));
      });
      sock.once("error", () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd on ${address}:${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function accountLocked(user: string): boolean {
  try {
    const line = readFileSync("/etc/shadow", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${user}:`));
    const pw = line?.split(":")[1] ?? "";
    return pw.startsWith("!") || pw.startsWith("*LK*");
  } catch {
    return false; // not readable (non-root): sshd can't read it either
  }
}

export async function startSshRig(options: SshRigOptions): Promise<SshRig> {
  const n = options.hosts;
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`startSshRig: hosts must be 1..50, got ${n}`);
  if (!existsSync(SSHD)) throw new Error(SSHD_MISSING);
  if (!existsSync(SSH_KEYGEN)) throw new Error(`${SSH_KEYGEN} is missing (package openssh-client); run \`bash .ci/run\``);

  const user = userInfo().username;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && !existsSync("/run/sshd")) mkdirSync("/run/sshd", { mode: 0o755, recursive: true });

  const dir = mkdtempSync(join(tmpdir(), "bcos-ssh-rig-"));
  const procs: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const kill = setTimeout(() => p.kill("SIGKILL"), 3000);
            p.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            p.kill("SIGTERM");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const userKeyFile = join(dir, "user_ed25519");
    const userKey = await keygen(userKeyFile, "bcos-rig");
    const authorizedKeys = join(dir, "authorized_keys");
    writeFileSync(authorizedKeys, `${userKey.publicLine}\n`, { mode: 0o600 });
    const usePam = accountLocked(user) ? "yes" : "no";

    const hosts: SshRigHost[] = [];
    const usedPorts = new Set<number>();
    for (let i = 0; i < n; i++) {
      const address = `127.0.0.${i + 2}`;
      const hostDir = join(dir, `host-${address}`);
      mkdirSync(hostDir, { mode: 0o700 });
      const keyTypes = options.hostKeyTypes?.length ? options.hostKeyTypes : (["ed25519"] as const);
      const hostKeyFiles = keyTypes.map((type) => join(hostDir, `ssh_host_${type}_key`));
      const keys = await Promise.all(keyTypes.map((type, k) => keygen(hostKeyFiles[k], address, type)));
      const hk = keys[0];
      const logFile = join(hostDir, "sshd.log");

      let started: { port: number; proc: ChildProcess } | undefined;
      let lastError = "";
      for (let attempt = 0; attempt < 20 && !started; attempt++) {
        const port = options.port ?? 17000 + Math.floor(Math.random() * 3000);
        if (options.port === undefined && usedPorts.has(port)) continue;
        if (!(await portFree(address, port))) {
          lastError = `${address}:${port} is in use`;
          if (options.port !== undefined) break;
          continue;
        }
        const config = join(hostDir, "sshd_config");
        writeFileSync(
          config,
          [
            `ListenAddress ${address}:${port}`,
            ...hostKeyFiles.map((file) => `HostKey ${file}`),
            `PidFile ${join(hostDir, "sshd.pid")}`,
            `AuthorizedKeysFile ${authorizedKeys}`,
            "AuthenticationMethods publickey",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "HostbasedAuthentication no",
            `UsePAM ${usePam}`,
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            `AllowUsers ${user}`,
            "Subsystem sftp internal-sftp",
            "AcceptEnv LANG LC_*",
            "MaxStartups 100:30:200",
            "MaxSessions 100",
            "MaxAuthTries 6",
            "LoginGraceTime 30",
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "LogLevel VERBOSE",
            ...(options.extraConfig ?? []),
            "",
          ].join("\n"),
          { mode: 0o600 },
        );
        const logFd = openSync(logFile, "a");
        // -D: stay in the foreground (we own the process), -e: log to stderr (our log file).
        const proc = spawn("bash", ["-c", WATCHDOG, "sshd-watchdog", String(process.pid), SSHD, "-D", "-e", "-f", config], {
          stdio: ["ignore", logFd, logFd],
        });
        closeSync(logFd);
        procs.push(proc);
        proc.on("error", () => undefined);
        try {
          await waitForBanner(address, port, proc, 10_000);
          started = { port, proc };
          usedPorts.add(port);
        } catch (e) {
          lastError = `${(e as Error).message}; sshd log:\n${readFileSync(logFile, "utf8").slice(-2000)}`;
          if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
          if (options.port !== undefined) break;
        }
      }
      if (!started) throw new Error(`could not start sshd on ${address}: ${lastError}`);
      hosts.push({
        address,
        port: started.port,
        hostKey: hk.publicLine.split(/\s+/).slice(0, 2).join(" "),
        hostKeys: Object.fromEntries(keyTypes.map((type, k) => [type, keys[k].publicLine.split(/\s+/).slice(0, 2).join(" ")])),
        hostKeyFingerprint: hk.fingerprint,
        logFile,
      });
    }

    const knownHostsFile = join(dir, "known_hosts");
    writeFileSync(knownHostsFile, hosts.map((h) => `[${h.address}]:${h.port} ${h.hostKey}\n`).join(""), { mode: 0o600 });
    return {
      hosts,
      user,
      privateKeyPem: readFileSync(userKeyFile, "utf8"),
      privateKeyFile: userKeyFile,
      publicKey: userKey.publicLine,
      knownHostsFile,
      dir,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
