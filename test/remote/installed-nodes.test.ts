/**
 * installedNodes: which nodes already have a folder (config.ini) on their host, asked over SSH of
 * the sshd rig (127.0.0.x) and on this machine for `local`; a machine that cannot be asked
 * counts all its nodes as installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedNodes, installedNodesCommand } from "../../infra/remote";
import { startSshRig, type SshRig } from "../rig/sshd";

let rig: SshRig | undefined;
let work = "";

const makeNode = (deployDir: string, node: string, withConfig: boolean) => {
  mkdirSync(join(deployDir, node, "conf"), { recursive: true });
  if (withConfig) writeFileSync(join(deployDir, node, "config.ini"), "[rpc]\n");
};

beforeAll(async () => {
  rig = await startSshRig({ hosts: 1 });
  work = mkdtempSync(join(tmpdir(), "bcos-installed-nodes-"));
}, 60_000);

afterAll(async () => {
  await rig?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("installedNodes", () => {
  it("quotes every folder and name it tests", () => {
    const command = installedNodesCommand([{ access: "local", deployDir: "/srv/it's", nodes: ["n'1"] }]);
    expect(command).toContain(`if [ -e '/srv/it'\\''s/n'\\''1/config.ini' ]; then echo 'n'\\''1'; fi`);
  });

  it("over SSH and locally: a folder with config.ini is installed; an empty one, a bare conf/ or none is not", async () => {
    const remote = join(work, "remote");
    const local = join(work, "local");
    makeNode(remote, "node0", true);
    makeNode(remote, "node1", false);
    makeNode(local, "node3", true);
    mkdirSync(join(local, "node4"), { recursive: true });
    const host = rig!.hosts[0];
    const access = { address: host.address, port: host.port, user: rig!.user, privateKey: rig!.privateKeyPem, hostKey: host.hostKey };
    const r = await installedNodes([
      { access, deployDir: remote, nodes: ["node0", "node1", "node2"] },
      { access: "local", deployDir: local, nodes: ["node3", "node4", "node5"] },
    ]);
    expect(r.unanswered).toEqual([]);
    expect([...r.installed].sort()).toEqual(["node0", "node3"]);
  }, 60_000);

  it("a machine that cannot be asked (wrong host key) counts all its nodes as installed, and says why", async () => {
    const host = rig!.hosts[0];
    const otherKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    const access = { address: host.address, port: host.port, user: rig!.user, privateKey: rig!.privateKeyPem, hostKey: otherKey };
    const r = await installedNodes([{ access, deployDir: join(work, "none"), nodes: ["node7", "node8"] }]);
    expect([...r.installed].sort()).toEqual(["node7", "node8"]);
    expect(r.unanswered).toHaveLength(1);
    expect(r.unanswered[0]).toContain(`${host.address}:${host.port}`);
  }, 60_000);
});
