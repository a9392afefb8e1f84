/**
 * Runs the removal script (removal-script.ts) for nodes this stack installed, from a provider:
 * over SSH with the recorded host key, or on this machine for a `local` host. Nodes of one
 * machine share one connection; machines are worked on in parallel.
 */
import { execFile } from "node:child_process";
import { nodeRemovalScript } from "./removal-script";
import { bashCommand } from "./shell-quote";
import { SshTunnel } from "./ssh-tunnel";

/** What removing an installed node needs to know about it, recorded while it is in the topology. */
export interface HostedNode {
  /** Its site key (host-site.ts): machine and deployDir. */
  site: string;
  deployDir: string;
  /** Its folder under deployDir when not its name; absent otherwise (infra/topology/node-folder.ts). */
  folder?: string;
  /** The host's address as SSH reaches it. */
  address: string;
  connection: { kind: "local" } | { kind: "ssh"; port: number; user: string; hostKey: string };
  nodeId: string;
  /** chain.deleteDataOnRemove when it was recorded. */
  deleteData: boolean;
}

export interface RemovalOptions {
  /** `<project>/<stack>`: only folders whose marker names it are touched. */
  owner: string;
  /** Host address → SSH login key. */
  sshPrivateKeys: Record<string, string>;
  /** Progress lines and folders left alone. */
  log: (message: string, warning?: boolean) => void;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function runLocally(command: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile("sh", ["-c", command], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === -1 ? err.message : "") });
    });
  });
}

const lastLines = (text: string, count = 15) => text.trim().split("\n").slice(-count).join("\n");

/** Where a node is, for messages: `node2 on 127.0.0.2:22 in /srv/fisco`. */
const placeOf = (name: string, node: HostedNode) =>
  `${name} on ${node.connection.kind === "local" ? "this machine" : `${node.address}:${node.connection.port}`} in ${node.deployDir}`;

/**
 * Removes every node given (stop, then move the folder to `.removed/` or delete it), leaving
 * folders that are not this stack's alone. Rejects after trying them all, naming each failure.
 */
export async function removeHostedNodes(nodes: Record<string, HostedNode>, options: RemovalOptions): Promise<void> {
  const byMachine = new Map<string, [string, HostedNode][]>();
  for (const [name, node] of Object.entries(nodes).sort(([a], [b]) => a.localeCompare(b))) {
    const c = node.connection;
    const machine = c.kind === "local" ? "local" : `${c.user}@${node.address}:${c.port} ${c.hostKey}`;
    byMachine.set(machine, [...(byMachine.get(machine) ?? []), [name, node]]);
  }
  const failures: string[] = [];
  const report = (name: string, node: HostedNode, outcome: Outcome) => {
    if (outcome.code !== 0) {
      failures.push(`${placeOf(name, node)}: removal failed (exit ${outcome.code}): ${lastLines(outcome.stderr || outcome.stdout)}`);
      return;
    }
    for (const line of outcome.stdout.trim().split("\n").filter(Boolean)) options.log(line);
    for (const line of outcome.stderr.trim().split("\n").filter(Boolean)) options.log(line, true);
  };
  const command = (name: string, node: HostedNode) =>
    bashCommand(
      nodeRemovalScript({ deployDir: node.deployDir, node: name, folder: node.folder, nodeId: node.nodeId, owner: options.owner, deleteData: node.deleteData }),
    );

  await Promise.all(
    [...byMachine.values()].map(async (list) => {
      const first = list[0][1];
      const c = first.connection;
      if (c.kind === "local") {
        for (const [name, node] of list) report(name, node, await runLocally(command(name, node)));
        return;
      }
      const privateKey = options.sshPrivateKeys[first.address];
      if (!privateKey) {
        for (const [name, node] of list) failures.push(`${placeOf(name, node)}: no SSH private key is given for host ${node.address}`);
        return;
      }
      let tunnel: SshTunnel;
      try {
        tunnel = await SshTunnel.connect({ address: first.address, port: c.port, user: c.user, hostKey: c.hostKey, privateKey });
      } catch (e) {
        for (const [name, node] of list) failures.push(`${placeOf(name, node)}: ${(e as Error).message}`);
        return;
      }
      try {
        for (const [name, node] of list) report(name, node, await tunnel.exec(command(name, node)));
      } finally {
        await tunnel.close();
      }
    }),
  );
  if (failures.length) throw new Error(`removing ${failures.length === 1 ? "a node" : `${failures.length} nodes`} failed:\n  ${failures.join("\n  ")}`);
}
