/** The `agencies:` section: member organisations and the nodes each one runs. */
import { Checker, isGiven, keyPath } from "./checker";
import { nameProblem } from "./formats";
import { folderProblem } from "./node-folder";
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
  /** Its folder under the host's deployDir, when given, valid and not its name. */
  folder?: string;
}

const NODE_KEYS = ["host", ...PORT_KINDS, "folder"];
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
    declared.ports[kind] = isGiven(given) ? (c.integer(given, keyPath(node.path, kind), { min: 1, max: 65535, example: PORT_BASES[kind] }) ?? null) : undefined;
  }
  if (isGiven(map.folder)) {
    const folderPath = keyPath(node.path, "folder");
    const folder = c.text(map.folder, folderPath, "node_10.0.0.5_30300");
    const problem = folder === undefined ? undefined : folderProblem(folder);
    if (problem) c.report(folderPath, folder, problem.message, problem.fix);
    // The default is the name: saying so is no folder of its own, and keeps the model as before.
    else if (folder !== undefined && folder !== node.name) declared.folder = folder;
  }
  return declared;
}

/**
 * What an agency's name becomes in output folders: its folder in a rendered tree
 * (infra/fisco/chain-tree.ts) and its two packages in `bcos:outputDir` (components/consortium/packages.ts).
 */
function outputsOf(agency: string): { file: string; what: string }[] {
  return [
    { file: `${agency}/`, what: "rendered folder" },
    { file: `${agency}.tar.gz`, what: "package" },
    { file: `${agency}-sdk.tar.gz`, what: "SDK bundle" },
  ];
}

/**
 * Records where a name was first seen, ignoring case: names become file and folder names, and a
 * rendered tree may land on a case-insensitive file system (macOS, Windows).
 */
class Seen {
  private readonly first = new Map<string, { name: string; path: string; what: string }>();

  /** The earlier holder of `name`, or undefined after recording this one. */
  claim(name: string, path: string, what = ""): { name: string; path: string; what: string } | undefined {
    const key = name.toLowerCase();
    const earlier = this.first.get(key);
    if (earlier === undefined) this.first.set(key, { name, path, what });
    return earlier;
  }
}

const CASE_NOTE = "on a case-insensitive file system (macOS, Windows)";

/**
 * Agencies in declaration order and all their nodes, checking node names are unique chain-wide
 * and agency outputs do not overlap. Undefined when the section itself is missing or not a map.
 */
export function readAgencies(c: Checker, value: unknown, hosts: HostTable | undefined): { agencies: Agency[]; nodes: DeclaredNode[] } | undefined {
  const map = c.map(value, "agencies", "{ agencyA: { nodes: { node0: { host: local } } } }");
  if (map === undefined) return undefined;
  const agencies: Agency[] = [];
  const nodes: DeclaredNode[] = [];
  const nodesSeen = new Seen();
  const outputsSeen = new Seen();
  for (const [agencyName, spec] of Object.entries(map)) {
    const agencyPath = keyPath("agencies", agencyName);
    const problem = nameProblem("agency", agencyName);
    if (problem) c.report(agencyPath, agencyName, problem.message, problem.fix);
    for (const output of outputsOf(agencyName)) {
      const earlier = outputsSeen.claim(output.file, agencyPath, output.what);
      if (earlier === undefined || problem) continue;
      const where = earlier.name === output.file ? "" : ` ${CASE_NOTE}`;
      c.report(
        agencyPath,
        agencyName,
        `its ${output.what} ${output.file} would be the ${earlier.what} of ${earlier.path}${where}`,
        "rename one of the agencies",
      );
      break;
    }
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
      const earlier = nodesSeen.claim(nodeName, path);
      if (earlier !== undefined && earlier.name === nodeName) {
        c.report(path, nodeName, `node name is already used at ${earlier.path}`, "rename one of them; node names are unique across the chain");
      } else if (earlier !== undefined) {
        c.report(
          path,
          nodeName,
          `node name differs from ${earlier.path} only in case: their folders would be one ${CASE_NOTE}`,
          "rename one of them; node names are unique across the chain, ignoring case",
        );
      }
      agency.nodes.push(nodeName);
      nodes.push(readNode(c, { name: nodeName, agency: agencyName, path }, nodeSpec, hosts));
    }
  }
  return { agencies, nodes };
}
