/**
 * NodeInstall under mocks: the dev chain with install on, spread over a local host and two SSH
 * hosts. Which commands run where (named by site, never by the host's name), what is secret,
 * what stays on hosts when a resource leaves the program, and in which order a group's nodes go.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topologyFromConfigValue } from "../../infra/topology/load";
import { devTopology } from "./dev-stack";
import { PROVIDERS, type Registration, byName, settled, startMocks, unwrapSecrets } from "./mock-run";
import { readTarGz } from "./tar-reader";

const DEFAULT_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ndefault-login-key\n-----END OPENSSH PRIVATE KEY-----";
const A2_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\na2-login-key\n-----END OPENSSH PRIVATE KEY-----";
const A2_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedHostKeyForTestsOnly0000000000000000";
/** What the mocked HostKey "sees" on a host without a pinned key (trust on first use). */
const SEEN_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITrustedOnFirstUseForTestsOnly000000000000";
const HOST_KEY_TYPE = "pulumi-nodejs:dynamic/bcos:HostKey";
/** Node → host in this test's topology. */
const PLACEMENT = { node0: "local", node1: "local", node2: "a1", node3: "a1", node4: "a2" } as const;

let registrations: Registration[];
let workDir: string;
/** The local host's deployDir: node0's folder is there already (installed), node1's is not. */
const LOCAL_DIR = mkdtempSync(path.join(tmpdir(), "bcos-node-install-local-"));
let binaryPath: string;

function topology(): Record<string, unknown> {
  const t = devTopology() as {
    chain: Record<string, unknown>;
    hosts: Record<string, unknown>;
    agencies: Record<string, { nodes?: Record<string, { host: string }> }>;
  };
  t.chain.install = true;
  t.chain.binary = { path: binaryPath };
  (t.hosts.local as { deployDir: string }).deployDir = LOCAL_DIR;
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
  mkdirSync(path.join(LOCAL_DIR, "node0"));
  writeFileSync(path.join(LOCAL_DIR, "node0", "config.ini"), "");
  // No SSH server under mocks: the first-use probe "sees" a fixed key.
  PROVIDERS[HOST_KEY_TYPE] ??= {
    create: async (inputs: { host: string; port: number }) => ({
      id: `${inputs.host}:${inputs.port}`,
      outs: { host: inputs.host, port: inputs.port, hostKey: SEEN_HOST_KEY },
    }),
  };
  registrations = await startMocks({ "bcos:sshPrivateKey": DEFAULT_KEY, "bcos:sshKeyA2": A2_KEY });
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model: topologyFromConfigValue(topology()), outputDir: path.join(workDir, "out"), healthTimeoutSeconds: 45 });
  await settled();
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  rmSync(LOCAL_DIR, { recursive: true, force: true });
});

const commands = () => registrations.filter((r) => r.type.startsWith("command:"));
const parentName = (r: Registration) => registrations.find((p) => p.urn === r.parent)?.name ?? "";
const plain = (r: Registration) => unwrapSecrets(r.inputs) as Record<string, unknown>;

