/**
 * Which nodes already have a folder on their host: the fact that decides whether an install may
 * stop a node. The install script stops a node only when its folder held a `config.ini` before
 * the run (install-node.sh, `installed`); a node without one is started, never stopped, so it
 * needs no place in a group's one-at-a-time order. Asked of the hosts, not of previous state: a
 * folder made by hand, adopted, moved, or left by a run that failed counts as what it is.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { shellQuote } from "./shell-quote";
import { SshTunnel, type SshAccess } from "./ssh-tunnel";

/** Some nodes' folders in one deployDir of one machine. */
export interface NodeFolders {
  /** How to reach the machine; "local" for this one. */
  access: SshAccess | "local";
  deployDir: string;
  nodes: readonly string[];
  /** Node → its folder under deployDir, for nodes whose folder is not their name (node-folder.ts). */
  folders?: Readonly<Record<string, string>>;
}

const folderOf = (f: NodeFolders, node: string) => f.folders?.[node] ?? node;

export interface InstalledNodes {
  /** Nodes whose folder holds a config.ini, or whose host could not be asked. */
  installed: Set<string>;
  /** One line per machine that could not be asked, saying why. */
  unanswered: string[];
}

/** The shell command that prints, one per line, the nodes of `folders` whose folder holds config.ini. */
export function installedNodesCommand(folders: readonly NodeFolders[]): string {
  const tests = folders.flatMap((f) =>
    f.nodes.map((node) => `if [ -e ${shellQuote(path.posix.join(f.deployDir, folderOf(f, node), "config.ini"))} ]; then echo ${shellQuote(node)}; fi`),
  );
  return ["set -u", ...tests, "true"].join("\n");
}

/**
 * Asks every machine at once (one SSH connection each) which of its nodes are installed. A
 * machine that cannot be asked counts all its nodes as installed: the install then keeps them in
 * their groups' order, as if they ran.
 */
export async function installedNodes(folders: readonly NodeFolders[], timeoutMs = 15_000): Promise<InstalledNodes> {
  const installed = new Set<string>();
  const unanswered: string[] = [];
  const byMachine = new Map<string, NodeFolders[]>();
  for (const f of folders) {
    const machine = f.access === "local" ? "local" : `${f.access.user}@${f.access.address}:${f.access.port} ${f.access.hostKey}`;
    byMachine.set(machine, [...(byMachine.get(machine) ?? []), f]);
  }
  await Promise.all(
    [...byMachine.values()].map(async (list) => {
      const access = list[0].access;
      if (access === "local") {
        for (const f of list) for (const node of f.nodes) if (existsSync(path.join(f.deployDir, folderOf(f, node), "config.ini"))) installed.add(node);
        return;
      }
      const all = list.flatMap((f) => f.nodes);
      let tunnel: SshTunnel | undefined;
      try {
        tunnel = await SshTunnel.connect(access, timeoutMs);
        const r = await tunnel.exec(`bash -c ${shellQuote(installedNodesCommand(list))}`);
        if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim()}`);
        const found = new Set(r.stdout.split("\n").filter(Boolean));
        for (const node of all) if (found.has(node)) installed.add(node);
      } catch (e) {
        for (const node of all) installed.add(node);
        unanswered.push(`${access.address}:${access.port}: ${(e as Error).message}`);
      } finally {
        await tunnel?.close().catch(() => undefined);
      }
    }),
  );
  return { installed, unanswered };
}
