/**
 * The consortium shapes the bench measures: `nodes` nodes in agencies of ten (one host each),
 * pbft groups over consecutive nodes. 100 nodes is issue 12's reference: 10 agencies × 10 nodes,
 * 10 hosts, 4 groups of 25 sealers, artifacts only.
 */
export interface ScaleOptions {
  /** Per host; default a local host under /tmp (never contacted while chain.install is false). */
  host?: (index: number) => Record<string, unknown>;
  install?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the bench edits this YAML-shaped document freely (one node, the binary)
export function scaleTopology(nodes: number, options: ScaleOptions = {}): Record<string, any> {
  const perAgency = Math.min(10, nodes);
  const agencyCount = Math.ceil(nodes / perAgency);
  const groupCount = nodes >= 16 ? 4 : 1;
  const names = Array.from({ length: nodes }, (_, i) => `node${String(i).padStart(3, "0")}`);
  const host = options.host ?? ((i: number) => ({ address: `127.0.1.${i + 1}`, connection: "local", deployDir: "/tmp/bcos-bench" }));
  const hosts = Object.fromEntries(Array.from({ length: agencyCount }, (_, a) => [`host${String(a).padStart(2, "0")}`, host(a)]));
  const agencies = Object.fromEntries(
    Array.from({ length: agencyCount }, (_, a) => [
      `agency${String(a).padStart(2, "0")}`,
      { nodes: Object.fromEntries(names.slice(a * perAgency, (a + 1) * perAgency).map((n) => [n, { host: `host${String(a).padStart(2, "0")}` }])) },
    ]),
  );
  const size = Math.ceil(nodes / groupCount);
  const groups = Object.fromEntries(
    Array.from({ length: groupCount }, (_, g) => [
      String(g + 1),
      { consensus: "pbft", sealers: names.slice(g * size, (g + 1) * size), timestamp: 1700000000000 },
    ]),
  );
  return { chain: { id: 1, smCrypto: true, version: "2.11.1", install: options.install ?? false }, hosts, agencies, groups };
}
