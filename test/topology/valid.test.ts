import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadTopologyFile, Model, parseTopologyYaml, topologyFromConfigValue, validateTopology } from "../../infra/topology";
import { baseTopology } from "./invalid-cases";

const root = join(__dirname, "..", "..");
const devStack = join(root, "stacks", "Pulumi.dev.yaml");
const fixture = (name: string) => join(__dirname, "fixtures", name);

const devModel: Model = {
  chain: {
    id: 1,
    smCrypto: true,
    smCryptoChannel: false,
    version: "2.11.1",
    certValidityDays: 3650,
    install: false,
    deleteDataOnRemove: false,
  },
  hosts: [{ name: "local", address: "127.0.0.1", connection: { kind: "local" }, deployDir: "/tmp/bcos-pulumi/dev" }],
  agencies: [
    { name: "agencyA", nodes: ["node0", "node1", "node2"] },
    { name: "agencyB", nodes: ["node3"] },
    { name: "agencyC", nodes: ["node4"] },
    { name: "agencyD", nodes: [] },
  ],
  nodes: [0, 1, 2, 3, 4].map((i) => ({
    name: `node${i}`,
    agency: i < 3 ? "agencyA" : i === 3 ? "agencyB" : "agencyC",
    host: "local",
    p2pPort: 30300 + i,
    channelPort: 20200 + i,
    rpcPort: 8545 + i,
  })),
  groups: [
    {
      id: 1,
      sealers: ["node0", "node1", "node2", "node3"],
      observers: [],
      free: [],
      timestamp: 1700000000000,
      genesis: {
        consensus: "pbft",
        maxTransNum: 1000,
        gasLimit: 300000000,
        consensusTimeout: 3,
        epochBlockNum: 1000,
        enableFreeStorage: false,
      },
    },
    {
      id: 2,
      sealers: ["node3", "node4"],
      observers: [],
      free: [],
      timestamp: 1700000000000,
      genesis: {
        consensus: "raft",
        maxTransNum: 1000,
        gasLimit: 300000000,
        consensusTimeout: 3,
        epochBlockNum: 1000,
        enableFreeStorage: false,
      },
    },
  ],
};

/** A small valid topology to vary: one local host, given agencies, no chain binary needed. */
function topology(agencies: unknown, groups?: unknown): unknown {
  return {
    chain: { install: false },
    hosts: { local: { address: "127.0.0.1", connection: "local", deployDir: "/opt/fisco" } },
    agencies,
    ...(groups === undefined ? {} : { groups }),
  };
}

describe("the dev stack", () => {
  it("loads to the expected model", () => {
    expect(loadTopologyFile(devStack)).toEqual(devModel);
  });

  it("gives the same model as its standalone form", () => {
    expect(loadTopologyFile(fixture("dev-standalone.yaml"))).toEqual(devModel);
  });

  it("gives the same model through the Pulumi config value", () => {
    const stack = yaml.load(readFileSync(devStack, "utf8")) as { config: Record<string, unknown> };
    // What requireObject hands the program: the value after a JSON round trip.
    const value: unknown = JSON.parse(JSON.stringify(stack.config["bcos:topology"]));
    expect(topologyFromConfigValue(value)).toEqual(devModel);
  });

  it("accepts the topology stored as a JSON string (pulumi config set bcos:topology '<json>')", () => {
    const stack = yaml.load(readFileSync(devStack, "utf8")) as { config: Record<string, unknown> };
    const text = yaml.dump({ config: { "bcos:topology": JSON.stringify(stack.config["bcos:topology"]) } });
    expect(parseTopologyYaml(text, "Pulumi.json.yaml")).toEqual(devModel);
  });
});

