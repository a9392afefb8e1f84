/**
 * A state made by an earlier commit's program still fits the current one (issue 10: single-stack
 * mode keeps its resource names). Under the REAL Pulumi engine: the fixture's stack export
 * (test/fixtures/old-state/, made by c82256a) is imported into a fresh stack of this checkout, and
 * `pulumi preview` finds every resource where the state has it (same URN, same parent) with
 * nothing to change. No host, port or stand-in: the fixture's topology does not install.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, engineEnvironment, environmentWithoutPulumi, installEngine, pulumiOnStack, type PulumiOnStack } from "../rig/engine-project";
import { OLD_STATE_DIR, OLD_STATE_PASSPHRASE, OLD_STATE_STACK } from "../rig/old-state";

const repoRoot = join(__dirname, "..", "..");
let work: string;
let stack: PulumiOnStack;

beforeAll(async () => {
  const binDir = await installEngine(repoRoot, environmentWithoutPulumi());
  work = mkdtempSync(join(tmpdir(), OLD_STATE_PASSPHRASE));
  const project = join(work, "project");
  copyProject(repoRoot, project);
  // The stack file keeps the fixture's config and encryption salt, so its secrets decrypt.
  copyFileSync(join(OLD_STATE_DIR, `Pulumi.${OLD_STATE_STACK}.yaml`), join(project, "stacks", `Pulumi.${OLD_STATE_STACK}.yaml`));
  stack = pulumiOnStack(binDir, project, engineEnvironment(binDir, work, OLD_STATE_PASSPHRASE), OLD_STATE_STACK);
  await stack.pulumiOk(["stack", "init", OLD_STATE_STACK]);
  await stack.pulumiOk(["stack", "import", "--file", join(OLD_STATE_DIR, "stack.json")]);
}, 20 * 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a single-stack state made by c82256a (real engine)", () => {
  it("previews with no changes: no resource is created, replaced, updated or deleted", async () => {
    const preview = await stack.pulumi(["preview", "--json", "--show-sames", "--expect-no-changes"]);
    const steps = (JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string; oldState?: { parent?: string }; newState?: { parent?: string } }[];
    expect(steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`)).toEqual([]);
    expect(preview.code, preview.stderr).toBe(0);
    // Every resource of the old state was found again under its URN.
    const oldUrns = (JSON.parse(readFileSync(join(OLD_STATE_DIR, "stack.json"), "utf8")).deployment.resources as { urn: string }[]).map((r) => r.urn);
    expect(steps.map((s) => s.urn).sort()).toEqual(expect.arrayContaining(oldUrns.filter((u) => !u.includes("pulumi:providers:"))));
    // Under its old parent too (the URN names only the parents' types).
    const moved = steps.filter((s) => s.newState && s.oldState?.parent !== s.newState.parent).map((s) => s.urn);
    expect(moved).toEqual([]);
    expect(steps.filter((s) => s.newState).length).toBeGreaterThan(80);
  });
});
