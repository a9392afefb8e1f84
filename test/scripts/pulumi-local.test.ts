/**
 * scripts/pulumi-local.sh leaves plugin downloads to Pulumi with a standard install and turns them
 * off only for the engine scripts/install-pulumi.sh builds (told apart by the .build-stamp the
 * build leaves beside its bin folder). Runs the real script with a fake `pulumi` on PATH that
 * prints the setting it was given instead of running anything.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
/** install-pulumi.sh takes an engine on PATH only when it is the version the SDK pins. */
const ENGINE_VERSION: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];

let work: string;
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A fake engine of the pinned version in `<work>/<version>/bin`, with the build's stamp beside it when `locallyBuilt`. */
function fakeEngine(locallyBuilt: boolean): string {
  work = mkdtempSync(join(tmpdir(), "bcos-pulumi-local-"));
  const bin = join(work, ENGINE_VERSION, "bin");
  mkdirSync(bin, { recursive: true });
  const pulumi = `#!/bin/bash
case "$1" in
  version) echo v${ENGINE_VERSION} ;;
  stack) ;;
  *) echo "acquisition=\${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION-unset} args=$*" ;;
esac
`;
  writeFileSync(join(bin, "pulumi"), pulumi);
  writeFileSync(join(bin, "pulumi-language-nodejs"), "#!/bin/bash\n");
  for (const f of ["pulumi", "pulumi-language-nodejs"]) chmodSync(join(bin, f), 0o755);
  if (locallyBuilt) writeFileSync(join(work, ENGINE_VERSION, ".build-stamp"), "0123456789abcdef\n");
  return bin;
}

function pulumiLocal(bin: string, env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION" && !k.startsWith("BCOS_")),
  );
  return spawnSync("bash", [join(root, "scripts", "pulumi-local.sh"), "preview"], {
    env: { ...inherited, PATH: `${bin}:${process.env.PATH}`, PULUMI_BACKEND_URL: `file://${work}/state`, ...env },
    encoding: "utf8",
  });
}

describe("pulumi-local.sh plugin downloads", () => {
  it("a standard Pulumi install on PATH: left to Pulumi (not set), nothing said about it", () => {
    const r = pulumiLocal(fakeEngine(false));
    expect(r.stdout).toBe("acquisition=unset args=preview --stack dev\n");
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION");
  });

  it("the locally built engine: downloads off, and a log line says so", () => {
    const bin = fakeEngine(true);
    const r = pulumiLocal(bin);
    expect(r.stdout).toBe("acquisition=true args=preview --stack dev\n");
    expect(r.stderr).toContain(`note: the locally built Pulumi engine (${bin}): PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, so plugins come from PATH`);
  });

  it("an explicit setting wins in both cases", () => {
    expect(pulumiLocal(fakeEngine(true), { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" }).stdout).toBe("acquisition=false args=preview --stack dev\n");
    rmSync(work, { recursive: true, force: true });
    expect(pulumiLocal(fakeEngine(false), { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" }).stdout).toBe("acquisition=true args=preview --stack dev\n");
  });
});
