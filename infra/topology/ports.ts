/**
 * Node ports: FISCO's default +1 pattern per machine, and one port space per machine. P2P, channel
 * and JSON-RPC ports all bind on the same machine, so any two of them clash (see machines.ts for
 * which host entries are one machine).
 */
import { Checker, keyPath } from "./checker";
import { machinesOf, THIS_MACHINE } from "./machines";
import { Host, Node } from "./types";
import type { DeclaredNode } from "./validate-agencies";
import type { HostTable } from "./validate-hosts";

export const PORT_KINDS = ["p2pPort", "channelPort", "rpcPort"] as const;
export type PortKind = (typeof PORT_KINDS)[number];

/** build_chain's first ports; the i-th node on a machine gets base + i. */
export const PORT_BASES: Readonly<Record<PortKind, number>> = { p2pPort: 30300, channelPort: 20200, rpcPort: 8545 };

interface PortUse {
  node: string;
  kind: PortKind;
  host: Host;
}

/** " on host b (::1), the same machine (…)" when the holder sits on another host entry. */
function sameMachine(holder: Host, host: Host, machine: string): string {
  if (holder.name === host.name) return "";
  const why = machine === THIS_MACHINE ? "local connections and loopback addresses are all this machine" : "one address";
  return ` on host ${holder.name} (${holder.address}), the same machine (${why})`;
}

/**
 * Nodes with ports filled in (declaration order). Nodes whose host or ports are invalid are left
 * out; their problems are reported already, and the model is not built in that case.
 */
export function assignPorts(c: Checker, declared: readonly DeclaredNode[], hosts: HostTable): Node[] {
  const machines = machinesOf([...hosts.values()].filter((h) => h !== undefined));
  const nodesOnMachine = new Map<string, number>();
  const used = new Map<string, Map<number, PortUse>>();
  const nodes: Node[] = [];
  for (const node of declared) {
    const host = node.host === undefined ? undefined : hosts.get(node.host);
    if (host === undefined) continue;
    const machine = machines.get(host.name)!;
    const index = nodesOnMachine.get(machine) ?? 0;
    nodesOnMachine.set(machine, index + 1);
    const ports = new Map<PortKind, number>();
    for (const kind of PORT_KINDS) {
      const given = node.ports[kind];
      if (given === null) continue;
      const port = given ?? PORT_BASES[kind] + index;
      ports.set(kind, port);
      const taken = used.get(machine) ?? new Map<number, PortUse>();
      used.set(machine, taken);
      const holder = taken.get(port);
      if (holder === undefined) {
        taken.set(port, { node: node.name, kind, host });
        continue;
      }
      const how = given === undefined ? "its default port" : "port";
      c.report(
        keyPath(node.path, kind),
        port,
        `${how} ${port} on ${host.address} is already taken by ${holder.node} (${holder.kind})${sameMachine(holder.host, host, machine)}`,
        `give ${node.name} a free ${kind}; every p2p, channel and rpc port on one machine must differ`,
      );
    }
    const p2pPort = ports.get("p2pPort");
    const channelPort = ports.get("channelPort");
    const rpcPort = ports.get("rpcPort");
    if (p2pPort === undefined || channelPort === undefined || rpcPort === undefined) continue;
    nodes.push({ name: node.name, agency: node.agency, host: host.name, p2pPort, channelPort, rpcPort, ...(node.folder ? { folder: node.folder } : {}) });
  }
  return nodes;
}
