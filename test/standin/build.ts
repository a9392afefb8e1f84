/**
 * Bundles the stand-in node into one self-contained file, test/standin/fisco-bcos, so it runs when
 * copied anywhere on this machine (contracts: "Scripts and test rigs"). Run directly with
 * `npx tsx test/standin/build.ts`; tests call ensureStandinBuilt(), which rebuilds only when a
 * source is newer than the bundle.
 */
import { buildSync } from "esbuild";
import { chmodSync, readdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
export const STANDIN_BINARY = path.join(__dirname, "fisco-bcos");
/** The stand-in's own sources and the infra/ modules it imports. */
const SOURCE_DIRS = [path.join(__dirname, "src"), path.join(ROOT, "infra")];

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestSource(full) : entry.name.endsWith(".ts") ? statSync(full).mtimeMs : 0;
    return Math.max(newest, time);
  }, 0);
}

function bundleTime(): number {
  try {
    return statSync(STANDIN_BINARY).mtimeMs;
  } catch {
    return 0;
  }
}

export function buildStandin(): string {
  // A private temporary name, then rename: test files building at once never see half a file.
  const temporary = `${STANDIN_BINARY}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [path.join(__dirname, "src/main.ts")],
    outfile: temporary,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    banner: { js: "#!/usr/bin/env node" },
    logLevel: "warning",
  });
  chmodSync(temporary, 0o755);
  renameSync(temporary, STANDIN_BINARY);
  return STANDIN_BINARY;
}

/** The path of an up-to-date bundle. */
export function ensureStandinBuilt(): string {
  const sources = Math.max(...SOURCE_DIRS.map(newestSource), statSync(__filename).mtimeMs);
  return bundleTime() >= sources ? STANDIN_BINARY : buildStandin();
}

if (require.main === module) {
  process.stdout.write(`built ${buildStandin()}\n`);
}
