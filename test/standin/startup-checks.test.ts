/**
 * Each startup refusal of the stand-in, from a rendered node folder with exactly one thing broken,
 * plus `-v`. Ports: 31300+, 21300+, 9500+ (disjoint from the other stand-in test files).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfSignCertificate } from "../../infra/crypto/certificate";
import { generateEcKeyPair } from "../../infra/crypto/keys";
import { renderStandinChain, stopProcess, startNode, type RenderedChain } from "./harness";

let chain: RenderedChain;
let scratch: string;

beforeAll(async () => {
  chain = await renderStandinChain({ p2p: 31300, channel: 21300, rpc: 9500 }, "startup");
  scratch = mkdtempSync(path.join(tmpdir(), "standin-startup-cases-"));
});

afterAll(() => {
  rmSync(chain.root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

let caseCount = 0;
/** A copy of node0's folder (and the binary beside it) that a test may break. */
function nodeCopy(): string {
  const agency = path.join(scratch, `case${caseCount++}`, "agencyA");
  cpSync(path.join(chain.root, "agencyA", "fisco-bcos"), path.join(agency, "fisco-bcos"));
  cpSync(chain.dirs.node0, path.join(agency, "node0"), { recursive: true });
  return path.join(agency, "node0");
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, "utf8");
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`${from} not found in ${file}`);
  writeFileSync(file, changed);
}

