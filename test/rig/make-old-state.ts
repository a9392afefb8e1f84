/**
 * Makes the old-state fixture (test/fixtures/old-state/, see its README): runs `pulumi up` with
 * the program of another checkout (the commit whose state the fixture keeps) on the fixture's
 * topology under the pinned engine, and writes the stack's export and stack file there.
 *
 *   npx tsx test/rig/make-old-state.ts <checkout of that commit>
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { copyProject, engineEnvironment, environmentWithoutPulumi, installEngine, pulumiOnStack } from "./engine-project";
import { OLD_STATE_DIR, OLD_STATE_PASSPHRASE, OLD_STATE_STACK, oldStateStackFile } from "./old-state";

async function main(source: string): Promise<void> {
  const repoRoot = resolve(__dirname, "..", "..");
  const binDir = await installEngine(repoRoot, environmentWithoutPulumi());
  const work = mkdtempSync(join(tmpdir(), "bcos-make-old-state-"));
  try {
    const project = join(work, "project");
    copyProject(repoRoot, project, source);
    const { pulumiOk } = pulumiOnStack(binDir, project, engineEnvironment(binDir, work, OLD_STATE_PASSPHRASE), OLD_STATE_STACK);
    await pulumiOk(["stack", "init", OLD_STATE_STACK]);
    const stackFile = join(project, "stacks", `Pulumi.${OLD_STATE_STACK}.yaml`);
    writeFileSync(stackFile, oldStateStackFile(readFileSync(stackFile, "utf8")));
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    const exported = await pulumiOk(["stack", "export"]);
    writeFileSync(join(OLD_STATE_DIR, "stack.json"), exported.stdout);
    writeFileSync(join(OLD_STATE_DIR, `Pulumi.${OLD_STATE_STACK}.yaml`), readFileSync(stackFile, "utf8"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main(resolve(process.argv[2] ?? ".")).catch((e) => {
  console.error(e);
  process.exit(1);
});
