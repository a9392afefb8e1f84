/**
 * `import` adopts chain folders made with OpenSSL the way build_chain.sh 2.11 and generator make
 * them, GM and standard, two groups each: the stack file's topology validates and describes the
 * chain, node IDs are the keys' public points, every private key comes back byte for byte from
 * the encrypted config, no private key byte is in any file written in plain text, and the public
 * files are verbatim copies.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePkcs8, decodeSec1 } from "../../infra/crypto/ec-key-encoding";
import { pemBlocks } from "../../infra/crypto/pem";
import { importChain } from "../../infra/import/import-chain";
import type { ImportedKeys, ImportRecord } from "../../infra/import/import-record";
import { loadTopologyFile } from "../../infra/topology/load";
import type { Model } from "../../infra/topology/types";
import { type BuiltChain, filesUnder, type FixtureSpec, labelOf } from "./chain-fixture";
import { buildChainGm, buildChainStd, generatorGm, generatorStd, Workspace } from "./fixtures";
import { revealSecrets, stackKey } from "./stack-secrets";

const PASSPHRASE = "import-test-passphrase";

interface Case {
  name: string;
  spec: FixtureSpec;
  hostNames: Record<string, string>;
  /** Removed from the chain folder before the import (CA material the importing party lacks). */
  withoutFolders: string[];
  expected: {
    hosts: Record<string, string>;
    /** agency → node names, in node order. */
    agencies: Record<string, string[]>;
    /** node name → fixture label. */
    labels: Record<string, string>;
    /** Which CA keys came along. */
    chainKeys: { std: boolean; gm?: boolean };
    agencyKeys: Record<string, { std: boolean; gm?: boolean; channelCa?: boolean }>;
    sdkHosts: Record<string, string[]>;
  };
}

const CASES: Case[] = [
  {
    name: "build_chain GM, two hosts, CA keys present, --host names",
    spec: buildChainGm,
    hostNames: { "127.0.0.1": "hostA", "192.0.2.2": "hostB" },
    withoutFolders: [],
    expected: {
      hosts: { hostA: "127.0.0.1", hostB: "192.0.2.2" },
      // node0/node1 exist on both hosts: names get the host prefix.
      agencies: { agencyA: ["hostA-node0", "hostA-node1"], agencyB: ["hostB-node0", "hostB-node1"] },
      labels: { "hostA-node0": "127.0.0.1/node0", "hostA-node1": "127.0.0.1/node1", "hostB-node0": "192.0.2.2/node0", "hostB-node1": "192.0.2.2/node1" },
      chainKeys: { std: true, gm: true },
      agencyKeys: { agencyA: { std: true, gm: true, channelCa: true }, agencyB: { std: true, gm: true, channelCa: true } },
      sdkHosts: { agencyA: ["hostA"], agencyB: ["hostB"] },
    },
  },
  {
    name: "build_chain standard, one host, node folders only (CA keys absent)",
    spec: buildChainStd,
    hostNames: {},
    withoutFolders: ["cert"],
    expected: {
      hosts: { "127_0_0_1": "127.0.0.1" },
      agencies: { agency: ["node0", "node1", "node2", "node3"] },
      labels: { node0: "127.0.0.1/node0", node1: "127.0.0.1/node1", node2: "127.0.0.1/node2", node3: "127.0.0.1/node3" },
      chainKeys: { std: false },
      agencyKeys: { agency: { std: false, channelCa: false } },
      sdkHosts: { agency: ["127_0_0_1"] },
    },
  },
  {
    name: "generator GM, two organisations' packages, meta/ of agencyA",
    spec: generatorGm,
    hostNames: {},
    withoutFolders: [],
    expected: {
      hosts: { "127_0_0_1": "127.0.0.1", "192_0_2_2": "192.0.2.2" },
      agencies: { agencyA: ["node_127_0_0_1_30300", "node_127_0_0_1_30301"], agencyB: ["node_192_0_2_2_30300", "node_192_0_2_2_30301"] },
      labels: {
        node_127_0_0_1_30300: "node_127.0.0.1_30300",
        node_127_0_0_1_30301: "node_127.0.0.1_30301",
        node_192_0_2_2_30300: "node_192.0.2.2_30300",
        node_192_0_2_2_30301: "node_192.0.2.2_30301",
      },
      chainKeys: { std: false, gm: false },
      agencyKeys: { agencyA: { std: true, gm: true }, agencyB: { std: false, gm: false } },
      sdkHosts: {},
    },
  },
  {
    name: "generator standard, one organisation",
    spec: generatorStd,
    hostNames: { "127.0.0.1": "local" },
    withoutFolders: [],
    expected: {
      hosts: { local: "127.0.0.1" },
      agencies: { agencyA: ["node_127_0_0_1_30300", "node_127_0_0_1_30301", "node_127_0_0_1_30302"] },
      labels: { node_127_0_0_1_30300: "node_127.0.0.1_30300", node_127_0_0_1_30301: "node_127.0.0.1_30301", node_127_0_0_1_30302: "node_127.0.0.1_30302" },
      chainKeys: { std: false },
      agencyKeys: { agencyA: { std: true } },
      sdkHosts: {},
    },
  },
];

