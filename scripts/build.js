// `npm run build` (and `prepare`, so npm install/ci builds): compiles the library and the CLI to
// dist/, copies the files read at run time beside the compiled code (infra/remote reads its bash
// bodies from ./sh), and stamps the build last so bin/bcos-pulumi.js can tell a complete, fresh
// build from a stale or half-written one.
const { execFileSync } = require("node:child_process");
const { cpSync, rmSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { STAMP } = require("../bin/dist-freshness");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
cpSync(path.join(root, "infra", "remote", "sh"), path.join(dist, "infra", "remote", "sh"), { recursive: true });
writeFileSync(path.join(dist, STAMP), `${new Date().toISOString()}\n`);
