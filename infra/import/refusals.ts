/**
 * Checks across node folders that decide whether the chain can be imported at all. Each returns
 * the problems it found (file, what is wrong, the fix); the caller refuses if there are any.
 * Checks inside one folder (a missing key, a certificate that does not chain) live with the
 * readers that meet them.
 */
import { p2pEndpoint } from "../fisco/config-ini";
import { genesisMark } from "../fisco/genesis";
import type { ImportProblem } from "./import-error";
import type { GroupFiles, NodeFolder } from "./node-folder-reader";

/** Two folders with one key would run one node ID twice: peers drop one, consensus counts one. */
export function duplicateNodeIds(nodes: readonly NodeFolder[]): ImportProblem[] {
  const byId = new Map<string, NodeFolder[]>();
  for (const node of nodes) byId.set(node.nodeId, [...(byId.get(node.nodeId) ?? []), node]);
  return [...byId.values()]
    .filter((same) => same.length > 1)
    .map((same) => ({
      file: same.map((n) => n.label).join(", "),
      problem: `hold the same node ID ${same[0].nodeId.slice(0, 16)}… (the same private key)`,
      fix: "keep one of these folders; a copied node folder must not run next to its original (give a new node its own key with gen_node_cert.sh)",
    }));
}

const CHAIN_SETTINGS: { name: string; read: (n: NodeFolder) => string }[] = [
  { name: "[chain] id", read: (n) => String(n.config.chain.id) },
  { name: "[chain] sm_crypto", read: (n) => String(n.config.chain.smCrypto) },
  { name: "[chain] sm_crypto_channel", read: (n) => String(n.config.chain.smCryptoChannel) },
  { name: "[chain] rsa_crypto_channel", read: (n) => String(n.config.chain.rsaCryptoChannel) },
  { name: "[compatibility] supported_version", read: (n) => n.config.supportedVersion },
];

/** Settings a topology holds once for the whole chain must agree on every node. */
export function inconsistentChainSettings(nodes: readonly NodeFolder[]): ImportProblem[] {
  const [first] = nodes;
  return CHAIN_SETTINGS.flatMap(({ name, read }) => {
    const odd = nodes.filter((n) => read(n) !== read(first));
    if (odd.length === 0) return [];
    return [
      {
        file: odd.map((n) => `${n.label}/config.ini`).join(", "),
        problem: `${name} is ${[...new Set(odd.map(read))].join(" / ")} here but ${read(first)} in ${first.label}/config.ini`,
        fix: `make ${name} the same on every node of the chain, or import the chains separately`,
      },
    ];
  });
}

/** What decides block 0: the genesis mark, the timestamp, and consensus_type as written. */
function blockZero(node: NodeFolder, group: GroupFiles): string {
  const mark = genesisMark({
    groupId: group.id,
    params: group.genesis.params,
    sealerIds: group.genesis.sealers,
    version: node.config.supportedVersion,
    stateType: group.genesis.stateType,
  });
  return `${mark}|${group.genesis.timestamp}|${group.consensusText}`;
}

/** Members of a group whose genesis files describe different block 0s never agree on the chain. */
export function genesisDifferences(nodes: readonly NodeFolder[]): ImportProblem[] {
  const problems: ImportProblem[] = [];
  for (const id of groupIds(nodes)) {
    const members = nodes.flatMap((node) => node.groups.filter((g) => g.id === id).map((group) => ({ node, group })));
    const [first] = members;
    const reference = blockZero(first.node, first.group);
    const odd = members.filter(({ node, group }) => blockZero(node, group) !== reference);
    if (odd.length === 0) continue;
    problems.push({
      file: odd.map(({ node, group }) => `${node.label}/${group.genesisFile}`).join(", "),
      problem: `group ${id}'s genesis differs from ${first.node.label}/${first.group.genesisFile} (sealers, timestamp or a frozen value), so these members build another block 0`,
      fix: `give every member of group ${id} the genesis file the running members started with (compare with diff), or remove the group's files from the odd node`,
    });
  }
  return problems;
}

/** Members whose genesis files describe the same block 0 in different bytes (comments, layout). */
export function genesisLayoutDifferences(nodes: readonly NodeFolder[]): string[] {
  return groupIds(nodes).flatMap((id) => {
    const texts = new Set(nodes.flatMap((n) => n.groups.filter((g) => g.id === id).map((g) => g.genesisText)));
    return texts.size > 1 ? [`group ${id}: the members' genesis files differ only in layout or comments; each node keeps its own bytes`] : [];
  });
}

/** Every genesis sealer must be an imported node: a topology names its sealers. */
export function unknownSealers(nodes: readonly NodeFolder[]): ImportProblem[] {
  const known = new Set(nodes.map((n) => n.nodeId));
  const problems: ImportProblem[] = [];
  for (const id of groupIds(nodes)) {
    const { node, group } = nodes.flatMap((n) => n.groups.filter((g) => g.id === id).map((g) => ({ node: n, group: g })))[0];
    const missing = group.genesis.sealers.filter((sealer) => !known.has(sealer));
    if (missing.length === 0) continue;
    problems.push({
      file: `${node.label}/${group.genesisFile}`,
      problem: `lists ${missing.length} sealer(s) that no imported node has (${missing.map((m) => m.slice(0, 16) + "…").join(", ")})`,
      fix: "import the folders of every node of the chain together (all agencies' packages in one --from folder)",
    });
  }
  return problems;
}

export interface ForeignPeer {
  node: NodeFolder;
  peer: string;
}

/** `[p2p] node.N` entries that are no imported node's `<address>:<p2p port>`. */
export function foreignPeers(nodes: readonly NodeFolder[]): ForeignPeer[] {
  const known = new Set(nodes.map((n) => p2pEndpoint(n.hostAddress, n.config.p2p.listenPort).toLowerCase()));
  return nodes.flatMap((node) =>
    node.config.p2p.peers
      .map((peer) => p2pEndpoint(peer.host, peer.port))
      .filter((endpoint) => !known.has(endpoint.toLowerCase()))
      .map((peer) => ({ node, peer })),
  );
}

export function foreignPeerProblems(found: readonly ForeignPeer[]): ImportProblem[] {
  return found.map(({ node, peer }) => ({
    file: `${node.label}/config.ini`,
    problem: `[p2p] lists ${peer}, which is no imported node's address and P2P port`,
    fix: "import that node's folder too, remove the entry, or pass --allow-foreign-peers to import anyway (the address is kept as an extra peer)",
  }));
}

export function groupIds(nodes: readonly NodeFolder[]): number[] {
  return [...new Set(nodes.flatMap((n) => n.groups.map((g) => g.id)))].sort((a, b) => a - b);
}
