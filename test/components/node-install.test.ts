/**
 * NodeInstall under mocks: the dev chain with install on, spread over a local host and two SSH
 * hosts. Which commands run where, what is secret, and in which order a group's sealers go.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topologyFromConfigValue } from "../../infra/topology/load";
import { devTopology } from "./dev-stack";
import { PROVIDERS, type Registration, byName, settled, startMocks, unwrapSecrets } from "./mock-run";

const DEFAULT_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ndefault-login-key\n-----END OPENSSH PRIVATE KEY-----";
const A2_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\na2-login-key\n-----END OPENSSH PRIVATE KEY-----";
const A2_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedHostKeyForTestsOnly0000000000000000";
/** What the mocked HostKey "sees" on a host without a pinned key (trust on first use). */
const SEEN_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITrustedOnFirstUseForTestsOnly000000000000";
const HOST_KEY_TYPE = "pulumi-nodejs:dynamic/bcos:HostKey";
/** Node → host in this test's topology. */
const PLACEMENT = { node0: "local", node1: "local", node2: "a1", node3: "a1", node4: "a2" };

let registrations: Registration[];
let workDir: string;
let binaryPath: string;

function topology(): Record<string, unknown> {
  const t = devTopology() as { chain: Record<string, unknown>; hosts: Record<string, unknown>; agencies: Record<string, { nodes?: Record<string, { host: string }> }> };
  t.chain.install = true;
  t.chain.binary = { path: binaryPath };
  t.hosts.a1 = { address: "127.0.0.2", connection: { ssh: { port: 2222, user: "fisco" } }, deployDir: "/srv/fisco" };
  t.hosts.a2 = { address: "127.0.0.3", connection: { ssh: { user: "bcos", privateKeyConfig: "sshKeyA2", hostKey: A2_HOST_KEY } }, deployDir: "/opt/fisco" };
  for (const agency of Object.values(t.agencies)) {
    for (const [name, node] of Object.entries(agency.nodes ?? {})) node.host = PLACEMENT[name as keyof typeof PLACEMENT];
  }
  return t;
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "bcos-node-install-"));
  binaryPath = path.join(workDir, "fisco-bcos");
  writeFileSync(binaryPath, "#!/bin/sh\necho 'FISCO-BCOS Version : 2.11.1 gm'\n", { mode: 0o755 });
  // No SSH server under mocks: the first-use probe "sees" a fixed key.
  PROVIDERS[HOST_KEY_TYPE] ??= {
    create: async (inputs: { host: string; port: number }) => ({ id: `${inputs.host}:${inputs.port}`, outs: { host: inputs.host, port: inputs.port, hostKey: SEEN_HOST_KEY } }),
  };
  registrations = await startMocks({ "bcos:sshPrivateKey": DEFAULT_KEY, "bcos:sshKeyA2": A2_KEY });
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model: topologyFromConfigValue(topology()), outputDir: path.join(workDir, "out"), healthTimeoutSeconds: 45 });
  await settled();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const commands = () => registrations.filter((r) => r.type.startsWith("command:"));
const parentName = (r: Registration) => registrations.find((p) => p.urn === r.parent)?.name ?? "";
const plain = (r: Registration) => unwrapSecrets(r.inputs) as Record<string, unknown>;

/** The script inside a `bash -c '<script>'` command line. */
function scriptOf(commandLine: unknown): string {
  const match = /^bash -c '(.*)'$/s.exec(String(commandLine));
  if (!match) throw new Error(`not a bash -c command: ${String(commandLine).slice(0, 80)}`);
  return match[1].replace(/'\\''/g, "'");
}

/** The registration's inputs with every secret replaced, i.e. what would be stored in plain text. */
function withoutSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}

