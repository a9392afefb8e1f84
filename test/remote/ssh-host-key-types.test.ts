/**
 * A host pinned by its ecdsa or rsa key, not only ed25519: a stock sshd offers all three, and the
 * SSH client must negotiate the pinned key's algorithm, or the host presents another of its keys
 * and reads as a mismatch. Against the sshd rig; no stand-in node.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostKeyMismatchError, SshTunnel, type SshAccess } from "../../infra/remote/ssh-tunnel";
import { startSshRig, type HostKeyType, type SshRig } from "../rig/sshd";

describe("SSH tunnels with a pinned host key of any type", () => {
  let rig: SshRig;
  let ed25519Only: SshRig;
  const access = (r: SshRig, hostKey: string, i = 0): SshAccess => ({
    address: r.hosts[i].address,
    port: r.hosts[i].port,
    user: r.user,
    privateKey: r.privateKeyPem,
    hostKey,
  });

  beforeAll(async () => {
    rig = await startSshRig({ hosts: 2, hostKeyTypes: ["ed25519", "ecdsa", "rsa"] });
    ed25519Only = await startSshRig({ hosts: 1 });
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
    await ed25519Only?.stop();
  });

  it.each(["ed25519", "ecdsa", "rsa"] as HostKeyType[])("connects to a host that offers ed25519, ecdsa and rsa keys, pinned by its %s key", async (type) => {
    const tunnel = await SshTunnel.connect(access(rig, rig.hosts[0].hostKeys[type]!));
    try {
      expect(await tunnel.exec("echo ok")).toEqual({ code: 0, stdout: "ok\n", stderr: "" });
    } finally {
      await tunnel.close();
    }
  });

  it.each(["ecdsa", "rsa"] as HostKeyType[])("refuses a host whose %s key is not the pinned one", async (type) => {
    const pinned = rig.hosts[1].hostKeys[type]!;
    const error = await SshTunnel.connect(access(rig, pinned)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toBe(
      `ssh ${rig.user}@${rig.hosts[0].address}:${rig.hosts[0].port}: the host presented a key other than the pinned one (${pinned.slice(0, 40)}…); refusing to connect`,
    );
  });

  it("refuses a host that offers no key of the pinned type, naming the type", async () => {
    const pinned = rig.hosts[0].hostKeys.rsa!;
    const error = await SshTunnel.connect(access(ed25519Only, pinned)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toBe(
      `ssh ${ed25519Only.user}@${ed25519Only.hosts[0].address}:${ed25519Only.hosts[0].port}: the host offers no ssh-rsa host key, so it cannot show the pinned one (${pinned.slice(0, 40)}…); refusing to connect`,
    );
  });

  it("refuses a pinned key type it cannot check", async () => {
    const dss = `ssh-dss ${Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-dss"), Buffer.alloc(8)]).toString("base64")}`;
    await expect(SshTunnel.connect(access(rig, dss))).rejects.toThrow(
      "the pinned host key is of type ssh-dss; pin the host's ed25519, ecdsa or rsa key (ssh-keyscan -t ed25519,ecdsa,rsa <host>)",
    );
  });
});
