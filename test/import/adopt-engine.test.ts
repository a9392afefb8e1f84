/**
 * `pulumi up` on an imported stack adopts the chain (REAL engine, chain.install false; built once
 * by scripts/install-pulumi.sh, then cached): a build_chain GM chain with two groups is imported,
 * applied, and `preview --expect-no-changes` passes; every key, certificate, node ID and genesis
 * file in the written packages is the original's bytes and config.ini means the same. Then it is
 * an ordinary stack: a node added to an imported agency, a role change and a new group apply. The
 * same chain imported without its CA keys adopts too, and a node that would need a certificate
 * from a CA imported as a certificate only is refused in preview with the reason. Generator
 * packages, GM and standard, and a build_chain standard (non-GM) chain adopt the same way, config.ini
 * meaning the same too (generator's names no rsa_crypto_channel: import sets chain.rsaCryptoChannel
 * false, so the packages carry no RSA channel).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importChain } from "../../infra/import/import-chain";
import type { ImportRecord } from "../../infra/import/import-record";
import { configIniMeaning, meaningDifferences } from "../../infra/import/ini-meaning";
import { copyProject, environmentWithoutPulumi, installEngine, run } from "../rig/engine-project";
import { type BuiltChain, filesUnder } from "./chain-fixture";
import { buildChainGm, buildChainStd, generatorGm, generatorStd, Workspace } from "./fixtures";

const repoRoot = path.join(__dirname, "..", "..");
const PASSPHRASE = "adopt-engine-passphrase";

let ws: Workspace;
let binDir: string;
let work: string;
let project: string;
let env: NodeJS.ProcessEnv;
let built: BuiltChain;

beforeAll(async () => {
  ws = new Workspace();
  binDir = await installEngine(repoRoot, environmentWithoutPulumi());
  work = mkdtempSync(path.join(tmpdir(), "bcos-adopt-engine-"));
  project = path.join(work, "project");
  copyProject(repoRoot, project);
  mkdirSync(path.join(work, "state"));
  env = {
    ...environmentWithoutPulumi(),
    PATH: `${binDir}:${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_HOME: path.join(work, "pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_COLOR: "1",
  };
  built = ws.chain(buildChainGm);
}, 20 * 60_000);
afterAll(() => {
  ws?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An imported stack in the shared project, with its own output folder. */
class AdoptedStack {
  readonly stackFile: string;
  readonly out: string;
  constructor(
    readonly name: string,
    readonly built: BuiltChain,
  ) {
    // Host names with a letter: the test rewrites the stack file with js-yaml, which leaves keys
    // unquoted, and Pulumi reads a plain 127_0_0_1 as the number 127001 (YAML 1.1).
    const ips = new Set(filesUnder(built.dir).map((f) => rel(built.dir, f).match(/^(?:node_)?(\d+\.\d+\.\d+\.\d+)/)?.[1]));
    const hostNames = new Map(Object.entries(HOST_NAMES).filter(([ip]) => ips.has(ip)));
    this.stackFile = importChain({ from: built.dir, stack: name, hostNames, allowForeignPeers: false, projectDir: project, passphrase: PASSPHRASE }).stackFile;
    this.out = path.join(work, `out-${name}`);
  }

  pulumi(args: string[]) {
    const full = args[0] === "stack" && args[1] === "init" ? [...args, "--non-interactive"] : [...args, "--stack", this.name, "--non-interactive"];
    return run(path.join(binDir, "pulumi"), full, { cwd: project, env, timeoutMs: 600_000 });
  }

