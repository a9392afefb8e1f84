/**
 * The resources a consortium with chain.install registers keep their URNs and parents (issue 10:
 * existing single-stack states keep working; a URN names only the parents' types, so the parent
 * is compared too). test/fixtures/consortium-urns.json lists them as c82256a's program registered
 * them for this topology: the dev chain on a local host and on an SSH host, so install, membership,
 * removal and registry resources are all there.
 * Resources may be added; none of these may go, be renamed or move.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topologyFromConfigValue } from "../../infra/topology/load";
import { devTopology } from "./dev-stack";
import { type Registration, settled, startMocks } from "./mock-run";

const FIXTURE = path.join(__dirname, "..", "fixtures", "consortium-urns.json");
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedHostKeyForTestsOnly0000000000000000";
const PLACEMENT = { node0: "local", node1: "local", node2: "a1", node3: "a1", node4: "a1" };

let registrations: Registration[];
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "bcos-consortium-urns-"));
  const binaryPath = path.join(workDir, "fisco-bcos");
  writeFileSync(binaryPath, "#!/bin/sh\necho 'FISCO-BCOS Version : 2.11.1 gm'\n", { mode: 0o755 });
  const t = devTopology() as {
    chain: Record<string, unknown>;
    hosts: Record<string, unknown>;
    agencies: Record<string, { nodes?: Record<string, { host: string }> }>;
  };
  t.chain.install = true;
  t.chain.binary = { path: binaryPath };
  t.hosts.a1 = { address: "127.0.0.2", connection: { ssh: { port: 2222, user: "fisco", hostKey: HOST_KEY } }, deployDir: "/srv/fisco" };
  for (const agency of Object.values(t.agencies)) {
    for (const [name, node] of Object.entries(agency.nodes ?? {})) node.host = PLACEMENT[name as keyof typeof PLACEMENT];
  }
  registrations = await startMocks({ "bcos:sshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nurns\n-----END OPENSSH PRIVATE KEY-----" });
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model: topologyFromConfigValue(t), outputDir: path.join(workDir, "out") });
  await settled();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("consortium URNs", () => {
  it("registers every resource c82256a registered, under the same URN and parent", () => {
    const now = registrations.map((r) => ({ urn: r.urn, parent: r.parent }));
    const then = JSON.parse(readFileSync(FIXTURE, "utf8")) as { urn: string; parent: string }[];
    expect(then.length).toBeGreaterThan(100);
    expect(now).toEqual(expect.arrayContaining(then));
  });
});