/** The files (path → mode) of a base64 tar.gz. */
function tarEntries(base64: string): Map<string, number> {
  const tar = gunzipSync(Buffer.from(base64, "base64"));
  const entries = new Map<string, number>();
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar.subarray(offset, offset + 100).toString("utf8").replace(/\0.*$/s, "");
    if (!name) break;
    const mode = parseInt(tar.subarray(offset + 100, offset + 108).toString("utf8"), 8);
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString("utf8"), 8);
    entries.set(name, mode);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe("commands per host and node", () => {
  it("registers the install component under the consortium, with every command under it", () => {
    expect(parentName(byName(registrations, "install"))).toBe("consortium");
    expect(byName(registrations, "install").type).toBe("bcos:index:NodeInstall");
    for (const r of commands()) expect(parentName(r), r.name).toBe("install");
  });

  it("has one binary install per host, an SFTP upload (into a folder made first) for SSH hosts only, and one command per node", () => {
    const listed = commands().map((r) => `${r.type} ${r.name}`);
    expect(listed.sort()).toEqual(
      [
        "command:local:Command install-binary-local",
        "command:remote:Command install-upload-folder-a1",
        "command:remote:CopyToRemote install-upload-a1",
        "command:remote:Command install-binary-a1",
        "command:remote:Command install-upload-folder-a2",
        "command:remote:CopyToRemote install-upload-a2",
        "command:remote:Command install-binary-a2",
        "command:local:Command install-node-node0",
        "command:local:Command install-node-node1",
        "command:remote:Command install-node-node2",
        "command:remote:Command install-node-node3",
        "command:remote:Command install-node-node4",
      ].sort(),
    );
  });

  it("uploads chain.binary.path into the host's deployDir and checks version, GM flag and digest there", () => {
    const upload = plain(byName(registrations, "install-upload-a1"));
    expect((upload.source as { path: string }).path).toBe(binaryPath);
    expect(upload.remotePath).toBe("/srv/fisco/.upload/fisco-bcos");
    const digest = createHash("sha256").update("#!/bin/sh\necho 'FISCO-BCOS Version : 2.11.1 gm'\n").digest("hex");
    const check = plain(byName(registrations, "install-binary-a1"));
    for (const expected of ["deploy_dir='/srv/fisco'", "file='/srv/fisco/.upload/fisco-bcos'", `expected_sha256='${digest}'`, "expected_version='2.11.1'", "require_gm='1'"]) {
      expect(scriptOf(check.create), expected).toContain(expected);
    }
    expect(check.update).toBe(check.create);
    expect(check.delete).toBeUndefined();
    // A local host takes the file where it is.
    expect(scriptOf(plain(byName(registrations, "install-binary-local")).create)).toContain(`file='${binaryPath}'`);
  });

  it("gives each node an install (create = update) and a removal that keeps the data (delete)", () => {
    for (const [node, host] of Object.entries(PLACEMENT)) {
      const inputs = plain(byName(registrations, `install-node-${node}`));
      const deployDir = { local: "/tmp/bcos-pulumi/dev", a1: "/srv/fisco", a2: "/opt/fisco" }[host];
      const install = scriptOf(inputs.create);
      for (const expected of [`node='${node}'`, `deploy_dir='${deployDir}'`, "health_timeout='45'", "base64 -d | tar"]) expect(install).toContain(expected);
      expect(inputs.update).toBe(inputs.create);
      const removal = scriptOf(inputs.delete);
      for (const expected of [`node='${node}'`, `deploy_dir='${deployDir}'`, "delete_data='0'", "/.removed/"]) expect(removal).toContain(expected);
      expect(inputs.triggers).toEqual([host, deployDir]);
      expect(inputs.addPreviousOutputInEnv).toBe(false);
    }
  });

  it("probes the key of an SSH host without a pinned hostKey (trust on first use), and only there", () => {
    const probes = registrations.filter((r) => r.type === HOST_KEY_TYPE);
    expect(probes.map((r) => [r.name, parentName(r)])).toEqual([["install-host-key-a1", "install"]]);
    expect(withoutSecrets(probes[0].inputs)).toMatchObject({ host: "127.0.0.2", port: 2222 });
  });

  it("connects to each SSH host with its address, port, user, login key and pinned (or first-use) host key", () => {
    const a1 = plain(byName(registrations, "install-node-node2")).connection as Record<string, unknown>;
    expect(a1).toMatchObject({ host: "127.0.0.2", port: 2222, user: "fisco", privateKey: DEFAULT_KEY, hostKey: SEEN_HOST_KEY });
    for (const name of ["install-upload-folder-a1", "install-upload-a1", "install-binary-a1", "install-node-node3"]) {
      expect((plain(byName(registrations, name)).connection as Record<string, unknown>).hostKey, name).toBe(SEEN_HOST_KEY);
    }
    const a2 = plain(byName(registrations, "install-node-node4")).connection as Record<string, unknown>;
    expect(a2).toMatchObject({ host: "127.0.0.3", port: 22, user: "bcos", privateKey: A2_KEY, hostKey: A2_HOST_KEY });
  });
});

