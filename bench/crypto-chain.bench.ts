/**
 * Time to build the whole PKI of a large GM chain (128 nodes in 4 agencies): the figure that
 * decides whether key material can be regenerated on every preview.
 * CPU time (all threads) is printed beside wall time because the wall figure depends on what
 * else the machine runs; RSA keygen (~0.2 s a key, random) dominates both.
 * Run: npx tsx bench/crypto-chain.bench.ts [nodes] [agencies]
 */
import * as os from "node:os";
import type { Model } from "../infra/topology/types";
import { buildChainPki } from "../infra/crypto/chain-pki";

function gmModel(nodeCount: number, agencyCount: number): Model {
  const agencies = Array.from({ length: agencyCount }, (_, a) => ({
    name: `agency${a}`,
    nodes: Array.from({ length: nodeCount / agencyCount }, (_, n) => `node${a * (nodeCount / agencyCount) + n}`),
  }));
  return {
    chain: { id: 1, smCrypto: true, smCryptoChannel: false, version: "2.11.1", certValidityDays: 3650, install: false, deleteDataOnRemove: false },
    hosts: [{ name: "local", address: "127.0.0.1", connection: { kind: "local" }, deployDir: "/tmp/fisco" }],
    agencies,
    nodes: agencies.flatMap((a) =>
      a.nodes.map((name, i) => ({ name, agency: a.name, host: "local", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i })),
    ),
    groups: [],
  };
}

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 128);
  const agencies = Number(process.argv[3] ?? 4);
  const model = gmModel(nodes, agencies);
  for (let run = 1; run <= 3; run++) {
    const load = os.loadavg()[0].toFixed(2);
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const pki = await buildChainPki(model);
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const certs = 2 + pki.agencies.length * 6 + pki.nodes.length * 4;
    console.log(
      `run ${run}: ${nodes} GM nodes / ${agencies} agencies, ${certs} certificates: ` +
        `${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (load average ${load}, ${os.cpus().length} CPUs)`,
    );
  }
}

void main();
