/**
 * `npm run bench`: renders GM chains of 4, 32 and 128 nodes end to end (topology validation,
 * every key and certificate, every file written to disk) and prints wall time, CPU time and peak
 * memory for each. Each size runs in its own process so peak RSS belongs to that size alone.
 * Reference point: build_chain.sh 2.11 takes about 19 s for 32 GM nodes on a 2-core machine;
 * the targets are under 2 s for 32 nodes and under 5 s for 128.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildChainPki } from "../infra/crypto/chain-pki";
import { chooseGroupTimestamps, renderChainTree } from "../infra/fisco/chain-tree";
import { writeFileTree } from "../infra/fisco/file-tree";
import { validateTopology } from "../infra/topology/validate";

const SIZES = [4, 32, 128];
const AGENCIES = 4;
const TARGET_MS: Record<number, number> = { 32: 2000, 128: 5000 };

/** A chain of `nodeCount` nodes in four agencies, one host per agency, two groups. */
function benchTopology(nodeCount: number) {
  const perAgency = nodeCount / AGENCIES;
  const names = Array.from({ length: nodeCount }, (_, i) => `node${String(i).padStart(3, "0")}`);
  const hosts = Object.fromEntries(
    Array.from({ length: AGENCIES }, (_, a) => [`host${a}`, { address: `127.0.1.${a + 1}`, connection: "local", deployDir: "/tmp/bcos-bench" }]),
  );
  const agencies = Object.fromEntries(
    Array.from({ length: AGENCIES }, (_, a) => [
      `agency${a}`,
      { nodes: Object.fromEntries(names.slice(a * perAgency, (a + 1) * perAgency).map((n) => [n, { host: `host${a}` }])) },
    ]),
  );
  return {
    chain: { id: 1, smCrypto: true, version: "2.11.1", install: false },
    hosts,
    agencies,
    groups: {
      "1": { consensus: "pbft", sealers: names, timestamp: 1700000000000 },
      "2": { consensus: "raft", sealers: names.slice(0, nodeCount / 2), timestamp: 1700000000000 },
    },
  };
}

async function renderOnce(nodeCount: number): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "bcos-bench-"));
  try {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const model = validateTopology(benchTopology(nodeCount));
    const pki = await buildChainPki(model);
    const files = renderChainTree(model, pki, chooseGroupTimestamps(model, Date.now()), { includeCaKeys: true });
    writeFileTree(out, files);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const result = {
      nodes: nodeCount,
      files: files.length,
      wallMs: Math.round(wallMs),
      cpuMs: Math.round((used.user + used.system) / 1000),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(JSON.stringify(result));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function main(): void {
  console.log(`render bench: GM chains, ${AGENCIES} agencies, 2 groups; load average ${loadavg()[0].toFixed(2)}`);
  console.log("nodes  files  wall(ms)  cpu(ms)  peak RSS(MiB)  target");
  for (const size of SIZES) {
    const raw = execFileSync(process.execPath, ["--import", "tsx", __filename, "--one", String(size)], { encoding: "utf8" });
    const r = JSON.parse(raw) as { nodes: number; files: number; wallMs: number; cpuMs: number; peakRssMiB: number };
    const target = TARGET_MS[size];
    const verdict = target === undefined ? "-" : `< ${target} ms ${r.wallMs < target ? "met" : "MISSED"}`;
    console.log(
      `${String(r.nodes).padStart(5)}  ${String(r.files).padStart(5)}  ${String(r.wallMs).padStart(8)}  ${String(r.cpuMs).padStart(7)}  ${String(r.peakRssMiB).padStart(13)}  ${verdict}`,
    );
  }
}

if (process.argv[2] === "--one") {
  renderOnce(Number(process.argv[3])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main();
}