describe("secrets", () => {
  it("sends each node its own folder as a secret stdin: a tar.gz with its keys at mode 0600", () => {
    for (const node of Object.keys(PLACEMENT)) {
      const r = byName(registrations, `install-node-${node}`);
      expect(pulumi.runtime.isRpcSecret(r.inputs.stdin), node).toBe(true);
      const entries = tarEntries(plain(r).stdin as string);
      expect(entries.get(`${node}/config.ini`)).toBe(0o644);
      expect(entries.get(`${node}/conf/gmnode.key`)).toBe(0o600);
      expect(entries.get(`${node}/start.sh`)).toBe(0o755);
      expect([...entries.keys()].every((p) => p.startsWith(`${node}/`)), node).toBe(true);
    }
  });

  it("keeps stdin and the connection secret in the outputs too", () => {
    for (const r of commands().filter((c) => c.type === "command:remote:Command" || c.type === "command:local:Command")) {
      if (r.name.startsWith("install-node-")) expect(r.additionalSecretOutputs, r.name).toContain("stdin");
      if (r.type === "command:remote:Command") {
        expect(r.additionalSecretOutputs, r.name).toContain("connection");
        expect(pulumi.runtime.isRpcSecret(r.inputs.connection), r.name).toBe(true);
      }
    }
  });

  it("has no login key, node key or node package anywhere outside a secret", () => {
    const exposed = JSON.stringify(commands().map((r) => withoutSecrets(r.inputs)));
    expect(exposed).not.toContain("login-key");
    expect(exposed).not.toContain("PRIVATE KEY");
    for (const node of Object.keys(PLACEMENT)) {
      const stdin = plain(byName(registrations, `install-node-${node}`)).stdin as string;
      expect(exposed).not.toContain(stdin.slice(0, 200));
    }
  });
});

describe("order", () => {
  const dependsOn = (node: string) => byName(registrations, `install-node-${node}`).dependencies;
  const urn = (name: string) => byName(registrations, name).urn;
  const nodeInstallsBefore = (node: string) =>
    dependsOn(node)
      .filter((u) => u.includes("::install-node-"))
      .map((u) => u.replace(/.*::install-node-/, ""))
      .sort();

  it("installs group 1's sealers node0 → node1 → node2 → node3, then group 2's node3 → node4", () => {
    expect(nodeInstallsBefore("node0")).toEqual([]);
    expect(nodeInstallsBefore("node1")).toEqual(["node0"]);
    expect(nodeInstallsBefore("node2")).toEqual(["node1"]);
    expect(nodeInstallsBefore("node3")).toEqual(["node2"]);
    expect(nodeInstallsBefore("node4")).toEqual(["node3"]);
  });

  it("installs a node after its host's binary, and checks an SSH host's binary after the upload into its folder", () => {
    for (const [node, host] of Object.entries(PLACEMENT)) expect(dependsOn(node), node).toContain(urn(`install-binary-${host}`));
    for (const host of ["a1", "a2"]) {
      expect(byName(registrations, `install-binary-${host}`).dependencies).toContain(urn(`install-upload-${host}`));
      expect(byName(registrations, `install-upload-${host}`).dependencies).toContain(urn(`install-upload-folder-${host}`));
    }
  });
});
