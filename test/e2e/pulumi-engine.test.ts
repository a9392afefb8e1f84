/**
 * End to end on the REAL Pulumi engine (issue 4): the pinned `pulumi` CLI, our Node.js language
 * host and the dynamic-provider launcher from scripts/install-pulumi.sh (built once, then cached),
 * a local file backend, no network. Everything runs on a copy of the project in a temp folder with
 * its own stack file, backend, PULUMI_HOME and output folder, so the repository is never touched
 * (`pulumi stack init` would otherwise write an `encryptionsalt` into the repo's stack file).
 *
 * The scenario, in order (each step needs the previous one):
 *   stack init → preview --json → up → outputs and packages → preview --expect-no-changes →
 *   a frozen-genesis edit is refused → add node5 to group 2: preview lists exactly node5's creates
 *   and the changed packages → up → no plaintext private key anywhere in the backend →
 *   destroy leaves nothing.
 * A separate stack checks that an invalid topology fails preview with the validator's message and
 * registers nothing.
 *
 * Every pulumi step's wall time is printed (and a table at the end) for the issue note.
 * Set BCOS_E2E_SOURCE=<dir> to run the scenario on another checkout of the program (the
 * node_modules of this repository are used either way).
 */
import { createHash, createPrivateKey } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeSummary } from "../../components/consortium";
import { decodePkcs8, decodeSec1 } from "../../infra/crypto/ec-key-encoding";
import { pemBlocks } from "../../infra/crypto/pem";
import { copyProject, engineEnvironment, environmentWithoutPulumi, installEngine, run, type Run } from "../rig/engine-project";

const repoRoot = join(__dirname, "..", "..");
const source = process.env.BCOS_E2E_SOURCE ?? repoRoot;
const STACK = "e2e";
const BAD_STACK = "e2e-invalid";
const PASSPHRASE = "bcos-e2e-passphrase";

// ---------------------------------------------------------------------------------------------
// Running pulumi

const timings: { step: string; seconds: number }[] = [];
let binDir = "";
let work = ""; // temp root
let project = ""; // the copy of the project
let stateDir = "";
let outDir = "";
let badOutDir = "";
let env: NodeJS.ProcessEnv = {};

/** Runs `pulumi <args>` in the project copy; records and prints its time. */
async function pulumi(step: string, args: string[]): Promise<Run> {
  const result = await run(join(binDir, "pulumi"), [...args, "--non-interactive"], { cwd: project, env, timeoutMs: 180_000 });
  timings.push({ step, seconds: result.seconds });
  console.log(`[e2e timing] ${step}: ${result.seconds.toFixed(1)} s (pulumi ${args.join(" ")}; exit ${result.code})`);
  return result;
}

