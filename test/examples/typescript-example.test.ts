/**
 * examples/typescript (issue 14 item 3): another Pulumi program that imports the package as a
 * library, declares its topology in TypeScript and builds it with the components. Checked the way
 * a user would meet it: the program typechecks against the package's published declarations
 * (dist/lib.d.ts through the `exports`/`types` fields), and `pulumi preview` on the REAL engine
 * plans the consortium, which makes the dynamic providers load their compiled implementations
 * through the package name from the example's own directory.
 *
 * The example runs in a temp copy whose node_modules holds `bcos-pulumi` → this repository (what
 * `"bcos-pulumi": "file:../.."` installs) and links to this repository's packages for the rest.
 * It needs dist/: built here when missing or older than the sources.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineEnvironment, environmentWithoutPulumi, installEngine, pulumiOnStack, run, type PulumiOnStack } from "../rig/engine-project";

const repoRoot = join(__dirname, "..", "..");
const { isDistFresh } = require("../../bin/dist-freshness") as { isDistFresh: (root: string) => boolean };

interface PreviewStep {
  op: string;
  urn: string;
  newState?: { inputs?: Record<string, unknown> };
}

describe("examples/typescript: a program using bcos-pulumi as a library (typechecked; real engine preview)", () => {
  let work = "";
  let project = "";
  let env: NodeJS.ProcessEnv = {};
  let engine: PulumiOnStack;

  beforeAll(async () => {
    const clean = environmentWithoutPulumi();
    if (!isDistFresh(repoRoot)) {
      const build = await run(process.execPath, [join(repoRoot, "scripts", "build.js")], { cwd: repoRoot, env: clean, timeoutMs: 180_000 });
      if (build.code !== 0) throw new Error(`npm run build failed (exit ${build.code}):\n${build.stdout}\n${build.stderr}`);
    }
    const binDir = await installEngine(repoRoot, clean);

    work = mkdtempSync(join(tmpdir(), "bcos-pulumi-example-ts-"));
    project = join(work, "project");
    cpSync(join(repoRoot, "examples", "typescript"), project, { recursive: true });
    const modules = join(project, "node_modules");
    mkdirSync(modules);
    for (const entry of readdirSync(join(repoRoot, "node_modules"))) symlinkSync(join(repoRoot, "node_modules", entry), join(modules, entry));
    symlinkSync(repoRoot, join(modules, "bcos-pulumi"), "dir");

    env = engineEnvironment(binDir, work, "bcos-example-passphrase");
    engine = pulumiOnStack(binDir, project, env, "example");
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("typechecks against the package's declarations (tsc on the example's tsconfig)", async () => {
    const tsc = await run(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", project], {
      cwd: project,
      env,
      timeoutMs: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  });

  it("pulumi preview plans the consortium: 3 nodes, 2 agencies, 1 group, all creates", async () => {
    const init = await engine.pulumi(["stack", "init", "example"]);
    expect(init.code, init.stderr).toBe(0);
    const preview = await engine.pulumi(["preview", "--json"]);
    expect(preview.code, `${preview.stderr.slice(-4000)}\n${preview.stdout.slice(-4000)}`).toBe(0);

    const steps = (JSON.parse(preview.stdout) as { steps?: PreviewStep[] }).steps ?? [];
    expect(new Set(steps.map((s) => s.op))).toEqual(new Set(["create"]));
    const count = (type: string) => steps.filter((s) => s.urn.split("::")[2]?.endsWith(`:${type}`)).length;
    expect({ Consortium: count("Consortium"), Agency: count("Agency"), Node: count("Node"), Group: count("Group") }).toEqual({
      Consortium: 1,
      Agency: 2,
      Node: 3,
      Group: 1,
    });

    // The providers are captured as the package's own export, not a path into this machine.
    const providers = new Set(steps.map((s) => s.newState?.inputs?.__provider).filter((p): p is string => typeof p === "string"));
    expect(providers.size).toBeGreaterThan(0);
    for (const provider of providers) {
      expect(provider).toMatch(/bcos-pulumi\/providers\//);
      expect(provider).not.toContain(repoRoot);
    }
  });
});
