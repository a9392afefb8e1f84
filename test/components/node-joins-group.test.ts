/**
 * agencyD's new node5 joins group 2 as a sealer. Mocks keep no state between runs, so the two
 * `pulumi up`s are played at the level Consortium works at: group genesis from the real provider
 * on the original topology (the first up), then the agency packages of the new topology from the
 * same keys plus node5's new ones, with the genesis frozen in state (the second up).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { agencyPackageFiles } from "../../components/agency-package";
import { buildChainPki, issuedCredential, newEcCredential } from "../../infra/crypto/chain-pki";
import { generateRsaKeyPair } from "../../infra/crypto/keys";
import type { ChainPki, NodePki } from "../../infra/crypto/types";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import { nodePki } from "../../infra/fisco/lookup";
import type { RenderedFile } from "../../infra/fisco/rendered-file";
import { type GroupGenesisInputs, type GroupGenesisOutputs, groupGenesisProvider } from "../../infra/providers/group-genesis-provider";
import { topologyFromConfigValue } from "../../infra/topology/load";
import type { Group, Model, TopologySpec } from "../../infra/topology/types";
import { devModel, devTopology } from "./dev-stack";

let before: Model;
let after: Model;
let pki: ChainPki;
let joinedPki: ChainPki;
/** Group genesis as the first up stored it, by group id. */
let state: Record<number, GroupGenesisOutputs>;
let frozen: Record<number, string>;

/** What the Group component passes to its GroupGenesis. */
function genesisInputs(model: Model, keys: ChainPki, group: Group): GroupGenesisInputs {
  return {
    groupId: group.id,
    params: group.genesis,
    sealerIds: group.sealers.map((name) => nodePki(keys, name).nodeId),
    timestamp: group.timestamp,
    version: model.chain.version,
  };
}

function withNode5(): Model {
  const spec = devTopology() as unknown as TopologySpec;
  spec.agencies.agencyD = { nodes: { node5: { host: "local", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 } } };
  spec.groups!["2"].sealers.push("node5");
  return topologyFromConfigValue(spec);
}

/** node5's keys and certificates, new, under agencyD's existing CAs. */
async function node5Pki(keys: ChainPki, model: Model): Promise<NodePki> {
  const agency = keys.agencies.find((a) => a.name === "agencyD")!;
  const validity = { validityDays: model.chain.certValidityDays };
  const gmSign = newEcCredential("gmNode", agency.gm!, validity, "node5");
  return {
    name: "node5",
    std: newEcCredential("node", agency.std, validity, "node5"),
    gmSign,
    gmEnc: newEcCredential("gmEnNode", agency.gm!, validity, "node5"),
    channel: issuedCredential("channelNode", await generateRsaKeyPair(), agency.channelCa!, validity),
    nodeId: gmSign.key.publicKeyHex!,
  };
}

beforeAll(async () => {
  before = devModel();
  after = withNode5();
  pki = await buildChainPki(before);
  joinedPki = { ...pki, nodes: [...pki.nodes, await node5Pki(pki, after)] };
  state = {};
  for (const group of before.groups) state[group.id] = (await groupGenesisProvider.create(genesisInputs(before, pki, group))).outs;
  frozen = Object.fromEntries(Object.entries(state).map(([id, outs]) => [id, outs.genesis]));
});

const byPath = (files: RenderedFile[]) => new Map(files.map((f) => [f.path, f]));

describe("node5 joins group 2", () => {
  it("is no change to group 2's genesis resource on the second up", async () => {
    const group2 = after.groups.find((g) => g.id === 2)!;
    expect(group2.sealers).toContain("node5");
    expect(await groupGenesisProvider.diff!("group-2", state[2], genesisInputs(after, joinedPki, group2))).toEqual({ changes: false });
  });

  it("gives node5 group 2's original genesis bytes, not a re-render with the new sealers", () => {
    const files = byPath(agencyPackageFiles(after, joinedPki, "agencyD", frozen));
    const rerendered = renderGroupGenesis({ ...genesisInputs(after, joinedPki, after.groups.find((g) => g.id === 2)!), timestamp: state[2].timestamp });
    expect(files.get("agencyD/node5/conf/group.2.genesis")?.content).toBe(state[2].genesis);
    expect(rerendered).not.toBe(state[2].genesis);
    expect(files.has("agencyD/node5/conf/group.1.genesis")).toBe(false);
  });

  it.each(["agencyA", "agencyB", "agencyC"])("leaves every file of %s as it was, but config.ini gains node5's p2p line", (agency) => {
    const old = byPath(agencyPackageFiles(before, pki, agency, frozen));
    const now = byPath(agencyPackageFiles(after, joinedPki, agency, frozen));
    expect([...now.keys()].sort()).toEqual([...old.keys()].sort());
    const configs = [...old.keys()].filter((p) => p.endsWith("/config.ini"));
    expect(configs.length).toBe(before.agencies.find((a) => a.name === agency)!.nodes.length);
    for (const [filePath, file] of old) {
      if (!filePath.endsWith("/config.ini")) {
        expect(now.get(filePath), filePath).toEqual(file);
        continue;
      }
      const withPeer = file.content.replace(/^( *)node\.4=127\.0\.0\.1:30304\n/m, "$&$1node.5=127.0.0.1:30305\n");
      expect(withPeer, filePath).not.toBe(file.content);
      expect(now.get(filePath), filePath).toEqual({ ...file, content: withPeer });
    }
  });

  it("leaves agencyD's sdk/ certificates as they were, adds node5's folder and an SDK config that reaches node5", () => {
    const old = agencyPackageFiles(before, pki, "agencyD", frozen);
    const now = agencyPackageFiles(after, joinedPki, "agencyD", frozen);
    const config = "agencyD/sdk/config.toml";
    expect(now.filter((f) => !f.path.startsWith("agencyD/node5/") && f.path !== config)).toEqual(old);
    expect(now.some((f) => f.path === "agencyD/node5/config.ini")).toBe(true);
    expect(now.find((f) => f.path === config)?.content).toContain('"127.0.0.1:20205", # node5: group 2 sealer');
  });
});