/** The values of an `env name='value' … bash -s` command line. */
function envOf(commandLine: unknown): Record<string, string> {
  const line = String(commandLine);
  if (!/^env .* bash -s$/.test(line)) throw new Error(`not an env … bash -s command: ${line.slice(0, 80)}`);
  return Object.fromEntries([...line.matchAll(/([a-z_][a-z0-9_]*)='((?:[^']|'\\'')*)'/g)].map((m) => [m[1], m[2].replace(/'\\''/g, "'")]));
}

/** The registration's inputs with every secret replaced, i.e. what would be stored in plain text. */
function withoutSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}

/** The files (path → mode) of a base64 tar.gz. */
const tarEntries = (base64: string): Map<string, number> => new Map([...readTarGz(Buffer.from(base64, "base64"))].map(([name, entry]) => [name, entry.mode]));

/** Site labels (machine and deployDir) of the test's hosts: the names per-site resources carry. */
const SITE = { local: `local${LOCAL_DIR}`, a1: "127.0.0.2-2222/srv/fisco", a2: "127.0.0.3-22/opt/fisco" };
const DEPLOY_DIR = { local: LOCAL_DIR, a1: "/srv/fisco", a2: "/opt/fisco" };

describe("commands per site and node", () => {
  it("registers the install component under the consortium, with every command under it", () => {
    expect(parentName(byName(registrations, "install"))).toBe("consortium");
    expect(byName(registrations, "install").type).toBe("bcos:index:NodeInstall");
    for (const r of commands()) expect(parentName(r), r.name).toBe("install");
  });

  it("names per-site resources after the site (machine and deployDir), not the host's name, and aliases the old host-named ones", () => {
    const listed = commands().map((r) => `${r.type} ${r.name}`);
    expect(listed.sort()).toEqual(
      [
        `command:local:Command install-binary-${SITE.local}`,
        `command:remote:Command install-upload-folder-${SITE.a1}`,
        `command:remote:CopyToRemote install-upload-${SITE.a1}`,
        `command:remote:Command install-binary-${SITE.a1}`,
        `command:remote:Command install-upload-folder-${SITE.a2}`,
        `command:remote:CopyToRemote install-upload-${SITE.a2}`,
        `command:remote:Command install-binary-${SITE.a2}`,
        "command:local:Command install-node-node0",
        "command:local:Command install-node-node1",
        "command:remote:Command install-node-node2",
        "command:remote:Command install-node-node3",
        "command:remote:Command install-node-node4",
        // The second pass, after removals (revoked nodes' IDs into [certificate_blacklist]).
        "command:local:Command install-revocation-node0",
        "command:local:Command install-revocation-node1",
        "command:remote:Command install-revocation-node2",
        "command:remote:Command install-revocation-node3",
        "command:remote:Command install-revocation-node4",
      ].sort(),
    );
    for (const host of ["local", "a1", "a2"] as const) {
      expect(byName(registrations, `install-binary-${SITE[host]}`).aliases.join(" "), host).toContain(`install-binary-${host}`);
    }
    expect(byName(registrations, `install-upload-${SITE.a1}`).aliases.join(" ")).toContain("install-upload-a1");
    expect(byName(registrations, `install-upload-folder-${SITE.a1}`).aliases.join(" ")).toContain("install-upload-folder-a1");
  });

  it("puts no host name into any command's plain inputs or the placement record, so a rename changes nothing", () => {
    const installing = [...commands(), byName(registrations, "consortium-hosted-nodes")];
    const plainText = JSON.stringify(installing.map((r) => withoutSecrets(r.inputs)));
    expect(plainText).not.toMatch(/"(a1|a2)"/);
    for (const r of commands().filter((c) => c.name.startsWith("install-node-"))) expect(plain(r).triggers, r.name).toBeUndefined();
  });

  it("uploads chain.binary.path into the site's deployDir and checks version, GM flag and digest there, with a short command and the script on stdin", () => {
    const upload = plain(byName(registrations, `install-upload-${SITE.a1}`));
    expect((upload.source as { path: string }).path).toBe(binaryPath);
    expect(upload.remotePath).toBe("/srv/fisco/.upload/fisco-bcos");
    const digest = createHash("sha256").update("#!/bin/sh\necho 'FISCO-BCOS Version : 2.11.1 gm'\n").digest("hex");
    const check = plain(byName(registrations, `install-binary-${SITE.a1}`));
    expect(envOf(check.create)).toEqual({
      deploy_dir: "/srv/fisco",
      file: "/srv/fisco/.upload/fisco-bcos",
      url: "",
      expected_sha256: digest,
      expected_version: "2.11.1",
      require_gm: "1",
    });
    expect(String(check.stdin)).toContain("fisco-bcos -v");
    expect(check.update).toBe(check.create);
    expect(check.delete).toBeUndefined();
    // A local host takes the file where it is.
    expect(envOf(plain(byName(registrations, `install-binary-${SITE.local}`)).create).file).toBe(binaryPath);
  });

  it("gives each node an install (create = update) of a few hundred characters, its script and package on stdin, and no delete", () => {
    for (const [node, host] of Object.entries(PLACEMENT)) {
      const inputs = plain(byName(registrations, `install-node-${node}`));
      expect(envOf(inputs.create)).toMatchObject({ node, deploy_dir: DEPLOY_DIR[host], health_timeout: "45", owner: "bcos/dev", expect_ledger: "0" });
      expect(String(inputs.create).length).toBeLessThan(400);
      expect(inputs.update).toBe(inputs.create);
      expect(inputs.delete).toBeUndefined();
      expect(String(inputs.stdin)).toMatch(/^set -euo pipefail\nnode_package='H4sI/);
      expect(String(inputs.stdin)).toContain(".bcos-pulumi-owner");
      expect(inputs.addPreviousOutputInEnv).toBe(false);
    }
  });

  it("probes the key of an SSH machine without a pinned hostKey once (trust on first use), named after the machine", () => {
    const probes = registrations.filter((r) => r.type === HOST_KEY_TYPE);
    expect(probes.map((r) => [r.name, parentName(r)])).toEqual([["install-host-key-127.0.0.2-2222", "install"]]);
    expect(probes[0].aliases.join(" ")).toContain("install-host-key-a1");
    expect(withoutSecrets(probes[0].inputs)).toMatchObject({ host: "127.0.0.2", port: 2222 });
  });

  it("connects to each SSH host with its address, port, user, login key and pinned (or first-use) host key", () => {
    const a1 = plain(byName(registrations, "install-node-node2")).connection as Record<string, unknown>;
    expect(a1).toMatchObject({ host: "127.0.0.2", port: 2222, user: "fisco", privateKey: DEFAULT_KEY, hostKey: SEEN_HOST_KEY });
    for (const name of [`install-upload-folder-${SITE.a1}`, `install-upload-${SITE.a1}`, `install-binary-${SITE.a1}`, "install-node-node3"]) {
      expect((plain(byName(registrations, name)).connection as Record<string, unknown>).hostKey, name).toBe(SEEN_HOST_KEY);
    }
    const a2 = plain(byName(registrations, "install-node-node4")).connection as Record<string, unknown>;
    expect(a2).toMatchObject({ host: "127.0.0.3", port: 22, user: "bcos", privateKey: A2_KEY, hostKey: A2_HOST_KEY });
  });
});

describe("what stays on hosts when a resource leaves the program", () => {
  it("keeps every command, upload and host key on delete (retainOnDelete): turning chain.install off forgets hosts without touching them", () => {
    for (const r of [...commands(), ...registrations.filter((x) => x.type === HOST_KEY_TYPE)]) expect(r.retainOnDelete, r.name).toBe(true);
  });

  it("keeps the triggers an earlier version recorded (host name, deployDir) out of the diff, so an old state is not replaced", () => {
    for (const node of Object.keys(PLACEMENT)) expect(byName(registrations, `install-node-${node}`).ignoreChanges, node).toEqual(["triggers"]);
  });

  it("keeps the governance key and the memberships in state only, and removes departed nodes after the membership changes", () => {
    expect(byName(registrations, "governance-key").retainOnDelete).toBe(true);
    for (const r of registrations.filter((x) => x.type === "pulumi-nodejs:dynamic/bcos:Membership")) expect(r.retainOnDelete, r.name).toBe(true);
    const removal = byName(registrations, "consortium-node-removal");
    expect(removal.retainOnDelete).toBe(true);
    const memberships = registrations.filter((x) => x.type === "pulumi-nodejs:dynamic/bcos:Membership").map((x) => x.urn);
    expect(memberships).toHaveLength(2);
    for (const urn of memberships) expect(removal.dependencies).toContain(urn);
  });

  it("records each node's site, node ID, connection and groups in HostedNodes, the one resource whose delete (pulumi destroy) removes nodes", () => {
    const hosted = byName(registrations, "consortium-hosted-nodes");
    expect(hosted.retainOnDelete).toBe(false);
    expect(pulumi.runtime.isRpcSecret(hosted.inputs.sshPrivateKeys)).toBe(true);
    const inputs = plain(hosted) as { install: boolean; owner: string; nodes: Record<string, Record<string, unknown>> };
    expect(inputs.install).toBe(true);
    expect(inputs.owner).toBe("bcos/dev");
    expect(inputs.nodes.node2).toMatchObject({
      site: "127.0.0.2:2222 /srv/fisco",
      deployDir: "/srv/fisco",
      address: "127.0.0.2",
      connection: { kind: "ssh", port: 2222, user: "fisco", hostKey: SEEN_HOST_KEY },
      deleteData: false,
      groups: [1],
    });
    expect(inputs.nodes.node0).toMatchObject({ site: `local ${LOCAL_DIR}`, connection: { kind: "local" }, groups: [1] });
    expect(inputs.nodes.node3.groups).toEqual([1, 2]);
    expect(String(inputs.nodes.node0.nodeId)).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe("secrets", () => {
  it("sends each node its own folder as a secret stdin: a tar.gz with its keys at mode 0600", () => {
    for (const node of Object.keys(PLACEMENT)) {
      const r = byName(registrations, `install-node-${node}`);
      expect(pulumi.runtime.isRpcSecret(r.inputs.stdin), node).toBe(true);
      const entries = tarEntries(packageOf(plain(r).stdin as string));
      expect(entries.get(`${node}/config.ini`)).toBe(0o644);
      expect(entries.get(`${node}/conf/gmnode.key`)).toBe(0o600);
      expect(entries.get(`${node}/start.sh`)).toBe(0o755);
      expect(
        [...entries.keys()].every((p) => p.startsWith(`${node}/`)),
        node,
      ).toBe(true);
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
    const exposed = JSON.stringify([...commands(), byName(registrations, "consortium-hosted-nodes")].map((r) => withoutSecrets(r.inputs)));
    expect(exposed).not.toContain("login-key");
    expect(exposed).not.toContain("PRIVATE KEY");
    for (const node of Object.keys(PLACEMENT)) {
      const pkg = packageOf(plain(byName(registrations, `install-node-${node}`)).stdin as string);
      expect(exposed).not.toContain(pkg.slice(0, 200));
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

  it("installs the nodes already on their hosts one at a time per group: node0 → node2 → node3 in group 1, node3 → node4 in group 2", () => {
    // node0's folder is on the local host; the SSH hosts cannot be reached under mocks, so their
    // nodes (node2, node3, node4) count as installed.
    expect(nodeInstallsBefore("node0")).toEqual([]);
    expect(nodeInstallsBefore("node2")).toEqual(["node0"]);
    expect(nodeInstallsBefore("node3")).toEqual(["node2"]);
    expect(nodeInstallsBefore("node4")).toEqual(["node3"]);
  });

  it("starts a node whose folder is not on its host yet (node1) without waiting, and no one waits for it", () => {
    expect(nodeInstallsBefore("node1")).toEqual([]);
    for (const node of Object.keys(PLACEMENT)) expect(nodeInstallsBefore(node), node).not.toContain("node1");
  });

  it("installs a node after the placement record and its site's binary, and checks an SSH site's binary after the upload into its folder", () => {
    for (const [node, host] of Object.entries(PLACEMENT)) {
      expect(dependsOn(node), node).toContain(urn(`install-binary-${SITE[host]}`));
      expect(dependsOn(node), node).toContain(urn("consortium-hosted-nodes"));
    }
    for (const host of ["a1", "a2"] as const) {
      expect(byName(registrations, `install-binary-${SITE[host]}`).dependencies).toContain(urn(`install-upload-${SITE[host]}`));
      expect(byName(registrations, `install-upload-${SITE[host]}`).dependencies).toContain(urn(`install-upload-folder-${SITE[host]}`));
    }
  });
});

/** The base64 package inside an install's stdin script. */
function packageOf(stdin: string): string {
  const match = /^node_package='([A-Za-z0-9+/=]+)'$/m.exec(stdin);
  if (!match) throw new Error("no node_package in the install's stdin");
  return match[1];
}
