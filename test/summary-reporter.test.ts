/**
 * The summary line counts a throwing beforeAll or afterAll as a failure. Runs vitest in a child
 * process on the small project in test/fixtures/summary-reporter (files named *.fixture.ts, so
 * this suite's own include does not pick them up).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..");
const config = join(__dirname, "fixtures", "summary-reporter", "vitest.config.mts");

/** vitest on the fixture project, limited to files whose name contains one of `filters`; its stdout lines. */
function runFixtures(...filters: string[]): { status: number | null; lines: string[] } {
  // The child is a run of its own, not a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
  const result = spawnSync(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--config", config, ...filters], {
    cwd: root,
    env: { ...env, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, lines: result.stdout.split("\n").filter(Boolean) };
}

describe("summary reporter", () => {
  it("counts a throwing beforeAll, afterAll and file-level afterAll as failures and names each", () => {
    const { status, lines } = runFixtures("before-all", "after-all", "module-hook");
    expect(status).toBe(1);
    expect(lines.at(-1)).toBe("tests: 3 passed, 3 failed, 3 skipped");
    expect(lines.filter((l) => l.startsWith("failed outside a test:")).sort()).toEqual([
      "failed outside a test: after-all.fixture.ts > a suite whose afterAll throws: afterAll fails on purpose",
      "failed outside a test: before-all.fixture.ts > a suite whose beforeAll throws: beforeAll fails on purpose",
      "failed outside a test: module-hook.fixture.ts: a file-level afterAll fails on purpose",
    ]);
  });

  it("says 0 failed when everything passes", () => {
    const { status, lines } = runFixtures("passing");
    expect(status).toBe(0);
    expect(lines).toEqual(["tests: 2 passed, 0 failed, 1 skipped"]);
  });
});
