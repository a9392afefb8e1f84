/**
 * A node's folder on its host: `<deployDir>/<folder>`, where the folder is the node's name unless
 * the topology says otherwise (`folder:`, written by `bcos-pulumi import` for a node whose folder
 * on its host is not its name: build_chain's `node0` on several addresses, generator's
 * `node_<ip>_<port>`). Every install, removal, check and membership step finds the node here.
 */
import type { Problem } from "./formats";
import { machinesOf } from "./machines";
import type { Host, Node } from "./types";

/** The name of the node's folder under its host's deployDir. */
export function nodeFolder(node: { name: string; folder?: string }): string {
  return node.folder ?? node.name;
}

/** `<deployDir>/<folder>`: where the node lives on its host. */
export function nodeDir(deployDir: string, node: { name: string; folder?: string }): string {
  return `${deployDir}/${nodeFolder(node)}`;
}

/** Folders the install keeps beside node folders in a deployDir (infra/remote/sh). */
const TAKEN = ["fisco-bcos"];

/**
 * Why `folder` cannot be a node folder: one plain folder name of shell-safe characters (dots
 * allowed, for generator's `node_<ip>_<port>`), not hidden (the install's own `.removed`,
 * `.upload`, `.staging-*` start with a dot), not `.` or `..`, not the node binary's name.
 */
export function folderProblem(folder: string): Problem | undefined {
  const fix = "use the folder's name on the host, e.g. node_10.0.0.5_30300: letters, digits, '.', '_' and '-', not starting with '.'";
  if (folder === "") return { message: "is empty", fix };
  if (folder.includes("/")) return { message: "contains '/': it is one folder name under the host's deployDir, not a path", fix };
  const bad = [...folder].find((ch) => !/[A-Za-z0-9._-]/.test(ch));
  if (bad !== undefined) return { message: `contains ${JSON.stringify(bad)}, which is unsafe in folder names and shell commands`, fix };
  if (folder.startsWith(".")) return { message: "starts with '.': '.', '..' and hidden folders are the install's own", fix };
  if (folder.startsWith("-")) return { message: "starts with '-', which commands read as an option", fix };
  if (folder.length > 128) return { message: `is ${folder.length} characters long`, fix: "use at most 128 characters" };
  if (TAKEN.includes(folder.toLowerCase())) return { message: `is the node binary's place, <deployDir>/${folder}`, fix };
  return undefined;
}

/** A folder two nodes would share: on one machine and deployDir, ignoring case. */
export interface FolderClash {
  node: string;
  other: string;
  folder: string;
}

/** Nodes whose folders would be one (same machine, same deployDir, same folder name ignoring case). */
export function folderClashes(nodes: readonly Node[], hosts: readonly Host[]): FolderClash[] {
  const machines = machinesOf(hosts);
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const first = new Map<string, string>();
  const clashes: FolderClash[] = [];
  for (const node of nodes) {
    const host = byName.get(node.host);
    if (host === undefined) continue;
    const key = `${machines.get(host.name)} ${host.deployDir} ${nodeFolder(node).toLowerCase()}`;
    const other = first.get(key);
    if (other === undefined) first.set(key, node.name);
    else clashes.push({ node: node.name, other, folder: nodeFolder(node) });
  }
  return clashes;
}
