/**
 * "Same bytes as render for the same keys": each package the program writes (PackageFile), unpacked
 * by the system tar, holds exactly the files renderAgencyTree makes from the run's keys and
 * certificates, with the same contents and modes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderAgencyTree } from "../../infra/fisco/chain-tree";
import { type RenderedFile, underFolder } from "../../infra/fisco/rendered-file";
import type { Model } from "../../infra/topology/types";
import { devModel, devTopology } from "./dev-stack";
import { type Registration, settled, startMocks } from "./mock-run";
import { pkiFromState } from "./pki-from-state";

let model: Model;
let registrations: Registration[];
let outputDir: string;

beforeAll(async () => {
  model = devModel();
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-package-"));
  registrations = await startMocks({ "bcos:topology": JSON.stringify(devTopology()), "bcos:outputDir": outputDir });
  await import("../../index");
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

/** The files of a .tar.gz as the system tar extracts them, sorted by path. */
function extracted(archive: string): RenderedFile[] {
  const dir = mkdtempSync(path.join(tmpdir(), "bcos-unpacked-"));
  try {
    execFileSync("tar", ["-xzpf", archive, "-C", dir]);
    return readFiles(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readFiles(dir: string): RenderedFile[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { path: path.relative(dir, file), content: readFileSync(file, "utf8"), mode: statSync(file).mode & 0o777 };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

const sorted = (files: RenderedFile[]) => [...files].sort((a, b) => a.path.localeCompare(b.path));

describe("agency packages", () => {
  // The dev stack pins both genesis timestamps, so render needs no state beyond the keys.
  const rendered = (agency: string) => underFolder(agency, renderAgencyTree(model, pkiFromState(model, registrations), agency, {}));

  it.each(["agencyA", "agencyB", "agencyC", "agencyD"])("%s.tar.gz holds exactly what render makes from the same keys", (agency) => {
    const expected = sorted(rendered(agency));
    const folders = new Set(expected.map((f) => f.path.split("/")[1]));
    expect([...folders].sort()).toEqual([...model.agencies.find((a) => a.name === agency)!.nodes, "sdk"].sort());
    expect(extracted(path.join(outputDir, `${agency}.tar.gz`))).toEqual(expected);
  });

  it.each(["agencyA", "agencyD"])("%s-sdk.tar.gz holds exactly the sdk/ part of that render", (agency) => {
    const expected = sorted(rendered(agency).filter((f) => f.path.startsWith(`${agency}/sdk/`)));
    expect(expected.length).toBeGreaterThan(0);
    expect(extracted(path.join(outputDir, `${agency}-sdk.tar.gz`))).toEqual(expected);
  });
});
