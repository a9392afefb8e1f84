/** Handover packages on disk: written with mode 0600, rewritten only when their content changes. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RenderedFile } from "../../infra/fisco/rendered-file";
import { tarGz } from "../../infra/fisco/tarball";
import { type PackageFileInputs, type PackageFileOutputs, packageFileProvider } from "../../infra/providers/package-file-provider";

const FILES: RenderedFile[] = [
  { path: "agencyA/node0/config.ini", content: "[rpc]\n", mode: 0o644 },
  { path: "agencyA/node0/conf/gmnode.key", content: "key\n", mode: 0o600 },
];

let dir: string;
let inputs: PackageFileInputs;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bcos-package-file-"));
  inputs = { path: path.join(dir, "agencyA.tar.gz"), files: FILES };
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const create = async (news: PackageFileInputs) => {
  const { id, outs } = await packageFileProvider.create(news);
  return { id, outs: outs as PackageFileOutputs };
};
const mode = (file: string) => statSync(file).mode & 0o777;
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("packageFileProvider", () => {
  it("writes the files as a .tar.gz with mode 0600 and records its hash", async () => {
    const { outs } = await create(inputs);
    expect(mode(inputs.path)).toBe(0o600);
    expect(readFileSync(inputs.path)).toEqual(await tarGz(FILES));
    expect(outs).toEqual({ path: inputs.path, sha256: sha256(inputs.path), fileCount: 2 });
  });

  it("leaves mode 0600 on a package that replaces a readable file", async () => {
    writeFileSync(inputs.path, "old", { mode: 0o644 });
    const { id, outs } = await create(inputs);
    await packageFileProvider.update!(id, outs, { ...inputs, files: [FILES[0]] });
    expect(mode(inputs.path)).toBe(0o600);
  });

  it("reports no change for the same files (a second up is a no-op)", async () => {
    const { id, outs } = await create(inputs);
    expect(await packageFileProvider.diff!(id, outs, { ...inputs, files: FILES.map((f) => ({ ...f })) })).toEqual({ changes: false });
  });

  it.each([
    ["content", [FILES[0], { ...FILES[1], content: "new key\n" }]],
    ["mode", [FILES[0], { ...FILES[1], mode: 0o644 }]],
    ["set", [FILES[0]]],
  ])("updates the package in place when a file's %s changes", async (_what, files) => {
    const { id, outs } = await create(inputs);
    const news = { ...inputs, files };
    expect(await packageFileProvider.diff!(id, outs, news)).toEqual({ changes: true });
    const { outs: updated } = await packageFileProvider.update!(id, outs, news);
    expect(readFileSync(inputs.path)).toEqual(await tarGz(files));
    expect(updated).toEqual({ path: inputs.path, sha256: sha256(inputs.path), fileCount: files.length });
  });

  it("reports a change, instead of failing, when a preview does not know the files yet", async () => {
    const { id, outs } = await create(inputs);
    const unknownFiles = { ...inputs, files: pulumi.runtime.unknownValue as unknown as RenderedFile[] };
    expect(await packageFileProvider.diff!(id, outs, unknownFiles)).toEqual({ changes: true });
  });

  it("replaces the package when its path changes, and delete removes the old one", async () => {
    const { id, outs } = await create(inputs);
    const moved = { ...inputs, path: path.join(dir, "moved", "agencyA.tar.gz") };
    expect(await packageFileProvider.diff!(id, outs, moved)).toMatchObject({ changes: true, replaces: ["path"] });
    await create(moved);
    await packageFileProvider.delete!(id, outs);
    expect(existsSync(inputs.path)).toBe(false);
    expect(mode(moved.path)).toBe(0o600);
  });

  /** What the engine does with the diff: replace (create the new, then delete the old) or update. */
  async function apply(id: string, olds: PackageFileOutputs, news: PackageFileInputs): Promise<PackageFileOutputs> {
    const diff = await packageFileProvider.diff!(id, olds, news);
    if (diff.replaces?.length) {
      const { outs } = await create(news);
      await packageFileProvider.delete!(id, olds);
      return outs;
    }
    return diff.changes ? ((await packageFileProvider.update!(id, olds, news)).outs as PackageFileOutputs) : olds;
  }

  it.each([
    ["a ./ segment", (d: string) => [`${d}/out/./agencyA.tar.gz`, `${d}/out/agencyA.tar.gz`]],
    ["a .. segment", (d: string) => [`${d}/out/agencyA.tar.gz`, `${d}/out/../out/agencyA.tar.gz`]],
    ["a symlinked folder", (d: string) => [`${d}/out/agencyA.tar.gz`, `${d}/link/agencyA.tar.gz`]],
  ])("keeps the package when the path is respelled with %s (same file: an update, not a move)", async (_how, spell) => {
    mkdirSync(path.join(dir, "out"));
    symlinkSync(path.join(dir, "out"), path.join(dir, "link"));
    const [before, after] = spell(dir);
    const { id, outs } = await create({ path: before, files: FILES });
    expect(await packageFileProvider.diff!(id, outs, { path: after, files: FILES })).toEqual({ changes: true });
    const updated = await apply(id, outs, { path: after, files: [FILES[0]] });
    expect(readFileSync(path.join(dir, "out/agencyA.tar.gz"))).toEqual(await tarGz([FILES[0]]));
    expect(updated.path).toBe(after);
  });

  it("delete leaves a package that another write has replaced since", async () => {
    const { id, outs } = await create(inputs);
    await create({ ...inputs, files: [FILES[0]] });
    await packageFileProvider.delete!(id, outs);
    expect(readFileSync(inputs.path)).toEqual(await tarGz([FILES[0]]));
  });
});