describe("defaults", () => {
  it("fills chain, ssh, port and genesis defaults", () => {
    const model = loadTopologyFile(fixture("multi-host.yaml"));
    expect(model.chain).toEqual({
      id: 1,
      smCrypto: true,
      smCryptoChannel: false,
      version: "2.11.1",
      certValidityDays: 3650,
      install: true,
      deleteDataOnRemove: false,
      binary: { url: "https://example.com/fisco-bcos.tar.gz", sha256: "0123456789abcdef".repeat(4) },
    });
    expect(model.hosts.map((h) => [h.name, h.deployDir, h.connection])).toEqual([
      ["local", "/opt/fisco", { kind: "local" }],
      [
        "a1",
        "/opt/fisco",
        {
          kind: "ssh",
          port: 22,
          user: "fisco",
          privateKeyConfig: "sshKeyA",
          hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz4kq2V2m0YQ0c2c0p9n0e2Zq3H9xg4b4q1mJp3t8xv",
        },
      ],
      ["a1-alt", "/srv/fisco", { kind: "ssh", port: 22, user: "root", privateKeyConfig: "sshPrivateKey" }],
      ["v6", "/opt/fisco", { kind: "ssh", port: 2222, user: "root", privateKeyConfig: "sshPrivateKey" }],
    ]);
    expect(model.groups).toEqual([
      {
        id: 7,
        sealers: ["node0", "node2", "node3"],
        observers: ["node4"],
        free: ["node1"],
        genesis: {
          consensus: "rpbft",
          maxTransNum: 1000,
          gasLimit: 300000000,
          consensusTimeout: 3,
          epochBlockNum: 500,
          enableFreeStorage: false,
        },
      },
    ]);
  });

  it("counts default ports per address, across host entries that share it", () => {
    const model = loadTopologyFile(fixture("multi-host.yaml"));
    expect(model.nodes.map((n) => [n.name, n.host, n.p2pPort, n.channelPort, n.rpcPort])).toEqual([
      ["node0", "a1", 30300, 20200, 8545],
      ["node1", "local", 30300, 20200, 8545],
      ["node2", "a1-alt", 30301, 20201, 8546],
      ["node3", "a1", 30302, 20202, 9000],
      ["node4", "v6", 30300, 20200, 8545],
    ]);
  });

  it("keeps the +1 pattern when some nodes give explicit ports", () => {
    const model = validateTopology(topology({ a: { nodes: { n0: { host: "local", p2pPort: 31000 }, n1: { host: "local" }, n2: { host: "local" } } } }));
    expect(model.nodes.map((n) => [n.p2pPort, n.channelPort, n.rpcPort])).toEqual([
      [31000, 20200, 8545],
      [30301, 20201, 8546],
      [30302, 20202, 8547],
    ]);
  });

  it("applies every chain default when the chain section is absent but nothing is installed", () => {
    const model = validateTopology({ ...(topology({}) as object), chain: { install: false } });
    expect(model.chain).toEqual({
      id: 1,
      smCrypto: true,
      smCryptoChannel: false,
      version: "2.11.1",
      certValidityDays: 3650,
      install: false,
      deleteDataOnRemove: false,
    });
  });

  it("defaults pbft genesis parameters, leaving epochSealerNum to the initial sealer count", () => {
    const model = validateTopology(topology({ a: { nodes: { n0: { host: "local" }, n1: { host: "local" } } } }, { 3: { sealers: ["n0", "n1"] } }));
    expect(model.groups[0]).toEqual({
      id: 3,
      sealers: ["n0", "n1"],
      observers: [],
      free: [],
      genesis: {
        consensus: "pbft",
        maxTransNum: 1000,
        gasLimit: 300000000,
        consensusTimeout: 3,
        epochBlockNum: 1000,
        enableFreeStorage: false,
      },
    });
    expect("timestamp" in model.groups[0]).toBe(false);
  });
});

describe("accepted shapes", () => {
  it("allows a chain without nodes when it has no groups", () => {
    expect(validateTopology(topology({ a: {} })).nodes).toEqual([]);
    expect(validateTopology(topology({ a: {} }, {})).groups).toEqual([]);
  });

  it("reads a bare agency key (no value) as an agency without nodes", () => {
    const model = parseTopologyYaml("chain: {install: false}\nhosts: {}\nagencies:\n  agencyD:\n", "bare.yaml");
    expect(model.agencies).toEqual([{ name: "agencyD", nodes: [] }]);
  });

  it("keeps declaration order for hosts, agencies and nodes and sorts groups by id", () => {
    const model = validateTopology({
      chain: { install: false },
      hosts: {
        zeta: { address: "10.0.0.2", connection: "local", deployDir: "/opt/z" },
        alpha: { address: "10.0.0.1", connection: "local", deployDir: "/opt/a" },
      },
      agencies: { zz: { nodes: { z1: { host: "zeta" }, a1: { host: "alpha" } } }, aa: { nodes: { m: { host: "zeta" } } } },
      groups: { 10: { sealers: ["z1"] }, 2: { sealers: ["m"] }, 9: { sealers: ["a1"] } },
    });
    expect(model.hosts.map((h) => h.name)).toEqual(["zeta", "alpha"]);
    expect(model.agencies.map((a) => a.name)).toEqual(["zz", "aa"]);
    expect(model.nodes.map((n) => n.name)).toEqual(["z1", "a1", "m"]);
    expect(model.groups.map((g) => g.id)).toEqual([2, 9, 10]);
  });

  it("accepts IPv6 and host name addresses, GM channel and the oldest supported version", () => {
    const t = baseTopology();
    t.chain = { version: "2.9.0", smCryptoChannel: true, install: true, binary: { path: "./bin/fisco-bcos" } };
    t.hosts.local.address = "::1";
    t.hosts.remote.address = "node-b.example.com";
    t.groups["2"].consensus = "pbft";
    const model = validateTopology(t);
    expect(model.hosts.map((h) => h.address)).toEqual(["::1", "node-b.example.com"]);
    expect(model.chain).toMatchObject({ version: "2.9.0", smCrypto: true, smCryptoChannel: true, binary: { path: "./bin/fisco-bcos" } });
  });

  it("keeps chain.rsaCryptoChannel only when false: true and absent give the same model as before", () => {
    const absent = validateTopology(baseTopology());
    const on = baseTopology();
    on.chain.rsaCryptoChannel = true;
    expect(validateTopology(on)).toEqual(absent);
    expect(absent.chain).not.toHaveProperty("rsaCryptoChannel");
    const off = baseTopology();
    off.chain.rsaCryptoChannel = false;
    expect(validateTopology(off).chain).toEqual({ ...absent.chain, rsaCryptoChannel: false });
  });

  it("accepts every genesis setting at its boundary", () => {
    const t = baseTopology();
    Object.assign(t.groups["2"], {
      maxTransNum: 1,
      gasLimit: 0,
      consensusTimeout: 3,
      epochSealerNum: 1,
      epochBlockNum: 2,
      enableFreeStorage: true,
      timestamp: 1e12,
    });
    expect(validateTopology(t).groups[1]).toMatchObject({
      timestamp: 1e12,
      genesis: { maxTransNum: 1, gasLimit: 0, consensusTimeout: 3, epochSealerNum: 1, epochBlockNum: 2, enableFreeStorage: true },
    });
  });
});
