/**
 * The host scripts run locally the way the Command provider runs them (`sh -c <command>`, the
 * script on stdin) against a temporary deployDir (its name full of shell metacharacters) and the
 * stand-in node binary: binary checks, node install/update/restart, the ownership marker,
 * health checks (own node ID, peers, caught up) and their failures with log tails, and removal.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import type { ChainPki } from "../../infra/crypto/types";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import {
  BINARY_INSTALL_STDIN,
  bashCommand,
  binaryInstallCommand,
  nodeInstallCommand,
  nodeInstallStdin,
  nodePackageBase64,
  nodeRemovalScript,
  type NodeInstall,
} from "../../infra/remote";
import type { Model } from "../../infra/topology/types";
import { ensureStandinBuilt } from "../standin/build";
import { devTopology, rpcResult, waitFor } from "../standin/harness";

const HEALTH_TIMEOUT = 20;
/** The `<project>/<stack>` the tests install as. */
const OWNER = "bcos/host-scripts";

let root: string;
let deployDir: string;
let standin: string;
let model: Model;
let pki: ChainPki;
let genesis: Record<number, string>;
const started: number[] = [];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command line as the local Command provider does (`sh -c`), with `stdin`. */
function sh(command: string, options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync("sh", ["-c", command], {
    input: options.stdin ?? "",
    encoding: "utf8",
    cwd: tmpdir(),
    env: { ...process.env, ...options.env },
    timeout: 90_000,
  });
  for (const pid of r.stdout.matchAll(/\(pid (\d+)\)/g)) started.push(Number(pid[1]));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
/** Running and not a zombie (this machine's init does not reap orphans). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};
const pidOf = (run: Run) => Number(/\(pid (\d+)\)/.exec(run.stdout)?.[1]);

function installBinary(overrides: { sha256?: string; env?: NodeJS.ProcessEnv; file?: string; url?: string } = {}): Run {
  const origin = overrides.url ? { url: overrides.url } : { file: overrides.file ?? standin };
  const sha = overrides.sha256 ?? sha256(overrides.file ?? standin);
  return sh(binaryInstallCommand({ deployDir, origin, sha256: sha, version: "2.11.1", smCrypto: true }), { stdin: BINARY_INSTALL_STDIN, env: overrides.env });
}

async function packageOf(name: string, m: Model = model): Promise<string> {
  return nodePackageBase64(m, pki, name, genesis);
}

function installNode(name: string, pkg: string, env: NodeJS.ProcessEnv = {}, overrides: Partial<NodeInstall> = {}): Run {
  const node = model.nodes.find((n) => n.name === name)!;
  const command = nodeInstallCommand({
    deployDir,
    node: name,
    rpcPort: node.rpcPort,
    healthTimeoutSeconds: HEALTH_TIMEOUT,
    binaryRevision: "r1",
    owner: OWNER,
    ...overrides,
  });
  return sh(command, { stdin: nodeInstallStdin(pkg), env });
}

const nodeIdOf = (name: string) => pki.nodes.find((n) => n.name === name)!.nodeId;
function removeNode(name: string, options: { deleteData?: boolean; dir?: string; owner?: string; nodeId?: string } = {}): Run {
  const removal = {
    deployDir: options.dir ?? deployDir,
    node: name,
    nodeId: options.nodeId ?? nodeIdOf(name),
    owner: options.owner ?? OWNER,
    deleteData: options.deleteData ?? false,
  };
  return sh(bashCommand(nodeRemovalScript(removal)));
}

beforeAll(async () => {
  standin = ensureStandinBuilt();
  model = devTopology({ p2p: 31700, channel: 21700, rpc: 9900 });
  pki = await buildChainPki(model);
  genesis = Object.fromEntries(
    model.groups.map((g) => [
      g.id,
      renderGroupGenesis({
        groupId: g.id,
        params: g.genesis,
        sealerIds: g.sealers.map((s) => pki.nodes.find((n) => n.name === s)!.nodeId),
        timestamp: g.timestamp!,
        version: model.chain.version,
      }),
    ]),
  );
  root = mkdtempSync(path.join(tmpdir(), "bcos-remote-"));
  // Spaces, quotes and expansions in the path: every script must quote what it is given.
  deployDir = path.join(root, `deploy dir 'q' $(touch pwned) \`x\``);
});

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
  expect(existsSync(path.join(tmpdir(), "pwned"))).toBe(false);
  rmSync(root, { recursive: true, force: true });
});

describe("binary install script (stand-in binary)", () => {
  it("puts the checked stand-in at <deployDir>/fisco-bcos, executable, and reports it", () => {
    const r = installBinary();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("fisco-bcos 2.11.1 gm installed at");
    expect(sha256(path.join(deployDir, "fisco-bcos"))).toBe(sha256(standin));
    expect(statSync(path.join(deployDir, "fisco-bcos")).mode & 0o777).toBe(0o755);
    expect(readdirSync(deployDir).filter((f) => f.startsWith(".binary"))).toEqual([]);
  });

  it("leaves an identical binary in place on a second run", () => {
    const r = installBinary();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("unchanged");
  });

  it("refuses a wrong checksum, naming both digests", () => {
    const wrong = "0".repeat(64);
    const r = installBinary({ sha256: wrong });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`sha256 mismatch: expected ${wrong}`);
    expect(r.stderr).toContain(sha256(standin));
  });

  it("refuses a stand-in reporting another version, naming both versions", () => {
    const r = installBinary({ env: { FISCO_STANDIN_VERSION: "2.10.0" } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("chain.version is 2.11.1 but fisco-bcos -v reports 2.10.0 gm");
  });

  it("refuses a stand-in built without GM on a GM chain", () => {
    const r = installBinary({ env: { FISCO_STANDIN_GM: "0" } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("not a GM build");
    expect(r.stderr).toContain("it reports '2.11.1'");
  });

  it("downloads a .tar.gz holding the stand-in, checks the archive digest and unpacks it", () => {
    const source = path.join(root, "release");
    mkdirSync(source);
    copyFileSync(standin, path.join(source, "fisco-bcos"));
    const archive = path.join(root, "fisco-bcos.tar.gz");
    expect(spawnSync("tar", ["-czf", archive, "-C", source, "fisco-bcos"]).status).toBe(0);
    const r = installBinary({ url: `file://${archive}`, sha256: sha256(archive) });
    expect(r.status, r.stderr).toBe(0);
    expect(sha256(path.join(deployDir, "fisco-bcos"))).toBe(sha256(standin));
  });
});

describe("node install script (stand-in node)", () => {
  let firstPid: number;
  const nodeDir = () => path.join(deployDir, "node0");

  it("unpacks node0, marks the folder as this stack's, sets key files to 0600, starts it and waits until it answers as itself", async () => {
    const r = installNode("node0", await packageOf("node0"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node0: wrote .*config\.ini/);
    expect(r.stdout).not.toContain("restarting");
    expect(r.stdout).toMatch(
      new RegExp(`node0: healthy \\(pid \\d+, JSON-RPC on 127\\.0\\.0\\.1:9900, node ID ${nodeIdOf("node0").slice(0, 16)}…, 0 peers\\)`),
    );
    firstPid = pidOf(r);
    expect(alive(firstPid)).toBe(true);
    const marker = readFileSync(path.join(nodeDir(), ".bcos-pulumi-owner"), "utf8");
    expect(marker).toContain(`stack=${OWNER}\n`);
    expect(marker).toContain("node=node0\n");
    expect(marker).toContain(`node_id=${nodeIdOf("node0")}\n`);
    for (const key of ["conf/gmnode.key", "conf/gmennode.key", "conf/origin_cert/node.key", "conf/channel_cert/node.key"]) {
      expect(statSync(path.join(nodeDir(), key)).mode & 0o777, key).toBe(0o600);
    }
    expect(statSync(path.join(nodeDir(), "start.sh")).mode & 0o777).toBe(0o755);
    expect(readdirSync(deployDir).filter((f) => f.startsWith(".staging"))).toEqual([]);
  });

  it("changes nothing and keeps the process on a second run with the same package", async () => {
    const marker = path.join(nodeDir(), "data", "ledger-marker");
    writeFileSync(marker, "keep me");
    const r = installNode("node0", await packageOf("node0"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node0: files unchanged");
    expect(r.stdout).not.toContain("restarting");
    expect(pidOf(r)).toBe(firstPid);
    expect(readFileSync(marker, "utf8")).toBe("keep me");
  });

  it("restores a key file's mode without restarting", async () => {
    spawnSync("chmod", ["644", path.join(nodeDir(), "conf/gmnode.key")]);
    const r = installNode("node0", await packageOf("node0"));
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(path.join(nodeDir(), "conf/gmnode.key")).mode & 0o777).toBe(0o600);
    expect(pidOf(r)).toBe(firstPid);
  });

  it("writes a changed config.ini and restarts the node, keeping data/ and nohup.out", async () => {
    const changed = structuredClone(model);
    changed.nodes.find((n) => n.name === "node0")!.channelPort = 21750;
    const before = readFileSync(path.join(nodeDir(), "nohup.out"), "utf8");
    const r = installNode("node0", await packageOf("node0", changed));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node0: wrote config.ini\n");
    expect(r.stdout).toContain("node0: restarting (configuration changed)");
    const pid = pidOf(r);
    expect(pid).not.toBe(firstPid);
    expect(alive(firstPid)).toBe(false);
    expect(readFileSync(path.join(nodeDir(), "config.ini"), "utf8")).toContain("channel_listen_port=21750");
    expect(readFileSync(path.join(nodeDir(), "data", "ledger-marker"), "utf8")).toBe("keep me");
    expect(readFileSync(path.join(nodeDir(), "nohup.out"), "utf8").startsWith(before)).toBe(true);
    firstPid = pid;
  });

  it("restarts the node when the binary on the host changed since it started", async () => {
    appendFileSync(path.join(deployDir, "fisco-bcos"), "\n// another build\n");
    const r = installNode("node0", await packageOf("node0", withChannelPort(21750)));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node0: restarting (binary changed)");
    expect(pidOf(r)).not.toBe(firstPid);
    firstPid = pidOf(r);
  });

  it("finds a healthy node through bash's /dev/tcp when curl is not installed", async () => {
    const bin = path.join(root, "bin-without-curl");
    mkdirSync(bin);
    for (const dir of ["/usr/local/bin", "/usr/bin", "/bin"]) {
      for (const tool of readdirSync(dir)) {
        if (tool !== "curl" && !existsSync(path.join(bin, tool))) symlinkSync(path.join(dir, tool), path.join(bin, tool));
      }
    }
    // The stand-in is a node script: keep the node this test runs on reachable.
    if (!existsSync(path.join(bin, "node"))) symlinkSync(process.execPath, path.join(bin, "node"));
    const r = installNode("node0", await packageOf("node0", withChannelPort(21750)), { PATH: bin });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node0: healthy");
  });

  it("fails with one line naming the node, the host, the step and the cause, then the end of its log, when the node exits at start", async () => {
    // The stand-in refuses a config.ini whose supported_version is above its own version.
    const r = installNode("node1", await packageOf("node1"), { FISCO_STANDIN_VERSION: "2.9.0" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`node1 on ${hostname()} in ${deployDir}: starting the node failed: start.sh failed`);
    expect(r.stderr).toContain("--- node1: end of nohup.out");
    expect(r.stderr).toMatch(/init failed/);
    // The script itself stays out of what a failure prints.
    expect(r.stdout + r.stderr).not.toContain("rpc_call()");
  });

  it("converges once the fault is fixed", async () => {
    const r = installNode("node1", await packageOf("node1"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node1: healthy");
  });

  it("counts a restarted node healthy only once it has as many peers as before the restart", async () => {
    const connected = await waitForPeers("node1", 1);
    expect(connected).toBe(1);
    const changed = withChannelPort(21750);
    changed.nodes.find((n) => n.name === "node1")!.channelPort = 21751;
    const r = installNode("node1", await packageOf("node1", changed));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node1: restarting (configuration changed)");
    expect(r.stdout).toMatch(/node1: healthy \(pid \d+, JSON-RPC on 127\.0\.0\.1:9901, node ID [0-9a-f]{16}…, 1 peers\)/);
  });

  it("fails naming the node and the port when JSON-RPC does not answer within the timeout (a binary that never listens)", async () => {
    // A binary that says it runs but opens no port: start.sh is satisfied, the health check is not.
    const silentDir = path.join(root, "silent deploy");
    mkdirSync(silentDir);
    writeFileSync(
      path.join(silentDir, "fisco-bcos"),
      "#!/usr/bin/env node\nconsole.log('The FISCO-BCOS is running...');\nsetTimeout(() => undefined, 120000);\n",
      { mode: 0o755 },
    );
    const r = installNodeIn(silentDir, "node2", await packageOf("node2"), { healthTimeoutSeconds: 2 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("health check failed: JSON-RPC on 127.0.0.1:9902 gave no answer within 2s of start");
    expect(r.stderr).toContain("--- node2: end of nohup.out");
    const removed = removeNode("node2", { dir: silentDir, deleteData: true });
    expect(removed.status, removed.stderr).toBe(0);
    expect(existsSync(path.join(silentDir, "node2"))).toBe(false);
  });
});

let node3Pid = 0;

describe("only its own folders: the .bcos-pulumi-owner marker (stand-in node)", () => {
  it("refuses a non-empty folder without a marker and leaves it as it was", async () => {
    const dir = path.join(deployDir, "node3");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "precious.txt"), "not ours");
    const r = installNode("node3", await packageOf("node3"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${dir} is not empty and has no .bcos-pulumi-owner, so it was not made by bcos-pulumi for this node; it is left as it is`);
    expect(readdirSync(dir)).toEqual(["precious.txt"]);
    rmSync(dir, { recursive: true });
  });

  it("refuses a folder another stack's node owns", async () => {
    const dir = path.join(deployDir, "node3");
    mkdirSync(dir);
    writeFileSync(path.join(dir, ".bcos-pulumi-owner"), `stack=bcos/other\nnode=node3\nnode_id=${nodeIdOf("node3")}\n`);
    const r = installNode("node3", await packageOf("node3"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`belongs to stack 'bcos/other', node ID ${nodeIdOf("node3")} (its .bcos-pulumi-owner), not to stack '${OWNER}'`);
    expect(readdirSync(dir)).toEqual([".bcos-pulumi-owner"]);
  });

  it("refuses a folder this stack made for another node ID (a node re-created with new keys)", async () => {
    const dir = path.join(deployDir, "node3");
    writeFileSync(path.join(dir, ".bcos-pulumi-owner"), `stack=${OWNER}\nnode=node3\nnode_id=${"ab".repeat(64)}\n`);
    const r = installNode("node3", await packageOf("node3"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`node ID ${"ab".repeat(64)} (its .bcos-pulumi-owner), not to stack '${OWNER}', node ID ${nodeIdOf("node3")}`);
    rmSync(dir, { recursive: true });
  });

  it("takes over an empty folder", async () => {
    mkdirSync(path.join(deployDir, "node3"));
    const r = installNode("node3", await packageOf("node3"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(path.join(deployDir, "node3", ".bcos-pulumi-owner"), "utf8")).toContain(`node_id=${nodeIdOf("node3")}`);
  });

  it("adopts a folder an earlier version installed for the same node ID (no marker, its start marker present)", async () => {
    rmSync(path.join(deployDir, "node3", ".bcos-pulumi-owner"));
    const r = installNode("node3", await packageOf("node3"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    node3Pid = pidOf(r);
    expect(r.stdout).toContain("was installed by an earlier bcos-pulumi for this node ID");
    expect(readFileSync(path.join(deployDir, "node3", ".bcos-pulumi-owner"), "utf8")).toContain(`stack=${OWNER}`);
  });

  it("a node moved by hand (bcos:movedNodes) is started only where its folder holds a ledger", async () => {
    const r = installNode("node4", await packageOf("node4"), {}, { expectLedger: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("node4 is listed in bcos:movedNodes, but");
    expect(r.stderr).toContain("holds no ledger (data/)");
    rmSync(path.join(deployDir, "node4"), { recursive: true });
  });
});

describe("health after a restart: own node ID and caught up (a scripted fake node)", () => {
  // A fake node binary whose JSON-RPC answers follow <deployDir>/scenario.json: the node ID it gives,
  // its block height (growing from `from` by `perSecond`) and the height its peers report.
  const FAKE = `#!/usr/bin/env node
const fs = require("fs"), http = require("http");
const port = Number(/jsonrpc_listen_port=(\\d+)/.exec(fs.readFileSync("config.ini", "utf8"))[1]);
const id = fs.readFileSync("conf/gmnode.nodeid", "utf8").trim();
const s = JSON.parse(fs.readFileSync("../scenario.json", "utf8"));
const t0 = Date.now();
const own = () => Math.min(s.peers, s.from + Math.floor(((Date.now() - t0) / 1000) * s.perSecond));
const result = (m) => m === "getNodeIDList" ? [s.nodeId || id] : m === "getPeers" ? [] : m === "getSyncStatus"
  ? { blockNumber: own(), isSyncing: own() < s.peers, knownHighestNumber: s.peers, nodeId: id, peers: [{ blockNumber: s.peers, nodeId: "ff".repeat(64) }], protocolId: 258 }
  : { "FISCO-BCOS Version": "2.11.1 gm" };
http.createServer((req, res) => {
  let body = ""; req.on("data", (c) => (body += c));
  req.on("end", () => { const q = JSON.parse(body); if (q.method === "getSyncStatus") fs.appendFileSync("answered", own() + "\\n");
    res.end(JSON.stringify({ jsonrpc: "2.0", id: q.id, result: result(q.method) })); });
}).listen(port, "127.0.0.1", () => console.log("The FISCO-BCOS is running..."));
process.on("SIGTERM", () => process.exit(0));
`;
  let fakeDir: string;
  const folder = () => path.join(fakeDir, "node2");
  const scenario = (s: { from: number; perSecond: number; peers: number; nodeId?: string }) =>
    writeFileSync(path.join(fakeDir, "scenario.json"), JSON.stringify(s));
  const newBuild = () => appendFileSync(path.join(fakeDir, "fisco-bcos"), "// another build\n");
  const install = async (healthTimeoutSeconds = HEALTH_TIMEOUT) => installNodeIn(fakeDir, "node2", await packageOf("node2"), { healthTimeoutSeconds });

  beforeAll(async () => {
    fakeDir = path.join(root, "fake deploy");
    mkdirSync(fakeDir);
    writeFileSync(path.join(fakeDir, "fisco-bcos"), FAKE, { mode: 0o755 });
    scenario({ from: 500, perSecond: 0, peers: 500 });
    const r = await install();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    mkdirSync(path.join(folder(), "data"));
  });

  afterAll(() => {
    removeNode("node2", { dir: fakeDir, deleteData: true });
  });

  it("waits after a restart until the node is within 10 blocks of its peers", async () => {
    scenario({ from: 400, perSecond: 40, peers: 500 });
    rmSync(path.join(folder(), "answered"), { force: true });
    newBuild();
    const r = await install();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("node2: restarting (binary changed)");
    expect(r.stdout).toContain("node2: healthy");
    const answered = readFileSync(path.join(folder(), "answered"), "utf8").trim().split("\n").map(Number);
    expect(
      answered.some((h) => h < 490),
      "asked while it was behind",
    ).toBe(true);
    expect(answered.at(-1)).toBeGreaterThanOrEqual(490);
  });

  it("fails naming the group and both heights when the restarted node does not catch up in time", async () => {
    scenario({ from: 100, perSecond: 0, peers: 500 });
    newBuild();
    const r = await install(3);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("node2 on");
    expect(r.stderr).toContain("health check failed: group 1 is at block 100 of 500 3s after start, more than 10 blocks behind its group");
  });

  it("fails when the process on the node's RPC port answers with another node ID", async () => {
    scenario({ from: 500, perSecond: 0, peers: 500, nodeId: "ab".repeat(64) });
    newBuild();
    const r = await install(3);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `health check failed: JSON-RPC on 127.0.0.1:9902 answers with node ID abababababababab…, not this node's ${nodeIdOf("node2").slice(0, 16)}…`,
    );
  });
});

describe("removal script (stand-in node)", () => {
  it("leaves a folder without a marker alone: not stopped, not moved", () => {
    const dir = path.join(deployDir, "node3");
    rmSync(path.join(dir, ".bcos-pulumi-owner"));
    rmSync(path.join(dir, ".started-binary.sha256"));
    const r = removeNode("node3");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `node3: ${dir} has no .bcos-pulumi-owner, so bcos-pulumi did not make it for this node; it is left as it is (not stopped, not moved)`,
    );
    expect(existsSync(path.join(dir, "config.ini"))).toBe(true);
    expect(alive(node3Pid), "node3 still runs").toBe(true);
  });

  it("leaves a folder whose marker names another stack alone", () => {
    const dir = path.join(deployDir, "node3");
    writeFileSync(path.join(dir, ".bcos-pulumi-owner"), `stack=bcos/other\nnode=node3\nnode_id=${nodeIdOf("node3")}\n`);
    const r = removeNode("node3");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("belongs to stack 'bcos/other'");
    expect(existsSync(path.join(dir, "config.ini"))).toBe(true);
  });

  it("removes its own folder once the marker is this stack's and this node ID's", () => {
    const dir = path.join(deployDir, "node3");
    writeFileSync(path.join(dir, ".bcos-pulumi-owner"), `stack=${OWNER}\nnode=node3\nnode_id=${nodeIdOf("node3")}\n`);
    const r = removeNode("node3", { deleteData: true });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(alive(node3Pid)).toBe(false);
  });

  it("stops node0 and moves its folder, ledger included, to .removed/node0-<UTC time>", () => {
    const r = removeNode("node0");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(path.join(deployDir, "node0"))).toBe(false);
    const moved = readdirSync(path.join(deployDir, ".removed"));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/^node0-\d{8}T\d{6}Z$/);
    expect(readFileSync(path.join(deployDir, ".removed", moved[0], "data", "ledger-marker"), "utf8")).toBe("keep me");
    expect(r.stdout).toContain("node0 stopped");
  });

  it("does nothing for a node whose folder is gone", () => {
    const r = removeNode("node0");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("nothing to remove");
  });

  it("deletes the folder when deleteDataOnRemove is set", () => {
    const r = removeNode("node1", { deleteData: true });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(path.join(deployDir, "node1"))).toBe(false);
    expect(readdirSync(path.join(deployDir, ".removed")).some((f) => f.startsWith("node1"))).toBe(false);
  });

  it("leaves no node process running", () => {
    for (const pid of started) expect(alive(pid), `pid ${pid}`).toBe(false);
  });
});

/** Installs `name` into another deployDir (its own binary there). */
function installNodeIn(dir: string, name: string, pkg: string, overrides: Partial<NodeInstall> = {}): Run {
  const node = model.nodes.find((n) => n.name === name)!;
  const command = nodeInstallCommand({
    deployDir: dir,
    node: name,
    rpcPort: node.rpcPort,
    healthTimeoutSeconds: HEALTH_TIMEOUT,
    binaryRevision: "r1",
    owner: OWNER,
    ...overrides,
  });
  return sh(command, { stdin: nodeInstallStdin(pkg) });
}

/** Waits (up to 20 s) until the node reports `count` P2P peers. */
async function waitForPeers(node: string, count: number): Promise<number> {
  const port = model.nodes.find((n) => n.name === node)!.rpcPort;
  const peers = await waitFor(`${node} to see ${count} peers`, async () => {
    const list = await rpcResult<unknown[]>(port, "getPeers", [1]);
    return list.length >= count ? list : undefined;
  });
  return peers.length;
}

function withChannelPort(port: number): Model {
  const changed = structuredClone(model);
  changed.nodes.find((n) => n.name === "node0")!.channelPort = port;
  return changed;
}
