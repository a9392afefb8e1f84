/**
 * What `import` refuses, each time naming the file and the fix and writing nothing: two nodes
 * with one node ID, group members whose genesis files differ, a node certificate that does not
 * chain to the chain CA, a node folder missing a key, config.ini naming a peer that is no imported
 * node (imported with --allow-foreign-peers), and the command line's own refusals. The chain
 * folders are damaged copies of OpenSSL-made build_chain and generator folders.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImportError } from "../../infra/import/import-error";
import { importChain, type ImportChainOptions } from "../../infra/import/import-chain";
import type { ImportRecord } from "../../infra/import/import-record";
import { type BuiltChain, buildChainFolder, type FixtureSpec } from "./chain-fixture";
import { buildChainGm, buildChainStd, generatorStd, Workspace } from "./fixtures";

const root = path.join(__dirname, "..", "..");
const PASSPHRASE = "refusal-test-passphrase";

let ws: Workspace;
let gm: BuiltChain;
let std: BuiltChain;
let generator: BuiltChain;
/** A second GM chain: its node certificate chains to another CA. */
let foreign: BuiltChain;

beforeAll(() => {
  ws = new Workspace();
  gm = ws.chain(buildChainGm);
  std = ws.chain(buildChainStd);
  generator = ws.chain(generatorStd);
  const single: FixtureSpec = {
    layout: "build_chain",
    gm: true,
    chainId: 1,
    nodes: [{ folder: "node0", agency: "agencyA", ip: "127.0.0.1", p2pPort: 30300, channelPort: 20200, rpcPort: 8545 }],
    groups: [{ id: 1, consensus: "pbft", sealers: ["127.0.0.1/node0"], observers: [], timestamp: 1700000000000 }],
  };
  foreign = buildChainFolder(single, ws.folder("foreign"));
});
afterAll(() => ws.remove());

function options(from: string, project: string, extra: Partial<ImportChainOptions> = {}): ImportChainOptions {
  return { from, stack: "adopted", hostNames: new Map(), allowForeignPeers: false, projectDir: project, passphrase: PASSPHRASE, ...extra };
}

/** Runs the import expecting a refusal; returns its message after checking nothing was written. */
function refused(from: string, extra: Partial<ImportChainOptions> = {}): string {
  const project = ws.project();
  let error: unknown;
  try {
    importChain(options(from, project, extra));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ImportError);
  expect(Workspace.listing(path.join(project, "stacks"))).toEqual([]);
  const message = (error as Error).message;
  expect(message).toContain("nothing was written");
  expect(message).toContain("Fix:");
  return message;
}

/** The line of the refusal that names `file`. */
function lineFor(message: string, file: string): string {
  const line = message.split("\n").find((l) => l.startsWith(file));
  expect(line, `no refusal names ${file}:\n${message}`).toBeDefined();
  return line!;
}

