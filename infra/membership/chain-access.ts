/**
 * What the membership code needs to talk to a chain: an RPC client per node it can reach, and the
 * topology's node IDs so that the chain's IDs read as node names (the planner works in names).
 */
import type { RpcClient } from "../rpc/client";

export class ChainAccess {
  private readonly names: Map<string, string>;

  constructor(
    /** Node name → client; a node without one is unreachable (its host is down or unknown). */
    readonly clients: Readonly<Record<string, RpcClient>>,
    /** Node name → node ID (128 hex), for every node of the topology. */
    readonly ids: Readonly<Record<string, string>>,
  ) {
    this.names = new Map(Object.entries(ids).map(([name, id]) => [id.toLowerCase(), name]));
  }

  /** The topology name of a chain node ID; an ID the topology does not know stays as it is. */
  nameOf(id: string): string {
    return this.names.get(id.toLowerCase()) ?? id;
  }

  idOf(name: string): string {
    // A node on the chain the topology no longer names goes by its ID (see nameOf), e.g. to be removed.
    if (!this.ids[name] && /^[0-9a-fA-F]{128}$/.test(name)) return name.toLowerCase();
    const id = this.ids[name];
    if (!id) throw new Error(`no node ID is known for ${name}`);
    return id;
  }

  client(name: string): RpcClient {
    const client = this.clients[name];
    if (!client) throw new Error(`${name} cannot be reached: its RPC endpoint is not open`);
    return client;
  }
}
