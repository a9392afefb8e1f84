/**
 * The stack file `import` writes, read by the REAL pulumi CLI (scripts/install-pulumi.sh; built
 * once, then cached): `pulumi stack init` keeps its encryptionsalt, `pulumi config` decrypts every
 * imported private key to the bytes of the original file with the stack's passphrase, refuses
 * another passphrase, and reads every topology name as the string it is (Pulumi's YAML reader
 * takes some plain scalars for numbers). Local file backend, no network.
 */
import { mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importChain } from "../../infra/import/import-chain";
import type { ImportRecord } from "../../infra/import/import-record";
import { loadTopologyFile } from "../../infra/topology/load";
import { environmentWithoutPulumi, installEngine, run } from "../rig/engine-project";
import type { BuiltChain } from "./chain-fixture";
import { buildChainStd, generatorGm, Workspace } from "./fixtures";

const repoRoot = path.join(__dirname, "..", "..");
const PASSPHRASE = "engine-import-passphrase";
const KEY_FILES: Record<string, string> = {
  gmnode: "conf/gmnode.key",
  gmennode: "conf/gmennode.key",
  origin: "conf/origin_cert/node.key",
  node: "conf/node.key",
  channel: "conf/channel_cert/node.key",
};

let ws: Workspace;
let binDir: string;

beforeAll(async () => {
  ws = new Workspace();
  binDir = await installEngine(repoRoot, environmentWithoutPulumi());
});
afterAll(() => ws.remove());

describe.each([
  { name: "generator GM", spec: generatorGm },
  { name: "build_chain standard", spec: buildChainStd },
])("pulumi reads an imported $name stack (real engine)", ({ spec }) => {
  let built: BuiltChain;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let stackFile: string;
  const pulumi = (args: string[], passphrase = PASSPHRASE) =>
    run(path.join(binDir, "pulumi"), [...args, "--stack", "adopted", "--non-interactive"], {
      cwd: project,
      env: { ...env, PULUMI_CONFIG_PASSPHRASE: passphrase },
      timeoutMs: 120_000,
    });

  beforeAll(async () => {
    built = ws.chain(spec);
    project = ws.project();
    const state = path.join(project, ".pulumi-state");
    mkdirSync(state);
    env = {
      ...environmentWithoutPulumi(),
      PATH: `${binDir}:${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_HOME: path.join(project, ".pulumi-home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    stackFile = importChain({
      from: built.dir,
      stack: "adopted",
      hostNames: new Map(),
      allowForeignPeers: false,
      projectDir: project,
      passphrase: PASSPHRASE,
    }).stackFile;
    const saltBefore = (yaml.load(readFileSync(stackFile, "utf8")) as { encryptionsalt: string }).encryptionsalt;
    const init = await run(path.join(binDir, "pulumi"), ["stack", "init", "adopted", "--non-interactive"], {
      cwd: project,
      env: { ...env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      timeoutMs: 120_000,
    });
    expect(init.code, init.stderr).toBe(0);
    expect((yaml.load(readFileSync(stackFile, "utf8")) as { encryptionsalt: string }).encryptionsalt).toBe(saltBefore);
  });

  it("decrypts every imported key to the original file's bytes", async () => {
    const shown = await pulumi(["config", "--show-secrets", "--json"]);
    expect(shown.code, shown.stderr).toBe(0);
    const config = JSON.parse(shown.stdout) as Record<string, { objectValue?: unknown; secret: boolean }>;
    expect(config["bcos:importedKeys"].secret).toBe(true);
    const keys = config["bcos:importedKeys"].objectValue as {
      nodes: Record<string, Record<string, string>>;
      agencies?: Record<string, { std?: string; gm?: string }>;
    };
    const record = config["bcos:imported"].objectValue as ImportRecord;
    let count = 0;
    for (const [name, node] of Object.entries(record.nodes)) {
      for (const role of node.keys) {
        expect(keys.nodes[name][role]).toBe(readFileSync(path.join(built.dir, node.folder, KEY_FILES[role]), "utf8"));
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(spec.nodes.length * (spec.gm ? 3 : 1));
    // One value by path, as an operator would look at it.
    const [first] = Object.keys(record.nodes);
    const role = spec.gm ? "gmnode" : "node";
    const single = await pulumi(["config", "get", "--path", `bcos:importedKeys.nodes["${first}"].${role}`]);
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toBe(`${readFileSync(path.join(built.dir, record.nodes[first].folder, KEY_FILES[role]), "utf8")}\n`);
  });

  it("reads the topology the import wrote, names and all", async () => {
    const shown = await pulumi(["config", "--json"]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toContain("PRIVATE KEY");
    const config = JSON.parse(shown.stdout) as Record<string, { objectValue?: unknown; secret: boolean }>;
    expect(config["bcos:importedKeys"].secret).toBe(true);
    const fromPulumi = config["bcos:topology"].objectValue as { hosts: object; agencies: Record<string, { nodes: object }> };
    const fromFile = loadTopologyFile(stackFile);
    expect(Object.keys(fromPulumi.hosts).sort()).toEqual(fromFile.hosts.map((h) => h.name).sort());
    expect(
      Object.values(fromPulumi.agencies)
        .flatMap((a) => Object.keys(a.nodes))
        .sort(),
    ).toEqual(fromFile.nodes.map((n) => n.name).sort());
  });

  it("refuses another passphrase", async () => {
    const wrong = await pulumi(["config", "--show-secrets", "--json"], "not the passphrase");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("incorrect passphrase");
  });
});
