/**
 * The stand-in Command provider's methods called in-process against the sshd rig (no engine): the
 * failure paths the fault scenarios rely on, and the diff rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COPY_TO_REMOTE, makeProvider, REMOTE_COMMAND, LOCAL_COMMAND } from "./command-provider/provider";
import { SECRET_SIG, SIG_KEY, type Json, type Props } from "./command-provider/values";
import { startSshRig, type SshRig } from "./sshd";

let rig: SshRig | undefined;
const logs: string[] = [];
const provider = makeProvider("1.2.1", (_urn, sev, msg) => logs.push(`${sev}:${msg}`));
const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;
const secret = (value: Json): Json => ({ [SIG_KEY]: SECRET_SIG, value });

function connection(overrides: Record<string, Json> = {}): Json {
  if (!rig) throw new Error("no rig");
  const h = rig.hosts[0];
  return secret({
    host: h.address,
    port: h.port,
    user: rig.user,
    privateKey: rig.privateKeyPem,
    hostKey: h.hostKey,
    dialErrorLimit: 1,
    perDialTimeout: 5,
    ...overrides,
  });
}
const create = (type: string, inputs: Props) => {
  if (!provider.create) throw new Error("no create");
  return provider.create(urn(type, "t"), inputs);
};

beforeAll(async () => {
  rig = await startSshRig({ hosts: 2 });
});
afterAll(async () => {
  await rig?.stop();
});

describe("stand-in Command provider (in-process)", () => {
  it("answers the @pulumi/command SDK's version", () => {
    expect(provider.version).toBe("1.2.1");
  });

  it("runs a remote command, trims one trailing newline, echoes the secret connection", async () => {
    const conn = connection();
    const r = await create(REMOTE_COMMAND, { connection: conn, create: "printf 'a\\n\\n'; printf 'e\\n' >&2", logging: "stdout" });
    expect(r.outs.stdout).toBe("a\n");
    expect(r.outs.stderr).toBe("e");
    expect(r.outs.connection).toEqual(conn);
    expect(logs).toContain("info:a");
    expect(logs).not.toContain("info:e"); // logging: stdout only
  });

  it("fails a non-zero exit with the command and its combined output", async () => {
    await expect(create(REMOTE_COMMAND, { connection: connection(), create: "echo out; echo err >&2; exit 3" })).rejects.toThrow(
      /^Process exited with status 3: running "echo out; echo err >&2; exit 3":\nout\nerr\n$/,
    );
  });

  it("refuses a host whose key differs from the pinned hostKey", async () => {
    await expect(create(REMOTE_COMMAND, { connection: connection({ hostKey: rig?.hosts[1].hostKey ?? "" }), create: "true" })).rejects.toThrow(
      /host key mismatch/,
    );
  });

  it("fails with a wrong private key", async () => {
    const other = await startSshRig({ hosts: 1 }); // its user key is not authorized on `rig`
    try {
      await expect(create(REMOTE_COMMAND, { connection: connection({ privateKey: other.privateKeyPem }), create: "true" })).rejects.toThrow(
        /All configured authentication methods failed/,
      );
    } finally {
      await other.stop();
    }
  });

  it("gives up on an unreachable host after dialErrorLimit failed attempts", async () => {
    await expect(create(REMOTE_COMMAND, { connection: connection({ host: "127.0.0.99", port: 1, dialErrorLimit: 2 }), create: "true" })).rejects.toThrow(
      /3 failed attempt\(s\).*ECONNREFUSED/,
    );
  });

  it("fails a command whose environment variable the SSH server refuses; LC_* passes", async () => {
    await expect(create(REMOTE_COMMAND, { connection: connection(), create: "true", environment: { NODE_NAME: "n1" } })).rejects.toThrow(
      /could not set environment variable "NODE_NAME"/,
    );
    const ok = await create(REMOTE_COMMAND, { connection: connection(), create: 'echo "$LC_NODE"', environment: { LC_NODE: "n1" } });
    expect(ok.outs.stdout).toBe("n1");
  });

  it("local commands: stdin, dir, environment, PULUMI_COMMAND_STDOUT on update", async () => {
    const r = await create(LOCAL_COMMAND, { create: 'cat; echo "$X"; pwd', stdin: "in\n", environment: { X: "x" }, dir: "/tmp" });
    expect(r.outs.stdout).toBe("in\nx\n/tmp");
    if (!provider.update) throw new Error("no update");
    const u = await provider.update(r.id, urn(LOCAL_COMMAND, "t"), r.outs, { create: 'echo "prev=$PULUMI_COMMAND_STDOUT"' });
    expect(u.outs.stdout).toBe("prev=in\nx\n/tmp");
  });

  it("diff: triggers replace, other inputs update in place, stdout is not an input", async () => {
    if (!provider.diff) throw new Error("no diff");
    const olds = { connection: connection(), create: "a", triggers: ["1"], stdout: "x", stderr: "" };
    expect(await provider.diff("id", urn(REMOTE_COMMAND, "t"), olds, { connection: connection(), create: "a", triggers: ["1"] })).toMatchObject({
      changes: false,
      replaces: [],
    });
    expect(await provider.diff("id", urn(REMOTE_COMMAND, "t"), olds, { connection: connection(), create: "b", triggers: ["1"] })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await provider.diff("id", urn(REMOTE_COMMAND, "t"), olds, { connection: connection(), create: "a", triggers: ["2"] })).toMatchObject({
      changes: true,
      replaces: ["triggers"],
    });
    const asset = (text: string): Json => ({ [SIG_KEY]: "c44067f5952c0a294b673a41bacd8c17", text });
    const copyOld = { connection: connection(), remotePath: "/x", source: asset("a") };
    expect(await provider.diff("id", urn(COPY_TO_REMOTE, "t"), copyOld, { ...copyOld })).toMatchObject({ changes: false });
    expect(await provider.diff("id", urn(COPY_TO_REMOTE, "t"), copyOld, { ...copyOld, source: asset("b") })).toMatchObject({ changes: true, replaces: [] });
  });

  it("CopyToRemote: a text asset onto a directory fails; a missing parent directory is not created", async () => {
    const asset: Json = { [SIG_KEY]: "c44067f5952c0a294b673a41bacd8c17", text: "t" };
    await expect(create(COPY_TO_REMOTE, { connection: connection(), source: asset, remotePath: "/tmp" })).rejects.toThrow(/is a directory/);
    await expect(create(COPY_TO_REMOTE, { connection: connection(), source: asset, remotePath: `${rig?.dir}/no/such/file` })).rejects.toThrow(
      /failed to create remote file/,
    );
  });
});
