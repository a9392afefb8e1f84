/**
 * Nodes that left the topology, under mocks with chain.install off (the dev stack): the handover
 * packages' config.ini files blacklist every node ID the NodeRegistry has had that no node
 * declares now, after the topology's own chain.certificateBlacklist; no host is contacted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { devModel } from "./dev-stack";
import { type Registration, byName, settled, startMocks } from "./mock-run";
import { LEAVING_ID, SETTLED_ID, blacklistOf, packagedConfigIni, registryWithHistory } from "./revoked-nodes";

const MANUAL_ID = "c3".repeat(64);
const model = devModel();
model.chain.certificateBlacklist = [MANUAL_ID, LEAVING_ID];
let registrations: Registration[];
let outputDir: string;

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-revoked-off-"));
  registryWithHistory();
  registrations = await startMocks({});
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model, outputDir });
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

it("blacklists the topology's IDs first, then the revoked ones it does not list, in every rendered package", () => {
  expect(model.chain.install).toBe(false);
  for (const node of model.nodes) {
    expect(blacklistOf(packagedConfigIni(byName(registrations, `${node.agency}-package`), node.agency, node.name)), node.name).toEqual([
      MANUAL_ID,
      LEAVING_ID,
      SETTLED_ID,
    ]);
  }
  expect(registrations.filter((r) => r.type.startsWith("command:"))).toEqual([]);
});
