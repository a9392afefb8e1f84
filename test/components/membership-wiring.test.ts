/**
 * Membership wiring under mocks: with chain.install the program makes one governance key and one
 * Membership per group, after every node install, with the roles, node IDs, endpoints and secrets
 * the provider needs. The mock Membership records its inputs (no chain answers here).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topologyFromConfigValue } from "../../infra/topology/load";
import type { Model } from "../../infra/topology/types";
import { devTopology } from "./dev-stack";
import { type Registration, byName, settled, startMocks, unwrapSecrets } from "./mock-run";

const LOGIN_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nmembership-login-key\n-----END OPENSSH PRIVATE KEY-----";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedHostKeyForTestsOnly0000000000000000";
const PLACEMENT = { node0: "local", node1: "local", node2: "a1", node3: "a1", node4: "a1" };

let registrations: Registration[];
let workDir: string;
let model: Model;

function topology(binaryPath: string): Record<string, unknown> {
  const t = devTopology() as {
    chain: Record<string, unknown>;
    hosts: Record<string, unknown>;
    agencies: Record<string, { nodes?: Record<string, { host: string }> }>;
  };
  t.chain.install = true;
  t.chain.binary = { path: binaryPath };
  t.hosts.a1 = { address: "127.0.0.2", connection: { ssh: { port: 2222, user: "fisco", hostKey: HOST_KEY } }, deployDir: "/srv/fisco" };
  for (const agency of Object.values(t.agencies)) {
    for (const [name, node] of Object.entries(agency.nodes ?? {})) node.host = PLACEMENT[name as keyof typeof PLACEMENT];
  }
  return t;
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "bcos-membership-wiring-"));
  const binaryPath = path.join(workDir, "fisco-bcos");
  writeFileSync(binaryPath, "#!/bin/sh\necho 'FISCO-BCOS Version : 2.11.1 gm'\n", { mode: 0o755 });
  registrations = await startMocks({ "bcos:sshPrivateKey": LOGIN_KEY });
  const { Consortium } = await import("../../components");
  model = topologyFromConfigValue(topology(binaryPath));
  new Consortium("consortium", { model, outputDir: path.join(workDir, "out") });
  await settled();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const memberships = () => registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:Membership");
const plain = (r: Registration) => unwrapSecrets(r.inputs) as Record<string, unknown>;

describe("membership wiring", () => {
  it("makes one governance key per stack, SM2 in GM mode, its private key secret", () => {
    const keys = registrations.filter((r) => r.name === "governance-key");
    expect(keys).toHaveLength(1);
    expect(keys[0].type).toBe("pulumi-nodejs:dynamic/bcos:KeyPair");
    expect(plain(keys[0]).algorithm).toBe("sm2");
    expect(keys[0].additionalSecretOutputs).toContain("privateKeyPem");
    expect(registrations.find((r) => r.urn === keys[0].parent)?.name).toBe("consortium");
  });

  it("registers one Membership per group, parented to its Group", () => {
    expect(
      memberships()
        .map((r) => r.name)
        .sort(),
    ).toEqual(model.groups.map((g) => `group-${g.id}-membership`).sort());
    for (const g of model.groups) {
      const m = byName(registrations, `group-${g.id}-membership`);
      expect(registrations.find((r) => r.urn === m.parent)?.name).toBe(`group-${g.id}`);
    }
  });

  it("declares the topology's roles, the nodes' IDs and the frozen genesis timestamp", () => {
    const nodeIds = Object.fromEntries(
      registrations.filter((r) => r.type === "bcos:index:Node").map((r) => [r.name, (unwrapSecrets(r.outputs) as { nodeId: string }).nodeId]),
    );
    for (const g of model.groups) {
      const inputs = plain(byName(registrations, `group-${g.id}-membership`));
      const roles = Object.fromEntries([...g.sealers.map((n) => [n, "sealer"]), ...g.observers.map((n) => [n, "observer"]), ...g.free.map((n) => [n, "free"])]);
      expect(inputs.groupId).toBe(g.id);
      expect(inputs.roles).toEqual(roles);
      expect(inputs.genesis).toEqual(g.genesis);
      expect(inputs.timestamp).toBe(g.timestamp);
      expect(Object.keys(inputs.nodeIds as object).sort()).toEqual(model.nodes.map((n) => n.name).sort());
      for (const [name, id] of Object.entries(nodeIds)) if (id) expect((inputs.nodeIds as Record<string, string>)[name]).toBe(id);
      expect(Object.values(inputs.nodeIds as object).every((id) => /^[0-9a-f]{128}$/.test(String(id)))).toBe(true);
    }
  });

  it("hands each Membership the sealer IDs its group's genesis froze, for a group the chain does not have yet", () => {
    for (const g of model.groups) {
      const frozen = (unwrapSecrets(byName(registrations, `group-${g.id}-genesis`).outputs) as { sealerIds: string[] }).sealerIds;
      expect(frozen).toHaveLength(g.sealers.length);
      expect(plain(byName(registrations, `group-${g.id}-membership`)).genesisSealerIds).toEqual(frozen);
    }
  });

  it("reaches local nodes directly and SSH nodes through the pinned host key, with each node's folder", () => {
    const inputs = plain(byName(registrations, "group-1-membership"));
    const endpoints = inputs.endpoints as Record<string, Record<string, unknown>>;
    expect(endpoints.node0).toEqual({
      address: "127.0.0.1",
      rpcPort: model.nodes.find((n) => n.name === "node0")!.rpcPort,
      connection: { kind: "local" },
      nodeDir: expect.stringMatching(/\/node0$/),
    });
    expect(endpoints.node3).toEqual({
      address: "127.0.0.2",
      rpcPort: model.nodes.find((n) => n.name === "node3")!.rpcPort,
      connection: { kind: "ssh", port: 2222, user: "fisco", hostKey: HOST_KEY },
      nodeDir: "/srv/fisco/node3",
    });
    expect(inputs.sshPrivateKeys).toEqual({ "127.0.0.2": LOGIN_KEY });
  });

  it("keeps the SSH keys and the governance key secret, the latter being the KeyPair's", () => {
    const key = plain(byName(registrations, "governance-key"));
    const governance = unwrapSecrets(byName(registrations, "governance-key").outputs) as { privateKeyPem: string };
    expect(key.algorithm).toBe("sm2");
    for (const m of memberships()) {
      expect(pulumi.runtime.isRpcSecret(m.inputs.sshPrivateKeys)).toBe(true);
      expect(pulumi.runtime.isRpcSecret(m.inputs.governanceKeyPem)).toBe(true);
      expect(m.additionalSecretOutputs).toEqual(expect.arrayContaining(["sshPrivateKeys", "governanceKeyPem"]));
      expect(plain(m).governanceKeyPem).toBe(governance.privateKeyPem);
      expect(governance.privateKeyPem).toMatch(/BEGIN PRIVATE KEY/);
    }
  });

  it("runs after every node install", () => {
    const installs = registrations.filter((r) => r.type.startsWith("command:") && r.name.startsWith("install-node-")).map((r) => r.urn);
    expect(installs).toHaveLength(model.nodes.length);
    for (const m of memberships()) expect(m.dependencies).toEqual(expect.arrayContaining(installs));
  });
});
