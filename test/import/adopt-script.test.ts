/**
 * The install script adopting imported nodes where they run (stand-in node, run locally the way
 * the Command provider runs it): a node folder another tool made and started (no ownership
 * marker, config.ini in that tool's own text) is adopted when it holds the imported node ID —
 * same process, ledger untouched, our files written, marker written — and restarted only when its
 * settings mean something else than ours; a folder with another node ID, or no folder at all,
 * is refused and nothing is started.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import type { ChainPki } from "../../infra/crypto/types";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import { adoptedInstalls } from "../../infra/import/adopted-install";
import type { AdoptedFolder } from "../../infra/import/adoption";
import { bashCommand, installedNodes, nodeInstallCommand, nodeInstallStdin, nodePackageBase64, nodeRemovalScript } from "../../infra/remote";
import type { Model } from "../../infra/topology/types";
import { ensureStandinBuilt } from "../standin/build";
import { devTopology, rpcResult, stopProcess, waitFor } from "../standin/harness";

const OWNER = "bcos/adopt-script";
let root: string;
let deployDir: string;
let model: Model;
let pki: ChainPki;
let genesis: Record<number, string>;
const started: number[] = [];

const nodeIdOf = (name: string) => pki.nodes.find((n) => n.name === name)!.nodeId;
/** node3 runs where generator puts it, `node_<ip>_<port>`: the topology says so with `folder:`. */
const GENERATOR_FOLDER = "node_127.0.0.1_34603";
const folderOf = (name: string) => (name === "node3" ? GENERATOR_FOLDER : name);
const nodeDir = (name: string) => path.join(deployDir, folderOf(name));
const packageOf = (name: string) => nodePackageBase64(model, pki, name, genesis);

/** config.ini as another tool writes the same settings: a header, keys flush left, peers in another order and numbering. */
function theirConfigIni(ours: string): string {
  const peer = /^\s*node\.\d+=/;
  const renumbered = ours
    .split("\n")
    .filter((l) => peer.test(l))
    .reverse()
    .map((l, i) => `node.${i + 10} = ${l.split("=")[1]}`);
  const lines = ours.split("\n").filter((l) => !peer.test(l));
  lines.splice(lines.indexOf("[p2p]") + 1, 0, ...renumbered);
  return `; made by another tool\n${lines.map((l) => l.replace(/^\s+([a-z_.]+)=/, "$1 = ")).join("\n")}`;
}

/** Lays out `name`'s folder as another tool would (no marker, its own config.ini) and starts it by hand as build_chain's start.sh does. */
async function handMadeNode(name: string, config: (ours: string) => string = theirConfigIni): Promise<number> {
  const dir = nodeDir(name);
  mkdirSync(deployDir, { recursive: true });
  const unpack = spawnSync("tar", ["-xzf", "-", "-C", deployDir], { input: Buffer.from(await packageOf(name), "base64") });
  expect(unpack.status).toBe(0);
  if (folderOf(name) !== name) renameSync(path.join(deployDir, name), dir);
  writeFileSync(path.join(dir, "config.ini"), config(readFileSync(path.join(dir, "config.ini"), "utf8")));
  mkdirSync(path.join(dir, "data"));
  writeFileSync(path.join(dir, "data", "operator-note"), "the ledger is here");
  const r = spawnSync("bash", ["-c", 'nohup "$PWD/../fisco-bcos" -c config.ini >>nohup.out 2>&1 </dev/null & echo $!'], { cwd: dir, encoding: "utf8" });
  const pid = Number(r.stdout.trim());
  started.push(pid);
  await waitFor(`${name} to answer`, () => rpcResult(model.nodes.find((n) => n.name === name)!.rpcPort, "getClientVersion", []).catch(() => undefined));
  return pid;
}

function installNode(name: string, pkg: string, adopt = adoptedInstalls(importedFolders(), model)[name]) {
  const node = model.nodes.find((n) => n.name === name)!;
  const command = nodeInstallCommand({
    deployDir,
    node: name,
    folder: node.folder,
    rpcPort: node.rpcPort,
    healthTimeoutSeconds: 20,
    binaryRevision: "r1",
    owner: OWNER,
    adopt,
  });
  const r = spawnSync("sh", ["-c", command], { input: nodeInstallStdin(pkg), encoding: "utf8", cwd: tmpdir(), timeout: 90_000 });
  for (const pid of r.stdout.matchAll(/\(pid (\d+)\)/g)) started.push(Number(pid[1]));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, pid: Number(/\(pid (\d+)\)/.exec(r.stdout)?.[1]) };
}

/** What the import recorded for every node: its folder, ID and the settings it ran with (the hand-made text where there is one). */
function importedFolders(): Record<string, AdoptedFolder> {
  return Object.fromEntries(
    model.nodes.map((n) => {
      const config = path.join(nodeDir(n.name), "config.ini");
      const text = existsSync(config) && !existsSync(path.join(nodeDir(n.name), ".bcos-pulumi-owner")) ? readFileSync(config, "utf8") : "";
      return [
        n.name,
        { folder: `127.0.0.1/${folderOf(n.name)}`, nodeId: nodeIdOf(n.name), settings: text ? { "config.ini": text } : ({} as Record<string, string>) },
      ];
    }),
  );
}

