/**
 * The topology an imported chain has: chain settings from config.ini, one host per address, one
 * agency per issuer of node certificates, nodes with the ports they listen on, groups with the
 * sealers and frozen values of their genesis. It must pass the same validation as a hand-written
 * topology.
 */
import { isIPv4 } from "node:net";
import * as path from "node:path";
import { deployDirProblem } from "../topology/formats";
import { folderProblem } from "../topology/node-folder";
import { TopologyError } from "../topology/topology-error";
import type { GroupSpec, HostSpec, Model, NodeSpec, TopologySpec } from "../topology/types";
import { validateTopology } from "../topology/validate";
import type { ChainAuthority } from "./authority";
import { validityDays } from "./certificates";
import type { ImportProblem } from "./import-error";
import { NameBook, safeName } from "./names";
import type { NodeFolder } from "./node-folder-reader";
import { groupIds } from "./refusals";

export interface DerivedTopology {
  spec: TopologySpec;
  model: Model;
  /** Topology name of each node folder. */
  nodeNames: Map<NodeFolder, string>;
  /** Topology host name of each address. */
  hostNames: Map<string, string>;
}

/** Where nodes of an unknown machine are assumed to live until the operator says otherwise. */
const FALLBACK_DEPLOY_DIR = "/opt/fisco";

function isLoopback(address: string): boolean {
  return address === "localhost" || address === "::1" || (isIPv4(address) && address.startsWith("127."));
}

/** The folder holding the host's node folders, when they share one and it is usable as deployDir. */
function deployDirOf(nodes: readonly NodeFolder[]): string {
  const parents = new Set(nodes.map((n) => path.dirname(n.dir)));
  const [parent] = parents;
  return parents.size === 1 && !deployDirProblem(parent) ? parent : FALLBACK_DEPLOY_DIR;
}

function hostTable(nodes: readonly NodeFolder[], given: ReadonlyMap<string, string>): { hosts: Record<string, HostSpec>; names: Map<string, string> } {
  const book = new NameBook();
  for (const name of given.values()) book.claim(name);
  const names = new Map<string, string>();
  const hosts: Record<string, HostSpec> = {};
  for (const address of new Set(nodes.map((n) => n.hostAddress))) {
    const name = given.get(address) ?? book.claim(safeName("host", address));
    names.set(address, name);
    hosts[name] = {
      address,
      // A machine other than this one is reached over SSH (defaults: root, port 22); nothing is
      // contacted while chain.install is false.
      connection: isLoopback(address) ? "local" : { ssh: {} },
      deployDir: deployDirOf(nodes.filter((n) => n.hostAddress === address)),
    };
  }
  return { hosts, names };
}

/** Folder names, unless two hosts use the same one (build_chain's node0 on every IP): then host-prefixed. */
function nodeNameTable(nodes: readonly NodeFolder[], hostNames: ReadonlyMap<string, string>): Map<NodeFolder, string> {
  const folderNames = nodes.map((n) => safeName("node", n.folderName));
  const clash = new Set(folderNames).size < folderNames.length;
  const book = new NameBook();
  return new Map(nodes.map((n, i) => [n, book.claim(clash ? safeName("node", `${hostNames.get(n.hostAddress)}-${folderNames[i]}`) : folderNames[i])]));
}

function groupSpec(id: number, nodes: readonly NodeFolder[], names: ReadonlyMap<NodeFolder, string>): GroupSpec {
  const members = nodes.filter((n) => n.groups.some((g) => g.id === id));
  const { genesis } = members[0].groups.find((g) => g.id === id)!;
  // In node order: the genesis lists sealers sorted by ID, which reads as random.
  const sealers = nodes.filter((n) => genesis.sealers.includes(n.nodeId)).map((n) => names.get(n)!);
  // A member with the group's files that is not a sealer: the chain may have made it an observer
  // or left it free; the files cannot tell, so it is taken as an observer.
  const observers = members.map((n) => names.get(n)!).filter((name) => !sealers.includes(name));
  const p = genesis.params;
  return {
    consensus: p.consensus,
    sealers,
    ...(observers.length > 0 ? { observers } : {}),
    timestamp: genesis.timestamp,
    maxTransNum: p.maxTransNum,
    gasLimit: p.gasLimit,
    consensusTimeout: p.consensusTimeout,
    ...(p.consensus === "rpbft" ? { epochSealerNum: p.epochSealerNum, epochBlockNum: p.epochBlockNum } : {}),
    enableFreeStorage: p.enableFreeStorage,
  };
}

export function deriveTopology(
  nodes: readonly NodeFolder[],
  authority: ChainAuthority,
  givenHostNames: ReadonlyMap<string, string>,
  source: string,
): { topology?: DerivedTopology; problems: ImportProblem[] } {
  const [first] = nodes;
  const { chain } = first.config;
  const identity = (first.credentials.gmnode ?? first.credentials.node)!.certs[0];
  const { hosts, names: hostNames } = hostTable(nodes, givenHostNames);
  const nodeNames = nodeNameTable(nodes, hostNames);

  const agencies: TopologySpec["agencies"] = {};
  for (const agency of authority.agencies) {
    const members: Record<string, NodeSpec> = {};
    for (const node of agency.nodes) {
      const name = nodeNames.get(node)!;
      members[name] = {
        host: hostNames.get(node.hostAddress)!,
        p2pPort: node.config.p2p.listenPort,
        channelPort: node.config.rpc.channelListenPort,
        rpcPort: node.config.rpc.jsonrpcListenPort,
        // Where the name is not the folder's (node0 on several addresses, node_<ip>_<port>): the
        // folder it runs in, so chain.install can adopt it there.
        ...(name !== node.folderName && !folderProblem(node.folderName) ? { folder: node.folderName } : {}),
      };
    }
    agencies[agency.name] = { nodes: members };
  }

  const spec: TopologySpec = {
    chain: {
      id: chain.id,
      smCrypto: chain.smCrypto,
      smCryptoChannel: chain.smCryptoChannel,
      // generator writes no rsa_crypto_channel, which a 2.11 node reads as false: keep that channel.
      ...(chain.rsaCryptoChannel ? {} : { rsaCryptoChannel: false }),
      version: first.config.supportedVersion,
      // New certificates (a node added later) get the lifetime the tool that made the chain used.
      certValidityDays: Math.min(36500, Math.max(1, validityDays(identity))),
      install: false,
    },
    hosts,
    agencies,
    groups: Object.fromEntries(groupIds(nodes).map((id) => [String(id), groupSpec(id, nodes, nodeNames)])),
  };
  try {
    const model = validateTopology(spec, "the derived topology");
    return { topology: { spec, model, nodeNames, hostNames }, problems: [] };
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    return {
      problems: e.issues.map((issue) => ({
        file: source,
        problem: `gives a topology that does not validate: ${issue.path} ${issue.message} (got ${JSON.stringify(issue.value)})`,
        fix: issue.fix,
      })),
    };
  }
}
