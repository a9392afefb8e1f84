/**
 * joinGroup for nodes put on their hosts by the install (chain.install): the node package already
 * holds `conf/group.N.genesis` (the group's frozen, original genesis) and `conf/group.N.ini` for
 * every group the node is declared in, and the install (re)starts the node when its conf/ changes,
 * so a node normally runs a newly declared group from its files before membership runs. Only a
 * node that has the files but does not run the group (its group status was never written, e.g. a
 * restart that did not happen) reaches this step: it checks the files are there and writes
 * `data/groupN/.group_status` = STOPPED when there is no status yet, so that startGroup over RPC
 * (which the executor sends next) loads the group. Over SSH for ssh hosts, locally otherwise.
 */
import { execFile } from "node:child_process";
import type { EndpointDescriptor } from "./types";
import { SshTunnel } from "../remote/ssh-tunnel";
import { shellQuote } from "../remote/shell-quote";
import type { JoinGroup } from "./execute";

/** The shell script that prepares `group` in the node folder `nodeDir`. */
export function joinGroupScript(nodeDir: string, group: number): string {
  const d = shellQuote(nodeDir);
  return [
    "set -eu",
    `d=${d}; g=${group}`,
    `if [ ! -f "$d/conf/group.$g.genesis" ] || [ ! -f "$d/conf/group.$g.ini" ]; then`,
    `  echo "$d has no conf/group.$g.genesis and conf/group.$g.ini: the node's install did not ship group $g (is the node declared in it?)" >&2; exit 3`,
    "fi",
    `mkdir -p "$d/data/group$g"`,
    `[ -f "$d/data/group$g/.group_status" ] || echo STOPPED >"$d/data/group$g/.group_status"`,
    `cat "$d/data/group$g/.group_status"`,
  ].join("\n");
}

function runLocally(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", script], (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === -1 ? err.message : "") });
    });
  });
}

/** A JoinGroup that works on the node folders named in `endpoints[node].nodeDir`. */
export function joinGroupOnHosts(endpoints: Record<string, EndpointDescriptor>, sshPrivateKeys: Record<string, string>): JoinGroup {
  return async (node, group) => {
    const endpoint = endpoints[node];
    if (!endpoint?.nodeDir) throw new Error(`${node} has to join group ${group}, but its folder on the host is not known`);
    const script = joinGroupScript(endpoint.nodeDir, group);
    const { connection, address } = endpoint;
    let result: { code: number; stdout: string; stderr: string };
    if (connection.kind === "local") result = await runLocally(script);
    else {
      const privateKey = sshPrivateKeys[address];
      if (!privateKey) throw new Error(`no SSH private key is given for host ${address} (node ${node})`);
      const tunnel = await SshTunnel.connect({ address, port: connection.port, user: connection.user, hostKey: connection.hostKey, privateKey });
      try {
        result = await tunnel.exec(`bash -c ${shellQuote(script)}`);
      } finally {
        await tunnel.close();
      }
    }
    if (result.code !== 0)
      throw new Error(`${node}: preparing group ${group} on ${address} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  };
}
