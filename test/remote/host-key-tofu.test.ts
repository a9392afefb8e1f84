/**
 * Trust on first use for SSH host keys under the REAL Pulumi engine against the sshd rig (issue 6:
 * "pin the host key, or trust on first use recorded in state and enforced after"). The program is
 * a small stand-in for what NodeInstall does for a host without `hostKey` in the topology: a
 * HostKey resource records the host's key at the first run and a remote Command uses it as its
 * connection's `hostKey`. (The full chain is not used here: NodeInstall's wiring is covered under
 * mocks in test/components/node-install.test.ts.)
 *
 * First up records the key (in state, plain: it is public); after the rig host's sshd is
 * restarted with another host key, the next run that connects fails with a host key mismatch
 * naming the host, and the recorded key is unchanged; with the old key back the run converges.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, startEngineStack, type EngineStack } from "../rig/engine-project";
import { SSHD, startSshRig, type SshRig } from "../rig/sshd";
import { waitFor } from "../standin/harness";

const repoRoot = join(__dirname, "..", "..");
const STACK = "tofu";

const PROGRAM = `import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { HostKey } from "./infra/providers/host-key";

const config = new pulumi.Config("tofu");
const host = config.require("address");
const port = config.requireNumber("port");
const trusted = new HostKey("host-key", { host, port });
new command.remote.Command("probe", {
  connection: { host, port, user: config.require("user"), privateKey: config.requireSecret("key"), hostKey: trusted.hostKey },
  create: "echo probe",
  triggers: [config.require("round")],
  addPreviousOutputInEnv: false,
});
export const hostKey = trusted.hostKey;
`;

let rig: SshRig | undefined;
let stack: EngineStack | undefined;
let work = "";
/** The sshd this file started itself (the rig's host restarted with another key). */
const ownSshd: ChildProcess[] = [];

const pulumi = (args: string[]) => stack!.pulumi(args);
const pulumiOk = (args: string[]) => stack!.pulumiOk(args);

/** Stops the host's sshd (the rig's, by its pid file, or ours) and starts it again with a new or the saved host key. */
async function restartSshd(newKey: boolean, backup: string): Promise<void> {
  const h = rig!.hosts[0];
  const hostDir = join(rig!.dir, `host-${h.address}`);
  const keyFile = join(hostDir, "ssh_host_ed25519_key");
  const own = ownSshd.pop();
  if (own) {
    await new Promise<void>((resolve) => {
      if (own.exitCode !== null || own.signalCode !== null) return resolve();
      own.once("exit", () => resolve());
      own.kill("SIGTERM");
    });
  } else {
    const pid = Number(readFileSync(join(hostDir, "sshd.pid"), "utf8").trim());
    process.kill(pid, "SIGTERM");
    await waitFor(`sshd ${pid} to exit`, async () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
  }
  if (newKey) {
    copyFileSync(keyFile, backup);
    copyFileSync(`${keyFile}.pub`, `${backup}.pub`);
    rmSync(keyFile);
    rmSync(`${keyFile}.pub`);
    const keygen = await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile], { cwd: hostDir, env: process.env, timeoutMs: 30_000 });
    if (keygen.code !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
  } else {
    copyFileSync(backup, keyFile);
    copyFileSync(`${backup}.pub`, `${keyFile}.pub`);
  }
  const log = openSync(h.logFile, "a");
  const proc = spawn(SSHD, ["-D", "-e", "-f", join(hostDir, "sshd_config")], { stdio: ["ignore", log, log] });
  closeSync(log);
  proc.on("error", () => undefined);
  ownSshd.push(proc);
  await waitFor(`sshd on ${h.address}:${h.port}`, async () => {
    if (proc.exitCode !== null) throw new Error(`sshd exited ${proc.exitCode}: ${readFileSync(h.logFile, "utf8").slice(-1000)}`);
    const scan = await run("/usr/bin/ssh-keyscan", ["-p", String(h.port), "-t", "ed25519", h.address], { cwd: hostDir, env: process.env, timeoutMs: 10_000 });
    return scan.stdout.includes("ssh-ed25519") ? true : undefined;
  });
}

beforeAll(async () => {
  rig = await startSshRig({ hosts: 1 });
  stack = await startEngineStack(repoRoot, "bcos-host-key-tofu-", STACK, { program: PROGRAM });
  work = stack.work;
  const h = rig.hosts[0];
  for (const [key, value] of [
    ["tofu:address", h.address],
    ["tofu:port", String(h.port)],
    ["tofu:user", rig.user],
    ["tofu:round", "1"],
  ]) {
    await pulumiOk(["config", "set", key, "--", value]);
  }
  await pulumiOk(["config", "set", "--secret", "tofu:key", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    if (stack && existsSync(join(work, "state"))) await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  } finally {
    for (const p of ownSshd) if (p.exitCode === null && p.signalCode === null) p.kill("SIGTERM");
    await rig?.stop();
    if (work && !process.env.BCOS_RIG_KEEP) rmSync(work, { recursive: true, force: true });
  }
}, 300_000);

describe("host keys trusted on first use under the real engine (sshd rig)", () => {
  it("the first run records the host's key in state, in plain text, and connects with it", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await pulumiOk(["stack", "output", "hostKey"])).stdout.trim()).toBe(rig!.hosts[0].hostKey);
    const state = JSON.parse((await pulumiOk(["stack", "export"])).stdout) as {
      deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
    };
    const recorded = state.deployment.resources.find((r) => r.type === "pulumi-nodejs:dynamic/bcos:HostKey");
    expect(recorded?.outputs?.hostKey).toBe(rig!.hosts[0].hostKey); // a plain string, not a secret envelope
    await pulumiOk(["preview", "--expect-no-changes"]);
  }, 600_000);

  it("after the host's key changes, the next run that connects fails with a host key mismatch naming the host", async () => {
    const h = rig!.hosts[0];
    const backup = join(work, "host_key_backup");
    await restartSshd(true, backup);
    try {
      await pulumiOk(["config", "set", "tofu:round", "--", "2"]); // makes the run connect again
      const r = await pulumi(["up", "--yes", "--skip-preview"]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain(`host key mismatch for ${h.address}:${h.port}`);
      expect((await pulumiOk(["stack", "output", "hostKey"])).stdout.trim(), "the recorded key stays").toBe(h.hostKey);
    } finally {
      await restartSshd(false, backup);
    }
    await pulumiOk(["up", "--yes", "--skip-preview"]);
  }, 600_000);
});
