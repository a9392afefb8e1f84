/**
 * The seed's starting chain with agency D's node5 already rendered: the dev stack plus node5
 * (agencyD, in no group), ports moved into a test file's range, stand-ins started from the
 * rendered folders. The stand-in harness renders the dev stack as it is; node5 needs its keys
 * and certificates from the same chain PKI, so the render is repeated here with node5 declared.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as yaml from "js-yaml";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import { chooseGroupTimestamps, renderChainTree } from "../../infra/fisco/chain-tree";
import { writeFileTree } from "../../infra/fisco/file-tree";
import type { GroupSpec, Model, TopologySpec } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { ensureStandinBuilt } from "../standin/build";
import { startNode, stopProcess, type PortBases, type RenderedChain } from "../standin/harness";

const DEV_STACK = path.resolve(__dirname, "../../stacks/Pulumi.dev.yaml");

/** The dev stack's topology with node5 in agencyD, every node i on bases + i, and `groups` when given. */
export function sixNodeTopology(bases: PortBases, groups?: Record<string, GroupSpec>): Model {
  const stack = yaml.load(readFileSync(DEV_STACK, "utf8")) as { config: { "bcos:topology": TopologySpec } };
  const topology = stack.config["bcos:topology"];
  topology.agencies.agencyD = { nodes: { node5: { host: "local" } } };
  for (const agency of Object.values(topology.agencies)) {
    for (const [name, node] of Object.entries(agency.nodes ?? {})) {
      const i = Number(name.replace("node", ""));
      Object.assign(node, { p2pPort: bases.p2p + i, channelPort: bases.channel + i, rpcPort: bases.rpc + i });
    }
  }
  if (groups) topology.groups = groups;
  return validateTopology(topology, DEV_STACK);
}

/** Stand-ins of the six-node chain; cleanup() stops them and removes the tree unless `keep`. */
export class SixNodeChain {
  private readonly pids = new Map<string, number>();

  private constructor(readonly chain: RenderedChain) {}

  static async render(bases: PortBases, label: string): Promise<SixNodeChain> {
    const binary = ensureStandinBuilt();
    const model = sixNodeTopology(bases);
    const root = mkdtempSync(path.join(tmpdir(), `standin-${label}-`));
    const pki = await buildChainPki(model);
    writeFileTree(root, renderChainTree(model, pki, chooseGroupTimestamps(model, Date.now()), { includeCaKeys: false }));
    for (const agency of model.agencies) if (agency.nodes.length) copyFileSync(binary, path.join(root, agency.name, "fisco-bcos"));
    return new SixNodeChain({
      root,
      model,
      dirs: Object.fromEntries(model.nodes.map((n) => [n.name, path.join(root, n.agency, n.name)])),
      ids: Object.fromEntries(pki.nodes.map((n) => [n.name, n.nodeId])),
      rpcPorts: Object.fromEntries(model.nodes.map((n) => [n.name, n.rpcPort])),
    });
  }

  start(names: string[]): void {
    for (const name of names) this.pids.set(name, startNode(this.chain.dirs[name]));
  }

  /** Stops one node, as an operator's kill would. */
  async stop(name: string): Promise<void> {
    const pid = this.pids.get(name);
    if (pid === undefined) return;
    await stopProcess(pid);
    this.pids.delete(name);
  }

  /**
   * What the install code does for a node joining an existing group, on a stand-in folder: the
   * group's original genesis and ini from a member's conf/, and the group marked STOPPED so
   * that startGroup over RPC loads it.
   */
  copyGroupFiles(from: string, to: string, group: number): void {
    for (const file of [`group.${group}.genesis`, `group.${group}.ini`]) {
      copyFileSync(path.join(this.chain.dirs[from], "conf", file), path.join(this.chain.dirs[to], "conf", file));
    }
    const data = path.join(this.chain.dirs[to], "data", `group${group}`);
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, ".group_status"), "STOPPED");
  }

  async cleanup(keep: boolean): Promise<void> {
    await Promise.all([...this.pids.values()].map(stopProcess));
    this.pids.clear();
    if (keep) process.stderr.write(`stand-in logs kept in ${this.chain.root} (<agency>/<node>/nohup.out and log/)\n`);
    else rmSync(this.chain.root, { recursive: true, force: true });
  }
}
