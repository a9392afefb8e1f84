#!/usr/bin/env node
// Runs the compiled CLI from dist/ (built by `npm install`/`npm ci` through `prepare`, or
// `npm run build`): no TypeScript transpile at start. When dist/ is missing or older than the
// sources (a checkout edited since its last build), it runs the sources through tsx instead, slower
// to start but never stale.
const path = require("node:path");
const { isDistFresh } = require("./dist-freshness");

let cli;
if (isDistFresh(path.join(__dirname, ".."))) {
  cli = require("../dist/infra/cli/main.js");
} else {
  if (process.stderr.isTTY)
    process.stderr.write("note: dist/ is missing or older than the sources; running them through tsx (slower start). `npm run build` compiles them.\n");
  require("tsx/cjs");
  cli = require("../infra/cli/main.ts");
}
cli.main(process.argv.slice(2)).then((code) => process.exit(code));