beforeAll(async () => {
  const dev = devTopology({ p2p: 31000, channel: 24600, rpc: 12600 });
  model = { ...dev, nodes: dev.nodes.map((n) => (n.name === "node3" ? { ...n, folder: GENERATOR_FOLDER } : n)) };
  pki = await buildChainPki(model);
  genesis = Object.fromEntries(
    model.groups.map((g) => [
      g.id,
      renderGroupGenesis({
        groupId: g.id,
        params: g.genesis,
        sealerIds: g.sealers.map((s) => nodeIdOf(s)),
        timestamp: g.timestamp!,
        version: model.chain.version,
      }),
    ]),
  );
  root = mkdtempSync(path.join(tmpdir(), "bcos-adopt-script-"));
  deployDir = path.join(root, "deploy dir 'q'");
  mkdirSync(deployDir);
  copyFileSync(ensureStandinBuilt(), path.join(deployDir, "fisco-bcos"));
});

afterAll(async () => {
  for (const pid of started) await stopProcess(pid);
  rmSync(root, { recursive: true, force: true });
});

describe("install script adopting imported nodes where they run (stand-in node)", () => {
  let pid0 = 0;

  it("refuses a folder holding another node ID than the imported one, touching nothing", async () => {
    pid0 = await handMadeNode("node0");
    const before = readFileSync(path.join(nodeDir("node0"), "config.ini"), "utf8");
    const r = installNode("node0", await packageOf("node0"), { nodeId: "ab".repeat(64), sameMeaning: "" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`node0 was imported with node ID abababababababab…, but ${nodeDir("node0")} holds node ID ${nodeIdOf("node0").slice(0, 16)}…`);
    expect(readFileSync(path.join(nodeDir("node0"), "config.ini"), "utf8")).toBe(before);
    expect(existsSync(path.join(nodeDir("node0"), ".bcos-pulumi-owner"))).toBe(false);
  });

  it("adopts the running node holding the imported ID: same process, our files, marker written, ledger untouched", async () => {
    const adopt = adoptedInstalls(importedFolders(), model).node0;
    expect(adopt.sameMeaning).toMatch(/^config\.ini=[0-9a-f]{64}:[0-9a-f]{64}$/);
    const r = installNode("node0", await packageOf("node0"), adopt);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node0: adopting");
    expect(r.stdout).toContain("node0: wrote config.ini");
    expect(r.stdout).not.toContain("restarting");
    expect(r.stdout).toContain("is already running");
    expect(r.pid).toBe(pid0);
    expect(readFileSync(path.join(nodeDir("node0"), ".bcos-pulumi-owner"), "utf8")).toContain(`node_id=${nodeIdOf("node0")}`);
    expect(readFileSync(path.join(nodeDir("node0"), "data", "operator-note"), "utf8")).toBe("the ledger is here");
    expect(readFileSync(path.join(nodeDir("node0"), "config.ini"), "utf8")).not.toContain("made by another tool");
    // The next run is an ordinary one on our own folder.
    const again = installNode("node0", await packageOf("node0"), adopt);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain("node0: files unchanged");
    expect(again.pid).toBe(pid0);
  });

  it("restarts an adopted node whose config.ini means something else than ours (a peer list of its own)", async () => {
    const pid = await handMadeNode("node1", (ours) => ours.replace(/^\s*node\.1=.*\n/m, ""));
    const adopt = adoptedInstalls(importedFolders(), model).node1;
    expect(adopt.sameMeaning).toBe("");
    const r = installNode("node1", await packageOf("node1"), adopt);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node1: adopting");
    expect(r.stdout).toContain("node1: restarting (configuration changed)");
    expect(r.pid).not.toBe(pid);
    expect(readFileSync(path.join(nodeDir("node1"), "data", "operator-note"), "utf8")).toBe("the ledger is here");
  });

  it("refuses an imported node whose folder is not on the host and starts nothing (its ID runs elsewhere)", async () => {
    const r = installNode("node2", await packageOf("node2"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`node2 was imported, but ${nodeDir("node2")} does not hold its folder; nothing was started`);
    expect(readdirSync(deployDir)).not.toContain("node2");
    mkdirSync(nodeDir("node2"));
    const empty = installNode("node2", await packageOf("node2"));
    expect(empty.status).not.toBe(0);
    expect(readdirSync(nodeDir("node2"))).toEqual([]);
  });

  it("adopts a node running in a folder not named after it (generator's node_<ip>_<port>, topology folder:): same process; removal finds it there", async () => {
    const pid = await handMadeNode("node3");
    expect(await installedNodes([{ access: "local", deployDir, nodes: ["node3"], folders: { node3: GENERATOR_FOLDER } }])).toEqual({
      installed: new Set(["node3"]),
      unanswered: [],
    });
    const adopt = adoptedInstalls(importedFolders(), model).node3;
    const r = installNode("node3", await packageOf("node3"), adopt);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`node3: adopting ${nodeDir("node3")}`);
    expect(r.stdout).not.toContain("restarting");
    expect(r.pid).toBe(pid);
    expect(readdirSync(deployDir)).not.toContain("node3");
    expect(readFileSync(path.join(nodeDir("node3"), ".bcos-pulumi-owner"), "utf8")).toContain(`node_id=${nodeIdOf("node3")}`);
    expect(readFileSync(path.join(nodeDir("node3"), "data", "operator-note"), "utf8")).toBe("the ledger is here");
    const removal = { deployDir, node: "node3", folder: GENERATOR_FOLDER, nodeId: nodeIdOf("node3"), owner: OWNER, deleteData: false };
    const removed = spawnSync("sh", ["-c", bashCommand(nodeRemovalScript(removal))], { encoding: "utf8", timeout: 60_000 });
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`node3: stopped, folder moved to ${deployDir}/.removed/node3-`);
    expect(existsSync(nodeDir("node3"))).toBe(false);
    await waitFor("node3 to stop", () =>
      rpcResult(model.nodes.find((n) => n.name === "node3")!.rpcPort, "getClientVersion", []).then(
        () => undefined,
        () => true,
      ),
    );
  });
});
