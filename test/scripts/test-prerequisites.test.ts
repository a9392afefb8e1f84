/**
 * scripts/test-prerequisites.sh, which `npm test` (pretest) and .ci/run both run: with a PATH of
 * stand-in tools it finds what is missing, installs it with apt-get as root, and otherwise stops
 * with the one command to run. A fake `id` plays root or not; a fake `apt-get` records its calls.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const script = join(root, "scripts", "test-prerequisites.sh");
const TOOLS = ["openssl", "tar", "flock", "ps", "ssh"];

let bin: string;
afterEach(() => rmSync(bin, { recursive: true, force: true }));

function executable(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** A bin folder with the real `tools`, an `id` reporting `uid`, and optionally an `apt-get` that installs openssl. */
function fakeBin(tools: string[], uid: number, aptGet: boolean): string {
  bin = mkdtempSync(join(tmpdir(), "bcos-prereq-"));
  for (const tool of tools) symlinkSync(spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(), join(bin, tool));
  executable(join(bin, "id"), `#!/bin/bash\necho ${uid}\n`);
  if (aptGet) {
    const openssl = spawnSync("bash", ["-c", "command -v openssl"], { encoding: "utf8" }).stdout.trim();
    executable(join(bin, "apt-get"), `#!/bin/bash\necho "$*" >> "${bin}/apt-get.log"\n[[ $1 == install ]] && ln -sf ${openssl} "${bin}/openssl"\nexit 0\n`);
  }
  return bin;
}

function run(path: string) {
  return spawnSync("/bin/bash", [script], { env: { PATH: path }, encoding: "utf8" });
}

const aptCalls = () => (existsSync(join(bin, "apt-get.log")) ? readFileSync(join(bin, "apt-get.log"), "utf8").trim().split("\n") : []);

describe("test prerequisites", () => {
  it("passes silently when everything is there", () => {
    const r = run(fakeBin(TOOLS, 1000, true));
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", ""]);
    expect(aptCalls()).toEqual([]);
  });

  it("not root: stops at once with the one command that installs what is missing", () => {
    const r = run(fakeBin(["tar", "flock", "ssh"], 1000, true));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("missing openssl procps");
    expect(r.stderr.trim().split("\n").at(-1)).toBe("  sudo apt-get install -y openssl procps");
    expect(aptCalls()).toEqual([]);
  });

  it("root: installs what is missing with apt-get", () => {
    const r = run(
      fakeBin(
        TOOLS.filter((t) => t !== "openssl"),
        0,
        true,
      ),
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("installing openssl");
    expect(aptCalls()).toEqual(["update -qq", "install -y -qq openssl"]);
  });

  it("root without apt-get: names the packages and fails", () => {
    const r = run(
      fakeBin(
        TOOLS.filter((t) => t !== "ps"),
        0,
        false,
      ),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("missing procps");
    expect(r.stderr).toContain("no apt-get");
  });

  it("is what npm test runs first and what .ci/run runs", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe("bash scripts/test-prerequisites.sh");
    expect(readFileSync(join(root, ".ci", "run"), "utf8")).toMatch(/^bash scripts\/test-prerequisites\.sh$/m);
  });
});
