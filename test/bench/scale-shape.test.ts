/**
 * The shape issue 12's profile rests on, pinned so a change to it is seen: how many resources the
 * program registers per node (every one is a step, a state write and a line of preview), and
 * what a one-node change touches (which node, which files), under mocks and with the renderers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaleTopology } from "../../bench/topologies/scale";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import { renderChainTree } from "../../infra/fisco/chain-tree";
import { PRIVATE_CONTENT, packageContents } from "../../infra/providers/package-file";
import { topologyFromConfigValue } from "../../infra/topology/load";
import { type Registration, settled, startMocks } from "../components/mock-run";

const NODES = 20; // two agencies of ten, four groups of five
let registrations: Registration[];
let outputDir: string;

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-scale-shape-"));
  registrations = await startMocks({});
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model: topologyFromConfigValue(scaleTopology(NODES)), outputDir });
  await settled();
}, 120_000);

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

const shortType = (r: Registration) => r.type.replace(/^.*[:/]/, "");
/** Type → count among the registrations under (or being) the named node's component. */
function perNode(node: string): Record<string, number> {
  const self = registrations.find((r) => r.type === "bcos:index:Node" && r.name === node)!;
  const counts: Record<string, number> = {};
  for (const r of registrations.filter((x) => x === self || x.parent === self.urn)) counts[shortType(r)] = (counts[shortType(r)] ?? 0) + 1;
  return counts;
}

describe("resources per node (artifacts only)", () => {
  it("registers, per node, its component, 3 key pairs and 4 certificates; nothing else grows with the nodes", () => {
    for (const node of ["node000", "node013"]) expect(perNode(node), node).toEqual({ Node: 1, KeyPair: 3, Certificate: 4 });
    const nodeOwned = registrations.filter((r) => r.type === "bcos:index:Node" || registrations.find((p) => p.urn === r.parent)?.type === "bcos:index:Node");
    // Per agency (3 RSA keys and their certificates, its credential, 2 packages) and per group
    // (genesis): the rest. At 100 nodes, 10 agencies and 4 groups: 800 of 978 resources are per node.
    expect(nodeOwned.length).toBe(8 * NODES);
    expect(registrations.length - nodeOwned.length).toBeLessThan(60);
  });
});

describe("what every dynamic resource stores besides its fields", () => {
  it("a one-line provider stub naming its module (stored twice per resource; Pulumi's own serialisation was 2.9 kB)", () => {
    const dynamic = registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(dynamic.length).toBeGreaterThan(8 * NODES);
    for (const r of dynamic) {
      const stub = r.inputs.__provider;
      expect(typeof stub, r.name).toBe("string");
      expect((stub as string).length, r.name).toBeLessThan(200);
      expect(stub, r.name).toMatch(/^exports\.handler=\(\)=>.*require\(.*infra\/providers\/[a-z-]+-provider\.ts"\)\)\.[A-Za-z]+Provider\);$/);
    }
  });
});

describe("a one-node change", () => {
  it("changes only that node's config.ini: one agency package to rewrite, the rest unchanged", async () => {
    const before = topologyFromConfigValue(scaleTopology(NODES));
    const changed = scaleTopology(NODES);
    changed.agencies.agency01.nodes.node013.rpcPort = 18613;
    const after = topologyFromConfigValue(changed);
    const pki = await buildChainPki(before);
    const timestamps = Object.fromEntries(before.groups.map((g) => [g.id, 1700000000000]));
    const files = (model: typeof before) => new Map(renderChainTree(model, pki, timestamps, { includeCaKeys: false }).map((f) => [f.path, String(f.content)]));
    const [a, b] = [files(before), files(after)];
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p));
    expect(differing).toEqual(["agency01/node013/config.ini"]);
    // What `pulumi preview --diff` shows of the package: its public `contents` differ in that file alone.
    const contentsOf = (m: Map<string, string>) => packageContents([...m].map(([p, content]) => ({ path: p, content, mode: 0o644 })));
    const [ca, cb] = [contentsOf(a), contentsOf(b)];
    expect(Object.keys(cb).filter((p) => ca[p] !== cb[p])).toEqual(["agency01/node013/config.ini"]);
  }, 120_000);

  it("is named in the package's public inputs: per file a digest (none of a private key), beside the secret files", () => {
    const pkg = registrations.find((r) => r.name === "agency01-package")!;
    expect(pulumi.runtime.isRpcSecret(pkg.inputs.files)).toBe(true);
    const contents = pkg.inputs.contents as Record<string, string>;
    expect(pulumi.runtime.isRpcSecret(contents)).toBe(false);
    expect(contents["agency01/node013/config.ini"]).toMatch(/^[0-9a-f]{16}$/);
    const keyFiles = Object.keys(contents).filter((p) => p.endsWith(".key"));
    expect(keyFiles.length).toBeGreaterThanOrEqual(3 * 10);
    for (const p of keyFiles) expect(contents[p], p).toBe(PRIVATE_CONTENT);
  });
});