/** Where each key role lives in a node folder (what build_chain and generator write). */
const KEY_FILES: Record<string, string> = {
  gmnode: "conf/gmnode.key",
  gmennode: "conf/gmennode.key",
  origin: "conf/origin_cert/node.key",
  node: "conf/node.key",
  channel: "conf/channel_cert/node.key",
};

/**
 * The secret numbers of every private key under `dir` (EC: the scalar; RSA: d, p and q), as the
 * strings they would show up as in a leaked file: hex, and base64 at each of the three byte
 * alignments a larger encoded blob could put them at.
 */
function privateKeyMaterial(dir: string): { needles: string[]; files: number } {
  const needles = new Set<string>();
  let files = 0;
  const add = (secret: Buffer, der: Buffer) => {
    needles.add(secret.toString("hex"));
    const encodings = [0, 1, 2].map((k) => {
      const b64 = Buffer.concat([Buffer.alloc(k), secret]).toString("base64");
      // Only the characters that depend on nothing but the secret's own bytes.
      return b64.slice(k === 0 ? 0 : 4, Math.floor((k + secret.length) / 3) * 4);
    });
    encodings.forEach((e) => needles.add(e));
    // The search must at least find the key in its own file, or it proves nothing.
    if (!encodings.some((e) => der.toString("base64").includes(e))) throw new Error("key material search does not find a key in its own file");
  };
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, "utf8");
    const blocks = pemBlocks(text).filter((b) => b.label.endsWith("PRIVATE KEY"));
    if (blocks.length === 0) continue;
    files++;
    for (const block of blocks) {
      const p8 = decodePkcs8(block.der);
      if (p8.curveOid) {
        add(decodeSec1(p8.innerKey).scalar, block.der);
      } else {
        const jwk = createPrivateKey({ key: block.der, format: "der", type: "pkcs8" }).export({ format: "jwk" });
        for (const part of [jwk.d, jwk.p, jwk.q]) add(Buffer.from(part!, "base64url"), block.der);
      }
    }
  }
  return { needles: [...needles], files };
}

let ws: Workspace;
beforeAll(() => {
  ws = new Workspace();
});
afterAll(() => ws.remove());