describe("import refusals", () => {
  it("two node folders with one node ID (a copied folder)", () => {
    const copy = ws.copy(std);
    cpSync(path.join(copy.dir, "127.0.0.1", "node1"), path.join(copy.dir, "127.0.0.1", "node9"), { recursive: true });
    const line = lineFor(refused(copy.dir), "127.0.0.1/node1, 127.0.0.1/node9");
    expect(line).toContain(`hold the same node ID ${std.nodeIds.get("127.0.0.1/node1")!.slice(0, 16)}`);
    expect(line).toContain("keep one of these folders");
  });

  it("members of a group whose genesis files differ", () => {
    const copy = ws.copy(gm);
    const file = path.join(copy.dir, "192.0.2.2", "node0", "conf", "group.1.genesis");
    writeFileSync(file, readFileSync(file, "utf8").replace("timestamp=1700000000000", "timestamp=1700000000001"));
    const line = lineFor(refused(copy.dir), "192.0.2.2/node0/conf/group.1.genesis");
    expect(line).toContain("group 1's genesis differs from 127.0.0.1/node0/conf/group.1.genesis");
    expect(line).toContain("give every member of group 1 the genesis file");
  });

  it("a GM node certificate from another chain (does not chain to the chain CA)", () => {
    const copy = ws.copy(gm);
    for (const file of ["gmnode.key", "gmnode.crt", "gmnode.nodeid"]) {
      copyFileSync(path.join(foreign.dir, "127.0.0.1", "node0", "conf", file), path.join(copy.dir, "127.0.0.1", "node1", "conf", file));
    }
    const message = refused(copy.dir);
    const line = lineFor(message, "127.0.0.1/node1/conf/gmnode.crt");
    expect(line).toMatch(
      /chains to another root \(\/CN=gmchain\/O=fisco-bcos\/OU=chain, SHA-256 [0-9a-f]{16}…, from 127\.0\.0\.1\/node1\/conf\/gmnode\.crt\), not to the chain CA gmcert\/gmca\.crt/,
    );
    expect(line).toContain("pass --cert-dir with the CA and agency certificates");
  });

  it("a node certificate signed by another key under the agency's name (signature checked, not just names)", () => {
    const copy = ws.copy(std);
    const conf = path.join(copy.dir, "127.0.0.1", "node2", "conf");
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: conf, stdio: "pipe" });
    // A look-alike agency CA with build_chain's subject for the agency, and the node's own key re-certified by it.
    openssl("ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "fake.key");
    openssl(
      "req",
      "-new",
      "-x509",
      "-days",
      "36500",
      "-subj",
      "/CN=agency/O=fisco-bcos/OU=agency",
      "-key",
      "fake.key",
      "-out",
      "fake.crt",
      "-config",
      path.join(copy.dir, "cert.cnf"),
    );
    openssl(
      "req",
      "-new",
      "-sha256",
      "-subj",
      "/CN=node2/O=fisco-bcos/OU=node",
      "-key",
      "node.key",
      "-out",
      "node.csr",
      "-config",
      path.join(copy.dir, "cert.cnf"),
    );
    openssl(
      "x509",
      "-req",
      "-days",
      "36500",
      "-sha256",
      "-CA",
      "fake.crt",
      "-CAkey",
      "fake.key",
      "-CAcreateserial",
      "-in",
      "node.csr",
      "-out",
      "leaf.crt",
      "-extensions",
      "v3_req",
      "-extfile",
      path.join(copy.dir, "cert.cnf"),
    );
    const chain = readFileSync(path.join(conf, "node.crt"), "utf8");
    const tail = chain.slice(chain.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----\n".length);
    writeFileSync(path.join(conf, "node.crt"), readFileSync(path.join(conf, "leaf.crt"), "utf8") + tail);
    for (const file of ["fake.key", "fake.crt", "node.csr", "leaf.crt"]) rmSync(path.join(conf, file));
    const line = lineFor(refused(copy.dir), "127.0.0.1/node2/conf/node.crt");
    expect(line).toContain("the signature of /CN=node2/O=fisco-bcos/OU=node does not verify under /CN=agency/O=fisco-bcos/OU=agency");
  });

  it("nodes that do not chain to the CA given with --cert-dir (and do not trust it)", () => {
    const message = refused(generator.dir, { certDir: path.join(std.dir, "cert") });
    const ca = lineFor(message, "node_127.0.0.1_30300/conf/ca.crt");
    expect(ca).toContain(`is not the chain CA (/CN=chain/O=fisco-bcos/OU=chain from ${path.join(std.dir, "cert", "ca.crt")})`);
    const cert = lineFor(message, "node_127.0.0.1_30300/conf/node.crt");
    expect(cert).toContain("chains to another root");
    expect(message.split("\n").filter((l) => l.includes("/conf/node.crt:")).length).toBe(3);
  });

  it("a node folder missing a private key (GM encryption key; generator node.key)", () => {
    const copy = ws.copy(gm);
    rmSync(path.join(copy.dir, "192.0.2.2", "node1", "conf", "gmennode.key"));
    const line = lineFor(refused(copy.dir), "192.0.2.2/node1/conf/gmennode.key");
    expect(line).toContain("is missing: the node folder has no private key for conf/gmennode.crt");
    expect(line).toContain("copy conf/gmennode.key back from the node's original folder");

    const pkg = ws.copy(generator);
    rmSync(path.join(pkg.dir, "node_127.0.0.1_30301", "conf", "node.key"));
    expect(lineFor(refused(pkg.dir), "node_127.0.0.1_30301/conf/node.key")).toContain("is missing");
  });

  it("a key that does not belong to its certificate (keys swapped between folders)", () => {
    const copy = ws.copy(gm);
    const a = path.join(copy.dir, "127.0.0.1", "node0", "conf", "gmnode.key");
    const b = path.join(copy.dir, "192.0.2.2", "node1", "conf", "gmnode.key");
    const keyA = readFileSync(a);
    copyFileSync(b, a);
    writeFileSync(b, keyA);
    const message = refused(copy.dir);
    expect(lineFor(message, "127.0.0.1/node0/conf/gmnode.key")).toContain("does not belong to conf/gmnode.crt (its public key differs from the certificate's)");
    expect(lineFor(message, "192.0.2.2/node1/conf/gmnode.key")).toContain("put back the key and certificate that were issued together");
  });

  it("nodes that disagree on a chain-wide setting ([chain] id)", () => {
    const copy = ws.copy(std);
    const config = path.join(copy.dir, "127.0.0.1", "node3", "config.ini");
    writeFileSync(config, readFileSync(config, "utf8").replace("    id=7\n", "    id=8\n"));
    expect(lineFor(refused(copy.dir), "127.0.0.1/node3/config.ini")).toContain("[chain] id is 8 here but 7 in 127.0.0.1/node0/config.ini");
  });

  it("genesis files that differ only in comments are not refused; each node keeps its bytes", () => {
    const copy = ws.copy(std);
    const file = path.join(copy.dir, "127.0.0.1", "node2", "conf", "group.1.genesis");
    writeFileSync(file, `; copied by hand\n${readFileSync(file, "utf8")}`);
    const project = ws.project();
    const summary = importChain(options(copy.dir, project));
    expect(summary.chain.warnings).toContain("group 1: the members' genesis files differ only in layout or comments; each node keeps its own bytes");
    expect(readFileSync(path.join(project, "stacks", "imported", "adopted", "nodes", "node2", "conf", "group.1.genesis"))).toEqual(readFileSync(file));
  });

  it("a peer that is no imported node: refused, then imported with --allow-foreign-peers", () => {
    const copy = ws.copy(std);
    const config = path.join(copy.dir, "127.0.0.1", "node0", "config.ini");
    writeFileSync(config, readFileSync(config, "utf8").replace("    node.3=127.0.0.1:30303\n", "    node.3=127.0.0.1:30303\n    node.4=10.0.0.9:30300\n"));
    const line = lineFor(refused(copy.dir), "127.0.0.1/node0/config.ini");
    expect(line).toContain("[p2p] lists 10.0.0.9:30300, which is no imported node's address and P2P port");
    expect(line).toContain("--allow-foreign-peers");

    const project = ws.project();
    const summary = importChain(options(copy.dir, project, { allowForeignPeers: true }));
    expect(summary.chain.foreignPeers.map((p) => `${p.node.label} ${p.peer}`)).toEqual(["127.0.0.1/node0 10.0.0.9:30300"]);
    const record = (yaml.load(readFileSync(summary.stackFile, "utf8")) as { config: Record<string, ImportRecord> }).config["bcos:imported"];
    expect(record.nodes.node0.foreignPeers).toEqual(["10.0.0.9:30300"]);
    expect(readFileSync(path.join(project, record.files, "nodes", "node0", "config.ini"), "utf8")).toContain("node.4=10.0.0.9:30300");
  });

  it("an existing stack, a --host for an address no node has, and a folder with no node folders", () => {
    const project = ws.project();
    importChain(options(generator.dir, project));
    expect(() => importChain(options(generator.dir, project))).toThrow(/stacks\/Pulumi\.adopted\.yaml: already exists\. Fix: choose another --stack/);

    expect(lineFor(refused(generator.dir, { hostNames: new Map([["10.1.1.1", "hostA"]]) }), "--host 10.1.1.1=hostA")).toContain(
      "no imported node is at 10.1.1.1",
    );
    expect(lineFor(refused(path.join(generator.dir, "meta")), path.join(generator.dir, "meta"))).toContain("holds no node folders");
  });
});

