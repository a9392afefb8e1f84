import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Dynamic-provider closure serialisation needs node:inspector, which worker threads lack.
    pool: "forks",
    // The slow files mostly wait on the engine, sshd and stand-in nodes: on two cores vitest's
    // default (cores - 1) runs them one at a time; two at once halves the wall time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
