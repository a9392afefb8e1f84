/** The `agencies:` section: member organisations and the nodes each one runs. */
import { Checker, isGiven, keyPath } from "./checker";
import { nameProblem } from "./formats";
import { PORT_BASES, PORT_KINDS, PortKind } from "./ports";
import { Agency } from "./types";
import { HostTable } from "./validate-hosts";

/** A node as declared, before default ports are filled in. */
export interface DeclaredNode {
  name: string;
  agency: string;
  /** Where the node was declared, e.g. `agencies.agencyA.nodes.node0`. */
  path: string;
  /** The host name, when it refers to a declared host. */
  host?: string;
  /** A number when given and valid, undefined when not given (take the default), null when invalid. */
  ports: Record<PortKind, number | null | undefined>;
}

const NODE_KEYS = ["host", ...PORT_KINDS];
const NODE_EXAMPLE = "{ host: local, p2pPort: 30300, channelPort: 20200, rpcPort: 8545 }";

/** `hosts` is undefined when the hosts section is unusable; host names are then not checked. */
function readNode(c: Checker, node: Omit<DeclaredNode, "ports">, value: unknown, hosts: HostTable | undefined): DeclaredNode {
  const declared: DeclaredNode = { ...node, ports: { p2pPort: null, channelPort: null, rpcPort: null } };
  const map = c.settings(value, node.path, NODE_EXAMPLE);
  if (map === undefined) return declared;
  c.onlyKeys(map, node.path, NODE_KEYS);
  const hostPath = keyPath(node.path, "host");
  c.present(map, "host", node.path, "add host: <one of the names under hosts>");
  const host = c.text(map.host, hostPath, "local");
  if (host !== undefined && hosts !== undefined && !hosts.has(host)) {
    const known = [...hosts.keys()];
    c.report(
      hostPath,
      host,
      `unknown host "${host}"`,
      known.length === 0 ? `declare ${host} under hosts` : `declare ${host} under hosts or use one of: ${known.join(", ")}`,
    );
  } else if (host !== undefined) {
    declared.host = host;
  }
  for (const kind of PORT_KINDS) {
    const given = map[kind];
    declared.ports[kind] = isGiven(given)
      ? c.integer(given, keyPath(node.path, kind), { min: 1, max: 65535, example: PORT_BASES[kind] }) ?? null
      : undefined;
  }
  return declared;
}

/**
 * Agencies in declaration order and all their nodes, checking node names are unique chain-wide.
 * Undefined when the section itself is missing or not a map.
 */
export function readAgencies(
  c: Checker,
  value: unknown,
  hosts: HostTable | undefined,
): { agencies: Agency[]; nodes: DeclaredNode[] } | undefined {
  const map = c.map(value, "agencies", "{ agencyA: { nodes: { node0: { host: local } } } }");
  if (map === undefined) return undefined;
  const agencies: Agency[] = [];
  const nodes: DeclaredNode[] = [];
  const firstSeen = new Map<string, string>();
  for (const [agencyName, spec] of Object.entries(map)) {
    const agencyPath = keyPath("agencies", agencyName);
    const problem = nameProblem("agency", agencyName);
    if (problem) c.report(agencyPath, agencyName, problem.message, problem.fix);
    const agency: Agency = { name: agencyName, nodes: [] };
    agencies.push(agency);
    // `agencyD: {}` and a bare `agencyD:` both declare an agency without nodes.
    const agencyMap = c.map(spec, agencyPath, "{ nodes: { node0: { host: local } } }");
    if (agencyMap === undefined) continue;
    c.onlyKeys(agencyMap, agencyPath, ["nodes"]);
    const nodesPath = keyPath(agencyPath, "nodes");
    const nodeMap = c.map(agencyMap.nodes, nodesPath, `{ node0: ${NODE_EXAMPLE} }`);
    if (nodeMap === undefined) continue;
    for (const [nodeName, nodeSpec] of Object.entries(nodeMap)) {
      const path = keyPath(nodesPath, nodeName);
      const nameIssue = nameProblem("node", nodeName);
      if (nameIssue) c.report(path, nodeName, nameIssue.message, nameIssue.fix);
      const earlier = firstSeen.get(nodeName);
      if (earlier !== undefined) {
        c.report(path, nodeName, `node name is already used at ${earlier}`, "rename one of them; node names are unique across the chain");
      } else {
        firstSeen.set(nodeName, path);
      }
      agency.nodes.push(nodeName);
      nodes.push(readNode(c, { name: nodeName, agency: agencyName, path }, nodeSpec, hosts));
    }
  }
  return { agencies, nodes };
}
