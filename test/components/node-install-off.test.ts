/** With chain.install false (the dev stack) the program builds artifacts only: no command resource at all. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { devModel } from "./dev-stack";
import { type Registration, settled, startMocks } from "./mock-run";

let registrations: Registration[];
let outputDir: string;

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-install-off-"));
  registrations = await startMocks({});
  const { Consortium } = await import("../../components");
  const model = devModel();
  expect(model.chain.install).toBe(false);
  new Consortium("consortium", { model, outputDir });
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

it("registers no NodeInstall and no @pulumi/command resource, so no host is contacted", () => {
  expect(registrations.length).toBeGreaterThan(50);
  expect(registrations.filter((r) => r.type.startsWith("command:") || r.type === "bcos:index:NodeInstall")).toEqual([]);
});

it("registers no governance key and no Membership: the chain is not running anywhere this stack knows", () => {
  expect(registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:Membership" || r.name === "governance-key")).toEqual([]);
});
