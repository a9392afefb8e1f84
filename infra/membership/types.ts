/** A node's role in a group as the topology declares it, and how to reach the node to change it. */

export type DeclaredRole = "sealer" | "observer" | "free";

/** How to reach a node's RPC port; the SSH private key is kept apart (a secret, per host address). */
export interface EndpointDescriptor {
  /** The host's address (what SSH connects to). */
  address: string;
  rpcPort: number;
  connection: { kind: "local" } | { kind: "ssh"; port: number; user: string; hostKey: string };
  /** The node's folder on its host (`<deployDir>/<folder>`, infra/topology/node-folder.ts), where a joining node's group files are prepared. */
  nodeDir?: string;
}
