/**
 * What adopting imported nodes on their hosts needs (pure): which settings files mean the same as
 * ours (config.ini with its defaults, peer lists as sets, comments and layout ignored; group.N.ini),
 * and the refusal of a node whose folder is not the one the topology keeps it in (its name or `folder:`).
 * A generator node (no rsa_crypto_channel in its config.ini) means the same as ours once the
 * topology says chain.rsaCryptoChannel: false, as import writes it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { renderGroupIni } from "../../infra/fisco/genesis";
import { adoptedInstalls } from "../../infra/import/adopted-install";
import { configIniMeaning, meaningDifferences } from "../../infra/import/ini-meaning";
import type { NodeSpec } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { type FixtureSpec, generatorConfigIni, labelOf } from "./chain-fixture";
import { generatorGm, generatorStd } from "./fixtures";

const model = validateTopology(
  {
    chain: { id: 1, smCrypto: true, version: "2.11.1", install: false },
    hosts: { hostA: { address: "127.0.0.1", connection: "local", deployDir: "/srv/fisco/127.0.0.1" } },
    agencies: { agency: { nodes: { node0: { host: "hostA" }, node1: { host: "hostA" } } } },
    groups: { "1": { sealers: ["node0", "node1"], timestamp: 1700000000000 } },
  },
  "test",
);
const ID = "ab".repeat(64);

describe("ini meaning", () => {
  it("ignores comments, layout and peer numbering, fills the node's defaults, and names real differences", () => {
    const ours = renderConfigIni(model, "node0");
    const theirs = ours
      .replace(/^ {4}/gm, "")
      .replace(/^node\.0=(.*)$/m, "node.9 = $1")
      .replace(/^ *disable_dynamic_group=false\n/m, "")
      .concat("; trailing comment\n");
    expect(meaningDifferences(configIniMeaning(theirs), configIniMeaning(ours))).toEqual([]);
    const otherPort = ours.replace(/jsonrpc_listen_port=\d+/, "jsonrpc_listen_port=9999");
    expect(meaningDifferences(configIniMeaning(otherPort), configIniMeaning(ours))).toEqual(["rpc.jsonrpc_listen_port: 9999 → 8545"]);
  });
});

describe("build_chain 2.11's own files (test/fixtures/fisco-2x-samples, node0 of a 4-node GM chain)", () => {
  const sample = (file: string) => readFileSync(path.join(__dirname, "..", "fixtures", "fisco-2x-samples", file), "utf8");
  const sampleChain = validateTopology(
    {
      chain: { id: 1, smCrypto: true, version: "2.11.1", install: false },
      hosts: { h: { address: "127.0.0.1", connection: "local", deployDir: "/srv/127.0.0.1" } },
      agencies: {
        agency: {
          nodes: Object.fromEntries([0, 1, 2, 3].map((i) => [`node${i}`, { host: "h", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i }])),
        },
      },
      groups: { "1": { sealers: ["node0", "node1", "node2", "node3"], timestamp: 1700000000000 } },
    },
    "test",
  );

  it("mean what ours mean, so a node build_chain made is adopted without a restart", () => {
    const folders = {
      node0: { folder: "127.0.0.1/node0", nodeId: ID, settings: { "config.ini": sample("config.ini"), "conf/group.1.ini": sample("group.1.ini") } },
    };
    expect(
      adoptedInstalls(folders, sampleChain)
        .node0.sameMeaning.split(" ")
        .map((pair) => pair.split("=")[0]),
    ).toEqual(["config.ini", "conf/group.1.ini"]);
  });
});

describe("adoptedInstalls", () => {
  it("pairs each imported settings file that means the same as ours, and leaves out the ones that do not", () => {
    const folders = {
      node0: {
        folder: "127.0.0.1/node0",
        nodeId: ID,
        settings: { "config.ini": `; theirs\n${renderConfigIni(model, "node0")}`, "conf/group.1.ini": renderGroupIni() },
      },
      node1: { folder: "127.0.0.1/node1", nodeId: ID, settings: { "config.ini": renderConfigIni(model, "node0") } },
    };
    const adoptions = adoptedInstalls(folders, model);
    expect(adoptions.node0.nodeId).toBe(ID);
    expect(adoptions.node0.sameMeaning).toMatch(/^config\.ini=[0-9a-f]{64}:[0-9a-f]{64} conf\/group\.1\.ini=([0-9a-f]{64}):\1$/);
    // node0's config.ini is not node1's (other ports): node1 restarts when adopted.
    expect(adoptions.node1.sameMeaning).toBe("");
  });

  it("refuses a node whose folder is not the one the topology keeps it in, naming the folder: setting", () => {
    const folders = { node0: { folder: "127.0.0.2/node0_x", nodeId: ID, settings: {} } };
    expect(() => adoptedInstalls(folders, model)).toThrow(
      /node node0 was imported from the folder 127\.0\.0\.2\/node0_x, but chain.install would keep it in <deployDir>\/node0, .* set agencies\.agency\.nodes\.node0\.folder to node0_x \(the folder it runs in\), or keep chain.install false/,
    );
  });

  it("adopts a node whose topology folder: is the folder it was imported from (build_chain's node0 on a second address, generator's node_<ip>_<port>)", () => {
    const named = { ...model, nodes: model.nodes.map((n) => (n.name === "node0" ? { ...n, folder: "node_127.0.0.2_30300" } : n)) };
    const folders = { node0: { folder: "node_127.0.0.2_30300", nodeId: ID, settings: {} } };
    expect(adoptedInstalls(folders, named).node0).toEqual({ nodeId: ID, sameMeaning: "" });
  });
});

describe("a node generator made (its config.ini names no rsa_crypto_channel, which 2.11 reads as false)", () => {
  /** The topology import derives from generator packages: generator's supported_version, its folder names. */
  const importedModel = (spec: FixtureSpec, rsaCryptoChannel?: false) => {
    const names = new Map(spec.nodes.map((n) => [n, labelOf(spec, n).replace(/\./g, "_")]));
    const agencies: Record<string, { nodes: Record<string, NodeSpec> }> = {};
    for (const n of spec.nodes) {
      agencies[n.agency] ??= { nodes: {} };
      agencies[n.agency].nodes[names.get(n)!] = {
        host: n.ip.replace(/\./g, "_"),
        p2pPort: n.p2pPort,
        channelPort: n.channelPort,
        rpcPort: n.rpcPort,
        folder: labelOf(spec, n),
      };
    }
    const hosts = Object.fromEntries(
      [...new Set(spec.nodes.map((n) => n.ip))].map((ip) => [
        ip.replace(/\./g, "_"),
        {
          address: ip, // Like import: another address is another machine, reached over SSH (never contacted here).
          connection: ip.startsWith("127.") ? ("local" as const) : { ssh: {} },
          deployDir: "/srv/fisco",
        },
      ]),
    );
    const chain = { id: spec.chainId, smCrypto: spec.gm, version: "2.9.0", install: false, ...(rsaCryptoChannel === false ? { rsaCryptoChannel } : {}) };
    return { model: validateTopology({ chain, hosts, agencies, groups: {} }, "test"), names };
  };

  it.each([
    { name: "GM", spec: generatorGm },
    { name: "standard", spec: generatorStd },
  ])("$name: with chain.rsaCryptoChannel false (as import sets it) its config.ini means ours, so it is adopted without a restart", ({ spec }) => {
    const { model: adopted, names } = importedModel(spec, false);
    const { model: before } = importedModel(spec);
    for (const n of spec.nodes) {
      const folders = { [names.get(n)!]: { folder: labelOf(spec, n), nodeId: ID, settings: { "config.ini": generatorConfigIni(spec, n) } } };
      const theirs = configIniMeaning(generatorConfigIni(spec, n));
      expect(meaningDifferences(theirs, configIniMeaning(renderConfigIni(adopted, names.get(n)!)))).toEqual([]);
      expect(adoptedInstalls(folders, adopted)[names.get(n)!].sameMeaning).toMatch(/^config\.ini=[0-9a-f]{64}:[0-9a-f]{64}$/);
      // Before chain.rsaCryptoChannel: ours enabled the RSA channel, and adopting restarted the node.
      expect(meaningDifferences(theirs, configIniMeaning(renderConfigIni(before, names.get(n)!)))).toEqual(["chain.rsa_crypto_channel: false → true"]);
      expect(adoptedInstalls(folders, before)[names.get(n)!].sameMeaning).toBe("");
    }
  });
});
