/**
 * The SSH test rig itself: two loopback "hosts", each its own sshd with its own host key; OpenSSH's
 * client logs in with the rig's key while checking the pinned host key, and is refused with a wrong
 * user key or a wrong pinned host key. stop() leaves no sshd and no temp dir behind.
 */
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSshRig, type SshRig } from "./sshd";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}
const run = (file: string, args: string[]): Promise<Result> =>
  new Promise((resolve) => {
    execFile(file, args, { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });

let rig: SshRig | undefined;
const theRig = (): SshRig => {
  if (!rig) throw new Error("rig not started");
  return rig;
};

/** ssh with nothing from ~/.ssh: only the given key and known_hosts file, strict host key checking. */
function ssh(host: { address: string; port: number }, key: string, knownHosts: string, command: string): Promise<Result> {
  return run("ssh", [
    "-F",
    "/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "ConnectTimeout=10",
    "-i",
    key,
    "-p",
    String(host.port),
    `${theRig().user}@${host.address}`,
    command,
  ]);
}

beforeAll(async () => {
  rig = await startSshRig({ hosts: 2 });
});

afterAll(async () => {
  await rig?.stop();
});

describe("sshd rig", () => {
  it("serves each host on its own loopback address, port and ed25519 host key", () => {
    const r = theRig();
    expect(r.hosts.map((h) => h.address)).toEqual(["127.0.0.2", "127.0.0.3"]);
    for (const h of r.hosts) {
      expect(h.hostKey).toMatch(/^ssh-ed25519 AAAA[0-9A-Za-z+/=]+$/);
      expect(h.hostKeyFingerprint).toMatch(/^SHA256:[0-9A-Za-z+/]{43}$/);
      expect(h.port).toBeGreaterThan(1023);
    }
    expect(r.hosts[0].hostKey).not.toBe(r.hosts[1].hostKey);
    expect(r.privateKeyPem).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
  });

  it("lets the rig's user log in with the rig's key, checking the pinned host key", async () => {
    const r = theRig();
    for (const h of r.hosts) {
      const res = await ssh(h, r.privateKeyFile, r.knownHostsFile, "echo ok; id -un");
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
      expect(res.stdout).toBe(`ok\n${r.user}\n`);
    }
  });

  it("offers SFTP", async () => {
    const r = theRig();
    const h = r.hosts[0];
    const batch = join(r.dir, "sftp-batch");
    writeFileSync(batch, "pwd\n");
    const res = await run("sftp", [
      "-F",
      "/dev/null",
      "-b",
      batch,
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "IdentityAgent=none",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${r.knownHostsFile}`,
      "-o",
      "GlobalKnownHostsFile=/dev/null",
      "-i",
      r.privateKeyFile,
      "-P",
      String(h.port),
      `${r.user}@${h.address}`,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Remote working directory: \//);
  });

  it("refuses a key that is not authorized", async () => {
    const r = theRig();
    const other = join(r.dir, "other_key");
    expect((await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])).code).toBe(0);
    const res = await ssh(r.hosts[0], other, r.knownHostsFile, "echo ok");
    expect(res.code).toBe(255);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it("is refused by a client that pins a different host key", async () => {
    const r = theRig();
    const [a, b] = r.hosts;
    const wrong = join(r.dir, "known_hosts_wrong");
    // host a's address and port, but host b's key
    writeFileSync(wrong, `[${a.address}]:${a.port} ${b.hostKey}\n`);
    const res = await ssh(a, r.privateKeyFile, wrong, "echo ok");
    expect(res.code).toBe(255);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it("does not accept environment variables other than LANG/LC_* (like a stock Debian sshd)", async () => {
    const r = theRig();
    const h = r.hosts[0];
    const res = await run("ssh", [
      "-F",
      "/dev/null",
      "-o",
      "BatchMode=yes",
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "IdentityAgent=none",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${r.knownHostsFile}`,
      "-o",
      "SetEnv=LC_RIG=yes FOO_RIG=no",
      "-i",
      r.privateKeyFile,
      "-p",
      String(h.port),
      `${r.user}@${h.address}`,
      'echo "LC_RIG=${LC_RIG-unset} FOO_RIG=${FOO_RIG-unset}"',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe("LC_RIG=yes FOO_RIG=unset");
  });

  it("stop() kills every sshd and removes the temp dir", async () => {
    const extra = await startSshRig({ hosts: 1 });
    const h = extra.hosts[0];
    expect((await ssh(h, extra.privateKeyFile, extra.knownHostsFile, "true")).code).toBe(0);
    await extra.stop();
    expect(existsSync(extra.dir)).toBe(false);
    const after = await run("ssh", [
      "-F",
      "/dev/null",
      "-o",
      "BatchMode=yes",
      "-o",
      "ConnectTimeout=3",
      "-o",
      "StrictHostKeyChecking=no",
      "-o",
      "UserKnownHostsFile=/dev/null",
      "-p",
      String(h.port),
      `${extra.user}@${h.address}`,
      "true",
    ]);
    expect(after.code).toBe(255);
    expect(after.stderr).toMatch(/Connection refused/);
  });
});