describe("the bcos-pulumi executable", () => {
  const cli = (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, "bin", "bcos-pulumi.js"), "import", ...args], { cwd, env, encoding: "utf8" });
  const env = (extra: NodeJS.ProcessEnv) => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_"))), ...extra });

  it("imports into stacks/ of the folder it runs in and says what it wrote", () => {
    const project = ws.project();
    const run = cli(project, env({ PULUMI_CONFIG_PASSPHRASE: PASSPHRASE }), "--from", generator.dir, "--stack", "prod", "--host", "127.0.0.1=local");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("3 nodes, 1 agencies, groups 1, 2, 4 private keys as secrets");
    expect(run.stderr).toContain("wrote stacks/Pulumi.prod.yaml and stacks/imported/prod/");
    expect(run.stderr).toMatch(/note: 1 CA certificate\(s\) came without their key/);
    expect(existsSync(path.join(project, "stacks", "Pulumi.prod.yaml"))).toBe(true);
  });

  it("exits 1 on a refusal and 1 without a passphrase, 2 on a usage error; writes nothing", () => {
    const project = ws.project();
    const copy = ws.copy(generator);
    rmSync(path.join(copy.dir, "node_127.0.0.1_30302", "conf", "node.key"));
    const refusal = cli(project, env({ PULUMI_CONFIG_PASSPHRASE: PASSPHRASE }), "--from", copy.dir, "--stack", "prod");
    expect(refusal.status).toBe(1);
    expect(refusal.stderr).toContain("node_127.0.0.1_30302/conf/node.key: is missing");

    const noPassphrase = cli(project, env({}), "--from", generator.dir, "--stack", "prod");
    expect(noPassphrase.status).toBe(1);
    expect(noPassphrase.stderr).toContain("set PULUMI_CONFIG_PASSPHRASE");

    const usage = cli(project, env({ PULUMI_CONFIG_PASSPHRASE: PASSPHRASE }), "--from", generator.dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("missing --stack <name>");
    expect(Workspace.listing(path.join(project, "stacks"))).toEqual([]);
  });
});