  async ok(args: string[]) {
    const r = await this.pulumi(args);
    if (r.code !== 0)
      throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stderr ---\n${r.stderr.slice(-6000)}\n--- stdout ---\n${r.stdout.slice(-10000)}`);
    return r;
  }

  async init() {
    await this.ok(["stack", "init", this.name]);
    this.edit((config) => {
      config["bcos:outputDir"] = this.out;
    });
  }

  get config(): Record<string, any> {
    return (yaml.load(readFileSync(this.stackFile, "utf8")) as { config: Record<string, any> }).config;
  }

  edit(change: (config: Record<string, any>) => void) {
    const doc = yaml.load(readFileSync(this.stackFile, "utf8")) as { config: Record<string, any> };
    change(doc.config);
    writeFileSync(this.stackFile, yaml.dump(doc, { lineWidth: -1, forceQuotes: true }));
  }

  /** The agency's package, unpacked into a fresh folder; returns `<folder>/<agency>`. */
  unpack(agency: string): string {
    const dir = mkdtempSync(path.join(work, `unpacked-${this.name}-`));
    execFileSync("tar", ["-xzf", path.join(this.out, `${agency}.tar.gz`), "-C", dir]);
    return path.join(dir, agency);
  }
}

const HOST_NAMES: Record<string, string> = { "127.0.0.1": "hostA", "192.0.2.2": "hostB" };

/** Files a tool leaves in conf/ that no 2.11 node reads and our packages do not carry. */
const NOT_CARRIED = new Set(["conf/origin_cert/node.nodeid"]);

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join("/");

/**
 * Every node's conf/ files and config.ini in the packages against its original folder;
 * `configDifferences` are the config.ini values expected to differ (`key: original → ours`).
 */
function expectPackagesHoldOriginals(stack: AdoptedStack, configDifferences: string[] = []) {
  const { built } = stack;
  const record = stack.config["bcos:imported"] as ImportRecord;
  const topology = stack.config["bcos:topology"] as { agencies: Record<string, { nodes: Record<string, unknown> }> };
  let compared = 0;
  for (const [agency, { nodes }] of Object.entries(topology.agencies)) {
    const unpacked = stack.unpack(agency);
    for (const name of Object.keys(nodes)) {
      const original = path.join(built.dir, record.nodes[name].folder);
      const written = path.join(unpacked, name);
      // Keys, certificates (chains as written), node IDs, serials, genesis and group files.
      for (const file of filesUnder(path.join(original, "conf"))) {
        const r = rel(original, file);
        if (NOT_CARRIED.has(r)) continue;
        expect(readFileSync(path.join(written, r)), `${name}/${r}`).toEqual(readFileSync(file));
        compared++;
      }
      const gm = existsSync(path.join(original, "conf", "gmnode.key"));
      const id = readFileSync(path.join(written, "conf", gm ? "gmnode.nodeid" : "node.nodeid"), "utf8").trim();
      expect(id).toBe(built.nodeIds.get(record.nodes[name].folder));
      const ours = configIniMeaning(readFileSync(path.join(written, "config.ini"), "utf8"));
      const theirs = configIniMeaning(readFileSync(path.join(original, "config.ini"), "utf8"));
      expect(meaningDifferences(theirs, ours), `${name}/config.ini`).toEqual(configDifferences);
    }
    // The agency's SDK set: the first host's, keys and certificates as they were.
    const [sdkHost] = Object.values(record.agencies[agency].sdk ?? {});
    if (sdkHost) {
      const ip = { hostA: "127.0.0.1", hostB: "192.0.2.2" }[path.basename(sdkHost)]!;
      for (const r of ["sdk.key", "sdk.crt", "ca.crt", "gm/gmsdk.key", "gm/gmsdk.crt", "gm/gmensdk.key", "gm/gmensdk.crt", "gm/gmca.crt"]) {
        // A standard chain's SDK set has no gm/ folder.
        if (!existsSync(path.join(built.dir, ip, "sdk", r))) continue;
        expect(readFileSync(path.join(unpacked, "sdk", r)), `${agency} sdk/${r}`).toEqual(readFileSync(path.join(built.dir, ip, "sdk", r)));
        compared++;
      }
    }
  }
  expect(compared).toBeGreaterThanOrEqual(Object.keys(record.nodes).length * 5);
}

describe("pulumi up adopts an imported build_chain GM chain (real engine)", () => {
  let stack: AdoptedStack;
  beforeAll(async () => {
    stack = new AdoptedStack("adopted", built);
    await stack.init();
  }, 10 * 60_000);

  it(
    "applies, keeps every key, certificate, node ID and genesis byte, and previews no change after",
    async () => {
      const up = await stack.ok(["up", "--yes", "--skip-preview"]);
      expect(up.stdout).not.toContain("PRIVATE KEY");
      await stack.ok(["preview", "--expect-no-changes", "--diff"]);
      expectPackagesHoldOriginals(stack);
      const outputs = JSON.parse((await stack.ok(["stack", "output", "nodes", "--json"])).stdout) as Record<string, { id: string }>;
      const record = stack.config["bcos:imported"] as ImportRecord;
      for (const [name, node] of Object.entries(outputs)) expect(node.id).toBe(record.nodes[name].nodeId);
    },
    15 * 60_000,
  );

  it(
    "then takes a node added to an imported agency, a role change and a new group like any stack",
    async () => {
      stack.edit((config) => {
        const topology = config["bcos:topology"];
        const [first] = Object.keys(topology.agencies);
        const host = Object.values(topology.agencies[first].nodes as Record<string, { host: string }>)[0].host;
        topology.agencies[first].nodes["added-node"] = { host, p2pPort: 30310, channelPort: 20210, rpcPort: 8560 };
        const g2 = topology.groups["2"];
        g2.sealers = [...g2.sealers, ...g2.observers];
        delete g2.observers;
        topology.groups["3"] = { consensus: "pbft", sealers: [...topology.groups["1"].sealers.slice(0, 2), "added-node"], timestamp: 1700000002000 };
      });
      await stack.ok(["up", "--yes", "--skip-preview"]);
      await stack.ok(["preview", "--expect-no-changes"]);
      // The adopted nodes' identities are untouched; the new node got its own.
      const outputs = JSON.parse((await stack.ok(["stack", "output", "nodes", "--json"])).stdout) as Record<string, { id: string }>;
      const record = stack.config["bcos:imported"] as ImportRecord;
      for (const [name, node] of Object.entries(record.nodes)) expect(outputs[name].id).toBe(node.nodeId);
      expect(Object.values(record.nodes).map((n) => n.nodeId)).not.toContain(outputs["added-node"].id);
      const unpacked = stack.unpack(Object.keys(stack.config["bcos:topology"].agencies)[0]);
      const [adopted] = Object.keys(record.nodes);
      expect(readFileSync(path.join(unpacked, adopted, "conf", "group.1.genesis"))).toEqual(
        readFileSync(path.join(built.dir, record.nodes[adopted].folder, "conf", "group.1.genesis")),
      );
      expect(readFileSync(path.join(unpacked, "added-node", "conf", "group.3.genesis"), "utf8")).toContain(outputs["added-node"].id);
    },
    15 * 60_000,
  );
});

describe("an imported chain without its CA keys (real engine)", () => {
  let stack: AdoptedStack;
  beforeAll(async () => {
    const copy = ws.copy(built);
    for (const dir of ["cert", "gmcert"]) rmSync(path.join(copy.dir, dir), { recursive: true });
    stack = new AdoptedStack("keyless", copy);
    await stack.init();
  }, 10 * 60_000);

  it(
    "adopts with the CAs as certificates only",
    async () => {
      const record = stack.config["bcos:imported"] as ImportRecord;
      expect(record.chain.std?.hasKey).toBe(false);
      await stack.ok(["up", "--yes", "--skip-preview"]);
      await stack.ok(["preview", "--expect-no-changes"]);
      expectPackagesHoldOriginals(stack);
    },
    15 * 60_000,
  );

  it(
    "refuses in preview a node that needs a certificate from a CA imported without its key",
    async () => {
      stack.edit((config) => {
        const topology = config["bcos:topology"];
        const [first] = Object.keys(topology.agencies);
        const host = Object.values(topology.agencies[first].nodes as Record<string, { host: string }>)[0].host;
        topology.agencies[first].nodes["needs-a-cert"] = { host, p2pPort: 30310, channelPort: 20210, rpcPort: 8560 };
      });
      const preview = await stack.pulumi(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.stdout + preview.stderr).toContain("imported as a certificate only");
      expect(preview.stdout + preview.stderr).toContain("needs-a-cert");
    },
    15 * 60_000,
  );
});

describe("pulumi up adopts an imported build_chain standard (non-GM) chain (real engine)", () => {
  let stack: AdoptedStack;
  beforeAll(async () => {
    stack = new AdoptedStack("build-chain-std", ws.chain(buildChainStd));
    await stack.init();
  }, 10 * 60_000);

  it(
    "applies, keeps every key, certificate, node ID and genesis byte, and previews no change after",
    async () => {
      await stack.ok(["up", "--yes", "--skip-preview"]);
      await stack.ok(["preview", "--expect-no-changes"]);
      expectPackagesHoldOriginals(stack);
    },
    15 * 60_000,
  );
});

describe.each([
  { name: "GM", spec: generatorGm },
  { name: "standard", spec: generatorStd },
])("pulumi up adopts imported generator $name packages (real engine)", ({ name, spec }) => {
  let stack: AdoptedStack;
  beforeAll(async () => {
    stack = new AdoptedStack(`generator-${name.toLowerCase()}`, ws.chain(spec));
    await stack.init();
  }, 10 * 60_000);

  it(
    "applies, keeps every key, certificate and genesis byte, and previews no change after",
    async () => {
      await stack.ok(["up", "--yes", "--skip-preview"]);
      await stack.ok(["preview", "--expect-no-changes"]);
      // generator writes no rsa_crypto_channel (false): the imported topology keeps it off.
      expectPackagesHoldOriginals(stack);
      for (const agency of Object.keys(stack.config["bcos:topology"].agencies)) {
        const unpacked = stack.unpack(agency);
        expect(
          filesUnder(unpacked).filter((f) => f.includes("channel_cert")),
          agency,
        ).toEqual([]);
      }
    },
    15 * 60_000,
  );
});
