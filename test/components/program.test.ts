/**
 * The Pulumi program (index.ts) on the dev stack under mocks, with real keys, certificates,
 * genesis files and packages: the resource tree it registers and the stack outputs.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPrivateKey } from "../../infra/crypto/keys";
import { devTopology } from "./dev-stack";
import { PROVIDERS, type Registration, byName, settled, startMocks, valueOf } from "./mock-run";

const NODES = {
  node0: { agency: "agencyA", p2pPort: 30300, channelPort: 20200, rpcPort: 8545 },
  node1: { agency: "agencyA", p2pPort: 30301, channelPort: 20201, rpcPort: 8546 },
  node2: { agency: "agencyA", p2pPort: 30302, channelPort: 20202, rpcPort: 8547 },
  node3: { agency: "agencyB", p2pPort: 30303, channelPort: 20203, rpcPort: 8548 },
  node4: { agency: "agencyC", p2pPort: 30304, channelPort: 20204, rpcPort: 8549 },
};
const AGENCIES = ["agencyA", "agencyB", "agencyC", "agencyD"];

let registrations: Registration[];
let outputDir: string;
let program: typeof import("../../index");

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-program-"));
  registrations = await startMocks({ "bcos:topology": JSON.stringify(devTopology()), "bcos:outputDir": outputDir });
  program = await import("../../index");
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

const parentName = (r: Registration) => registrations.find((p) => p.urn === r.parent)?.name ?? "";
const components = () => registrations.filter((r) => !r.custom);

describe("resource tree", () => {
  it("registers the consortium, one chain authority, four agencies, five nodes and two groups, each under its parent", () => {
    const tree = components().map((r) => `${r.type} ${r.name} <- ${parentName(r)}`);
    expect(tree.sort()).toEqual(
      [
        "bcos:index:Consortium consortium <- ",
        "bcos:index:ChainAuthority chain <- consortium",
        ...AGENCIES.map((a) => `bcos:index:Agency ${a} <- consortium`),
        ...Object.entries(NODES).map(([n, { agency }]) => `bcos:index:Node ${n} <- ${agency}`),
        "bcos:index:Group group-1 <- consortium",
        "bcos:index:Group group-2 <- consortium",
      ].sort(),
    );
  });

  it("gives every custom resource a bcos dynamic type and a parent whose name prefixes its own", () => {
    const custom = registrations.filter((r) => r.custom);
    expect(custom.length).toBeGreaterThan(90);
    for (const r of custom) {
      expect(Object.keys(PROVIDERS), r.name).toContain(r.type);
      expect(r.name.startsWith(`${parentName(r)}-`), `${r.name} under ${parentName(r)}`).toBe(true);
    }
  });

  it("writes two packages per agency, each under its agency", () => {
    const packages = registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:PackageFile").map((r) => `${r.name} <- ${parentName(r)}`);
    expect(packages.sort()).toEqual(AGENCIES.flatMap((a) => [`${a}-package <- ${a}`, `${a}-sdk-bundle <- ${a}`]).sort());
  });

  it("registers no URN twice (the engine would refuse)", () => {
    const urns = registrations.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
  });
});

describe("stack outputs", () => {
  it("gives each node the SM2 public key of its gmnode key as its ID", async () => {
    const nodes = await valueOf(program.nodes);
    expect(Object.keys(nodes).sort()).toEqual(Object.keys(NODES));
    for (const [name, summary] of Object.entries(nodes)) {
      const key = byName(registrations, `${name}-gmnode-key`).outputs;
      const loaded = loadPrivateKey(key.privateKeyPem as string).keyPair;
      expect(loaded.algorithm).toBe("sm2");
      expect(summary.id).toMatch(/^[0-9a-f]{128}$/);
      expect(summary.id, name).toBe(loaded.publicKeyHex);
    }
    expect(new Set(Object.values(nodes).map((n) => n.id)).size).toBe(5);
  });

  it("gives each node its agency, host and ports", async () => {
    const nodes = await valueOf(program.nodes);
    for (const [name, expected] of Object.entries(NODES)) {
      const { id: _id, ...summary } = nodes[name];
      expect(summary, name).toEqual({ ...expected, host: "local", p2p: `127.0.0.1:${expected.p2pPort}` });
    }
  });

  it("gives each agency its package and SDK bundle paths, written there with mode 0600", async () => {
    const agencies = await valueOf(program.agencies);
    expect(agencies).toEqual(Object.fromEntries(AGENCIES.map((a) => [a, { package: `${outputDir}/${a}.tar.gz`, sdkBundle: `${outputDir}/${a}-sdk.tar.gz` }])));
    for (const { package: pkg, sdkBundle } of Object.values(agencies)) {
      expect(statSync(pkg).mode & 0o777, pkg).toBe(0o600);
      expect(statSync(sdkBundle).mode & 0o777, sdkBundle).toBe(0o600);
    }
  });

  it("gives each group its pinned genesis timestamp and declared roles", async () => {
    expect(await valueOf(program.groups)).toEqual({
      "1": { timestamp: 1700000000000, sealers: ["node0", "node1", "node2", "node3"], observers: [], free: [] },
      "2": { timestamp: 1700000000000, sealers: ["node3", "node4"], observers: [], free: [] },
    });
  });
});