/** Runs the binary like start.sh (from the node folder) and returns its exit status and output. */
function run(dir: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(path.join(dir, "../fisco-bcos"), ["-c", "config.ini"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

function expectRefusal(dir: string, reason: RegExp, env: NodeJS.ProcessEnv = {}): void {
  const { status, out } = run(dir, env);
  expect(status, out).not.toBe(0);
  expect(out).toMatch(/init failed/);
  expect(out).toMatch(reason);
  expect(out).not.toMatch(/running/);
}

describe("stand-in fisco-bcos -v", () => {
  it("stand-in prints the version block, ending in ' gm' for a GM build", () => {
    const out = spawnSync(path.join(chain.root, "agencyA/fisco-bcos"), ["-v"], { encoding: "utf8" }).stdout;
    expect(out.split("\n")[0]).toBe("FISCO-BCOS Version : 2.11.1 gm");
    expect(out).toMatch(/^Build Time {9}: .+\nBuild Type {9}: .+\nGit Branch {9}: .+\nGit Commit Hash {4}: [0-9a-f]{40}$/m);
  });

  it("stand-in takes its version and GM flag from the environment", () => {
    const env = { ...process.env, FISCO_STANDIN_VERSION: "2.9.0", FISCO_STANDIN_GM: "0" };
    const out = spawnSync(path.join(chain.root, "agencyA/fisco-bcos"), ["-v"], { encoding: "utf8", env }).stdout;
    expect(out.split("\n")[0]).toBe("FISCO-BCOS Version : 2.9.0");
  });
});

describe("stand-in startup checks on a rendered node folder", () => {
  it("stand-in starts an unbroken folder through start.sh and prints the running line", async () => {
    const dir = nodeCopy();
    const pid = startNode(dir);
    expect(readFileSync(path.join(dir, "nohup.out"), "utf8")).toMatch(/The FISCO-BCOS is running/);
    await stopProcess(pid);
  });

  it("stand-in refuses a config.ini that does not parse (duplicate section)", () => {
    const dir = nodeCopy();
    edit(path.join(dir, "config.ini"), "[log]", "[rpc]");
    expectRefusal(dir, /duplicate section \[rpc\]/);
  });

  it("stand-in refuses a group.N.ini that does not parse", () => {
    const dir = nodeCopy();
    edit(path.join(dir, "conf/group.1.ini"), "[tx_pool]", "[tx_pool");
    expectRefusal(dir, /group\.1\.ini:\d+: unmatched '\['/);
  });

  it("stand-in refuses supported_version above the binary's version", () => {
    const dir = nodeCopy();
    edit(path.join(dir, "config.ini"), "supported_version=2.11.1", "supported_version=2.12.0");
    expectRefusal(dir, /2\.12\.0 is above the binary's 2\.11\.1/);
  });

  it("stand-in refuses when the binary is older than supported_version (FISCO_STANDIN_VERSION)", () => {
    expectRefusal(nodeCopy(), /2\.11\.1 is above the binary's 2\.10\.0/, { FISCO_STANDIN_VERSION: "2.10.0" });
  });

  it("stand-in refuses an invalid port", () => {
    const dir = nodeCopy();
    edit(path.join(dir, "config.ini"), /jsonrpc_listen_port=\d+/, "jsonrpc_listen_port=70000");
    expectRefusal(dir, /jsonrpc_listen_port: must be 1\.\.65535, got 70000/);
  });

  it("stand-in refuses a port that is already in use", async () => {
    const dir = nodeCopy();
    const port = chain.rpcPorts.node0;
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", () => r()));
    try {
      expectRefusal(dir, new RegExp(`JSON-RPC port 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });

  it("stand-in refuses a missing node key", () => {
    const dir = nodeCopy();
    rmSync(path.join(dir, "conf/gmnode.key"));
    expectRefusal(dir, /cannot read the node key .*gmnode\.key: ENOENT/);
  });

  it("stand-in refuses an unreadable node key", () => {
    const dir = nodeCopy();
    writeFileSync(path.join(dir, "conf/gmnode.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    expectRefusal(dir, /gmnode\.key is not a usable private key/);
  });

  it("stand-in refuses a missing node certificate", () => {
    const dir = nodeCopy();
    rmSync(path.join(dir, "conf/gmnode.crt"));
    expectRefusal(dir, /cannot read the node certificate .*gmnode\.crt/);
  });

  it("stand-in refuses a missing GM encryption key", () => {
    const dir = nodeCopy();
    rmSync(path.join(dir, "conf/gmennode.key"));
    expectRefusal(dir, /cannot read the GM encryption key .*gmennode\.key/);
  });

  it("stand-in refuses a node key that does not match its certificate", () => {
    const dir = nodeCopy();
    cpSync(path.join(chain.dirs.node1, "conf/gmnode.key"), path.join(dir, "conf/gmnode.key"));
    expectRefusal(dir, /gmnode\.key does not belong to the certificate .*gmnode\.crt/);
  });

  it("stand-in refuses a node certificate that does not chain to the CA", () => {
    const dir = nodeCopy();
    const otherCa = selfSignCertificate({ profile: "gmChainCa", validityDays: 10, privateKeyPem: generateEcKeyPair("sm2").privateKeyPem });
    writeFileSync(path.join(dir, "conf/gmca.crt"), otherCa);
    expectRefusal(dir, /gmnode\.crt does not chain to the CA .*gmca\.crt/);
  });

  it("stand-in refuses sm_crypto that does not match the key type", () => {
    const dir = nodeCopy();
    edit(path.join(dir, "config.ini"), "sm_crypto=true", "sm_crypto=false");
    expectRefusal(dir, /sm_crypto=false: the node key must be secp256k1, but .*gmnode\.key is sm2/);
  });

  it("stand-in refuses a GM chain on a binary built without GM (FISCO_STANDIN_GM=0)", () => {
    expectRefusal(nodeCopy(), /sm_crypto=true, but this fisco-bcos 2\.11\.1 is not a GM build/, { FISCO_STANDIN_GM: "0" });
  });

  it("stand-in refuses a malformed sealer ID in a genesis file", () => {
    const dir = nodeCopy();
    edit(path.join(dir, "conf/group.1.genesis"), /(node\.0=[0-9a-f]{127})[0-9a-f]/, "$1g");
    expectRefusal(dir, /group\.1\.genesis:\d+: \[consensus\] node\.0: not a node ID/);
  });
});
