// Whether dist/ holds a complete build at least as new as every source it was built from. A source
// checkout can have a stale dist/ (sources edited or another branch checked out since the last
// build); running it would run old code, so the CLI falls back to the sources then.
const { existsSync, readdirSync, statSync } = require("node:fs");
const path = require("node:path");

/** Written last by scripts/build.js: its absence means no build or an interrupted one. */
const STAMP = ".build-stamp";
/** What tsconfig.build.json compiles, plus the files that change how it compiles. */
const SOURCES = ["lib.ts", "index.ts", "infra", "components", "tsconfig.json", "tsconfig.build.json"];

function newestMtimeMs(root) {
  let newest = 0;
  for (const source of SOURCES) {
    const at = path.join(root, source);
    if (!existsSync(at)) continue;
    const stat = statSync(at);
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) continue;
    for (const rel of readdirSync(at, { recursive: true })) newest = Math.max(newest, statSync(path.join(at, rel)).mtimeMs);
  }
  return newest;
}

function isDistFresh(root) {
  const stamp = path.join(root, "dist", STAMP);
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestMtimeMs(root);
}

module.exports = { STAMP, isDistFresh };
