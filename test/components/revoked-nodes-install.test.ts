/**
 * Nodes that left the topology, under mocks with chain.install on (all nodes on this machine's
 * `local` host): the NodeRegistry's previous record holds node8 (revoked by an earlier run) and
 * node9 (leaving now). The handover packages blacklist both; the first install pass only node8,
 * so node9, possibly still a sealer until the membership change, is not cut off while the others
 * restart; the second pass, after NodeRemoval and in the same rolling order, blacklists both.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topologyFromConfigValue } from "../../infra/topology/load";
import { devModel, devTopology } from "./dev-stack";
import { type Registration, byName, settled, startMocks } from "./mock-run";
import { LEAVING_ID, SETTLED_ID, blacklistOf, installedConfigIni, packagedConfigIni, registryWithHistory } from "./revoked-nodes";

const NODES = devModel().nodes;
let registrations: Registration[];
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "bcos-revoked-install-"));
  const binary = path.join(workDir, "fisco-bcos");
  writeFileSync(binary, "#!/bin/sh\necho 'FISCO-BCOS Version : 2.11.1 gm'\n", { mode: 0o755 });
  const t = devTopology() as { chain: Record<string, unknown> };
  t.chain.install = true;
  t.chain.binary = { path: binary };
  registryWithHistory();
  registrations = await startMocks({});
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model: topologyFromConfigValue(t), outputDir: path.join(workDir, "out") });
  await settled();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const urn = (name: string) => byName(registrations, name).urn;

describe("revoked nodes with chain.install", () => {
  it("records every declared node in the NodeRegistry beside the ones it had before", () => {
    const registry = byName(registrations, "consortium-node-registry");
    const known = (registry.outputs.known as { name: string }[]).map((k) => k.name);
    expect(known).toEqual(["node8", "node9", ...NODES.map((n) => n.name).sort()]);
    expect(registry.outputs.revoked).toEqual([SETTLED_ID, LEAVING_ID]);
    expect(registry.outputs.settled).toEqual([SETTLED_ID]);
  });

  it("blacklists both in every handover package's config.ini", () => {
    for (const node of NODES) {
      expect(blacklistOf(packagedConfigIni(byName(registrations, `${node.agency}-package`), node.agency, node.name)), node.name).toEqual([
        SETTLED_ID,
        LEAVING_ID,
      ]);
    }
  });

  it("first install pass: only the node revoked by an earlier run", () => {
    for (const node of NODES)
      expect(blacklistOf(installedConfigIni(byName(registrations, `install-node-${node.name}`), node.name)), node.name).toEqual([SETTLED_ID]);
  });

  it("second pass: both, after NodeRemoval and the node's own first pass, one node after another as in the first", () => {
    for (const node of NODES) {
      const second = byName(registrations, `install-revocation-${node.name}`);
      expect(blacklistOf(installedConfigIni(second, node.name)), node.name).toEqual([SETTLED_ID, LEAVING_ID]);
      expect(second.dependencies, node.name).toContain(urn("consortium-node-removal"));
      expect(second.dependencies, node.name).toContain(urn(`install-node-${node.name}`));
      expect(second.retainOnDelete, node.name).toBe(true);
      expect(second.additionalSecretOutputs, node.name).toContain("stdin");
      // Same command line as the first pass: the same script, node, folder and checks.
      expect(second.inputs.create, node.name).toBe(byName(registrations, `install-node-${node.name}`).inputs.create);
    }
    const before = (node: string) =>
      byName(registrations, `install-revocation-${node}`)
        .dependencies.filter((u) => u.includes("::install-revocation-"))
        .map((u) => u.replace(/.*::install-revocation-/, ""));
    expect(before("node0")).toEqual([]);
    expect(before("node1")).toEqual(["node0"]);
    expect(before("node4")).toEqual(["node3"]);
  });
});
