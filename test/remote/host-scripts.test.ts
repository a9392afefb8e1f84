/**
 * The host scripts run locally with bash against a temporary deployDir (its name full of shell
 * metacharacters) and the stand-in node binary: binary checks, node install/update/restart,
 * health-check failures with log tails, and removal.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import type { ChainPki } from "../../infra/crypto/types";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import { binaryInstallScript, nodeInstallScript, nodePackageBase64, nodeRemovalScript } from "../../infra/remote";
import type { Model } from "../../infra/topology/types";
import { ensureStandinBuilt } from "../standin/build";
import { devTopology, rpcResult, waitFor } from "../standin/harness";

const HEALTH_TIMEOUT = 20;

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

function bash(script: string, options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync("bash", ["-c", script], {
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
  return bash(binaryInstallScript({ deployDir, origin, sha256: sha, version: "2.11.1", smCrypto: true }), { env: overrides.env });
}

async function packageOf(name: string, m: Model = model): Promise<string> {
  return nodePackageBase64(m, pki, name, genesis);
}

function installNode(name: string, pkg: string, env: NodeJS.ProcessEnv = {}, healthTimeoutSeconds = HEALTH_TIMEOUT): Run {
  const node = model.nodes.find((n) => n.name === name)!;
  const script = nodeInstallScript({ deployDir, node: name, rpcPort: node.rpcPort, healthTimeoutSeconds, binaryRevision: "r1" });
  return bash(script, { stdin: pkg, env });
}

const removeNode = (name: string, deleteData = false) => bash(nodeRemovalScript({ deployDir, node: name, deleteData }));

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

  it("unpacks node0, sets key files to 0600, starts it and waits for JSON-RPC", async () => {
    const r = installNode("node0", await packageOf("node0"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node0: wrote .*config\.ini/);
    expect(r.stdout).not.toContain("restarting");
    expect(r.stdout).toMatch(/node0: healthy \(pid \d+, JSON-RPC on 127\.0\.0\.1:9900, 0 peers\)/);
    firstPid = pidOf(r);
    expect(alive(firstPid)).toBe(true);
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

  it("fails naming the node and showing the end of its log when the node exits at start", async () => {
    // The stand-in refuses a config.ini whose supported_version is above its own version.
    const r = installNode("node1", await packageOf("node1"), { FISCO_STANDIN_VERSION: "2.9.0" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--- node1: end of nohup.out");
    expect(r.stderr).toMatch(/init failed/);
    expect(r.stderr).toContain("node1: start.sh failed");
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
    expect(r.stdout).toMatch(/node1: healthy \(pid \d+, JSON-RPC on 127\.0\.0\.1:9901, 1 peers\)/);
  });

  it("fails naming the node and the port when JSON-RPC does not answer within the timeout (a binary that never listens)", async () => {
    // A binary that says it runs but opens no port: start.sh is satisfied, the health check is not.
    const silentDir = path.join(root, "silent deploy");
    mkdirSync(silentDir);
    writeFileSync(path.join(silentDir, "fisco-bcos"), "#!/usr/bin/env node\nconsole.log('The FISCO-BCOS is running...');\nsetTimeout(() => undefined, 120000);\n", { mode: 0o755 });
    const node = model.nodes.find((n) => n.name === "node2")!;
    const script = nodeInstallScript({ deployDir: silentDir, node: "node2", rpcPort: node.rpcPort, healthTimeoutSeconds: 2, binaryRevision: "r1" });
    const r = bash(script, { stdin: await packageOf("node2") });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("node2: JSON-RPC on 127.0.0.1:9902 gave no answer within 2s of start");
    expect(r.stderr).toContain("--- node2: end of nohup.out");
    const removed = bash(nodeRemovalScript({ deployDir: silentDir, node: "node2", deleteData: true }));
    expect(removed.status, removed.stderr).toBe(0);
  });
});

describe("removal script (stand-in node)", () => {
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
    const r = removeNode("node1", true);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(path.join(deployDir, "node1"))).toBe(false);
    expect(readdirSync(path.join(deployDir, ".removed")).some((f) => f.startsWith("node1"))).toBe(false);
  });

  it("leaves no node process running", () => {
    for (const pid of started) expect(alive(pid), `pid ${pid}`).toBe(false);
  });
});

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
