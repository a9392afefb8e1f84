import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Dynamic-provider closure serialisation needs node:inspector, which worker threads lack.
    pool: "forks",
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