describe.each(CASES)("import: $name", (c) => {
  let built: BuiltChain;
  let project: string;
  let stackText: string;
  let config: Record<string, unknown>;
  let record: ImportRecord;
  let model: Model;
  let written: string[];

  beforeAll(() => {
    built = ws.chain(c.spec);
    for (const folder of c.withoutFolders) rmSync(path.join(built.dir, folder), { recursive: true });
    project = ws.project();
    const summary = importChain({
      from: built.dir,
      stack: "adopted",
      hostNames: new Map(Object.entries(c.hostNames)),
      allowForeignPeers: false,
      projectDir: project,
      passphrase: PASSPHRASE,
    });
    expect(summary.stackFile).toBe(path.join(project, "stacks", "Pulumi.adopted.yaml"));
    stackText = readFileSync(summary.stackFile, "utf8");
    config = (yaml.load(stackText) as { config: Record<string, unknown> }).config;
    record = config["bcos:imported"] as ImportRecord;
    model = loadTopologyFile(summary.stackFile);
    written = filesUnder(path.join(project, "stacks"));
  });

  it("writes a topology that validates and describes the chain, with install: false", () => {
    const { spec, expected } = c;
    expect(model.chain).toMatchObject({ id: spec.chainId, smCrypto: spec.gm, smCryptoChannel: false, install: false });
    expect(model.chain.version).toBe(spec.layout === "build_chain" ? "2.11.1" : "2.9.0");
    expect(model.chain.certValidityDays).toBe(spec.layout === "build_chain" ? 36500 : 3650);
    // generator's config.ini names no rsa_crypto_channel (2.11 reads false); build_chain's says true.
    expect(model.chain.rsaCryptoChannel).toBe(spec.layout === "build_chain" ? undefined : false);
    expect((config["bcos:topology"] as { chain: Record<string, unknown> }).chain.rsaCryptoChannel).toBe(spec.layout === "build_chain" ? undefined : false);
    expect(Object.fromEntries(model.hosts.map((h) => [h.name, h.address]))).toEqual(expected.hosts);
    // Loopback addresses become local hosts; others (192.0.2.x, documentation addresses never contacted) SSH hosts.
    for (const h of model.hosts) expect(h.connection.kind).toBe(h.address.startsWith("127.") ? "local" : "ssh");
    expect(Object.fromEntries(model.agencies.map((a) => [a.name, a.nodes]))).toEqual(expected.agencies);
    for (const node of model.nodes) {
      const source = spec.nodes.find((n) => labelOf(spec, n) === expected.labels[node.name])!;
      expect(node).toMatchObject({ p2pPort: source.p2pPort, channelPort: source.channelPort, rpcPort: source.rpcPort, agency: source.agency });
      expect(model.hosts.find((h) => h.name === node.host)!.address).toBe(source.ip);
      // The folder it runs in, where that is not its name (chain.install adopts it there).
      const folder = path.posix.basename(expected.labels[node.name]);
      expect(node.folder, node.name).toBe(folder === node.name ? undefined : folder);
    }
    const nameOf = (label: string) => Object.keys(expected.labels).find((n) => expected.labels[n] === label)!;
    expect(model.groups.map((g) => g.id)).toEqual([1, 2]);
    for (const group of spec.groups) {
      const derived = model.groups.find((g) => g.id === group.id)!;
      expect(derived.sealers.sort()).toEqual(group.sealers.map(nameOf).sort());
      expect(derived.observers).toEqual(group.observers.map(nameOf));
      expect(derived.free).toEqual([]);
      expect(derived.timestamp).toBe(group.timestamp);
      expect(derived.genesis).toMatchObject({
        consensus: group.consensus,
        maxTransNum: 1000,
        gasLimit: 300000000,
        consensusTimeout: 3,
        enableFreeStorage: false,
      });
      if (group.consensus === "rpbft") expect(derived.genesis).toMatchObject({ epochSealerNum: group.sealers.length, epochBlockNum: 1000 });
    }
  });

  it("records node IDs equal to the public points OpenSSL derives from the node keys", () => {
    for (const [name, label] of Object.entries(c.expected.labels)) {
      expect(record.nodes[name].folder).toBe(label);
      expect(record.nodes[name].nodeId).toBe(built.nodeIds.get(label));
    }
  });

  it("records which CA came with its key (certificates only otherwise)", () => {
    expect(record.chain.std?.hasKey).toBe(c.expected.chainKeys.std);
    expect(record.chain.gm?.hasKey).toBe(c.expected.chainKeys.gm);
    for (const [agency, keys] of Object.entries(c.expected.agencyKeys)) {
      expect(record.agencies[agency].std?.hasKey).toBe(keys.std);
      expect(record.agencies[agency].gm?.hasKey).toBe(keys.gm);
      expect(record.agencies[agency].channelCa?.hasKey).toBe(keys.channelCa);
    }
  });

  it("writes no private key byte into any plain file (PEM armour, secret numbers in hex or base64)", () => {
    const material = privateKeyMaterial(built.dir);
    expect(material.files).toBeGreaterThanOrEqual(c.spec.nodes.length);
    for (const file of written) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toContain("PRIVATE KEY");
      const flat = text.replace(/\s+/g, "");
      const lower = flat.toLowerCase();
      for (const needle of material.needles) expect(flat.includes(needle) || lower.includes(needle), `${file} holds private key material`).toBe(false);
    }
  });

  it("gives every private key back byte for byte from the encrypted config", () => {
    const salt = (yaml.load(stackText) as { encryptionsalt: string }).encryptionsalt;
    const keys = revealSecrets(config["bcos:importedKeys"], stackKey(salt, PASSPHRASE)) as ImportedKeys;
    expect(() => stackKey(salt, "another passphrase")).toThrow(/incorrect passphrase/);
    for (const [name, label] of Object.entries(c.expected.labels)) {
      const roles = Object.keys(keys.nodes[name]);
      expect(roles).toEqual(record.nodes[name].keys);
      expect(roles.sort()).toEqual((c.spec.gm ? ["gmnode", "gmennode", "origin"] : ["node"]).concat(c.spec.layout === "build_chain" ? ["channel"] : []).sort());
      for (const role of roles) {
        expect(keys.nodes[name][role as keyof (typeof keys.nodes)[string]]).toBe(readFileSync(path.join(built.dir, label, KEY_FILES[role]), "utf8"));
      }
    }
    const source = (rel: string) => readFileSync(path.join(built.dir, rel), "utf8");
    if (c.expected.chainKeys.std) expect(keys.chain?.std).toBe(source("cert/ca.key"));
    if (c.expected.chainKeys.gm) expect(keys.chain?.gm).toBe(source("gmcert/gmca.key"));
    for (const [agency, expected] of Object.entries(c.expected.agencyKeys)) {
      const got = keys.agencies?.[agency];
      const stdKey = c.spec.layout === "build_chain" ? `cert/${agency}/agency.key` : "meta/agency.key";
      expect(got?.std).toBe(expected.std ? source(stdKey) : undefined);
      if (expected.gm) expect(got?.gm).toBe(source(c.spec.layout === "build_chain" ? `gmcert/${agency}-gm/gmagency.key` : "meta/gmagency.key"));
      if (expected.channelCa) expect(got?.channelCa).toBe(source(`cert/${agency}/channel/ca.key`));
    }
    for (const [agency, hosts] of Object.entries(c.expected.sdkHosts)) {
      expect(Object.keys(keys.agencies?.[agency]?.sdk ?? {})).toEqual(hosts);
      for (const host of hosts) {
        const ip = Object.entries(c.hostNames).find(([, n]) => n === host)?.[0] ?? host.replace(/_/g, ".");
        expect(keys.agencies?.[agency]?.sdk?.[host]?.sdk).toBe(source(`${ip}/sdk/sdk.key`));
        if (c.spec.gm) expect(keys.agencies?.[agency]?.sdk?.[host]?.gmsdk).toBe(source(`${ip}/sdk/gm/gmsdk.key`));
      }
    }
  });

  it("copies config.ini, certificates, node IDs and group files verbatim", () => {
    const files = path.join(project, record.files);
    for (const [name, label] of Object.entries(c.expected.labels)) {
      const copied = Workspace.listing(path.join(files, record.nodes[name].files)).filter((p) => p.includes("."));
      expect(copied).toContain("config.ini");
      expect(copied).toContain("conf/group.1.genesis");
      expect(copied).toContain(c.spec.gm ? "conf/gmnode.crt" : "conf/node.crt");
      for (const rel of copied) {
        expect(readFileSync(path.join(files, record.nodes[name].files, rel)), `${name}/${rel}`).toEqual(readFileSync(path.join(built.dir, label, rel)));
      }
    }
    for (const group of ["1", "2"]) expect(readFileSync(path.join(files, record.groups[group].genesis), "utf8")).toContain(`id=${group}`);
  });
});
