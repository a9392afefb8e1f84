#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so users need no build step.
require("tsx/cjs");
require("../infra/cli/main.ts")
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
