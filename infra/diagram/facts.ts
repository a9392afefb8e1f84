/** What both drawings show, in words: the chain's title, host and node captions, and role edges. */
import type { Host, Model, Node } from "../topology/types";

export type Role = "sealer" | "observer" | "free";

export interface RoleEdge {
  node: string;
  group: number;
  role: Role;
}

export function chainTitle(model: Model): string {
  const mode = model.chain.smCrypto ? "GM (SM2/SM3)" : "standard (secp256k1)";
  return `chain ${model.chain.id} · ${mode} · FISCO BCOS ${model.chain.version}`;
}

export function hostConnectionText(host: Host): string {
  const c = host.connection;
  return `${c.kind === "local" ? "local" : `ssh as ${c.user}, port ${c.port}`} · ${host.deployDir}`;
}

export function nodePortsText(node: Node): string {
  return `p2p ${node.p2pPort} · channel ${node.channelPort} · rpc ${node.rpcPort}`;
}

/** Every node's role in every group it is declared in, group by group, in list order. */
export function roleEdges(model: Model): RoleEdge[] {
  return model.groups.flatMap((g) => [
    ...g.sealers.map((node) => ({ node, group: g.id, role: "sealer" as const })),
    ...g.observers.map((node) => ({ node, group: g.id, role: "observer" as const })),
    ...g.free.map((node) => ({ node, group: g.id, role: "free" as const })),
  ]);
}
