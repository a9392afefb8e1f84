/**
 * The real executable on a "billion laughs" topology (issue 11.10): 10 aliases × 9 levels used to
 * take 82 s and 1.4 GB and print no path; it now exits 1 at once, naming the file and where.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { billionLaughs } from "../topology/hostile-yaml";

const root = join(__dirname, "..", "..");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bcos-cli-laughs-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it.each(["validate", "render"])("%s refuses nested aliases with a short message naming the file, and writes nothing", (command) => {
  const file = join(work, "laughs.yaml");
  writeFileSync(file, billionLaughs());
  const out = join(work, "out");
  const args = command === "render" ? ["render", "--topology", file, "--out", out] : ["validate", "--topology", file];
  const result = spawnSync(process.execPath, [join(root, "bin", "bcos-pulumi.js"), ...args], { cwd: root, encoding: "utf8" });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`Invalid topology in ${file}`);
  expect(result.stderr).toMatch(/hosts\[[\d\][]+: holds more than 100000 values once YAML aliases \(\*name\) are expanded/);
  expect(result.stderr.length).toBeLessThan(1000);
  expect(existsSync(out)).toBe(false);
});