/** Like `pulumi`, but a non-zero exit fails the test with the engine's own output. */
async function pulumiOk(step: string, args: string[]): Promise<Run> {
  const result = await pulumi(step, args);
  if (result.code !== 0) {
    throw new Error(
      `pulumi ${args.join(" ")} exited ${result.code}\n--- stderr ---\n${result.stderr.slice(-8000)}\n--- stdout ---\n${result.stdout.slice(-8000)}`,
    );
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The engine's JSON

interface Step {
  op: string;
  urn: string;
}
interface PreviewJson {
  steps?: Step[];
  changeSummary?: Record<string, number>;
  diagnostics?: { message: string; severity: string; urn?: string }[];
}
interface EngineEvent {
  resOutputsEvent?: { metadata: { op: string; urn: string } };
  summaryEvent?: { result: string; resourceChanges: Record<string, number>; isPreview: boolean };
  diagnosticEvent?: { message: string; severity: string };
}

const parsePreview = (r: Run): PreviewJson => JSON.parse(r.stdout) as PreviewJson;

/** `pulumi up/destroy --skip-preview --json` prints one engine event per line. */
function parseEvents(r: Run): EngineEvent[] {
  return r.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as EngineEvent);
}

function summaryOf(events: EngineEvent[]): { result: string; resourceChanges: Record<string, number> } {
  const summary = events.find((e) => e.summaryEvent)?.summaryEvent;
  if (!summary) throw new Error("the engine printed no summaryEvent");
  return summary;
}

/** The resources the engine reported done, by op (same/create/update/...), as URNs. */
function appliedByOp(events: EngineEvent[]): Record<string, string[]> {
  const byOp: Record<string, string[]> = {};
  for (const e of events) {
    const m = e.resOutputsEvent?.metadata;
    if (m) (byOp[m.op] ??= []).push(m.urn);
  }
  for (const urns of Object.values(byOp)) urns.sort();
  return byOp;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes it strips
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");
const errorText = (p: PreviewJson, r: Run) =>
  stripAnsi([...(p.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message), r.stderr].join("\n"));

/** `...$bcos:index:Agency$pulumi-nodejs:dynamic/bcos:KeyPair::node0-gmnode-key` → type and name. */
function urnParts(urn: string): { typeChain: string[]; type: string; name: string } {
  const [, , typeChainText, name] = urn.split("::");
  const typeChain = typeChainText.split("$");
  return { typeChain, type: typeChain[typeChain.length - 1], name };
}

const shortType = (type: string) => type.replace(/^pulumi-nodejs:dynamic\/bcos:/, "").replace(/^bcos:index:/, "");

function countByType(urns: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const urn of urns) {
    const t = shortType(urnParts(urn).type);
    counts[t] = (counts[t] ?? 0) + 1;
  }
  return counts;
}

/** A node's resources: its Node component and everything created under it (`<node>-...`). */
function belongsToNode(urn: string, node: string): boolean {
  const { typeChain, type, name } = urnParts(urn);
  if (type === "bcos:index:Node") return name === node;
  return typeChain.slice(0, -1).includes("bcos:index:Node") && name.startsWith(`${node}-`);
}

// ---------------------------------------------------------------------------------------------
// Stack config

interface NodeDecl {
  host: string;
  p2pPort: number;
  channelPort: number;
  rpcPort: number;
}
interface Topology {
  chain: Record<string, unknown>;
  hosts: Record<string, { address: string }>;
  agencies: Record<string, { nodes?: Record<string, NodeDecl> }>;
  groups: Record<string, { consensus?: string; sealers: string[]; timestamp?: number }>;
}

/** The dev stack's topology, read from the repository's stack file (whatever else it carries). */
function devTopology(): Topology {
  const doc = yaml.load(readFileSync(join(source, "stacks", "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  const topology = doc.config["bcos:topology"];
  if (!topology) throw new Error("stacks/Pulumi.dev.yaml has no bcos:topology");
  return structuredClone(topology) as Topology;
}

const stackFile = (stack: string) => join(project, "stacks", `Pulumi.${stack}.yaml`);

/** Writes the stack's config, keeping the `encryptionsalt` that `pulumi stack init` added. */
function writeStackConfig(stack: string, topology: Topology, output: string): void {
  const file = stackFile(stack);
  const old = existsSync(file) ? (yaml.load(readFileSync(file, "utf8")) as Record<string, unknown> | null) : null;
  const doc: Record<string, unknown> = { config: { "bcos:outputDir": output, "bcos:topology": topology } };
  if (old?.encryptionsalt) doc.encryptionsalt = old.encryptionsalt;
  writeFileSync(file, yaml.dump(doc, { lineWidth: -1 }));
}

// ---------------------------------------------------------------------------------------------
// Packages

const tarList = (file: string) =>
  run("tar", ["-tzf", file], { cwd: work, env: process.env, timeoutMs: 30_000 }).then((r) => {
    if (r.code !== 0) throw new Error(`tar -tzf ${file} failed: ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean);
  });
const tarRead = (file: string, member: string) =>
  run("tar", ["-xzOf", file, member], { cwd: work, env: process.env, timeoutMs: 30_000 }).then((r) => {
    if (r.code !== 0) throw new Error(`tar -xzOf ${file} ${member} failed: ${r.stderr}`);
    return r.stdout;
  });
const sha256File = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

type NodeOutput = NodeSummary;
interface StackOutputs {
  nodes: Record<string, NodeOutput>;
  agencies: Record<string, { package: string; sdkBundle: string }>;
  groups: Record<string, { timestamp: number; sealers: string[]; observers: string[]; free: string[] }>;
}

async function stackOutputs(step: string): Promise<StackOutputs> {
  return JSON.parse((await pulumiOk(step, ["stack", "output", "--json"])).stdout) as StackOutputs;
}

function packageFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(outDir)
      .filter((f) => f.endsWith(".tar.gz"))
      .sort()
      .map((f) => [f, sha256File(join(outDir, f))]),
  );
}

/** Checks outputs against the topology, the packages on disk, and returns the outputs. */
async function checkOutputs(step: string, topology: Topology): Promise<StackOutputs> {
  const outputs = await stackOutputs(step);
  const declared = Object.entries(topology.agencies).flatMap(([agency, a]) => Object.entries(a.nodes ?? {}).map(([name, n]) => ({ name, agency, ...n })));
  expect(Object.keys(outputs.nodes).sort()).toEqual(declared.map((n) => n.name).sort());
  for (const n of declared) {
    const o = outputs.nodes[n.name];
    expect(o.id, `${n.name}.id`).toMatch(/^[0-9a-f]{128}$/);
    expect(o).toMatchObject({
      agency: n.agency,
      host: n.host,
      p2p: `${topology.hosts[n.host].address}:${n.p2pPort}`,
      p2pPort: n.p2pPort,
      channelPort: n.channelPort,
      rpcPort: n.rpcPort,
    });
  }
  expect(new Set(Object.values(outputs.nodes).map((n) => n.id)).size).toBe(declared.length);

  expect(Object.keys(outputs.agencies).sort()).toEqual(Object.keys(topology.agencies).sort());
  for (const [agency, summary] of Object.entries(outputs.agencies)) {
    for (const file of [summary.package, summary.sdkBundle]) {
      expect(file.startsWith(outDir + sep), `${file} is under the stack's bcos:outputDir`).toBe(true);
      expect(existsSync(file), `${file} exists`).toBe(true);
      expect((statSync(file).mode & 0o777).toString(8), `${file} mode`).toBe("600");
    }
    const members = await tarList(summary.package);
    const sdkMembers = await tarList(summary.sdkBundle);
    expect(members.every((m) => m.startsWith(`${agency}/`))).toBe(true);
    expect(members).toContain(`${agency}/sdk/sdk.key`);
    expect(sdkMembers.length).toBeGreaterThan(0);
    expect(sdkMembers.filter((m) => m !== `${agency}/` && !m.startsWith(`${agency}/sdk/`))).toEqual([]);
    for (const n of declared.filter((d) => d.agency === agency)) {
      expect(members).toContain(`${agency}/${n.name}/config.ini`);
      // GM chain: the node ID file of the package is the ID the stack reports.
      const nodeIdFile = await tarRead(summary.package, `${agency}/${n.name}/conf/gmnode.nodeid`);
      expect(nodeIdFile.trim(), `${n.name}'s gmnode.nodeid`).toBe(outputs.nodes[n.name].id);
    }
  }

  expect(Object.keys(outputs.groups).sort()).toEqual(Object.keys(topology.groups).sort());
  for (const [id, g] of Object.entries(topology.groups)) {
    expect(outputs.groups[id].sealers).toEqual(g.sealers);
    if (g.timestamp !== undefined) expect(outputs.groups[id].timestamp).toBe(g.timestamp);
  }
  return outputs;
}

// ---------------------------------------------------------------------------------------------
// Secrets

interface ExportedResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}
interface Exported {
  deployment: { resources?: ExportedResource[] };
}

/** A secret in `stack export --show-secrets`: `{ <sig>: ..., plaintext: "<JSON of the value>" }`. */
function revealed(value: unknown): unknown {
  if (value && typeof value === "object" && "plaintext" in value) return JSON.parse(String((value as { plaintext: unknown }).plaintext));
  return value;
}

/**
 * Strings that must never appear in state: the private scalar's hex (EC) or private exponent's hex
 * (RSA), and every PEM body line that carries private bytes. Lines that hold only public bytes
 * (the algorithm header, an RSA modulus, an EC key's embedded public point) are left out: the same
 * base64 can legitimately occur in a certificate or public key.
 */
function privateKeyNeedles(pem: string): string[] {
  const block = pemBlocks(pem).find((b) => b.label === "PRIVATE KEY");
  if (!block) throw new Error(`not a PKCS#8 PEM key: ${pem.slice(0, 40)}…`);
  const der = Buffer.from(block.der);
  const p8 = decodePkcs8(block.der);
  let secret: Buffer;
  let privateEnd: (start: number) => number;
  if (p8.algorithmOid === "1.2.840.10045.2.1") {
    secret = decodeSec1(p8.innerKey).scalar; // EC: the scalar alone is private
    privateEnd = (start) => start + secret.length;
  } else {
    const { d } = createPrivateKey(pem).export({ format: "jwk" });
    if (!d) throw new Error("RSA key without a private exponent");
    secret = Buffer.from(d, "base64url"); // RSA: d, p, q, dp, dq, qi follow to the end
    privateEnd = () => der.length;
  }
  expect(secret.length).toBeGreaterThanOrEqual(30);
  const start = der.indexOf(secret);
  if (start < 0) throw new Error("the private value is not where PKCS#8 keeps it");
  const end = privateEnd(start);
  const needles = [secret.toString("hex"), secret.toString("hex").toUpperCase()];
  let offset = 0; // DER offset of the current PEM line (64 base64 chars = 48 bytes)
  for (const line of pem
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("-----"))) {
    const bytes = (line.replace(/=+$/, "").length * 3) >> 2;
    if (offset < end && offset + bytes > start) needles.push(line);
    offset += bytes;
  }
  return needles;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

// ---------------------------------------------------------------------------------------------

describe("real Pulumi engine (pulumi CLI + nodejs language host + dynamic providers): preview/up/edit/destroy on a local file backend", () => {
  let topology: Topology;
  let firstPreviewCount = 0;
  let firstOutputs: StackOutputs;

  beforeAll(async () => {
    // The engine: cached after the first build (~6 min cold, well under a second warm).
    const started = process.hrtime.bigint();
    binDir = await installEngine(repoRoot, environmentWithoutPulumi());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    timings.push({ step: "install-pulumi.sh", seconds });
    console.log(`[e2e timing] install-pulumi.sh: ${seconds.toFixed(1)} s`);

    // A copy of the project without node_modules (symlinked) or anything local.
    work = mkdtempSync(join(tmpdir(), "bcos-pulumi-e2e-"));
    project = join(work, "project");
    stateDir = join(work, "state");
    outDir = join(work, "out");
    badOutDir = join(work, "out-invalid");
    copyProject(repoRoot, project, source);
    env = engineEnvironment(binDir, work, PASSPHRASE);

    // The dynamic-provider launcher resolves the SDK from the working directory (the copy) through
    // the symlink; fail here, clearly, if it cannot.
    const resolved = await run("node", ["-p", 'require.resolve("@pulumi/pulumi/cmd/dynamic-provider") + "\\n" + require.resolve("tsx/cjs")'], {
      cwd: project,
      env,
      timeoutMs: 30_000,
    });
    if (resolved.code !== 0) throw new Error(`the copy cannot resolve @pulumi/pulumi/cmd/dynamic-provider or tsx through node_modules:\n${resolved.stderr}`);

    topology = devTopology();
    writeStackConfig(STACK, topology, outDir);
  }, 20 * 60_000);

  afterAll(() => {
    console.log(`[e2e timing] summary:\n${timings.map((t) => `  ${t.step.padEnd(44)} ${t.seconds.toFixed(1).padStart(6)} s`).join("\n")}`);
    console.log(
      `  ${"total pulumi".padEnd(44)} ${timings
        .filter((t) => t.step !== "install-pulumi.sh")
        .reduce((s, t) => s + t.seconds, 0)
        .toFixed(1)
        .padStart(6)} s`,
    );
    if (work && !process.env.BCOS_E2E_KEEP) rmSync(work, { recursive: true, force: true });
    else if (work) console.log(`[e2e] kept ${work}`);
  });

  it("stack init, then preview --json plans only creates: 5 nodes, 2 genesis, 8 packages", async () => {
    await pulumiOk("stack init", ["stack", "init", STACK]);
    const stackYaml = yaml.load(readFileSync(stackFile(STACK), "utf8")) as Record<string, unknown>;
    expect(stackYaml.encryptionsalt, "stack init wrote the passphrase salt into the copy's stack file").toBeTruthy();

    const r = await pulumiOk("preview (initial)", ["preview", "--json"]);
    const p = parsePreview(r);
    const steps = p.steps ?? [];
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps.map((s) => s.op))).toEqual(new Set(["create"]));
    expect(p.changeSummary).toEqual({ create: steps.length });
    const counts = countByType(steps.map((s) => s.urn));
    console.log(`[e2e] initial preview: ${steps.length} creates ${JSON.stringify(counts)}`);
    expect(counts).toMatchObject({ Node: 5, Agency: 4, Group: 2, GroupGenesis: 2, PackageFile: 8, ChainAuthority: 1, Consortium: 1 });
    for (const node of ["node0", "node1", "node2", "node3", "node4"]) {
      const mine = countByType(steps.map((s) => s.urn).filter((u) => belongsToNode(u, node)));
      expect(mine.KeyPair, `${node}'s keys`).toBeGreaterThan(0);
      expect(mine.Certificate, `${node}'s certificates`).toBeGreaterThan(0);
    }
    firstPreviewCount = steps.length;
  });

  it("up --yes creates everything; outputs, 0600 packages and their contents match the topology", async () => {
    const r = await pulumiOk("up (initial)", ["up", "--yes", "--skip-preview", "--json"]);
    const events = parseEvents(r);
    const summary = summaryOf(events);
    expect(summary.result).toBe("succeeded");
    expect(summary.resourceChanges).toEqual({ create: firstPreviewCount });

    firstOutputs = await checkOutputs("stack output (initial)", topology);
    expect(Object.keys(packageFiles())).toHaveLength(8);
    // The consortium's picture beside the packages.
    expect(readFileSync(join(outDir, "topology.mmd"), "utf8")).toContain("  n_node3 ==>|sealer| g_2\n");
    expect(readFileSync(join(outDir, "topology.svg"), "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("a second preview --expect-no-changes succeeds", async () => {
    const r = await pulumiOk("preview --expect-no-changes", ["preview", "--expect-no-changes", "--json"]);
    const p = parsePreview(r);
    expect(new Set((p.steps ?? []).map((s) => s.op))).toEqual(new Set(["same"]));
    expect(p.changeSummary).toEqual({ same: firstPreviewCount });
  });

  it("a frozen-genesis edit (group 1 pbft → raft) fails preview with the explanation", async () => {
    const edited = structuredClone(topology);
    edited.groups["1"].consensus = "raft";
    writeStackConfig(STACK, edited, outDir);
    try {
      const r = await pulumi("preview (frozen-genesis edit)", ["preview", "--json"]);
      expect(r.code).not.toBe(0);
      const p = parsePreview(r);
      const text = errorText(p, r);
      expect(text).toContain("group 1 already exists and its genesis is frozen");
      expect(text).toContain("groups.1.consensus: pbft → raft");
      expect(text).toContain("Fix: restore the old values in the topology");
      // A refusal, not a plan to replace the genesis (or anything else).
      expect((p.steps ?? []).filter((s) => /replace|delete/.test(s.op)).map((s) => `${s.op} ${s.urn}`)).toEqual([]);
    } finally {
      writeStackConfig(STACK, topology, outDir);
    }
  });

  it("adding agencyD/node5 to group 2: preview --json lists exactly node5's creates and the changed packages; no replace or delete", async () => {
    // Expected creates: node5's resources mirror node4's (one node, same profile) with node5's names.
    const exported = JSON.parse((await pulumiOk("stack export (before node5)", ["stack", "export"])).stdout) as Exported;
    // Provider resources (the default pulumi-nodejs provider) are not counted in a change summary.
    const deployed = (exported.deployment.resources ?? []).filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => r.urn);
    const node4Urns = deployed.filter((u) => belongsToNode(u, "node4"));
    expect(node4Urns.length).toBeGreaterThan(1);
    const expectedCreates = node4Urns.map((u) => u.replace(/::node4$/, "::node5").replace(/::node4-/, "::node5-")).sort();
    // Every agency's config.ini [p2p] lists every node of the chain, so every agency's package
    // changes; of the SDK bundles only agencyD's (its sdk/config.toml now reaches node5); the diagram;
    // and the node registry, which records node5's ID (see Certificates: revocation).
    const changedByNode5 = (u: string) =>
      shortType(urnParts(u).type) === "TextFile" ||
      shortType(urnParts(u).type) === "NodeRegistry" ||
      (shortType(urnParts(u).type) === "PackageFile" && (urnParts(u).name.endsWith("-package") || urnParts(u).name === "agencyD-sdk-bundle"));
    const expectedUpdates = deployed.filter(changedByNode5).sort();
    expect(expectedUpdates).toHaveLength(8);

    topology.agencies.agencyD = { nodes: { node5: { host: "local", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 } } };
    topology.groups["2"].sealers = [...topology.groups["2"].sealers, "node5"];
    writeStackConfig(STACK, topology, outDir);

    const r = await pulumi("preview (add node5)", ["preview", "--json"]);
    const p = parsePreview(r);
    if (r.code !== 0) throw new Error(`preview of the node5 edit failed (exit ${r.code}):\n${errorText(p, r)}`);
    const steps = p.steps ?? [];
    const byOp: Record<string, string[]> = {};
    for (const s of steps) (byOp[s.op] ??= []).push(s.urn);
    for (const urns of Object.values(byOp)) urns.sort();
    console.log(
      `[e2e] node5 preview: ${JSON.stringify(p.changeSummary)}\n${steps
        .filter((s) => s.op !== "same")
        .map((s) => `  ${s.op.padEnd(8)} ${shortType(urnParts(s.urn).type).padEnd(12)} ${urnParts(s.urn).name}`)
        .join("\n")}`,
    );

    const destructive = steps.filter((s) => /replace|delete|discard|remove/.test(s.op));
    expect(
      destructive.map((s) => `${s.op} ${s.urn}`),
      "no replace or delete of anything",
    ).toEqual([]);
    for (const s of steps.filter((x) => ["KeyPair", "Certificate", "GroupGenesis"].includes(shortType(urnParts(x.urn).type)))) {
      if (deployed.includes(s.urn)) expect(`${s.op} ${s.urn}`).toBe(`same ${s.urn}`);
    }
    // (--json lists unchanged resources only in the summary.)
    expect(
      Object.keys(byOp)
        .filter((op) => op !== "same")
        .sort(),
    ).toEqual(["create", "update"]);
    expect(byOp.create).toEqual(expectedCreates);
    expect(byOp.update, "updates: exactly the agencies' packages, agencyD's SDK bundle, the diagram and the node registry").toEqual(expectedUpdates);
    expect(p.changeSummary).toEqual({ create: expectedCreates.length, update: expectedUpdates.length, same: deployed.length - expectedUpdates.length });
  });

  it("up applies the node5 edit: node5 in the outputs, existing IDs and genesis kept, exactly the previewed packages rewritten", async () => {
    const before = packageFiles();
    const genesisBefore = await tarRead(firstOutputs.agencies.agencyC.package, "agencyC/node4/conf/group.2.genesis");

    const r = await pulumiOk("up (add node5)", ["up", "--yes", "--skip-preview", "--json"]);
    const events = parseEvents(r);
    const summary = summaryOf(events);
    expect(summary.result).toBe("succeeded");
    const applied = appliedByOp(events);
    expect(applied.create?.every((u) => belongsToNode(u, "node5"))).toBe(true);
    expect(applied.update?.map((u) => urnParts(u).name).sort()).toEqual([
      "agencyA-package",
      "agencyB-package",
      "agencyC-package",
      "agencyD-package",
      "agencyD-sdk-bundle",
      "consortium-diagram-mermaid",
      "consortium-diagram-svg",
      "consortium-node-registry",
    ]);
    expect(Object.keys(applied).filter((op) => !["same", "create", "update"].includes(op))).toEqual([]);

    const outputs = await checkOutputs("stack output (after node5)", topology);
    expect(outputs.nodes.node5).toMatchObject({ agency: "agencyD", host: "local", p2p: "127.0.0.1:30305", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 });
    for (const [name, n] of Object.entries(firstOutputs.nodes)) expect(outputs.nodes[name].id, `${name} keeps its node ID`).toBe(n.id);
    expect(outputs.groups["2"].sealers).toEqual(["node3", "node4", "node5"]);

    // Bytes on disk: the four packages and agencyD's SDK bundle changed, the other SDK bundles did not.
    const after = packageFiles();
    const changed = Object.keys(after)
      .filter((f) => after[f] !== before[f])
      .sort();
    expect(changed).toEqual(["agencyA.tar.gz", "agencyB.tar.gz", "agencyC.tar.gz", "agencyD-sdk.tar.gz", "agencyD.tar.gz"]);
    // The peers now list node5; the frozen genesis is shipped unchanged, to node5 too.
    expect(await tarRead(outputs.agencies.agencyA.package, "agencyA/node0/config.ini")).toContain("127.0.0.1:30305");
    expect(await tarRead(outputs.agencies.agencyC.package, "agencyC/node4/conf/group.2.genesis")).toBe(genesisBefore);
    expect(await tarRead(outputs.agencies.agencyD.package, "agencyD/node5/conf/group.2.genesis")).toBe(genesisBefore);
  });

  it("the backend's state holds no plaintext private key (PEM header, PEM body lines, private scalar hex)", async () => {
    const secretExportText = (await pulumiOk("stack export --show-secrets", ["stack", "export", "--show-secrets"])).stdout;
    const secretExport = JSON.parse(secretExportText) as Exported;
    const keyPems = (secretExport.deployment.resources ?? [])
      .filter((r) => r.type.endsWith("bcos:KeyPair"))
      .map((r) => revealed(r.outputs?.privateKeyPem))
      .filter((v): v is string => typeof v === "string");
    const keyPairCount = (secretExport.deployment.resources ?? []).filter((r) => r.type.endsWith("bcos:KeyPair")).length;
    expect(keyPairCount).toBeGreaterThan(0);
    expect(keyPems, "every KeyPair's private key was revealed by --show-secrets").toHaveLength(keyPairCount);
    const needles = keyPems.flatMap(privateKeyNeedles);
    // Positive control: the PEM-line needles are found where the keys really are (--show-secrets).
    const pemNeedles = needles.filter((n) => !/^[0-9a-fA-F]+$/.test(n));
    expect(pemNeedles.length).toBeGreaterThanOrEqual(keyPems.length);
    expect(pemNeedles.filter((n) => !secretExportText.includes(n))).toEqual([]);

    const plainExport = (await pulumiOk("stack export", ["stack", "export"])).stdout;
    // Every file the file backend wrote: the stack checkpoint, its .bak, backups and history.
    const stateFiles = filesUnder(stateDir);
    expect(stateFiles.some((f) => f.endsWith(`${sep}stacks${sep}bcos${sep}${STACK}.json`))).toBe(true);
    const haystacks: [string, string][] = [["pulumi stack export", plainExport], ...stateFiles.map((f): [string, string] => [f, readFileSync(f, "utf8")])];
    const leaks: string[] = [];
    for (const [where, text] of haystacks) {
      if (text.includes("PRIVATE KEY")) leaks.push(`${where}: PEM "PRIVATE KEY" header`);
      for (const needle of needles) if (text.includes(needle)) leaks.push(`${where}: ${needle.slice(0, 16)}…`);
    }
    console.log(`[e2e] secrets: ${keyPems.length} private keys, ${needles.length} needles, searched ${haystacks.length} files/exports`);
    expect(leaks).toEqual([]);
  });

  it("destroy --yes leaves no resources and removes the package files", async () => {
    const r = await pulumiOk("destroy", ["destroy", "--yes", "--skip-preview", "--json"]);
    const summary = summaryOf(parseEvents(r));
    expect(summary.result).toBe("succeeded");
    expect(Object.keys(summary.resourceChanges)).toEqual(["delete"]);

    const exported = JSON.parse((await pulumiOk("stack export (after destroy)", ["stack", "export"])).stdout) as Exported;
    expect((exported.deployment.resources ?? []).filter((res) => res.type !== "pulumi:pulumi:Stack").map((res) => res.urn)).toEqual([]);
    expect(existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith(".tar.gz")) : []).toEqual([]);
  });

  it("an invalid topology (unknown node in a group) fails preview with the validator's path and fix, registering nothing", async () => {
    const bad = devTopology();
    bad.groups["1"].sealers = [...bad.groups["1"].sealers, "node9"];
    writeStackConfig(BAD_STACK, bad, badOutDir);
    await pulumiOk("stack init (invalid)", ["stack", "init", BAD_STACK]);
    const r = await pulumi("preview (invalid topology)", ["preview", "--stack", BAD_STACK, "--json"]);
    expect(r.code).not.toBe(0);
    const p = parsePreview(r);
    const text = errorText(p, r);
    expect(text).toContain("Invalid topology in stack config bcos:topology");
    const sealerIndex = bad.groups["1"].sealers.length - 1;
    expect(text).toContain(`groups.1.sealers[${sealerIndex}]: unknown node "node9"`);
    expect(text).toContain("Fix: declare node9 under agencies.<agency>.nodes or remove it from the list");
    // Only the stack itself; no component, key or file.
    expect((p.steps ?? []).map((s) => urnParts(s.urn).type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(existsSync(badOutDir)).toBe(false);
  });
});
